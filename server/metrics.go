package server

import (
	"bytes"
	"errors"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/common/expfmt"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/web"
	"github.com/valyala/fasthttp"
)

// metrics are the edge's series, kept by prometheus/client_golang in a registry of this
// server's own (tests run many servers in one process), with the Go runtime's and the
// process's. The library, rather than a writer of our own: HELP and TYPE metadata, histogram
// buckets, escaping and the standard go_* and process_* series come right without our care.
type metrics struct {
	reg                                    *prometheus.Registry
	accepted, deduped, crisis, storeErrors prometheus.Counter
	rejected, spam                         *prometheus.CounterVec
	storeLatency                           prometheus.Histogram
}

// storeBuckets are the store latency buckets in seconds: an fsync is 0.1-10 ms on SSDs.
var storeBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// SpoolStats are a Redis-mode store's counters, for /metrics.
type SpoolStats struct {
	Spooled, Replayed, Depth int64
}

// newMetrics registers every series; spool and limits are read when /metrics is asked.
func newMetrics(spool func() SpoolStats, limits func() ratelimit.Stats) *metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &metrics{
		reg:         prometheus.NewRegistry(),
		accepted:    counter("signpost_feedback_accepted_total", "Feedback records stored and acknowledged (202)."),
		deduped:     counter("signpost_feedback_deduplicated_total", "Repeats of a stored submission within 10 minutes, not stored again."),
		crisis:      counter("signpost_feedback_crisis_flagged_total", "Stored records whose comment reads like a crisis."),
		storeErrors: counter("signpost_feedback_store_errors_total", "Submissions that could not be stored (answered 503)."),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_feedback_rejected_total",
			Help: "Feedback submissions refused, by error code."}, []string{"reason"}),
		spam: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_feedback_spam_total",
			Help: "Submissions answered 202 but not stored: honeypot filled or sent too fast."}, []string{"reason"}),
		storeLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_feedback_store_seconds",
			Help: "Time to store a record durably (fsync or Redis).", Buckets: storeBuckets}),
	}
	m.spam.WithLabelValues("honeypot")
	m.spam.WithLabelValues("too_fast")
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
	m.reg.MustRegister(m.accepted, m.deduped, m.crisis, m.storeErrors, m.rejected, m.spam, m.storeLatency,
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
	return m
}

// reject counts a refused submission by its error code (the codes are a fixed set, so the
// label cannot grow without bound).
func (m *metrics) reject(err error) {
	code := "internal"
	var e *web.Error
	var fe *feedback.FieldError
	switch {
	case errors.As(err, &e):
		code = e.Code
	case errors.As(err, &fe):
		code = fe.Code
	}
	m.rejected.WithLabelValues(code).Inc()
}

func (m *metrics) spamBy(reason string) { m.spam.WithLabelValues(reason).Inc() }

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
			web.Write(ctx, s.log, err)
			return
		}
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetContentType("text/plain; version=0.0.4; charset=utf-8")
	ctx.SetBody(b.Bytes())
}
