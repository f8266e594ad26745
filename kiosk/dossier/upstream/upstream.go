package upstream

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/dossier"
)

// Defaults of Opts.
const (
	// DefaultTimeout bounds a whole lookup (login included), leaving the HTTP
	// layer room to answer GET /api/v1/dossiers/{code} within 3 s.
	DefaultTimeout      = 2500 * time.Millisecond
	DefaultCacheTTL     = 45 * time.Second
	DefaultNotFoundTTL  = 15 * time.Second
	DefaultCacheSize    = 2000
	DefaultFailures     = 5
	DefaultCooldown     = 30 * time.Second
	DefaultSessionTTL   = 20 * time.Minute
	DefaultMaxAnswer    = 1 << 20
	DefaultSessionField = "session"
	// DefaultRenewBefore is how long before its expiry an OAuth2 token is
	// renewed, so that no lookup is sent with a token about to expire.
	DefaultRenewBefore = 30 * time.Second
)

// Auth kinds.
const (
	AuthNone    = "none"    // no authentication
	AuthBearer  = "bearer"  // a static token sent as Authorization: Bearer
	AuthSession = "session" // a login returning a session, sent in the lookup body as {session}
	// AuthClientCredentials is OAuth2 client credentials (RFC 6749 4.4), as
	// a Keycloak realm issues them: the token is sent as Authorization:
	// Bearer, cached and renewed before it expires.
	AuthClientCredentials = "client_credentials"
)

// Request describes the lookup request.
type Request struct {
	// Method is GET or POST; default POST when Body is set, GET otherwise.
	Method string `json:"method" yaml:"method"`
	// URL of the lookup; "{code}" is replaced with the path-escaped code.
	URL string `json:"url" yaml:"url"`
	// Body, when set, is sent as a JSON object; in its values "{code}" and
	// "{session}" are replaced with the code and the current session.
	Body map[string]string `json:"body" yaml:"body"`
	// Headers are added to every request (login included).
	Headers map[string]string `json:"headers" yaml:"headers"`
}

// Auth describes how the adapter authenticates.
type Auth struct {
	// Kind is AuthNone, AuthBearer or AuthSession; default AuthNone.
	Kind string `json:"kind" yaml:"kind"`
	// Token is the bearer token (AuthBearer).
	Token string `json:"token" yaml:"token"`
	// LoginURL receives POST {"username","password"} (AuthSession); default Request.URL.
	LoginURL string `json:"login_url" yaml:"login_url"`
	// Username and Password are the account of the center.
	Username string `json:"username" yaml:"username"`
	Password string `json:"password" yaml:"password"`
	// PasswordFile and TokenFile name files holding the password or the
	// token, so the secret stays out of the config; cmd/motcua reads them
	// into Password and Token before New.
	PasswordFile string `json:"password_file" yaml:"password_file"`
	TokenFile    string `json:"token_file" yaml:"token_file"`
	// SessionField is the path of the session in the login answer; default "session".
	SessionField string `json:"session_field" yaml:"session_field"`
	// ErrorField is the path of an error code in the login answer, "" if
	// none; OKValues (default ["0"]) are the values meaning success.
	ErrorField string   `json:"error_field" yaml:"error_field"`
	OKValues   []string `json:"ok_values" yaml:"ok_values"`
	// SessionTTL renews the session after this long even if it still works;
	// default DefaultSessionTTL. An answer saying it expired renews it at once.
	// For client credentials it is the token's life when the token
	// endpoint gives no expires_in.
	SessionTTL time.Duration `json:"session_ttl" yaml:"session_ttl"`

	// TokenURL is the OAuth2 token endpoint (AuthClientCredentials), for
	// Keycloak {server}/realms/{realm}/protocol/openid-connect/token.
	TokenURL string `json:"token_url" yaml:"token_url"`
	// ClientID and ClientSecret are the client's credentials;
	// ClientSecretFile names a file holding the secret (cmd/motcua reads it
	// into ClientSecret). Scope, when set, is sent as the scope parameter.
	ClientID         string `json:"client_id" yaml:"client_id"`
	ClientSecret     string `json:"client_secret" yaml:"client_secret"`
	ClientSecretFile string `json:"client_secret_file" yaml:"client_secret_file"`
	Scope            string `json:"scope" yaml:"scope"`
	// RenewBefore renews a token this long before its expires_in runs out;
	// default DefaultRenewBefore (at most half the token's life).
	RenewBefore time.Duration `json:"renew_before" yaml:"renew_before"`
}

