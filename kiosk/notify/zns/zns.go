package zns

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"motcua/internal/clock"
	"motcua/kiosk/notify"
)

// Zalo's endpoints.
const (
	DefaultSendURL  = "https://business.openapi.zalo.me/message/template"
	DefaultTokenURL = "https://oauth.zaloapp.com/v4/oa/access_token"
)

// Template is the ZNS template of one kind of message: its id and, per
// template parameter name, the notify parameter that fills it ("so_ve":
// "number").
type Template struct {
	ID     string            `yaml:"id"`
	Params map[string]string `yaml:"params"`
}

// Secrets keeps the tokens (outbox.Store does, in the center's database).
type Secrets interface {
	Secret(ctx context.Context, name string) (value string, expires time.Time, ok bool, err error)
	SetSecret(ctx context.Context, name, value string, expires time.Time) error
}

// Names of the secrets.
const (
	SecretAccess  = "zns.access_token"
	SecretRefresh = "zns.refresh_token"
)

// Opts configure a Channel.
type Opts struct {
	SendURL  string `yaml:"send_url"`  // default DefaultSendURL
	TokenURL string `yaml:"token_url"` // default DefaultTokenURL
	AppID    string `yaml:"app_id"`
	// SecretKey is the app's secret key; RefreshToken the first refresh
	// token, used only until one is stored in Secrets.
	SecretKey    string `yaml:"secret_key"`
	RefreshToken string `yaml:"refresh_token"`
	// Templates per kind; a kind without one is refused (FailChannel) and
	// goes to the next channel.
	Templates map[notify.Kind]Template `yaml:"templates"`
	// Development sends with mode "development" (free, to the OA's admins).
	Development bool `yaml:"development"`
	// RefreshBefore renews the access token this long before it expires
	// (default 1 hour).
	RefreshBefore time.Duration `yaml:"refresh_before"`
	// Codes override the failure of Zalo error codes.
	Codes map[int]notify.Failure `yaml:"codes"`

	Secrets    Secrets      `yaml:"-"`
	HTTPClient *http.Client `yaml:"-"` // default a client of its own
	Clock      clock.Clock  `yaml:"-"`
}

// Channel is the ZNS notify.Channel.
type Channel struct {
	o     Opts
	clock clock.Clock
	http  *http.Client
	codes map[int]notify.Failure

	mu sync.Mutex // one renewal at a time
}

// Codes of Zalo's ZNS error table this package knows.
var defaultCodes = map[int]notify.Failure{
	-108: notify.FailRecipient, // Phone number invalid
	-114: notify.FailRecipient, // User is inactive, or rejects the message
	-118: notify.FailRecipient, // Zalo account not existed
	-119: notify.FailRecipient, // Account can not receive ZNS message
	-109: notify.FailChannel,   // Template ID invalid
	-111: notify.FailChannel,   // Template data empty
	-112: notify.FailChannel,   // Template data invalid
	-115: notify.FailChannel,   // Out of quota
	-117: notify.FailChannel,   // OA or app has no permission for this template
	-124: notify.FailChannel,   // Access token invalid (after one renewal)
	-32:  notify.FailRateLimited,
}

// Error codes the channel acts on.
const (
	CodeTokenInvalid = -124
	CodeOutOfQuota   = -115
)

// New returns a ZNS channel.
func New(o Opts) (*Channel, error) {
	if o.AppID == "" || o.SecretKey == "" {
		return nil, errors.New("zns: app_id and secret_key are required")
	}
	if o.Secrets == nil {
		return nil, errors.New("zns: a secret store is required (the refresh token changes at each renewal)")
	}
	if o.SendURL == "" {
		o.SendURL = DefaultSendURL
	}
	if o.TokenURL == "" {
		o.TokenURL = DefaultTokenURL
	}
	if o.RefreshBefore <= 0 {
		o.RefreshBefore = time.Hour
	}
	for k, t := range o.Templates {
		if !k.Valid() {
			return nil, fmt.Errorf("zns: templates: unknown kind %q", k)
		}
		if t.ID == "" {
			return nil, fmt.Errorf("zns: templates.%s: id is required", k)
		}
	}
	c := &Channel{o: o, clock: clock.Or(o.Clock), http: o.HTTPClient, codes: map[int]notify.Failure{}}
	if c.http == nil {
		c.http = &http.Client{}
	}
	for code, f := range defaultCodes {
		c.codes[code] = f
	}
	for code, f := range o.Codes {
		c.codes[code] = f
	}
	return c, nil
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return "zns" }

func (c *Channel) fail(f notify.Failure, code string, err error) error {
	return &notify.SendError{Channel: "zns", Failure: f, Code: code, Err: err}
}

// Send implements notify.Channel.
func (c *Channel) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if d.Phone == "" {
		return notify.Receipt{}, c.fail(notify.FailRecipient, "", errors.New("no phone number"))
	}
	t, ok := c.o.Templates[d.Kind]
	if !ok {
		return notify.Receipt{}, c.fail(notify.FailChannel, "", fmt.Errorf("no template for %s", d.Kind))
	}
	data := make(map[string]string, len(t.Params))
	for name, param := range t.Params {
		data[name] = d.Params[param]
	}
	body := map[string]any{"phone": d.Phone, "template_id": t.ID, "template_data": data, "tracking_id": d.Key}
	if c.o.Development {
		body["mode"] = "development"
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return notify.Receipt{}, c.fail(notify.FailChannel, "", err)
	}
	token, err := c.token(ctx, "")
	if err != nil {
		return notify.Receipt{}, err
	}
	rec, code, err := c.post(ctx, token, payload)
	if code == CodeTokenInvalid {
		// Expired early, or renewed elsewhere: renew once and send again.
		if token, err = c.token(ctx, token); err != nil {
			return notify.Receipt{}, err
		}
		rec, _, err = c.post(ctx, token, payload)
	}
	return rec, err
}

