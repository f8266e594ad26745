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
	DossierCode string    `json:"dossier_code"`
	Procedure   string    `json:"procedure"`
	Applicant   Applicant `json:"applicant"`
	// IDNumber is the applicant's CCCD or tax number (MST), for layouts
	// with the id_number line.
	IDNumber  string   `json:"id_number,omitempty"`
	Documents []string `json:"documents"`
	// DocumentRows, when set, are the documents with their kind and count
	// (printed instead of Documents).
	DocumentRows   []Document `json:"document_rows,omitempty"`
	Sets           int        `json:"sets"`
	ProcessingDays int        `json:"processing_days"`
	ReceivedAt     time.Time  `json:"received_at"`
	DueAt          time.Time  `json:"due_at"`
	ReturnPlace    string     `json:"return_place"`
	Fee            string     `json:"fee"`
	Receiver       string     `json:"receiver"`
	Printer        string     `json:"printer,omitempty"`
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
	// Layout is the center's receipt layout; nil: DefaultReceiptLayout.
	Layout *ReceiptLayout `json:"layout,omitempty"`
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
	if len(j.Documents) > 100 || len(j.DocumentRows) > 100 {
		return fmt.Errorf("layout: receipt %s: %d documents (at most 100)", code, max(len(j.Documents), len(j.DocumentRows)))
	}
	for _, d := range j.DocumentRows {
		if d.Count < 0 || d.Count > 999 || (d.Kind != "" && KindLabel(d.Kind) == "") {
			return fmt.Errorf("layout: receipt %s: document %q: kind %q, count %d", code, d.Name, d.Kind, d.Count)
		}
	}
	if j.Layout != nil {
		if err := j.Layout.Check(); err != nil {
			return err
		}
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
	return r.copies(j.Copies, o, func(p *page, label string) error { return r.receiptCopy(p, j, label, o) })
}

