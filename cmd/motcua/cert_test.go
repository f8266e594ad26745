package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// caClient trusts only the CA in dir, as a kiosk that installed it.
func caClient(t *testing.T, dir string) *http.Client {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, certCA))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(b) {
		t.Fatal("ca.crt holds no certificate")
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func readCert(t *testing.T, path string) *x509.Certificate {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatalf("%s: not PEM", path)
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestCertServesTrustedHTTPS: motcua cert makes a CA and a server
// certificate (ECDSA P-256, the names and addresses given, keys 0600) that
// serve HTTPS a client trusting only the CA accepts, for those names only;
// a second run keeps the CA, so kiosks need nothing new.
func TestCertServesTrustedHTTPS(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	now := time.Now()
	var out bytes.Buffer
	if err := makeCert([]string{"--name", "motcua.test", "--ip", "127.0.0.1", "--out", dir}, &out, io.Discard, now); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "cert_file: "+filepath.Join(dir, certServer)) {
		t.Errorf("output does not say what to configure:\n%s", out.String())
	}
	for name, want := range map[string]os.FileMode{certCAKey: 0o600, certServerKey: 0o600, certCA: 0o644, certServer: 0o644} {
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil || st.Mode().Perm() != want {
			t.Errorf("%s: %v %v, want mode %v", name, st.Mode(), err, want)
		}
	}
	ca, srv := readCert(t, filepath.Join(dir, certCA)), readCert(t, filepath.Join(dir, certServer))
	if !ca.IsCA || !ca.MaxPathLenZero || ca.KeyUsage&x509.KeyUsageCertSign == 0 {
		t.Errorf("CA: IsCA %v MaxPathLenZero %v usage %v", ca.IsCA, ca.MaxPathLenZero, ca.KeyUsage)
	}
	if pk, ok := srv.PublicKey.(*ecdsa.PublicKey); !ok || pk.Curve != elliptic.P256() {
		t.Errorf("server key %T, want ECDSA P-256", srv.PublicKey)
	}
	if srv.IsCA || len(srv.DNSNames) != 1 || srv.DNSNames[0] != "motcua.test" || len(srv.IPAddresses) != 1 || !srv.IPAddresses[0].Equal(net.IPv4(127, 0, 0, 1)) {
		t.Errorf("server SANs %v %v", srv.DNSNames, srv.IPAddresses)
	}
	if d := srv.NotAfter.Sub(now); d < 365*24*time.Hour || d > 3*365*24*time.Hour {
		t.Errorf("server valid for %v", d)
	}

	serveWith := func() *httptest.Server {
		pair, err := tls.LoadX509KeyPair(filepath.Join(dir, certServer), filepath.Join(dir, certServerKey))
		if err != nil {
			t.Fatal(err)
		}
		s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }))
		s.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
		s.StartTLS()
		t.Cleanup(s.Close)
		return s
	}
	s := serveWith()
	client := caClient(t, dir)
	resp, err := client.Get(s.URL)
	if err != nil {
		t.Fatalf("a client trusting the CA: %v", err)
	}
	resp.Body.Close()
	// The name in the certificate is accepted, another is not.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.URL, "https://"))
	dialTo := func(name string) error {
		c, err := tls.Dial("tcp", "127.0.0.1:"+port, &tls.Config{RootCAs: client.Transport.(*http.Transport).TLSClientConfig.RootCAs, ServerName: name})
		if err == nil {
			c.Close()
		}
		return err
	}
	if err := dialTo("motcua.test"); err != nil {
		t.Errorf("motcua.test: %v", err)
	}
	if err := dialTo("other.test"); err == nil {
		t.Error("a name not in the certificate was accepted")
	}
	// A client with the system's roots only does not trust it.
	if _, err := (&http.Client{Timeout: 5 * time.Second}).Get(s.URL); err == nil {
		t.Error("a client without the CA trusted the certificate")
	}

	// Renewing keeps the CA.
	caBefore, _ := os.ReadFile(filepath.Join(dir, certCA))
	out.Reset()
	if err := makeCert([]string{"--name", "motcua.test", "--ip", "127.0.0.1", "--out", dir}, &out, io.Discard, now); err != nil {
		t.Fatal(err)
	}
	caAfter, _ := os.ReadFile(filepath.Join(dir, certCA))
	if !bytes.Equal(caBefore, caAfter) || !strings.Contains(out.String(), "CA reused") {
		t.Fatalf("a second run replaced the CA:\n%s", out.String())
	}
	resp, err = client.Get(serveWith().URL)
	if err != nil {
		t.Fatalf("the renewed certificate with the same CA: %v", err)
	}
	resp.Body.Close()

	// One of the CA's files alone is refused.
	os.Remove(filepath.Join(dir, certCAKey))
	if err := makeCert([]string{"--ip", "127.0.0.1", "--out", dir}, io.Discard, io.Discard, now); err == nil || !strings.Contains(err.Error(), "only one of") {
		t.Errorf("ca.crt without ca.key: %v", err)
	}
	if err := makeCert([]string{"--out", dir}, io.Discard, io.Discard, now); err == nil {
		t.Error("no --name nor --ip accepted")
	}
}

