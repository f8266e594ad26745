package dossier

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// ErrNotFound reports that the source answered and knows no dossier with the
// code. Sources wrap it; test with errors.Is.
var ErrNotFound = errors.New("dossier: not found")

// ErrUnavailable reports that the source could not answer in time (down,
// slow, garbage, circuit open). Sources wrap it; test with errors.Is.
var ErrUnavailable = errors.New("dossier: the one-stop system does not answer")

// Source is a place dossiers can be looked up in.
type Source interface {
	// Lookup returns the dossier with the normalised code (NormalizeCode),
	// with the applicant's full name: masking is the caller's job, and so is
	// Finish (status label, overdue, time zone).
	// It returns an error wrapping ErrNotFound when the source knows no such
	// dossier and one wrapping ErrUnavailable when it cannot tell; it honours
	// ctx's deadline. Safe for concurrent use.
	Lookup(ctx context.Context, code string) (Dossier, error)
}

// Zone is the time zone of every time a dossier shows: Vietnam has kept
// UTC+07:00 without daylight saving since 1975, so a fixed zone is exact and
// needs no tzdata on the device.
func Zone() *time.Location { return time.FixedZone("ICT", 7*60*60) }

// Status is a national dossier status (TrangThaiHoSo), 1 to 10.
type Status int

// The national statuses.
const (
	StatusRegistered    Status = 1  // Mới đăng ký
	StatusAccepted      Status = 2  // Được tiếp nhận
	StatusRejected      Status = 3  // Không được tiếp nhận
	StatusProcessing    Status = 4  // Đang xử lý
	StatusNeedDocuments Status = 5  // Yêu cầu bổ sung giấy tờ
	StatusNeedPayment   Status = 6  // Yêu cầu thực hiện nghĩa vụ tài chính
	StatusWithdrawn     Status = 7  // Công dân yêu cầu rút hồ sơ
	StatusStopped       Status = 8  // Dừng xử lý
	StatusDone          Status = 9  // Đã xử lý xong
	StatusReturned      Status = 10 // Đã trả kết quả
)

// Valid reports whether s is one of the ten national statuses.
func (s Status) Valid() bool { return s >= StatusRegistered && s <= StatusReturned }

// Label is the Vietnamese label of the status, as the national portal words it.
func (s Status) Label() string {
	switch s {
	case StatusRegistered:
		return "Mới đăng ký"
	case StatusAccepted:
		return "Được tiếp nhận"
	case StatusRejected:
		return "Không được tiếp nhận"
	case StatusProcessing:
		return "Đang xử lý"
	case StatusNeedDocuments:
		return "Yêu cầu bổ sung giấy tờ"
	case StatusNeedPayment:
		return "Yêu cầu thực hiện nghĩa vụ tài chính"
	case StatusWithdrawn:
		return "Công dân yêu cầu rút hồ sơ"
	case StatusStopped:
		return "Dừng xử lý"
	case StatusDone:
		return "Đã xử lý xong"
	case StatusReturned:
		return "Đã trả kết quả"
	}
	return "Không rõ trạng thái"
}

// finished reports whether the dossier's processing is over: a result exists
// (9, 10).
func (s Status) finished() bool { return s == StatusDone || s == StatusReturned }

// noDeadline reports statuses to which no processing deadline applies: the
// dossier was refused at the counter or withdrawn by the citizen.
func (s Status) noDeadline() bool { return s == StatusRejected || s == StatusWithdrawn }

// OverdueLabel is shown beside the status of an overdue dossier.
const OverdueLabel = "Trễ hạn"

// Event is one step of a dossier's history.
type Event struct {
	At     time.Time `json:"at"`
	Status Status    `json:"status"`
	Unit   string    `json:"unit,omitempty"`
}

// Dossier is what a kiosk shows about a dossier: the JSON of
// GET /api/v1/dossiers/{code}. Times are in Zone when Finish has run.
type Dossier struct {
	Code        string    `json:"code"`
	Status      Status    `json:"status"`
	StatusLabel string    `json:"status_label"`
	Procedure   string    `json:"procedure"`
	Applicant   string    `json:"applicant"`
	ReceivedAt  time.Time `json:"received_at,omitzero"`
	DueAt       time.Time `json:"due_at,omitzero"`
	Overdue     bool      `json:"overdue"`
	Unit        string    `json:"unit"`
	History     []Event   `json:"history"`
}

// Finish fills the derived fields as of now: the status label, Overdue, the
// times in Zone, and an empty (not null) history.
//
// A dossier is overdue ("trễ hạn") when its due date passed before it
// reached status 9 or 10: still open after the due date, or finished later
// than it (the time it first reached 9/10 taken from the history; without
// such an event a finished dossier is not called overdue). Refused (3) and
// withdrawn (7) dossiers have no deadline.
func (d *Dossier) Finish(now time.Time) {
	zone := Zone()
	d.StatusLabel = d.Status.Label()
	if !d.ReceivedAt.IsZero() {
		d.ReceivedAt = d.ReceivedAt.In(zone)
	}
	if !d.DueAt.IsZero() {
		d.DueAt = d.DueAt.In(zone)
	}
	if d.History == nil {
		d.History = []Event{}
	}
	var finishedAt time.Time
	for i := range d.History {
		d.History[i].At = d.History[i].At.In(zone)
		if d.History[i].Status.finished() && (finishedAt.IsZero() || d.History[i].At.Before(finishedAt)) {
			finishedAt = d.History[i].At
		}
	}
	d.Overdue = false
	switch {
	case d.DueAt.IsZero() || d.Status.noDeadline():
	case d.Status.finished():
		d.Overdue = !finishedAt.IsZero() && finishedAt.After(d.DueAt)
	default:
		d.Overdue = now.After(d.DueAt)
	}
}

// MaskName hides a person's name while letting its owner recognise it:
// each word becomes its first letter and a fixed "***", whatever its length,
// so neither a word's length nor its second letter is told ("Tr** V** Bì**"
// told both). "Nguyễn Thị Hoa" → "N*** T*** H***". The text is
// NFC-normalised first so a Vietnamese letter typed with combining marks
// counts as one letter.
func MaskName(name string) string {
	words := strings.Fields(norm.NFC.String(name))
	for i, w := range words {
		words[i] = maskWord(w)
	}
	return strings.Join(words, " ")
}

// wordMask replaces all of a word but its first letter.
const wordMask = "***"

func maskWord(w string) string {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return string(r) + wordMask
		}
	}
	return wordMask
}

// NormalizeCode is the canonical form of a dossier code as sources and
// caches key it: NFKC (full-width digits from some input methods become
// ASCII), every space removed, upper case.
func NormalizeCode(code string) string {
	code = norm.NFKC.String(code)
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, code))
}
