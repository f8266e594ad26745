package registry

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"motcua/kiosk/dossier"
)

// Format is the format of an import file.
type Format int

// The import formats; docs/dossier-import.md describes them.
const (
	FormatAuto Format = iota // JSON if the first non-space character is '[', CSV otherwise
	FormatCSV
	FormatJSON
)

// ImportResult counts what an import wrote.
type ImportResult struct {
	Created int // dossiers new to the registry
	Updated int // dossiers already known, updated
	// Changed lists the dossiers whose current status the write set or
	// moved (each new dossier, and each known one whose newest status
	// changed; a record older than the stored status is not in it), with
	// that status, in the order of the records: what a notifier tells.
	Changed []StatusChange
}

// StatusChange is a dossier's current status after a write.
type StatusChange struct {
	Code   string
	Status dossier.Status
}

// LineError is one refused record of an import file.
type LineError struct {
	Line int    // 1-based line of the file (the header is line 1 of a CSV)
	Msg  string // Vietnamese, for the person who made the file
}

func (e LineError) String() string { return fmt.Sprintf("dòng %d: %s", e.Line, e.Msg) }

// maxReportedErrors bounds how many line errors an ImportError lists.
const maxReportedErrors = 50

// ImportError lists the records an import refused; when it is returned
// nothing was written. It wraps ErrInvalid.
type ImportError struct {
	Lines []LineError // at most 50
	More  int         // refused records beyond those listed
}

func (e *ImportError) Error() string {
	parts := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		parts[i] = l.String()
	}
	msg := fmt.Sprintf("registry: tệp có %d bản ghi lỗi, chưa ghi gì: %s", len(e.Lines)+e.More, strings.Join(parts, "; "))
	if e.More > 0 {
		msg += fmt.Sprintf("; và %d lỗi khác", e.More)
	}
	return msg
}

func (e *ImportError) Unwrap() error { return ErrInvalid }

