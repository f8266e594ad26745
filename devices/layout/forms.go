package layout

import (
	"fmt"
	"strings"
	"time"

	"motcua/devices/escpos"
)

// The other slips a counter hands out besides form 01.
const (
	FormSupplement = "02" // Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
	FormRefusal    = "03" // Phiếu từ chối tiếp nhận giải quyết hồ sơ
)

// Titles of forms 02 and 03.
const (
	SupplementTitle = "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"
	RefusalTitle    = "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"
)

// NoticeJob is form 02 (what the applicant must add or correct) or form 03
// (why the dossier is refused), each with the dossier code's barcode.
type NoticeJob struct {
	// Form is FormSupplement or FormRefusal.
	Form        string    `json:"form"`
	DossierCode string    `json:"dossier_code"`
	Procedure   string    `json:"procedure"`
	Applicant   Applicant `json:"applicant"`
	// At is the date of the slip; zero: ReceivedAt.
	At         time.Time `json:"at"`
	ReceivedAt time.Time `json:"received_at"`
	// Items are what to add or correct (02) or the reasons of the refusal (03).
	Items []string `json:"items"`
	// Reason explains a form-02 request (optional).
	Reason string `json:"reason,omitempty"`
	// Contact is whom to ask while completing the dossier (02, optional):
	// "bà Lê Thị Mai, số điện thoại 028 3829 1234".
	Contact  string `json:"contact,omitempty"`
	Receiver string `json:"receiver"`
	// Copies is 1 or 2 ("Liên 1: Lưu" then "Liên 2: Giao người nộp").
	Copies int    `json:"copies"`
	Agency string `json:"agency"`
	Office string `json:"office,omitempty"`
	Place  string `json:"place"`
	// Heading replaces the heading lines as in ReceiptLayout.Heading.
	Heading []string `json:"heading,omitempty"`
	// LookupURL (signed by the caller), encoded in a QR code when set.
	LookupURL string `json:"lookup_url,omitempty"`
}

// Title is the form's title.
func (j NoticeJob) Title() string {
	if j.Form == FormRefusal {
		return RefusalTitle
	}
	return SupplementTitle
}

func (j NoticeJob) check() error {
	if j.Form != FormSupplement && j.Form != FormRefusal {
		return fmt.Errorf("layout: form %q (want %s or %s)", j.Form, FormSupplement, FormRefusal)
	}
	r := ReceiptJob{DossierCode: j.DossierCode, Copies: j.Copies, LookupURL: j.LookupURL, Documents: j.Items}
	if err := r.check(); err != nil {
		return fmt.Errorf("layout: form %s: %w", j.Form, err)
	}
	if len(j.Items) == 0 {
		return fmt.Errorf("layout: form %s %s: no items", j.Form, j.DossierCode)
	}
	if len(j.Heading) > 6 {
		return fmt.Errorf("layout: form %s: %d heading lines (at most 6)", j.Form, len(j.Heading))
	}
	return nil
}

// Notice renders form 02 or 03, once or twice with the copy labels.
func (r *Renderer) Notice(j NoticeJob, o Opts) (*Output, error) {
	o, err := o.check()
	if err != nil {
		return nil, err
	}
	if err := j.check(); err != nil {
		return nil, err
	}
	j.DossierCode = strings.TrimSpace(j.DossierCode)
	return r.copies(j.Copies, o, func(p *page, label string) error { return r.noticeCopy(p, j, label, o) })
}

func (r *Renderer) noticeCopy(p *page, j NoticeJob, label string, o Opts) error {
	w := o.Width
	office := j.Office
	if office == "" {
		office = ReceiptOffice
	}
	heading := j.Heading
	if heading == nil {
		heading = DefaultReceiptLayout().Heading
	}
	at := j.At
	if at.IsZero() {
		at = j.ReceivedAt
	}
	if err := r.head(p, formHead{heading: headingLines(heading, j.Agency, office), place: j.Place, date: at.In(o.Location),
		title: j.Title(), code: j.DossierCode, label: label, rasterCodes: o.RasterCodes, width: w}); err != nil {
		return err
	}
	const hang = 16
	for _, l := range noticeLines(j, office, o.Location) {
		if l.indent {
			if err := r.textAt(p, w, 20, l.st, escpos.Left, l.text, 26); err != nil {
				return err
			}
			continue
		}
		if err := r.paras(p, w, para{l.st, escpos.Left, l.text, hang}); err != nil {
			return err
		}
	}
	if err := r.lookupQR(p, w, j.LookupURL, o); err != nil {
		return err
	}
	right := "NGƯỜI HƯỚNG DẪN"
	if j.Form == FormRefusal {
		right = "NGƯỜI TIẾP NHẬN HỒ SƠ"
	}
	return r.signatures(p, w, "NGƯỜI NỘP HỒ SƠ", right, j.Applicant.Name, j.Receiver)
}

// noticeLine is one line of a form 02 or 03 body; indent marks the items.
type noticeLine struct {
	st     style
	text   string
	indent bool
}

// noticeLines are the body of form 02 or 03, as Thông tư 01/2018/TT-VPCP
// words them (kept by Thông tư 03/2025/TT-VPCP).
func noticeLines(j NoticeJob, office string, loc *time.Location) []noticeLine {
	office = sentenceCase(office)
	out := []noticeLine{
		{st: stBody, text: office + " đã tiếp nhận hồ sơ của: " + j.Applicant.Name},
	}
	if a := strings.TrimSpace(j.Applicant.Address); a != "" {
		out = append(out, noticeLine{st: stBody, text: "Địa chỉ: " + a})
	}
	if ph := strings.TrimSpace(j.Applicant.Phone); ph != "" {
		out = append(out, noticeLine{st: stBody, text: "Số điện thoại: " + ph})
	}
	out = append(out, noticeLine{st: stBody, text: "Nội dung yêu cầu giải quyết: " + j.Procedure})
	if !j.ReceivedAt.IsZero() {
		out = append(out, noticeLine{st: stBody, text: "Thời gian nhận hồ sơ: " + LongDate(j.ReceivedAt.In(loc))})
	}
	if j.Form == FormRefusal {
		out = append(out, noticeLine{st: stBold, text: "Qua xem xét, " + office +
			" thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:"})
	} else {
		out = append(out, noticeLine{st: stBold, text: "Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"})
	}
	for i, it := range j.Items {
		out = append(out, noticeLine{st: stBody, text: fmt.Sprintf("%d) %s", i+1, it), indent: true})
	}
	if j.Form == FormRefusal {
		return append(out, noticeLine{st: stBody, text: "Xin thông báo để ông/bà được biết và thực hiện./."})
	}
	if reason := strings.TrimSpace(j.Reason); reason != "" {
		out = append(out, noticeLine{st: stBody, text: "Lý do: " + reason})
	}
	if c := strings.TrimSpace(j.Contact); c != "" {
		out = append(out, noticeLine{st: stBody, text: "Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ " + c + " để được hướng dẫn."})
	}
	return out
}

// sentenceCase writes an office's name in capitals ("BỘ PHẬN TIẾP NHẬN VÀ
// TRẢ KẾT QUẢ") as it reads inside a sentence ("Bộ phận tiếp nhận và trả
// kết quả").
func sentenceCase(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) == 0 {
		return ""
	}
	return strings.ToUpper(string(r[0])) + strings.ToLower(string(r[1:]))
}
