package dongbo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"motcua/kiosk/dossier"
)

// ErrInvalid is wrapped by every refusal of a push.
var ErrInvalid = errors.New("dongbo: invalid push")

// Limits of one push.
const (
	MaxRecords      = 500 // records in one push
	MaxDocuments    = 30  // documents of one record
	MaxDocumentText = 200 // one document's name
	MaxLongText     = 200 // procedure, address, unit
	MaxShortText    = 100 // names, numbers, fee, counter
	MaxCount        = 99  // copies of one document
	TimeLayout      = "20060102150405"
)

// Kind is whether a document handed in is the original or a copy.
type Kind string

// The kinds.
const (
	Original Kind = "original" // bản chính
	Copy     Kind = "copy"     // bản sao
)

// Label is the kind as a receipt prints it.
func (k Kind) Label() string {
	switch k {
	case Original:
		return "Bản chính"
	case Copy:
		return "Bản sao"
	}
	return ""
}

// Document is one document handed in.
type Document struct {
	Name  string
	Kind  Kind // "" when the system does not say
	Count int  // 1 when the system does not say
}

// Record is one pushed dossier, checked.
type Record struct {
	Code          string // MaHoSo, normalised
	ProcedureCode string // MaTTHC
	Procedure     string // TenTTHC
	Applicant     string // ChuHoSo
	IDNumber      string // SoGiayToChuHoSo: CCCD or tax number (MST)
	Address       string // DiaChiChuHoSo
	Phone         string // SoDienThoaiChuHoSo
	Email         string // EmailChuHoSo
	ReceivedAt    time.Time
	DueAt         time.Time // zero: none given
	Status        dossier.Status
	Unit          string // DonViXuLy
	Receiver      string // NguoiTiepNhan: the officer's name
	Account       string // TaiKhoanTiepNhan: the officer's account
	Counter       string // MaQuay: the counter that received it
	Fee           string // PhiLePhi
	Days          int    // ThoiGianGiaiQuyet, working days; 0: not given
	Reprint       bool   // InLai: print the receipt again for a dossier already known
	Documents     []Document
}

// ItemError is one refused record.
type ItemError struct {
	Index int    `json:"index"`          // 1-based place of the record in the push
	Code  string `json:"code,omitempty"` // its MaHoSo as sent, when it has one
	Msg   string `json:"message"`        // Vietnamese
}

func (e ItemError) String() string {
	if e.Code != "" {
		return fmt.Sprintf("hồ sơ thứ %d (%s): %s", e.Index, e.Code, e.Msg)
	}
	return fmt.Sprintf("hồ sơ thứ %d: %s", e.Index, e.Msg)
}

// maxReported bounds the errors an Error lists.
const maxReported = 50

// Error lists the records a push refused; nothing of the push was taken.
// It wraps ErrInvalid.
type Error struct {
	Items []ItemError // at most 50
	More  int         // beyond those listed
	// Msg is set instead of Items when the push as a whole is unreadable.
	Msg string
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return "dongbo: " + e.Msg
	}
	parts := make([]string, len(e.Items))
	for i, it := range e.Items {
		parts[i] = it.String()
	}
	s := fmt.Sprintf("dongbo: %d hồ sơ bị từ chối, chưa nhận hồ sơ nào: %s", len(e.Items)+e.More, strings.Join(parts, "; "))
	if e.More > 0 {
		s += fmt.Sprintf("; và %d lỗi khác", e.More)
	}
	return s
}

func (e *Error) Unwrap() error { return ErrInvalid }

func (e *Error) add(it ItemError) {
	if len(e.Items) >= maxReported {
		e.More++
		return
	}
	e.Items = append(e.Items, it)
}

// Decoder reads pushes.
type Decoder struct {
	codes *dossier.Codes
}

// NewDecoder returns a decoder checking codes with codes (nil: the default
// shapes).
func NewDecoder(codes *dossier.Codes) *Decoder {
	if codes == nil {
		codes = dossier.DefaultCodes()
	}
	return &Decoder{codes: codes}
}

