package fleet

import (
	"crypto/hmac"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"motcua/province/pgstore"
	"motcua/queue"
)

// centerJSON is a center as GET /api/v1/centers gives it (fleet.md).
type centerJSON struct {
	ID            string                 `json:"id"`
	Name          string                 `json:"name"`
	Online        bool                   `json:"online"`
	LastSeen      *time.Time             `json:"last_seen"`
	Version       string                 `json:"version"`
	ConfigVersion int                    `json:"config_version"`
	Published     int                    `json:"published_version"`
	Refused       *refusedJSON           `json:"refused,omitempty"`
	Day           string                 `json:"day"`
	TicketsToday  int                    `json:"tickets_today"`
	Waiting       int                    `json:"waiting"`
	Pending       uint64                 `json:"events_missing"`
	Printers      map[string]printerJSON `json:"printers"`
	Scanners      map[string]string      `json:"scanners"`
	Attention     []string               `json:"attention"` // what needs doing, most urgent first (Vietnamese)
	rank          int

	// Boards and Buttons: each LED board's and button receiver's state.
	Boards  map[string]string `json:"boards"`
	Buttons map[string]string `json:"buttons"`

	notify []pgstore.NotifyCount // the center's own messages (notify.go)
}

type refusedJSON struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
}

type printerJSON struct {
	State string `json:"state"`
	Paper string `json:"paper"`
	Cover string `json:"cover,omitempty"`
}

// alertJSON is one thing the province's IT team should act on.
type alertJSON struct {
	Center  string    `json:"center"`
	Name    string    `json:"name"`
	Kind    string    `json:"kind"` // offline, paper_out, cover_open, printer_offline, scanner_offline, board_silent, button_offline, config_refused
	Device  string    `json:"device,omitempty"`
	Since   time.Time `json:"since,omitzero"`
	Message string    `json:"message"`
}

// view turns a stored center into what the pages show, with its alerts.
func (f *Fleet) view(r pgstore.CenterRow) (centerJSON, []alertJSON) {
	now := f.clk.Now()
	name := r.Name
	if c, ok := f.centers[r.ID]; ok && name == "" {
		name = c.Name
	}
	v := centerJSON{ID: r.ID, Name: name, Version: r.Status.Version, ConfigVersion: r.Status.ConfigVersion,
		Published: r.Published, Day: r.Day, TicketsToday: r.TicketsToday, Waiting: r.Waiting,
		Printers: map[string]printerJSON{}, Scanners: map[string]string{}, Boards: map[string]string{}, Buttons: map[string]string{}, Attention: []string{},
		notify: r.Status.Notify}
	if r.LastSeq > r.Contiguous {
		v.Pending = r.LastSeq - r.Contiguous
	}
	var alerts []alertJSON
	add := func(rank int, kind, device, message string, since time.Time) {
		v.Attention = append(v.Attention, message)
		v.rank = max(v.rank, rank)
		alerts = append(alerts, alertJSON{Center: r.ID, Name: name, Kind: kind, Device: device, Since: since, Message: message})
	}
	if !r.Status.LastSeen.IsZero() {
		seen := r.Status.LastSeen
		v.LastSeen = &seen
		v.Online = now.Sub(seen) < f.o.OfflineAfter
	}
	switch {
	case v.LastSeen == nil:
		add(3, "offline", "", "Chưa kết nối lần nào với tỉnh", time.Time{})
	case !v.Online && now.Sub(*v.LastSeen) >= f.o.AlertAfter:
		add(4, "offline", "", "Mất kết nối "+ago(now.Sub(*v.LastSeen)), *v.LastSeen)
	case !v.Online:
		v.rank = max(v.rank, 1) // offline, not yet for long: shown, not alerted
		v.Attention = append(v.Attention, "Mất kết nối "+ago(now.Sub(*v.LastSeen)))
	}
	names := make([]string, 0, len(r.Status.Printers))
	for n := range r.Status.Printers {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		p := r.Status.Printers[n]
		v.Printers[n] = printerJSON{State: p.State, Paper: p.Paper, Cover: p.Cover}
		switch {
		case p.Paper == "out":
			add(3, "paper_out", n, "Máy in "+n+" hết giấy", time.Time{})
		case p.Cover == "open":
			add(3, "cover_open", n, "Máy in "+n+" mở nắp", time.Time{})
		case p.State == "offline":
			add(2, "printer_offline", n, "Máy in "+n+" không phản hồi", time.Time{})
		case p.Paper == "near_end":
			v.rank = max(v.rank, 1)
			v.Attention = append(v.Attention, "Máy in "+n+" sắp hết giấy")
		}
	}
	for n, s := range r.Status.Scanners {
		v.Scanners[n] = s.State
		if s.State != "connected" {
			add(2, "scanner_offline", n, "Đầu đọc mã "+n+" không kết nối", time.Time{})
		}
	}
	for _, n := range sortedKeys(r.Status.Boards) {
		b := r.Status.Boards[n]
		v.Boards[n] = b.State
		if b.State == "silent" || b.State == "disconnected" {
			add(2, "board_silent", n, "Bảng số "+n+" không nhận lệnh", time.Time{})
		}
	}
	for _, n := range sortedKeys(r.Status.Buttons) {
		v.Buttons[n] = r.Status.Buttons[n].State
		if r.Status.Buttons[n].State != "connected" {
			add(2, "button_offline", n, "Bộ thu nút "+n+" không kết nối", time.Time{})
		}
	}
	if r.Status.RefusedVersion > r.Status.ConfigVersion {
		v.Refused = &refusedJSON{Version: r.Status.RefusedVersion, Reason: r.Status.RefusedReason}
		add(3, "config_refused", "", fmt.Sprintf("Từ chối cấu hình phiên bản %d: %s", r.Status.RefusedVersion, r.Status.RefusedReason), time.Time{})
	} else if r.Published > 0 && r.Published != r.Status.ConfigVersion && v.Online {
		v.rank = max(v.rank, 1)
		v.Attention = append(v.Attention, fmt.Sprintf("Đang chờ áp dụng cấu hình phiên bản %d", r.Published))
	}
	return v, alerts
}

