package main

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/kiosk/procedures"
	"motcua/kiosk/push"
	"motcua/kiosk/web"
)

// screens is the wiring of the pages people touch: the kiosk, the staff
// console, the rating tablet and the reports, with the per-kiosk push hub
// that serial scanners feed.
type screens struct {
	pages      *web.Handler
	hub        *push.Hub
	procedures *procedures.Catalogue
}

// newScreens loads the procedures catalogue the config names and builds the
// pages and the kiosk push hub.
func newScreens(cfg *config.Config) (*screens, error) {
	cat := &procedures.Catalogue{}
	if p := cfg.ProceduresPath(); p != "" {
		var codes []string
		for _, f := range cfg.Fields {
			codes = append(codes, f.Code)
		}
		c, err := procedures.Load(p, codes)
		if err != nil {
			return nil, err
		}
		cat = c
	}
	var kiosks []string
	for _, k := range cfg.Kiosks {
		kiosks = append(kiosks, k.ID)
	}
	return &screens{pages: web.New(web.Opts{Center: cfg.Center.Name}), hub: push.New(push.Opts{Kiosks: kiosks}), procedures: cat}, nil
}

// mount adds the pages (with the receipt page /h/{code}), their assets and
// the kiosk websocket to r.
func (s *screens) mount(r *gin.Engine) {
	pages := gin.WrapH(s.pages)
	for _, p := range web.Pages() {
		r.GET(p, pages)
		r.HEAD(p, pages)
	}
	r.GET(web.AssetPrefix+"*file", pages)
	r.GET(web.ReceiptPrefix+":code", pages) // the receipt's QR code, opened on a phone
	r.GET("/ws/kiosk", gin.WrapH(http.Handler(s.hub)))
}

// run delivers scanner codes to kiosk pages until ctx ends.
func (s *screens) run(ctx context.Context) { s.hub.Run(ctx) }
