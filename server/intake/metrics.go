package intake

import (
	"sync/atomic"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/signpost/edge/server/answer"
)

// Metrics are the intake's series: what was stored, refused, taken for spam, and how long the
// store took. The edge registers them (Collectors) with its others.
type Metrics struct {
	accepted, deduped, crisis, storeErrors prometheus.Counter
	rejected, spam, lineReports            *prometheus.CounterVec
	storeLatency                           prometheus.Histogram
	// reportsStored counts line reports stored, for the flagged-line gauge to refresh on.
	reportsStored atomic.Int64
}

// LineReportsStored is how many line reports this edge has stored since it started.
func (m *Metrics) LineReportsStored() int64 { return m.reportsStored.Load() }

func (m *Metrics) lineReport(line, reason string) {
	m.lineReports.WithLabelValues(line, reason).Inc()
	m.reportsStored.Add(1)
}

// storeBuckets are the store latency buckets in seconds: an fsync is 0.1-10 ms on SSDs.
var storeBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

// NewMetrics makes the intake's series, at zero.
func NewMetrics() *Metrics {
	counter := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	}
	m := &Metrics{
		accepted:    counter("signpost_feedback_accepted_total", "Feedback records stored and acknowledged (202)."),
		deduped:     counter("signpost_feedback_deduplicated_total", "Repeats of a stored submission within 10 minutes, not stored again."),
		crisis:      counter("signpost_feedback_crisis_flagged_total", "Stored records whose comment reads like a crisis."),
		storeErrors: counter("signpost_feedback_store_errors_total", "Submissions that could not be stored (answered 503)."),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_feedback_rejected_total",
			Help: "Feedback submissions refused, by error code."}, []string{"reason"}),
		spam: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_feedback_spam_total",
			Help: "Submissions answered 202 but not stored: honeypot filled or sent too fast."}, []string{"reason"}),
		// The line label is bounded: a report is stored only for a line of the content.
		lineReports: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "signpost_line_reports_total",
			Help: "Line-problem reports stored (POST /v1/reports), by line and reason."}, []string{"line", "reason"}),
		storeLatency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "signpost_feedback_store_seconds",
			Help: "Time to store a record durably (fsync or Redis).", Buckets: storeBuckets}),
	}
	m.spam.WithLabelValues("honeypot")
	m.spam.WithLabelValues("too_fast")
	return m
}

// Collectors are the series to register.
func (m *Metrics) Collectors() []prometheus.Collector {
	return []prometheus.Collector{m.accepted, m.deduped, m.crisis, m.storeErrors, m.rejected, m.spam, m.lineReports, m.storeLatency}
}

// reject counts a refused submission by its error code, the one the answer carries (answer.Classify;
// the codes are a fixed set, so the label cannot grow without bound).
func (m *Metrics) reject(err error) {
	code := "internal"
	if e := answer.Classify(err); e != nil {
		code = e.Code
	}
	m.rejected.WithLabelValues(code).Inc()
}

// Reject counts a submission refused outside the intake (the no-JavaScript form's origin rule).
func (m *Metrics) Reject(err error) { m.reject(err) }

func (m *Metrics) spamBy(reason string) { m.spam.WithLabelValues(reason).Inc() }
