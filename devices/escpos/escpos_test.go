package escpos

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the golden file:\n got % x\nwant % x", name, got, want)
	}
}

func sample(t *testing.T) []byte {
	var buf bytes.Buffer
	e := NewEncoder(&buf)
	bm, _ := NewBitmap(12, 3)
	bm.FillRect(bm.Bounds().Inset(1))
	bm.SetBlack(0, 0, true)
	steps := []error{
		e.Init(),
		e.Align(Center),
		e.Emphasis(true),
		e.Size(2, 3),
		e.Text("A012"),
		e.Newline(),
		e.Size(1, 1),
		e.Emphasis(false),
		e.Raster(bm, 2),
		e.Code128("000.00.14.H56-200203-0118", DefaultBarcodeOpts),
		e.QR("https://motcua.example/t/01", DefaultQROpts),
		e.FeedDots(300),
		e.Feed(2),
		e.Cut(true, 0),
	}
	for i, err := range steps {
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	return buf.Bytes()
}

func TestGoldenSequence(t *testing.T) {
	golden(t, "sequence.bin", sample(t))
}

func TestParseRoundTrip(t *testing.T) {
	cmds, err := Parse(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cmds {
		names = append(names, c.Name)
	}
	want := "ESC @,ESC a,ESC E,GS !,text,LF,GS !,ESC E,GS v 0,GS v 0,GS h,GS w,GS H,GS f,GS k," +
		"GS ( k,GS ( k,GS ( k,GS ( k,GS ( k,ESC J,ESC J,ESC d,GS V"
	if got := strings.Join(names, ","); got != want {
		t.Fatalf("commands\n got %s\nwant %s", got, want)
	}
	// Raster bands: 2 bytes per row, 2 rows then 1 row.
	if r := cmds[8].Raw; r[4] != 2 || r[5] != 0 || r[6] != 2 || r[7] != 0 || len(cmds[8].Data) != 4 {
		t.Fatalf("first band header % x", r[:8])
	}
	if r := cmds[9].Raw; r[6] != 1 || len(cmds[9].Data) != 2 {
		t.Fatalf("second band header % x", r[:8])
	}
}

func TestRasterScaled(t *testing.T) {
	bm, _ := NewBitmap(16, 3)
	bm.FillRect(bm.Bounds())
	var buf bytes.Buffer
	if err := NewEncoder(&buf).RasterScaled(bm, 0, RasterQuadruple); err != nil {
		t.Fatal(err)
	}
	cmds, err := Parse(buf.Bytes())
	if err != nil || len(cmds) != 1 || cmds[0].Name != "GS v 0" {
		t.Fatalf("commands %v, %v", cmds, err)
	}
	// GS v 0 m xL xH yL yH: m = 3 (quadruple), 2 bytes by 3 rows.
	if h := cmds[0].Raw[:8]; !bytes.Equal(h, []byte{GS, 'v', '0', 3, 2, 0, 3, 0}) || len(cmds[0].Data) != 6 {
		t.Fatalf("header % x, %d data bytes", h, len(cmds[0].Data))
	}
	for s, want := range map[RasterScale][2]int{RasterNormal: {1, 1}, RasterDoubleWidth: {2, 1}, RasterDoubleHeight: {1, 2}, RasterQuadruple: {2, 2}} {
		if x, y := s.Dots(); x != want[0] || y != want[1] {
			t.Errorf("scale %d: %d×%d dots, want %v", s, x, y, want)
		}
	}
}

func TestCode128Payload(t *testing.T) {
	tests := []struct {
		name, in string
		want     []byte
	}{
		{"dossier code", "000.00.14.H56-200203-0118",
			append(append([]byte("{B000.00.14.H56-{C"), 20, 2, 3), append([]byte("{B-{C"), 1, 18)...)},
		{"even digits only", "12", []byte{'{', 'C', 12}},
		{"odd digit run", "A12345", append([]byte("{BA1{C"), 23, 45)},
		{"short run stays in B", "A12B", []byte("{BA12B")},
		{"brace escaped", "a{b", []byte("{Ba{{b")},
		{"odd digits only", "12345", append([]byte("{B1{C"), 23, 45)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Code128Payload(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Fatalf("payload\n got % x\nwant % x", got, tt.want)
			}
			back, err := DecodeCode128Payload(got)
			if err != nil || back != tt.in {
				t.Fatalf("decoded %q, %v; want %q", back, err, tt.in)
			}
		})
	}
}

func TestCode128CommandByteByByte(t *testing.T) {
	var buf bytes.Buffer
	code := "000.17.22.H56-210531-0001"
	if err := NewEncoder(&buf).Code128(code, BarcodeOpts{Height: 60, ModuleWidth: 3, HRI: HRIBelow}); err != nil {
		t.Fatal(err)
	}
	cmds, err := Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	k := cmds[len(cmds)-1]
	if k.Name != "GS k" || k.Raw[2] != 73 {
		t.Fatalf("last command %q % x, want GS k 73", k.Name, k.Raw[:3])
	}
	if int(k.Raw[3]) != len(k.Data) || len(k.Raw) != 4+len(k.Data) {
		t.Fatalf("length byte %d, payload %d bytes", k.Raw[3], len(k.Data))
	}
	if k.Data[0] != '{' || k.Data[1] != 'B' {
		t.Fatalf("payload starts % x, want {B", k.Data[:2])
	}
	// 210531 and 0001 must travel in code set C: 3 + 2 bytes.
	if !bytes.Contains(k.Data, []byte{'{', 'C', 21, 5, 31}) || !bytes.HasSuffix(k.Data, []byte{'{', 'C', 0, 1}) {
		t.Fatalf("digit runs not in code set C: % x", k.Data)
	}
	got, err := DecodeCode128Payload(k.Data)
	if err != nil || got != code {
		t.Fatalf("decoded %q, %v", got, err)
	}
	if cmds[0].Raw[2] != 60 || cmds[1].Raw[2] != 3 || cmds[2].Raw[2] != byte(HRIBelow) {
		t.Fatalf("settings % x % x % x", cmds[0].Raw, cmds[1].Raw, cmds[2].Raw)
	}
}

func TestQRCommandByteByByte(t *testing.T) {
	for _, data := range []string{"x", "https://motcua.example/t/01JD8X", strings.Repeat("9", 300)} {
		var buf bytes.Buffer
		if err := NewEncoder(&buf).QR(data, QROpts{ModuleSize: 5, Level: QRLevelQ}); err != nil {
			t.Fatal(err)
		}
		cmds, err := Parse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		want := [][]byte{
			{GS, '(', 'k', 4, 0, '1', 'A', '2', 0},
			{GS, '(', 'k', 3, 0, '1', 'C', 5},
			{GS, '(', 'k', 3, 0, '1', 'E', '2'},
			nil,
			{GS, '(', 'k', 3, 0, '1', 'Q', '0'},
		}
		if len(cmds) != len(want) {
			t.Fatalf("%d commands, want %d", len(cmds), len(want))
		}
		for i, w := range want {
			if w != nil && !bytes.Equal(cmds[i].Raw, w) {
				t.Fatalf("command %d: % x, want % x", i, cmds[i].Raw, w)
			}
		}
		store := cmds[3].Raw
		n := len(data) + 3
		if store[3] != byte(n) || store[4] != byte(n>>8) || store[5] != '1' || store[6] != 'P' || store[7] != '0' {
			t.Fatalf("store header % x for %d bytes", store[:8], len(data))
		}
		if string(store[8:]) != data {
			t.Fatalf("stored %q", store[8:])
		}
	}
}

func TestInvalidArgumentsReturnErrors(t *testing.T) {
	e := NewEncoder(&bytes.Buffer{})
	bad := map[string]error{
		"align":        e.Align(7),
		"size":         e.Size(0, 9),
		"text":         e.Text("Số"),
		"feed":         e.Feed(300),
		"feed dots":    e.FeedDots(-1),
		"cut":          e.Cut(false, 256),
		"raster nil":   e.Raster(nil, 0),
		"raster bad":   e.Raster(&Bitmap{Width: 9, Height: 1, Stride: 1, Pix: []byte{0}}, 0),
		"band":         e.Raster(&Bitmap{Width: 8, Height: 1, Stride: 1, Pix: []byte{0}}, MaxBandRows+1),
		"raster scale": e.RasterScaled(&Bitmap{Width: 8, Height: 1, Stride: 1, Pix: []byte{0}}, 0, 4),
		"code empty":   e.Code128("", DefaultBarcodeOpts),
		"code utf8":    e.Code128("Mã", DefaultBarcodeOpts),
		"code long":    e.Code128(strings.Repeat("a", 300), DefaultBarcodeOpts),
		"code height":  e.Code128("1", BarcodeOpts{Height: 0, ModuleWidth: 2}),
		"qr empty":     e.QR("", DefaultQROpts),
		"qr long":      e.QR(strings.Repeat("a", MaxQRData+1), DefaultQROpts),
		"qr level":     e.QR("a", QROpts{ModuleSize: 3, Level: 'x'}),
		"qr size":      e.QR("a", QROpts{ModuleSize: 17, Level: QRLevelL}),
		"bitmap size":  func() error { _, err := NewBitmap(0, 1); return err }(),
		"decode empty": func() error { _, err := DecodeCode128Payload(nil); return err }(),
	}
	for name, err := range bad {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
}

type failWriter struct{ after int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, errors.New("unplugged")
	}
	f.after--
	return len(p), nil
}

func TestWriteErrorsAreReturned(t *testing.T) {
	bm, _ := NewBitmap(8, 10)
	calls := []func(e *Encoder) error{
		(*Encoder).Init,
		func(e *Encoder) error { return e.Align(Center) },
		func(e *Encoder) error { return e.Text("A") },
		func(e *Encoder) error { return e.Raster(bm, 2) },
		func(e *Encoder) error { return e.Code128("12", DefaultBarcodeOpts) },
		func(e *Encoder) error { return e.QR("12", DefaultQROpts) },
		func(e *Encoder) error { return e.FeedDots(600) },
		func(e *Encoder) error { return e.Cut(false, 0) },
	}
	for i, call := range calls {
		if err := call(NewEncoder(&failWriter{})); err == nil || !strings.Contains(err.Error(), "unplugged") {
			t.Errorf("call %d: err = %v", i, err)
		}
	}
	// A failure in a later band is reported too.
	if err := NewEncoder(&failWriter{after: 2}).Raster(bm, 2); err == nil {
		t.Error("third band failure not reported")
	}
}

func TestStatusRoundTrip(t *testing.T) {
	for _, s := range []Status{{}, {Offline: true, CoverOpen: true}, {Offline: true, PaperEndStop: true, PaperEnd: true, PaperNearEnd: true}, {AutocutterError: true, Error: true}} {
		a := StatusAnswers(s)
		for i, b := range a {
			if !isRealtimeAnswer(b) {
				t.Fatalf("answer %d %#02x has the wrong fixed bits", i+1, b)
			}
		}
		if got := DecodeStatus(a[0], a[1], a[2], a[3]); got != s {
			t.Fatalf("round trip %+v -> %+v", s, got)
		}
	}
	// Out of paper as documented: 1A 32 12 7E.
	s := DecodeStatus(0x1a, 0x32, 0x12, 0x7e)
	if !s.Offline || !s.PaperEnd || !s.PaperNearEnd || !s.PaperEndStop || s.CoverOpen {
		t.Fatalf("paper-out example decoded as %+v", s)
	}
}

func TestReadStatusOverPipe(t *testing.T) {
	host, dev := net.Pipe()
	defer host.Close()
	defer dev.Close()
	want := Status{Offline: true, CoverOpen: true}
	go func() {
		a := StatusAnswers(want)
		buf := make([]byte, 3)
		for {
			if _, err := io.ReadFull(dev, buf); err != nil {
				return
			}
			switch {
			case buf[0] == DLE && buf[1] == EOT:
				dev.Write([]byte{0xff, a[buf[2]-1]}) // a stray byte first
			case buf[0] == GS && buf[1] == 'r':
				dev.Write([]byte{PaperAnswer(true, false)})
			}
		}
	}()
	got, err := ReadStatus(host, time.Second)
	if err != nil || got != want {
		t.Fatalf("ReadStatus = %+v, %v", got, err)
	}
	near, end, err := ReadPaper(host, time.Second)
	if err != nil || !near || end {
		t.Fatalf("ReadPaper = %v %v %v", near, end, err)
	}
}

func TestReadStatusTimesOut(t *testing.T) {
	host, dev := net.Pipe()
	defer host.Close()
	defer dev.Close()
	go func() {
		buf := make([]byte, 16)
		for {
			if _, err := dev.Read(buf); err != nil {
				return
			}
		}
	}()
	if _, err := ReadStatus(host, 20*time.Millisecond); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("err = %v, want ErrNoAnswer", err)
	}
	if _, err := ReadStatus(&bytes.Buffer{}, time.Second); !errors.Is(err, ErrNoTimeout) {
		t.Fatalf("plain buffer: err = %v, want ErrNoTimeout", err)
	}
}

