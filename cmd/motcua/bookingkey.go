package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/province/booking"
	"motcua/province/pgstore"
	"motcua/province/wire"
)

// rotateBookingKey runs `motcua hub rotate-booking-key`: with every process
// of the hub stopped, a new key of online numbers in place of the one in
// data_dir. The database records the new public key and keeps the old one
// as retired until the last day of the bookings it signed, which the
// centers then still check in; the old file stays beside the new one as
// booking-key.retired-<time>.
func rotateBookingKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fset := flag.NewFlagSet("hub rotate-booking-key", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "the hub's configuration")
	if err := fset.Parse(args); err != nil {
		return errUsage
	}
	if *cfgPath == "" {
		return errors.New("hub rotate-booking-key: --config FILE is required")
	}
	cfg, err := hubconfig.Load(*cfgPath)
	if err != nil {
		return err
	}
	path := filepath.Join(cfg.DataDir, booking.KeyFile)
	cur, err := booking.LoadKeyFile(path)
	if err != nil {
		return fmt.Errorf("hub rotate-booking-key: %w", err)
	}
	db, err := pgstore.Open(ctx, cfg.Database, pgstore.Opts{Location: cfg.Location()})
	if err != nil {
		return fmt.Errorf("hub rotate-booking-key: %w", err)
	}
	defer db.Close()
	newPath := path + ".new"
	// A rotation interrupted after the database took the new key: finish
	// putting its file in place; one interrupted before: start again.
	r := pgstore.RetiredKey{RetiredAt: time.Now()}
	until := "no booking was made with it: the centers drop it"
	if next, err := booking.LoadKeyFile(newPath); err == nil && db.ClaimKey(ctx, "booking", publicOf(next)) == nil {
		until = "an earlier run put the new key in the database; the centers still check in the bookings the old one signed"
	} else {
		if err := os.Remove(newPath); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("hub rotate-booking-key: %w", err)
		}
		next, err := booking.NewKeyFile(newPath)
		if err != nil {
			return fmt.Errorf("hub rotate-booking-key: %w", err)
		}
		if r, err = db.RotateBookingKey(ctx, publicOf(cur), publicOf(next)); err != nil {
			os.Remove(newPath)
			return fmt.Errorf("hub rotate-booking-key: %w", err)
		}
		if r.LastDay != "" {
			until = "the centers still check in the bookings it signed, for days up to " + r.LastDay
		}
	}
	kept := path + ".retired-" + r.RetiredAt.UTC().Format("20060102-150405")
	if err := os.Rename(path, kept); err != nil {
		return fmt.Errorf("hub rotate-booking-key: the database signs with the new key now, but %s was not moved aside (%w): move it, then rename %s to %s", path, err, newPath, path)
	}
	if err := os.Rename(newPath, path); err != nil {
		return fmt.Errorf("hub rotate-booking-key: the database signs with the new key now: rename %s to %s (%w)", newPath, path, err)
	}
	if d, err := os.Open(cfg.DataDir); err == nil {
		d.Sync()
		d.Close()
	}
	fmt.Fprintf(stdout, "New booking key in %s (the old one kept as %s; %s).\nCopy %s into the data_dir of every other process of this hub, then start them: the centers receive the new key at their next sync.\n",
		path, kept, until, path)
	return nil
}

// publicOf is key's public key as the database and the Bundle write it.
func publicOf(key ed25519.PrivateKey) string {
	return booking.EncodePublic(key.Public().(ed25519.PublicKey))
}

// retiredBookingKeys are the booking keys the hub retired that the centers
// still need from today (in loc) on: for the hub's own check of a
// cancellation's code, and as the Bundle sends them.
func retiredBookingKeys(ctx context.Context, db *pgstore.DB, loc *time.Location) ([]booking.Retired, []wire.RetiredKey, error) {
	keys, err := db.RetiredBookingKeys(ctx, time.Now().In(loc).Format(time.DateOnly))
	if err != nil {
		return nil, nil, fmt.Errorf("hub: %w", err)
	}
	var out []booking.Retired
	var sent []wire.RetiredKey
	for _, k := range keys {
		pub, err := booking.DecodePublic(k.Public)
		if err != nil {
			return nil, nil, fmt.Errorf("hub: a retired booking key in the database (hub_retired_keys): %w", err)
		}
		out = append(out, booking.Retired{Key: pub, LastDay: k.LastDay})
		sent = append(sent, wire.RetiredKey{Key: k.Public, LastDay: k.LastDay})
	}
	return out, sent, nil
}
