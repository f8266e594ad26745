package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"motcua/kiosk/notify"
	"motcua/province/booking"
	"motcua/province/wire"
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

// hubRetiredKeysFile is where a center keeps the keys its hub retired
// whose bookings are still to come (wire.Bundle.RetiredBookingKeys).
const hubRetiredKeysFile = "hub-booking-keys-retired.json"

// hubBookingsFile is where a center keeps the bookings its hub told it of
// last (wire.Bookings): a booking cancelled is refused with the link down.
const hubBookingsFile = "hub-bookings.json"

// bookingKeys is a center's copy of its hub's key of online numbers and of
// the bookings it told of.
type bookingKeys struct {
	dir string
	log *slog.Logger
	mu  sync.Mutex // serialises set, setBookings and useNotifier
	now atomic.Pointer[keyed]
	// last is the list the hub sent last, with the phones of the bookers
	// who consented to messages: in memory only (the file has none; after
	// a restart the hub's next sync brings them again). notifier keeps
	// them in the outbox's contacts; pushed are the phones it has, by
	// booking. Under mu.
	last     wire.Bookings
	notifier *notify.Notifier
	pushed   map[string]string
	// cancelled are the ids of the bookings the hub said are cancelled.
	cancelled atomic.Pointer[map[string]bool]
}

type keyed struct {
	text    string
	retired []wire.RetiredKey
	v       *booking.Verifier
}

// verifier checks with the key text and the retired ones.
func verifier(text string, retired []wire.RetiredKey) (*booking.Verifier, error) {
	pub, err := booking.DecodePublic(text)
	if err != nil {
		return nil, err
	}
	var old []booking.Retired
	for _, r := range retired {
		k, err := booking.DecodePublic(r.Key)
		if err != nil {
			return nil, fmt.Errorf("a retired key: %w", err)
		}
		old = append(old, booking.Retired{Key: k, LastDay: r.LastDay})
	}
	return booking.NewVerifier(pub, old...)
}

// openBookingKeys reads the key kept in dir, if any.
func openBookingKeys(dir string, log *slog.Logger) (*bookingKeys, error) {
	k := &bookingKeys{dir: dir, log: log}
	if err := k.loadBookings(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, hubBookingKeyFile))
	if errors.Is(err, fs.ErrNotExist) {
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("serve: %w", err)
	}
	text := strings.TrimSpace(string(b))
	var retired []wire.RetiredKey
	rpath := filepath.Join(dir, hubRetiredKeysFile)
	if rb, err := os.ReadFile(rpath); err == nil {
		if err := json.Unmarshal(rb, &retired); err != nil {
			return nil, fmt.Errorf("serve: %s is damaged (delete it: the center asks the hub again): %w", rpath, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("serve: %w", err)
	}
	v, err := verifier(text, retired)
	if err != nil {
		return nil, fmt.Errorf("serve: %s or %s is damaged (delete them: the center asks the hub again): %w", filepath.Join(dir, hubBookingKeyFile), rpath, err)
	}
	k.now.Store(&keyed{text: text, retired: retired, v: v})
	return k, nil
}

// Verifier is the key now, nil when the hub never sent one.
func (k *bookingKeys) Verifier() *booking.Verifier {
	if n := k.now.Load(); n != nil {
		return n.v
	}
	return nil
}

// set takes the key the hub sent (booking.EncodePublic) and the keys it
// retired whose bookings are still to come, and keeps them: the retired
// ones first, so that a center stopped in between still takes the
// bookings of the old key once it has the new one.
func (k *bookingKeys) set(text string, retired []wire.RetiredKey) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if n := k.now.Load(); n != nil && n.text == text && slices.Equal(n.retired, retired) {
		return nil
	}
	v, err := verifier(text, retired)
	if err != nil {
		return err
	}
	rpath := filepath.Join(k.dir, hubRetiredKeysFile)
	if len(retired) > 0 {
		if err := saveJSON(rpath, retired); err != nil {
			return fmt.Errorf("serve: cannot keep the hub's retired booking keys: %w", err)
		}
	} else if err := os.Remove(rpath); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("serve: %w", err)
	}
	if err := writeFileAtomic(filepath.Join(k.dir, hubBookingKeyFile), []byte(text+"\n")); err != nil {
		return fmt.Errorf("serve: cannot keep the hub's booking key: %w", err)
	}
	k.now.Store(&keyed{text: text, retired: slices.Clone(retired), v: v})
	k.log.Info("the hub's key of online numbers received", "retired_keys", len(retired))
	return nil
}

// Cancelled reports whether the hub said booking id is cancelled.
func (k *bookingKeys) Cancelled(id string) bool {
	if m := k.cancelled.Load(); m != nil {
		return (*m)[id]
	}
	return false
}

func (k *bookingKeys) loadBookings() error {
	path := filepath.Join(k.dir, hubBookingsFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	var list wire.Bookings
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("serve: %s is damaged (delete it: the center asks the hub again): %w", path, err)
	}
	k.keep(list)
	return nil
}

func (k *bookingKeys) keep(list wire.Bookings) {
	m := map[string]bool{}
	for _, b := range list.List {
		if b.Cancelled {
			m[b.ID] = true
		}
	}
	k.cancelled.Store(&m)
}

// setBookings takes the bookings the hub sent and keeps them: the list
// without the bookers' phones in the file, the phones in the notifier's
// contacts.
func (k *bookingKeys) setBookings(list wire.Bookings) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	bare := wire.Bookings{From: list.From, List: make([]wire.Booking, len(list.List))}
	for i, b := range list.List {
		b.Phone = ""
		bare.List[i] = b
	}
	// The phones first: a booking in the file is one a kiosk may check in,
	// and its ticket is then followed with the phone kept for it.
	k.last = list
	k.push()
	if err := saveJSON(filepath.Join(k.dir, hubBookingsFile), bare); err != nil {
		return fmt.Errorf("serve: cannot keep the hub's bookings: %w", err)
	}
	k.keep(bare)
	return nil
}

// useNotifier gives the bookers' phones to n (the service's notifier,
// nil when notifications are off), now and at each list the hub sends.
func (k *bookingKeys) useNotifier(n *notify.Notifier) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.notifier, k.pushed = n, map[string]string{}
	k.push()
}

// push keeps in the notifier's contacts the phones of the last list it
// does not have yet, and forgets those of the bookings cancelled. Caller
// holds mu.
func (k *bookingKeys) push() {
	if k.notifier == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, b := range k.last.List {
		switch {
		case b.Cancelled && k.pushed[b.ID] != "-":
			if err := k.notifier.ForgetBooking(ctx, b.ID); err != nil {
				k.log.Warn("notify: a cancelled booking's phone not forgotten now (it expires)", "booking", b.ID, "err", err)
				continue
			}
			k.pushed[b.ID] = "-"
		case !b.Cancelled && b.Phone != "" && k.pushed[b.ID] != b.Phone:
			if err := k.notifier.KeepBooking(ctx, b.ID, b.Phone, b.To); err != nil {
				k.log.Warn("notify: a booking's phone for messages not kept", "booking", b.ID, "err", err)
				continue
			}
			k.pushed[b.ID] = b.Phone
		}
	}
}
