package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
)

// NotCalledName names the counters' row of the tickets no counter called.
const NotCalledName = "Chưa quầy nào gọi"

// bom makes Excel read the file as UTF-8, so Vietnamese shows correctly.
const bom = "\ufeff"

var csvHeader = []string{
	"Nhóm", "Mã", "Tên", "Số phiếu", "Đã phục vụ", "Vắng mặt", "Đã hủy", "Chưa xong", "Số hẹn trực tuyến",
	"Chờ - trung vị (giây)", "Chờ - 90% (giây)", "Phục vụ - trung vị (giây)", "Phục vụ - 90% (giây)",
	"Không hài lòng", "Hài lòng", "Rất hài lòng", "Điểm hài lòng trung bình (1-3)",
	"Chuyển sang lĩnh vực khác", "Chuyển từ lĩnh vực khác",
}

// csvNotes say, below the table, what each figure counts.
var csvNotes = []string{
	"Số phiếu = Đã phục vụ + Vắng mặt + Đã hủy + Chưa xong (đang chờ hoặc đang ở quầy).",
	"Mỗi nhóm cộng lại bằng dòng Tổng: theo lĩnh vực, mỗi phiếu tính ở lĩnh vực cuối cùng của nó (sau khi chuyển); theo quầy, ở quầy gọi nó lần cuối, phiếu chưa quầy nào gọi ở dòng riêng; theo giờ và theo ngày, theo lúc lấy số.",
	"Chuyển sang lĩnh vực khác: phiếu lấy ở lĩnh vực này rồi chuyển đi (tính ở lĩnh vực nhận); Chuyển từ lĩnh vực khác: phiếu nhận từ lĩnh vực khác (đã tính ở đây).",
	"Số hẹn trực tuyến: phiếu của số đặt trước trên trang đặt số của tỉnh, nhận tại kiosk hoặc tại quầy (đã tính trong Số phiếu).",
	"Chờ: từ lúc lấy số đến lần gọi cuối, trên các phiếu đã được gọi. Phục vụ: từ lúc bắt đầu (hoặc lúc gọi) đến lúc xong, trên các phiếu đã phục vụ. Trung vị: giá trị giữa (số mẫu chẵn: trung bình hai giá trị giữa). 90%: 90% số phiếu không quá giá trị này.",
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
			l := line(g.name, row.Key, name, row.Stats)
			if g.name != "Lĩnh vực" { // a move is between fields
				l = l[:len(l)-2]
			}
			cw.Write(l)
		}
		if g.name == "Quầy" {
			l := line(g.name, "", NotCalledName, r.NotCalled)
			cw.Write(l[:len(l)-2])
		}
	}
	cw.Write(nil)
	for _, n := range csvNotes {
		cw.Write([]string{"Ghi chú", "", n})
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
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return []string{group, key, name, n(s.Tickets), n(s.Served), n(s.NoShows), n(s.Cancelled), n(s.Open), n(s.Online),
		f(s.WaitMedianS), n(s.WaitP90S), f(s.ServiceMedianS), n(s.ServiceP90S),
		n(s.Ratings[0]), n(s.Ratings[1]), n(s.Ratings[2]), avg, n(s.TransfersOut), n(s.TransfersIn)}
}
