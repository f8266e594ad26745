package fleet

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"motcua/province/pgstore"
)

// Who sent a message row's messages: the center itself (its channel "hub"
// is what it handed to the hub), or the hub for the center.
const (
	byCenter = "center"
	byHub    = "hub"
)

// messageRow is one channel's messages of a center, or of the province.
type messageRow struct {
	By      string `json:"by"`      // "center", "hub"
	Channel string `json:"channel"` // "zns", "sms", "email", "hub"; "" not tried yet
	Sent    int    `json:"sent"`
	Failed  int    `json:"failed"`  // every channel refused
	Waiting int    `json:"waiting"` // pending or being sent
	Dropped int    `json:"dropped"` // too late, or its recipient forgotten
}

// messageTotals count the messages that reached (or not) the citizens:
// those a center sent itself and those the hub sent for it; a message
// handed to the hub is counted once, by the hub.
type messageTotals struct {
	Sent    int `json:"sent"`
	Failed  int `json:"failed"`
	Waiting int `json:"waiting"`
	Dropped int `json:"dropped"`
}

type messagesJSON struct {
	Rows  []messageRow  `json:"rows"`
	Total messageTotals `json:"total"`
}

// addCounts adds counts of by to rows, keyed by by and channel.
func addCounts(rows map[[2]string]*messageRow, by string, counts []pgstore.NotifyCount) {
	for _, n := range counts {
		k := [2]string{by, n.Channel}
		r := rows[k]
		if r == nil {
			r = &messageRow{By: by, Channel: n.Channel}
			rows[k] = r
		}
		switch n.State {
		case "sent":
			r.Sent += n.N
		case "failed":
			r.Failed += n.N
		case "dropped":
			r.Dropped += n.N
		default:
			r.Waiting += n.N
		}
	}
}

// messages orders rows (the center's first, then the hub's, by channel)
// and totals them.
func messages(rows map[[2]string]*messageRow) messagesJSON {
	out := messagesJSON{Rows: []messageRow{}}
	for _, r := range rows {
		out.Rows = append(out.Rows, *r)
		if r.By == byCenter && r.Channel == byHub {
			continue // the hub's rows count these
		}
		out.Total.Sent += r.Sent
		out.Total.Failed += r.Failed
		out.Total.Waiting += r.Waiting
		out.Total.Dropped += r.Dropped
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		a, b := out.Rows[i], out.Rows[j]
		if a.By != b.By {
			return a.By == byCenter
		}
		return a.Channel < b.Channel
	})
	return out
}

// centerMessages is GET /api/v1/centers/{id}/messages: the center's
// messages by channel as it reported them, and those the hub sent for it.
func (f *Fleet) centerMessages(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	r, err := f.o.DB.Center(ctx, id)
	if err != nil {
		f.internal(c, err)
		return
	}
	hub, err := f.o.DB.NotifyCounts(ctx, id)
	if err != nil {
		f.internal(c, err)
		return
	}
	rows := map[[2]string]*messageRow{}
	addCounts(rows, byCenter, r.Status.Notify)
	addCounts(rows, byHub, hub)
	c.JSON(http.StatusOK, messages(rows))
}

// ownCounts are the centers' own counts, by center.
func ownCounts(centers []centerJSON) map[string][]pgstore.NotifyCount {
	own := make(map[string][]pgstore.NotifyCount, len(centers))
	for _, v := range centers {
		own[v.ID] = v.notify
	}
	return own
}

// hubCounts are the hub's counts of the centers in own.
func (f *Fleet) hubCounts(ctx context.Context, own map[string][]pgstore.NotifyCount) (map[string][]pgstore.NotifyCount, error) {
	all, err := f.o.DB.NotifyCounts(ctx, "")
	if err != nil {
		return nil, err
	}
	hub := map[string][]pgstore.NotifyCount{}
	for _, n := range all {
		if _, ok := own[n.Center]; ok {
			hub[n.Center] = append(hub[n.Center], n)
		}
	}
	return hub, nil
}

// provinceMessages is GET /api/v1/messages: the province's total by
// channel, over the centers the account sees.
func (f *Fleet) provinceMessages(c *gin.Context) {
	centers, _, ok := f.fleetView(c)
	if !ok {
		return
	}
	own := ownCounts(centers)
	hub, err := f.hubCounts(c.Request.Context(), own)
	if err != nil {
		f.internal(c, err)
		return
	}
	rows := map[[2]string]*messageRow{}
	for id, counts := range own {
		addCounts(rows, byCenter, counts)
		addCounts(rows, byHub, hub[id])
	}
	c.JSON(http.StatusOK, messages(rows))
}

// writeMessageMetrics adds the messages by center, sender, channel and
// state to the metrics.
func writeMessageMetrics(b *strings.Builder, own, hub map[string][]pgstore.NotifyCount) {
	fmt.Fprintf(b, "# HELP motcua_hub_messages Messages to citizens by center, sender (the center, or the hub for it), channel and state.\n# TYPE motcua_hub_messages gauge\n")
	ids := sortedKeys(own)
	for _, by := range []string{byCenter, byHub} {
		src := own
		if by == byHub {
			src = hub
		}
		for _, id := range ids {
			for _, n := range src[id] {
				fmt.Fprintf(b, "motcua_hub_messages{center=%q,by=%q,channel=%q,state=%q} %d\n", id, by, n.Channel, n.State, n.N)
			}
		}
	}
}
