package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"
)

// sameOrigin refuses a state-changing request (POST, PUT, PATCH, DELETE)
// that carries a cookie (the staff session, a device's pairing) unless the
// browser says it comes from the service's own pages: its Origin is the
// service's origin or, without an Origin, Sec-Fetch-Site is same-origin.
// SameSite alone lets a page on another port of the same host act with the
// clerk's cookie. A request without cookies (a bearer token, a script) has
// no ambient credential to abuse and passes.
func (s *Server) sameOrigin(c *gin.Context) {
	switch c.Request.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		c.Next()
		return
	}
	if c.Request.Header.Get("Cookie") == "" || s.ownOrigin(c.Request) {
		c.Next()
		return
	}
	s.fail(c, errCrossOrigin)
}

// ownOrigin tells whether the request's Origin (or, without one, its
// Sec-Fetch-Site) names the service itself: the host the request was sent
// to, or the configured public_base_url (a reverse proxy in front).
func (s *Server) ownOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false // includes "null": a sandboxed frame, a file, a redirect
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	if base, err := url.Parse(s.cfg.Center.PublicBaseURL); err == nil && base.Host != "" {
		return strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host)
	}
	return false
}

// jsonBody tells whether the request says its body is JSON.
func jsonBody(c *gin.Context) bool {
	return c.ContentType() == "application/json"
}
