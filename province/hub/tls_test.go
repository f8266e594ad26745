package hub_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"motcua/province/broker"
	"motcua/province/hub"
	"motcua/province/hub/hubtest"
	"motcua/province/link"
	"motcua/queue"
)

// selfSigned is a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "hub"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

func TestAHubWithTLSTakesOnlyTLSCenters(t *testing.T) {
	cert, pool := selfSigned(t)
	hubKP, _ := nkeys.CreateUser()
	hubPub, _ := hubKP.PublicKey()
	seed1, pub1 := userKey(t)
	seed2, pub2 := userKey(t)
	srv, err := broker.Start(broker.Opts{Listen: "127.0.0.1:0", StoreDir: t.TempDir(), Hub: hubPub,
		Centers: []broker.Center{{ID: "c1", NKey: pub1}, {ID: "c2", NKey: pub2}},
		TLS:     &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// The hub in the same process needs no TLS to its own server.
	nc, err := nats.Connect("", nats.InProcessServer(srv), nats.Nkey(hubPub, hubKP.Sign))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	store := hubtest.NewStore()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h, err := hub.New(ctx, hub.Opts{Conn: nc, Store: store, Known: func(string) bool { return true }, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	go h.Run(ctx)

	url := "tls://" + srv.Addr()
	c1 := newCenterWith(t, "c1", seed1, url, t.TempDir(), func(o *link.Opts) { o.TLS = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12} })
	c2 := newCenterWith(t, "c2", seed2, "nats://"+srv.Addr(), t.TempDir(), nil) // no TLS
	for _, c := range []*center{c1, c2} {
		if _, err := c.engine.Issue(ctx, queue.IssueRequest{Service: "A"}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "c1's event over TLS", 20*time.Second, func() bool { return len(store.Events("c1")) == len(c1.committed(t)) })
	time.Sleep(time.Second)
	if c2.link.State().Connected || len(store.Events("c2")) != 0 {
		t.Fatalf("a center without TLS got through: %+v, %d events", c2.link.State(), len(store.Events("c2")))
	}
}
