package fleet

import (
	"context"
	"crypto/rand"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"golang.org/x/crypto/bcrypt"

	"motcua/internal/clock"
	"motcua/province/hub"
	"motcua/province/pgstore"
	"motcua/province/wire"
)

// Roles of the province's staff.
const (
	RoleProvinceAdmin = "province_admin" // every center: pages, reports, configuration
	RoleManager       = "manager"        // the centers listed: the same
	RoleClerk         = "clerk"          // signs in at the centers listed, at the counters listed
)

// Account is one person of the province.
type Account struct {
	Username     string
	Name         string
	Role         string
	Centers      []string // manager, clerk
	Counters     []string // clerk: counter ids; none: any counter
	PasswordHash string   // bcrypt
	Disabled     bool
}

// Sees tells whether a may see and manage center id at the hub.
func (a Account) Sees(id string) bool {
	return a.Role == RoleProvinceAdmin || (a.Role == RoleManager && slices.Contains(a.Centers, id))
}

// Center is one enrolled center.
type Center struct {
	ID, Name string
}

// Opts configure a Fleet.
type Opts struct {
	DB       *pgstore.DB
	Province string
	Location *time.Location
	Centers  []Center
	Staff    []Account
	// SessionSecret signs sign-ins (the same in every hub process).
	SessionSecret []byte
	SessionTTL    time.Duration
	// OfflineAfter: not heard from this long shows offline; AlertAfter:
	// offline this long is an alert.
	OfflineAfter, AlertAfter time.Duration
	// CheckConfig checks a center's configuration the way `motcua serve`
	// does; its error names the key and the line.
	CheckConfig func([]byte) error
	// Notify tells a center its bundle changed (hub.Hub.Notify).
	Notify func(center string, n wire.Notice) error
	// Stats are this process's link counts, for /metrics; may be nil.
	Stats func() hub.Stats
	// Throttle slows sign-ins after failures, per account and per address,
	// and bounds the password comparisons at once (the center's
	// session.Throttle); nil: none (tests).
	Throttle Throttle
	// MetricsToken, when set, is the bearer token /metrics asks for.
	MetricsToken string
	Clock        clock.Clock
	Logger       *slog.Logger
	// Bookings: the hub takes online bookings (province/online), and each
	// center's Bundle carries its bookings from today on.
	Bookings bool
}

// Throttle is what sign-in asks of a login throttle.
type Throttle interface {
	// Wait is how long the longest-waiting of keys must still wait.
	Wait(keys ...string) time.Duration
	// Fail records a failed try for each of keys; Reset forgets key's.
	Fail(keys ...string)
	Reset(key string)
	// Compare runs fn when a comparison slot is free, or fails with ctx.
	Compare(ctx context.Context, fn func()) error
}

// Fleet is the hub's application.
type Fleet struct {
	o       Opts
	log     *slog.Logger
	clk     clock.Clock
	centers map[string]Center
	staff   map[string]Account
	router  *gin.Engine
	decoy   []byte // a hash compared when the user name is unknown
}

//go:embed web
var webFiles embed.FS

