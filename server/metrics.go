package server

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/signpost/edge/feedback"
	"github.com/valyala/fasthttp"
)

// metrics are the edge's counters, written by hand in the Prometheus text format: a dozen
// series do not need a client library.
type metrics struct {
	accepted, deduped, crisis, storeErrors atomic.Int64

	mu       sync.Mutex
	rejected map[string]int64 // by error code
	spamBy   map[string]int64 // by reason

	storeLatency histogram
}

func newMetrics() *metrics {
	return &metrics{rejected: map[string]int64{}, spamBy: map[string]int64{}, storeLatency: newHistogram(storeBuckets)}
}

// reject counts a refused submission by its error code (the codes are a fixed set, so the
// label cannot grow without bound).
func (m *metrics) reject(err error) {
	code := "internal"
	var e *Error
	var fe *feedback.FieldError
	switch {
	case errors.As(err, &e):
		code = e.Code
	case errors.As(err, &fe):
		code = fe.Code
	}
	m.mu.Lock()
	m.rejected[code]++
	m.mu.Unlock()
}

func (m *metrics) spam(reason string) {
	m.mu.Lock()
	m.spamBy[reason]++
	m.mu.Unlock()
}

// storeBuckets are the store latency buckets in seconds: an fsync is 0.1-10 ms on SSDs.
var storeBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type histogram struct {
	bounds []float64
	mu     sync.Mutex
	counts []int64 // one per bound, then +Inf
	sum    float64
	n      int64
}

func newHistogram(bounds []float64) histogram {
	return histogram{bounds: bounds, counts: make([]int64, len(bounds)+1)}
}

func (h *histogram) observe(v float64) {
	i := sort.SearchFloat64s(h.bounds, v)
	h.mu.Lock()
	h.counts[i]++
	h.sum += v
	h.n++
	h.mu.Unlock()
}

// SpoolStats are a Redis-mode store's counters, for /metrics.
type SpoolStats struct {
	Spooled, Replayed, Depth int64
}

// handleMetrics answers GET /metrics in the Prometheus text format.
func (s *Server) handleMetrics(ctx *fasthttp.RequestCtx) {
	var b bytes.Buffer
	m := s.metrics
	counter := func(name, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", name, help, name, name, v)
	}
	gauge := func(name, help string, v int64) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %d\n", name, help, name, name, v)
	}
	labelled := func(name, help, label string, vals map[string]int64, always ...string) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s counter\n", name, help, name)
		keys := make([]string, 0, len(vals))
		for k := range vals {
			keys = append(keys, k)
		}
		for _, k := range always {
			if _, ok := vals[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "%s{%s=%q} %d\n", name, label, k, vals[k])
		}
	}
	counter("signpost_feedback_accepted_total", "Feedback records stored and acknowledged (202).", m.accepted.Load())
	m.mu.Lock()
	rejected := copyMap(m.rejected)
	spam := copyMap(m.spamBy)
	m.mu.Unlock()
	labelled("signpost_feedback_rejected_total", "Feedback submissions refused, by error code.", "reason", rejected)
	labelled("signpost_feedback_spam_total", "Submissions answered 202 but not stored: honeypot filled or sent too fast.", "reason", spam, "honeypot", "too_fast")
	counter("signpost_feedback_deduplicated_total", "Repeats of a stored submission within 10 minutes, not stored again.", m.deduped.Load())
	counter("signpost_feedback_crisis_flagged_total", "Stored records whose comment reads like a crisis.", m.crisis.Load())
	counter("signpost_feedback_store_errors_total", "Submissions that could not be stored (answered 503).", m.storeErrors.Load())
	m.storeLatency.write(&b, "signpost_feedback_store_seconds", "Time to store a record durably (fsync or Redis).")
	var sp SpoolStats
	if s.cfg.Spool != nil {
		sp = s.cfg.Spool()
	}
	gauge("signpost_feedback_spool_depth", "Records spooled locally while Redis was away, not yet replayed.", sp.Depth)
	counter("signpost_feedback_spooled_total", "Records spooled locally because Redis was unreachable.", sp.Spooled)
	counter("signpost_feedback_replayed_total", "Spooled records replayed into Redis.", sp.Replayed)
	rl := s.limits.Stats()
	labelled("signpost_ratelimit_limited_total", "Feedback requests answered 429, by limit.", "scope",
		map[string]int64{"ip": rl.LimitedIP, "partner": rl.LimitedPartner})
	counter("signpost_ratelimit_store_errors_total", "Rate-limit store errors (requests let through or counted in memory).", rl.StoreErrors)
	degraded := int64(0)
	if rl.Degraded {
		degraded = 1
	}
	gauge("signpost_ratelimit_degraded", "1 while Redis-mode rate limits count in memory because Redis is away.", degraded)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetContentType("text/plain; version=0.0.4; charset=utf-8")
	ctx.SetBody(b.Bytes())
}

func (h *histogram) write(b *bytes.Buffer, name, help string) {
	h.mu.Lock()
	counts := append([]int64(nil), h.counts...)
	sum, n := h.sum, h.n
	h.mu.Unlock()
	fmt.Fprintf(b, "# HELP %s %s\n# TYPE %s histogram\n", name, help, name)
	var cum int64
	for i, bound := range h.bounds {
		cum += counts[i]
		fmt.Fprintf(b, "%s_bucket{le=\"%s\"} %d\n", name, formatFloat(bound), cum)
	}
	cum += counts[len(h.bounds)]
	fmt.Fprintf(b, "%s_bucket{le=\"+Inf\"} %d\n%s_sum %s\n%s_count %d\n", name, cum, name, formatFloat(sum), name, n)
}

func formatFloat(f float64) string {
	if math.IsInf(f, 1) {
		return "+Inf"
	}
	return fmt.Sprintf("%g", f)
}

func copyMap(m map[string]int64) map[string]int64 {
	c := make(map[string]int64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}
