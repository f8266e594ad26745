package server

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/layout/layouttest"
	"motcua/kiosk/dossier"
)

func formBody(t *testing.T, fields map[string]any) string {
	body := map[string]any{"form": "02", "dossier_code": "000.00.14.H56-261201-0003",
		"items": []string{"Bản sao căn cước có chứng thực"}, "reason": "Thiếu giấy tờ tùy thân"}
	for k, v := range fields {
		body[k] = v
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// readsCode reads the barcodes of the one PNG a printer made of kind.
func (p *pushEnv) readsCode(printer, kind, code string) {
	p.t.Helper()
	pngs, _ := filepath.Glob(filepath.Join(p.dir, printer, "*"+kind+"*.png"))
	if len(pngs) != 1 {
		p.t.Fatalf("%s printed %v", printer, pngs)
	}
	for _, c := range layouttest.Zbar(p.t, pngs[0]) {
		if c == code {
			return
		}
	}
	p.t.Fatalf("%s: %s not read off %s", printer, code, pngs[0])
}

// A clerk prints form 02 for a dossier the registry knows (its procedure
// and applicant come from there) on their counter's printer; the dossier
// then says "Yêu cầu bổ sung giấy tờ". Form 03 refuses one it does not
// know, which the registry then holds as refused.
func TestFormsPrintOnTheClerksCounter(t *testing.T) {
	p := newPushEnv(t)
	ctx := context.Background()
	clerk := p.login("canbo2")
	known := "000.00.14.H56-261201-0003"
	if code, r := p.do("POST", "/api/v1/receipts", clerk, receiptBody(map[string]any{"dossier_code": known})); code != 202 {
		t.Fatalf("receipt: %d %v", code, r)
	}
	code, r := p.do("POST", "/api/v1/forms", clerk, formBody(t, nil))
	if code != 202 || r["printer"] != "quay2" {
		t.Fatalf("form 02: %d %v", code, r)
	}
	if st := p.waitPrinted(r["job"].(string)); st["state"] != "printed" && st["state"] != "sent" {
		t.Fatalf("form 02 job: %v", st)
	}
	p.readsCode("quay2", "notice", known)
	if d, err := p.reg.Lookup(ctx, known); err != nil || d.Status != dossier.StatusNeedDocuments {
		t.Fatalf("after form 02: %+v, %v", d, err)
	}

	refused := "G09.20-20261201-0092637"
	code, r = p.do("POST", "/api/v1/forms", p.login("canbo3"), formBody(t, map[string]any{"form": "03", "dossier_code": refused,
		"procedure": "Cấp phiếu lý lịch tư pháp", "applicant": map[string]any{"name": "Lê Văn Nam"},
		"items": []string{"Thủ tục không thuộc thẩm quyền của xã"}}))
	if code != 202 || r["printer"] != "quay3" {
		t.Fatalf("form 03: %d %v", code, r)
	}
	p.waitPrinted(r["job"].(string))
	p.readsCode("quay3", "notice", refused)
	if d, err := p.reg.Lookup(ctx, refused); err != nil || d.Status != dossier.StatusRejected || d.Applicant != "Lê Văn Nam" {
		t.Fatalf("after form 03: %+v, %v", d, err)
	}
}

func TestFormRefusals(t *testing.T) {
	p := newPushEnv(t)
	clerk := p.login("canbo1")
	for _, tc := range []struct {
		name   string
		fields map[string]any
		status int
		code   string
	}{
		{"form 04", map[string]any{"form": "04"}, 400, "invalid_field"},
		{"bad code", map[string]any{"dossier_code": "G09.20-2026120-0092637"}, 400, "invalid_field"},
		{"unknown dossier without procedure", map[string]any{"dossier_code": "000.00.14.H56-261201-0999"}, 400, "invalid_field"},
		{"no items", map[string]any{"items": []string{}, "procedure": "x", "applicant": map[string]any{"name": "y"}}, 400, "invalid_field"},
		{"another counter's printer", map[string]any{"printer": "quay2", "procedure": "x", "applicant": map[string]any{"name": "y"}}, 403, "forbidden"},
	} {
		if code, r := p.do("POST", "/api/v1/forms", clerk, formBody(t, tc.fields)); code != tc.status || errCode(r) != tc.code {
			t.Errorf("%s: %d %v", tc.name, code, r)
		}
	}
	if n := p.jobs(); n != 0 {
		t.Fatalf("refused forms queued %d jobs", n)
	}
}

// With forms.layout commune-2025 a receipt prints the documents table and
// the CCCD/MST; its barcode still reads.
func TestCommuneReceiptLayoutFromConfig(t *testing.T) {
	p := newPushEnvWith(t, func(cfg *config.Config) {
		cfg.Forms.Layout = "commune-2025"
		cfg.Forms.Heading = []string{"UBND XÃ AN PHÚ", "{office}"}
		if errs := cfg.Check("forms"); len(errs) != 0 {
			t.Fatal(errs)
		}
	})
	if l := p.reg; l == nil {
		t.Fatal("no registry")
	}
	code, r := p.do("POST", "/api/v1/receipts", p.login("canbo4"), receiptBody(map[string]any{"id_number": "079199012345",
		"document_rows": []map[string]any{{"name": "Tờ khai", "kind": "original", "count": 1}, {"name": "Căn cước", "kind": "copy", "count": 2}}}))
	if code != 202 || r["printer"] != "quay4" {
		t.Fatalf("receipt: %d %v", code, r)
	}
	p.waitPrinted(r["job"].(string))
	p.readsCode("quay4", "receipt", "000.00.14.H56-261121-0001")
	if code, r := p.do("POST", "/api/v1/receipts", p.login("canbo4"), receiptBody(map[string]any{
		"document_rows": []map[string]any{{"name": "Tờ khai", "kind": "photocopy"}}})); code != 400 {
		t.Fatalf("unknown document kind: %d %v", code, r)
	}
}
