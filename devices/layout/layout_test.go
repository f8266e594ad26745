package layout

import (
	"bytes"
	"encoding/json"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"motcua/devices/escpos"
	"motcua/devices/layout/layouttest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var hcm = time.FixedZone("ICT", 7*3600)

func sampleTicket() TicketJob {
	return TicketJob{
		ID:            "01JD8XQ3",
		CenterName:    "UBND Phường Bến Thành",
		ServiceName:   "Hộ tịch - Chứng thực",
		Number:        "A012",
		IssuedAt:      time.Date(2026, 11, 21, 8, 15, 0, 0, hcm),
		Ahead:         3,
		EstimatedWait: 15 * time.Minute,
		TrackURL:      "/t/01JD8XQ3",
		BaseURL:       "https://motcua.benthanh.gov.vn",
	}
}

func sampleReceipt() ReceiptJob {
	return ReceiptJob{
		DossierCode: "000.00.14.H56-200203-0118",
		Procedure:   "Đăng ký khai sinh kết hợp đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
		Applicant: Applicant{
			Name:    "Nguyễn Thị Hồng Nhung",
			Address: "Số 12 đường Lê Thánh Tôn, phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh",
			Phone:   "0912 345 678",
			Email:   "hongnhung@example.vn",
		},
		Documents: []string{
			"Tờ khai đăng ký khai sinh (bản chính)",
			"Giấy chứng sinh do cơ sở y tế cấp (bản chính)",
			"Giấy tờ tùy thân của người đi đăng ký (bản sao chứng thực)",
			"Giấy chứng nhận kết hôn của cha, mẹ trẻ (bản sao)",
			"Tờ khai thay đổi thông tin cư trú",
		},
		Sets:           1,
		ProcessingDays: 15,
		ReceivedAt:     time.Date(2026, 11, 21, 8, 15, 0, 0, hcm),
		DueAt:          time.Date(2026, 12, 12, 16, 0, 0, 0, hcm),
		ReturnPlace:    "Bộ phận tiếp nhận và trả kết quả UBND Quận 1, quầy số 3",
		Fee:            "Miễn lệ phí",
		Receiver:       "Trần Văn Dũng",
		Copies:         2,
		Agency:         "UBND Quận 1",
		Place:          "Quận 1",
		LookupURL:      "https://motcua.q1.gov.vn/hs/000.00.14.H56-200203-0118?s=3f9a0c21b7d4e8aa",
	}
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// savePNG writes the preview to dir and returns the path.
func savePNG(t *testing.T, out *Output, dir, name string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := out.WritePNG(f); err != nil {
		t.Fatal(err)
	}
	if d := os.Getenv("MOTCUA_PREVIEW_DIR"); d != "" {
		b, _ := out.PNG()
		os.WriteFile(filepath.Join(d, name), b, 0o644)
	}
	return path
}

// zbar reads every symbol in a PNG with zbarimg.
func zbar(t *testing.T, path string) []string { return layouttest.Zbar(t, path) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// rasterOf decodes every GS v 0 band of a job back into one image (the
// raster part of the print), as a test-side printer would.
func rasterCommands(t *testing.T, b []byte) []escpos.Command {
	t.Helper()
	cmds, err := escpos.Parse(b)
	if err != nil {
		t.Fatalf("job bytes do not parse: %v", err)
	}
	return cmds
}

func TestTicketReadsBack(t *testing.T) {
	r := newRenderer(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		o    Opts
	}{
		{"80mm-native", Opts{Width: Width80}},
		{"58mm-native", Opts{Width: Width58}},
		{"80mm-raster", Opts{Width: Width80, RasterCodes: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := sampleTicket()
			j.Priority = tc.name == "58mm-native"
			out, err := r.Ticket(j, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			codes := zbar(t, savePNG(t, out, dir, "ticket-"+tc.name+".png"))
			if !contains(codes, j.URL()) {
				t.Fatalf("zbarimg read %q, want the URL %q", codes, j.URL())
			}
			cmds := rasterCommands(t, out.Bytes)
			var qr []escpos.Command
			var text string
			for _, c := range cmds {
				if c.Name == "GS ( k" {
					qr = append(qr, c)
				}
				if c.Name == "text" {
					text += string(c.Data)
				}
			}
			if want := j.Number + "08:15  21/11/2026"; text != want {
				t.Fatalf("printer-font text %q, want only the ASCII number and time %q", text, want)
			}
			if tc.o.RasterCodes {
				if len(qr) != 0 {
					t.Fatal("raster option still sent GS ( k")
				}
				return
			}
			if len(qr) != 5 {
				t.Fatalf("%d GS ( k commands, want 5", len(qr))
			}
			store := qr[3].Raw
			n := int(store[3]) | int(store[4])<<8
			if n != len(j.URL())+3 || string(store[8:]) != j.URL() || store[6] != 'P' {
				t.Fatalf("QR store pL pH=%d for %q", n, store[8:])
			}
			if qr[2].Raw[7] != byte(escpos.QRLevelM) {
				t.Fatalf("QR level %q", qr[2].Raw[7])
			}
		})
	}
}

func TestReceiptReadsBack(t *testing.T) {
	r := newRenderer(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		o    Opts
	}{
		{"80mm-native", Opts{Width: Width80}},
		{"58mm-native", Opts{Width: Width58}},
		{"80mm-raster", Opts{Width: Width80, RasterCodes: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := sampleReceipt()
			out, err := r.Receipt(j, tc.o)
			if err != nil {
				t.Fatal(err)
			}
			codes := zbar(t, savePNG(t, out, dir, "receipt-"+tc.name+".png"))
			if !contains(codes, j.DossierCode) || !contains(codes, j.LookupURL) {
				t.Fatalf("zbarimg read %q, want %q and %q", codes, j.DossierCode, j.LookupURL)
			}
			var barcodes []string
			var cuts int
			for _, c := range rasterCommands(t, out.Bytes) {
				switch c.Name {
				case "GS k":
					if c.Raw[2] != 73 || int(c.Raw[3]) != len(c.Data) {
						t.Fatalf("GS k header % x for %d bytes", c.Raw[:4], len(c.Data))
					}
					s, err := escpos.DecodeCode128Payload(c.Data)
					if err != nil {
						t.Fatal(err)
					}
					barcodes = append(barcodes, s)
				case "GS V":
					cuts++
				}
			}
			if cuts != 2 {
				t.Fatalf("%d cuts, want 2 (two copies)", cuts)
			}
			// A dossier code does not fit across either roll at 3-dot
			// modules: it prints along the paper, as a raster.
			if len(barcodes) != 0 {
				t.Fatalf("dossier code sent as GS k across the paper: %q", barcodes)
			}
		})
	}
}

func TestGoldenBytes(t *testing.T) {
	r := newRenderer(t)
	tk, err := r.Ticket(sampleTicket(), Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := r.Receipt(sampleReceipt(), Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	online := sampleTicket()
	online.Online = true
	on, err := r.Ticket(online, Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"ticket-80.bin": tk.Bytes, "ticket-online-80.bin": on.Bytes, "receipt-80.bin": rc.Bytes} {
		layouttest.Golden(t, filepath.Join("testdata", name), got, *update)
	}
}

func TestRenderJSON(t *testing.T) {
	r := newRenderer(t)
	in := `{"id":"x1","number":"B007","service":"B","service_name":"Đất đai","priority":true,
	"state":"waiting","issued_at":"2026-11-21T08:15:00+07:00","ahead":0,"estimated_wait_s":59,
	"track_url":"https://a.example/t/x1","print":{"state":"queued"},"center_name":"Trung tâm Phục vụ hành chính công"}`
	out, err := r.Render(KindTicket, []byte(in), Opts{Width: Width58})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(mustPNG(t, out))); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Render("label", []byte(in), DefaultOpts); err == nil {
		t.Fatal("unknown kind accepted")
	}
	if _, err := r.Render(KindReceipt, []byte(`{"dossier_code":"Mã"}`), DefaultOpts); err == nil {
		t.Fatal("non-ASCII dossier code accepted")
	}
	if _, err := r.Ticket(sampleTicket(), Opts{Width: 500}); err == nil {
		t.Fatal("width 500 accepted")
	}
}

func mustPNG(t *testing.T, o *Output) []byte {
	b, err := o.PNG()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWaitAndDateTexts(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "dưới 1 phút", 61 * time.Second: "khoảng 2 phút", 80 * time.Minute: "khoảng 1 giờ 20 phút",
	} {
		j := TicketJob{Ahead: 3, EstimatedWait: d}
		if got := j.Lines(); len(got) != 2 || got[0] != "Số người đang chờ trước bạn: 3" || got[1] != "Thời gian chờ dự kiến: "+want {
			t.Errorf("Lines with a wait of %v = %q, want the wait %q", d, got, want)
		}
	}
	if got := (TicketJob{Ahead: 12, NoEstimate: true}).Lines(); len(got) != 1 || got[0] != "Số người đang chờ trước bạn: 12" {
		t.Errorf("Lines without an estimate = %q, want no wait", got)
	}
	// The API's null (no estimate) reads as none, a number as the wait.
	for in, want := range map[string]TicketJob{
		`{"ahead":12,"estimated_wait_s":null}`: {Ahead: 12, NoEstimate: true},
		`{"ahead":12}`:                         {Ahead: 12, NoEstimate: true},
		`{"ahead":12,"estimated_wait_s":900}`:  {Ahead: 12, EstimatedWait: 15 * time.Minute},
	} {
		var j TicketJob
		if err := json.Unmarshal([]byte(in), &j); err != nil || j.NoEstimate != want.NoEstimate || j.EstimatedWait != want.EstimatedWait {
			t.Errorf("%s: %+v %v", in, j, err)
		}
		b, _ := json.Marshal(j)
		var back TicketJob
		if err := json.Unmarshal(b, &back); err != nil || back.NoEstimate != want.NoEstimate || back.EstimatedWait != want.EstimatedWait {
			t.Errorf("%s: round trip %s gives %+v", in, b, back)
		}
	}
	if got := LongDate(time.Date(2026, 12, 1, 7, 5, 0, 0, hcm)); got != "07 giờ 05 phút, ngày 01 tháng 12 năm 2026" {
		t.Errorf("LongDate = %q", got)
	}
}

func FuzzTicket(f *testing.F) {
	r, err := NewRenderer()
	if err != nil {
		f.Fatal(err)
	}
	f.Add("A001", "Hộ tịch", "https://x/t/1", 3)
	f.Add("", "\x00\u0301e", "", -1)
	f.Fuzz(func(t *testing.T, number, service, url string, ahead int) {
		j := sampleTicket()
		j.Number, j.ServiceName, j.TrackURL, j.Ahead = number, service, url, ahead
		r.Ticket(j, DefaultOpts)
	})
}

func TestTestPage(t *testing.T) {
	r := newRenderer(t)
	out, err := r.TestPage(TestJob{Printer: "kiosk1", At: time.Date(2026, 11, 21, 8, 15, 0, 0, hcm), Lines: []string{"serial /dev/motcua-printer-kiosk1 115200"}}, Opts{Width: Width58})
	if err != nil {
		t.Fatal(err)
	}
	codes := zbar(t, savePNG(t, out, t.TempDir(), "test-58.png"))
	if !contains(codes, TestBarcode) || !contains(codes, "https://motcua.example/test") {
		t.Fatalf("zbarimg read %q", codes)
	}
}

// The goal: an 80 mm queue ticket under 4.6 KB, the priority one
// included, with the mark still "ƯU TIÊN" in large letters (GS v 0 at
// quadruple scale).
func TestTicketByteBudget(t *testing.T) {
	r := newRenderer(t)
	for _, priority := range []bool{false, true} {
		j := sampleTicket()
		j.Priority = priority
		out, err := r.Ticket(j, Opts{Width: Width80})
		if err != nil {
			t.Fatal(err)
		}
		if n := len(out.Bytes); n >= 4600 {
			t.Errorf("priority=%v: %d bytes, want under 4,600", priority, n)
		}
		var quadruple int
		for _, c := range rasterCommands(t, out.Bytes) {
			if c.Name == "GS v 0" && c.Raw[3] == byte(escpos.RasterQuadruple) {
				quadruple++
			}
		}
		// The rule under the field name, and the mark on priority tickets.
		if want := map[bool]int{false: 1, true: 2}[priority]; quadruple != want {
			t.Errorf("priority=%v: %d quadruple images, want %d", priority, quadruple, want)
		}
	}
}

// TestTicketPriorityCategory: a priority ticket's category is printed
// under the mark, one line more; without it the ticket is as before.
func TestTicketPriorityCategory(t *testing.T) {
	r := newRenderer(t)
	j := sampleTicket()
	j.Priority = true
	plain, err := r.Ticket(j, Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	j.PriorityCategory = "Người có công"
	named, err := r.Ticket(j, Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	if grow := named.Preview.Bounds().Dy() - plain.Preview.Bounds().Dy(); grow < 20 || grow > 120 {
		t.Fatalf("the category adds %d dots of paper, want one line", grow)
	}
	j.Priority = false
	if none, _ := r.Ticket(j, Opts{Width: Width80}); none.Preview.Bounds().Dy() >= plain.Preview.Bounds().Dy() {
		t.Fatal("a ticket that is not priority prints its category")
	}
}

// TestTicketOnline: a ticket checked in from an online booking says so
// under its number, one line more at little cost; its QR code still reads.
func TestTicketOnline(t *testing.T) {
	r := newRenderer(t)
	j := sampleTicket()
	plain, err := r.Ticket(j, Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	j.Online = true
	online, err := r.Ticket(j, Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	if grow := online.Preview.Bounds().Dy() - plain.Preview.Bounds().Dy(); grow < 20 || grow > 120 {
		t.Fatalf("the online mark adds %d dots of paper, want one line", grow)
	}
	if bytes.Equal(online.Bytes, plain.Bytes) {
		t.Fatal("the online ticket prints the same bytes")
	}
	if codes := zbar(t, savePNG(t, online, t.TempDir(), "ticket-online.png")); !contains(codes, j.URL()) {
		t.Fatalf("zbarimg read %q, want %q", codes, j.URL())
	}
	// Drawn at half size and printed at quadruple scale: a quarter of the
	// ~1,000 bytes a full-size line of the field's name costs.
	if extra := len(online.Bytes) - len(plain.Bytes); extra >= 400 {
		t.Errorf("the online mark costs %d bytes, want under 400", extra)
	}
}
