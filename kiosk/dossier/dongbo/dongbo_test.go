package dongbo

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/dossiertest"
)

func TestDecodeSample(t *testing.T) {
	body, err := os.ReadFile("testdata/push.json")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := NewDecoder(nil).Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	zone := dossier.Zone()
	if r.Code != "000.00.14.H56-261201-0007" || r.ProcedureCode != "1.001193" || r.Procedure != "Đăng ký khai sinh" ||
		r.Applicant != "Nguyễn Thị Hoa" || r.IDNumber != "001199012345" || r.Status != dossier.StatusAccepted ||
		!r.ReceivedAt.Equal(time.Date(2026, 12, 1, 8, 30, 0, 0, zone)) || !r.DueAt.Equal(time.Date(2026, 12, 3, 17, 0, 0, 0, zone)) ||
		r.Counter != "1" || r.Account != "canbo1" || r.Receiver != "Trần Văn Bình" || r.Fee != "Miễn phí" || r.Days != 2 {
		t.Fatalf("record %+v", r)
	}
	want := []Document{{"Tờ khai đăng ký khai sinh", Original, 1}, {"Giấy chứng sinh", Original, 1}, {"Căn cước của cha, mẹ", Copy, 2}}
	if len(r.Documents) != 3 || r.Documents[0] != want[0] || r.Documents[1] != want[1] || r.Documents[2] != want[2] {
		t.Fatalf("documents %+v", r.Documents)
	}
	if m := recs[1]; m.Code != "G09.20-20261201-0092637" || m.Status != dossier.StatusProcessing || !m.DueAt.IsZero() || len(m.Documents) != 0 {
		t.Fatalf("ministry record %+v", m)
	}
}

func record(fields map[string]any) map[string]any {
	r := map[string]any{"MaHoSo": "000.00.14.H56-261201-0001", "TenTTHC": "Chứng thực", "ChuHoSo": "Lê Thị Mai",
		"NgayTiepNhan": "20261201080000", "TrangThaiHoSo": 2}
	for k, v := range fields {
		if v == nil {
			delete(r, k)
			continue
		}
		r[k] = v
	}
	return r
}

func encode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The shared code table, through the push decoder.
func TestDecodeSharedCodeTable(t *testing.T) {
	d := NewDecoder(nil)
	for _, tc := range dossiertest.CodeCases() {
		t.Run(tc.Name, func(t *testing.T) {
			recs, err := d.Decode(encode(t, []any{record(map[string]any{"MaHoSo": tc.In})}))
			if !tc.Accepted() {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("%q: %+v, %v", tc.In, recs, err)
				}
				return
			}
			if err != nil || recs[0].Code != tc.Want {
				t.Fatalf("%q: %+v, %v", tc.In, recs, err)
			}
		})
	}
}

func TestDecodeShapes(t *testing.T) {
	d := NewDecoder(nil)
	one := record(nil)
	for name, body := range map[string][]byte{
		"array":           encode(t, []any{one}),
		"one record":      encode(t, one),
		"envelope data":   encode(t, map[string]any{"service": "DongBoHoSoMC", "data": []any{one}}),
		"envelope HoSo":   encode(t, map[string]any{"HoSo": []any{one}}),
		"byte order mark": append([]byte("\xef\xbb\xbf"), encode(t, []any{one})...),
	} {
		recs, err := d.Decode(body)
		if err != nil || len(recs) != 1 || recs[0].Code != "000.00.14.H56-261201-0001" {
			t.Errorf("%s: %+v, %v", name, recs, err)
		}
	}
}

// A push with a refused record is refused whole, each bad record named.
func TestDecodeRefusesAllOrNothing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change map[string]any
		want   string
	}{
		{"no code", map[string]any{"MaHoSo": nil}, "thiếu mã hồ sơ"},
		{"no procedure", map[string]any{"TenTTHC": " "}, "TenTTHC"},
		{"no applicant", map[string]any{"ChuHoSo": nil}, "ChuHoSo"},
		{"status 11", map[string]any{"TrangThaiHoSo": 11}, "TrangThaiHoSo"},
		{"status text", map[string]any{"TrangThaiHoSo": "đang xử lý"}, "TrangThaiHoSo"},
		{"no received time", map[string]any{"NgayTiepNhan": nil}, "NgayTiepNhan"},
		{"ISO received time", map[string]any{"NgayTiepNhan": "2026-12-01T08:00:00"}, "yyyyMMddHHmmss"},
		{"impossible date", map[string]any{"NgayTiepNhan": "20261301080000"}, "NgayTiepNhan"},
		{"due before received", map[string]any{"NgayHenTra": "20261130080000"}, "trước ngày tiếp nhận"},
		{"long name", map[string]any{"ChuHoSo": strings.Repeat("A", 101)}, "ChuHoSo dài hơn 100"},
		{"document without name", map[string]any{"TaiLieuNop": []any{map[string]any{"LoaiBan": 1}}}, "giấy tờ thứ 1: thiếu tên"},
		{"document kind", map[string]any{"TaiLieuNop": []any{map[string]any{"TenTaiLieu": "Tờ khai", "LoaiBan": 3}}}, "LoaiBan"},
		{"document count", map[string]any{"TaiLieuNop": []any{map[string]any{"TenTaiLieu": "Tờ khai", "SoLuong": 0}}}, "SoLuong"},
		{"too many documents", map[string]any{"TaiLieuNop": make([]any, 31)}, "31 giấy tờ"},
		{"days", map[string]any{"ThoiGianGiaiQuyet": -1}, "ThoiGianGiaiQuyet"},
		{"reprint", map[string]any{"InLai": "có"}, "InLai"},
		{"object for a text", map[string]any{"ChuHoSo": map[string]any{"x": 1}}, "không đọc được"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := record(map[string]any{"MaHoSo": "000.00.14.H56-261201-0002"})
			recs, err := NewDecoder(nil).Decode(encode(t, []any{good, record(tc.change)}))
			var perr *Error
			if !errors.As(err, &perr) || !errors.Is(err, ErrInvalid) || recs != nil {
				t.Fatalf("%+v, %v", recs, err)
			}
			if len(perr.Items) == 0 || perr.Items[0].Index != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q, want record 2 and %q", err, tc.want)
			}
		})
	}
}

