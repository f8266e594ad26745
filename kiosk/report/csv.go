package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// bom makes Excel read the file as UTF-8, so Vietnamese shows correctly.
const bom = "\ufeff"

var csvHeader = []string{
	"Nhóm", "Mã", "Tên", "Số phiếu", "Đã phục vụ", "Vắng mặt", "Đã hủy", "Chưa xong",
	"Chờ - trung vị (giây)", "Chờ - 90% (giây)", "Phục vụ - trung vị (giây)", "Phục vụ - 90% (giây)",
	"Không hài lòng", "Hài lòng", "Rất hài lòng", "Điểm hài lòng trung bình (1-3)",
}

// WriteCSV writes the report as one table: the total, then the rows of each
// group, with Vietnamese headers, UTF-8 with a BOM.
func WriteCSV(w io.Writer, r Report) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // what Excel on Windows writes and expects
	cw.Write(csvHeader)
	cw.Write(line("Tổng", r.From+" – "+r.To, "Toàn trung tâm", r.Total))
	for _, g := range []struct {
		name string
		rows []Row
	}{{"Lĩnh vực", r.Fields}, {"Quầy", r.Counters}, {"Giờ", r.Hours}, {"Ngày", r.Days}} {
		for _, row := range g.rows {
			name := row.Name
			if g.name == "Giờ" {
				name = row.Key + ":00–" + row.Key + ":59"
			}
			cw.Write(line(g.name, row.Key, name, row.Stats))
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

func line(group, key, name string, s Stats) []string {
	n := strconv.Itoa
	avg := ""
	if s.RatingAverage > 0 {
		avg = strconv.FormatFloat(s.RatingAverage, 'f', 2, 64)
	}
	return []string{group, key, name, n(s.Tickets), n(s.Served), n(s.NoShows), n(s.Cancelled), n(s.Open),
		n(s.WaitMedianS), n(s.WaitP90S), n(s.ServiceMedianS), n(s.ServiceP90S),
		n(s.Ratings[0]), n(s.Ratings[1]), n(s.Ratings[2]), avg}
}