func (e *ImportError) add(line int, format string, args ...any) {
	if len(e.Lines) >= maxReportedErrors {
		e.More++
		return
	}
	e.Lines = append(e.Lines, LineError{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// record is one validated row of an import.
type record struct {
	line                       int
	code                       string
	status                     dossier.Status
	procedure, applicant, unit string
	receivedAt, dueAt, at      time.Time
}

// importColumns are the fields of a record, CSV header names and JSON keys alike.
var importColumns = []string{"code", "status", "procedure", "applicant", "received_at", "due_at", "unit", "status_at"}

// Import reads dossiers from a CSV or JSON file (docs/dossier-import.md) and
// writes them all in one transaction, or none: any refused record gives an
// *ImportError listing each refused line, and nothing is written. A dossier
// already known is updated: non-empty fields replace the stored ones, and a
// changed status or unit is appended to its history.
func (r *Registry) Import(ctx context.Context, in io.Reader, format Format) (ImportResult, error) {
	br := bufio.NewReader(in)
	if format == FormatAuto {
		format = FormatCSV
		if first, err := firstNonSpace(br); err == nil && first == '[' {
			format = FormatJSON
		}
	}
	var recs []record
	var err error
	switch format {
	case FormatCSV:
		recs, err = r.readCSV(br)
	case FormatJSON:
		recs, err = r.readJSON(br)
	default:
		return ImportResult{}, fmt.Errorf("registry: định dạng nhập %d không được hỗ trợ: %w", format, ErrInvalid)
	}
	if err != nil {
		return ImportResult{}, err
	}
	return r.write(ctx, recs)
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for n := 1; n <= 4096; n++ {
		b, err := br.Peek(n)
		if len(b) < n {
			return 0, err
		}
		c := b[n-1]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0xEF || c == 0xBB || c == 0xBF {
			continue
		}
		return c, nil
	}
	return 0, io.EOF
}

func (r *Registry) readCSV(br *bufio.Reader) ([]record, error) {
	// Spreadsheets in Vietnam often save with ';' and a UTF-8 byte order mark.
	if b, _ := br.Peek(3); bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	if head, _ := br.Peek(4096); len(head) > 0 {
		firstLine, _, _ := bytes.Cut(head, []byte("\n"))
		if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
			cr.Comma = ';'
		}
	}
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Lines: []LineError{{Line: 1, Msg: "tệp trống, thiếu dòng tiêu đề"}}}
	}
	if err != nil {
		return nil, &ImportError{Lines: []LineError{{Line: 1, Msg: "dòng tiêu đề không đọc được: " + csvReason(err)}}}
	}
	trimAll(header)
	col := map[string]int{}
	ierr := &ImportError{}
	for i, h := range header {
		h = strings.ToLower(h)
		if !knownColumn(h) {
			ierr.add(1, "cột %q không được hỗ trợ (các cột: %s)", h, strings.Join(importColumns, ", "))
			continue
		}
		if _, dup := col[h]; dup {
			ierr.add(1, "cột %q xuất hiện hai lần", h)
		}
		col[h] = i
	}
	for _, need := range []string{"code", "status"} {
		if _, ok := col[need]; !ok {
			ierr.add(1, "thiếu cột bắt buộc %q", need)
		}
	}
	if len(ierr.Lines) > 0 {
		return nil, ierr
	}
	var recs []record
	seen := map[string]int{}
	for {
		fields, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			ierr.add(line, "%s", csvReason(err))
			if pe == nil || !errors.Is(pe.Err, csv.ErrFieldCount) {
				break // the reader cannot resynchronise after a quoting error
			}
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(recs)+len(ierr.Lines)+ierr.More >= r.maxRows {
			ierr.add(line, "tệp quá lớn: tối đa %d bản ghi mỗi lần nhập", r.maxRows)
			break
		}
		trimAll(fields)
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return fields[i]
			}
			return ""
		}
		raw := rawRecord{code: get("code"), status: get("status"), procedure: get("procedure"),
			applicant: get("applicant"), receivedAt: get("received_at"), dueAt: get("due_at"),
			unit: get("unit"), statusAt: get("status_at")}
		if rec, ok := r.validate(line, raw, seen, ierr); ok {
			recs = append(recs, rec)
		}
	}
	if len(ierr.Lines) > 0 {
		return nil, ierr
	}
	return recs, nil
}

func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe.Err, csv.ErrFieldCount):
			return "số cột khác dòng tiêu đề"
		case errors.Is(pe.Err, csv.ErrQuote), errors.Is(pe.Err, csv.ErrBareQuote):
			return "dấu ngoặc kép không đúng chỗ"
		}
	}
	return "không đọc được dòng CSV"
}

func knownColumn(h string) bool {
	for _, c := range importColumns {
		if c == h {
			return true
		}
	}
	return false
}

// jsonRecord is one object of a JSON import file.
type jsonRecord struct {
	Code       string          `json:"code"`
	Status     json.RawMessage `json:"status"`
	Procedure  string          `json:"procedure"`
	Applicant  string          `json:"applicant"`
	ReceivedAt string          `json:"received_at"`
	DueAt      string          `json:"due_at"`
	Unit       string          `json:"unit"`
	StatusAt   string          `json:"status_at"`
}