// Opts configures a Client. Zero fields take the defaults above.
type Opts struct {
	Request Request `json:"request" yaml:"request"`
	Auth    Auth    `json:"auth" yaml:"auth"`
	Mapping Mapping `json:"mapping" yaml:"mapping"`

	// Timeout bounds one lookup whatever the system does; default DefaultTimeout.
	Timeout time.Duration `json:"timeout" yaml:"timeout"`
	// CacheTTL keeps a dossier, NotFoundTTL a "not found"; a negative value
	// turns that cache off. CacheSize bounds the entries.
	CacheTTL    time.Duration `json:"cache_ttl" yaml:"cache_ttl"`
	NotFoundTTL time.Duration `json:"not_found_ttl" yaml:"not_found_ttl"`
	CacheSize   int           `json:"cache_size" yaml:"cache_size"`
	// BreakerFailures consecutive failures open the circuit; after
	// BreakerCooldown one probe goes through.
	BreakerFailures int           `json:"breaker_failures" yaml:"breaker_failures"`
	BreakerCooldown time.Duration `json:"breaker_cooldown" yaml:"breaker_cooldown"`
	// MaxAnswer bounds the size of an answer; default 1 MiB.
	MaxAnswer int64 `json:"max_answer" yaml:"max_answer"`

	// HTTPClient sends the requests; default a client of its own.
	HTTPClient *http.Client `json:"-" yaml:"-"`
	// Clock is the clock of the cache, breaker and session; default clock.System.
	Clock clock.Clock `json:"-" yaml:"-"`
	// Logger gets codes, outcomes and breaker changes, never names; default slog.Default().
	Logger *slog.Logger `json:"-" yaml:"-"`
}

// TraCuuHoSo returns the Opts of a national-portal style integration, as one
// vendor's client does it: POST {username,password} to loginURL →
// {error_code, session}; then POST {session, madonvi, service:"TraCuuHoSo",
// mahoso} to lookupURL → {error_code, result:[{MaHoSo, TenTTHC, ChuHoSo,
// NgayTiepNhan, NgayHenTra, TrangThaiHoSo, DonViXuLy}]}, times as
// yyyyMMddHHmmss in Vietnam time. Each province differs: start from this and
// change what the province's documentation says.
func TraCuuHoSo(loginURL, lookupURL, username, password, unitID string) Opts {
	return Opts{
		Request: Request{
			Method: http.MethodPost,
			URL:    lookupURL,
			Body: map[string]string{
				"session": "{session}",
				"madonvi": unitID,
				"service": "TraCuuHoSo",
				"mahoso":  "{code}",
			},
		},
		Auth: Auth{
			Kind:         AuthSession,
			LoginURL:     loginURL,
			Username:     username,
			Password:     password,
			SessionField: "session",
			ErrorField:   "error_code",
			OKValues:     []string{"0"},
		},
		Mapping: Mapping{
			ErrorField:      "error_code",
			OKValues:        []string{"0"},
			AuthErrorValues: []string{"401", "-1"},
			Records:         "result",
			Code:            "MaHoSo",
			Status:          "TrangThaiHoSo",
			Procedure:       "TenTTHC",
			Applicant:       "ChuHoSo",
			ReceivedAt:      "NgayTiepNhan",
			DueAt:           "NgayHenTra",
			Unit:            "DonViXuLy",
			TimeLayout:      "20060102150405",
		},
	}
}

// Client looks dossiers up in the province's main one-stop system. It
// implements dossier.Source and is safe for concurrent use.
type Client struct {
	opts    Opts
	http    *http.Client
	now     func() time.Time
	log     *slog.Logger
	cache   cache
	breaker breaker

	loginSem chan struct{} // one login at a time; waiting honours the context
	mu       sync.Mutex
	session  string    // the session or OAuth2 access token
	expires  time.Time // when it is renewed
}

