package online

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"time"

	"motcua/internal/clock"
	"motcua/internal/identity"
	"motcua/province/booking"
	"motcua/province/pgstore"
	"motcua/queue"
)

// Sender delivers a confirmation code to a phone. The notification
// channels (SMS, Zalo) implement it; package onlinetest records.
type Sender interface {
	// Send gives c's code to c.Phone, a Vietnamese mobile number as
	// 0xxxxxxxxx: c.Text in words, or the code and its minutes to a
	// channel with templates. An error: the code did not go.
	Send(ctx context.Context, c Code) error
}

// Code is one confirmation code to send.
type Code struct {
	Request string // the code request's id: one message per request
	Phone   string
	Code    string // six digits
	TTL     time.Duration
	Text    string // the message in Vietnamese, with the code
}

// Offer is what one center offers online, from its published
// configuration.
type Offer struct {
	Center   string
	Name     string
	Location *time.Location
	// DaysAhead: today and as many days after it may be booked.
	DaysAhead int
	// Window is the length of a time window (default 30 minutes).
	Window time.Duration
	// Caps are the caps of one person (the center's identity.per_day and
	// per_field), counted across every center of the hub.
	Caps   queue.Caps
	Fields []OfferField
}

// OfferField is a field taking online numbers: Quota of them a day, in
// windows cut from its opening hours on its open days.
type OfferField struct {
	Code  string
	Name  string
	Quota int
	Hours []queue.Span
	Days  []time.Weekday
}

// Store is what the service keeps: pgstore.DB.
type Store interface {
	SaveCode(ctx context.Context, c pgstore.PhoneCode, since time.Time, max int) error
	Book(ctx context.Context, b pgstore.Booking, lim pgstore.BookingLimits, codeID, code string) error
	Cancel(ctx context.Context, id, person string, at time.Time) error
	BookedCounts(ctx context.Context, center, from, to string) (map[string]map[string]int, error)
}

// Defaults of Opts.
const (
	DefaultCodeTTL    = 10 * time.Minute
	DefaultCodesEvery = 15 * time.Minute
	DefaultCodes      = 3
	DefaultWindow     = 30 * time.Minute
)

// Opts configure a Service. Store, Signer, Hasher, Sender and Offers are
// required.
type Opts struct {
	Store  Store
	Signer *booking.Signer
	// Retired are the keys the hub signed with before Signer's, still
	// good for their bookings (a cancellation proves itself with its code).
	Retired []booking.Retired
	Hasher  *identity.Hasher
	Sender  Sender
	// Offers lists the centers taking online numbers now.
	Offers func(ctx context.Context) ([]Offer, error)
	// QR draws a booking's code as an SVG QR code.
	QR func(text string) ([]byte, error)
	// CodeTTL is how long a code confirms; Codes codes a phone may be
	// sent per CodesEvery.
	CodeTTL    time.Duration
	Codes      int
	CodesEvery time.Duration
	Clock      clock.Clock
	Logger     *slog.Logger
	// Notify, when set, is told of a center whose bookings changed (a
	// booking made or cancelled), so that the hub's link tells it now.
	Notify func(center string)
	// PerAddress codes may be asked from one client address per
	// AddressEvery (defaults DefaultPerAddress, DefaultAddressEvery; <0:
	// no limit). ClientAddr names a request's client (default: the
	// connection's address; ClientAddr(trusted) behind a reverse proxy).
	PerAddress   int
	AddressEvery time.Duration
	ClientAddr   func(*http.Request) string
	// Messages, when set, offers the booker messages about the booking
	// (issue 15): with their consent the phone the code confirmed is kept
	// with the booking, a reminder goes before the window, and the center
	// sends the messages of the ticket checked in from it. Nil: the page
	// does not offer them and a booking asking for them is refused.
	Messages *Messages
}