// New checks o and builds the routes.
func New(o Opts) (*Fleet, error) {
	if o.DB == nil || o.CheckConfig == nil || o.Notify == nil {
		return nil, errors.New("fleet: DB, CheckConfig and Notify are required")
	}
	if len(o.SessionSecret) < 32 {
		return nil, errors.New("fleet: the session secret is shorter than 32 bytes")
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.SessionTTL <= 0 {
		o.SessionTTL = 12 * time.Hour
	}
	if o.OfflineAfter <= 0 {
		o.OfflineAfter = time.Minute
	}
	if o.AlertAfter < o.OfflineAfter {
		o.AlertAfter = o.OfflineAfter
	}
	decoy, err := bcrypt.GenerateFromPassword([]byte(rand.Text()), bcrypt.DefaultCost)
	if err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	f := &Fleet{o: o, log: o.Logger, clk: clock.Or(o.Clock), centers: map[string]Center{}, staff: map[string]Account{}, decoy: decoy}
	if f.log == nil {
		f.log = slog.Default()
	}
	for _, c := range o.Centers {
		f.centers[c.ID] = c
	}
	for _, a := range o.Staff {
		f.staff[a.Username] = a
	}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	r.NoRoute(func(c *gin.Context) {
		fail(c, http.StatusNotFound, "not_found", "Không có trang hoặc địa chỉ này.")
	})
	r.GET("/healthz", f.healthz)
	// Browsers ask for an icon on every page; the pages have none.
	r.GET("/favicon.ico", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	r.GET("/metrics", f.metrics)
	r.POST("/api/v1/auth/login", f.login)
	r.POST("/api/v1/auth/logout", f.logout)
	api := r.Group("/api/v1", f.auth)
	api.GET("/me", f.me)
	api.GET("/centers", f.listCenters)
	api.GET("/alerts", f.alerts)
	api.GET("/reports", f.report)
	api.GET("/messages", f.provinceMessages)
	c := api.Group("/centers/:id", f.center)
	c.GET("", f.getCenter)
	c.GET("/tickets", f.tickets)
	c.GET("/messages", f.centerMessages)
	c.GET("/configs", f.configs)
	c.GET("/configs/:version", f.getConfig)
	c.PUT("/config", f.putConfig)
	c.POST("/config/publish", f.publish)
	for _, p := range []struct{ path, file string }{{"/", "web/fleet.html"}, {"/login", "web/login.html"},
		{"/centers/:id", "web/center.html"}, {"/report", "web/report.html"}, {"/report.js", "web/report.js"},
		{"/fleet.js", "web/fleet.js"}, {"/fleet.css", "web/fleet.css"}} {
		file := p.file
		r.GET(p.path, func(c *gin.Context) { page(c, file) })
	}
	f.router = r
	return f, nil
}

// Handler is the hub's HTTP service.
func (f *Fleet) Handler() http.Handler { return f.router }

// HubStore is the store the link writes through.
func (f *Fleet) HubStore() hub.Store {
	hs := hubStore{db: f.o.DB, accounts: f.accountsOf}
	if f.o.Bookings {
		hs.today = func() string { return f.clk.Now().In(f.o.Location).Format(time.DateOnly) }
	}
	return hs
}

// Known tells whether a center is enrolled.
func (f *Fleet) Known(id string) bool { _, ok := f.centers[id]; return ok }

// Enroll records the enrolled centers and their names in the database, so
// pages list a center that has never been heard from.
func (f *Fleet) Enroll(ctx context.Context) error {
	for _, c := range f.o.Centers {
		if err := f.o.DB.PutCenter(ctx, c.ID, c.Name); err != nil {
			return fmt.Errorf("fleet: %w", err)
		}
	}
	return nil
}

func page(c *gin.Context, file string) {
	b, err := webFiles.ReadFile(file)
	if err != nil {
		fail(c, http.StatusNotFound, "not_found", "Không có trang này.")
		return
	}
	ct := "text/html; charset=utf-8"
	switch {
	case strings.HasSuffix(file, ".js"):
		ct = "text/javascript; charset=utf-8"
	case strings.HasSuffix(file, ".css"):
		ct = "text/css; charset=utf-8"
	}
	c.Header("Cache-Control", "no-cache")
	c.Header("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'")
	c.Header("X-Content-Type-Options", "nosniff")
	c.Data(http.StatusOK, ct, b)
}

func fail(c *gin.Context, status int, code, message string) {
	c.AbortWithStatusJSON(status, gin.H{"error": gin.H{"code": code, "message": message}})
}

func (f *Fleet) internal(c *gin.Context, err error) {
	f.log.Error("hub request failed", "path", c.FullPath(), "err", err)
	fail(c, http.StatusServiceUnavailable, "store_unavailable", "Cơ sở dữ liệu của tỉnh đang không trả lời, vui lòng thử lại sau.")
}

func (f *Fleet) healthz(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	body := gin.H{"status": "ok", "province": f.o.Province}
	status := http.StatusOK
	if err := f.o.DB.Ping(ctx); err != nil {
		body["status"], body["store"] = "unavailable", err.Error()
		status = http.StatusServiceUnavailable
	}
	if f.o.Stats != nil {
		s := f.o.Stats()
		body["link"] = gin.H{"frames": s.Frames, "events": s.Events, "repeated": s.Repeated, "failures": s.Failures}
	}
	c.JSON(status, body)
}

// accountsOf are the accounts published to a center: the province's
// administrators and the managers and clerks of that center, with the
// center's roles (admin, staff); disabled ones are published disabled, so a
// center ends their sessions.
func (f *Fleet) accountsOf(center string) *wire.Accounts {
	var list []wire.Account
	for _, a := range f.o.Staff {
		role := ""
		switch {
		case a.Role == RoleProvinceAdmin:
			role = "admin"
		case a.Role == RoleManager && slices.Contains(a.Centers, center):
			role = "admin"
		case a.Role == RoleClerk && slices.Contains(a.Centers, center):
			role = "staff"
		default:
			continue
		}
		list = append(list, wire.Account{Username: a.Username, Name: a.Name, Role: role, Counters: a.Counters,
			PasswordHash: a.PasswordHash, Disabled: a.Disabled})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Username < list[j].Username })
	b, _ := json.Marshal(list)
	// The version is the list's checksum: every hub process gives the same
	// one for the same list, and a change gives another.
	return &wire.Accounts{Version: int(crc32.ChecksumIEEE(b)&0x7fffffff) + 1, List: list}
}

func (f *Fleet) center(c *gin.Context) {
	id := c.Param("id")
	if _, ok := f.centers[id]; !ok {
		fail(c, http.StatusNotFound, "center_not_found", "Không có trung tâm "+id+" trong tỉnh.")
		return
	}
	if !c.MustGet("account").(Account).Sees(id) {
		fail(c, http.StatusForbidden, "forbidden", "Tài khoản này không quản lý trung tâm "+id+".")
		return
	}
}

func (f *Fleet) tickets(c *gin.Context) {
	day := c.Query("day")
	if day == "" {
		day = f.clk.Now().In(f.o.Location).Format(time.DateOnly)
	}
	if _, err := time.Parse(time.DateOnly, day); err != nil {
		fail(c, http.StatusBadRequest, "invalid_date", "Ngày phải có dạng YYYY-MM-DD, ví dụ 2026-12-01.")
		return
	}
	ts, err := f.o.DB.CenterTickets(c.Request.Context(), c.Param("id"), day)
	if err != nil {
		f.internal(c, err)
		return
	}
	out := make([]ticketJSON, 0, len(ts))
	for _, t := range ts {
		out = append(out, toTicketJSON(t))
	}
	c.JSON(http.StatusOK, out)
}

func (f *Fleet) configs(c *gin.Context) {
	vs, err := f.o.DB.Versions(c.Request.Context(), c.Param("id"))
	if err != nil {
		f.internal(c, err)
		return
	}
	out := make([]gin.H, 0, len(vs))
	for _, v := range vs {
		out = append(out, gin.H{"version": v.Version, "author": v.Author, "created_at": v.CreatedAt, "published": v.Published})
	}
	c.JSON(http.StatusOK, out)
}

func (f *Fleet) getConfig(c *gin.Context) {
	v, err := strconv.Atoi(c.Param("version"))
	if err != nil || v <= 0 {
		fail(c, http.StatusBadRequest, "invalid_version", "Số phiên bản cấu hình phải là số nguyên dương.")
		return
	}
	cv, err := f.o.DB.Config(c.Request.Context(), c.Param("id"), v)
	if errors.Is(err, pgstore.ErrNotFound) {
		fail(c, http.StatusNotFound, "version_not_found", fmt.Sprintf("Trung tâm chưa có phiên bản cấu hình %d.", v))
		return
	}
	if err != nil {
		f.internal(c, err)
		return
	}
	c.Data(http.StatusOK, "application/yaml; charset=utf-8", []byte(cv.YAML))
}

// maxConfig is the largest configuration accepted.
const maxConfig = 1 << 20

func (f *Fleet) putConfig(c *gin.Context) {
	body, err := io.ReadAll(io.LimitReader(c.Request.Body, maxConfig+1))
	if err != nil {
		fail(c, http.StatusBadRequest, "invalid_body", "Không đọc được nội dung gửi lên.")
		return
	}
	if len(body) > maxConfig {
		fail(c, http.StatusRequestEntityTooLarge, "config_too_large", "Cấu hình lớn hơn 1 MB.")
		return
	}
	if err := f.o.CheckConfig(body); err != nil {
		// The technician's message: key and line, as motcua serve says it.
		fail(c, http.StatusBadRequest, "invalid_config", err.Error())
		return
	}
	id := c.Param("id")
	author := c.MustGet("account").(Account).Username
	v, err := f.o.DB.PutConfig(c.Request.Context(), id, string(body), author)
	if err != nil {
		f.internal(c, err)
		return
	}
	if err := f.o.DB.Publish(c.Request.Context(), id, v); err != nil {
		f.internal(c, err)
		return
	}
	f.log.Info("config published", "center", id, "version", v, "by", author)
	f.notify(id, v)
	c.JSON(http.StatusOK, gin.H{"version": v})
}

func (f *Fleet) publish(c *gin.Context) {
	var req struct {
		Version int `json:"version"`
	}
	if err := json.NewDecoder(io.LimitReader(c.Request.Body, 1<<10)).Decode(&req); err != nil || req.Version <= 0 {
		fail(c, http.StatusBadRequest, "invalid_version", `Gửi {"version": N}: số phiên bản cần áp dụng lại.`)
		return
	}
	id := c.Param("id")
	err := f.o.DB.Publish(c.Request.Context(), id, req.Version)
	if errors.Is(err, pgstore.ErrNotFound) {
		fail(c, http.StatusNotFound, "version_not_found", fmt.Sprintf("Trung tâm chưa có phiên bản cấu hình %d.", req.Version))
		return
	}
	if err != nil {
		f.internal(c, err)
		return
	}
	f.log.Info("config published again", "center", id, "version", req.Version, "by", c.MustGet("account").(Account).Username)
	f.notify(id, req.Version)
	c.JSON(http.StatusOK, gin.H{"version": req.Version})
}

// notify tells the center; one not connected asks when it next syncs.
func (f *Fleet) notify(id string, v int) {
	if err := f.o.Notify(id, wire.Notice{ConfigVersion: v}); err != nil {
		f.log.Warn("center not told of its new config: it syncs on its own", "center", id, "err", err)
	}
}

// ticketJSON is a ticket as the hub's API gives it (api.md's names).
type ticketJSON struct {
	ID        string     `json:"id"`
	Number    string     `json:"number"`
	Service   string     `json:"service"`
	Origin    string     `json:"origin"`
	Priority  bool       `json:"priority"`
	State     string     `json:"state"`
	Counter   string     `json:"counter,omitempty"`
	Kiosk     string     `json:"kiosk,omitempty"`
	Calls     int        `json:"calls"`
	IssuedAt  time.Time  `json:"issued_at"`
	CalledAt  *time.Time `json:"called_at,omitempty"`
	StartedAt *time.Time `json:"started_at,omitempty"`
	DoneAt    *time.Time `json:"done_at,omitempty"`
	Print     string     `json:"print"`
	Rating    int        `json:"rating,omitempty"`
}
