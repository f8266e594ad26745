package registry

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/dossier"
)

// An import reports each dossier whose current status it set or moved,
// with that status: new dossiers, a newer status; not the same status
// again, a unit alone, nor an older status that joins the history only.
func TestImportReportsStatusChanges(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	if err := r.Record(ctx, ReceiptInfo{Code: code, Procedure: "Đăng ký khai sinh", Applicant: "Nguyễn Thị Hoa"}); err != nil {
		t.Fatal(err)
	}
	const other = "000.00.14.H56-240510-0002"
	imp := func(csv string) []StatusChange {
		t.Helper()
		res, err := r.Import(ctx, strings.NewReader(csv), FormatCSV)
		if err != nil {
			t.Fatal(err)
		}
		return res.Changed
	}
	clk.Advance(time.Hour)
	if got, want := imp("code,status\n"+code+",4\n"+other+",2\n"), []StatusChange{{code, 4}, {other, 2}}; !reflect.DeepEqual(got, want) {
		t.Fatalf("first import: %+v, want %+v", got, want)
	}
	if got := imp("code,status,unit\n" + code + ",4,Phòng Tư pháp\n" + other + ",2,\n"); len(got) != 0 {
		t.Fatalf("same statuses again: %+v, want none", got)
	}
	if got := imp("code,status,status_at\n" + code + ",5,2024-05-10 08:00\n"); len(got) != 0 {
		t.Fatalf("an older status: %+v, want none", got)
	}
	if d, _ := r.Lookup(ctx, code); d.Status != dossier.StatusProcessing {
		t.Fatalf("status %d after an older one, want 4", d.Status)
	}
	clk.Advance(time.Hour)
	res, err := r.Put(ctx, []Entry{{Code: code, Status: dossier.StatusDone}, {Code: other, Status: dossier.StatusAccepted}})
	if want := []StatusChange{{code, dossier.StatusDone}}; err != nil || !reflect.DeepEqual(res.Changed, want) {
		t.Fatalf("Put: %+v %v, want %+v", res.Changed, err, want)
	}
}
