package intake_test

import (
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/redisstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// TestReportAccepted: a report is stored once, as a line report and never as feedback, with
// the client only as its address hash; a repeat gets the first id, as feedback's does.
func TestReportAccepted(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	r := e.PostReport(t, "192.0.2.60", edgetest.Report())
	first := edgetest.MustAccept(t, r)
	if got := edgetest.Header(r, "Access-Control-Allow-Origin"); got != edgetest.Origin {
		t.Errorf("Access-Control-Allow-Origin %q", got)
	}
	again := edgetest.MustAccept(t, e.PostReport(t, "192.0.2.60", edgetest.Report("comment", " Nobody answered ")))
	if again.ID != first.ID {
		t.Errorf("a repeat got a new id %s, want %s", again.ID, first.ID)
	}
	other := edgetest.MustAccept(t, e.PostReport(t, "192.0.2.60", edgetest.Report("reason", "wrong_hours")))
	if other.ID == first.ID {
		t.Error("another reason was taken for a repeat")
	}
	reports := e.Reports(t)
	if len(reports) != 2 {
		t.Fatalf("%d reports, want 2", len(reports))
	}
	g := reports[0]
	if g.ID != first.ID || g.Kind != feedback.KindLineReport || g.Line != "ca-988" || g.Reason != "not_working" ||
		g.Region != "CA-QC" || g.Partner != "demo" || g.Page != "/help" || g.Comment != "Nobody answered" || g.IPHash != e.Config.IPHasher.Hash(netip.MustParseAddr("192.0.2.60")) {
		t.Errorf("stored report %+v", g)
	}
	if n := len(e.Records(t)); n != 0 {
		t.Errorf("%d feedback records from reports", n)
	}
	m := string(e.Do(t, "GET", "/metrics", nil).Body())
	for _, want := range []string{`signpost_line_reports_total{line="ca-988",reason="not_working"} 1`, `signpost_line_reports_total{line="ca-988",reason="wrong_hours"} 1`,
		"signpost_feedback_deduplicated_total 1", `signpost_line_flagged{line="ca-988"} 0`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A comment that reads like a crisis says so, as feedback's.
	if a := edgetest.MustAccept(t, e.PostReport(t, "192.0.2.61", edgetest.Report("comment", "I want to die"))); !a.Crisis {
		t.Error("crisis comment not flagged")
	}
}

func TestReportBadInputs(t *testing.T) {
	retired := edgetest.Shipped(t)
	retired.Lines["us-crisis-text-line"].Status = snippets.StatusRetired
	e := edgetest.Start(t, edgetest.Options{Intake: true, Content: retired})
	for _, tc := range []struct {
		name   string
		body   any
		origin string
		status int
		code   string
		field  string
	}{
		{"unknown line", edgetest.Report("line", "nope"), "", 422, "unknown_line", "line"},
		{"retired line", edgetest.Report("line", "us-crisis-text-line"), "", 422, "unknown_line", "line"},
		{"line malformed", edgetest.Report("line", "../x"), "", 422, "unknown_line", "line"},
		{"line missing", edgetest.Report("line", nil), "", 400, "required", "line"},
		{"reason unknown", edgetest.Report("reason", "rude"), "", 422, "invalid_reason", "reason"},
		{"reason missing", edgetest.Report("reason", nil), "", 400, "required", "reason"},
		{"comment too long", edgetest.Report("comment", strings.Repeat("é", 501)), "", 422, "comment_too_long", "comment"},
		{"region malformed", edgetest.Report("region", "Quebec"), "", 400, "invalid_region", "region"},
		{"an email field", edgetest.Report("email", "a@example.org"), "", 400, "unknown_field", "email"},
		{"a feedback answer", edgetest.Report("found", true), "", 400, "unknown_field", "found"},
		{"partner unknown", edgetest.Report("partner", "nope"), "", 400, "unknown_partner", "partner"},
		{"page missing", edgetest.Report("page", nil), "", 400, "required", "page"},
		{"not JSON", "hello", "", 400, "invalid_json", ""},
		{"origin not allowed", edgetest.Report(), "https://evil.example", 403, "origin_not_allowed", ""},
		{"origin null", edgetest.Report(), "null", 403, "origin_not_allowed", ""},
		{"unknown line from a foreign origin", edgetest.Report("line", "nope"), "https://evil.example", 403, "origin_not_allowed", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			if tc.origin != "" {
				h = []string{"Origin", tc.origin}
			}
			r := e.PostReport(t, "192.0.2.62", tc.body, h...)
			if r.StatusCode() != tc.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode(), tc.status, r.Body())
			}
			if code, field := edgetest.JSONError(t, r); code != tc.code || field != tc.field {
				t.Errorf("error %q field %q, want %q %q: %s", code, field, tc.code, tc.field, r.Body())
			}
		})
	}
	// Exactly 500 characters is a comment, and no Origin needs a token.
	edgetest.MustAccept(t, e.PostReport(t, "192.0.2.62", edgetest.Report("comment", strings.Repeat("é", 500))))
	r := e.DoFrom(t, "192.0.2.62", "POST", "/v1/reports", []byte(`{"partner":"demo","page":"/","line":"ca-988","reason":"other","elapsed_ms":4000}`), "Content-Type", "application/json")
	if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 403 || code != "origin_required" {
		t.Errorf("no Origin: %d %s", r.StatusCode(), r.Body())
	}
	if r := e.DoFrom(t, "192.0.2.62", "POST", "/v1/reports", []byte(`{}`), "Content-Type", "application/xml", "Origin", edgetest.Origin); r.StatusCode() != 415 {
		t.Errorf("XML: %d", r.StatusCode())
	}
	if n := len(e.Reports(t)); n != 1 {
		t.Errorf("%d reports stored, want 1", n)
	}
}

