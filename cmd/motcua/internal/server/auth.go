package server

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"motcua/cmd/motcua/internal/config"
)

// cookieName is the staff session cookie.
const cookieName = "motcua_session"

// sessions issues and checks staff session tokens: "user.expiry.mac", signed
// with HMAC-SHA256, so they survive a restart without a session table and a
// changed secret logs everyone out.
type sessions struct {
	secret []byte
	ttl    time.Duration
	now    func() time.Time
}

func (s *sessions) sign(payload string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *sessions) issue(user string) (string, time.Time) {
	exp := s.now().Add(s.ttl)
	payload := base64.RawURLEncoding.EncodeToString([]byte(user)) + "." + strconv.FormatInt(exp.Unix(), 10)
	return payload + "." + s.sign(payload), exp
}

// check returns the user of a valid, unexpired token.
func (s *sessions) check(token string) (string, bool) {
	i := strings.LastIndexByte(token, '.')
	if i < 0 {
		return "", false
	}
	payload, mac := token[:i], token[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.sign(payload))) {
		return "", false
	}
	u, e, ok := strings.Cut(payload, ".")
	if !ok {
		return "", false
	}
	exp, err := strconv.ParseInt(e, 10, 64)
	if err != nil || s.now().Unix() >= exp {
		return "", false
	}
	user, err := base64.RawURLEncoding.DecodeString(u)
	if err != nil {
		return "", false
	}
	return string(user), true
}

// dummyHash keeps a login for an unknown user as slow as one for a known
// user, so timing does not tell which usernames exist.
const dummyHash = "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	user, ok := s.cfg.User(req.Username)
	hash := []byte(user.PasswordHash)
	if !ok {
		hash = []byte(dummyHash)
	}
	if bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) != nil || !ok {
		s.fail(c, errBadLogin)
		return
	}
	token, exp := s.sess.issue(user.Username)
	http.SetCookie(c.Writer, &http.Cookie{Name: cookieName, Value: token, Path: "/", Expires: exp,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: c.Request.TLS != nil})
	counters := user.Counters
	if user.Role == config.RoleAdmin {
		counters = nil
		for _, ct := range s.cfg.Counters {
			counters = append(counters, ct.ID)
		}
	}
	c.JSON(http.StatusOK, gin.H{"token": token, "expires_at": exp.In(s.loc).Format(time.RFC3339),
		"user": gin.H{"username": user.Username, "name": user.Name, "role": user.Role, "counters": counters}})
}

func (s *Server) logout(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true})
	c.Status(http.StatusNoContent)
}

// staff requires a valid session (bearer token or cookie) and puts the
// account in the context.
func (s *Server) staff(c *gin.Context) {
	if _, ok := s.authenticate(c); !ok {
		return
	}
	c.Next()
}

// authenticate finds the account of the request's session and puts it in
// the context; without one it answers 401 and aborts. It never runs the
// rest of the chain: a middleware that checks more (a role) checks it
// before anything runs.
func (s *Server) authenticate(c *gin.Context) (config.Staff, bool) {
	token := ""
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		token = strings.TrimPrefix(h, "Bearer ")
	} else if ck, err := c.Cookie(cookieName); err == nil {
		token = ck
	}
	name, ok := s.sess.check(token)
	if !ok {
		s.fail(c, errUnauthorized)
		return config.Staff{}, false
	}
	user, ok := s.cfg.User(name)
	if !ok { // removed from the config since the login
		s.fail(c, errUnauthorized)
		return config.Staff{}, false
	}
	c.Set("user", user)
	return user, true
}

// counterAccess lets through only staff allowed on the counter of the path.
func (s *Server) counterAccess(c *gin.Context) {
	user := c.MustGet("user").(config.Staff)
	if !user.Allowed(c.Param("counter")) {
		s.fail(c, errForbidden)
		return
	}
	c.Next()
}
