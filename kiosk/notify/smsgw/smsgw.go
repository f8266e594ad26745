package smsgw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"motcua/internal/jsonpath"
	"motcua/kiosk/notify"
)

// Auth is how the gateway knows the center.
type Auth struct {
	Kind     string `yaml:"kind"` // "none" (default; a key in the body), "bearer", "basic"
	Token    string `yaml:"token"`
	Username string `yaml:"username"`
	Password string `yaml:"password"`
}

// Answer says how to read the gateway's answer.
type Answer struct {
	// CodePath is the dot-separated path of the result code in the JSON
	// answer ("CodeResult"); empty: the HTTP status is the code.
	CodePath string `yaml:"code_path"`
	// Values of the code: accepted (default "0" and, without CodePath,
	// "200"), already sent, the number refused, the channel refused
	// (credentials, balance, brandname, template), slow down.
	OK          []string `yaml:"ok"`
	Duplicate   []string `yaml:"duplicate"`
	Recipient   []string `yaml:"recipient"`
	Channel     []string `yaml:"channel"`
	RateLimited []string `yaml:"rate_limited"`
	// IDPath is the path of the gateway's message id.
	IDPath string `yaml:"id_path"`
}

// Opts configure a Channel.
type Opts struct {
	URL    string `yaml:"url"`
	Method string `yaml:"method"` // default POST
	// Body holds the request's fields; in their values {phone}, {text},
	// {key} and {secret} are replaced. Form sends them as
	// application/x-www-form-urlencoded instead of JSON.
	Body    map[string]string `yaml:"body"`
	Form    bool              `yaml:"form"`
	Headers map[string]string `yaml:"headers"`
	Auth    Auth              `yaml:"auth"`
	Answer  Answer            `yaml:"answer"`
	// Secret fills {secret} (cmd/motcua reads it from secret_file).
	Secret     string `yaml:"-"`
	SecretFile string `yaml:"secret_file"`
	// PhoneFormat is "84" (84912345678, default) or "0" (0912345678).
	PhoneFormat string `yaml:"phone_format"`
	// ASCII folds diacritics ("Mời" → "Moi", "đ" → "d").
	ASCII bool `yaml:"ascii"`
	// Texts replace the default text of some kinds.
	Texts notify.Texts `yaml:"texts"`

	HTTPClient *http.Client `yaml:"-"` // default a client of its own
}

// ESMS returns the Opts of eSMS.vn's brandname API (SendMultipleMessage_V4,
// SmsType 2 = customer care): a JSON body with ApiKey/SecretKey, answer
// CodeResult 100 accepted, 124 duplicate RequestId, 99 and 108 a bad
// number, 101 wrong keys, 103 no balance, 104 brandname unknown.
func ESMS(apiKey, brandname string) Opts {
	return Opts{
		URL: "https://rest.esms.vn/MainService.svc/json/SendMultipleMessage_V4_post_json/",
		Body: map[string]string{"ApiKey": apiKey, "SecretKey": "{secret}", "Phone": "{phone}", "Content": "{text}",
			"Brandname": brandname, "SmsType": "2", "IsUnicode": "0", "RequestId": "{key}"},
		Answer: Answer{CodePath: "CodeResult", OK: []string{"100"}, Duplicate: []string{"124"},
			Recipient: []string{"99", "108"}, Channel: []string{"101", "102", "103", "104", "146"}, IDPath: "SMSID"},
		PhoneFormat: "0", ASCII: true,
	}
}

// Channel is the SMS notify.Channel.
type Channel struct {
	o     Opts
	texts notify.Texts
	http  *http.Client
}

// New returns an SMS channel.
func New(o Opts) (*Channel, error) {
	u, err := url.Parse(o.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("smsgw: url %q is not an http(s) address", o.URL)
	}
	if o.Method == "" {
		o.Method = http.MethodPost
	}
	if o.Method != http.MethodPost && o.Method != http.MethodGet {
		return nil, fmt.Errorf("smsgw: method %q: GET or POST", o.Method)
	}
	if len(o.Body) == 0 {
		return nil, errors.New("smsgw: body is required (where do {phone} and {text} go?)")
	}
	switch o.Auth.Kind {
	case "", "none", "bearer", "basic":
	default:
		return nil, fmt.Errorf("smsgw: auth.kind %q: none, bearer or basic", o.Auth.Kind)
	}
	switch o.PhoneFormat {
	case "", "84", "0":
	default:
		return nil, fmt.Errorf("smsgw: phone_format %q: \"84\" or \"0\"", o.PhoneFormat)
	}
	c := &Channel{o: o, texts: notify.DefaultTexts(), http: o.HTTPClient}
	for k, t := range o.Texts {
		if !k.Valid() {
			return nil, fmt.Errorf("smsgw: texts: unknown kind %q", k)
		}
		c.texts[k] = t
	}
	if c.http == nil {
		c.http = &http.Client{}
	}
	return c, nil
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return "sms" }

func (c *Channel) fail(f notify.Failure, code string, err error) error {
	return &notify.SendError{Channel: "sms", Failure: f, Code: code, Err: err}
}

