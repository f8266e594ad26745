package dongbo

import (
	"encoding/json"
	"fmt"
	"testing"
)

// BenchmarkDecode500 decodes and checks a push of 500 records (the most
// one push may carry), each with three documents.
func BenchmarkDecode500(b *testing.B) {
	recs := make([]map[string]any, MaxRecords)
	for i := range recs {
		recs[i] = map[string]any{"MaHoSo": fmt.Sprintf("000.00.14.H56-261201-%04d", i+1), "MaTTHC": "1.001193",
			"TenTTHC": "Đăng ký khai sinh", "ChuHoSo": "Nguyễn Thị Hoa", "NgayTiepNhan": "20261201083000",
			"NgayHenTra": "20261203170000", "TrangThaiHoSo": 2, "DonViXuLy": "Bộ phận một cửa", "MaQuay": "1",
			"TaiLieuNop": []any{map[string]any{"TenTaiLieu": "Tờ khai", "LoaiBan": 1, "SoLuong": 1},
				map[string]any{"TenTaiLieu": "Giấy chứng sinh", "LoaiBan": 1}, map[string]any{"TenTaiLieu": "Căn cước", "LoaiBan": 2, "SoLuong": 2}}}
	}
	body, err := json.Marshal(map[string]any{"service": "DongBoHoSoMC", "data": recs})
	if err != nil {
		b.Fatal(err)
	}
	d := NewDecoder(nil)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if out, err := d.Decode(body); err != nil || len(out) != MaxRecords {
			b.Fatal(len(out), err)
		}
	}
}
