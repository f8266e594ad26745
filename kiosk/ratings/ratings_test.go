package ratings

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
)

var ict = time.FixedZone("ICT", 7*3600)

func newStore(t *testing.T) (*Store, *clocktest.Fake) {
	t.Helper()
	db, err := database.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clocktest.New(time.Date(2026, 12, 1, 9, 0, 0, 0, ict))
	s, err := Open(context.Background(), db, clk)
	if err != nil {
		t.Fatal(err)
	}
	return s, clk
}

func fill(t *testing.T, s *Store, clk *clocktest.Fake) {
	t.Helper()
	ctx := context.Background()
	for _, l := range []Link{
		{TicketID: "t1", Day: "2026-12-01", Code: "000.00.14.H56-261201-0001", Kind: HandedIn},
		{TicketID: "t1", Day: "2026-12-01", Code: "G09.20-20261201-0092637", Kind: Collected},
		{TicketID: "t1", Day: "2026-12-01", Code: "000.00.14.H56-261201-0001", Kind: Collected}, // again: the first stays
		{TicketID: "t3", Day: "2026-12-01", Code: "000.00.14.H56-261201-0003", Kind: HandedIn},
	} {
		clk.Advance(time.Second)
		if err := s.Link(ctx, l); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []Rating{
		{TicketID: "t1", Day: "2026-12-01", Number: "A001", Counter: "1", Clerk: "canbo1", Value: 3},
		{TicketID: "t2", Day: "2026-12-01", Number: "A002", Counter: "1", Clerk: "canbo1", Value: 1},
		{TicketID: "t3", Day: "2026-12-01", Number: "B001", Counter: "2", Clerk: "canbo2", Value: 2},
		{TicketID: "t4", Day: "2026-12-01", Number: "B002", Counter: "2", Value: 3},
		{TicketID: "t1", Day: "2026-12-01", Number: "A001", Counter: "1", Clerk: "canbo9", Value: 1}, // again: the first stays
		{TicketID: "t5", Day: "2026-12-02", Number: "A001", Counter: "1", Clerk: "canbo1", Value: 2},
	} {
		clk.Advance(time.Minute)
		if err := s.Record(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

func TestStoreKeepsClerkAndDossiers(t *testing.T) {
	s, clk := newStore(t)
	fill(t, s, clk)
	list, err := s.List(context.Background(), "2026-12-01", "2026-12-01")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 4 {
		t.Fatalf("%d ratings", len(list))
	}
	r := list[0]
	if r.TicketID != "t1" || r.Clerk != "canbo1" || r.Value != 3 || strings.Join(r.Codes, " ") != "000.00.14.H56-261201-0001 G09.20-20261201-0092637" ||
		strings.Join(r.Kinds, " ") != "handed_in collected" {
		t.Fatalf("first %+v", r)
	}
	if len(list[1].Codes) != 0 || list[3].Clerk != "" {
		t.Fatalf("list %+v", list)
	}
	for _, bad := range []Rating{{TicketID: "x", Day: "2026-12-01", Value: 4}, {Day: "2026-12-01", Value: 2}} {
		if err := s.Record(context.Background(), bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	if err := s.Link(context.Background(), Link{TicketID: "x", Day: "d", Code: "c", Kind: "lost"}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad kind: %v", err)
	}
}

func TestByOfficer(t *testing.T) {
	s, clk := newStore(t)
	fill(t, s, clk)
	list, _ := s.List(context.Background(), "2026-12-01", "2026-12-02")
	got := ByOfficer(list, map[string]string{"canbo1": "Trần Văn Bình", "canbo2": "Lê Thị Mai"})
	if len(got) != 3 {
		t.Fatalf("%+v", got)
	}
	b := got[0]
	if b.Clerk != "canbo1" || b.Name != "Trần Văn Bình" || b.Ratings != 3 || b.Counts != [3]int{1, 1, 1} || b.Average != 2 ||
		b.SatisfiedShare != 66.7 || b.Dossiers != 1 {
		t.Fatalf("canbo1 %+v", b)
	}
	if got[1].Clerk != "" || got[1].Name != "Không rõ cán bộ" || got[2].Clerk != "canbo2" || got[2].SatisfiedShare != 100 {
		t.Fatalf("others %+v", got[1:])
	}
}

func TestExportOpensInExcel(t *testing.T) {
	s, clk := newStore(t)
	fill(t, s, clk)
	list, _ := s.List(context.Background(), "2026-12-01", "2026-12-01")
	var b bytes.Buffer
	if err := WriteExport(&b, list, ExportOpts{Unit: "UBND xã An Phú", AgencyCode: "000.00.14.H56",
		Names: map[string]string{"canbo1": "Trần Văn Bình"}, Counters: map[string]string{"1": "Quầy 1"}, Location: ict}); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) || !bytes.Contains(b.Bytes(), []byte("\r\n")) {
		t.Fatal("no BOM or CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The header, t1 twice (two dossiers), t2, t3, t4.
	if len(rows) != 6 || rows[0][8] != "Mã hồ sơ" {
		t.Fatalf("%d rows: %q", len(rows), rows)
	}
	first := strings.Join(rows[1], "|")
	if first != "000.00.14.H56|UBND xã An Phú|2026-12-01|01/12/2026 09:01:04|A001|Quầy 1|canbo1|Trần Văn Bình|000.00.14.H56-261201-0001|Nộp hồ sơ|Rất hài lòng|3|Chưa" {
		t.Fatalf("row %s", first)
	}
	if rows[2][8] != "G09.20-20261201-0092637" || rows[2][9] != "Nhận kết quả" || rows[3][8] != "" || rows[3][10] != "Không hài lòng" {
		t.Fatalf("rows %q", rows[2:4])
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// Ratings are pushed in order until acknowledged; a failure stops the
// round and the rating is sent again in the next, after a restart too.
func TestPusherAtLeastOnce(t *testing.T) {
	s, clk := newStore(t)
	fill(t, s, clk)
	var sent []string
	fail := map[string]int{"t3": 1}
	send := func(_ context.Context, r Rated) error {
		sent = append(sent, r.TicketID)
		if fail[r.TicketID] > 0 {
			fail[r.TicketID]--
			return errors.New("HTTP 503")
		}
		return nil
	}
	p, err := NewPusher(PushOpts{Store: s, Send: send, Clock: clk, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if n := p.Round(ctx); n != 2 || strings.Join(sent, " ") != "t1 t2 t3" {
		t.Fatalf("first round: %d, sent %v", n, sent)
	}
	p2, _ := NewPusher(PushOpts{Store: s, Send: send, Clock: clk, Logger: quiet()}) // a restart
	if n := p2.Round(ctx); n != 3 || strings.Join(sent, " ") != "t1 t2 t3 t3 t4 t5" {
		t.Fatalf("second round: %d, sent %v", n, sent)
	}
	if n := p2.Round(ctx); n != 0 {
		t.Fatalf("a third round sent %d", n)
	}
	list, _ := s.List(ctx, "2026-12-01", "2026-12-02")
	for _, r := range list {
		if r.PushedAt.IsZero() {
			t.Fatalf("%s not marked pushed", r.TicketID)
		}
	}
	if list[2].Attempts != 2 {
		t.Fatalf("t3 attempts %d", list[2].Attempts)
	}
}

// Run pushes a rating stored after it started within one period, and
// returns when its context ends.
func TestPusherRunStopsWithItsContext(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := newStore(t)
		sent := make(chan string, 4)
		p, err := NewPusher(PushOpts{Store: s, Every: 30 * time.Second, Logger: quiet(),
			Send: func(_ context.Context, r Rated) error { sent <- r.TicketID; return nil }})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { defer close(done); p.Run(ctx) }()
		synctest.Wait()
		if err := s.Record(ctx, Rating{TicketID: "t9", Day: "2026-12-01", Number: "C001", Counter: "3", Value: 2}); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if got := <-sent; got != "t9" || time.Since(start) > 30*time.Second {
			t.Fatalf("sent %q after %v", got, time.Since(start))
		}
		cancel()
		<-done
	})
}
