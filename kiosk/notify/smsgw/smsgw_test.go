package smsgw_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"motcua/kiosk/notify"
	"motcua/kiosk/notify/notifytest"
	"motcua/kiosk/notify/smsgw"
)

func eSMS(t *testing.T, fake *notifytest.SMS) *smsgw.Channel {
	t.Helper()
	o := smsgw.ESMS(fake.APIKey, "UBND-PHUONG")
	o.URL, o.Secret = fake.URL, fake.SecretKey
	c, err := smsgw.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func called(key string) notify.Delivery {
	return notify.Delivery{Key: key, Kind: notify.KindCalled, Phone: "84912345678",
		Params: map[string]string{"number": "A012", "counter": "Quầy 3"}}
}

func TestSendsThroughTheGateway(t *testing.T) {
	fake := notifytest.NewSMS(t)
	c := eSMS(t, fake)
	rec, err := c.Send(context.Background(), called("t:abc:called"))
	if err != nil {
		t.Fatal(err)
	}
	got := fake.Accepted()
	if len(got) != 1 {
		t.Fatalf("accepted %d", len(got))
	}
	m := got[0]
	if m.Phone != "0912345678" || m.Content != "Moi cong dan co so A012 den Quay 3." || m.RequestID != "t:abc:called" ||
		m.Brandname != "UBND-PHUONG" || rec.ProviderID != m.SMSID {
		t.Fatalf("sent %+v, receipt %+v", m, rec)
	}
	// The same key again (a retry after a crash): the gateway knows it.
	if _, err := c.Send(context.Background(), called("t:abc:called")); notify.FailureOf(err) != notify.FailDuplicate {
		t.Fatalf("second send: %v, want duplicate", err)
	}
	if n := len(fake.Accepted()); n != 1 {
		t.Fatalf("the gateway took %d messages", n)
	}
}

func TestRefusals(t *testing.T) {
	for _, tc := range []struct {
		name  string
		b     notifytest.Behaviour
		want  notify.Failure
		code  string
		after time.Duration
	}{
		{"invalid phone", notifytest.BadPhone, notify.FailRecipient, "99", 0},
		{"no balance", notifytest.OutOfQuota, notify.FailChannel, "103", 0},
		{"rate limited", notifytest.RateLimited, notify.FailRateLimited, "429", 30 * time.Second},
		{"timeout", notifytest.Timeout, notify.FailTemporary, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := notifytest.NewSMS(t)
			fake.Set("0912345678", tc.b)
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			_, err := eSMS(t, fake).Send(ctx, called("t:1:called"))
			var se *notify.SendError
			if !errors.As(err, &se) || se.Failure != tc.want || se.Code != tc.code || se.RetryAfter != tc.after {
				t.Fatalf("got %#v, want %s code %q", err, tc.want, tc.code)
			}
		})
	}
	fake := notifytest.NewSMS(t)
	o := smsgw.ESMS("wrong-key", "UBND")
	o.URL = fake.URL
	c, err := smsgw.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), called("t:1:called")); notify.FailureOf(err) != notify.FailChannel {
		t.Fatalf("wrong keys: %v, want FailChannel", err)
	}
}

// The gateway is described in the center's YAML, field by field.
func TestConfiguredInYAML(t *testing.T) {
	fake := notifytest.NewSMS(t)
	src := `
url: ` + fake.URL + `
body:
  ApiKey: ` + fake.APIKey + `
  SecretKey: "{secret}"
  Phone: "{phone}"
  Content: "{text}"
  Brandname: MOTCUA
  SmsType: "2"
  RequestId: "{key}"
answer:
  code_path: CodeResult
  ok: ["100"]
  duplicate: ["124"]
  recipient: ["99"]
  channel: ["101", "103"]
  id_path: SMSID
phone_format: "0"
texts:
  called: "So {number} xin moi den {counter}"
`
	var o smsgw.Opts
	dec := yaml.NewDecoder(strings.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&o); err != nil {
		t.Fatal(err)
	}
	o.Secret = fake.SecretKey
	c, err := smsgw.New(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Send(context.Background(), called("t:2:called")); err != nil {
		t.Fatal(err)
	}
	if got := fake.Accepted(); len(got) != 1 || got[0].Content != "So A012 xin moi den Quầy 3" {
		t.Fatalf("accepted %+v", got)
	}
}

func TestBadOpts(t *testing.T) {
	for name, o := range map[string]smsgw.Opts{
		"no url":       {Body: map[string]string{"a": "{text}"}},
		"ftp":          {URL: "ftp://x/", Body: map[string]string{"a": "{text}"}},
		"no body":      {URL: "https://x/"},
		"method":       {URL: "https://x/", Method: "PUT", Body: map[string]string{"a": "b"}},
		"auth":         {URL: "https://x/", Body: map[string]string{"a": "b"}, Auth: smsgw.Auth{Kind: "magic"}},
		"phone format": {URL: "https://x/", Body: map[string]string{"a": "b"}, PhoneFormat: "+84"},
		"text kind":    {URL: "https://x/", Body: map[string]string{"a": "b"}, Texts: notify.Texts{"later": "x"}},
	} {
		if _, err := smsgw.New(o); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestFold(t *testing.T) {
	if got := smsgw.Fold("Mời công dân có số A012 đến Quầy 3. Đã xử lý xong"); got != "Moi cong dan co so A012 den Quay 3. Da xu ly xong" {
		t.Errorf("Fold = %q", got)
	}
}