// copies renders a form once, or twice (copies 2) with the copy labels,
// archive first, each copy drawn by draw on one page.
func (r *Renderer) copies(copies int, o Opts, draw func(p *page, label string) error) (*Output, error) {
	labels := []string{CopyApplicant}
	if copies == 2 {
		labels = []string{CopyArchive, CopyApplicant}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	p := &page{}
	for _, label := range labels {
		if err := draw(p, label); err != nil {
			return nil, err
		}
	}
	return p.render(o)
}

// para is a paragraph of a printed form.
type para struct {
	st    style
	align escpos.Align
	text  string
	hang  int
}

// paras adds paragraphs, skipping blank ones.
func (r *Renderer) paras(p *page, w int, ps ...para) error {
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

// formHead is the top every form shares: the heading lines, the national
// motto, place and date, the title, "Mã hồ sơ" with its barcode and the
// copy label.
type formHead struct {
	heading     []string // already with the agency and office in
	place       string
	date        time.Time
	title, code string
	label       string
	rasterCodes bool
	width       int
}

func (r *Renderer) head(p *page, h formHead) error {
	w := h.width
	p.add(feedBlock(8))
	for _, line := range h.heading {
		if err := r.paras(p, w, para{stBold, escpos.Center, line, 0}); err != nil {
			return err
		}
	}
	if err := rule(p, w/4, 1); err != nil {
		return err
	}
	if err := r.paras(p, w,
		para{stBold, escpos.Center, NationalMotto1, 0},
		para{stBold, escpos.Center, NationalMotto2, 0},
	); err != nil {
		return err
	}
	if err := rule(p, w/3, 1); err != nil {
		return err
	}
	place := strings.TrimSpace(h.place)
	if place != "" {
		place += ", "
	}
	if err := r.paras(p, w,
		para{stBodySmall, escpos.Center, fmt.Sprintf("%sngày %02d tháng %02d năm %d", place, h.date.Day(), int(h.date.Month()), h.date.Year()), 0},
	); err != nil {
		return err
	}
	p.add(feedBlock(8))
	if err := r.paras(p, w,
		para{stHeading, escpos.Center, h.title, 0},
		para{stBold, escpos.Center, "Mã hồ sơ: " + h.code, 0},
	); err != nil {
		return err
	}
	bc, err := r.code128Block(h.code, escpos.BarcodeOpts{Height: 64, ModuleWidth: code128Module, HRI: escpos.HRIBelow}, w, h.rasterCodes)
	if err != nil {
		return err
	}
	p.add(feedBlock(4), bc)
	if err := r.paras(p, w, para{stBodySmall, escpos.Right, "(" + h.label + ")", 0}); err != nil {
		return err
	}
	p.add(feedBlock(6))
	return nil
}

// headingLines fills "{agency}" (in capitals) and "{office}" in a layout's
// heading lines.
func headingLines(lines []string, agency, office string) []string {
	rep := strings.NewReplacer("{agency}", strings.ToUpper(clean(agency)), "{office}", office)
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = rep.Replace(l)
	}
	return out
}

// lookupQR adds the QR code of the lookup URL and its caption.
func (r *Renderer) lookupQR(p *page, w int, url string, o Opts) error {
	if url == "" {
		return nil
	}
	qr, err := r.qrBlock(url, escpos.QROpts{ModuleSize: 4, Level: escpos.QRLevelM}, o.rasterQR())
	if err != nil {
		return err
	}
	p.add(qr)
	return r.paras(p, w, para{stSmall, escpos.Center, "Quét mã để tra cứu tình trạng hồ sơ", 0})
}

// signatures adds the two signature columns and the names under them.
func (r *Renderer) signatures(p *page, w int, leftTitle, rightTitle, leftName, rightName string) error {
	p.add(feedBlock(14))
	if err := r.columns(p, w, stSmallBold, leftTitle, rightTitle); err != nil {
		return err
	}
	if err := r.columns(p, w, stTiny, "(Ký và ghi rõ họ tên)", "(Ký và ghi rõ họ tên)"); err != nil {
		return err
	}
	p.add(feedBlock(96))
	if err := r.columns(p, w, stSmallBold, leftName, rightName); err != nil {
		return err
	}
	p.add(cutBlock{})
	return nil
}

func (r *Renderer) receiptCopy(p *page, j ReceiptJob, label string, o Opts) error {
	w := o.Width
	loc := o.Location
	office := j.Office
	if office == "" {
		office = ReceiptOffice
	}
	lay := DefaultReceiptLayout()
	if j.Layout != nil {
		lay = *j.Layout
	}
	if lay.Heading == nil {
		lay.Heading = DefaultReceiptLayout().Heading
	}
	recv := j.ReceivedAt.In(loc)
	if err := r.head(p, formHead{heading: headingLines(lay.Heading, j.Agency, office), place: j.Place, date: recv,
		title: ReceiptTitle, code: j.DossierCode, label: label, rasterCodes: o.RasterCodes, width: w}); err != nil {
		return err
	}
	if err := r.receiptBody(p, j, lay, recv, o); err != nil {
		return err
	}
	if err := r.lookupQR(p, w, j.LookupURL, o); err != nil {
		return err
	}
	return r.signatures(p, w, "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", j.Applicant.Name, j.Receiver)
}

// bodyLine is one line of a receipt's body: a paragraph, or the
// documents (docs set) after their heading.
type bodyLine struct {
	st   style
	text string
	docs bool
}

// receiptLines are the layout's lines in order, with their values and
// numbers: what receiptBody prints.
func receiptLines(j ReceiptJob, lay ReceiptLayout, recv time.Time, loc *time.Location) []bodyLine {
	labels := fieldLabels()
	var out []bodyLine
	n := 0
	for _, ln := range lay.Lines {
		value := ""
		st := stBody
		switch ln.Field {
		case FieldApplicant:
			value = j.Applicant.Name
		case FieldIDNumber:
			value = j.IDNumber
		case FieldAddress:
			value = j.Applicant.Address
		case FieldPhone:
			value = j.Applicant.Phone
		case FieldEmail:
			value = j.Applicant.Email
		case FieldProcedure:
			value = j.Procedure
		case FieldSets:
			value = fmt.Sprintf("%02d bộ", max(j.Sets, 1))
		case FieldProcessingTime:
			value = fmt.Sprintf("%d ngày làm việc", j.ProcessingDays)
		case FieldReceivedAt:
			value = LongDate(recv)
		case FieldDueAt:
			value, st = LongDate(j.DueAt.In(loc)), stBold
		case FieldReturnPlace:
			value = j.ReturnPlace
		case FieldFee:
			value = j.Fee
		case FieldDocuments:
			st = stBold
			if len(j.documentRows()) > 0 {
				value = "-"
			}
		}
		if ln.OmitEmpty && strings.TrimSpace(value) == "" {
			continue
		}
		prefix := ""
		if ln.Numbered {
			n++
			prefix = fmt.Sprintf("%d. ", n)
		}
		text := ln.Label
		if text == "" {
			text = labels[ln.Field]
		}
		if ln.Field == FieldDocuments {
			out = append(out, bodyLine{st: st, text: prefix + text, docs: true})
			continue
		}
		out = append(out, bodyLine{st: st, text: prefix + text + value})
	}
	return out
}

// receiptBody prints the layout's lines.
func (r *Renderer) receiptBody(p *page, j ReceiptJob, lay ReceiptLayout, recv time.Time, o Opts) error {
	const hang = 16
	for _, l := range receiptLines(j, lay, recv, o.Location) {
		if err := r.paras(p, o.Width, para{l.st, escpos.Left, l.text, hang}); err != nil {
			return err
		}
		if l.docs {
			if err := r.documents(p, o.Width, j.documentRows(), lay.Documents); err != nil {
				return err
			}
		}
	}
	return nil
}

// documents prints the documents handed in as a numbered list or a table.
func (r *Renderer) documents(p *page, w int, rows []Document, style string) error {
	if style == DocumentsTable {
		return r.documentTable(p, w, rows)
	}
	for i, d := range rows {
		var notes []string
		if kind := KindLabel(d.Kind); kind != "" {
			notes = append(notes, strings.ToLower(kind))
		}
		if d.Count > 1 {
			notes = append(notes, fmt.Sprintf("%d bản", d.Count))
		}
		text := d.Name
		if len(notes) > 0 {
			text += " (" + strings.Join(notes, ", ") + ")"
		}
		if err := r.textAt(p, w, 20, stBody, escpos.Left, fmt.Sprintf("%d) %s", i+1, text), 26); err != nil {
			return err
		}
	}
	return nil
}

// documentTable prints the documents as a table: STT, tên giấy tờ (wrapped
// in its column), loại, số lượng.
func (r *Renderer) documentTable(p *page, w int, rows []Document) error {
	f, err := r.face(stSmall)
	if err != nil {
		return err
	}
	noW, countW := w/12, w/10
	kindW := f.measure("Bản chính") + 12
	nameW := w - noW - kindW - countW
	xs := []int{0, noW, noW + nameW, noW + nameW + kindW}
	cell := func(text string, col int, face *face) span {
		width := []int{noW, nameW, kindW, countW}[col]
		x := xs[col]
		if col != 1 {
			x += max((width-face.measure(text))/2, 0)
		}
		return span{text: text, x: x}
	}
	hf, err := r.face(stSmallBold)
	if err != nil {
		return err
	}
	var header []span
	for i, t := range []string{"STT", "Tên giấy tờ", "Loại", "SL"} {
		sp := cell(t, i, hf)
		sp.style = stSmallBold
		header = append(header, sp)
	}
	b, err := r.line(w, escpos.Left, header...)
	if err != nil {
		return err
	}
	p.add(b)
	if err := rule(p, w, 1); err != nil {
		return err
	}
	for i, d := range rows {
		lines := wrap(f, clean(d.Name), nameW-8, 0)
		for k, l := range lines {
			spans := []span{cell(l, 1, f)}
			if k == 0 {
				spans = append(spans, cell(fmt.Sprintf("%d", i+1), 0, f), cell(KindLabel(d.Kind), 2, f),
					cell(fmt.Sprintf("%02d", max(d.Count, 1)), 3, f))
			}
			for si := range spans {
				spans[si].style = stSmall
			}
			b, err := r.line(w, escpos.Left, spans...)
			if err != nil {
				return err
			}
			p.add(b)
		}
	}
	return rule(p, w, 1)
}
