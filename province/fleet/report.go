package fleet

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/province/pgstore"
)

// maxReportDays is the longest range a report covers.
const maxReportDays = 366

// reportNotes say what each figure of the province report counts, on the
// page, in the JSON and below the CSV's table. The definitions are a
// center's report's (kiosk/report), computed again by pgstore.Report.
var reportNotes = []string{
	"Số phiếu = Đã phục vụ + Vắng mặt + Đã hủy + Chưa xong (đang chờ hoặc đang ở quầy); Đang chờ là phần của Chưa xong chưa đến quầy.",
	"Mỗi nhóm cộng lại bằng dòng Tổng: theo trung tâm; theo lĩnh vực, mỗi phiếu tính ở lĩnh vực cuối cùng của nó (sau khi chuyển); theo quầy, ở quầy gọi nó lần cuối, phiếu chưa quầy nào gọi ở dòng riêng; theo giờ, theo giờ lấy số; theo ngày, theo ngày làm việc của trung tâm.",
	"Chuyển sang lĩnh vực khác: phiếu lấy ở lĩnh vực này rồi chuyển đi (tính ở lĩnh vực nhận); Chuyển từ lĩnh vực khác: phiếu nhận từ lĩnh vực khác (đã tính ở đây).",
	"Chờ: từ lúc lấy số đến lần gọi cuối, trên các phiếu đã được gọi. Phục vụ: từ lúc bắt đầu (hoặc lúc gọi) đến lúc xong, trên các phiếu đã phục vụ. Trung vị: giá trị giữa (số mẫu chẵn: trung bình hai giá trị giữa). 90%: 90% số phiếu không quá giá trị này.",
	"Số liệu là các phiếu đã về tỉnh: một trung tâm mất kết nối gửi bù khi có mạng lại.",
	"Số hẹn trực tuyến: phiếu của số đặt trước trên trang đặt số của tỉnh, nhận tại kiosk hoặc tại quầy (đã tính trong Số phiếu).",
}

// reportJSON is the report as the API gives it.
type reportJSON struct {
	pgstore.Report
	Notes []string `json:"notes"`
}

