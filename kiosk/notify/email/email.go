package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/smtp"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"motcua/kiosk/notify"
)

// Opts configure a Channel.
type Opts struct {
	Addr     string `yaml:"addr"` // host:port of the SMTP server (587 for submission)
	From     string `yaml:"from"` // "Bộ phận một cửa <motcua@example.gov.vn>"
	Username string `yaml:"username"`
	Password string `yaml:"-"`
	// PasswordFile holds the password; cmd/motcua reads it into Password.
	PasswordFile string `yaml:"password_file"`
	// Subjects and Texts replace the defaults of some kinds.
	Subjects map[notify.Kind]string `yaml:"subjects"`
	Texts    notify.Texts           `yaml:"texts"`
	// TLSConfig is for STARTTLS; default verifies the server's name.
	TLSConfig *tls.Config `yaml:"-"`
}

// DefaultSubjects are the subjects a center starts from.
func DefaultSubjects() map[notify.Kind]string {
	return map[notify.Kind]string{
		notify.KindTaken:         "Số thứ tự {number}",
		notify.KindAhead:         "Sắp đến lượt số {number}",
		notify.KindCalled:        "Mời số {number} đến {counter}",
		notify.KindNoShow:        "Số {number} đã qua lượt",
		notify.KindRating:        "Đánh giá mức độ hài lòng",
		notify.KindDossierStatus: "Hồ sơ {code}: {status}",
		notify.KindResultReady:   "Hồ sơ {code} đã có kết quả",
	}
}

// Channel is the e-mail notify.Channel.
type Channel struct {
	o        Opts
	host     string
	from     string
	subjects notify.Texts
	texts    notify.Texts
}

// New returns an e-mail channel.
func New(o Opts) (*Channel, error) {
	host, _, err := net.SplitHostPort(o.Addr)
	if err != nil || host == "" {
		return nil, fmt.Errorf("email: addr %q is not host:port", o.Addr)
	}
	from, err := mailAddress(o.From)
	if err != nil {
		return nil, fmt.Errorf("email: from %q: %w", o.From, err)
	}
	c := &Channel{o: o, host: host, from: from, subjects: notify.Texts(DefaultSubjects()), texts: notify.DefaultTexts()}
	for k, s := range o.Subjects {
		if !k.Valid() {
			return nil, fmt.Errorf("email: subjects: unknown kind %q", k)
		}
		c.subjects[k] = s
	}
	for k, t := range o.Texts {
		if !k.Valid() {
			return nil, fmt.Errorf("email: texts: unknown kind %q", k)
		}
		c.texts[k] = t
	}
	return c, nil
}

func mailAddress(s string) (string, error) {
	if i := strings.LastIndexByte(s, '<'); i >= 0 && strings.HasSuffix(s, ">") {
		s = s[i+1 : len(s)-1]
	}
	return notify.NormalizeEmail(s)
}

// Name implements notify.Channel.
func (c *Channel) Name() string { return "email" }

func (c *Channel) fail(f notify.Failure, code string, err error) error {
	return &notify.SendError{Channel: "email", Failure: f, Code: code, Err: err}
}

// Send implements notify.Channel.
func (c *Channel) Send(ctx context.Context, d notify.Delivery) (notify.Receipt, error) {
	if d.Email == "" {
		return notify.Receipt{}, c.fail(notify.FailRecipient, "", errors.New("no address"))
	}
	msg, err := c.message(d)
	if err != nil {
		return notify.Receipt{}, c.fail(notify.FailChannel, "", err)
	}
	if err := c.session(ctx, d.Email, msg); err != nil {
		return notify.Receipt{}, c.classify(err)
	}
	return notify.Receipt{ProviderID: messageID(d.Key)}, nil
}

func messageID(key string) string {
	return "<" + strings.NewReplacer(":", ".", "/", ".").Replace(key) + "@motcua>"
}

func (c *Channel) message(d notify.Delivery) ([]byte, error) {
	subject, err := c.subjects.Render(d.Kind, d.Params)
	if err != nil {
		return nil, err
	}
	text, err := c.texts.Render(d.Kind, d.Params)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "From: %s\r\n", mime.QEncoding.Encode("utf-8", c.o.From))
	fmt.Fprintf(&b, "To: <%s>\r\n", d.Email)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.QEncoding.Encode("utf-8", subject))
	fmt.Fprintf(&b, "Message-ID: %s\r\n", messageID(d.Key))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
	w := quotedprintable.NewWriter(&b)
	if _, err := w.Write([]byte(text + "\r\n")); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// session runs one SMTP session bounded by ctx.
func (c *Channel) session(ctx context.Context, to string, msg []byte) error {
	var dialer net.Dialer
	conn, err := dialer.DialContext(ctx, "tcp", c.o.Addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	cl, err := smtp.NewClient(conn, c.host)
	if err != nil {
		return err
	}
	defer cl.Close()
	if ok, _ := cl.Extension("STARTTLS"); ok {
		cfg := c.o.TLSConfig
		if cfg == nil {
			cfg = &tls.Config{ServerName: c.host}
		}
		if err := cl.StartTLS(cfg); err != nil {
			return err
		}
	}
	if c.o.Username != "" {
		// PlainAuth refuses to send the password without TLS, except to
		// localhost.
		if err := cl.Auth(smtp.PlainAuth("", c.o.Username, c.o.Password, c.host)); err != nil {
			return err
		}
	}
	if err := cl.Mail(c.from); err != nil {
		return err
	}
	if err := cl.Rcpt(to); err != nil {
		return err
	}
	w, err := cl.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return cl.Quit()
}

// classify maps an SMTP failure. The server's text is left out: it often
// repeats the address.
func (c *Channel) classify(err error) error {
	var te *textproto.Error
	if !errors.As(err, &te) {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return c.fail(notify.FailTemporary, "", errors.New("timeout"))
		}
		return c.fail(notify.NetFailure(err), "", errors.New("connection failed"))
	}
	code := strconv.Itoa(te.Code)
	reply := errors.New("SMTP reply " + code)
	switch {
	case te.Code == 550 || te.Code == 551 || te.Code == 553:
		return c.fail(notify.FailRecipient, code, reply)
	case te.Code >= 500:
		return c.fail(notify.FailChannel, code, reply)
	}
	return c.fail(notify.FailTemporary, code, reply)
}
