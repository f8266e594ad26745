package fleet

import (
	"context"
	"errors"
	"time"

	"motcua/province/pgstore"
	"motcua/province/wire"
	"motcua/queue"
)

// hubStore is the link's hub.Store on the province's database.
type hubStore struct {
	db *pgstore.DB
	// accounts is what the hub publishes to a center of the staff.
	accounts func(center string) *wire.Accounts
	// today, set when the hub takes online bookings, is the day from
	// which a center's bookings go in its Bundle.
	today func() string
}

func (s hubStore) Ingest(ctx context.Context, center string, events []queue.Event) (int, error) {
	return s.db.Ingest(ctx, center, events)
}

func (s hubStore) SetStatus(ctx context.Context, center string, st wire.Status, seen time.Time) error {
	cs := pgstore.CenterStatus{Online: true, LastSeen: seen, Version: st.Software, ConfigVersion: st.ConfigVersion,
		Waiting: st.Waiting, Printers: map[string]pgstore.PrinterStatus{}, Scanners: map[string]pgstore.ScannerStatus{}}
	if st.Refused != nil {
		cs.RefusedVersion, cs.RefusedReason = st.Refused.Version, st.Refused.Reason
	}
	for name, p := range st.Printers {
		cover := ""
		if p.CoverOpen {
			cover = "open"
		}
		cs.Printers[name] = pgstore.PrinterStatus{State: p.State, Paper: p.Paper, Cover: cover}
	}
	for name, sc := range st.Scanners {
		cs.Scanners[name] = pgstore.ScannerStatus{State: sc.State}
	}
	if len(st.Boards)+len(st.Buttons) > 0 {
		cs.Boards, cs.Buttons = map[string]pgstore.BoardStatus{}, map[string]pgstore.ScannerStatus{}
		for name, b := range st.Boards {
			cs.Boards[name] = pgstore.BoardStatus{State: b.State, Errors: b.Errors}
		}
		for name, r := range st.Buttons {
			cs.Buttons[name] = pgstore.ScannerStatus{State: r.State}
		}
	}
	for _, n := range st.Notify {
		cs.Notify = append(cs.Notify, pgstore.NotifyCount{Channel: n.Channel, State: n.State, N: n.N})
	}
	return s.db.SetStatus(ctx, center, cs)
}

func (s hubStore) Bundle(ctx context.Context, center string) (wire.Bundle, error) {
	var b wire.Bundle
	v, err := s.db.Published(ctx, center)
	if err != nil {
		return b, err
	}
	if v > 0 {
		cv, err := s.db.Config(ctx, center, v)
		if err != nil && !errors.Is(err, pgstore.ErrNotFound) {
			return b, err
		}
		b.ConfigVersion, b.Config = cv.Version, cv.YAML
	}
	if b.Held, err = s.db.LastSeq(ctx, center); err != nil {
		return b, err
	}
	if s.accounts != nil {
		b.Accounts = s.accounts(center)
	}
	if s.today != nil {
		from := s.today()
		list, err := s.db.CenterBookings(ctx, center, from)
		if err != nil {
			return b, err
		}
		b.Bookings = &wire.Bookings{From: from, List: make([]wire.Booking, len(list))}
		for i, bk := range list {
			b.Bookings.List[i] = wire.Booking{ID: bk.ID, Field: bk.Field, Day: bk.Day, From: bk.From, To: bk.To,
				Cancelled: bk.State == pgstore.Cancelled, Phone: bk.Phone}
		}
	}
	return b, nil
}