// flex is a JSON value systems send as a string or a number (TrangThaiHoSo
// 4 or "4"); null is empty.
type flex string

func (f *flex) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flex(s)
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*f = flex(n.String())
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*f = flex(b)
	default:
		return errors.New("not a text or a number")
	}
	return nil
}

type wireDocument struct {
	TenTaiLieu    flex `json:"TenTaiLieu"`
	TenGiayTo     flex `json:"TenGiayTo"`
	TenTepDinhKem flex `json:"TenTepDinhKem"`
	LoaiBan       flex `json:"LoaiBan"`
	SoLuong       flex `json:"SoLuong"`
}

type wireRecord struct {
	MaHoSo             flex           `json:"MaHoSo"`
	MaTTHC             flex           `json:"MaTTHC"`
	TenTTHC            flex           `json:"TenTTHC"`
	ChuHoSo            flex           `json:"ChuHoSo"`
	SoGiayToChuHoSo    flex           `json:"SoGiayToChuHoSo"`
	DiaChiChuHoSo      flex           `json:"DiaChiChuHoSo"`
	SoDienThoaiChuHoSo flex           `json:"SoDienThoaiChuHoSo"`
	EmailChuHoSo       flex           `json:"EmailChuHoSo"`
	NgayTiepNhan       flex           `json:"NgayTiepNhan"`
	NgayHenTra         flex           `json:"NgayHenTra"`
	TrangThaiHoSo      flex           `json:"TrangThaiHoSo"`
	DonViXuLy          flex           `json:"DonViXuLy"`
	NguoiTiepNhan      flex           `json:"NguoiTiepNhan"`
	TaiKhoanTiepNhan   flex           `json:"TaiKhoanTiepNhan"`
	MaQuay             flex           `json:"MaQuay"`
	PhiLePhi           flex           `json:"PhiLePhi"`
	ThoiGianGiaiQuyet  flex           `json:"ThoiGianGiaiQuyet"`
	InLai              flex           `json:"InLai"`
	TaiLieuNop         []wireDocument `json:"TaiLieuNop"`
}

// Decode reads a push: an array of records, one record, or an envelope
// {"service": "DongBoHoSoMC", "data": [records]}. Unknown fields are
// ignored (systems send more than a receipt needs). It returns every record
// or, when any is refused, an *Error and none.
func (d *Decoder) Decode(body []byte) ([]Record, error) {
	raws, err := split(body)
	if err != nil {
		return nil, err
	}
	if len(raws) == 0 {
		return nil, &Error{Msg: "không có hồ sơ nào"}
	}
	if len(raws) > MaxRecords {
		return nil, &Error{Msg: fmt.Sprintf("%d hồ sơ, nhiều hơn %d một lần", len(raws), MaxRecords)}
	}
	perr := &Error{}
	seen := map[string]int{}
	out := make([]Record, 0, len(raws))
	for i, raw := range raws {
		var w wireRecord
		if err := json.Unmarshal(raw, &w); err != nil {
			perr.add(ItemError{Index: i + 1, Msg: "không đọc được: " + jsonReason(err)})
			continue
		}
		rec, msgs := d.record(w)
		if prev, dup := seen[rec.Code]; dup && rec.Code != "" {
			msgs = append(msgs, fmt.Sprintf("trùng mã với hồ sơ thứ %d", prev))
		}
		if rec.Code != "" {
			seen[rec.Code] = i + 1
		}
		for _, m := range msgs {
			perr.add(ItemError{Index: i + 1, Code: clip(string(w.MaHoSo)), Msg: m})
		}
		if len(msgs) == 0 {
			out = append(out, rec)
		}
	}
	if len(perr.Items) > 0 {
		return nil, perr
	}
	return out, nil
}

