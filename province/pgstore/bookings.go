package pgstore

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Booking is an online number booked at the hub (issue 14): one person, one
// field of one center, one window of a day.
type Booking struct {
	ID     string
	Center string
	Field  string
	Day    string // the center's local day, "2006-01-02"
	From   time.Time
	To     time.Time
	Person string // the keyed hash of the ID number
	// State is "booked" or "cancelled"; CheckedIn is set once a ticket of
	// the center that reached the hub carries the booking.
	State     string
	CheckedIn bool
	CreatedAt time.Time
	// Contact, given to Book, is the booker's consent to messages: the
	// phone is kept with the booking (booking_contacts) and its reminder
	// stored in the hub's outbox in the booking's transaction.
	Contact *BookingContact
	// Phone is the consenting booker's phone (84xxxxxxxxx) as
	// CenterBookings reads it for the center; "" without consent.
	Phone string
}

// BookingContact is the phone a booker consented to be sent messages at.
type BookingContact struct {
	// PhoneKey is the keyed hash of the phone: Book refuses the contact
	// (ErrPhoneNotConfirmed) unless it is the phone the code went to.
	PhoneKey string
	Phone    string    // 84xxxxxxxxx
	Expires  time.Time // deleted after it (NotifyPurge)
	// Reminder, when set, is the message stored in the outbox with the
	// booking, due from its NotBefore (its Center and Key name the sender
	// and make it one per booking). Cancel drops it.
	Reminder *NotifyMessage
}

// The states of a booking.
const (
	Booked    = "booked"
	Cancelled = "cancelled"
)

// BookingLimits bound a booking: the caps of one person a day across every
// center of the hub, counting their bookings and the walk-in tickets the
// hub holds (PerDay, PerField; 0: none), and the field's daily quota of
// online numbers at the center (Quota; 0: no online numbers).
type BookingLimits struct {
	PerDay   int
	PerField int
	Quota    int
}

// Errors of Book and Cancel.
var (
	ErrQuotaFull        = errors.New("pgstore: the field's online numbers of the day are all booked")
	ErrCodeWrong        = errors.New("pgstore: wrong confirmation code")
	ErrCodeExpired      = errors.New("pgstore: confirmation code expired, used or unknown")
	ErrCodeAttempts     = errors.New("pgstore: confirmation code mistyped too often")
	ErrBookingNotFound  = errors.New("pgstore: no such booking")
	ErrBookingCheckedIn = errors.New("pgstore: booking already checked in")
	// ErrPhoneNotConfirmed: a booking's contact names a phone other than
	// the one its code was sent to.
	ErrPhoneNotConfirmed = errors.New("pgstore: the phone for messages is not the one the code confirmed")
)

// MaxCodeAttempts is how many wrong codes end a confirmation code.
const MaxCodeAttempts = 5

// Held is one number a person holds: a booking or a walk-in ticket.
type Held struct {
	Center string
	// CenterName is the center's display name (HeldElsewhere only).
	CenterName string
	Field      string
	Number     string    // a walk-in's number; "" for a booking
	From       time.Time // a booking's window
}

// PersonCapError is a booking over one of the person's caps, with what
// they hold (for CapField, in that field only), in the order taken.
type PersonCapError struct {
	PerField bool
	Limit    int
	Held     []Held
}

func (e *PersonCapError) Error() string {
	kind := "day"
	if e.PerField {
		kind = "field"
	}
	return fmt.Sprintf("pgstore: person holds %d numbers: cap per %s is %d", len(e.Held), kind, e.Limit)
}

// PhoneCode is a confirmation code sent to a phone: its hash, for whom.
type PhoneCode struct {
	ID      string
	Phone   string // a keyed hash of the phone number
	Person  string // who asked for it: the booking it confirms is theirs
	Code    string // the code's hash
	Created time.Time
	Expires time.Time
}