func FuzzNext(f *testing.F) {
	f.Add([]byte{GS, 'v', '0', 0, 1, 0, 1, 0, 0xff})
	f.Add([]byte{GS, '(', 'k', 3, 0, '1', 'Q', '0'})
	f.Add([]byte{GS, 'k', 73, 2, '{', 'C'})
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b)
		DecodeCode128Payload(b)
		if p, err := Code128Payload(string(b)); err == nil {
			if s, err := DecodeCode128Payload(p); err != nil || s != string(b) {
				t.Fatalf("round trip of %q: %q %v", b, s, err)
			}
		}
	})
}

// tcpPair is a buffered link: unlike net.Pipe, a device may write bytes
// nobody reads yet.
func tcpPair(t *testing.T) (host, dev net.Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	host, err = net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	dev = <-accepted
	t.Cleanup(func() { host.Close(); dev.Close() })
	return host, dev
}

// unaskedDevice answers DLE EOT from want and, in each of the first
// strayRounds rounds of four questions, sends one unasked answer right
// after its answer to DLE EOT 2: an answer to image data arriving while
// the status is being read.
func unaskedDevice(dev net.Conn, want Status, strayRounds int) {
	a := StatusAnswers(want)
	stray := StatusAnswers(Status{Offline: true, CoverOpen: true, PaperEnd: true})
	buf := make([]byte, 3)
	asked := 0
	for {
		if _, err := io.ReadFull(dev, buf); err != nil {
			return
		}
		n := buf[2]
		out := []byte{a[n-1]}
		if n == 2 && asked/4 < strayRounds {
			out = append(out, stray[3])
		}
		asked++
		dev.Write(out)
	}
}

func TestReadStatusAsksAgainAfterAnUnaskedAnswer(t *testing.T) {
	want := Status{PaperNearEnd: true}
	host, dev := tcpPair(t)
	go unaskedDevice(dev, want, 1)
	got, err := ReadStatus(host, time.Second)
	if err != nil || got != want {
		t.Fatalf("ReadStatus = %+v, %v; want %+v", got, err, want)
	}
}

func TestReadStatusGivesUpOnALinkThatKeepsTalking(t *testing.T) {
	host, dev := tcpPair(t)
	go unaskedDevice(dev, Status{}, 1000)
	if _, err := ReadStatus(host, time.Second); !errors.Is(err, ErrUnsynchronised) {
		t.Fatalf("err = %v, want ErrUnsynchronised", err)
	}
}
