package ratings

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ExportOpts says who the export is from.
type ExportOpts struct {
	// Unit is the center's name (Đơn vị), AgencyCode its code (Mã đơn vị).
	Unit, AgencyCode string
	// Names maps usernames to officers' names; Counters counter ids to names.
	Names, Counters map[string]string
	// Location is the zone the times are written in (Vietnam).
	Location *time.Location
}

// exportHeader are the columns of the export, in Vietnamese as the
// province's sheet names them.
func exportHeader() []string {
	return []string{"Mã đơn vị", "Đơn vị", "Ngày", "Thời điểm đánh giá", "Số phiếu", "Quầy", "Tài khoản cán bộ",
		"Cán bộ", "Mã hồ sơ", "Loại giao dịch", "Mức đánh giá", "Điểm", "Đã gửi hệ thống một cửa"}
}

// WriteExport writes every rating with its dossier for the province's
// indicators under Quyết định 766/QĐ-TTg (the "mức độ hài lòng" of the
// citizens, by officer and dossier): one row per rating and dossier (a
// visit with two dossiers gives two rows with the same rating; one with
// none a row without a code), UTF-8 with a byte order mark and CRLF so
// Excel opens it; times as dd/MM/yyyy HH:mm:ss in Vietnam time; "Điểm" is
// the rating 1–3 beside its label.
func WriteExport(w io.Writer, list []Rated, o ExportOpts) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("ratings: export: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(exportHeader()); err != nil {
		return fmt.Errorf("ratings: export: %w", err)
	}
	loc := o.Location
	if loc == nil {
		loc = time.FixedZone("ICT", 7*3600)
	}
	for _, r := range list {
		codes, kinds := r.Codes, r.Kinds
		if len(codes) == 0 {
			codes, kinds = []string{""}, []string{""}
		}
		pushed := "Chưa"
		if !r.PushedAt.IsZero() {
			pushed = "Đã gửi"
		}
		for i, code := range codes {
			row := []string{o.AgencyCode, o.Unit, r.Day, r.At.In(loc).Format("02/01/2006 15:04:05"), r.Number,
				nameOr(o.Counters, r.Counter), r.Clerk, nameOr(o.Names, r.Clerk), code, kindLabel(kinds[i]),
				Label(r.Value), strconv.Itoa(r.Value), pushed}
			for k := range row {
				row[k] = safeCell(row[k])
			}
			if err := cw.Write(row); err != nil {
				return fmt.Errorf("ratings: export: %w", err)
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("ratings: export: %w", err)
	}
	return nil
}

func kindLabel(k string) string {
	switch k {
	case HandedIn:
		return "Nộp hồ sơ"
	case Collected:
		return "Nhận kết quả"
	}
	return ""
}

func nameOr(names map[string]string, key string) string {
	if n := names[key]; n != "" {
		return n
	}
	return key
}

// safeCell keeps a cell from being read as a formula by a spreadsheet.
func safeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