// Send implements notify.Channel.
func (c *Channel) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if d.Phone == "" {
		return notify.Receipt{}, c.fail(notify.FailRecipient, "", errors.New("no phone number"))
	}
	text, err := c.texts.Render(d.Kind, d.Params)
	if err != nil {
		return notify.Receipt{}, c.fail(notify.FailChannel, "", err)
	}
	if c.o.ASCII {
		text = Fold(text)
	}
	phone := d.Phone
	if c.o.PhoneFormat == "0" {
		phone = "0" + strings.TrimPrefix(phone, "84")
	}
	fill := strings.NewReplacer("{phone}", phone, "{text}", text, "{key}", d.Key, "{secret}", c.o.Secret)
	fields := make(map[string]string, len(c.o.Body))
	for k, v := range c.o.Body {
		fields[k] = fill.Replace(v)
	}
	req, err := c.request(ctx, fields)
	if err != nil {
		return notify.Receipt{}, c.fail(notify.FailChannel, "", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// Without the URL: a GET gateway has the number in it.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return notify.Receipt{}, c.fail(notify.NetFailure(err), "", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return notify.Receipt{}, c.fail(notify.FailTemporary, "", err)
	}
	return c.read(resp, raw)
}

func (c *Channel) request(ctx context.Context, fields map[string]string) (*http.Request, error) {
	var body io.Reader
	target := c.o.URL
	ctype := "application/json"
	switch {
	case c.o.Method == http.MethodGet:
		q := url.Values{}
		for k, v := range fields {
			q.Set(k, v)
		}
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + q.Encode()
		ctype = ""
	case c.o.Form:
		q := url.Values{}
		for k, v := range fields {
			q.Set(k, v)
		}
		body, ctype = strings.NewReader(q.Encode()), "application/x-www-form-urlencoded"
	default:
		b, err := json.Marshal(fields)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, c.o.Method, target, body)
	if err != nil {
		return nil, err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for k, v := range c.o.Headers {
		req.Header.Set(k, v)
	}
	switch c.o.Auth.Kind {
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+c.o.Auth.Token)
	case "basic":
		req.SetBasicAuth(c.o.Auth.Username, c.o.Auth.Password)
	}
	return req, nil
}

// read maps the gateway's answer to a receipt or a failure.
func (c *Channel) read(resp *http.Response, raw []byte) (notify.Receipt, error) {
	a := c.o.Answer
	if resp.StatusCode == http.StatusTooManyRequests {
		return notify.Receipt{}, &notify.SendError{Channel: "sms", Failure: notify.FailRateLimited, Code: "429",
			RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	}
	if resp.StatusCode >= 500 {
		return notify.Receipt{}, c.fail(notify.FailTemporary, strconv.Itoa(resp.StatusCode), errors.New(resp.Status))
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return notify.Receipt{}, c.fail(notify.FailChannel, strconv.Itoa(resp.StatusCode), errors.New("credentials refused"))
	}
	var doc any
	if len(raw) > 0 {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		if err := dec.Decode(&doc); err != nil && a.CodePath != "" {
			return notify.Receipt{}, c.fail(notify.FailTemporary, strconv.Itoa(resp.StatusCode), fmt.Errorf("answer is not JSON: %w", err))
		}
	}
	code := strconv.Itoa(resp.StatusCode)
	ok := a.OK
	if a.CodePath != "" {
		v, found := lookup(doc, a.CodePath)
		if !found {
			return notify.Receipt{}, c.fail(notify.FailTemporary, "", fmt.Errorf("answer has no %s", a.CodePath))
		}
		code = scalar(v)
	} else if len(ok) == 0 {
		ok = []string{"200", "201", "202"}
	}
	if len(ok) == 0 {
		ok = []string{"0"}
	}
	var id string
	if v, found := lookup(doc, a.IDPath); a.IDPath != "" && found {
		id = scalar(v)
	}
	switch {
	case slices.Contains(ok, code):
		return notify.Receipt{ProviderID: id}, nil
	case slices.Contains(a.Duplicate, code):
		return notify.Receipt{}, c.fail(notify.FailDuplicate, code, errors.New("already sent"))
	case slices.Contains(a.Recipient, code):
		return notify.Receipt{}, c.fail(notify.FailRecipient, code, errors.New("number refused"))
	case slices.Contains(a.Channel, code):
		return notify.Receipt{}, c.fail(notify.FailChannel, code, errors.New("gateway refused the account or the message"))
	case slices.Contains(a.RateLimited, code):
		return notify.Receipt{}, &notify.SendError{Channel: "sms", Failure: notify.FailRateLimited, Code: code}
	}
	return notify.Receipt{}, c.fail(notify.FailTemporary, code, errors.New("unknown answer code"))
}

func retryAfter(h string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h)); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

// lookup follows a dot-separated path of keys and array indexes; "" is v
// when there is one.
func lookup(v any, path string) (any, bool) {
	if path == "" {
		return v, v != nil
	}
	return jsonpath.Lookup(v, path)
}

func scalar(v any) string { return jsonpath.Scalar(v) }

// Fold removes Vietnamese diacritics: "Mời công dân đến quầy" → "Moi cong
// dan den quay".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == 'đ':
			b.WriteRune('d')
		case r == 'Đ':
			b.WriteRune('D')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