// TestReportSpam: bots get feedback's answer (202 with an id) and nothing is stored.
func TestReportSpam(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for _, body := range []map[string]any{edgetest.Report("website", "http://spam.example"), edgetest.Report("elapsed_ms", 900), edgetest.Report("elapsed_ms", nil)} {
		edgetest.MustAccept(t, e.PostReport(t, "192.0.2.63", body))
	}
	if n := len(e.Reports(t)); n != 0 {
		t.Errorf("%d spam reports stored", n)
	}
	m := string(e.Do(t, "GET", "/metrics", nil).Body())
	for _, want := range []string{`signpost_feedback_spam_total{reason="honeypot"} 1`, `signpost_feedback_spam_total{reason="too_fast"} 2`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(m, "signpost_line_reports_total{") {
		t.Error("spam counted as reports")
	}
}

// TestReportRateLimitPerIP: the client's limit is feedback's, and answered as feedback's.
func TestReportRateLimitPerIP(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: newLimits(t, "3-M", "100-M")}})
	for i := range 3 {
		edgetest.MustAccept(t, e.PostReport(t, "198.51.100.9", edgetest.Report("page", "/r/"+strconv.Itoa(i))))
	}
	checkLimited(t, e.PostReport(t, "198.51.100.9", edgetest.Report("page", "/r/4")), "ip")
	edgetest.MustAccept(t, e.PostReport(t, "198.51.100.10", edgetest.Report()))
	if n := len(e.Reports(t)); n != 4 {
		t.Errorf("%d reports, want 4", n)
	}
}

// TestReportRedis: in Redis mode a report is stored in the stream, as a line report, and a
// repeat is answered with the first id.
func TestReportRedis(t *testing.T) {
	_, rdb := edgetest.Redis(t, redis.Options{})
	st, err := redisstore.Open(rdb, redisstore.Options{SpoolDir: filepath.Join(t.TempDir(), "spool")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Feedback: st}})
	first := edgetest.MustAccept(t, e.PostReport(t, "192.0.2.64", edgetest.Report("reason", "wrong_hours")))
	if again := edgetest.MustAccept(t, e.PostReport(t, "192.0.2.64", edgetest.Report("reason", "wrong_hours"))); again.ID != first.ID {
		t.Errorf("repeat %s, want %s", again.ID, first.ID)
	}
	// Another edge on the same Redis reads it.
	var got []*feedback.Record
	reader := redisstore.OpenReader(rdb, "")
	e2 := edgetest.Start(t, edgetest.Options{Config: server.Config{Feedback: reader}})
	got = e2.Reports(t)
	if len(got) != 1 || got[0].ID != first.ID || got[0].Line != "ca-988" || got[0].Reason != "wrong_hours" {
		t.Errorf("reports in Redis: %+v", got)
	}
	if n := len(e2.Records(t)); n != 0 {
		t.Errorf("%d feedback records in Redis", n)
	}
}
