package booking

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// KeyFile is the name of the hub's private key in its data directory.
const KeyFile = "booking-key"

// LoadOrCreateKey returns the private key kept in dir/KeyFile (the seed in
// hex, mode 0600), making it on the first start. A key file that does not
// read is an error: a new key would refuse every booking already given.
func LoadOrCreateKey(dir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dir, KeyFile)
	key, err := LoadKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key, err = NewKeyFile(path)
	if errors.Is(err, fs.ErrExist) {
		return LoadOrCreateKey(dir) // made by another process meanwhile: that one
	}
	return key, err
}

// LoadKeyFile reads the private key kept in path (the seed in hex); a
// missing file is fs.ErrNotExist.
func LoadKeyFile(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("booking: %w", err)
	}
	seed, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("booking: %s is not a booking key (%d hex digits of a seed)", path, 2*ed25519.SeedSize)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// NewKeyFile makes a new private key and writes it to path (the seed in
// hex, mode 0600), whole or not at all; a file already there is kept and
// the error is fs.ErrExist.
func NewKeyFile(path string) (ed25519.PrivateKey, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, fmt.Errorf("booking: %w", err)
	}
	if err := writeFile(path, []byte(hex.EncodeToString(seed)+"\n")); err != nil {
		return nil, err
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// writeFile writes b to path whole or not at all: a temporary file, synced,
// renamed, the directory synced.
func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".booking-key-*")
	if err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("booking: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("booking: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("booking: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	// A link, not a rename: a key made meanwhile is never replaced.
	if err := os.Link(tmp.Name(), path); err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("booking: %w", err)
	}
	defer d.Close()
	return d.Sync()
}

// EncodePublic is key as the Bundle carries it: standard base64.
func EncodePublic(key ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(key) }

// DecodePublic reads a key written by EncodePublic.
func DecodePublic(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, errors.New("booking: not an Ed25519 public key in base64")
	}
	return ed25519.PublicKey(b), nil
}