// split finds the records of a push.
func split(body []byte) ([]json.RawMessage, error) {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	if len(body) == 0 {
		return nil, &Error{Msg: "nội dung trống"}
	}
	var list []json.RawMessage
	switch body[0] {
	case '[':
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, &Error{Msg: "không phải JSON: " + jsonReason(err)}
		}
		return list, nil
	case '{':
		var env map[string]json.RawMessage
		if err := json.Unmarshal(body, &env); err != nil {
			return nil, &Error{Msg: "không phải JSON: " + jsonReason(err)}
		}
		for _, key := range []string{"data", "HoSo"} {
			if v, ok := env[key]; ok {
				if err := json.Unmarshal(v, &list); err != nil {
					return nil, &Error{Msg: fmt.Sprintf("%q phải là một mảng hồ sơ", key)}
				}
				return list, nil
			}
		}
		if _, ok := env["MaHoSo"]; ok {
			return []json.RawMessage{body}, nil
		}
		return nil, &Error{Msg: "không thấy hồ sơ (cần một mảng, một hồ sơ có MaHoSo, hoặc \"data\")"}
	}
	return nil, &Error{Msg: "không phải JSON"}
}

func (d *Decoder) record(w wireRecord) (Record, []string) {
	var msgs []string
	fail := func(format string, a ...any) { msgs = append(msgs, fmt.Sprintf(format, a...)) }
	t := func(f flex) string { return strings.TrimSpace(string(f)) }
	r := Record{ProcedureCode: t(w.MaTTHC), Procedure: t(w.TenTTHC), Applicant: t(w.ChuHoSo), IDNumber: t(w.SoGiayToChuHoSo),
		Address: t(w.DiaChiChuHoSo), Phone: t(w.SoDienThoaiChuHoSo), Email: t(w.EmailChuHoSo), Unit: t(w.DonViXuLy),
		Receiver: t(w.NguoiTiepNhan), Account: t(w.TaiKhoanTiepNhan), Counter: t(w.MaQuay), Fee: t(w.PhiLePhi)}
	if t(w.MaHoSo) == "" {
		fail("thiếu mã hồ sơ (MaHoSo)")
	} else if code, err := d.codes.Parse(string(w.MaHoSo)); err != nil {
		fail("mã hồ sơ %q không đúng mẫu", clip(t(w.MaHoSo)))
	} else {
		r.Code = code
	}
	if r.Procedure == "" {
		fail("thiếu tên thủ tục (TenTTHC)")
	}
	if r.Applicant == "" {
		fail("thiếu chủ hồ sơ (ChuHoSo)")
	}
	for _, f := range []struct {
		name, val string
		max       int
	}{
		{"MaTTHC", r.ProcedureCode, MaxShortText}, {"TenTTHC", r.Procedure, MaxLongText}, {"ChuHoSo", r.Applicant, MaxShortText},
		{"SoGiayToChuHoSo", r.IDNumber, MaxShortText}, {"DiaChiChuHoSo", r.Address, MaxLongText},
		{"SoDienThoaiChuHoSo", r.Phone, MaxShortText}, {"EmailChuHoSo", r.Email, MaxShortText},
		{"DonViXuLy", r.Unit, MaxLongText}, {"NguoiTiepNhan", r.Receiver, MaxShortText},
		{"TaiKhoanTiepNhan", r.Account, MaxShortText}, {"MaQuay", r.Counter, MaxShortText}, {"PhiLePhi", r.Fee, MaxShortText},
	} {
		if !utf8.ValidString(f.val) {
			fail("%s không phải văn bản UTF-8", f.name)
		} else if utf8.RuneCountInString(f.val) > f.max {
			fail("%s dài hơn %d ký tự", f.name, f.max)
		}
	}
	n, err := strconv.Atoi(t(w.TrangThaiHoSo))
	if r.Status = dossier.Status(n); err != nil || !r.Status.Valid() {
		fail("trạng thái (TrangThaiHoSo) %q phải là số từ 1 đến 10", clip(t(w.TrangThaiHoSo)))
	}
	var terr error
	if r.ReceivedAt, terr = parseTime(t(w.NgayTiepNhan)); terr != nil || r.ReceivedAt.IsZero() {
		fail("ngày tiếp nhận (NgayTiepNhan) %q phải có dạng yyyyMMddHHmmss", clip(t(w.NgayTiepNhan)))
	}
	if r.DueAt, terr = parseTime(t(w.NgayHenTra)); terr != nil {
		fail("ngày hẹn trả (NgayHenTra) %q phải có dạng yyyyMMddHHmmss", clip(t(w.NgayHenTra)))
	} else if !r.DueAt.IsZero() && !r.ReceivedAt.IsZero() && r.DueAt.Before(r.ReceivedAt) {
		fail("ngày hẹn trả trước ngày tiếp nhận")
	}
	if v := t(w.ThoiGianGiaiQuyet); v != "" {
		if r.Days, err = strconv.Atoi(v); err != nil || r.Days < 0 || r.Days > 3650 {
			fail("thời gian giải quyết (ThoiGianGiaiQuyet) %q phải là số ngày từ 0 đến 3650", clip(v))
		}
	}
	switch strings.ToLower(t(w.InLai)) {
	case "", "false", "0":
	case "true", "1":
		r.Reprint = true
	default:
		fail("InLai %q phải là true hoặc false", clip(t(w.InLai)))
	}
	if len(w.TaiLieuNop) > MaxDocuments {
		fail("%d giấy tờ, nhiều hơn %d", len(w.TaiLieuNop), MaxDocuments)
		return r, msgs
	}
	for i, wd := range w.TaiLieuNop {
		doc, m := document(wd)
		if m != "" {
			fail("giấy tờ thứ %d: %s", i+1, m)
			continue
		}
		r.Documents = append(r.Documents, doc)
	}
	return r, msgs
}

