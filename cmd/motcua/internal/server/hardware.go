package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"

	"motcua/cmd/motcua/internal/config"
	"motcua/devices/button"
	"motcua/devices/counterboard"
	"motcua/queue"
)

// Hardware is the counter hardware on the walls and desks: the server
// reports its state (/healthz, /metrics), acts on its presses with the
// console's and the tablet's rules, and serves the page that learns the
// call buttons.
type Hardware struct {
	// Boards returns each LED board's state by name; nil: no boards.
	Boards func() map[string]counterboard.State
	// Receivers returns each call-button receiver's and rating box's
	// state by name; nil: none.
	Receivers func() map[string]button.State
	// Keymap holds the learned call-button codes. Required.
	Keymap *button.Keymap
	// Debounce counts a code repeated (a held key, two receivers in range)
	// once. Required.
	Debounce *button.Debounce
}

// learnFor is how long the learn mode waits for a press.
const learnFor = time.Minute

// Results of a press, for the log and motcua_button_presses_total.
const (
	pressActed    = "acted"
	pressLearned  = "learned"
	pressUnknown  = "unknown"
	pressRepeated = "repeated"
	pressRefused  = "refused" // the engine said no: queue empty, nothing to rate…
	pressFailed   = "failed"  // the store failed, or the keymap was not saved
)

type pressCounts struct {
	vec *prometheus.CounterVec
	n   atomic.Uint64 // every press, for tests
}

// routesHardware adds the call-button learning endpoints, for
// administrators.
func (s *Server) routesHardware(staff *gin.RouterGroup) {
	if s.hw == nil {
		return
	}
	g := staff.Group("/buttons", s.adminOnly)
	g.GET("", s.buttons)
	g.POST("/learn", s.learnButton)
	g.POST("/learn/cancel", s.cancelLearn)
	g.POST("/forget", s.forgetButton)
}

// ButtonPress handles a call button's press: a repeat is dropped, a press
// in learn mode binds the code, a learned code runs its action at its
// counter through the console's engine calls, an unknown code is logged
// and does nothing. It returns the result ("acted", "learned", "unknown",
// "repeated", "refused", "failed"). The press is timed by the server's
// clock, which also times the learn mode.
func (s *Server) ButtonPress(ctx context.Context, p button.Press) string {
	p.At = s.now()
	result := s.buttonPress(ctx, p)
	s.presses.vec.WithLabelValues("call", result).Inc()
	s.presses.n.Add(1)
	return result
}

func (s *Server) buttonPress(ctx context.Context, p button.Press) string {
	log := s.log.With("receiver", p.Receiver, "code", p.Code)
	if !s.hw.Debounce.First(p.Code, p.At) {
		return pressRepeated
	}
	b, learned, err := s.hw.Keymap.Press(p)
	switch {
	case errors.Is(err, button.ErrUnknown):
		log.Warn("button: unknown code, not acted on (learn it in /admin/hardware)")
		return pressUnknown
	case err != nil:
		log.Error("button: code not learned", "err", err)
		return pressFailed
	case learned:
		log.Info("button: code learned", "counter", b.Counter, "action", b.Action)
		return pressLearned
	}
	t, err := s.counterOp(ctx, b.Counter, b.Action)
	if err != nil {
		return s.pressError(log.With("counter", b.Counter, "action", b.Action), err)
	}
	log.Info("button: action", "counter", b.Counter, "action", b.Action, "ticket", t.Number)
	return pressActed
}

// RatingPress handles a key of a counter's rating box: the level goes with
// the visit the counter completed last, within the tablet's window and
// once. box names the box: a repeat of its keys within the debounce
// window (by the server's clock) is dropped.
func (s *Server) RatingPress(ctx context.Context, box, counter string, level int) string {
	result := pressActed
	log := s.log.With("box", box, "counter", counter)
	if !s.hw.Debounce.First("box\x00"+box, s.now()) {
		result = pressRepeated
	} else if t, err := s.rateLast(ctx, counter, level); err != nil {
		result = s.pressError(log, err)
	} else {
		log.Info("button: rating", "ticket", t.Number, "rating", level)
	}
	s.presses.vec.WithLabelValues("rating", result).Inc()
	s.presses.n.Add(1)
	return result
}

func (s *Server) pressError(log *slog.Logger, err error) string {
	if errors.Is(err, queue.ErrQueueEmpty) || errors.Is(err, queue.ErrNoCurrent) || errors.Is(err, errNothingToRate) ||
		errors.Is(err, queue.ErrBadState) || errors.Is(err, queue.ErrUnknownCounter) {
		log.Info("button: nothing done", "err", err)
		return pressRefused
	}
	s.log.Error("button: action failed", "err", err)
	return pressFailed
}

// counterOp runs a console action at counter: the same engine calls as the
// console's endpoints.
func (s *Server) counterOp(ctx context.Context, counter string, a button.Action) (queue.Ticket, error) {
	if !s.knownCounter(counter) {
		return queue.Ticket{}, queue.ErrUnknownCounter
	}
	var op func(context.Context, string) (queue.Ticket, error)
	switch a {
	case button.ActionNext:
		op = s.engine.Next
	case button.ActionRecall:
		op = s.engine.Recall
	case button.ActionNoShow:
		op = s.engine.NoShow
	case button.ActionComplete:
		op = s.engine.Complete
	default:
		return queue.Ticket{}, button.ErrBadAction
	}
	return op(ctx, counter)
}

