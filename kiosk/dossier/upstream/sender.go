package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"motcua/kiosk/dossier"
)

// Sender sends records to the main system (the ratings of visits) with the
// same request, authentication and answer checks as the lookups: Opts'
// Request.URL is the endpoint, Request.Body the JSON object sent, each
// "{name}" in its values replaced with the record's field of that name
// ("{session}" with the session), and Mapping's ErrorField and OKValues,
// when set, say whether the answer acknowledges it. Safe for concurrent use.
type Sender struct{ c *Client }

// NewSender checks opts (Request.Body is required); no request is sent yet.
func NewSender(opts Opts) (*Sender, error) {
	if len(opts.Request.Body) == 0 {
		return nil, errors.New("upstream: request.body là bắt buộc khi gửi dữ liệu")
	}
	opts.Request.Method = http.MethodPost
	c, err := build(opts)
	if err != nil {
		return nil, err
	}
	return &Sender{c: c}, nil
}

// Send posts one record, logging in first if needed and once more when the
// session or token is refused. It returns nil only when the system
// acknowledged it (HTTP 2xx and, with Mapping.ErrorField, one of OKValues).
func (s *Sender) Send(ctx context.Context, fields map[string]string) error {
	ctx, cancel := context.WithTimeout(ctx, s.c.opts.Timeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		session, err := s.c.currentSession(ctx)
		if err != nil {
			return err
		}
		err = s.post(ctx, fields, session)
		if errors.Is(err, errAuth) && s.c.renews() && attempt == 0 {
			s.c.dropSession(session)
			continue
		}
		if errors.Is(err, errAuth) {
			err = fmt.Errorf("%w: %w", dossier.ErrUnavailable, err)
		}
		return err
	}
}

func (s *Sender) post(ctx context.Context, fields map[string]string, session string) error {
	pairs := []string{"{session}", session}
	for k, v := range fields {
		pairs = append(pairs, "{"+k+"}", v)
	}
	rep := strings.NewReplacer(pairs...)
	body := make(map[string]string, len(s.c.opts.Request.Body))
	for k, v := range s.c.opts.Request.Body {
		body[k] = rep.Replace(v)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("upstream: %w", err)
	}
	bearer := s.c.opts.Auth.Token
	if s.c.opts.Auth.Kind == AuthClientCredentials {
		bearer = session
	}
	status, answer, err := s.c.do(ctx, http.MethodPost, s.c.opts.Request.URL, bytes.NewReader(b), jsonType, bearer)
	if err != nil {
		return err
	}
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return fmt.Errorf("%w (HTTP %d)", errAuth, status)
	case status < 200 || status > 299:
		return fmt.Errorf("upstream: hệ thống một cửa trả HTTP %d: %w", status, dossier.ErrUnavailable)
	}
	m := s.c.opts.Mapping
	if m.ErrorField == "" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(answer))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return fmt.Errorf("%w: không phải JSON", ErrBadAnswer)
	}
	v, _ := lookupPath(root, m.ErrorField)
	code := scalar(v)
	if contains(m.AuthErrorValues, code) {
		return fmt.Errorf("%w (mã lỗi %q)", errAuth, code)
	}
	if !contains(okValues(m.OKValues), code) {
		return fmt.Errorf("upstream: hệ thống một cửa không nhận (mã lỗi %q): %w", truncateText(code), ErrBadAnswer)
	}
	return nil
}