func (f *Fleet) report(c *gin.Context) {
	from, to, ok := f.reportRange(c)
	if !ok {
		return
	}
	a := c.MustGet("account").(Account)
	var centers []pgstore.Named
	if id := c.Query("center"); id != "" {
		ct, known := f.centers[id]
		if !known {
			fail(c, http.StatusNotFound, "center_not_found", "Không có trung tâm "+id+" trong tỉnh.")
			return
		}
		if !a.Sees(id) {
			fail(c, http.StatusForbidden, "forbidden", "Tài khoản này không quản lý trung tâm "+id+".")
			return
		}
		centers = []pgstore.Named{{ID: ct.ID, Name: ct.Name}}
	} else {
		for _, ct := range f.o.Centers {
			if a.Sees(ct.ID) {
				centers = append(centers, pgstore.Named{ID: ct.ID, Name: ct.Name})
			}
		}
	}
	r, err := f.o.DB.Report(c.Request.Context(), pgstore.ReportOpts{From: from, To: to, Centers: centers})
	if err != nil {
		f.internal(c, err)
		return
	}
	switch format := c.Query("format"); format {
	case "", "json":
		c.JSON(http.StatusOK, reportJSON{Report: r, Notes: reportNotes})
	case "csv":
		name := "bao-cao-tinh_" + from + "_" + to
		if len(centers) == 1 && c.Query("center") != "" {
			name = "bao-cao_" + centers[0].ID + "_" + from + "_" + to
		}
		c.Header("Content-Type", "text/csv; charset=utf-8")
		c.Header("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		c.Status(http.StatusOK)
		if err := writeReportCSV(c.Writer, r, centers); err != nil {
			f.log.Warn("province report CSV cut off", "err", err)
		}
	default:
		fail(c, http.StatusBadRequest, "invalid_format", "Định dạng phải là json hoặc csv (format=csv).")
	}
}

// reportRange reads from and to (local days, inclusive): to defaults to
// from, from to today; at most maxReportDays days.
func (f *Fleet) reportRange(c *gin.Context) (from, to string, ok bool) {
	from, to = c.Query("from"), c.Query("to")
	if from == "" {
		from = f.clk.Now().In(f.o.Location).Format(time.DateOnly)
	}
	if to == "" {
		to = from
	}
	fd, err := time.Parse(time.DateOnly, from)
	if err != nil {
		fail(c, http.StatusBadRequest, "invalid_date", "Ngày bắt đầu (from) phải có dạng YYYY-MM-DD, ví dụ 2026-11-01.")
		return "", "", false
	}
	td, err := time.Parse(time.DateOnly, to)
	if err != nil {
		fail(c, http.StatusBadRequest, "invalid_date", "Ngày kết thúc (to) phải có dạng YYYY-MM-DD, ví dụ 2026-11-30.")
		return "", "", false
	}
	if td.Before(fd) {
		fail(c, http.StatusBadRequest, "invalid_range", "Ngày kết thúc ("+to+") phải từ ngày bắt đầu ("+from+") trở đi.")
		return "", "", false
	}
	if n := int(td.Sub(fd).Hours()/24) + 1; n > maxReportDays {
		fail(c, http.StatusBadRequest, "range_too_long",
			fmt.Sprintf("Báo cáo gồm tối đa %d ngày; khoảng đã chọn có %d ngày.", maxReportDays, n))
		return "", "", false
	}
	return from, to, true
}

// reportHeader are the CSV's columns: a center's CSV's, with Đang chờ.
var reportHeader = []string{
	"Nhóm", "Mã", "Tên", "Số phiếu", "Đã phục vụ", "Vắng mặt", "Đã hủy", "Chưa xong", "Đang chờ",
	"Chờ - trung vị (giây)", "Chờ - 90% (giây)", "Phục vụ - trung vị (giây)", "Phục vụ - 90% (giây)",
	"Không hài lòng", "Hài lòng", "Rất hài lòng", "Điểm hài lòng trung bình (1-3)",
	"Chuyển sang lĩnh vực khác", "Chuyển từ lĩnh vực khác", "Số hẹn trực tuyến",
}

// notCalledName names the counters' row of the tickets no counter called,
// as a center's report does.
const notCalledName = "Chưa quầy nào gọi"

// writeReportCSV writes r as one table for Excel (UTF-8 with a BOM, CRLF):
// the total, then the rows of each group, then the notes.
func writeReportCSV(w io.Writer, r pgstore.Report, centers []pgstore.Named) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("fleet: report: %w", err)
	}
	names := map[string]string{}
	for _, c := range centers {
		names[c.ID] = c.Name
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write(reportHeader)
	cw.Write(csvLine("Tổng", r.From+" – "+r.To, "Toàn tỉnh", r.Total))
	for _, row := range r.Centers {
		cw.Write(csvLine("Trung tâm", row.Key, row.Name, row.Stats))
	}
	for _, row := range r.Fields {
		cw.Write(csvLine("Lĩnh vực", row.Key, row.Name, row.Stats))
	}
	for _, row := range r.Counters {
		cw.Write(csvLine("Quầy", row.Center+"/"+row.Key, names[row.Center]+" – Quầy "+row.Key, row.Stats))
	}
	cw.Write(csvLine("Quầy", "", notCalledName, r.NotCalled))
	for _, row := range r.Hours {
		name := row.Key + ":00–" + row.Key + ":59"
		if row.Key == "--" {
			name = "Không rõ giờ lấy số"
		}
		cw.Write(csvLine("Giờ", row.Key, name, row.Stats))
	}
	for _, row := range r.Days {
		cw.Write(csvLine("Ngày", row.Key, row.Name, row.Stats))
	}
	cw.Write(nil)
	for _, n := range reportNotes {
		cw.Write([]string{"Ghi chú", "", n})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("fleet: report: %w", err)
	}
	return nil
}

func csvLine(group, key, name string, s pgstore.Stats) []string {
	n := strconv.Itoa
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	avg := ""
	if s.RatingAverage > 0 {
		avg = strconv.FormatFloat(s.RatingAverage, 'f', 2, 64)
	}
	return []string{group, key, name, n(s.Tickets), n(s.Served), n(s.NoShows), n(s.Cancelled), n(s.Open), n(s.Waiting),
		f(s.WaitMedianS), n(s.WaitP90S), f(s.ServiceMedianS), n(s.ServiceP90S),
		n(s.Ratings[0]), n(s.Ratings[1]), n(s.Ratings[2]), avg, n(s.TransfersOut), n(s.TransfersIn), n(s.Online)}
}
