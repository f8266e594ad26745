package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

func TestGinPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/display", "/display"},
		{"/t/{id}", "/t/:id"},
		{"/kioskui/{file...}", "/kioskui/*file"},
		{"/a/{x}/b/{rest...}", "/a/:x/b/*rest"},
	} {
		if got := ginPath(tc.in); got != tc.want {
			t.Errorf("ginPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// mountRoutes serves each declared pattern through the package's handler
// (which reads its own path values) and nothing else.
func TestMountRoutes(t *testing.T) {
	mux := http.NewServeMux()
	patterns := []string{"GET /t/{id}", "HEAD /page", "GET /page", "GET /files/{name...}"}
	for _, p := range patterns {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte(p + "|" + r.PathValue("id") + r.PathValue("name")))
		})
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	mountRoutes(r, patterns, mux)
	for _, tc := range []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", "/t/A012", 200, "GET /t/{id}|A012"},
		{"GET", "/page", 200, "GET /page|"},
		{"HEAD", "/page", 200, ""},
		{"GET", "/files/a/b.js", 200, "GET /files/{name...}|a/b.js"},
		{"POST", "/page", 404, ""},
		{"GET", "/other", 404, ""},
	} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
		if rec.Code != tc.status || (tc.body != "" && rec.Body.String() != tc.body) {
			t.Errorf("%s %s: %d %q, want %d %q", tc.method, tc.path, rec.Code, rec.Body.String(), tc.status, tc.body)
		}
	}
}
