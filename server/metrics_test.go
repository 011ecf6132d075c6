package server_test

import (
	"strings"
	"testing"

	"github.com/signpost/edge/server/edgetest"
)

// TestMetricsExposition: every series the edge has always exposed, by the same name and with
// its HELP and TYPE, plus the Go runtime's and the process's.
func TestMetricsExposition(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	// A refusal, so that the rejected counter has a reason to show.
	if r := e.DoFrom(t, "192.0.2.70", "POST", "/v1/feedback", []byte("{"), "Content-Type", "application/json", "Origin", "http://localhost:8080"); r.StatusCode() != 400 {
		t.Fatalf("bad feedback: %d %s", r.StatusCode(), r.Body())
	}
	r := e.DoFrom(t, "192.0.2.70", "GET", "/metrics", nil)
	if r.StatusCode() != 200 || !strings.HasPrefix(string(r.Header.ContentType()), "text/plain; version=0.0.4") {
		t.Fatalf("/metrics: %d %s", r.StatusCode(), r.Header.ContentType())
	}
	m := string(r.Body())
	for name, typ := range map[string]string{
		"signpost_feedback_accepted_total":       "counter",
		"signpost_feedback_rejected_total":       "counter",
		"signpost_feedback_spam_total":           "counter",
		"signpost_feedback_deduplicated_total":   "counter",
		"signpost_feedback_crisis_flagged_total": "counter",
		"signpost_feedback_store_errors_total":   "counter",
		"signpost_feedback_store_seconds":        "histogram",
		"signpost_feedback_spool_depth":          "gauge",
		"signpost_feedback_spooled_total":        "counter",
		"signpost_feedback_replayed_total":       "counter",
		"signpost_ratelimit_limited_total":       "counter",
		"signpost_ratelimit_store_errors_total":  "counter",
		"signpost_ratelimit_degraded":            "gauge",
		"go_goroutines":                          "gauge",
		"go_memstats_heap_alloc_bytes":           "gauge",
		"process_resident_memory_bytes":          "gauge",
		"process_open_fds":                       "gauge",
	} {
		if !strings.Contains(m, "# TYPE "+name+" "+typ+"\n") || !strings.Contains(m, "# HELP "+name+" ") {
			t.Errorf("%s (%s) missing, or without HELP and TYPE", name, typ)
		}
	}
	for _, sample := range []string{`signpost_feedback_spam_total{reason="honeypot"} 0`, `signpost_ratelimit_limited_total{scope="partner"} 0`,
		`signpost_feedback_store_seconds_bucket{le="0.001"} 0`, `signpost_feedback_store_seconds_bucket{le="+Inf"} 0`} {
		if !strings.Contains(m, sample+"\n") {
			t.Errorf("sample %s missing", sample)
		}
	}
}
