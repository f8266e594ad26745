package fleet

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"
)

// cookieName carries the sign-in of the fleet pages.
const cookieName = "motcua_hub"

// token is username, expiry and the account's fingerprint, signed: any hub
// process checks it, and a changed or disabled account ends it at once.
func (f *Fleet) token(a Account, exp time.Time) string {
	payload := strings.Join([]string{a.Username, strconv.FormatInt(exp.Unix(), 10), fingerprint(a)}, "|")
	p := base64.RawURLEncoding.EncodeToString([]byte(payload))
	return p + "." + f.sign(p)
}

func (f *Fleet) sign(p string) string {
	m := hmac.New(sha256.New, f.o.SessionSecret)
	m.Write([]byte(p))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func fingerprint(a Account) string {
	h := sha256.Sum256([]byte(a.PasswordHash + "\x00" + a.Role + "\x00" + strings.Join(a.Centers, ",")))
	return base64.RawURLEncoding.EncodeToString(h[:9])
}

// account is whom tok signs in, if it is still good.
func (f *Fleet) account(tok string) (Account, bool) {
	p, sig, ok := strings.Cut(tok, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(f.sign(p))) {
		return Account{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Account{}, false
	}
	parts := strings.Split(string(raw), "|")
	if len(parts) != 3 {
		return Account{}, false
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || f.clk.Now().Unix() >= exp {
		return Account{}, false
	}
	a, ok := f.staff[parts[0]]
	if !ok || a.Disabled || a.Role == RoleClerk || fingerprint(a) != parts[2] {
		return Account{}, false
	}
	return a, true
}

func (f *Fleet) auth(c *gin.Context) {
	tok := strings.TrimPrefix(c.GetHeader("Authorization"), "Bearer ")
	fromCookie := false
	if tok == "" {
		if ck, err := c.Cookie(cookieName); err == nil {
			tok, fromCookie = ck, true
		}
	}
	a, ok := f.account(tok)
	if !ok {
		fail(c, http.StatusUnauthorized, "unauthorized", "Vui lòng đăng nhập bằng tài khoản của tỉnh.")
		return
	}
	// A cookie rides along with any page's request: a change must come
	// from the hub's own pages.
	if fromCookie && c.Request.Method != http.MethodGet && !sameOrigin(c.Request) {
		fail(c, http.StatusForbidden, "cross_origin", "Yêu cầu đến từ trang khác, không được chấp nhận.")
		return
	}
	c.Set("account", a)
}

func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return r.Header.Get("Sec-Fetch-Site") == "" || r.Header.Get("Sec-Fetch-Site") == "same-origin"
	}
	return o == "http://"+r.Host || o == "https://"+r.Host
}

func (f *Fleet) login(c *gin.Context) {
	var req struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, 4<<10)).Decode(&req); err != nil {
		fail(c, http.StatusBadRequest, "invalid_body", `Gửi {"username": "...", "password": "..."}.`)
		return
	}
	name := strings.TrimSpace(req.Username)
	keys := []string{"user:" + strings.ToLower(name), "ip:" + c.ClientIP()}
	a, ok := f.staff[name]
	hash := a.PasswordHash
	if !ok {
		// Compare anyway: the time taken does not tell who exists.
		hash = string(f.decoy)
	}
	var match bool
	compare := func() { match = bcrypt.CompareHashAndPassword([]byte(hash), []byte(req.Password)) == nil }
	if t := f.o.Throttle; t != nil {
		if wait := t.Wait(keys...); wait > 0 {
			throttled(c, wait)
			return
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), 5*time.Second)
		defer cancel()
		var wait time.Duration
		err := t.Compare(ctx, func() {
			if wait = t.Wait(keys...); wait == 0 {
				compare()
				if !match || !ok || a.Disabled {
					t.Fail(keys...)
				}
			}
		})
		switch {
		case err != nil:
			fail(c, http.StatusServiceUnavailable, "login_busy", "Hệ thống đang bận kiểm tra đăng nhập, vui lòng thử lại sau vài giây.")
			return
		case wait > 0:
			throttled(c, wait)
			return
		}
		if match && ok && !a.Disabled {
			t.Reset(keys[0])
		}
	} else {
		compare()
	}
	if !ok || !match || a.Disabled {
		f.log.Warn("hub sign-in refused", "username", req.Username, "addr", c.ClientIP())
		fail(c, http.StatusUnauthorized, "invalid_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
		return
	}
	if a.Role == RoleClerk {
		fail(c, http.StatusForbidden, "forbidden", "Tài khoản cán bộ đăng nhập tại quầy của trung tâm, không tại trang của tỉnh.")
		return
	}
	exp := f.clk.Now().Add(f.o.SessionTTL)
	tok := f.token(a, exp)
	http.SetCookie(c.Writer, &http.Cookie{Name: cookieName, Value: tok, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
	c.JSON(http.StatusOK, gin.H{"token": tok, "username": a.Username, "name": a.Name, "role": a.Role, "expires_at": exp})
}

func (f *Fleet) logout(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	c.Status(http.StatusNoContent)
}

func (f *Fleet) me(c *gin.Context) {
	a := c.MustGet("account").(Account)
	c.JSON(http.StatusOK, gin.H{"username": a.Username, "name": a.Name, "role": a.Role, "centers": a.Centers,
		"province": f.o.Province, "timezone": f.zone()})
}

// throttled answers a sign-in that must wait.
func throttled(c *gin.Context, wait time.Duration) {
	secs := int(wait.Seconds() + 0.999)
	c.Header("Retry-After", strconv.Itoa(secs))
	fail(c, http.StatusTooManyRequests, "login_throttled",
		"Đăng nhập sai nhiều lần: vui lòng thử lại sau "+strconv.Itoa(secs)+" giây.")
}

// zone is the centers' time zone as the pages name it for their clocks.
func (f *Fleet) zone() string {
	if n := f.o.Location.String(); strings.Contains(n, "/") {
		return n
	}
	return "Asia/Ho_Chi_Minh" // a fixed zone: the centers are in Vietnam
}
