package email_test

import (
	"context"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
	"testing"
	"time"

	"motcua/kiosk/notify"
	"motcua/kiosk/notify/email"
	"motcua/kiosk/notify/notifytest"
)

func TestSendsAMail(t *testing.T) {
	srv := notifytest.NewSMTP(t)
	c, err := email.New(email.Opts{Addr: srv.Addr, From: "Bộ phận một cửa <motcua@example.gov.vn>", Username: "motcua", Password: "x"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d := notify.Delivery{Key: "d:H01:result_ready:9", Kind: notify.KindResultReady, Email: "cong.dan@example.vn",
		Params: map[string]string{"code": "H01-260302-0001"}}
	rec, err := c.Send(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if len(mails) != 1 || mails[0].To != "cong.dan@example.vn" || mails[0].From != "motcua@example.gov.vn" || mails[0].User == "" {
		t.Fatalf("mails %+v", mails)
	}
	head, body, _ := strings.Cut(mails[0].Data, "\r\n\r\n")
	var subject string
	for _, l := range strings.Split(head, "\r\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			subject, _ = new(mime.WordDecoder).DecodeHeader(s)
		}
	}
	if subject != "Hồ sơ H01-260302-0001 đã có kết quả" {
		t.Errorf("subject %q", subject)
	}
	text, _ := io.ReadAll(quotedprintable.NewReader(strings.NewReader(body)))
	if !strings.Contains(string(text), "Hồ sơ H01-260302-0001 đã có kết quả. Mời bạn đến nhận") {
		t.Errorf("body %q", text)
	}
	if !strings.Contains(head, "Message-ID: "+rec.ProviderID) {
		t.Errorf("Message-ID %q not in %q", rec.ProviderID, head)
	}
}

func TestRefusedRecipient(t *testing.T) {
	srv := notifytest.NewSMTP(t)
	srv.Reject("khong.co@example.vn")
	c, err := email.New(email.Opts{Addr: srv.Addr, From: "motcua@example.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	d := notify.Delivery{Key: "t:1:called", Kind: notify.KindCalled, Email: "khong.co@example.vn", Params: map[string]string{"number": "A001"}}
	_, err = c.Send(context.Background(), d)
	var se *notify.SendError
	if !errors.As(err, &se) || se.Failure != notify.FailRecipient || se.Code != "550" {
		t.Fatalf("got %v, want recipient 550", err)
	}
	if strings.Contains(err.Error(), "khong.co") {
		t.Errorf("the error repeats the address: %v", err)
	}
	d.Email = ""
	if _, err := c.Send(context.Background(), d); notify.FailureOf(err) != notify.FailRecipient {
		t.Errorf("no address: %v", err)
	}
}

// A server that refuses the connection: nothing left, the channel rests
// and the next one is tried at once.
func TestUnreachableServer(t *testing.T) {
	c, err := email.New(email.Opts{Addr: "127.0.0.1:1", From: "motcua@example.gov.vn"})
	if err != nil {
		t.Fatal(err)
	}
	d := notify.Delivery{Key: "t:1:called", Kind: notify.KindCalled, Email: "a@example.vn", Params: map[string]string{}}
	if _, err := c.Send(context.Background(), d); notify.FailureOf(err) != notify.FailUnreachable {
		t.Fatalf("got %v", err)
	}
}