func (r *Registry) readJSON(br *bufio.Reader) ([]record, error) {
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("registry: đọc tệp nhập: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	lineAt := func(off int64) int {
		if off > int64(len(data)) {
			off = int64(len(data))
		}
		return 1 + bytes.Count(data[:off], []byte("\n"))
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	ierr := &ImportError{}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		ierr.add(lineAt(dec.InputOffset()), "tệp JSON phải là một mảng các bản ghi [ {…}, … ]")
		return nil, ierr
	}
	var recs []record
	seen := map[string]int{}
	for dec.More() {
		// Skip the separators so the line is the one the object starts on.
		off := dec.InputOffset()
		for off < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[off]) >= 0 {
			off++
		}
		line := lineAt(off)
		if len(recs)+len(ierr.Lines)+ierr.More >= r.maxRows {
			ierr.add(line, "tệp quá lớn: tối đa %d bản ghi mỗi lần nhập", r.maxRows)
			break
		}
		var jr jsonRecord
		if err := dec.Decode(&jr); err != nil {
			var ute *json.UnmarshalTypeError
			var se *json.SyntaxError
			switch {
			case errors.As(err, &ute):
				ierr.add(line, "trường %q sai kiểu dữ liệu", ute.Field)
				continue
			case errors.As(err, &se):
				ierr.add(lineAt(se.Offset), "JSON sai cú pháp")
			case strings.HasPrefix(err.Error(), "json: unknown field"):
				ierr.add(line, "trường %s không được hỗ trợ (các trường: %s)",
					strings.TrimPrefix(err.Error(), "json: unknown field "), strings.Join(importColumns, ", "))
				continue
			default:
				ierr.add(line, "bản ghi JSON không đọc được")
			}
			break
		}
		status := strings.Trim(string(jr.Status), `" `)
		raw := rawRecord{code: jr.Code, status: status, procedure: jr.Procedure, applicant: jr.Applicant,
			receivedAt: jr.ReceivedAt, dueAt: jr.DueAt, unit: jr.Unit, statusAt: jr.StatusAt}
		if rec, ok := r.validate(line, raw, seen, ierr); ok {
			recs = append(recs, rec)
		}
	}
	if len(ierr.Lines) == 0 {
		if _, err := dec.Token(); err != nil {
			ierr.add(lineAt(dec.InputOffset()), "tệp JSON bị cắt cụt: thiếu dấu ]")
		}
	}
	if len(ierr.Lines) > 0 {
		return nil, ierr
	}
	return recs, nil
}

type rawRecord struct {
	code, status, procedure, applicant, receivedAt, dueAt, unit, statusAt string
}

func (r *Registry) validate(line int, raw rawRecord, seen map[string]int, ierr *ImportError) (record, bool) {
	rec := record{line: line, procedure: strings.TrimSpace(raw.procedure),
		applicant: strings.TrimSpace(raw.applicant), unit: strings.TrimSpace(raw.unit)}
	ok := true
	fail := func(format string, args ...any) {
		ierr.add(line, format, args...)
		ok = false
	}
	rec.code = dossier.NormalizeCode(raw.code)
	switch {
	case rec.code == "":
		fail("thiếu mã hồ sơ (code)")
	case !r.matches(rec.code):
		fail("mã hồ sơ %q không đúng mẫu", rec.code)
	default:
		if prev, dup := seen[rec.code]; dup {
			fail("mã hồ sơ %s trùng với dòng %d", rec.code, prev)
		}
		seen[rec.code] = line
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw.status))
	if rec.status = dossier.Status(n); err != nil || !rec.status.Valid() {
		fail("trạng thái %q phải là số từ 1 đến 10", raw.status)
	}
	for _, f := range []struct {
		name, val string
		dst       *time.Time
		endOfDay  bool
	}{
		{"received_at", raw.receivedAt, &rec.receivedAt, false},
		{"due_at", raw.dueAt, &rec.dueAt, true},
		{"status_at", raw.statusAt, &rec.at, false},
	} {
		t, err := ParseTime(f.val, f.endOfDay)
		if err != nil {
			fail("%s: %v", f.name, err)
		}
		*f.dst = t
	}
	return rec, ok
}

// timeLayouts are the accepted import time formats; without a zone they are
// Vietnam time (UTC+07:00).
var timeLayouts = []string{
	time.RFC3339,
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04",
	"20060102150405",
	"02/01/2006 15:04:05",
	"02/01/2006 15:04",
}

