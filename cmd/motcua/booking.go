package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"motcua/province/booking"
)

// hubBookingKey is the hub's signer of online numbers, on the key kept in
// its data directory (made at the first start). The processes of a hub
// cluster sign with one key: copy the file to each one's data directory.
func hubBookingKey(dir string) (*booking.Signer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("hub: data directory: %w", err)
	}
	key, err := booking.LoadOrCreateKey(dir)
	if err != nil {
		return nil, fmt.Errorf("hub: %w", err)
	}
	return booking.NewSigner(key)
}

// hubBookingKeyFile is where a center keeps its hub's public key of
// online numbers, so that it checks bookings in after a restart without
// its link.
const hubBookingKeyFile = "hub-booking-key"

// bookingKeys is a center's copy of its hub's key of online numbers.
type bookingKeys struct {
	dir string
	log *slog.Logger
	mu  sync.Mutex // serialises set
	now atomic.Pointer[keyed]
}

type keyed struct {
	text string
	v    *booking.Verifier
}

// openBookingKeys reads the key kept in dir, if any.
func openBookingKeys(dir string, log *slog.Logger) (*bookingKeys, error) {
	k := &bookingKeys{dir: dir, log: log}
	b, err := os.ReadFile(filepath.Join(dir, hubBookingKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	text := strings.TrimSpace(string(b))
	pub, err := booking.DecodePublic(text)
	if err != nil {
		return nil, fmt.Errorf("serve: %s is damaged (delete it: the center asks the hub again): %w", filepath.Join(dir, hubBookingKeyFile), err)
	}
	v, _ := booking.NewVerifier(pub)
	k.now.Store(&keyed{text: text, v: v})
	return k, nil
}

// Verifier is the key now, nil when the hub never sent one.
func (k *bookingKeys) Verifier() *booking.Verifier {
	if n := k.now.Load(); n != nil {
		return n.v
	}
	return nil
}

// set takes the key the hub sent (booking.EncodePublic) and keeps it.
func (k *bookingKeys) set(text string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if n := k.now.Load(); n != nil && n.text == text {
		return nil
	}
	pub, err := booking.DecodePublic(text)
	if err != nil {
		return err
	}
	v, _ := booking.NewVerifier(pub)
	if err := writeFileAtomic(filepath.Join(k.dir, hubBookingKeyFile), []byte(text+"\n")); err != nil {
		return fmt.Errorf("serve: cannot keep the hub's booking key: %w", err)
	}
	k.now.Store(&keyed{text: text, v: v})
	k.log.Info("the hub's key of online numbers received")
	return nil
}
