package wire

import "time"

// Status is what a center says of itself: sent when it changes and every
// heartbeat, so the hub's view is at most a heartbeat old while the link is
// up, and its last_seen says how old when it is not.
type Status struct {
	At       time.Time `json:"at"`       // the center's clock when sent
	Name     string    `json:"name"`     // the center's name as configured
	Software string    `json:"software"` // motcua's version
	// ConfigVersion is the hub version the center runs; 0 when it runs its
	// own file only.
	ConfigVersion int `json:"config_version"`
	// Refused is the last version the center refused, with its reason; nil
	// once it runs that version or a later one.
	Refused *Refusal `json:"refused,omitempty"`
	Day     string   `json:"day"`
	// Seq is the center's last committed event; Acked the last the hub's
	// stream took. Seq-Acked are the events on their way.
	Seq          uint64             `json:"seq"`
	Acked        uint64             `json:"acked"`
	TicketsToday int                `json:"tickets_today"`
	Waiting      int                `json:"waiting"`
	Printers     map[string]Printer `json:"printers,omitempty"`
	Scanners     map[string]Scanner `json:"scanners,omitempty"`
	// Boards are the LED number boards, Buttons the call-button receivers
	// and rating boxes (their State: "connected" or "disconnected").
	Boards  map[string]Board   `json:"boards,omitempty"`
	Buttons map[string]Scanner `json:"buttons,omitempty"`
	// Notify counts the center's messages to citizens by channel and
	// state; empty when it sends none.
	Notify []NotifyCount `json:"notify,omitempty"`
}

// Board is an LED number board's last known state at a center.
type Board struct {
	State  string `json:"state"`            // "answering", "silent" (not answering), "disconnected" (its bus), "starting" (nothing sent yet)
	Errors uint64 `json:"errors,omitempty"` // frames not taken since the center started
	Error  string `json:"error,omitempty"`
}

// Refusal is a configuration version a center would not run, and why (the
// same key-and-line message as `motcua serve`).
type Refusal struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

// Printer is a printer's last known state at a center.
type Printer struct {
	State     string `json:"state"`           // "ready", "offline", "paper_out", "cover_open", ...
	Paper     string `json:"paper,omitempty"` // "ok", "near_end", "out"
	CoverOpen bool   `json:"cover_open,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Scanner is a scanner's last known state at a center.
type Scanner struct {
	State string `json:"state"`
	Error string `json:"error,omitempty"`
}

// Bundle is what the hub has published for one center: the sync reply.
type Bundle struct {
	// ConfigVersion is the published version, 0 when none; Config its YAML.
	ConfigVersion int    `json:"config_version"`
	Config        string `json:"config,omitempty"`
	// Accounts are the province staff who may sign in at this center.
	Accounts *Accounts `json:"accounts,omitempty"`
	// Held is the highest event seq of this center the hub holds: a center
	// whose database is new (restored empty, reset) numbers its events on
	// the wire after it, so that the hub does not take them for repeats.
	Held uint64 `json:"held"`
	// BookingKey is the hub's public key of online numbers (Ed25519, in
	// base64, province/booking): the center keeps it and checks a
	// booking's QR code with it, link or no link. "" from a hub without.
	BookingKey string `json:"booking_key,omitempty"`
	// RetiredBookingKeys are the keys the hub signed with before
	// BookingKey, each until the last day of the bookings it signed: the
	// center takes those bookings with them, and none of a later day.
	RetiredBookingKeys []RetiredKey `json:"retired_booking_keys,omitempty"`
	// Bookings are the online bookings of this center from today on, booked
	// and cancelled, from a hub that takes them (nil from one that does not).
	Bookings *Bookings `json:"bookings,omitempty"`
	// Error is set, and the rest empty, when the hub could not answer (its
	// database is down): the center keeps what it runs.
	Error string `json:"error,omitempty"`
}

// Bookings are a center's online bookings of From (its local day) and the
// days after.
type Bookings struct {
	From string    `json:"from"`
	List []Booking `json:"list"`
}

// Booking is one online booking as a center hears of it: the signed code
// the citizen holds says the rest.
type Booking struct {
	ID        string    `json:"id"`
	Field     string    `json:"field"`
	Day       string    `json:"day"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
	Cancelled bool      `json:"cancelled,omitempty"`
	// Phone is the phone (84xxxxxxxxx) of a booker who consented to
	// messages, until the booking is checked in or cancelled: the center
	// keeps it only in its notify outbox's contacts, never in its file of
	// bookings, and sends the messages of the ticket checked in from it.
	Phone string `json:"phone,omitempty"`
}

// Accounts is the versioned list of the staff accounts of one center.
type Accounts struct {
	Version int       `json:"version"`
	List    []Account `json:"list"`
}

// Account is one person's sign-in at a center. The password is only ever a
// hash (the center's own format).
type Account struct {
	Username     string   `json:"username"`
	Name         string   `json:"name"`
	Role         string   `json:"role"`
	Counters     []string `json:"counters,omitempty"`
	PasswordHash string   `json:"password_hash"`
	Disabled     bool     `json:"disabled,omitempty"`
}

// Notice tells a center that its Bundle changed.
type Notice struct {
	ConfigVersion   int `json:"config_version"`
	AccountsVersion int `json:"accounts_version,omitempty"`
}

// RetiredKey is a key of online numbers the hub retired (Bundle): Key as
// BookingKey is written, LastDay ("2006-01-02") the last day of a booking
// it signed.
type RetiredKey struct {
	Key     string `json:"key"`
	LastDay string `json:"last_day"`
}
