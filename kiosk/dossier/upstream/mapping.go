package upstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"motcua/internal/jsonpath"
	"motcua/kiosk/dossier"
)

// ErrBadAnswer reports an answer of the main system that cannot be read with
// the configured mapping (not JSON, a field missing or of the wrong kind, a
// status or time that does not map). It wraps dossier.ErrUnavailable: the
// citizen is told to try later, never "not found" on an answer we cannot read.
var ErrBadAnswer = fmt.Errorf("upstream: câu trả lời của hệ thống một cửa không đọc được: %w", dossier.ErrUnavailable)

// errAuth reports an answer saying the session or token is not (or no
// longer) accepted.
var errAuth = errors.New("upstream: phiên đăng nhập không còn hiệu lực")

// Mapping says where the fields of a dossier are in the main system's JSON
// answer. Paths are dot-separated keys and array indexes ("result.0.MaHoSo");
// an empty path means the field is not provided.
type Mapping struct {
	// ErrorField is the path of an error code in the answer, "" if none.
	ErrorField string `json:"error_field" yaml:"error_field"`
	// OKValues are the values of ErrorField meaning success; default ["0"].
	OKValues []string `json:"ok_values" yaml:"ok_values"`
	// AuthErrorValues are the values of ErrorField meaning the session
	// expired or is refused: the adapter logs in again and retries once.
	AuthErrorValues []string `json:"auth_error_values" yaml:"auth_error_values"`
	// NotFoundValues are the values of ErrorField meaning no such dossier.
	NotFoundValues []string `json:"not_found_values" yaml:"not_found_values"`

	// Records is the path of the dossier record, or of an array of records
	// (the one whose Code equals the code looked up is taken); "" is the whole
	// answer. A null or empty array means not found; a missing path is a bad answer.
	Records string `json:"records" yaml:"records"`

	Code       string `json:"code" yaml:"code"`
	Status     string `json:"status" yaml:"status"`
	Procedure  string `json:"procedure" yaml:"procedure"`
	Applicant  string `json:"applicant" yaml:"applicant"`
	ReceivedAt string `json:"received_at" yaml:"received_at"`
	DueAt      string `json:"due_at" yaml:"due_at"`
	Unit       string `json:"unit" yaml:"unit"`

	// History is the path (inside the record) of an array of status changes,
	// each read with HistoryAt, HistoryStatus and HistoryUnit.
	History       string `json:"history" yaml:"history"`
	HistoryAt     string `json:"history_at" yaml:"history_at"`
	HistoryStatus string `json:"history_status" yaml:"history_status"`
	HistoryUnit   string `json:"history_unit" yaml:"history_unit"`

	// TimeLayout is the Go layout of times ("20060102150405" for the national
	// portal), "unix" or "unix_ms" for numbers; default RFC 3339. Times
	// without a zone are Vietnam time. RFC 3339 is always tried as well.
	TimeLayout string `json:"time_layout" yaml:"time_layout"`

	// StatusValues maps the system's own status values to the national codes
	// 1–10; empty means the system already sends the national number.
	StatusValues map[string]int `json:"status_values" yaml:"status_values"`
}

// Map reads the dossier with code from body. It returns an error wrapping
// dossier.ErrNotFound when the answer says there is no such dossier,
// ErrBadAnswer when the answer cannot be read, and errAuth when it says the
// session is refused. Safe for concurrent use.
func (m Mapping) Map(body []byte, code string) (dossier.Dossier, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return dossier.Dossier{}, fmt.Errorf("%w: không phải JSON", ErrBadAnswer)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return dossier.Dossier{}, fmt.Errorf("%w: dữ liệu thừa sau JSON", ErrBadAnswer)
	}
	if m.ErrorField != "" {
		v, ok := lookupPath(root, m.ErrorField)
		val := scalar(v)
		switch {
		case ok && contains(m.AuthErrorValues, val):
			return dossier.Dossier{}, fmt.Errorf("%w (mã lỗi %q)", errAuth, val)
		case ok && contains(m.NotFoundValues, val):
			return dossier.Dossier{}, fmt.Errorf("upstream: %s: %w", code, dossier.ErrNotFound)
		case !ok || !contains(okValues(m.OKValues), val):
			return dossier.Dossier{}, fmt.Errorf("%w: mã lỗi %q", ErrBadAnswer, val)
		}
	}
	rec, ok := lookupPath(root, m.Records)
	if !ok {
		return dossier.Dossier{}, fmt.Errorf("%w: thiếu %q", ErrBadAnswer, m.Records)
	}
	switch r := rec.(type) {
	case nil:
		return dossier.Dossier{}, fmt.Errorf("upstream: %s: %w", code, dossier.ErrNotFound)
	case []any:
		rec = nil
		for _, item := range r {
			if m.Code == "" {
				rec = item
				break
			}
			if c, _ := lookupPath(item, m.Code); dossier.NormalizeCode(scalar(c)) == code {
				rec = item
				break
			}
		}
		if rec == nil {
			return dossier.Dossier{}, fmt.Errorf("upstream: %s: %w", code, dossier.ErrNotFound)
		}
	}
	if _, isObject := rec.(map[string]any); !isObject {
		return dossier.Dossier{}, fmt.Errorf("%w: bản ghi không phải đối tượng JSON", ErrBadAnswer)
	}
	return m.record(rec, code)
}