// sortedKeys are m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d giây", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d phút", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d giờ %d phút", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d ngày", int(d.Hours()/24))
}

// fleetView is every center the account sees, those needing attention
// first, and the alerts.
func (f *Fleet) fleetView(c *gin.Context) ([]centerJSON, []alertJSON, bool) {
	rows, err := f.o.DB.Centers(c.Request.Context())
	if err != nil {
		f.internal(c, err)
		return nil, nil, false
	}
	a, _ := c.Get("account")
	acct, _ := a.(Account)
	var out []centerJSON
	var alerts []alertJSON
	for _, r := range rows {
		if _, ok := f.centers[r.ID]; !ok || (acct.Username != "" && !acct.Sees(r.ID)) {
			continue
		}
		v, al := f.view(r)
		out = append(out, v)
		alerts = append(alerts, al...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].rank != out[j].rank {
			return out[i].rank > out[j].rank
		}
		return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name)
	})
	if out == nil {
		out = []centerJSON{}
	}
	if alerts == nil {
		alerts = []alertJSON{}
	}
	return out, alerts, true
}

func (f *Fleet) listCenters(c *gin.Context) {
	out, _, ok := f.fleetView(c)
	if ok {
		c.JSON(http.StatusOK, out)
	}
}

func (f *Fleet) alerts(c *gin.Context) {
	_, alerts, ok := f.fleetView(c)
	if ok {
		c.JSON(http.StatusOK, alerts)
	}
}

func (f *Fleet) getCenter(c *gin.Context) {
	r, err := f.o.DB.Center(c.Request.Context(), c.Param("id"))
	if err != nil {
		f.internal(c, err)
		return
	}
	v, alerts := f.view(r)
	c.JSON(http.StatusOK, gin.H{"center": v, "alerts": alerts})
}

// metrics are the fleet's state in Prometheus text: centers online and
// offline, alerts by kind, and this process's link counts.
func (f *Fleet) metrics(c *gin.Context) {
	if tok := f.o.MetricsToken; tok != "" && !hmac.Equal([]byte(c.GetHeader("Authorization")), []byte("Bearer "+tok)) {
		fail(c, http.StatusUnauthorized, "unauthorized", "/metrics cần mã truy cập (Authorization: Bearer ...).")
		return
	}
	rows, alerts, ok := f.fleetView(c)
	if !ok {
		return
	}
	online := 0
	for _, r := range rows {
		if r.Online {
			online++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# HELP motcua_hub_centers Enrolled centers by link state.\n# TYPE motcua_hub_centers gauge\n")
	fmt.Fprintf(&b, "motcua_hub_centers{state=\"online\"} %d\nmotcua_hub_centers{state=\"offline\"} %d\n", online, len(rows)-online)
	kinds := map[string]int{"offline": 0, "paper_out": 0, "cover_open": 0, "printer_offline": 0, "scanner_offline": 0, "config_refused": 0}
	for _, a := range alerts {
		kinds[a.Kind]++
	}
	keys := make([]string, 0, len(kinds))
	for k := range kinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Fprintf(&b, "# HELP motcua_hub_alerts Alerts open now by kind.\n# TYPE motcua_hub_alerts gauge\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "motcua_hub_alerts{kind=%q} %d\n", k, kinds[k])
	}
	own := ownCounts(rows)
	hubCounts, err := f.hubCounts(c.Request.Context(), own)
	if err != nil {
		f.log.Warn("hub metrics: message counts", "err", err)
	}
	writeMessageMetrics(&b, own, hubCounts)
	if f.o.Stats != nil {
		s := f.o.Stats()
		fmt.Fprintf(&b, "# HELP motcua_hub_events_total Center events stored by this hub process.\n# TYPE motcua_hub_events_total counter\nmotcua_hub_events_total %d\n", s.Events)
		fmt.Fprintf(&b, "# HELP motcua_hub_events_repeated_total Events received again and dropped.\n# TYPE motcua_hub_events_repeated_total counter\nmotcua_hub_events_repeated_total %d\n", s.Repeated)
		fmt.Fprintf(&b, "# HELP motcua_hub_store_failures_total Rounds the store failed (frames redelivered).\n# TYPE motcua_hub_store_failures_total counter\nmotcua_hub_store_failures_total %d\n", s.Failures)
	}
	c.Data(http.StatusOK, "text/plain; version=0.0.4", []byte(b.String()))
}

func toTicketJSON(t queue.Ticket) ticketJSON {
	opt := func(x time.Time) *time.Time {
		if x.IsZero() {
			return nil
		}
		return &x
	}
	return ticketJSON{ID: t.ID, Number: t.Number, Service: t.Service, Origin: t.Origin, Priority: t.Priority,
		State: string(t.State), Counter: t.Counter, Kiosk: t.Kiosk, Calls: t.Calls, IssuedAt: t.IssuedAt,
		CalledAt: opt(t.CalledAt), StartedAt: opt(t.StartedAt), DoneAt: opt(t.DoneAt), Print: string(t.Print), Rating: t.Rating}
}
