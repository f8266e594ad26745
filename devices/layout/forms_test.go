package layout

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/devices/layout/layouttest"
)

func communeReceipt() ReceiptJob {
	j := sampleReceipt()
	j.IDNumber = "079199012345"
	j.Documents = nil
	j.DocumentRows = []Document{
		{Name: "Tờ khai đăng ký khai sinh", Kind: KindOriginal, Count: 1},
		{Name: "Giấy chứng sinh do cơ sở y tế cấp", Kind: KindOriginal},
		{Name: "Giấy tờ tùy thân của người đi đăng ký khai sinh, có ảnh và còn thời hạn sử dụng", Kind: KindCopy, Count: 2},
	}
	j.Fee = ""
	lay := CommuneReceiptLayout()
	lay.Heading = []string{"UBND XÃ AN PHÚ", "{office}"}
	j.Layout = &lay
	return j
}

func sampleNotice(form string) NoticeJob {
	j := NoticeJob{Form: form, DossierCode: "G09.20-20261201-0092637", Procedure: "Cấp phiếu lý lịch tư pháp",
		Applicant:  Applicant{Name: "Lê Văn Nam", Address: "Thôn 3, xã An Phú", Phone: "0987 654 321"},
		ReceivedAt: time.Date(2026, 12, 1, 8, 30, 0, 0, hcm), At: time.Date(2026, 12, 1, 9, 0, 0, 0, hcm),
		Receiver: "Trần Văn Dũng", Copies: 2, Agency: "UBND xã An Phú", Place: "An Phú",
		LookupURL: "https://motcua.anphu.gov.vn/h/G09.20-20261201-0092637?sig=ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
	if form == FormSupplement {
		j.Items = []string{"Bản sao căn cước có chứng thực", "Tờ khai ghi rõ nơi cư trú từ năm 14 tuổi"}
		j.Reason = "Tờ khai chưa ghi đủ quá trình cư trú"
		j.Contact = "bà Lê Thị Mai, số điện thoại 028 3829 1234"
	} else {
		j.Items = []string{"Thủ tục không thuộc thẩm quyền giải quyết của xã"}
	}
	return j
}

func texts(lines []bodyLine) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = l.text
	}
	return out
}