// New checks opts and returns a Client; no request is sent yet.
func New(opts Opts) (*Client, error) {
	if opts.Mapping.Status == "" {
		return nil, errors.New("upstream: mapping.status là bắt buộc")
	}
	for k, v := range opts.Mapping.StatusValues {
		if !dossier.Status(v).Valid() {
			return nil, fmt.Errorf("upstream: mapping.status_values[%q] = %d không thuộc 1–10", k, v)
		}
	}
	return build(opts)
}

// build checks and defaults everything but the mapping of lookups.
func build(opts Opts) (*Client, error) {
	if opts.Request.URL == "" {
		return nil, errors.New("upstream: thiếu địa chỉ tra cứu (request.url)")
	}
	if u, err := url.Parse(strings.ReplaceAll(opts.Request.URL, "{code}", "x")); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("upstream: địa chỉ tra cứu %q không hợp lệ (cần http:// hoặc https://)", opts.Request.URL)
	}
	if opts.Request.Method == "" {
		opts.Request.Method = http.MethodGet
		if opts.Request.Body != nil {
			opts.Request.Method = http.MethodPost
		}
	}
	if opts.Request.Method != http.MethodGet && opts.Request.Method != http.MethodPost {
		return nil, fmt.Errorf("upstream: phương thức %q không được hỗ trợ (GET hoặc POST)", opts.Request.Method)
	}
	switch opts.Auth.Kind {
	case "", AuthNone:
		opts.Auth.Kind = AuthNone
	case AuthBearer:
		if opts.Auth.Token == "" {
			return nil, errors.New("upstream: auth.kind bearer cần auth.token")
		}
	case AuthSession:
		if opts.Auth.Username == "" {
			return nil, errors.New("upstream: auth.kind session cần auth.username và auth.password")
		}
		if opts.Auth.LoginURL == "" {
			opts.Auth.LoginURL = opts.Request.URL
		}
		if opts.Auth.SessionField == "" {
			opts.Auth.SessionField = DefaultSessionField
		}
		if opts.Auth.SessionTTL <= 0 {
			opts.Auth.SessionTTL = DefaultSessionTTL
		}
	case AuthClientCredentials:
		if opts.Auth.ClientID == "" || opts.Auth.ClientSecret == "" {
			return nil, errors.New("upstream: auth.kind client_credentials cần auth.client_id và auth.client_secret")
		}
		if u, err := url.Parse(opts.Auth.TokenURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("upstream: auth.token_url %q không hợp lệ (cần http:// hoặc https://)", opts.Auth.TokenURL)
		}
		if opts.Auth.SessionTTL <= 0 {
			opts.Auth.SessionTTL = DefaultSessionTTL
		}
		if opts.Auth.RenewBefore <= 0 {
			opts.Auth.RenewBefore = DefaultRenewBefore
		}
	default:
		return nil, fmt.Errorf("upstream: auth.kind %q không được hỗ trợ (none, bearer, session, client_credentials)", opts.Auth.Kind)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.CacheTTL == 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.NotFoundTTL == 0 {
		opts.NotFoundTTL = DefaultNotFoundTTL
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = DefaultCacheSize
	}
	if opts.BreakerFailures <= 0 {
		opts.BreakerFailures = DefaultFailures
	}
	if opts.BreakerCooldown <= 0 {
		opts.BreakerCooldown = DefaultCooldown
	}
	if opts.MaxAnswer <= 0 {
		opts.MaxAnswer = DefaultMaxAnswer
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{}
	}
	opts.Clock = clock.Or(opts.Clock)
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Client{
		opts:     opts,
		http:     opts.HTTPClient,
		now:      opts.Clock.Now,
		log:      opts.Logger,
		cache:    cache{ttl: opts.CacheTTL, negTTL: opts.NotFoundTTL, max: opts.CacheSize, now: opts.Clock.Now, entries: map[string]cacheEntry{}},
		breaker:  breaker{threshold: opts.BreakerFailures, cooldown: opts.BreakerCooldown, now: opts.Clock.Now},
		loginSem: make(chan struct{}, 1),
	}, nil
}

// Breaker reports the circuit breaker's state (for /healthz and metrics).
func (c *Client) Breaker() BreakerState { return c.breaker.current() }