// freePort returns a loopback address nobody listens on now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeTLS: with tls: the demo is served over HTTPS with motcua cert's
// certificate (pages, API, websockets), a client trusting only the CA
// accepts it, plain HTTP on that port is not served, and redirect_from
// sends plain HTTP to HTTPS.
func TestServeTLS(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "certs")
	if err := makeCert([]string{"--ip", "127.0.0.1", "--out", dir}, io.Discard, io.Discard, time.Now()); err != nil {
		t.Fatal(err)
	}
	redirect := freePort(t)
	cfg := demoWith(t, fmt.Sprintf("tls:\n  cert_file: %s\n  key_file: %s\n  redirect_from: %s\n",
		filepath.Join(dir, certServer), filepath.Join(dir, certServerKey), redirect))
	c := startChild(t, "serve", "--config", cfg, "--addr", "127.0.0.1:0", "--data", t.TempDir())
	defer c.kill()
	if !strings.Contains(c.logs.String(), "scheme=https") {
		t.Errorf("the start line does not say https:\n%s", c.logs)
	}
	base := "https://" + strings.TrimPrefix(c.base, "http://")
	client := caClient(t, dir)
	for _, path := range []string{"/healthz", "/kiosk?kiosk=k2", "/display"} {
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatalf("%s over HTTPS: %v", path, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s over HTTPS: %d", path, resp.StatusCode)
		}
	}
	if _, status, err := postTicket(client, base, "A", "k2"); err != nil || status != http.StatusCreated {
		t.Errorf("a ticket over HTTPS: %d %v", status, err)
	}
	// The screens' socket over wss.
	dialer := websocket.Dialer{TLSClientConfig: client.Transport.(*http.Transport).TLSClientConfig}
	ws, _, err := dialer.Dial("wss://"+strings.TrimPrefix(base, "https://")+"/ws/display?screen=lobby", nil)
	if err != nil {
		t.Fatalf("wss: %v", err)
	}
	ws.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, m, err := ws.ReadMessage(); err != nil || !strings.Contains(string(m), `"snapshot"`) {
		t.Errorf("wss first frame: %s %v", m, err)
	}
	ws.Close()
	// Plain HTTP on the HTTPS port gets no page.
	if resp, err := http.Get(c.base + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Error("plain HTTP served on the HTTPS port")
		}
	}
	// redirect_from sends plain HTTP to HTTPS, path and query kept.
	resp, err := client.Get("http://" + redirect + "/kiosk?kiosk=k2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "https://"))
	if want := "https://127.0.0.1:" + port + "/kiosk?kiosk=k2"; resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != want {
		t.Errorf("redirect: %d %q, want 301 %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
}
