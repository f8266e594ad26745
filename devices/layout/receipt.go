package layout

import (
	"fmt"
	"strings"
	"time"

	"motcua/devices/escpos"
)

// Applicant is who handed the dossier in.
type Applicant struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
	Email   string `json:"email"`
}

// ReceiptJob is a form-01 receipt ("Giấy tiếp nhận hồ sơ và hẹn trả kết
// quả"). The JSON is the receipt job of POST /api/v1/receipts plus the
// agency, the place and the already-signed lookup URL.
type ReceiptJob struct {
	DossierCode    string    `json:"dossier_code"`
	Procedure      string    `json:"procedure"`
	Applicant      Applicant `json:"applicant"`
	Documents      []string  `json:"documents"`
	Sets           int       `json:"sets"`
	ProcessingDays int       `json:"processing_days"`
	ReceivedAt     time.Time `json:"received_at"`
	DueAt          time.Time `json:"due_at"`
	ReturnPlace    string    `json:"return_place"`
	Fee            string    `json:"fee"`
	Receiver       string    `json:"receiver"`
	Printer        string    `json:"printer,omitempty"`
	// Copies is 1 (the applicant's copy) or 2 ("Liên 1: Lưu" then
	// "Liên 2: Giao người nộp"); 0 means 1.
	Copies int `json:"copies"`

	// Agency is the issuing body, e.g. "UBND QUẬN 1".
	Agency string `json:"agency"`
	// Office defaults to "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ".
	Office string `json:"office,omitempty"`
	// Place is printed before the date: "{Place}, ngày dd tháng MM năm yyyy".
	Place string `json:"place"`
	// LookupURL (signed by the caller) is encoded in the QR code.
	LookupURL string `json:"lookup_url"`
}

// Fixed texts of form 01.
const (
	ReceiptTitle   = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
	ReceiptOffice  = "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
	NationalMotto1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
	NationalMotto2 = "Độc lập - Tự do - Hạnh phúc"
	CopyArchive    = "Liên 1: Lưu"
	CopyApplicant  = "Liên 2: Giao người nộp"
)

// LongDate formats t as "HH giờ mm phút, ngày dd tháng MM năm yyyy".
func LongDate(t time.Time) string {
	return fmt.Sprintf("%02d giờ %02d phút, ngày %02d tháng %02d năm %d", t.Hour(), t.Minute(), t.Day(), int(t.Month()), t.Year())
}

func (j ReceiptJob) check() error {
	code := strings.TrimSpace(j.DossierCode)
	if code == "" || len(code) > 40 {
		return fmt.Errorf("layout: receipt: dossier code %q (1..40 characters)", j.DossierCode)
	}
	if _, err := escpos.Code128Payload(code); err != nil {
		return fmt.Errorf("layout: receipt: dossier code %q: %w", j.DossierCode, err)
	}
	if j.Copies < 0 || j.Copies > 2 {
		return fmt.Errorf("layout: receipt %s: %d copies (1 or 2)", code, j.Copies)
	}
	if len(j.LookupURL) > 1000 {
		return fmt.Errorf("layout: receipt %s: lookup URL longer than 1000 bytes", code)
	}
	if len(j.Documents) > 100 {
		return fmt.Errorf("layout: receipt %s: %d documents (at most 100)", code, len(j.Documents))
	}
	return nil
}

