package server

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/msg"
	"motcua/kiosk/dossier"
	"motcua/kiosk/dossier/registry"
	"motcua/kiosk/lookup"
)

// maxImport bounds a dossier import body.
const maxImport = 32 << 20

// rateKey is whom a lookup is counted against: the kiosk its credential
// proves, or the client's address (a phone that opened a receipt's QR
// code): never a kiosk the request merely names.
func (s *Server) rateKey(c *gin.Context) string {
	if k, ok := KioskCredential(s.cfg, c.Request); ok {
		return "kiosk:" + k.ID
	}
	return "ip:" + c.ClientIP()
}

func (s *Server) dossier(c *gin.Context) {
	d, err := s.lookup.Lookup(c.Request.Context(), s.rateKey(c), c.Param("code"), c.Query("sig"))
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

type scanRequest struct {
	Kiosk   string `json:"kiosk"` // accepted, not believed: see rateKey
	Payload string `json:"payload"`
}

// scan resolves what a kiosk read: a keyboard-wedge scanner's text, or a
// code typed on the keypad.
func (s *Server) scan(c *gin.Context) {
	var req scanRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if isCard(req.Payload) {
		s.fail(c, errCardNotReceipt)
		return
	}
	res, err := s.lookup.Resolve(c.Request.Context(), s.rateKey(c), req.Payload)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, scanAnswer(res))
}

// scanJSON is a scan's answer; with our signed receipt it carries the
// applicant's name masked beside the full one, which the kiosk shows in its
// place once the citizen steps away.
type scanJSON struct {
	lookup.Result
	ApplicantMasked string `json:"applicant_masked,omitempty"`
}

func scanAnswer(res lookup.Result) scanJSON {
	out := scanJSON{Result: res}
	if res.Verified && res.Dossier != nil {
		out.ApplicantMasked = dossier.MaskName(res.Dossier.Applicant)
	}
	return out
}

// scanImage decodes a camera frame (PNG, JPEG or GIF) and resolves the first
// code in it that belongs to this center; an ID card in it is not looked at.
func (s *Server) scanImage(c *gin.Context) {
	codes, err := lookup.DecodeImage(c.Request.Body, lookup.DefaultMaxImageBytes)
	if err != nil {
		s.fail(c, err)
		return
	}
	var firstErr error
	for _, code := range codes {
		if isCard(code) {
			continue
		}
		res, err := s.lookup.Resolve(c.Request.Context(), s.rateKey(c), code)
		if err == nil {
			c.JSON(http.StatusOK, scanAnswer(res))
			return
		}
		if firstErr == nil || !errors.Is(err, lookup.ErrNotOurReceipt) {
			firstErr = err
		}
		if !errors.Is(err, lookup.ErrNotOurReceipt) {
			break
		}
	}
	if firstErr == nil { // the frame showed only an ID card
		firstErr = errCardNotReceipt
	}
	s.fail(c, firstErr)
}

// mainSystem lets through the main one-stop system (the configured push
// token) or a logged-in administrator; anyone else is refused before the
// handler runs.
func (s *Server) mainSystem(c *gin.Context) {
	if tok := s.cfg.Dossiers.PushToken; tok != "" && bearerIs(c, tok) {
		c.Next()
		return
	}
	u, ok := s.authenticate(c)
	if !ok {
		return
	}
	if u.Role != config.RoleAdmin {
		s.fail(c, errSystemOnly)
		return
	}
	c.Next()
}

type statusRequest struct {
	Status int    `json:"status"`
	Unit   string `json:"unit"`
	At     string `json:"at"`
}

// dossierStatus records a change pushed by the main system.
func (s *Server) dossierStatus(c *gin.Context) {
	var req statusRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	u := registry.StatusUpdate{Code: c.Param("code"), Status: dossier.Status(req.Status), Unit: req.Unit}
	if req.At != "" {
		at, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			s.fail(c, invalid(msg.FieldStatusAt, "at"))
			return
		}
		u.At = at
	}
	if err := s.registry.UpdateStatus(c.Request.Context(), u); err != nil {
		s.fail(c, err)
		return
	}
	s.dossierChanged(c.Request.Context(), u.Code)
	c.Status(http.StatusNoContent)
}

// dossierImport loads a CSV or JSON file into the registry, all or nothing.
func (s *Server) dossierImport(c *gin.Context) {
	var format registry.Format
	switch ct := c.ContentType(); {
	case strings.Contains(ct, "csv"):
		format = registry.FormatCSV
	case strings.Contains(ct, "json"):
		format = registry.FormatJSON
	default:
		s.fail(c, errImportType)
		return
	}
	body := http.MaxBytesReader(c.Writer, c.Request.Body, maxImport)
	res, err := s.registry.Import(c.Request.Context(), body, format)
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			err = fmt.Errorf("%w: %w", errFileTooLarge, err)
		}
		s.fail(c, err)
		return
	}
	s.dossiersChanged(c.Request.Context(), res.Changed)
	c.JSON(http.StatusOK, gin.H{"created": res.Created, "updated": res.Updated})
}

// bearerIs compares the request's bearer token with tok in constant time.
func bearerIs(c *gin.Context, tok string) bool {
	return subtle.ConstantTimeCompare([]byte(c.GetHeader("Authorization")), []byte("Bearer "+tok)) == 1
}
