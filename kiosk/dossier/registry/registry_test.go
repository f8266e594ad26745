package registry

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/dossiertest"
)

func newRegistry(t testing.TB) (*Registry, *clocktest.Fake) {
	t.Helper()
	db, err := database.Open(filepath.Join(t.TempDir(), "motcua.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clocktest.New(time.Date(2024, 5, 10, 9, 0, 0, 0, dossier.Zone()))
	r, err := Open(context.Background(), db, Opts{Clock: clk, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	return r, clk
}

const code = "000.00.14.H56-240510-0001"

func TestRecordThenLookup(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	due := clk.Now().Add(15 * 24 * time.Hour)
	if err := r.Record(ctx, ReceiptInfo{Code: " 000.00.14.h56-240510-0001 ", Procedure: "Đăng ký khai sinh",
		Applicant: "Nguyễn Thị Hoa", Unit: "Bộ phận một cửa", DueAt: due}); err != nil {
		t.Fatal(err)
	}
	d, err := r.Lookup(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Code != code || d.Status != dossier.StatusAccepted || d.Applicant != "Nguyễn Thị Hoa" ||
		!d.ReceivedAt.Equal(clk.Now()) || !d.DueAt.Equal(due) || len(d.History) != 1 {
		t.Fatalf("got %+v", d)
	}
	// Printing the receipt again changes details, not the history.
	if err := r.Record(ctx, ReceiptInfo{Code: code, Procedure: "Đăng ký khai sinh (bản sao)", Applicant: "Nguyễn Thị Hoa"}); err != nil {
		t.Fatal(err)
	}
	d, _ = r.Lookup(ctx, code)
	if d.Procedure != "Đăng ký khai sinh (bản sao)" || len(d.History) != 1 || !d.DueAt.Equal(due) {
		t.Fatalf("after reprint: %+v", d)
	}
}

func TestLookupUnknown(t *testing.T) {
	r, _ := newRegistry(t)
	if _, err := r.Lookup(context.Background(), code); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("err = %v, want ErrNotFound", err)
	}
}

func TestRecordRefusesBadCode(t *testing.T) {
	r, _ := newRegistry(t)
	if err := r.Record(context.Background(), ReceiptInfo{Code: "abc"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
}

func TestUpdateStatus(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	if err := r.Record(ctx, ReceiptInfo{Code: code, Procedure: "P", Applicant: "A", Unit: "Một cửa"}); err != nil {
		t.Fatal(err)
	}
	t0 := clk.Now()
	if err := r.UpdateStatus(ctx, StatusUpdate{Code: code, Status: dossier.StatusDone, Unit: "Phòng Tư pháp", At: t0.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	// An older change arriving late joins the history but does not move the status back.
	if err := r.UpdateStatus(ctx, StatusUpdate{Code: code, Status: dossier.StatusProcessing, Unit: "Phòng Tư pháp", At: t0.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	d, err := r.Lookup(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != dossier.StatusDone || d.Unit != "Phòng Tư pháp" {
		t.Fatalf("current = %d %q, want 9 Phòng Tư pháp", d.Status, d.Unit)
	}
	var got []dossier.Status
	for _, e := range d.History {
		got = append(got, e.Status)
	}
	if len(got) != 3 || got[0] != 2 || got[1] != 4 || got[2] != 9 {
		t.Fatalf("history statuses %v, want [2 4 9] in time order", got)
	}
	if err := r.UpdateStatus(ctx, StatusUpdate{Code: "000.00.14.H56-240510-9999", Status: 4}); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("unknown code: %v", err)
	}
	if err := r.UpdateStatus(ctx, StatusUpdate{Code: code, Status: 11}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("status 11: %v", err)
	}
}

func TestImportSamples(t *testing.T) {
	for _, file := range []string{"import.csv", "import.json"} {
		t.Run(file, func(t *testing.T) {
			ctx := context.Background()
			r, _ := newRegistry(t)
			f, err := os.Open(filepath.Join("testdata", file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			res, err := r.Import(ctx, f, FormatAuto)
			if err != nil {
				t.Fatal(err)
			}
			if res.Created != 3 || res.Updated != 0 {
				t.Fatalf("result %+v", res)
			}
			d, err := r.Lookup(ctx, "000.17.22.H56-210531-0001")
			if err != nil {
				t.Fatal(err)
			}
			z := dossier.Zone()
			if d.Status != 9 || d.Procedure != "Cấp giấy chứng nhận quyền sử dụng đất, lần đầu" ||
				!d.DueAt.Equal(time.Date(2021, 6, 15, 17, 0, 0, 0, z)) ||
				!d.History[0].At.Equal(time.Date(2021, 6, 14, 16, 0, 0, 0, z)) {
				t.Fatalf("got %+v", d)
			}
			d, _ = r.Lookup(ctx, "000.00.14.H56-240510-00042")
			if !d.DueAt.Equal(time.Date(2024, 5, 10, 23, 59, 59, 0, z)) {
				t.Fatalf("date-only due date = %v, want the end of that day", d.DueAt)
			}
		})
	}
}

func TestImportUpdatesKnownDossiers(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	if err := r.Record(ctx, ReceiptInfo{Code: code, Procedure: "Đăng ký khai sinh", Applicant: "Nguyễn Thị Hoa"}); err != nil {
		t.Fatal(err)
	}
	res, err := r.Import(ctx, strings.NewReader("code;status;unit\n"+code+";4;Phòng Tư pháp\n"), FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	if res.Updated != 1 || res.Created != 0 {
		t.Fatalf("result %+v", res)
	}
	d, _ := r.Lookup(ctx, code)
	if d.Status != 4 || d.Unit != "Phòng Tư pháp" || d.Procedure != "Đăng ký khai sinh" || len(d.History) != 2 {
		t.Fatalf("got %+v", d)
	}
}

func TestImportAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     string
		format Format
		lines  []string // substrings of the expected line errors, in order
	}{
		{"bad rows", "code,status,due_at\n" +
			"000.00.14.H56-240510-0001,4,2024-05-20\n" +
			"abc,4,\n" +
			"000.00.14.H56-240510-0002,12,\n" +
			"000.00.14.H56-240510-0003,4,mai\n" +
			"000.00.14.H56-240510-0001,5,\n", FormatCSV,
			[]string{"dòng 3: mã hồ sơ \"ABC\"", "dòng 4: trạng thái \"12\"", "dòng 5: due_at", "dòng 6: mã hồ sơ 000.00.14.H56-240510-0001 trùng với dòng 2"}},
		{"missing column", "code,procedure\nX,Y\n", FormatCSV, []string{"dòng 1: thiếu cột bắt buộc \"status\""}},
		{"unknown column", "code,status,phone\n", FormatCSV, []string{"dòng 1: cột \"phone\""}},
		{"field count", "code,status\n000.00.14.H56-240510-0001,4,x\n", FormatCSV, []string{"dòng 2: số cột"}},
		{"empty", "", FormatCSV, []string{"dòng 1: tệp trống"}},
		{"json unknown field", "[\n{\"code\":\"000.00.14.H56-240510-0001\",\"status\":4},\n{\"code\":\"000.00.14.H56-240510-0002\",\"status\":4,\"phone\":\"1\"}\n]", FormatAuto,
			[]string{"dòng 3: trường \"phone\""}},
		{"json wrong type", "[{\"code\":5,\"status\":4}]", FormatJSON, []string{"dòng 1: trường \"code\" sai kiểu"}},
		{"json truncated", "[{\"code\":\"000.00.14.H56-240510-0001\",\"status\":4}", FormatJSON, []string{"thiếu dấu ]"}},
		{"json not array", "{\"code\":\"x\"}", FormatJSON, []string{"phải là một mảng"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			r, _ := newRegistry(t)
			_, err := r.Import(ctx, strings.NewReader(tc.in), tc.format)
			var ie *ImportError
			if !errors.As(err, &ie) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want *ImportError", err)
			}
			if len(ie.Lines) != len(tc.lines) {
				t.Fatalf("errors %v, want %d", ie.Lines, len(tc.lines))
			}
			for i, want := range tc.lines {
				if !strings.Contains(ie.Lines[i].String(), want) {
					t.Errorf("error %d = %q, want it to contain %q", i, ie.Lines[i], want)
				}
			}
			if _, err := r.Lookup(ctx, "000.00.14.H56-240510-0001"); !errors.Is(err, dossier.ErrNotFound) {
				t.Fatalf("a refused import must write nothing: %v", err)
			}
		})
	}
}

func TestImportRowLimit(t *testing.T) {
	db, err := database.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := Open(context.Background(), db, Opts{MaxImportRows: 2, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	in := "code,status\n000.00.14.H56-240510-0001,4\n000.00.14.H56-240510-0002,4\n000.00.14.H56-240510-0003,4\n"
	if _, err := r.Import(context.Background(), strings.NewReader(in), FormatCSV); err == nil || !strings.Contains(err.Error(), "tối đa 2") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseTime(t *testing.T) {
	z := dossier.Zone()
	want := time.Date(2020, 2, 3, 8, 30, 0, 0, z)
	for _, s := range []string{"2020-02-03 08:30", "2020-02-03 08:30:00", "20200203083000", "03/02/2020 08:30", "2020-02-03T01:30:00Z"} {
		got, err := ParseTime(s, false)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseTime(%q) = %v, %v", s, got, err)
		}
	}
	if _, err := ParseTime("hôm qua", false); err == nil {
		t.Error("free text must be refused")
	}
}

// Agencies gives the starts of the codes recorded lately, the most frequent
// first; codes not touched within the window do not count.
func TestAgencies(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	if err := r.Record(ctx, ReceiptInfo{Code: "000.00.99.H56-240101-0001"}); err != nil { // long ago
		t.Fatal(err)
	}
	clk.Advance(120 * 24 * time.Hour)
	for _, c := range []string{"000.00.14.H56-240510-0001", "G09.20-240510-0002", "000.00.14.H56-240510-0003", "000.00.14.h56-240511-0004"} {
		if err := r.Record(ctx, ReceiptInfo{Code: c}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.Agencies(ctx, clk.Now().Add(-90*24*time.Hour), 5)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "000.00.14.H56 G09.20" {
		t.Fatalf("agencies %q, want the center's own first, then G09.20, not the one of four months ago", got)
	}
	if one, _ := r.Agencies(ctx, clk.Now().Add(-90*24*time.Hour), 1); len(one) != 1 || one[0] != "000.00.14.H56" {
		t.Fatalf("at most 1: %q", one)
	}
}

// TestSharedCodeTable: a receipt recorded, a status pushed and an import
// accept exactly the codes of the shared table.
func TestSharedCodeTable(t *testing.T) {
	ctx := context.Background()
	r, _ := newRegistry(t)
	for _, tc := range dossiertest.CodeCases() {
		t.Run(tc.Name, func(t *testing.T) {
			err := r.Record(ctx, ReceiptInfo{Code: tc.In, Procedure: "Đăng ký khai sinh", Applicant: "Nguyễn Thị Hoa"})
			if tc.Accepted() != (err == nil) {
				t.Fatalf("Record(%q): %v", tc.In, err)
			}
			uerr := r.UpdateStatus(ctx, StatusUpdate{Code: tc.In, Status: dossier.StatusProcessing})
			if tc.Accepted() != (uerr == nil) {
				t.Fatalf("UpdateStatus(%q): %v", tc.In, uerr)
			}
			if !tc.Accepted() && !errors.Is(uerr, ErrInvalid) {
				t.Fatalf("UpdateStatus(%q): %v, want ErrInvalid", tc.In, uerr)
			}
			in := `[{"code": ` + strconv.Quote(tc.In) + `, "status": 4}]`
			_, ierr := r.Import(ctx, strings.NewReader(in), FormatJSON)
			if tc.Accepted() != (ierr == nil) {
				t.Fatalf("Import(%q): %v", tc.In, ierr)
			}
			if tc.Accepted() {
				d, err := r.Lookup(ctx, tc.Want)
				if err != nil || d.Code != tc.Want {
					t.Fatalf("Lookup(%q) = %+v, %v", tc.Want, d, err)
				}
			}
		})
	}
}