// Lookup returns the dossier with code from the cache or the main system,
// within Opts.Timeout whatever the system does. Errors wrap
// dossier.ErrNotFound or dossier.ErrUnavailable (also when the circuit is open).
func (c *Client) Lookup(ctx context.Context, code string) (dossier.Dossier, error) {
	code = dossier.NormalizeCode(code)
	if d, notFound, ok := c.cache.get(code); ok {
		if notFound {
			return dossier.Dossier{}, fmt.Errorf("upstream: %s: %w", code, dossier.ErrNotFound)
		}
		return d, nil
	}
	if !c.breaker.allow() {
		return dossier.Dossier{}, fmt.Errorf("upstream: %s: tạm ngừng gọi hệ thống một cửa sau nhiều lần lỗi: %w", code, dossier.ErrUnavailable)
	}
	start := c.now()
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	d, err := c.fetch(ctx, code)

	o := failure
	switch {
	case err == nil:
		o = success
		c.cache.put(code, d, false)
	case errors.Is(err, dossier.ErrNotFound):
		o = success
		c.cache.put(code, dossier.Dossier{}, true)
	case parent.Err() != nil:
		o = ignored // the kiosk gave up; that says nothing about the system
	}
	state, changed := c.breaker.done(o)
	if changed {
		c.log.Warn("upstream: cầu dao chuyển trạng thái", "state", state.String())
	}
	if err != nil && !errors.Is(err, dossier.ErrNotFound) {
		c.log.Warn("upstream: tra cứu thất bại", "code", code, "ms", c.now().Sub(start).Milliseconds(), "err", err)
		if !errors.Is(err, dossier.ErrUnavailable) {
			err = fmt.Errorf("%w: %w", dossier.ErrUnavailable, err)
		}
		return dossier.Dossier{}, fmt.Errorf("upstream: %s: %w", code, err)
	}
	return d, err
}

// fetch asks the system, logging in first if needed and once more when the
// session turns out to be expired.
func (c *Client) fetch(ctx context.Context, code string) (dossier.Dossier, error) {
	for attempt := 0; ; attempt++ {
		session, err := c.currentSession(ctx)
		if err != nil {
			return dossier.Dossier{}, err
		}
		d, err := c.ask(ctx, code, session)
		if errors.Is(err, errAuth) && c.renews() && attempt == 0 {
			c.dropSession(session)
			continue
		}
		if errors.Is(err, errAuth) {
			err = fmt.Errorf("%w: %w", dossier.ErrUnavailable, err)
		}
		return d, err
	}
}

func (c *Client) ask(ctx context.Context, code, session string) (dossier.Dossier, error) {
	target := strings.ReplaceAll(c.opts.Request.URL, "{code}", url.PathEscape(code))
	var body io.Reader
	if c.opts.Request.Body != nil {
		fields := make(map[string]string, len(c.opts.Request.Body))
		for k, v := range c.opts.Request.Body {
			fields[k] = strings.NewReplacer("{code}", code, "{session}", session).Replace(v)
		}
		b, err := json.Marshal(fields)
		if err != nil {
			return dossier.Dossier{}, fmt.Errorf("upstream: %w", err)
		}
		body = bytes.NewReader(b)
	}
	bearer := c.opts.Auth.Token
	if c.opts.Auth.Kind == AuthClientCredentials {
		bearer = session
	}
	status, answer, err := c.do(ctx, c.opts.Request.Method, target, body, jsonType, bearer)
	if err != nil {
		return dossier.Dossier{}, err
	}
	switch {
	case status == http.StatusNotFound:
		return dossier.Dossier{}, fmt.Errorf("upstream: %s: %w", code, dossier.ErrNotFound)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return dossier.Dossier{}, fmt.Errorf("%w (HTTP %d)", errAuth, status)
	case status < 200 || status > 299:
		return dossier.Dossier{}, fmt.Errorf("upstream: hệ thống một cửa trả HTTP %d: %w", status, dossier.ErrUnavailable)
	}
	return c.opts.Mapping.Map(answer, code)
}

// Content types of request bodies.
const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
)