// The lines, their order, numbering and labels follow the layout.
func TestReceiptLinesFollowTheLayout(t *testing.T) {
	j := communeReceipt()
	recv := j.ReceivedAt
	got := texts(receiptLines(j, *j.Layout, recv, hcm))
	want := []string{
		"Tiếp nhận hồ sơ của: Nguyễn Thị Hồng Nhung",
		"Số CCCD/MST: 079199012345",
		"Địa chỉ: Số 12 đường Lê Thánh Tôn, phường Bến Thành, Quận 1, Thành phố Hồ Chí Minh",
		"Số điện thoại: 0912 345 678",
		"Email: hongnhung@example.vn",
		"Nội dung yêu cầu giải quyết: " + j.Procedure,
		"1. Thành phần hồ sơ nộp gồm:",
		"2. Số lượng hồ sơ: 01 bộ",
		"3. Thời gian giải quyết hồ sơ theo quy định: 15 ngày làm việc",
		"4. Thời gian nhận hồ sơ: 08 giờ 15 phút, ngày 21 tháng 11 năm 2026",
		"5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 12 tháng 12 năm 2026",
		"6. Đăng ký nhận kết quả tại: " + j.ReturnPlace,
		"7. Phí, lệ phí (nếu có): ",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("commune layout:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	def := sampleReceipt()
	got = texts(receiptLines(def, DefaultReceiptLayout(), def.ReceivedAt, hcm))
	if len(got) != 12 || got[5] != "1. Thành phần hồ sơ nộp gồm:" || got[10] != "6. Đăng ký nhận kết quả tại: "+def.ReturnPlace || got[11] != "Phí, lệ phí: Miễn lệ phí" {
		t.Fatalf("default layout: %q", got)
	}
	def.Fee = ""
	if got = texts(receiptLines(def, DefaultReceiptLayout(), def.ReceivedAt, hcm)); len(got) != 11 {
		t.Fatalf("default layout without a fee: %q", got)
	}

	custom := ReceiptLayout{Lines: []ReceiptLine{
		{Field: FieldProcedure, Label: "Thủ tục: "},
		{Field: FieldDueAt, Numbered: true, Label: "Hẹn trả: "},
		{Field: FieldApplicant, Numbered: true},
		{Field: FieldEmail, OmitEmpty: true},
	}}
	def.Applicant.Email = ""
	got = texts(receiptLines(def, custom, def.ReceivedAt, hcm))
	if len(got) != 3 || got[0] != "Thủ tục: "+def.Procedure || !strings.HasPrefix(got[1], "1. Hẹn trả: 16 giờ") || got[2] != "2. Tiếp nhận hồ sơ của: "+def.Applicant.Name {
		t.Fatalf("custom layout: %q", got)
	}
}

func TestReceiptLayoutCheck(t *testing.T) {
	for name, l := range map[string]ReceiptLayout{
		"no lines":      {},
		"unknown field": {Lines: []ReceiptLine{{Field: "cccd"}}},
		"twice":         {Lines: []ReceiptLine{{Field: FieldFee}, {Field: FieldFee}}},
		"documents":     {Lines: []ReceiptLine{{Field: FieldFee}}, Documents: "grid"},
		"heading":       {Lines: []ReceiptLine{{Field: FieldFee}}, Heading: make([]string, 7)},
	} {
		if err := l.Check(); err == nil {
			t.Errorf("%s accepted", name)
		}
		j := sampleReceipt()
		j.Layout = &l
		if _, err := newRenderer(t).Receipt(j, Opts{Width: Width80}); err == nil {
			t.Errorf("%s: receipt rendered", name)
		}
	}
	for _, name := range []string{"", LayoutDefault, LayoutCommune} {
		l, err := NamedReceiptLayout(name)
		if err != nil || l.Check() != nil {
			t.Errorf("%q: %v", name, err)
		}
	}
	if _, err := NamedReceiptLayout("a4"); err == nil {
		t.Error("unknown layout name accepted")
	}
}

func TestNoticeLines(t *testing.T) {
	sup := noticeLines(sampleNotice(FormSupplement), ReceiptOffice, hcm)
	refusal := noticeLines(sampleNotice(FormRefusal), ReceiptOffice, hcm)
	joined := func(ls []noticeLine) string {
		var b strings.Builder
		for _, l := range ls {
			b.WriteString(l.text + "\n")
		}
		return b.String()
	}
	for _, want := range []string{
		"Bộ phận tiếp nhận và trả kết quả đã tiếp nhận hồ sơ của: Lê Văn Nam\n",
		"Nội dung yêu cầu giải quyết: Cấp phiếu lý lịch tư pháp\n",
		"Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:\n1) Bản sao căn cước có chứng thực\n2) Tờ khai",
		"Lý do: Tờ khai chưa ghi đủ quá trình cư trú\n",
		"liên hệ bà Lê Thị Mai, số điện thoại 028 3829 1234 để được hướng dẫn.\n",
	} {
		if !strings.Contains(joined(sup), want) {
			t.Errorf("form 02 lacks %q:\n%s", want, joined(sup))
		}
	}
	for _, want := range []string{
		"Qua xem xét, Bộ phận tiếp nhận và trả kết quả thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau:\n1) Thủ tục không thuộc",
		"Xin thông báo để ông/bà được biết và thực hiện./.\n",
	} {
		if !strings.Contains(joined(refusal), want) {
			t.Errorf("form 03 lacks %q:\n%s", want, joined(refusal))
		}
	}
	if strings.Contains(joined(refusal), "Lý do:") {
		t.Error("form 03 has form 02's reason line")
	}
}

// Forms 02 and 03 and the commune receipt pass the receipt's checks: a
// scanner reads the dossier code and the lookup URL off the preview on
// both rolls, with native and raster codes.
func TestFormsReadBack(t *testing.T) {
	r := newRenderer(t)
	dir := t.TempDir()
	type job struct {
		name       string
		code, url  string
		render     func(Opts) (*Output, error)
		wantCopies int
	}
	commune := communeReceipt()
	jobs := []job{{"receipt-commune", commune.DossierCode, commune.LookupURL, func(o Opts) (*Output, error) { return r.Receipt(commune, o) }, 2}}
	for _, form := range []string{FormSupplement, FormRefusal} {
		n := sampleNotice(form)
		jobs = append(jobs, job{"form" + form, n.DossierCode, n.LookupURL, func(o Opts) (*Output, error) { return r.Notice(n, o) }, 2})
	}
	for _, j := range jobs {
		for _, tc := range []struct {
			name string
			o    Opts
		}{
			{"80mm-native", Opts{Width: Width80}},
			{"58mm-native", Opts{Width: Width58}},
			{"80mm-raster", Opts{Width: Width80, RasterCodes: true}},
		} {
			t.Run(j.name+"-"+tc.name, func(t *testing.T) {
				out, err := j.render(tc.o)
				if err != nil {
					t.Fatal(err)
				}
				codes := zbar(t, savePNG(t, out, dir, j.name+"-"+tc.name+".png"))
				if !contains(codes, j.code) || !contains(codes, j.url) {
					t.Fatalf("zbarimg read %q, want %q and %q", codes, j.code, j.url)
				}
				cuts := 0
				for _, c := range rasterCommands(t, out.Bytes) {
					if c.Name == "GS V" {
						cuts++
					}
				}
				if cuts != j.wantCopies {
					t.Fatalf("%d cuts, want %d", cuts, j.wantCopies)
				}
			})
		}
	}
}

func TestFormsGoldenBytes(t *testing.T) {
	r := newRenderer(t)
	rc, err := r.Receipt(communeReceipt(), Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	f2, err := r.Notice(sampleNotice(FormSupplement), Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	f3, err := r.Notice(sampleNotice(FormRefusal), Opts{Width: Width80})
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"receipt-commune-80.bin": rc.Bytes, "form02-80.bin": f2.Bytes, "form03-80.bin": f3.Bytes} {
		layouttest.Golden(t, filepath.Join("testdata", name), got, *update)
	}
}

func TestNoticeRefusesBadJobs(t *testing.T) {
	r := newRenderer(t)
	for name, change := range map[string]func(*NoticeJob){
		"form 04":      func(j *NoticeJob) { j.Form = "04" },
		"no code":      func(j *NoticeJob) { j.DossierCode = "" },
		"no items":     func(j *NoticeJob) { j.Items = nil },
		"three copies": func(j *NoticeJob) { j.Copies = 3 },
		"unicode code": func(j *NoticeJob) { j.DossierCode = "Mã-1" },
	} {
		j := sampleNotice(FormSupplement)
		change(&j)
		if _, err := r.Notice(j, Opts{Width: Width80}); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
	b, _ := json.Marshal(sampleNotice(FormRefusal))
	if _, err := r.Render(KindNotice, b, Opts{Width: Width58}); err != nil {
		t.Fatalf("Render notice: %v", err)
	}
}