// Messages is how a booking's messages are kept and sent.
type Messages struct {
	// Sender and Kind name the reminder in the hub's outbox: its sender
	// ("_hub", the hub's own messages) and kind ("reminder"); its key is
	// "reminder:" and the booking's id, one per booking.
	Sender, Kind string
	// Before is how long before a center's window its reminder goes (0 or
	// less: none at that center). A booking made later than that before
	// its window gets none: the booker has just seen the page.
	Before func(center string) time.Duration
	// Keep is how long after the window's end the phone is kept: the
	// center's messages of the ticket checked in from the booking need it
	// until then (default DefaultPhoneKeep).
	Keep time.Duration
	// Decided, when set, is called after a booking stored its reminder:
	// the outbox's sender looks again at what falls due when.
	Decided func()
}

// DefaultPhoneKeep is Messages.Keep's default.
const DefaultPhoneKeep = 2 * time.Hour

// Service books online numbers.
type Service struct {
	o     Opts
	clk   clock.Clock
	log   *slog.Logger
	addrs *addresses // code requests per client address
}

// New returns the service of o.
func New(o Opts) (*Service, error) {
	if o.Store == nil || o.Signer == nil || o.Hasher == nil || o.Sender == nil || o.Offers == nil || o.QR == nil {
		return nil, errors.New("online: Store, Signer, Hasher, Sender, Offers and QR are required")
	}
	if o.CodeTTL <= 0 {
		o.CodeTTL = DefaultCodeTTL
	}
	if o.Codes <= 0 {
		o.Codes = DefaultCodes
	}
	if o.CodesEvery <= 0 {
		o.CodesEvery = DefaultCodesEvery
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.PerAddress == 0 {
		o.PerAddress = DefaultPerAddress
	}
	if o.AddressEvery <= 0 {
		o.AddressEvery = DefaultAddressEvery
	}
	if o.ClientAddr == nil {
		o.ClientAddr, _ = ClientAddr(nil)
	}
	if m := o.Messages; m != nil {
		if m.Sender == "" || m.Kind == "" || m.Before == nil {
			return nil, errors.New("online: Messages needs a Sender, a Kind and Before")
		}
		if m.Keep <= 0 {
			mm := *m
			mm.Keep = DefaultPhoneKeep
			o.Messages = &mm
		}
	}
	clk := clock.Or(o.Clock)
	return &Service{o: o, clk: clk, log: o.Logger,
		addrs: &addresses{limit: o.PerAddress, every: o.AddressEvery, clk: clk, seen: map[string]*window{}}}, nil
}

// Errors of the service; pgstore's (caps, quota, codes) pass through.
var (
	ErrBadPhone     = errors.New("online: not a Vietnamese mobile number")
	ErrNoCenter     = errors.New("online: the center takes no online numbers")
	ErrNoField      = errors.New("online: the field takes no online numbers at this center")
	ErrNoWindow     = errors.New("online: no such window on that day")
	ErrNotYours     = errors.New("online: the booking code does not match the booking")
	ErrSendFailed   = errors.New("online: the code could not be sent")
	ErrBadCodeInput = errors.New("online: the confirmation code is 6 digits")
	ErrNoMessages   = errors.New("online: this hub sends no messages about bookings")
)

// Phone reads a Vietnamese mobile number (0xxxxxxxxx or +84xxxxxxxxx,
// spaces, dots and dashes allowed) as 0xxxxxxxxx.
func Phone(s string) (string, error) {
	d := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '.', '-', '(', ')':
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if strings.HasPrefix(d, "+84") {
		d = "0" + d[3:]
	} else if strings.HasPrefix(d, "84") && len(d) == 11 {
		d = "0" + d[2:]
	}
	if len(d) != 10 || d[0] != '0' || !strings.ContainsRune("35789", rune(d[1])) {
		return "", ErrBadPhone
	}
	for i := range len(d) {
		if d[i] < '0' || d[i] > '9' {
			return "", ErrBadPhone
		}
	}
	return d, nil
}

// phoneKey is the keyed hash a phone number is kept as.
func (s *Service) phoneKey(phone string) string { return string(s.o.Hasher.Person("tel:" + phone)) }

// codeHash is the kept form of code for the code request id.
func (s *Service) codeHash(id, code string) string {
	m := hmac.New(sha256.New, []byte(s.o.Hasher.Person("code:"+id)))
	m.Write([]byte(code))
	return hex.EncodeToString(m.Sum(nil))
}

// CodeRequest asks for a confirmation code.
type CodeRequest struct {
	Phone    string `json:"phone"`
	IDNumber string `json:"id_number"` // a CCCD's QR payload or its 12-digit number
}

// RequestCode sends a 6-digit code to the phone and returns the request's
// id, which the booking names with the code.
func (s *Service) RequestCode(ctx context.Context, r CodeRequest) (string, error) {
	phone, err := Phone(r.Phone)
	if err != nil {
		return "", err
	}
	person, err := s.o.Hasher.Read(r.IDNumber)
	if err != nil {
		return "", err
	}
	id := randomHex(8)
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("online: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	now := s.clk.Now()
	if err := s.o.Store.SaveCode(ctx, pgstore.PhoneCode{ID: id, Phone: s.phoneKey(phone), Person: string(person),
		Code: s.codeHash(id, code), Created: now, Expires: now.Add(s.o.CodeTTL)}, now.Add(-s.o.CodesEvery), s.o.Codes); err != nil {
		return "", err
	}
	text := fmt.Sprintf("Mã xác nhận đặt số trực tuyến của bạn là %s (hiệu lực %d phút). Không đưa mã này cho người khác.",
		code, int(s.o.CodeTTL/time.Minute))
	if err := s.o.Sender.Send(ctx, Code{Request: id, Phone: phone, Code: code, TTL: s.o.CodeTTL, Text: text}); err != nil {
		s.log.Error("online: confirmation code not sent", "request", id, "err", err)
		return "", ErrSendFailed
	}
	return id, nil
}

// BookRequest books a window.
type BookRequest struct {
	Center string `json:"center"`
	Field  string `json:"field"`
	Day    string `json:"day"`
	From   string `json:"from"` // the window's start, "08:30"
	// IDNumber is the booker's; Request and Code the code request and
	// the code received.
	IDNumber string `json:"id_number"`
	Request  string `json:"request"`
	Code     string `json:"code"`
	// Notify is the booker's consent to messages (the reminder, and at
	// the center "N ahead", "called"...) at Phone, which must be the
	// phone the code was sent to. Without it Phone is not read.
	Notify bool   `json:"notify,omitempty"`
	Phone  string `json:"phone,omitempty"`
}

// Booked is a booking made: its signed code and that code's QR (nil when
// it could not be drawn).
type Booked struct {
	Token booking.Token
	Code  string
	QR    []byte
	Offer Offer
	Field OfferField
	// Notify: the booker's phone is kept for messages; Reminder: a
	// reminder goes before the window.
	Notify, Reminder bool
}

// Book checks the request against the center's offer and books it within
// the caps and the quota (pgstore.DB.Book).
func (s *Service) Book(ctx context.Context, r BookRequest) (Booked, error) {
	code := strings.TrimSpace(r.Code)
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		return Booked{}, ErrBadCodeInput
	}
	person, err := s.o.Hasher.Read(r.IDNumber)
	if err != nil {
		return Booked{}, err
	}
	offer, field, err := s.find(ctx, r.Center, r.Field)
	if err != nil {
		return Booked{}, err
	}
	now := s.clk.Now()
	var win Window
	found := false
	for _, d := range s.days(offer, field, now) {
		if d.Day != r.Day {
			continue
		}
		for _, w := range d.Windows {
			if w.Label() == r.From {
				win, found = w, true
			}
		}
	}
	if !found {
		return Booked{}, ErrNoWindow
	}
	tk := booking.Token{ID: randomHex(8), Center: offer.Center, Field: field.Code, Day: r.Day,
		From: win.From.UTC(), To: win.To.UTC(), Person: string(person)}
	var contact *pgstore.BookingContact
	if r.Notify {
		if contact, err = s.contact(r.Phone, tk.ID, offer, field, win, now); err != nil {
			return Booked{}, err
		}
	}
	text, err := s.o.Signer.Sign(tk)
	if err != nil {
		return Booked{}, err
	}
	lim := pgstore.BookingLimits{PerDay: offer.Caps.PerDay, PerField: offer.Caps.PerField, Quota: field.Quota}
	if err := s.o.Store.Book(ctx, pgstore.Booking{ID: tk.ID, Center: tk.Center, Field: tk.Field, Day: tk.Day,
		From: tk.From, To: tk.To, Person: tk.Person, CreatedAt: now, Contact: contact}, lim, r.Request, s.codeHash(r.Request, code)); err != nil {
		return Booked{}, err
	}
	s.notify(tk.Center)
	if contact != nil && contact.Reminder != nil && s.o.Messages.Decided != nil {
		s.o.Messages.Decided()
	}
	s.log.Info("online number booked", "booking", tk.ID, "center", tk.Center, "field", tk.Field, "day", tk.Day, "from", win.Label(),
		"messages", contact != nil)
	// Drawn once booked: a refusal (the caps, the quota) costs no drawing,
	// the dearest part of a booking. The code's text stands without it.
	qr, err := s.o.QR(text)
	if err != nil {
		s.log.Error("online: the booking's QR code was not drawn: the page shows its code's text", "booking", tk.ID, "err", err)
	}
	return Booked{Token: tk, Code: text, QR: qr, Offer: offer, Field: field, Notify: contact != nil,
		Reminder: contact != nil && contact.Reminder != nil}, nil
}

// contact is the booker's consent to messages at phone for booking id of
// window win: the phone kept until the window's end plus Messages.Keep,
// and the reminder due Messages.Before the window (none when that time has
// passed at now).
func (s *Service) contact(phone, id string, o Offer, f OfferField, win Window, now time.Time) (*pgstore.BookingContact, error) {
	m := s.o.Messages
	if m == nil {
		return nil, ErrNoMessages
	}
	p, err := Phone(phone)
	if err != nil {
		return nil, err
	}
	c := &pgstore.BookingContact{PhoneKey: s.phoneKey(p), Phone: "84" + p[1:], Expires: win.To.Add(m.Keep).UTC()}
	before := m.Before(o.Center)
	at := win.From.Add(-before)
	if before <= 0 || !at.After(now) {
		return c, nil
	}
	loc := cmpLoc(o.Location)
	c.Reminder = &pgstore.NotifyMessage{Center: m.Sender, Key: ReminderKey(id), Kind: m.Kind,
		Params: map[string]string{"center": o.Name, "field": f.Name, "day": dayWords(at.In(loc), win.From.In(loc)),
			"from": win.From.In(loc).Format("15:04"), "to": win.To.In(loc).Format("15:04")},
		NotBefore: at.UTC(), Expires: win.From.UTC()}
	return c, nil
}

// ReminderKey is the outbox key of booking id's reminder.
func ReminderKey(id string) string { return "reminder:" + id }

// ReminderBooking is the booking whose reminder key is key; ok false for
// a key of another message.
func ReminderBooking(key string) (id string, ok bool) {
	return strings.CutPrefix(key, "reminder:")
}

// dayWords names day as a message sent at says it: "hôm nay", "ngày mai
// (02/12)", or "ngày 02/12/2026".
func dayWords(at, day time.Time) string {
	y, m, d := at.Date()
	ty, tm, td := day.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	that := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	switch that.Sub(today) {
	case 0:
		return "hôm nay"
	case 24 * time.Hour:
		return "ngày mai (" + day.Format("02/01") + ")"
	}
	return "ngày " + day.Format("02/01/2006")
}

// Cancel cancels the booking whose signed code the caller holds.
func (s *Service) Cancel(ctx context.Context, id, code string) error {
	v, err := booking.NewVerifier(s.o.Signer.Public(), s.o.Retired...)
	if err != nil {
		return err
	}
	tk, err := v.Verify(code)
	if err != nil {
		return err
	}
	if tk.ID != id {
		return ErrNotYours
	}
	if err := s.o.Store.Cancel(ctx, tk.ID, tk.Person, s.clk.Now()); err != nil {
		return err
	}
	s.notify(tk.Center)
	s.log.Info("online number cancelled", "booking", tk.ID, "center", tk.Center)
	return nil
}

func (s *Service) notify(center string) {
	if s.o.Notify != nil {
		s.o.Notify(center)
	}
}

// find is center's offer and its field.
func (s *Service) find(ctx context.Context, center, field string) (Offer, OfferField, error) {
	offers, err := s.o.Offers(ctx)
	if err != nil {
		return Offer{}, OfferField{}, err
	}
	i := slices.IndexFunc(offers, func(o Offer) bool { return o.Center == center })
	if i < 0 {
		return Offer{}, OfferField{}, ErrNoCenter
	}
	o := offers[i]
	j := slices.IndexFunc(o.Fields, func(f OfferField) bool { return f.Code == field && f.Quota > 0 })
	if j < 0 {
		return o, OfferField{}, ErrNoField
	}
	return o, o.Fields[j], nil
}

// Window is one time window of a day, in the center's zone.
type Window struct {
	From, To time.Time
}

// Label is the window's start as the page names it: "08:30".
func (w Window) Label() string { return w.From.Format("15:04") }

// Day is one day a field may be booked.
type Day struct {
	Day     string
	Windows []Window
}

// days are the days and windows of field that may still be booked at now:
// today's windows not yet over, and those of the next DaysAhead days.
func (s *Service) days(o Offer, f OfferField, now time.Time) []Day {
	loc := cmpLoc(o.Location)
	step := o.Window
	if step <= 0 {
		step = DefaultWindow
	}
	local := now.In(loc)
	today := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	var out []Day
	for i := 0; i <= o.DaysAhead; i++ {
		d := today.AddDate(0, 0, i)
		if len(f.Days) > 0 && !slices.Contains(f.Days, d.Weekday()) {
			continue
		}
		day := Day{Day: d.Format(time.DateOnly)}
		for _, sp := range f.Hours {
			for m := sp.From; m+int(step/time.Minute) <= sp.To; m += int(step / time.Minute) {
				from := time.Date(d.Year(), d.Month(), d.Day(), m/60, m%60, 0, 0, loc)
				w := Window{From: from, To: from.Add(step)}
				if w.To.After(now) {
					day.Windows = append(day.Windows, w)
				}
			}
		}
		if len(day.Windows) > 0 {
			out = append(out, day)
		}
	}
	return out
}

// CenterView is a center as the page lists it: its fields, each with the
// days left to book, the windows and how many numbers are left.
type CenterView struct {
	ID     string      `json:"id"`
	Name   string      `json:"name"`
	Fields []FieldView `json:"fields"`
	// Messages: a booking here may ask for messages (BookRequest.Notify).
	Messages bool `json:"messages"`
}

// FieldView is one field of CenterView.
type FieldView struct {
	Code string    `json:"code"`
	Name string    `json:"name"`
	Days []DayView `json:"days"`
}

// DayView is one day of FieldView.
type DayView struct {
	Day     string   `json:"day"`
	Left    int      `json:"left"`
	Windows []string `json:"windows"` // starts, "08:30"
	Length  int      `json:"window_minutes"`
}

// Centers lists what may be booked now.
func (s *Service) Centers(ctx context.Context) ([]CenterView, error) {
	offers, err := s.o.Offers(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clk.Now()
	out := []CenterView{}
	for _, o := range offers {
		cv := CenterView{ID: o.Center, Name: o.Name, Fields: []FieldView{}, Messages: s.o.Messages != nil}
		local := now.In(cmpLoc(o.Location))
		from := local.Format(time.DateOnly)
		to := local.AddDate(0, 0, o.DaysAhead).Format(time.DateOnly)
		booked, err := s.o.Store.BookedCounts(ctx, o.Center, from, to)
		if err != nil {
			return nil, err
		}
		step := o.Window
		if step <= 0 {
			step = DefaultWindow
		}
		for _, f := range o.Fields {
			if f.Quota <= 0 {
				continue
			}
			fv := FieldView{Code: f.Code, Name: f.Name, Days: []DayView{}}
			for _, d := range s.days(o, f, now) {
				dv := DayView{Day: d.Day, Left: max(f.Quota-booked[d.Day][f.Code], 0), Length: int(step / time.Minute)}
				for _, w := range d.Windows {
					dv.Windows = append(dv.Windows, w.Label())
				}
				fv.Days = append(fv.Days, dv)
			}
			cv.Fields = append(cv.Fields, fv)
		}
		if len(cv.Fields) > 0 {
			out = append(out, cv)
		}
	}
	return out, nil
}

func cmpLoc(l *time.Location) *time.Location {
	if l == nil {
		return time.UTC
	}
	return l
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