type sendAnswer struct {
	Error   int    `json:"error"`
	Message string `json:"message"`
	Data    struct {
		MsgID string `json:"msg_id"`
	} `json:"data"`
}

// post sends one request; code is Zalo's error code when it gave one.
func (c *Channel) post(ctx context.Context, token string, payload []byte) (notify.Receipt, int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.o.SendURL, bytes.NewReader(payload))
	if err != nil {
		return notify.Receipt{}, 0, c.fail(notify.FailChannel, "", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", token)
	resp, err := c.http.Do(req)
	if err != nil {
		return notify.Receipt{}, 0, c.fail(notify.NetFailure(err), "", err)
	}
	// (The URL in such an error holds no number: it travels in the body.)
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return notify.Receipt{}, 0, c.fail(notify.FailTemporary, "", err)
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return notify.Receipt{}, 0, &notify.SendError{Channel: "zns", Failure: notify.FailRateLimited,
			Code: "429", RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	if resp.StatusCode >= 500 {
		return notify.Receipt{}, 0, c.fail(notify.FailTemporary, strconv.Itoa(resp.StatusCode), errors.New(resp.Status))
	}
	var a sendAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return notify.Receipt{}, 0, c.fail(notify.FailTemporary, strconv.Itoa(resp.StatusCode), fmt.Errorf("answer is not ZNS JSON: %w", err))
	}
	if a.Error == 0 {
		return notify.Receipt{ProviderID: a.Data.MsgID}, 0, nil
	}
	f, ok := c.codes[a.Error]
	if !ok {
		f = notify.FailTemporary
	}
	se := &notify.SendError{Channel: "zns", Failure: f, Code: strconv.Itoa(a.Error), Err: errors.New(a.Message)}
	if a.Error == CodeOutOfQuota {
		se.RetryAfter = time.Hour
	}
	return notify.Receipt{}, a.Error, se
}

func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// token returns an access token valid for a while, renewing it when it is
// about to expire or when it equals spent (Zalo refused it).
func (c *Channel) token(ctx context.Context, spent string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tok, exp, ok, err := c.o.Secrets.Secret(ctx, SecretAccess)
	if err != nil {
		return "", c.fail(notify.FailTemporary, "", err)
	}
	if ok && tok != spent && c.clock.Now().Add(c.o.RefreshBefore).Before(exp) {
		return tok, nil
	}
	return c.renew(ctx)
}

type tokenAnswer struct {
	AccessToken  string          `json:"access_token"`
	RefreshToken string          `json:"refresh_token"`
	ExpiresIn    json.RawMessage `json:"expires_in"` // "90000" (a string in Zalo's answers) or a number
	Error        int             `json:"error"`
	ErrorName    string          `json:"error_name"`
	ErrorDesc    string          `json:"error_description"`
}

// renew spends the refresh token for a new pair. Caller holds c.mu.
func (c *Channel) renew(ctx context.Context) (string, error) {
	refresh, _, ok, err := c.o.Secrets.Secret(ctx, SecretRefresh)
	if err != nil {
		return "", c.fail(notify.FailTemporary, "", err)
	}
	if !ok {
		refresh = c.o.RefreshToken
	}
	if refresh == "" {
		return "", c.fail(notify.FailChannel, "", errors.New("no refresh token: set notify.zns.refresh_token"))
	}
	form := url.Values{"refresh_token": {refresh}, "app_id": {c.o.AppID}, "grant_type": {"refresh_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.o.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", c.fail(notify.FailChannel, "", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("secret_key", c.o.SecretKey)
	resp, err := c.http.Do(req)
	if err != nil {
		return "", c.fail(notify.NetFailure(err), "", fmt.Errorf("token renewal: %w", err))
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode >= 500 {
		return "", c.fail(notify.FailTemporary, strconv.Itoa(resp.StatusCode), fmt.Errorf("token renewal: %s %v", resp.Status, err))
	}
	var a tokenAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", c.fail(notify.FailTemporary, "", fmt.Errorf("token renewal: answer is not JSON: %w", err))
	}
	if a.AccessToken == "" || a.RefreshToken == "" {
		// A refresh token refused (spent, expired after 3 months, wrong
		// app): only an operator can give a new one.
		return "", c.fail(notify.FailChannel, strconv.Itoa(a.Error),
			fmt.Errorf("token renewal refused: %s %s", a.ErrorName, a.ErrorDesc))
	}
	secs, err := strconv.Atoi(strings.Trim(string(a.ExpiresIn), `"`))
	if err != nil || secs <= 0 {
		secs = 25 * 3600
	}
	exp := c.clock.Now().Add(time.Duration(secs) * time.Second)
	// The new refresh token first: the old one is spent already, so its
	// storing must not be cut short by the request's deadline.
	ctx = context.WithoutCancel(ctx)
	if err := c.o.Secrets.SetSecret(ctx, SecretRefresh, a.RefreshToken, c.clock.Now().AddDate(0, 3, 0)); err != nil {
		return "", c.fail(notify.FailTemporary, "", err)
	}
	if err := c.o.Secrets.SetSecret(ctx, SecretAccess, a.AccessToken, exp); err != nil {
		return "", c.fail(notify.FailTemporary, "", err)
	}
	return a.AccessToken, nil
}
