package main

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/database"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/dossier/upstream/upstreamtest"
)

// dossiers.sources reach the kiosk's lookup in order: the province's
// iGate-style system first, then the registry.
func TestDossierSourcesWiring(t *testing.T) {
	g := upstreamtest.NewIGate("motcua", "client-secret", time.Hour, nil)
	g.Add(upstreamtest.Dossier{Code: "G09.20-20260609-0092637", Procedure: "Cấp phiếu lý lịch tư pháp", Applicant: "Trần Văn Nam", Status: 4})
	srv := httptest.NewServer(g.Handler())
	defer srv.Close()
	cfg, err := config.Parse([]byte(`center: {name: X}
fields: [{code: A, name: Hộ tịch}]
counters: [{id: "1", services: [A]}]
dossiers:
  sources:
    - name: igate
      kind: upstream
      timeout: 1s
      upstream:
        request: {url: "` + srv.URL + `/pa/dossier/{code}"}
        auth: {kind: client_credentials, token_url: "` + srv.URL + upstreamtest.TokenPath + `", client_id: motcua, client_secret: client-secret}
        mapping: {records: content, code: code, status: dossierStatus.id, procedure: procedure.name, applicant: applicant.data.fullname}
    - {name: registry, kind: registry}
`))
	if err != nil {
		t.Fatal(err)
	}
	db, err := database.Open(filepath.Join(t.TempDir(), "m.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg, look, err := dossierLookup(context.Background(), cfg, db, []byte("a receipt secret of 32 bytes....."), nil, nil, log)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := look.Lookup(ctx, "k1", "g09.20-20260609-0092637", "")
	if err != nil || d.Procedure != "Cấp phiếu lý lịch tư pháp" {
		t.Fatalf("from iGate: %+v, %v", d, err)
	}
	if err := reg.Record(ctx, registry.ReceiptInfo{Code: "000.00.14.H56-260609-0001", Procedure: "Chứng thực", Applicant: "Lê Thị Mai"}); err != nil {
		t.Fatal(err)
	}
	if d, err := look.Lookup(ctx, "k1", "000.00.14.H56-260609-0001", ""); err != nil || d.Status != dossier.StatusAccepted {
		t.Fatalf("from the registry after iGate said not found: %+v, %v", d, err)
	}
}
