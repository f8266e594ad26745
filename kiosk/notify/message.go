package notify

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Kind is what a message says.
type Kind string

// Message kinds. The first four concern a ticket in the lobby and are sent
// at any hour; the others wait for the end of the quiet hours.
const (
	KindTaken         Kind = "taken"          // the number taken, with its phone page
	KindAhead         Kind = "ahead"          // N people ahead of you
	KindCalled        Kind = "called"         // go to counter 3
	KindNoShow        Kind = "no_show"        // called and not there
	KindRating        Kind = "rating"         // after service, rate the visit
	KindDossierStatus Kind = "dossier_status" // a dossier's status changed
	KindResultReady   Kind = "result_ready"   // a dossier's result can be collected
	KindCode          Kind = "code"           // the hub's confirmation code of an online booking (issue 14)
	KindReminder      Kind = "reminder"       // the hub's reminder of an online booking before its window
)

// Kinds lists every kind, in the order of a visit.
var kinds = []Kind{KindTaken, KindAhead, KindCalled, KindNoShow, KindRating, KindDossierStatus, KindResultReady, KindCode, KindReminder}

// Kinds returns every kind, in the order of a visit.
func Kinds() []Kind { return append([]Kind(nil), kinds...) }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, v := range kinds {
		if k == v {
			return true
		}
	}
	return false
}

// Live reports whether the message concerns a citizen in the lobby now: such
// a message is sent at any hour, and dropped once the queue made it moot.
func (k Kind) Live() bool {
	return k == KindTaken || k == KindAhead || k == KindCalled || k == KindNoShow || k == KindCode
}

// Message is one notification decided.
type Message struct {
	// Key is unique per message that may be sent: "t:TICKET:kind" or
	// "d:CODE:kind:STATUS". A key decided twice is stored once; providers
	// that take a client reference get it.
	Key     string
	Kind    Kind
	Contact string // the key of the Contact it goes to
	// Params are the template's parameters: number, field, ahead, link,
	// counter, code, status (what the kind has).
	Params  map[string]string
	At      time.Time // when it was decided
	Expires time.Time // zero: never too late by time alone
}

// Contact is where a ticket's or a dossier's messages go, kept until
// Expires and then deleted with the phone number in it.
type Contact struct {
	Key     string // "t:TICKET" or "d:CODE"
	Ticket  string // the ticket id, for a ticket's contact
	Dossier string // the dossier code, for a dossier's contact
	Field   string // the ticket's field when it was taken
	Phone   string // normalised, "84912345678"; may be empty
	Email   string // may be empty
	Expires time.Time
}

// TicketContact is the key of a ticket's contact.
func TicketContact(id string) string { return "t:" + id }

// BookingContact is the key of an online booking's contact: the phone the
// hub sent for a booker who consented to messages, kept until the booking
// is checked in (then it is the ticket's contact) or its time is over.
func BookingContact(id string) string { return "b:" + id }

// DossierContact is the key of a dossier's contact.
func DossierContact(code string) string { return "d:" + code }

func ticketKey(id string, k Kind) string { return "t:" + id + ":" + string(k) }

// Errors of the contact a citizen gives.
var (
	ErrBadPhone   = errors.New("notify: not a Vietnamese mobile number")
	ErrBadEmail   = errors.New("notify: not an e-mail address")
	ErrNoContact  = errors.New("notify: neither a phone number nor an e-mail address")
	ErrNotWaiting = errors.New("notify: the ticket no longer waits")
	ErrDisabled   = errors.New("notify: notifications are off for this field")
)

// NormalizePhone turns a Vietnamese mobile number as people type it ("0912
// 345 678", "+84 912.345.678", "84912345678") into its international form
// without "+" ("84912345678"), the form ZNS and the SMS gateways take. It
// accepts the mobile prefixes 3, 5, 7, 8 and 9 after the country code.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')':
		default:
			return "", ErrBadPhone
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = d[2:]
	case strings.HasPrefix(d, "0") && len(d) == 10:
		d = d[1:]
	default:
		return "", ErrBadPhone
	}
	if !strings.ContainsRune("35789", rune(d[0])) {
		return "", ErrBadPhone
	}
	return "84" + d, nil
}

// MaskPhone shows a number as a person may see it once given: the first
// two and the last three digits of its national form ("0912345678" →
// "09xx xxx 678"); "" for what is not a mobile number.
func MaskPhone(s string) string {
	d, err := NormalizePhone(s)
	if err != nil {
		return ""
	}
	d = "0" + d[2:]
	return d[:2] + "xx xxx " + d[7:]
}

// MaskEmail shows an address as "n***@example.vn": its first character and
// its domain; "" for what is not an address.
func MaskEmail(s string) string {
	e, err := NormalizeEmail(s)
	if err != nil {
		return ""
	}
	at := strings.LastIndexByte(e, '@')
	r, _ := utf8.DecodeRuneInString(e)
	return string(r) + "***" + e[at:]
}

// NormalizeEmail checks an address for the shape local@domain.tld and
// lower-cases its domain.
func NormalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || len(s) > 254 || strings.ContainsFunc(s, unicode.IsSpace) ||
		strings.ContainsAny(s, "<>,;\"\r\n") {
		return "", ErrBadEmail
	}
	domain := strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", ErrBadEmail
	}
	return s[:at+1] + domain, nil
}

// Texts are the words of each kind for the channels that send text (SMS,
// e-mail), with {param} placeholders. An SMS gateway that must send ASCII
// (a cheaper segment) folds the diacritics itself (smsgw Opts.ASCII).
type Texts map[Kind]string

// DefaultTexts returns the texts a center starts from.
func DefaultTexts() Texts {
	return Texts{
		KindTaken:         "Bạn đã lấy số {number} ({field}). Trước bạn còn {ahead} người. Theo dõi: {link}",
		KindAhead:         "Số {number}: còn {ahead} người trước bạn. Mời bạn quay lại sảnh chờ.",
		KindCalled:        "Mời công dân có số {number} đến {counter}.",
		KindNoShow:        "Số {number} đã được gọi nhưng bạn không có mặt. Vui lòng liên hệ quầy hoặc lấy số mới.",
		KindRating:        "Cảm ơn bạn đã đến làm thủ tục (số {number}, {counter}). Mời bạn đánh giá mức độ hài lòng tại máy đánh giá ở quầy hoặc trên Zalo.",
		KindDossierStatus: "Hồ sơ {code}: {status}.",
		KindResultReady:   "Hồ sơ {code} đã có kết quả. Mời bạn đến nhận tại bộ phận một cửa.",
		KindCode:          "Mã xác nhận đặt số trực tuyến của bạn là {code} (hiệu lực {minutes} phút). Không đưa mã này cho người khác.",
		KindReminder:      "Nhắc lịch: số đặt trực tuyến lĩnh vực {field} tại {center} từ {from} đến {to} {day}. Mời bạn đến và quét mã QR của số hẹn tại kiosk.",
	}
}

// Render fills the kind's text with params; a placeholder without a param
// is left out.
func (t Texts) Render(k Kind, params map[string]string) (string, error) {
	text, ok := t[k]
	if !ok {
		return "", fmt.Errorf("notify: no text for %q", k)
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String(), nil
		}
		b.WriteString(text[:i])
		b.WriteString(params[text[i+1:i+j]])
		text = text[i+j+1:]
	}
}
