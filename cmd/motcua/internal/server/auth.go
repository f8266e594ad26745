package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"motcua/cmd/motcua/internal/config"
	"motcua/internal/msg"
	"motcua/kiosk/session"
)

// cookieName is the staff session cookie.
const cookieName = "motcua_session"

// fingerprint sums what a session of u depends on: its password hash, role
// and counters. A session made before any of them changed is ended.
func fingerprint(u config.Staff) string {
	return session.Fingerprint(u.PasswordHash, u.Role, strings.Join(u.Counters, ","))
}

// endStaleSessions ends, at start, the sessions of accounts removed from the
// config or whose password, role or counters changed since they logged in.
func (s *Server) endStaleSessions(ctx context.Context) error {
	users, err := s.sess.EndStale(ctx, func(name string) (string, bool) {
		u, ok := s.cfg.User(name)
		return fingerprint(u), ok
	})
	if len(users) > 0 {
		s.log.Info("sessions ended: account changed or removed in the config", "users", users)
	}
	return err
}

// sessionToken is the request's session token: the bearer token, else the
// session cookie.
func sessionToken(c *gin.Context) string {
	if h := c.GetHeader("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimPrefix(h, "Bearer ")
	}
	if ck, err := c.Cookie(cookieName); err == nil {
		return ck
	}
	return ""
}

// dummyHash keeps a login for an unknown user as slow as one for a known
// user, so timing does not tell which usernames exist.
const dummyHash = "$2a$10$ro/Pw92.1olfWohn3jzozO6mNapWvVKP6v1kTo6DuGlNHgfxvgAXK"

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// compareWait is how long a login waits for a free password comparison
// before it is told to come back.
const compareWait = 5 * time.Second

// login checks a password and starts a session. An account or an address
// with too many failures waits (429 login_throttled, Retry-After) without
// a comparison; comparisons run one or two at a time (session.Throttle).
func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	keys := []string{"user:" + strings.ToLower(strings.TrimSpace(req.Username)), "ip:" + c.ClientIP()}
	if wait := s.throttle.Wait(keys...); wait > 0 {
		s.logins.WithLabelValues("throttled").Inc()
		s.fail(c, &throttledError{wait: wait})
		return
	}
	user, ok := s.cfg.User(req.Username)
	hash := []byte(user.PasswordHash)
	if !ok {
		hash = []byte(dummyHash)
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), compareWait)
	defer cancel()
	var wait time.Duration
	var match bool
	err := s.throttle.Compare(ctx, func() {
		// Checked and recorded inside the slot: failures of the logins that
		// held it before count for this one.
		if wait = s.throttle.Wait(keys...); wait == 0 {
			match = bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) == nil && ok
			if !match {
				s.throttle.Fail(keys...)
			}
		}
	})
	switch {
	case err != nil:
		s.logins.WithLabelValues("busy").Inc()
		s.fail(c, errLoginBusy)
		return
	case wait > 0:
		s.logins.WithLabelValues("throttled").Inc()
		s.fail(c, &throttledError{wait: wait})
		return
	case !match:
		s.logins.WithLabelValues("bad_credentials").Inc()
		s.fail(c, errBadLogin)
		return
	}
	s.throttle.Reset(keys[0])
	s.logins.WithLabelValues("ok").Inc()
	token, ses, err := s.sess.Create(c.Request.Context(), user.Username, fingerprint(user))
	if err != nil {
		s.fail(c, err)
		return
	}
	exp := ses.Expires
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

// logout ends the request's session, if it has one, and clears the cookie.
func (s *Server) logout(c *gin.Context) {
	if tok := sessionToken(c); tok != "" {
		if err := s.sess.End(c.Request.Context(), tok); err != nil {
			s.fail(c, err)
			return
		}
	}
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
	token := sessionToken(c)
	ses, err := s.sess.Check(c.Request.Context(), token)
	if errors.Is(err, session.ErrNoSession) {
		err = errUnauthorized
	}
	if err != nil {
		s.fail(c, err)
		return config.Staff{}, false
	}
	user, ok := s.cfg.User(ses.User)
	if !ok || fingerprint(user) != ses.Fingerprint { // removed or changed since the login
		if err := s.sess.End(c.Request.Context(), token); err != nil {
			s.log.Error("stale session not ended", "user", ses.User, "err", err)
		}
		s.fail(c, errUnauthorized)
		return config.Staff{}, false
	}
	c.Set("user", user)
	return user, true
}

type revokeRequest struct {
	Username string `json:"username"`
	All      bool   `json:"all"`
}

// revokeSessions ends an account's sessions, or everyone's ("log out
// everywhere"); administrators only.
func (s *Server) revokeSessions(c *gin.Context) {
	var req revokeRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	req.Username = strings.TrimSpace(req.Username)
	if (req.Username == "") == !req.All {
		s.fail(c, invalid(msg.RevokeWhom, ""))
		return
	}
	var n int
	var err error
	if req.All {
		n, err = s.sess.EndAll(c.Request.Context())
	} else {
		n, err = s.sess.EndUser(c.Request.Context(), req.Username)
	}
	if err != nil {
		s.fail(c, err)
		return
	}
	by := c.MustGet("user").(config.Staff).Username
	s.log.Info("sessions revoked", "by", by, "username", req.Username, "all", req.All, "sessions", n)
	c.JSON(http.StatusOK, gin.H{"revoked": n})
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
