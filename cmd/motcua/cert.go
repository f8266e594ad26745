package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Files motcua cert writes in its --out folder.
const (
	certCA        = "ca.crt"     // install in the kiosks' browsers
	certCAKey     = "ca.key"     // keep offline: it signs the next server certificate
	certServer    = "server.crt" // tls.cert_file
	certServerKey = "server.key" // tls.key_file
)

// Validity of what motcua cert makes: the center's CA lasts ten years, the
// server certificate two (renewed with the same CA, nothing to reinstall).
const (
	caValidity     = 10 * 365 * 24 * time.Hour
	serverValidity = 2 * 365 * 24 * time.Hour
)

// listFlag is a flag given several times or with commas.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// makeCert makes the center's certificate authority in --out (or reuses
// the one there) and a server certificate it signs for the names and
// addresses given.
func makeCert(args []string, stdout, stderr io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("cert", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var names, ips listFlag
	fs.Var(&names, "name", "host name the kiosks use (repeat or comma-separate), e.g. motcua.local")
	fs.Var(&ips, "ip", "IP address the kiosks use (repeat or comma-separate), e.g. 192.168.1.10")
	out := fs.String("out", "certs", "folder for ca.crt, ca.key, server.crt and server.key")
	center := fs.String("center", "motcua", "center name in the CA's subject")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if len(names) == 0 && len(ips) == 0 {
		return errors.New("cert: give at least one --name HOST or --ip IP: what the kiosks type to reach the service")
	}
	var addrs []net.IP
	for _, s := range ips {
		ip := net.ParseIP(s)
		if ip == nil {
			return fmt.Errorf("cert: --ip %q is not an IP address", s)
		}
		addrs = append(addrs, ip)
	}
	for _, n := range names {
		if net.ParseIP(n) != nil {
			return fmt.Errorf("cert: --name %q is an address: give it with --ip", n)
		}
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	ca, caKey, made, err := loadOrMakeCA(*out, *center, now)
	if err != nil {
		return err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	sn, err := serial()
	if err != nil {
		return err
	}
	cn := ""
	if len(names) > 0 {
		cn = names[0]
	} else {
		cn = ips[0]
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{*center}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(serverValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              names,
		IPAddresses:           addrs,
	}
	if tmpl.NotAfter.After(ca.NotAfter) {
		tmpl.NotAfter = ca.NotAfter
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	if err := writePEM(filepath.Join(*out, certServerKey), "PRIVATE KEY", keyDER, 0o600); err != nil {
		return err
	}
	// The chain: the server's certificate, then the CA's.
	chain := append(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ca.Raw})...)
	if err := os.WriteFile(filepath.Join(*out, certServer), chain, 0o644); err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	sum := sha256.Sum256(ca.Raw)
	state := "reused"
	if made {
		state = "made"
	}
	fmt.Fprintf(stdout, `CA %s: %s (SHA-256 %s), valid until %s
  install it in every kiosk's and counter's browser (docs/security.md, "TLS");
  keep %s offline: it signs the next server certificate.
server certificate for %s, valid until %s:
  tls:
    cert_file: %s
    key_file: %s
`, state, filepath.Join(*out, certCA), hex.EncodeToString(sum[:]), ca.NotAfter.Format("2006-01-02"),
		filepath.Join(*out, certCAKey), strings.Join(append(append([]string{}, names...), ips...), ", "),
		tmpl.NotAfter.Format("2006-01-02"), filepath.Join(*out, certServer), filepath.Join(*out, certServerKey))
	return nil
}

// loadOrMakeCA reads ca.crt and ca.key from dir or, when neither is there,
// makes them. One without the other is an error: the CA installed in the
// kiosks must not be replaced by surprise.
func loadOrMakeCA(dir, center string, now time.Time) (*x509.Certificate, *ecdsa.PrivateKey, bool, error) {
	certPath, keyPath := filepath.Join(dir, certCA), filepath.Join(dir, certCAKey)
	certPEM, errC := os.ReadFile(certPath)
	keyPEM, errK := os.ReadFile(keyPath)
	switch {
	case errC == nil && errK == nil:
		ca, key, err := parseCA(certPEM, keyPEM)
		if err != nil {
			return nil, nil, false, fmt.Errorf("cert: %s and %s: %w", certPath, keyPath, err)
		}
		if now.After(ca.NotAfter) {
			return nil, nil, false, fmt.Errorf("cert: the CA in %s expired on %s: move the folder away to make a new one (and install it in the kiosks)", certPath, ca.NotAfter.Format("2006-01-02"))
		}
		return ca, key, false, nil
	case errors.Is(errC, os.ErrNotExist) && errors.Is(errK, os.ErrNotExist):
	case errC != nil && !errors.Is(errC, os.ErrNotExist):
		return nil, nil, false, fmt.Errorf("cert: %w", errC)
	case errK != nil && !errors.Is(errK, os.ErrNotExist):
		return nil, nil, false, fmt.Errorf("cert: %w", errK)
	default:
		return nil, nil, false, fmt.Errorf("cert: %s holds only one of %s and %s: put the other back, or empty the folder to make a new CA", dir, certCA, certCAKey)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, false, fmt.Errorf("cert: %w", err)
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, false, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: center + " CA", Organization: []string{center}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(caValidity),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, false, fmt.Errorf("cert: %w", err)
	}
	ca, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, false, fmt.Errorf("cert: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, false, fmt.Errorf("cert: %w", err)
	}
	if err := writePEM(keyPath, "PRIVATE KEY", keyDER, 0o600); err != nil {
		return nil, nil, false, err
	}
	if err := writePEM(certPath, "CERTIFICATE", der, 0o644); err != nil {
		return nil, nil, false, err
	}
	return ca, key, true, nil
}

func parseCA(certPEM, keyPEM []byte) (*x509.Certificate, *ecdsa.PrivateKey, error) {
	cb, _ := pem.Decode(certPEM)
	kb, _ := pem.Decode(keyPEM)
	if cb == nil || kb == nil {
		return nil, nil, errors.New("not PEM")
	}
	ca, err := x509.ParseCertificate(cb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	if !ca.IsCA {
		return nil, nil, errors.New("not a CA certificate")
	}
	k, err := x509.ParsePKCS8PrivateKey(kb.Bytes)
	if err != nil {
		return nil, nil, err
	}
	key, ok := k.(*ecdsa.PrivateKey)
	if !ok || !key.PublicKey.Equal(ca.PublicKey) {
		return nil, nil, errors.New("the key is not the CA's")
	}
	return ca, key, nil
}

// writePEM writes one PEM block; an existing file is replaced.
func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), mode); err != nil {
		return fmt.Errorf("cert: %w", err)
	}
	return os.Chmod(path, mode) // WriteFile keeps an existing file's mode
}

// serial is a random 128-bit certificate serial number.
func serial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("cert: %w", err)
	}
	return n.Add(n, big.NewInt(1)), nil
}
