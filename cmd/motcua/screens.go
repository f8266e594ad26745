package main

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/cmd/motcua/internal/server"
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
	var codes []string
	for _, f := range cfg.Fields {
		codes = append(codes, f.Code)
	}
	if data := cfg.Catalogue(); data != nil {
		c, err := procedures.Parse(data, codes) // published by the hub, checked there
		if err != nil {
			return nil, err
		}
		cat = c
	} else if p := cfg.ProceduresPath(); p != "" {
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
	hub := push.New(push.Opts{Kiosks: kiosks, Hosts: serviceHosts(cfg), Authorize: func(r *http.Request) (string, bool) {
		k, ok := server.KioskCredential(cfg, r)
		return k.ID, ok
	}})
	return &screens{pages: web.New(web.Opts{Center: cfg.Center.Name}), hub: hub, procedures: cat}, nil
}

// serviceHosts are the addresses the service is reached at by name: its
// listen address and the host of its public base URL.
func serviceHosts(cfg *config.Config) []string {
	out := []string{cfg.Listen}
	if u, err := url.Parse(cfg.BaseURL()); err == nil && u.Host != "" {
		out = append(out, u.Host)
	}
	return out
}

// mount adds the pages (with the receipt page), their assets and the kiosk
// websocket to r, on the paths packages web and push declare.
func (s *screens) mount(r gin.IRouter) {
	mountRoutes(r, web.Routes(), s.pages)
	mountRoutes(r, push.Routes(), s.hub)
}

// mountRoutes mounts h on r at each of patterns, given in net/http.ServeMux
// syntax ("GET /t/{id}", "GET /kioskui/{file...}"): h is the package's own
// handler, which reads the path values itself.
func mountRoutes(r gin.IRouter, patterns []string, h http.Handler) {
	wrapped := gin.WrapH(h)
	for _, p := range patterns {
		method, path, ok := strings.Cut(p, " ")
		if !ok {
			panic("mountRoutes: pattern without a method: " + p) // a package's constant list
		}
		r.Handle(method, ginPath(path), wrapped)
	}
}

// ginPath turns a ServeMux path ("/t/{id}", "/static/{file...}") into
// gin's ("/t/:id", "/static/*file").
func ginPath(p string) string {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		name, ok := strings.CutPrefix(seg, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		if rest, ok := strings.CutSuffix(name, "..."); ok {
			segs[i] = "*" + rest
		} else {
			segs[i] = ":" + name
		}
	}
	return strings.Join(segs, "/")
}

// run delivers scanner codes to kiosk pages until ctx ends.
func (s *screens) run(ctx context.Context) { s.hub.Run(ctx) }