// SaveCode keeps a code sent. It fails with ErrCodeThrottled when the
// phone was sent max codes since since.
func (db *DB) SaveCode(ctx context.Context, c PhoneCode, since time.Time, max int) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('motcua.phone'), hashtext($1))`, c.Phone); err != nil {
			return fmt.Errorf("pgstore: code: %w", err)
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM phone_codes WHERE phone = $1 AND created_at > $2`, c.Phone, since).Scan(&n); err != nil {
			return fmt.Errorf("pgstore: code: %w", err)
		}
		if n >= max {
			return ErrCodeThrottled
		}
		if _, err := tx.Exec(ctx, `INSERT INTO phone_codes (id, phone, person, code, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			c.ID, c.Phone, c.Person, c.Code, c.Created, c.Expires); err != nil {
			return fmt.Errorf("pgstore: code: %w", err)
		}
		return nil
	})
}

// ErrCodeThrottled: too many codes sent to one phone lately.
var ErrCodeThrottled = errors.New("pgstore: too many codes sent to this phone")

// Book confirms the code (id codeID, hash code, for b.Person) and books b
// within lim, in one transaction that holds the lock of the person (so two
// bookings of one person, at any centers, never both pass the caps) and of
// the field's day at the center (its quota). A wrong code counts an
// attempt and books nothing; a booking refused (the caps, the quota) leaves
// the code usable, for another window or field.
func (db *DB) Book(ctx context.Context, b Booking, lim BookingLimits, codeID, code string) error {
	wrong := false
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var person, hash, phone string
		var expires time.Time
		var attempts int
		var used bool
		err := tx.QueryRow(ctx, `SELECT person, code, phone, expires_at, attempts, used FROM phone_codes WHERE id = $1 FOR UPDATE`, codeID).
			Scan(&person, &hash, &phone, &expires, &attempts, &used)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return ErrCodeExpired
		case err != nil:
			return fmt.Errorf("pgstore: book: %w", err)
		case used || !b.CreatedAt.Before(expires) || person != b.Person:
			return ErrCodeExpired
		case attempts >= MaxCodeAttempts:
			return ErrCodeAttempts
		case subtle.ConstantTimeCompare([]byte(hash), []byte(code)) != 1:
			wrong = true
			if _, err := tx.Exec(ctx, `UPDATE phone_codes SET attempts = attempts + 1 WHERE id = $1`, codeID); err != nil {
				return fmt.Errorf("pgstore: book: %w", err)
			}
			return nil // committed: the attempt counts
		case b.Contact != nil && subtle.ConstantTimeCompare([]byte(phone), []byte(b.Contact.PhoneKey)) != 1:
			return ErrPhoneNotConfirmed
		}
		if err := db.bookLocked(ctx, tx, b, lim); err != nil {
			return err
		}
		batch := &pgx.Batch{}
		batch.Queue(`INSERT INTO bookings (id, center, field, day, window_from, window_to, person, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, b.ID, b.Center, b.Field, b.Day, b.From, b.To, b.Person, b.CreatedAt)
		batch.Queue(`UPDATE phone_codes SET used = true WHERE id = $1`, codeID)
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("pgstore: book: %w", err)
		}
		if b.Contact != nil {
			return db.keepContact(ctx, tx, b)
		}
		return nil
	})
	if err == nil && wrong {
		return ErrCodeWrong
	}
	return err
}

// keepContact stores b's contact and its reminder. Caller holds tx.
func (db *DB) keepContact(ctx context.Context, tx pgx.Tx, b Booking) error {
	c := b.Contact
	if c.Phone == "" || c.Expires.IsZero() {
		return errors.New("pgstore: a booking's contact needs a phone and an expiry")
	}
	var reminder int64
	if m := c.Reminder; m != nil {
		if m.Center == "" || m.Key == "" || m.Kind == "" {
			return errors.New("pgstore: a reminder needs a sender, a key and a kind")
		}
		if m.Params == nil {
			m.Params = map[string]string{}
		}
		next := later(m.NotBefore, b.CreatedAt)
		if err := tx.QueryRow(ctx, `INSERT INTO notify_messages
			(center, key, kind, phone, params, state, decided_at, expires_at, next_at)
			VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7, $8) RETURNING id`,
			m.Center, m.Key, m.Kind, c.Phone, m.Params, b.CreatedAt, nullTime(m.Expires), next).Scan(&reminder); err != nil {
			return fmt.Errorf("pgstore: book: reminder: %w", err)
		}
	}
	if _, err := tx.Exec(ctx, `INSERT INTO booking_contacts (booking, center, phone, reminder, expires_at)
		VALUES ($1, $2, $3, $4, $5)`, b.ID, b.Center, c.Phone, reminder, c.Expires); err != nil {
		return fmt.Errorf("pgstore: book: contact: %w", err)
	}
	return nil
}

