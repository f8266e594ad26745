package server

import (
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"motcua/devices/printer"
	"motcua/internal/database"
	"motcua/queue"
)

// newMetrics registers the service's metrics on a registry of its own (no
// global default registry), counts events from the engine, times requests
// and serves /metrics.
func (s *Server) newMetrics(r *gin.Engine) *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	events := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "motcua_queue_events_total", Help: "Queue events committed, by type and field.",
	}, []string{"type", "service"})
	requests := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "motcua_http_request_seconds", Help: "HTTP request latency by route and status.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 3},
	}, []string{"route", "status"})
	waiting := prometheus.NewDesc("motcua_queue_waiting", "Tickets waiting now, by field.", []string{"service"}, nil)
	s.logins = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "motcua_logins_total", Help: "Staff logins by result: ok, bad_credentials, throttled (the account or address waits), busy (no free password comparison).",
	}, []string{"result"})
	s.heldAsks = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "motcua_caps_hub_asks_total", Help: "Questions to the hub about a person's numbers at other centers, by result: ok, timeout (abandoned), unavailable (no link, the hub failed).",
	}, []string{"result"})
	reg.MustRegister(events, requests, s.logins, s.heldAsks, collectorFunc{desc: waiting, collect: func(ch chan<- prometheus.Metric) {
		for code, n := range s.engine.Counts().Waiting {
			ch <- prometheus.MustNewConstMetric(waiting, prometheus.GaugeValue, float64(n), code)
		}
	}})
	if s.printing != nil {
		online := prometheus.NewDesc("motcua_printer_online", "1 when the printer answers and can print.", []string{"printer"}, nil)
		paper := prometheus.NewDesc("motcua_printer_paper", "The printer's paper: 1 for its current state (ok, near_end, out, unknown).", []string{"printer", "paper"}, nil)
		reg.MustRegister(collectorFunc{desc: online, collect: func(ch chan<- prometheus.Metric) {
			for name, st := range s.printing.Statuses() {
				up := 0.0
				if st.State == printer.StateOnline && st.Paper != printer.PaperOut && !st.CoverOpen {
					up = 1
				}
				ch <- prometheus.MustNewConstMetric(online, prometheus.GaugeValue, up, name)
			}
		}}, collectorFunc{desc: paper, collect: func(ch chan<- prometheus.Metric) {
			for name, st := range s.printing.Statuses() {
				ch <- prometheus.MustNewConstMetric(paper, prometheus.GaugeValue, 1, name, string(st.Paper))
			}
		}})
	}
	if st, ok := s.store.(interface{ Stats() database.MonitorStats }); ok {
		storeOK := prometheus.NewDesc("motcua_store_ok", "1 when the database's last write succeeded (0: disk full, read-only or failing).", nil, nil)
		storeErrors := prometheus.NewDesc("motcua_store_errors_total", "Storage failures of database writes since start, by kind (full, io, readonly, corrupt, cantopen).", []string{"kind"}, nil)
		reg.MustRegister(collectorFunc{desc: storeOK, collect: func(ch chan<- prometheus.Metric) {
			up := 0.0
			if st.Stats().OK {
				up = 1
			}
			ch <- prometheus.MustNewConstMetric(storeOK, prometheus.GaugeValue, up)
		}}, collectorFunc{desc: storeErrors, collect: func(ch chan<- prometheus.Metric) {
			counts := st.Stats().Errors
			for _, kind := range []string{database.KindFull, database.KindIO, database.KindReadOnly, database.KindCorrupt, database.KindCantOpen} {
				ch <- prometheus.MustNewConstMetric(storeErrors, prometheus.CounterValue, float64(counts[kind]), kind)
			}
		}})
	}
	s.engine.OnEvents(func(evs []queue.Event) {
		for _, e := range evs {
			events.WithLabelValues(string(e.Type), e.Ticket.Service).Inc()
		}
	})
	r.Use(func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		requests.WithLabelValues(route, strconv.Itoa(c.Writer.Status())).Observe(time.Since(start).Seconds())
	})
	h := promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
	r.GET("/metrics", s.metricsAccess, gin.WrapH(h))
	return reg
}

// metricsAccess asks for security.metrics_token, when set, as a bearer
// token: the figures tell who works when and how busy the center is.
func (s *Server) metricsAccess(c *gin.Context) {
	if tok := s.cfg.Security.MetricsToken; tok != "" && !bearerIs(c, tok) {
		c.Header("WWW-Authenticate", `Bearer realm="motcua metrics"`)
		s.fail(c, errMetricsToken)
		return
	}
	c.Next()
}

// collectorFunc is a collector that reads its values when scraped.
type collectorFunc struct {
	desc    *prometheus.Desc
	collect func(chan<- prometheus.Metric)
}

func (c collectorFunc) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }
func (c collectorFunc) Collect(ch chan<- prometheus.Metric) { c.collect(ch) }