func document(w wireDocument) (Document, string) {
	name := strings.TrimSpace(string(w.TenTaiLieu))
	for _, alt := range []flex{w.TenGiayTo, w.TenTepDinhKem} {
		if name == "" {
			name = strings.TrimSpace(string(alt))
		}
	}
	switch {
	case name == "":
		return Document{}, "thiếu tên (TenTaiLieu)"
	case !utf8.ValidString(name):
		return Document{}, "tên không phải văn bản UTF-8"
	case utf8.RuneCountInString(name) > MaxDocumentText:
		return Document{}, fmt.Sprintf("tên dài hơn %d ký tự", MaxDocumentText)
	}
	d := Document{Name: name, Count: 1}
	kind, ok := kinds(strings.TrimSpace(string(w.LoaiBan)))
	if !ok {
		return Document{}, fmt.Sprintf("loại bản (LoaiBan) %q phải là bản chính (1) hoặc bản sao (2)", clip(string(w.LoaiBan)))
	}
	d.Kind = kind
	if v := strings.TrimSpace(string(w.SoLuong)); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxCount {
			return Document{}, fmt.Sprintf("số lượng (SoLuong) %q phải là số từ 1 đến %d", clip(v), MaxCount)
		}
		d.Count = n
	}
	return d, ""
}

// kinds reads LoaiBan: 1, "chinh", "Bản chính", "BC" are originals; 2,
// "sao", "Bản sao", "Bản sao chứng thực", "BS" copies.
func kinds(v string) (Kind, bool) {
	switch strings.ToLower(strings.Join(strings.Fields(v), " ")) {
	case "":
		return "", true
	case "1", "chinh", "ban chinh", "bản chính", "bc", "original":
		return Original, true
	case "2", "sao", "ban sao", "bản sao", "bản sao chứng thực", "ban sao chung thuc", "bs", "copy":
		return Copy, true
	}
	return "", false
}

// parseTime reads yyyyMMddHHmmss in Vietnam time; empty is the zero time.
func parseTime(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if len(v) != len(TimeLayout) {
		return time.Time{}, errors.New("length")
	}
	return time.ParseInLocation(TimeLayout, v, dossier.Zone())
}

// clip keeps a value quoted in a message short.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "")
	if utf8.RuneCountInString(s) > 40 {
		return string([]rune(s)[:40]) + "…"
	}
	return s
}

// jsonReason is a JSON error in Vietnamese.
func jsonReason(err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Sprintf("lỗi cú pháp JSON ở byte %d", se.Offset)
	case errors.As(err, &te):
		return fmt.Sprintf("trường %q sai kiểu", te.Field)
	}
	return "JSON không hợp lệ"
}
