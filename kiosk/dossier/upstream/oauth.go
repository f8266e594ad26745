package upstream

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"motcua/kiosk/dossier"
)

// tokenAnswer is an OAuth2 token endpoint's answer (RFC 6749 5.1, 5.2).
type tokenAnswer struct {
	AccessToken string      `json:"access_token"`
	TokenType   string      `json:"token_type"`
	ExpiresIn   json.Number `json:"expires_in"`
	Error       string      `json:"error"`
}

// token asks the token endpoint for an access token with the client's
// credentials (AuthClientCredentials) and returns it with how long to use
// it: its expires_in less RenewBefore (at most half its life), SessionTTL
// when the endpoint gives no expires_in.
func (c *Client) token(ctx context.Context) (string, time.Duration, error) {
	a := c.opts.Auth
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.ClientID}, "client_secret": {a.ClientSecret}}
	if a.Scope != "" {
		form.Set("scope", a.Scope)
	}
	status, answer, err := c.do(ctx, http.MethodPost, a.TokenURL, strings.NewReader(form.Encode()), formType, "")
	if err != nil {
		return "", 0, fmt.Errorf("upstream: xin mã truy cập: %w", err)
	}
	var t tokenAnswer
	jerr := json.Unmarshal(answer, &t)
	switch {
	case status == http.StatusBadRequest || status == http.StatusUnauthorized:
		return "", 0, fmt.Errorf("upstream: máy chủ xác thực từ chối (HTTP %d %q), kiểm tra client_id và client_secret: %w", status, truncateText(t.Error), dossier.ErrUnavailable)
	case status < 200 || status > 299:
		return "", 0, fmt.Errorf("upstream: máy chủ xác thực trả HTTP %d: %w", status, dossier.ErrUnavailable)
	case jerr != nil:
		return "", 0, fmt.Errorf("upstream: mã truy cập: %w: không phải JSON", ErrBadAnswer)
	case t.AccessToken == "":
		return "", 0, fmt.Errorf("upstream: mã truy cập: %w: thiếu access_token", ErrBadAnswer)
	case t.TokenType != "" && !strings.EqualFold(t.TokenType, "bearer"):
		return "", 0, fmt.Errorf("upstream: mã truy cập: %w: token_type %q", ErrBadAnswer, truncateText(t.TokenType))
	}
	life := a.SessionTTL
	if t.ExpiresIn != "" {
		n, err := t.ExpiresIn.Int64()
		if err != nil || n <= 0 || n > int64(365*24*time.Hour/time.Second) {
			return "", 0, fmt.Errorf("upstream: mã truy cập: %w: expires_in %q", ErrBadAnswer, truncateText(t.ExpiresIn.String()))
		}
		life = time.Duration(n) * time.Second
		life -= min(a.RenewBefore, life/2)
	}
	return t.AccessToken, life, nil
}

// truncateText keeps a value quoted from an answer short in an error.
func truncateText(s string) string {
	if len(s) > 64 {
		return strings.ToValidUTF8(s[:64], "") + "…"
	}
	return s
}