// do sends one request (body of contentType; bearer, when set, as
// Authorization) and reads at most MaxAnswer bytes of the answer.
func (c *Client) do(ctx context.Context, method, target string, body io.Reader, contentType, bearer string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, nil, fmt.Errorf("upstream: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range c.opts.Request.Headers {
		req.Header.Set(k, v)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, fmt.Errorf("upstream: không gọi được hệ thống một cửa: %w: %w", dossier.ErrUnavailable, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, c.opts.MaxAnswer+1))
	if err != nil {
		return 0, nil, fmt.Errorf("upstream: đọc câu trả lời: %w: %w", dossier.ErrUnavailable, err)
	}
	if int64(len(answer)) > c.opts.MaxAnswer {
		return 0, nil, fmt.Errorf("%w: câu trả lời lớn hơn %d byte", ErrBadAnswer, c.opts.MaxAnswer)
	}
	return resp.StatusCode, answer, nil
}

// renews reports whether the adapter holds a session or token it renews.
func (c *Client) renews() bool {
	return c.opts.Auth.Kind == AuthSession || c.opts.Auth.Kind == AuthClientCredentials
}

// currentSession returns the session or token to send, logging in when
// there is none or it is due for renewal. Only one login runs at a time.
func (c *Client) currentSession(ctx context.Context) (string, error) {
	if !c.renews() {
		return "", nil
	}
	if s := c.validSession(); s != "" {
		return s, nil
	}
	select {
	case c.loginSem <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("upstream: chờ đăng nhập: %w: %w", dossier.ErrUnavailable, ctx.Err())
	}
	defer func() { <-c.loginSem }()
	if s := c.validSession(); s != "" { // another lookup logged in meanwhile
		return s, nil
	}
	login := c.login
	if c.opts.Auth.Kind == AuthClientCredentials {
		login = c.token
	}
	s, life, err := login(ctx)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	c.session, c.expires = s, c.now().Add(life)
	c.mu.Unlock()
	c.log.Info("upstream: logged in to the one-stop system", "auth", c.opts.Auth.Kind, "renew_in", life.String())
	return s, nil
}

func (c *Client) validSession() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session != "" && c.now().Before(c.expires) {
		return c.session
	}
	return ""
}

// dropSession forgets session unless another lookup already replaced it.
func (c *Client) dropSession(session string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.session == session {
		c.session = ""
	}
}

// login opens a session (AuthSession); it lasts SessionTTL.
func (c *Client) login(ctx context.Context) (string, time.Duration, error) {
	s, err := c.sessionLogin(ctx)
	return s, c.opts.Auth.SessionTTL, err
}

func (c *Client) sessionLogin(ctx context.Context) (string, error) {
	a := c.opts.Auth
	b, err := json.Marshal(map[string]string{"username": a.Username, "password": a.Password})
	if err != nil {
		return "", fmt.Errorf("upstream: %w", err)
	}
	status, answer, err := c.do(ctx, http.MethodPost, a.LoginURL, bytes.NewReader(b), jsonType, "")
	if err != nil {
		return "", fmt.Errorf("upstream: đăng nhập: %w", err)
	}
	if status < 200 || status > 299 {
		return "", fmt.Errorf("upstream: đăng nhập bị từ chối (HTTP %d): %w", status, dossier.ErrUnavailable)
	}
	m := Mapping{ErrorField: a.ErrorField, OKValues: a.OKValues}
	dec := json.NewDecoder(bytes.NewReader(answer))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return "", fmt.Errorf("upstream: đăng nhập: %w: không phải JSON", ErrBadAnswer)
	}
	if m.ErrorField != "" {
		v, _ := lookupPath(root, m.ErrorField)
		if code := scalar(v); !contains(okValues(m.OKValues), code) {
			return "", fmt.Errorf("upstream: đăng nhập bị từ chối (mã lỗi %q), kiểm tra tài khoản: %w", code, dossier.ErrUnavailable)
		}
	}
	v, _ := lookupPath(root, a.SessionField)
	s := scalar(v)
	if s == "" {
		return "", fmt.Errorf("upstream: đăng nhập: %w: thiếu %q", ErrBadAnswer, a.SessionField)
	}
	return s, nil
}