func TestDecodeRefusesUnreadablePushes(t *testing.T) {
	d := NewDecoder(nil)
	dup := record(nil)
	for name, body := range map[string]string{
		"empty":          "",
		"not JSON":       "<xml/>",
		"broken JSON":    `[{"MaHoSo": }]`,
		"no records":     "[]",
		"no record key":  `{"service":"DongBoHoSoMC"}`,
		"data not array": `{"data": {"MaHoSo": "x"}}`,
		"duplicate":      string(encode(t, []any{dup, dup})),
		"too many":       "[" + strings.TrimSuffix(strings.Repeat(string(encode(t, dup))+",", MaxRecords+1), ",") + "]",
	} {
		if recs, err := d.Decode([]byte(body)); !errors.Is(err, ErrInvalid) || recs != nil {
			t.Errorf("%s: %+v, %v", name, recs, err)
		}
	}
}

func TestDecodeWithConfiguredShapes(t *testing.T) {
	codes, err := dossier.NewCodes(dossier.ShapesFor("", []dossier.CodeShape{{Name: "tnmt", Pattern: `^TNMT-\d{10}$`}}))
	if err != nil {
		t.Fatal(err)
	}
	recs, err := NewDecoder(codes).Decode(encode(t, record(map[string]any{"MaHoSo": "tnmt-2026000001"})))
	if err != nil || recs[0].Code != "TNMT-2026000001" {
		t.Fatalf("%+v, %v", recs, err)
	}
}

// FuzzDecode: any body either gives records that keep every rule, or an
// *Error wrapping ErrInvalid; never a panic.
func FuzzDecode(f *testing.F) {
	if b, err := os.ReadFile("testdata/push.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`[{"MaHoSo":"G09.20-20260609-0092637","TenTTHC":"x","ChuHoSo":"y","NgayTiepNhan":"20260609080000","TrangThaiHoSo":"10"}]`))
	f.Add([]byte(`{"MaHoSo":"000.00.14.H56-200203-0118","TenTTHC":"x","ChuHoSo":"y","NgayTiepNhan":"20200203083000","TrangThaiHoSo":2,"TaiLieuNop":[{"TenGiayTo":"a","LoaiBan":"bs","SoLuong":"99"}]}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte("\xef\xbb\xbf[1,2,3]"))
	d := NewDecoder(nil)
	codes := dossier.DefaultCodes()
	f.Fuzz(func(t *testing.T, body []byte) {
		recs, err := d.Decode(body)
		if err != nil {
			var perr *Error
			if !errors.As(err, &perr) || !errors.Is(err, ErrInvalid) || recs != nil {
				t.Fatalf("error %T %v with %d records", err, err, len(recs))
			}
			return
		}
		if len(recs) == 0 || len(recs) > MaxRecords {
			t.Fatalf("%d records", len(recs))
		}
		seen := map[string]bool{}
		for _, r := range recs {
			if _, ok := codes.Shape(r.Code); !ok || seen[r.Code] {
				t.Fatalf("code %q", r.Code)
			}
			seen[r.Code] = true
			if !r.Status.Valid() || r.Procedure == "" || r.Applicant == "" || r.ReceivedAt.IsZero() {
				t.Fatalf("record %+v", r)
			}
			if !r.DueAt.IsZero() && r.DueAt.Before(r.ReceivedAt) {
				t.Fatalf("due before received: %+v", r)
			}
			if len(r.Documents) > MaxDocuments {
				t.Fatalf("%d documents", len(r.Documents))
			}
			for _, doc := range r.Documents {
				if doc.Name == "" || doc.Count < 1 || doc.Count > MaxCount || (doc.Kind != "" && doc.Kind.Label() == "") {
					t.Fatalf("document %+v", doc)
				}
			}
		}
	})
}
