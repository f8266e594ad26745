package dossier

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestMaskName(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"three words", "Nguyễn Thị Hoa", "N*** T*** H***"},
		{"decomposed accents", "Nguye\u0302\u0303n Thi\u0323 Hoa", "N*** T*** H***"},
		{"đ and long word", "Đặng Văn Trường", "Đ*** V*** T***"},
		{"decomposed first letter", "E\u0301n", "É***"},
		{"extra spaces", "  Lê   Na ", "L*** N***"},
		{"one letter", "A", "A***"},
		{"company", "Công ty TNHH ABC", "C*** t*** T*** A***"},
		{"punctuation first", "(Bình)", "B***"},
		{"no letters", "-", "***"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MaskName(tc.in); got != tc.want {
				t.Fatalf("MaskName(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// Names whose words start alike mask alike, whatever the words' lengths
// and second letters ("Trần Văn Bình" was "Tr** V** Bì**").
func TestMaskNameHidesLength(t *testing.T) {
	want := MaskName("Trần Văn Bình")
	for _, other := range []string{"Tô Vũ Ba", "Trương Vương Bảo", "Tạ Viết Bìnhhhhhhhh", "T V B"} {
		if got := MaskName(other); got != want {
			t.Errorf("MaskName(%q) = %q, MaskName(\"Trần Văn Bình\") = %q: lengths or letters leak", other, got, want)
		}
	}
}

func TestStatusLabels(t *testing.T) {
	want := map[Status]string{1: "Mới đăng ký", 2: "Được tiếp nhận", 3: "Không được tiếp nhận",
		4: "Đang xử lý", 5: "Yêu cầu bổ sung giấy tờ", 6: "Yêu cầu thực hiện nghĩa vụ tài chính",
		7: "Công dân yêu cầu rút hồ sơ", 8: "Dừng xử lý", 9: "Đã xử lý xong", 10: "Đã trả kết quả"}
	for s := Status(0); s <= 11; s++ {
		if s.Valid() != (want[s] != "") {
			t.Errorf("Status(%d).Valid() = %v", s, s.Valid())
		}
		if w, ok := want[s]; ok && s.Label() != w {
			t.Errorf("Status(%d).Label() = %q, want %q", s, s.Label(), w)
		}
	}
}

func TestFinishOverdue(t *testing.T) {
	z := Zone()
	due := time.Date(2024, 5, 10, 17, 0, 0, 0, z)
	now := due.Add(time.Hour)
	for _, tc := range []struct {
		name    string
		status  Status
		due     time.Time
		history []Event
		want    bool
	}{
		{"processing past due", StatusProcessing, due, nil, true},
		{"processing before due", StatusProcessing, now.Add(time.Hour), nil, false},
		{"no due date", StatusProcessing, time.Time{}, nil, false},
		{"rejected past due", StatusRejected, due, nil, false},
		{"withdrawn past due", StatusWithdrawn, due, nil, false},
		{"done on time", StatusReturned, due, []Event{{At: due.Add(-time.Hour), Status: StatusDone}, {At: due.Add(time.Minute), Status: StatusReturned}}, false},
		{"done late", StatusDone, due, []Event{{At: due.Add(time.Minute), Status: StatusDone}}, true},
		{"done, history unknown", StatusReturned, due, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Dossier{Code: "X", Status: tc.status, DueAt: tc.due, History: tc.history}
			d.Finish(now)
			if d.Overdue != tc.want {
				t.Fatalf("Overdue = %v, want %v", d.Overdue, tc.want)
			}
			if d.StatusLabel != tc.status.Label() {
				t.Fatalf("StatusLabel = %q", d.StatusLabel)
			}
		})
	}
}

func TestDossierJSON(t *testing.T) {
	d := Dossier{Code: "000.00.14.H56-200203-0118", Status: StatusProcessing, Applicant: "N*** T*** H***",
		ReceivedAt: time.Date(2020, 2, 3, 1, 30, 0, 0, time.UTC)}
	d.Finish(d.ReceivedAt)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"code":"000.00.14.H56-200203-0118"`, `"status":4`, `"status_label":"Đang xử lý"`,
		`"received_at":"2020-02-03T08:30:00+07:00"`, `"overdue":false`, `"history":[]`, `"unit":""`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	if strings.Contains(s, "due_at") {
		t.Errorf("an unknown due date must be left out: %s", s)
	}
}

func TestNormalizeCode(t *testing.T) {
	if got := NormalizeCode(" 000.00.14.h56 - 200203-0118\t"); got != "000.00.14.H56-200203-0118" {
		t.Fatalf("got %q", got)
	}
	if got := NormalizeCode("０００.00.14.H56-200203-0118"); got != "000.00.14.H56-200203-0118" {
		t.Fatalf("full-width digits: got %q", got)
	}
}