// dateLayouts are the date-only formats.
var dateLayouts = []string{"2006-01-02", "02/01/2006"}

// ParseTime reads a time of an import file: RFC 3339, "2006-01-02 15:04[:05]",
// "20060102150405" (national portal), "02/01/2006 15:04[:05]" in Vietnam
// time, or a date alone ("2006-01-02", "02/01/2006"), which means the start
// of that day, or its last second when endOfDay is set (a due date). Empty
// gives the zero time.
func ParseTime(s string, endOfDay bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	zone := dossier.Zone()
	for _, l := range timeLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			return t, nil
		}
	}
	for _, l := range dateLayouts {
		if t, err := time.ParseInLocation(l, s, zone); err == nil {
			if endOfDay {
				t = t.Add(24*time.Hour - time.Second)
			}
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("thời gian %q không đúng định dạng (ví dụ 2024-05-10 14:30 hoặc 10/05/2024)", s)
}

// write stores validated records in one transaction.
func (r *Registry) write(ctx context.Context, recs []record) (ImportResult, error) {
	var res ImportResult
	now := r.now()
	tx, err := r.db.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("registry: nhập dữ liệu: %w", err)
	}
	defer tx.Rollback()
	for _, rec := range recs {
		at := rec.at
		if at.IsZero() {
			at = now
		}
		var status dossier.Status
		var unit string
		var statusAt int64
		err := tx.QueryRowContext(ctx, `SELECT status, unit, status_at FROM dossiers WHERE code = ?`, rec.code).Scan(&status, &unit, &statusAt)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res.Created++
			res.Changed = append(res.Changed, StatusChange{Code: rec.code, Status: rec.status})
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossiers
				(code, status, procedure, applicant, received_at, due_at, unit, status_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				rec.code, rec.status, rec.procedure, rec.applicant, millis(rec.receivedAt), millis(rec.dueAt),
				rec.unit, at.UnixMilli(), now.UnixMilli()); err != nil {
				return ImportResult{}, fmt.Errorf("registry: nhập dòng %d (%s): %w", rec.line, rec.code, err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_history (code, at, status, unit) VALUES (?, ?, ?, ?)`,
				rec.code, at.UnixMilli(), rec.status, rec.unit); err != nil {
				return ImportResult{}, fmt.Errorf("registry: nhập dòng %d (%s): %w", rec.line, rec.code, err)
			}
			continue
		case err != nil:
			return ImportResult{}, fmt.Errorf("registry: nhập dòng %d (%s): %w", rec.line, rec.code, err)
		}
		res.Updated++
		if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET
			procedure = CASE WHEN ? = '' THEN procedure ELSE ? END,
			applicant = CASE WHEN ? = '' THEN applicant ELSE ? END,
			received_at = COALESCE(?, received_at), due_at = COALESCE(?, due_at), updated_at = ?
			WHERE code = ?`,
			rec.procedure, rec.procedure, rec.applicant, rec.applicant, millis(rec.receivedAt), millis(rec.dueAt),
			now.UnixMilli(), rec.code); err != nil {
			return ImportResult{}, fmt.Errorf("registry: nhập dòng %d (%s): %w", rec.line, rec.code, err)
		}
		if rec.status != status || (rec.unit != "" && rec.unit != unit) {
			if err := applyStatus(ctx, tx, rec.code, rec.status, rec.unit, at, now); err != nil {
				return ImportResult{}, fmt.Errorf("registry: nhập dòng %d: %w", rec.line, err)
			}
			if rec.status != status && at.UnixMilli() >= statusAt {
				res.Changed = append(res.Changed, StatusChange{Code: rec.code, Status: rec.status})
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return ImportResult{}, fmt.Errorf("registry: nhập dữ liệu: %w", err)
	}
	r.log.Info("registry: đã nhập hồ sơ", "created", res.Created, "updated", res.Updated)
	return res, nil
}
