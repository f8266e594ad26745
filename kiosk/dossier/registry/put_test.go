package registry

import (
	"context"
	"errors"
	"testing"
	"time"

	"motcua/kiosk/dossier"
)

func TestPutAllOrNothing(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	recv := clk.Now().Add(-time.Hour)
	entries := []Entry{
		{Code: "g09.20-20240510-0092637", Status: dossier.StatusAccepted, Procedure: "Lý lịch tư pháp", Applicant: "Lê Văn Nam", ReceivedAt: recv, DueAt: recv.Add(72 * time.Hour)},
		{Code: code, Status: dossier.StatusProcessing, Procedure: "Khai sinh", Applicant: "Nguyễn Thị Hoa", Unit: "Phòng Tư pháp"},
	}
	known, err := r.Known(ctx, []string{"G09.20-20240510-0092637", code})
	if err != nil || known["G09.20-20240510-0092637"] || known[code] {
		t.Fatalf("known before: %v %v", known, err)
	}
	res, err := r.Put(ctx, entries)
	if err != nil || res.Created != 2 {
		t.Fatalf("Put = %+v, %v", res, err)
	}
	d, err := r.Lookup(ctx, "G09.20-20240510-0092637")
	if err != nil || d.Applicant != "Lê Văn Nam" || d.Status != dossier.StatusAccepted || !d.DueAt.Equal(recv.Add(72*time.Hour)) {
		t.Fatalf("Lookup = %+v, %v", d, err)
	}
	known, _ = r.Known(ctx, []string{"G09.20-20240510-0092637", code, "000.00.14.H56-240510-9999"})
	if !known["G09.20-20240510-0092637"] || !known[code] || known["000.00.14.H56-240510-9999"] {
		t.Fatalf("known after: %v", known)
	}

	clk.Advance(time.Hour)
	bad := []Entry{{Code: code, Status: dossier.StatusDone}, {Code: "ABC", Status: 12}}
	var ierr *ImportError
	if _, err := r.Put(ctx, bad); !errors.As(err, &ierr) || len(ierr.Lines) != 2 || ierr.Lines[0].Line != 2 {
		t.Fatalf("bad entries: %v", err)
	}
	if d, _ := r.Lookup(ctx, code); d.Status != dossier.StatusProcessing {
		t.Fatalf("a refused push changed the registry: status %d", d.Status)
	}
	if _, err := r.Put(ctx, []Entry{{Code: code, Status: 4}, {Code: code, Status: 5}}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate: %v", err)
	}
	res, err = r.Put(ctx, bad[:1])
	if err != nil || res.Updated != 1 {
		t.Fatalf("update: %+v, %v", res, err)
	}
	if d, _ := r.Lookup(ctx, code); d.Status != dossier.StatusDone || len(d.History) != 2 {
		t.Fatalf("after update %+v", d)
	}
}

func TestAgencyDateDigits(t *testing.T) {
	ctx := context.Background()
	r, clk := newRegistry(t)
	for _, c := range []string{"000.00.14.H56-240510-0001", "G09.20-20240510-0092637", "G09.20-20240510-0092638", "G09.20-240510-0001"} {
		if err := r.Record(ctx, ReceiptInfo{Code: c}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := r.AgencyDateDigits(ctx, clk.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["000.00.14.H56"] != 6 || got["G09.20"] != 8 {
		t.Fatalf("%v", got)
	}
}