func (m Mapping) record(rec any, code string) (dossier.Dossier, error) {
	d := dossier.Dossier{Code: code}
	if m.Code != "" {
		v, _ := lookupPath(rec, m.Code)
		if got := dossier.NormalizeCode(scalar(v)); got != code {
			return dossier.Dossier{}, fmt.Errorf("%w: hỏi mã %s nhưng nhận mã %q", ErrBadAnswer, code, got)
		}
	}
	var err error
	if d.Status, err = m.status(rec, m.Status); err != nil {
		return dossier.Dossier{}, err
	}
	d.Procedure = m.text(rec, m.Procedure)
	d.Applicant = m.text(rec, m.Applicant)
	d.Unit = m.text(rec, m.Unit)
	if d.ReceivedAt, err = m.time(rec, m.ReceivedAt); err != nil {
		return dossier.Dossier{}, err
	}
	if d.DueAt, err = m.time(rec, m.DueAt); err != nil {
		return dossier.Dossier{}, err
	}
	d.History = []dossier.Event{}
	if m.History == "" {
		return d, nil
	}
	h, ok := lookupPath(rec, m.History)
	if !ok || h == nil {
		return d, nil
	}
	items, isArray := h.([]any)
	if !isArray {
		return dossier.Dossier{}, fmt.Errorf("%w: %q không phải mảng", ErrBadAnswer, m.History)
	}
	for _, item := range items {
		var e dossier.Event
		if e.Status, err = m.status(item, m.HistoryStatus); err != nil {
			return dossier.Dossier{}, err
		}
		if e.At, err = m.time(item, m.HistoryAt); err != nil {
			return dossier.Dossier{}, err
		}
		e.Unit = m.text(item, m.HistoryUnit)
		d.History = append(d.History, e)
	}
	return d, nil
}

func (m Mapping) status(rec any, path string) (dossier.Status, error) {
	v, ok := lookupPath(rec, path)
	raw := scalar(v)
	if !ok || raw == "" {
		return 0, fmt.Errorf("%w: thiếu trạng thái %q", ErrBadAnswer, path)
	}
	if len(m.StatusValues) > 0 {
		n, found := m.StatusValues[raw]
		if !found {
			for k, kv := range m.StatusValues {
				if strings.EqualFold(strings.TrimSpace(k), strings.TrimSpace(raw)) {
					n, found = kv, true
					break
				}
			}
		}
		if s := dossier.Status(n); found && s.Valid() {
			return s, nil
		}
		return 0, fmt.Errorf("%w: trạng thái %q không có trong bảng chuyển đổi", ErrBadAnswer, raw)
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	if s := dossier.Status(n); err == nil && s.Valid() {
		return s, nil
	}
	return 0, fmt.Errorf("%w: trạng thái %q không thuộc 1–10", ErrBadAnswer, raw)
}

func (m Mapping) text(rec any, path string) string {
	if path == "" {
		return ""
	}
	v, _ := lookupPath(rec, path)
	return strings.TrimSpace(scalar(v))
}

func (m Mapping) time(rec any, path string) (time.Time, error) {
	if path == "" {
		return time.Time{}, nil
	}
	v, _ := lookupPath(rec, path)
	raw := strings.TrimSpace(scalar(v))
	if raw == "" {
		return time.Time{}, nil
	}
	switch m.TimeLayout {
	case "unix", "unix_ms":
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64/1000 {
			return time.Time{}, fmt.Errorf("%w: thời gian %q không phải số giây", ErrBadAnswer, raw)
		}
		if m.TimeLayout == "unix" {
			return time.Unix(n, 0), nil
		}
		return time.UnixMilli(n), nil
	case "":
	default:
		if t, err := time.ParseInLocation(m.TimeLayout, raw, dossier.Zone()); err == nil {
			return t, nil
		}
	}
	if t, err := time.Parse(time.RFC3339, raw); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%w: thời gian %q không đúng định dạng %q", ErrBadAnswer, raw, m.TimeLayout)
}

// lookupPath follows a dot-separated path of keys and array indexes; "" is v.
func lookupPath(v any, path string) (any, bool) { return jsonpath.Lookup(v, path) }

// scalar is the text of a JSON string, number or boolean; "" otherwise.
func scalar(v any) string { return jsonpath.Scalar(v) }

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

func okValues(v []string) []string {
	if len(v) == 0 {
		return []string{"0"}
	}
	return v
}