// Receipt renders form 01, once or twice with the copy labels.
func (r *Renderer) Receipt(j ReceiptJob, o Opts) (*Output, error) {
	o, err := o.check()
	if err != nil {
		return nil, err
	}
	if err := j.check(); err != nil {
		return nil, err
	}
	j.DossierCode = strings.TrimSpace(j.DossierCode)
	labels := []string{CopyApplicant}
	if j.Copies == 2 {
		labels = []string{CopyArchive, CopyApplicant}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &page{}
	for _, label := range labels {
		if err := r.receiptCopy(p, j, label, o); err != nil {
			return nil, err
		}
	}
	return p.render(o)
}

func (r *Renderer) receiptCopy(p *page, j ReceiptJob, label string, o Opts) error {
	w := o.Width
	loc := o.Location
	office := j.Office
	if office == "" {
		office = ReceiptOffice
	}
	type para struct {
		st    style
		align escpos.Align
		text  string
		hang  int
	}
	run := func(ps ...para) error {
		for _, pa := range ps {
			if strings.TrimSpace(pa.text) == "" {
				continue
			}
			if err := r.text(p, w, pa.st, pa.align, pa.text, pa.hang); err != nil {
				return err
			}
		}
		return nil
	}
	p.add(feedBlock(8))
	if err := run(
		para{stBold, escpos.Center, strings.ToUpper(clean(j.Agency)), 0},
		para{stBold, escpos.Center, office, 0},
	); err != nil {
		return err
	}
	if err := rule(p, w/4, 1); err != nil {
		return err
	}
	if err := run(
		para{stBold, escpos.Center, NationalMotto1, 0},
		para{stBold, escpos.Center, NationalMotto2, 0},
	); err != nil {
		return err
	}
	if err := rule(p, w/3, 1); err != nil {
		return err
	}
	recv := j.ReceivedAt.In(loc)
	place := strings.TrimSpace(j.Place)
	if place != "" {
		place += ", "
	}
	if err := run(
		para{stBodySmall, escpos.Center, fmt.Sprintf("%sngày %02d tháng %02d năm %d", place, recv.Day(), int(recv.Month()), recv.Year()), 0},
	); err != nil {
		return err
	}
	p.add(feedBlock(8))
	if err := run(
		para{stHeading, escpos.Center, ReceiptTitle, 0},
		para{stBold, escpos.Center, "Mã hồ sơ: " + j.DossierCode, 0},
	); err != nil {
		return err
	}
	bc, err := r.code128Block(j.DossierCode, escpos.BarcodeOpts{Height: 64, ModuleWidth: code128Module, HRI: escpos.HRIBelow}, w, o.RasterCodes)
	if err != nil {
		return err
	}
	p.add(feedBlock(4), bc)
	if err := run(para{stBodySmall, escpos.Right, "(" + label + ")", 0}); err != nil {
		return err
	}
	p.add(feedBlock(6))
	hang := 16
	ps := []para{
		{stBody, escpos.Left, "Tiếp nhận hồ sơ của: " + j.Applicant.Name, hang},
		{stBody, escpos.Left, "Địa chỉ: " + j.Applicant.Address, hang},
		{stBody, escpos.Left, "Số điện thoại: " + j.Applicant.Phone, hang},
		{stBody, escpos.Left, "Email: " + j.Applicant.Email, hang},
		{stBody, escpos.Left, "Nội dung yêu cầu giải quyết: " + j.Procedure, hang},
		{stBold, escpos.Left, "1. Thành phần hồ sơ nộp gồm:", hang},
	}
	if err := run(ps...); err != nil {
		return err
	}
	for i, d := range j.Documents {
		if err := r.textAt(p, w, 20, stBody, escpos.Left, fmt.Sprintf("%d) %s", i+1, d), 26); err != nil {
			return err
		}
	}
	sets := max(j.Sets, 1)
	ps = append(ps[:0],
		para{stBody, escpos.Left, fmt.Sprintf("2. Số lượng hồ sơ: %02d bộ", sets), hang},
		para{stBody, escpos.Left, fmt.Sprintf("3. Thời gian giải quyết theo quy định: %d ngày làm việc", j.ProcessingDays), hang},
		para{stBody, escpos.Left, "4. Thời gian nhận hồ sơ: " + LongDate(recv), hang},
		para{stBold, escpos.Left, "5. Thời gian trả kết quả: " + LongDate(j.DueAt.In(loc)), hang},
		para{stBody, escpos.Left, "6. Đăng ký nhận kết quả tại: " + j.ReturnPlace, hang},
	)
	if strings.TrimSpace(j.Fee) != "" {
		ps = append(ps, para{stBody, escpos.Left, "Phí, lệ phí: " + j.Fee, hang})
	}
	if err := run(ps...); err != nil {
		return err
	}
	if j.LookupURL != "" {
		module := 4
		qr, err := r.qrBlock(j.LookupURL, escpos.QROpts{ModuleSize: module, Level: escpos.QRLevelM}, o.rasterQR())
		if err != nil {
			return err
		}
		p.add(qr)
		if err := run(para{stSmall, escpos.Center, "Quét mã để tra cứu tình trạng hồ sơ", 0}); err != nil {
			return err
		}
	}
	p.add(feedBlock(14))
	if err := r.columns(p, w, stSmallBold, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ"); err != nil {
		return err
	}
	if err := r.columns(p, w, stTiny, "(Ký và ghi rõ họ tên)", "(Ký và ghi rõ họ tên)"); err != nil {
		return err
	}
	p.add(feedBlock(96))
	if err := r.columns(p, w, stSmallBold, j.Applicant.Name, j.Receiver); err != nil {
		return err
	}
	p.add(cutBlock{})
	return nil
}