// bookLocked takes the locks of the person and of the field's day and
// checks lim under them: one round trip takes the locks and reads what the
// person holds and what the quota has left, a second writes. Caller holds
// tx.
func (db *DB) bookLocked(ctx context.Context, tx pgx.Tx, b Booking, lim BookingLimits) error {
	if lim.Quota <= 0 {
		return ErrQuotaFull
	}
	batch := &pgx.Batch{}
	// The person's lock first, then the quota's: every booking takes them
	// in this order, so none waits for the other in a cycle.
	batch.Queue(`SELECT pg_advisory_xact_lock(hashtext('motcua.person'), hashtext($1))`, b.Person)
	batch.Queue(`SELECT pg_advisory_xact_lock(hashtext('motcua.quota'), hashtext($1 || '/' || $2 || '/' || $3))`,
		b.Center, b.Day, b.Field)
	var day, field []Held
	batch.Queue(`SELECT center, field, '', window_from, created_at FROM bookings
			WHERE person = $1 AND day = $2 AND state = 'booked'
		UNION ALL
		SELECT center, origin, number, NULL, issued_at FROM tickets
			WHERE person = $1 AND day = $2 AND booking = ''
		ORDER BY 5`, b.Person, b.Day).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var h Held
			var from, taken *time.Time
			if err := rows.Scan(&h.Center, &h.Field, &h.Number, &from, &taken); err != nil {
				return err
			}
			if from != nil {
				h.From = *from
			}
			day = append(day, h)
			if h.Field == b.Field {
				field = append(field, h)
			}
		}
		return rows.Err()
	})
	var n int
	batch.Queue(`SELECT count(*) FROM bookings WHERE center = $1 AND day = $2 AND field = $3 AND state = 'booked'`,
		b.Center, b.Day, b.Field).QueryRow(func(r pgx.Row) error { return r.Scan(&n) })
	if err := tx.SendBatch(ctx, batch).Close(); err != nil {
		return fmt.Errorf("pgstore: book: %w", err)
	}
	if lim.PerField > 0 && len(field) >= lim.PerField {
		return &PersonCapError{PerField: true, Limit: lim.PerField, Held: field}
	}
	if lim.PerDay > 0 && len(day) >= lim.PerDay {
		return &PersonCapError{Limit: lim.PerDay, Held: day}
	}
	if n >= lim.Quota {
		return ErrQuotaFull
	}
	return nil
}

