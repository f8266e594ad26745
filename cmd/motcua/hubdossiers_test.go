package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"motcua/cmd/motcua/internal/hubconfig"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/upstream"
	"motcua/kiosk/dossier/upstream/upstreamtest"
	"motcua/province/link"
	"motcua/province/wire"
)

// The hub's integration answers for every center from one upstream (and
// its cache), and a center's hub source reads the reply back: the dossier,
// not found, or unavailable when the link is down or the hub cannot tell.
func TestHubIntegrationForItsCenters(t *testing.T) {
	g := upstreamtest.NewIGate("motcua-hub", "client-secret", time.Hour, nil)
	g.Add(upstreamtest.Dossier{Code: "G09.20-20260609-0092637", Procedure: "Cấp phiếu lý lịch tư pháp", Applicant: "Trần Văn Nam", Status: 4})
	srv := httptest.NewServer(g.Handler())
	defer srv.Close()
	o := upstream.IGate(srv.URL+upstreamtest.TokenPath, srv.URL+"/pa/dossier/{code}", "motcua-hub", "client-secret")
	cfg := &hubconfig.Config{Dossiers: hubconfig.Dossiers{Sources: []hubconfig.Source{{Name: "igate", Timeout: time.Second, Upstream: &o}}}}
	answer, err := hubDossiers(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ask := func(ctx context.Context, code string) (wire.DossierReply, error) { return answer(ctx, "c1", code), nil }
	src := hubSource{ask: ask}
	ctx := context.Background()
	for range 3 { // three centers' citizens: one lookup upstream
		d, err := src.Lookup(ctx, "g09.20-20260609-0092637")
		if err != nil || d.Applicant != "Trần Văn Nam" || d.Status != dossier.StatusProcessing {
			t.Fatalf("Lookup = %+v, %v", d, err)
		}
	}
	if g.Lookups() != 1 {
		t.Fatalf("%d lookups upstream: the hub caches", g.Lookups())
	}
	if _, err := src.Lookup(ctx, "000.00.14.H56-200203-0118"); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	g.SetMode(upstreamtest.Fail)
	if _, err := src.Lookup(ctx, "000.00.14.H56-200203-0119"); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("province system down: %v", err)
	}
	down := hubSource{ask: func(context.Context, string) (wire.DossierReply, error) {
		return wire.DossierReply{}, link.ErrNotConnected
	}}
	if _, err := down.Lookup(ctx, "G09.20-20260609-0092637"); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("link down: %v", err)
	}
	other, _ := json.Marshal(dossier.Dossier{Code: "G09.20-20260609-0000001", Status: 4})
	wrong := hubSource{ask: func(context.Context, string) (wire.DossierReply, error) {
		return wire.DossierReply{Dossier: other}, nil
	}}
	if _, err := wrong.Lookup(ctx, "G09.20-20260609-0092637"); !errors.Is(err, dossier.ErrUnavailable) {
		t.Fatalf("another dossier in the reply: %v", err)
	}
	if none, err := hubDossiers(&hubconfig.Config{}, nil); none != nil || err != nil {
		t.Fatal("a hub without sources answers")
	}
}
