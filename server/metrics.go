package server

import (
	"bytes"
	"maps"
	"slices"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/words"
	"github.com/valyala/fasthttp"
)

// metrics are the edge's series, kept by prometheus/client_golang in a registry of this
// server's own (tests run many servers in one process), with the Go runtime's and the
// process's. The library, rather than a writer of our own: HELP and TYPE metadata, histogram
// buckets, escaping and the standard go_* and process_* series come right without our care.
type metrics struct {
	reg    *prometheus.Registry
	intake *intake.Metrics
}

// SpoolStats are a Redis-mode store's counters, for /metrics.
type SpoolStats struct {
	Spooled, Replayed, Depth int64
}

// newMetrics registers every series; spool and limits are read when /metrics is asked.
func newMetrics(spool func() SpoolStats, limits func() ratelimit.Stats, warnings func() []string) *metrics {
	m := &metrics{reg: prometheus.NewRegistry(), intake: intake.NewMetrics()}
	m.reg.MustRegister(m.intake.Collectors()...)
	read := func(f func(SpoolStats) int64) func() float64 {
		return func() float64 {
			if spool == nil {
				return 0
			}
			return float64(f(spool()))
		}
	}
	rl := func(f func(ratelimit.Stats) int64) func() float64 {
		return func() float64 { return float64(f(limits())) }
	}
	limited := "Feedback requests answered 429, by limit."
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "signpost_feedback_spool_depth",
			Help: "Records spooled locally while Redis was away, not yet replayed."}, read(func(s SpoolStats) int64 { return s.Depth })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signpost_feedback_spooled_total",
			Help: "Records spooled locally because Redis was unreachable."}, read(func(s SpoolStats) int64 { return s.Spooled })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signpost_feedback_replayed_total",
			Help: "Spooled records replayed into Redis."}, read(func(s SpoolStats) int64 { return s.Replayed })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signpost_ratelimit_limited_total", Help: limited,
			ConstLabels: prometheus.Labels{"scope": "ip"}}, rl(func(s ratelimit.Stats) int64 { return s.LimitedIP })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signpost_ratelimit_limited_total", Help: limited,
			ConstLabels: prometheus.Labels{"scope": "partner"}}, rl(func(s ratelimit.Stats) int64 { return s.LimitedPartner })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "signpost_ratelimit_store_errors_total",
			Help: "Rate-limit store errors (requests let through or counted in memory)."}, rl(func(s ratelimit.Stats) int64 { return s.StoreErrors })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "signpost_ratelimit_degraded",
			Help: "1 while Redis-mode rate limits count in memory because Redis is away."}, func() float64 {
			if limits().Degraded {
				return 1
			}
			return 0
		}),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// One series per warning the catalogue knows (words warning.<code>), 0 or 1: an alert can
	// fire on signpost_warning > 0 without knowing the codes.
	for _, code := range slices.Sorted(maps.Keys(words.Section("en", "warning"))) {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "signpost_warning",
			Help:        "1 while the deployment has the problem named by code (GET /readyz warnings).",
			ConstLabels: prometheus.Labels{"code": code}}, func() float64 {
			if warnings != nil && slices.Contains(warnings(), code) {
				return 1
			}
			return 0
		}))
	}
	return m
}

// handleMetrics answers GET /metrics in the Prometheus text format.
func (s *Server) handleMetrics(ctx *fasthttp.RequestCtx) {
	families, err := s.metrics.reg.Gather()
	if err != nil {
		s.log.Warn("metrics not all gathered", "err", err)
	}
	var b bytes.Buffer
	enc := expfmt.NewEncoder(&b, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			answer.Write(ctx, s.log, err)
			return
		}
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetContentType("text/plain; version=0.0.4; charset=utf-8")
	ctx.SetBody(b.Bytes())
}
