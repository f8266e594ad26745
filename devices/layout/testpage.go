package layout

import (
	"fmt"
	"time"

	"motcua/devices/escpos"
)

// TestBarcode is the Code128 of the test page.
const TestBarcode = "202612010118"

// TestJob is the page `motcua print-test` prints.
type TestJob struct {
	Printer string    `json:"printer"`
	At      time.Time `json:"at"`
	// Lines are extra facts to print (transport, baud, address).
	Lines []string `json:"lines,omitempty"`
}

// TestSample holds every Vietnamese vowel with every tone, to check a printout.
const TestSample = "ẳ ỗ ự ệ ữ ạ ằ ẩ ẫ ậ ề ể ễ ị ỉ ĩ ọ ỏ ồ ổ ộ ờ ở ỡ ợ ụ ủ ũ ừ ử ứ ỳ ỷ ỹ ỵ đ Đ Ư Ơ Ỗ Ặ"

// TestPage renders a test page: the printer's name, the time, a Vietnamese
// sample, a Code128 and a QR code, the given lines.
func (r *Renderer) TestPage(j TestJob, o Opts) (*Output, error) {
	o, err := o.check()
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	w := o.Width
	p := &page{}
	p.add(feedBlock(8))
	texts := []struct {
		st   style
		text string
	}{
		{stHeading, "TRANG IN THỬ - MOTCUA"},
		{stBody, "Máy in: " + j.Printer},
		{stBody, fmt.Sprintf("Lúc %s", j.At.In(o.Location).Format("15:04:05 ngày 02/01/2006"))},
		{stBody, "Tiếng Việt: " + TestSample},
	}
	for _, l := range j.Lines {
		texts = append(texts, struct {
			st   style
			text string
		}{stBodySmall, l})
	}
	for _, t := range texts {
		if err := r.text(p, w, t.st, escpos.Center, t.text, 0); err != nil {
			return nil, err
		}
	}
	// Twelve digits fit across a 58 mm roll at 3-dot modules, so the page
	// shows whether the printer draws its own Code128 (GS k).
	bc, err := r.code128Block(TestBarcode, escpos.BarcodeOpts{Height: 64, ModuleWidth: code128Module, HRI: escpos.HRIBelow}, w, o.RasterCodes)
	if err != nil {
		return nil, err
	}
	qr, err := r.qrBlock("https://motcua.example/test", escpos.QROpts{ModuleSize: 5, Level: escpos.QRLevelM}, o.rasterQR())
	if err != nil {
		return nil, err
	}
	p.add(feedBlock(8), bc, qr, cutBlock{})
	return p.render(o)
}