// HeldElsewhere is what person holds on day at the centers other than
// except, in the order taken, with the centers' names: the bookings not
// cancelled and the walk-in tickets the hub holds (a ticket checked in from
// a booking counts as that booking), as bookLocked counts them. The center
// except asks before its kiosk gives the person a number; its own it knows
// better.
func (db *DB) HeldElsewhere(ctx context.Context, except, person, day string) ([]Held, error) {
	rows, err := db.pool.Query(ctx, `SELECT h.center, COALESCE(c.name, ''), h.field, h.number, h.window_from FROM (
			SELECT center, field, '' AS number, window_from, created_at AS taken FROM bookings
				WHERE person = $1 AND day = $2 AND state = 'booked' AND center <> $3
			UNION ALL
			SELECT center, origin, number, NULL, issued_at FROM tickets
				WHERE person = $1 AND day = $2 AND booking = '' AND center <> $3
		) h LEFT JOIN centers c ON c.id = h.center
		ORDER BY h.taken, h.center, h.number`, person, day, except)
	if err != nil {
		return nil, fmt.Errorf("pgstore: held elsewhere: %w", err)
	}
	defer rows.Close()
	var out []Held
	for rows.Next() {
		var h Held
		var from *time.Time
		if err := rows.Scan(&h.Center, &h.CenterName, &h.Field, &h.Number, &from); err != nil {
			return nil, fmt.Errorf("pgstore: held elsewhere: %w", err)
		}
		if from != nil {
			h.From = *from
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("pgstore: held elsewhere: %w", err)
	}
	return out, nil
}

// Cancel cancels booking id, made for person (the caller proved it with
// the booking's signed code). Cancelling twice is no error; a booking
// checked in at its center is ErrBookingCheckedIn, and is kept.
func (db *DB) Cancel(ctx context.Context, id, person string, at time.Time) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var center, owner, state string
		err := tx.QueryRow(ctx, `SELECT center, person, state FROM bookings WHERE id = $1 FOR UPDATE`, id).Scan(&center, &owner, &state)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return ErrBookingNotFound
		case err != nil:
			return fmt.Errorf("pgstore: cancel: %w", err)
		case owner != person:
			return ErrBookingNotFound
		case state == Cancelled:
			return nil
		}
		var in bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tickets WHERE center = $1 AND booking = $2)`, center, id).Scan(&in); err != nil {
			return fmt.Errorf("pgstore: cancel: %w", err)
		}
		if in {
			return ErrBookingCheckedIn
		}
		if _, err := tx.Exec(ctx, `UPDATE bookings SET state = 'cancelled', cancelled_at = $2 WHERE id = $1`, id, at); err != nil {
			return fmt.Errorf("pgstore: cancel: %w", err)
		}
		// The booker's phone goes with the booking, and its reminder is
		// dropped unsent (one being sent now is dropped at send time: the
		// hub's Timely finds the booking cancelled).
		if _, err := tx.Exec(ctx, `WITH c AS (DELETE FROM booking_contacts WHERE booking = $1 RETURNING reminder)
			UPDATE notify_messages SET state = 'dropped', reason = 'booking cancelled', done_at = $2, phone = '', email = ''
			WHERE id IN (SELECT reminder FROM c) AND state = 'pending'`, id, at); err != nil {
			return fmt.Errorf("pgstore: cancel: %w", err)
		}
		return nil
	})
}

// GetBooking returns booking id, ErrBookingNotFound when there is none.
func (db *DB) GetBooking(ctx context.Context, id string) (Booking, error) {
	var b Booking
	err := db.pool.QueryRow(ctx, `SELECT id, center, field, day, window_from, window_to, person, state, created_at,
		EXISTS (SELECT 1 FROM tickets t WHERE t.center = b.center AND t.booking = b.id)
		FROM bookings b WHERE id = $1`, id).
		Scan(&b.ID, &b.Center, &b.Field, &b.Day, &b.From, &b.To, &b.Person, &b.State, &b.CreatedAt, &b.CheckedIn)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, ErrBookingNotFound
	}
	if err != nil {
		return b, fmt.Errorf("pgstore: booking: %w", err)
	}
	return b, nil
}

// BookedCounts are the bookings held (not cancelled) of center's days
// from..to, by day and field: what is left of each quota.
func (db *DB) BookedCounts(ctx context.Context, center, from, to string) (map[string]map[string]int, error) {
	rows, err := db.pool.Query(ctx, `SELECT day, field, count(*) FROM bookings
		WHERE center = $1 AND day BETWEEN $2 AND $3 AND state = 'booked' GROUP BY day, field`, center, from, to)
	if err != nil {
		return nil, fmt.Errorf("pgstore: booked: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]int{}
	for rows.Next() {
		var day, field string
		var n int
		if err := rows.Scan(&day, &field, &n); err != nil {
			return nil, fmt.Errorf("pgstore: booked: %w", err)
		}
		if out[day] == nil {
			out[day] = map[string]int{}
		}
		out[day][field] = n
	}
	return out, rows.Err()
}

// MaxCenterBookings bounds what CenterBookings returns.
const MaxCenterBookings = 10000

// CenterBookings are center's bookings of day from and after, booked and
// cancelled, by day and window: what the hub tells the center, with the
// phone of a booker who consented to messages (Booking.Phone) until the
// booking's ticket reaches the hub.
func (db *DB) CenterBookings(ctx context.Context, center, from string) ([]Booking, error) {
	rows, err := db.pool.Query(ctx, `SELECT b.id, b.center, b.field, b.day, b.window_from, b.window_to, b.person, b.state,
		b.created_at, COALESCE(c.phone, '')
		FROM bookings b LEFT JOIN booking_contacts c ON c.booking = b.id
			AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.center = b.center AND t.booking = b.id)
		WHERE b.center = $1 AND b.day >= $2 ORDER BY b.day, b.window_from, b.id LIMIT $3`, center, from, MaxCenterBookings)
	if err != nil {
		return nil, fmt.Errorf("pgstore: bookings of %s: %w", center, err)
	}
	defer rows.Close()
	var out []Booking
	for rows.Next() {
		var b Booking
		if err := rows.Scan(&b.ID, &b.Center, &b.Field, &b.Day, &b.From, &b.To, &b.Person, &b.State, &b.CreatedAt, &b.Phone); err != nil {
			return nil, fmt.Errorf("pgstore: bookings of %s: %w", center, err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// KeyMismatchError: another hub process of this database signs with
// another key.
type KeyMismatchError struct {
	Name string
}

func (e *KeyMismatchError) Error() string {
	return fmt.Sprintf("pgstore: another hub process signs %s with another key", e.Name)
}

// ClaimKey records public as the key the hub signs name with, or checks
// that it is the one recorded: every process of a hub must sign alike, or
// a center would refuse what the others signed.
func (db *DB) ClaimKey(ctx context.Context, name, public string) error {
	if _, err := db.pool.Exec(ctx, `INSERT INTO hub_keys (name, public, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO NOTHING`, name, public, db.clock.Now()); err != nil {
		return fmt.Errorf("pgstore: key %s: %w", name, err)
	}
	var held string
	if err := db.pool.QueryRow(ctx, `SELECT public FROM hub_keys WHERE name = $1`, name).Scan(&held); err != nil {
		return fmt.Errorf("pgstore: key %s: %w", name, err)
	}
	if held != public {
		return &KeyMismatchError{Name: name}
	}
	return nil
}

// RetiredKey is a key the hub signed name with before its current one:
// centers accept what it signed for days up to LastDay ("2006-01-02", the
// last day of a booking made before it was retired; "" when there was
// none).
type RetiredKey struct {
	Public    string
	LastDay   string
	RetiredAt time.Time
}

// RotateBookingKey makes next the key the hub signs bookings with, in
// place of current (the public key recorded by ClaimKey; another is a
// *KeyMismatchError and changes nothing), and keeps current as retired
// until the last day of the bookings made until now, all of which it
// signed. One transaction: a hub process that starts meanwhile sees
// either key, never neither.
func (db *DB) RotateBookingKey(ctx context.Context, current, next string) (RetiredKey, error) {
	const name = "booking"
	r := RetiredKey{Public: current, RetiredAt: db.clock.Now()}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var held string
		err := tx.QueryRow(ctx, `SELECT public FROM hub_keys WHERE name = $1 FOR UPDATE`, name).Scan(&held)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return fmt.Errorf("pgstore: no %s key recorded yet: start the hub once first", name)
		case err != nil:
			return fmt.Errorf("pgstore: rotate %s key: %w", name, err)
		case held != current:
			return &KeyMismatchError{Name: name}
		case next == current:
			return fmt.Errorf("pgstore: rotate %s key: the new key is the current one", name)
		}
		// Every booking made so far was signed with current (or a key
		// retired before, whose last day is no later): the hub's processes
		// are stopped for a rotation (docs/province.md).
		if err := tx.QueryRow(ctx, `SELECT COALESCE(max(day), '') FROM bookings`).Scan(&r.LastDay); err != nil {
			return fmt.Errorf("pgstore: rotate %s key: %w", name, err)
		}
		batch := &pgx.Batch{}
		batch.Queue(`INSERT INTO hub_retired_keys (name, public, last_day, retired_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (name, public) DO UPDATE SET last_day = GREATEST(hub_retired_keys.last_day, excluded.last_day), retired_at = excluded.retired_at`,
			name, current, r.LastDay, r.RetiredAt)
		batch.Queue(`DELETE FROM hub_retired_keys WHERE name = $1 AND public = $2`, name, next)
		batch.Queue(`UPDATE hub_keys SET public = $2, created_at = $3 WHERE name = $1`, name, next, r.RetiredAt)
		if err := tx.SendBatch(ctx, batch).Close(); err != nil {
			return fmt.Errorf("pgstore: rotate %s key: %w", name, err)
		}
		return nil
	})
	return r, err
}

// RetiredBookingKeys are the booking keys retired whose last day is from or
// later, oldest last day first: those centers still need.
func (db *DB) RetiredBookingKeys(ctx context.Context, from string) ([]RetiredKey, error) {
	rows, err := db.pool.Query(ctx, `SELECT public, last_day, retired_at FROM hub_retired_keys
		WHERE name = 'booking' AND last_day >= $1 ORDER BY last_day, public`, from)
	if err != nil {
		return nil, fmt.Errorf("pgstore: retired keys: %w", err)
	}
	defer rows.Close()
	var out []RetiredKey
	for rows.Next() {
		var r RetiredKey
		if err := rows.Scan(&r.Public, &r.LastDay, &r.RetiredAt); err != nil {
			return nil, fmt.Errorf("pgstore: retired keys: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