type buttonsJSON struct {
	Bindings  []button.Binding        `json:"bindings"`
	Learning  *button.Learning        `json:"learning"`
	Unknown   []button.Press          `json:"unknown"`
	Receivers map[string]button.State `json:"receivers"`
	Counters  []counterNameJSON       `json:"counters"`
	Actions   []button.Action         `json:"actions"`
	Timezone  string                  `json:"timezone"` // the center's, for the page's times
}

type counterNameJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func (s *Server) buttonsState() buttonsJSON {
	out := buttonsJSON{Bindings: s.hw.Keymap.Bindings(), Unknown: s.hw.Keymap.Unknown(), Receivers: map[string]button.State{},
		Actions: button.Actions(), Timezone: s.cfg.Center.Timezone}
	if out.Unknown == nil {
		out.Unknown = []button.Press{}
	}
	if l, ok := s.hw.Keymap.Learning(s.now()); ok {
		out.Learning = &l
	}
	if s.hw.Receivers != nil {
		out.Receivers = s.hw.Receivers()
	}
	for _, c := range s.cfg.Counters {
		out.Counters = append(out.Counters, counterNameJSON{ID: c.ID, Name: c.Name})
	}
	return out
}

// buttons shows the learned codes, the learn mode, the recent unknown
// codes and the receivers.
func (s *Server) buttons(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.JSON(http.StatusOK, s.buttonsState())
}

type learnRequest struct {
	Counter string        `json:"counter"`
	Action  button.Action `json:"action"`
}

// learnButton arms the learn mode: the next code pressed within learnFor
// is bound to the counter and action.
func (s *Server) learnButton(c *gin.Context) {
	var req learnRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if !s.knownCounter(req.Counter) {
		s.fail(c, queue.ErrUnknownCounter)
		return
	}
	if err := s.hw.Keymap.Learn(req.Counter, req.Action, s.now().Add(learnFor)); err != nil {
		s.fail(c, err)
		return
	}
	s.log.Info("button: learn mode", "counter", req.Counter, "action", req.Action, "by", c.MustGet("user").(config.Staff).Username)
	c.JSON(http.StatusAccepted, s.buttonsState())
}

func (s *Server) cancelLearn(c *gin.Context) {
	if err := decode(c, &struct{}{}); err != nil {
		s.fail(c, err)
		return
	}
	s.hw.Keymap.CancelLearn()
	c.JSON(http.StatusOK, s.buttonsState())
}

type forgetRequest struct {
	Code string `json:"code"`
}

func (s *Server) forgetButton(c *gin.Context) {
	var req forgetRequest
	if err := decode(c, &req); err != nil {
		s.fail(c, err)
		return
	}
	if err := s.hw.Keymap.Forget(strings.TrimSpace(req.Code)); err != nil {
		s.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, s.buttonsState())
}

// hardwareHealth adds the boards and the receivers to /healthz.
func (s *Server) hardwareHealth(body gin.H) {
	if s.hw == nil {
		return
	}
	if s.hw.Boards != nil {
		body["boards"] = s.hw.Boards()
	}
	if s.hw.Receivers != nil {
		body["buttons"] = s.hw.Receivers()
	}
}

// hardwareMetrics registers the boards', receivers' and presses' figures.
func (s *Server) hardwareMetrics(reg *prometheus.Registry) {
	s.presses.vec = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "motcua_button_presses_total", Help: "Presses of call buttons and rating boxes, by kind (call, rating) and result (acted, learned, unknown, repeated, refused, failed).",
	}, []string{"kind", "result"})
	reg.MustRegister(s.presses.vec)
	if s.hw == nil {
		return
	}
	if s.hw.Boards != nil {
		answering := prometheus.NewDesc("motcua_board_answering", "1 when the LED board took its last frame (answered, Modbus).", []string{"board", "bus"}, nil)
		connected := prometheus.NewDesc("motcua_board_connected", "1 while the board's bus (serial port) is open.", []string{"board", "bus"}, nil)
		errs := prometheus.NewDesc("motcua_board_errors_total", "Frames the board did not take (no answer, bad answer) since start.", []string{"board", "bus"}, nil)
		reg.MustRegister(collectorFunc{desc: answering, collect: func(ch chan<- prometheus.Metric) {
			for name, st := range s.hw.Boards() {
				ch <- prometheus.MustNewConstMetric(answering, prometheus.GaugeValue, one(st.Answering), name, st.Bus)
			}
		}}, collectorFunc{desc: connected, collect: func(ch chan<- prometheus.Metric) {
			for name, st := range s.hw.Boards() {
				ch <- prometheus.MustNewConstMetric(connected, prometheus.GaugeValue, one(st.Connected), name, st.Bus)
			}
		}}, collectorFunc{desc: errs, collect: func(ch chan<- prometheus.Metric) {
			for name, st := range s.hw.Boards() {
				ch <- prometheus.MustNewConstMetric(errs, prometheus.CounterValue, float64(st.Errors), name, st.Bus)
			}
		}})
	}
	if s.hw.Receivers != nil {
		up := prometheus.NewDesc("motcua_button_receiver_connected", "1 while the call-button receiver or rating box is connected.", []string{"receiver"}, nil)
		reg.MustRegister(collectorFunc{desc: up, collect: func(ch chan<- prometheus.Metric) {
			for name, st := range s.hw.Receivers() {
				ch <- prometheus.MustNewConstMetric(up, prometheus.GaugeValue, one(st.Connected), name)
			}
		}})
	}
}

func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
