package server

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/layout/layouttest"
	"motcua/internal/clock/clocktest"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/printing"
	"motcua/kiosk/ratings"
	"motcua/queue"
	"motcua/queue/queuetest"
)

// pushEnv is the demo center with its file printers, its registry and the
// main system's push token.
type pushEnv struct {
	*printEnv
	reg *registry.Registry
	dir string
}

const pushToken = "the-province-push-token-0123456789"

func newPushEnv(t *testing.T) *pushEnv { return newPushEnvWith(t, nil) }

// newPushEnvWith changes the demo config before the server starts.
func newPushEnvWith(t *testing.T, change func(*config.Config)) *pushEnv {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg, err := config.Load("../../../../configs/demo.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dossiers.PushToken = pushToken
	if change != nil {
		change(cfg)
	}
	clk := clocktest.New(time.Date(2026, 12, 1, 9, 0, 0, 0, ict))
	dir := t.TempDir()
	db, err := database.Open(filepath.Join(dir, "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := registry.Open(ctx, db, registry.Opts{Clock: clk, Codes: cfg.Dossiers.Codes()})
	if err != nil {
		t.Fatal(err)
	}
	store := queuetest.NewStore()
	e, err := queue.New(ctx, queue.Opts{Fields: cfg.QueueFields(), Counters: cfg.QueueCounters(), Store: store, Clock: clk, Location: ict})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { defer close(done); e.Run(ctx) }()
	po := printing.Opts{DataDir: dir, CenterName: cfg.Center.Name, BaseURL: cfg.BaseURL(), Location: ict}
	for _, p := range cfg.Printers {
		po.Printers = append(po.Printers, printing.Printer{Name: p.Name, Transport: p.Transport, Dir: filepath.Join(dir, p.Name), Width: p.Width})
	}
	prints, err := printing.Open(ctx, db, e, po)
	if err != nil {
		t.Fatal(err)
	}
	rates, err := ratings.Open(ctx, db, clk)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Opts{Config: cfg, Engine: e, Store: pingOK{}, Sessions: testSessions(t, clk), Clock: clk, Printing: prints, Registry: reg,
		Ratings: rates, ReceiptSecret: []byte("a receipt secret of 32 bytes or more")})
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(func() { hs.Close(); prints.Close(); cancel(); <-done; db.Close() })
	return &pushEnv{printEnv: &printEnv{env: &env{t: t, srv: hs, engine: e, store: store, clock: clk}, db: db}, reg: reg, dir: dir}
}

// waitPrinted waits for a job to leave the queue and returns its state.
func (p *pushEnv) waitPrinted(job string) map[string]any {
	p.t.Helper()
	var st map[string]any
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		_, st = p.do("GET", "/api/v1/receipts/"+job, pushToken, "")
		if s := st["state"]; s == "printed" || s == "sent" || s == "failed" {
			break
		}
	}
	return st
}

func pushBody(t *testing.T, records ...map[string]any) string {
	b, err := json.Marshal(map[string]any{"service": "DongBoHoSoMC", "data": records})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func pushed(code string, extra map[string]any) map[string]any {
	r := map[string]any{"MaHoSo": code, "MaTTHC": "1.001193", "TenTTHC": "Đăng ký khai sinh", "ChuHoSo": "Nguyễn Thị Hoa",
		"NgayTiepNhan": "20261201083000", "NgayHenTra": "20261203170000", "TrangThaiHoSo": 2,
		"DonViXuLy": "Bộ phận một cửa", "NguoiTiepNhan": "Trần Văn Bình",
		"TaiLieuNop": []any{map[string]any{"TenTaiLieu": "Tờ khai", "LoaiBan": 1, "SoLuong": 1}}}
	for k, v := range extra {
		r[k] = v
	}
	return r
}

// A pushed record is recorded and its receipt printed on the printer of the
// counter that received it (MaQuay, or the officer's account), with the
// code the province's system issued in its barcode; pushing it again
// prints nothing more.
func TestPushedDossierPrintsOnItsCounter(t *testing.T) {
	p := newPushEnv(t)
	ministry := "G09.20-20261201-0092637"
	body := pushBody(t, pushed("000.00.14.H56-261201-0007", map[string]any{"MaQuay": "2"}),
		pushed(ministry, map[string]any{"TaiKhoanTiepNhan": "canbo3"}),
		pushed("000.00.14.H56-261201-0008", nil))
	code, r := p.do("POST", "/api/v1/dossiers/sync", pushToken, body)
	if code != 202 || r["created"] != float64(3) {
		t.Fatalf("push: %d %v", code, r)
	}
	receipts := r["receipts"].([]any)
	want := []struct{ printer, print string }{{"quay2", "queued"}, {"quay3", "queued"}, {"", "no_printer"}}
	for i, w := range want {
		got := receipts[i].(map[string]any)
		if got["print"] != w.print || (w.printer != "" && got["printer"] != w.printer) {
			t.Fatalf("receipt %d: %v, want %v", i, got, w)
		}
	}
	for i, printer := range []string{"quay2", "quay3"} {
		job := receipts[i].(map[string]any)["job"].(string)
		if st := p.waitPrinted(job); st["state"] != "printed" && st["state"] != "sent" || st["printer"] != printer {
			t.Fatalf("job %s: %v", job, st)
		}
		pngs, _ := filepath.Glob(filepath.Join(p.dir, printer, "*receipt*.png"))
		if len(pngs) != 1 {
			t.Fatalf("%s printed %v", printer, pngs)
		}
		codes := layouttest.Zbar(t, pngs[0])
		wantCode := receipts[i].(map[string]any)["code"].(string)
		found := false
		for _, c := range codes {
			found = found || c == wantCode
		}
		if !found {
			t.Fatalf("%s: zbarimg read %q, want %q", printer, codes, wantCode)
		}
	}
	for _, other := range []string{"quay1", "quay4", "kiosk1"} {
		if files, _ := filepath.Glob(filepath.Join(p.dir, other, "*")); len(files) != 0 {
			t.Fatalf("%s printed %v", other, files)
		}
	}
	d, err := p.reg.Lookup(context.Background(), ministry)
	if err != nil || d.Procedure != "Đăng ký khai sinh" || d.Status != dossier.StatusAccepted || d.Unit != "Bộ phận một cửa" {
		t.Fatalf("registry: %+v, %v", d, err)
	}

	jobs := p.jobs()
	code, r = p.do("POST", "/api/v1/dossiers/sync", pushToken, pushBody(t, pushed(ministry, map[string]any{"TrangThaiHoSo": 4, "TaiKhoanTiepNhan": "canbo3"})))
	if code != 202 || r["updated"] != float64(1) || r["receipts"].([]any)[0].(map[string]any)["print"] != "already_printed" || p.jobs() != jobs {
		t.Fatalf("the same dossier again: %d %v, %d jobs", code, r, p.jobs()-jobs)
	}
	if d, _ := p.reg.Lookup(context.Background(), ministry); d.Status != dossier.StatusProcessing {
		t.Fatalf("status after the second push: %d", d.Status)
	}
	code, r = p.do("POST", "/api/v1/dossiers/sync", pushToken, pushBody(t, pushed(ministry, map[string]any{"InLai": true, "MaQuay": "1"})))
	if code != 202 || r["receipts"].([]any)[0].(map[string]any)["printer"] != "quay1" || p.jobs() != jobs+1 {
		t.Fatalf("reprint: %d %v", code, r)
	}
}

// Only the main system's token (or the administrator) may push; a push
// with a bad record changes nothing and names the record.
func TestPushRefusals(t *testing.T) {
	p := newPushEnv(t)
	good := pushed("000.00.14.H56-261201-0001", map[string]any{"MaQuay": "1"})
	if code, _ := p.do("POST", "/api/v1/dossiers/sync", "", pushBody(t, good)); code != 401 {
		t.Fatalf("no token: %d", code)
	}
	if code, _ := p.do("POST", "/api/v1/dossiers/sync", p.login("canbo1"), pushBody(t, good)); code != 403 {
		t.Fatalf("a clerk: %d", code)
	}
	bad := pushed("G09.20-2026120-0092637", map[string]any{"MaQuay": "1"})
	code, r := p.do("POST", "/api/v1/dossiers/sync", pushToken, pushBody(t, good, bad))
	if code != 400 || errCode(r) != "invalid_push" {
		t.Fatalf("bad record: %d %v", code, r)
	}
	recs := r["error"].(map[string]any)["records"].([]any)
	if len(recs) != 1 || recs[0].(map[string]any)["index"] != float64(2) || !strings.Contains(recs[0].(map[string]any)["message"].(string), "không đúng mẫu") {
		t.Fatalf("records %v", recs)
	}
	if p.jobs() != 0 {
		t.Fatal("a refused push printed")
	}
	if _, err := p.reg.Lookup(context.Background(), "000.00.14.H56-261201-0001"); err == nil {
		t.Fatal("a refused push wrote the registry")
	}
	if code, r := p.do("POST", "/api/v1/dossiers/sync", pushToken, "<xml/>"); code != 400 || errCode(r) != "invalid_push" {
		t.Fatalf("not JSON: %d %v", code, r)
	}
	admin := p.login("quantri")
	if code, r := p.do("POST", "/api/v1/dossiers/sync", admin, pushBody(t, good)); code != 202 {
		t.Fatalf("the administrator: %d %v", code, r)
	}
}
