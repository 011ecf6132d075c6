package admin_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// line988 is the 988 line of a snippet's banner (nil when it is not shown).
func line988(t *testing.T, e *edgetest.Edge, uri string) *snippets.LineView {
	t.Helper()
	s, _ := edgetest.GetSnippet(t, e, uri)
	for i := range s.Banner.Lines {
		if s.Banner.Lines[i].ID == "ca-988" {
			return &s.Banner.Lines[i]
		}
	}
	return nil
}

// TestLineStatusSwitch: an operator degrades 988 with a message and an end; the dry run shows
// the diff, the switch publishes a version audited line.status, the snippets carry the message
// in each language beside the line (its ways in and the emergency number kept), and at the
// end, by the edge's clock, the line is active again with nothing published. Then active
// removes the status keys.
func TestLineStatusSwitch(t *testing.T) {
	e, setNow := recheckEdge(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	end := edgetest.Now.Add(3 * time.Hour).Format(time.RFC3339)
	body := `{"status":"degraded","message":{"en":"Calls are failing. Text 988 instead.","fr":"Les appels échouent. Textez le 988."},"until":"` + end + `"}`

	dry := e.DryRun(t, "PUT", "/v1/admin/lines/ca-988/status?dry_run=1", []byte(body), alice...)
	if got := strings.Join(edgetest.Changes(dry.Diff.Rows), "\n"); !strings.Contains(got, "status: degraded") || !strings.Contains(got, "status_until:") {
		t.Errorf("dry run's diff:\n%s", got)
	}
	r := e.Do(t, "PUT", "/v1/admin/lines/ca-988/status", []byte(body), edgetest.With(alice, "If-Match", `"v1"`)...)
	if r.StatusCode() != 200 || edgetest.Header(r, "ETag") != `"v2"` {
		t.Fatalf("status: %d %s", r.StatusCode(), r.Body())
	}
	es, err := e.Config.AuditLog.List(context.Background(), 0)
	if err != nil || len(es) != 1 || es[0].Action != "line.status" || es[0].Target != "lines.ca-988" || es[0].Actor != "alice" {
		t.Errorf("audit: %+v %v", es, err)
	}
	for _, tc := range []struct{ uri, want string }{
		{"/v1/snippets/demo/banner?region=CA&locale=en", "Calls are failing. Text 988 instead."},
		{"/v1/snippets/demo/banner?region=CA-ON&locale=fr", "Les appels échouent. Textez le 988."},
	} {
		l := line988(t, e, tc.uri)
		if l == nil || l.Status != "degraded" || l.StatusMessage != tc.want || l.Tel != "988" || l.SMS != "988" {
			t.Errorf("%s: 988 is %+v, want the message %q beside its ways in", tc.uri, l, tc.want)
		}
		if s, _ := edgetest.GetSnippet(t, e, tc.uri); len(s.Banner.Emergency) == 0 {
			t.Errorf("%s: no emergency number", tc.uri)
		}
	}
	// The end passes: the same version, the line active again.
	setNow(edgetest.Now.Add(3*time.Hour + time.Second))
	if l := line988(t, e, "/v1/snippets/demo/banner?region=CA&locale=en"); l == nil || l.Status != "" || l.StatusMessage != "" {
		t.Errorf("after the end: %+v", l)
	}
	if _, v := edgetest.Current(t, e.Content); v != 2 {
		t.Errorf("current v%d, want v2", v)
	}
	// Active again by hand: the status keys go.
	if r := e.Do(t, "PUT", "/v1/admin/lines/ca-988/status", []byte(`{"status":"active"}`), alice...); r.StatusCode() != 200 {
		t.Fatalf("active: %d %s", r.StatusCode(), r.Body())
	}
	src, _ := edgetest.Current(t, e.Content)
	if c, err := snippets.Parse(src); err != nil || c.Lines["ca-988"].Status != "" || strings.Contains(string(src), "status_message") {
		t.Errorf("after active: %v %+v", err, c.Lines["ca-988"])
	}
}

// TestLineStatusErrors: the switch is refused as the other edits are: 400 for a body that is
// not a switch, 422 naming the field for what validation refuses (a retired line a region
// lists among them), 404, 412, 403 without the content scope; nothing is published.
func TestLineStatusErrors(t *testing.T) {
	e, _ := recheckEdge(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	past := edgetest.Now.Add(-time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		uri, body   string
		status      int
		code, field string
		headers     []string
	}{
		{"/v1/admin/lines/ca-988/status", `{}`, 400, "invalid_json", "status", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"active","message":{"en":"x"}}`, 400, "invalid_json", "message", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"retired","until":"2027-01-01T00:00:00Z"}`, 400, "invalid_json", "until", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"degraded","message":{"en":"x"},"until":"` + past + `"}`, 400, "invalid_json", "until", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"down"}`, 422, "invalid_content", "lines.ca-988.status", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"degraded"}`, 422, "invalid_content", "lines.ca-988.status_message.en", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"degraded","message":{"en":"x"},"until":"soon"}`, 422, "invalid_content", "lines.ca-988.status_until", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"degraded","message":{"en":"Call 116 123 instead."}}`, 422, "invalid_content", "lines.ca-988.status_message.en", nil},
		{"/v1/admin/lines/ca-988/status?dry_run=1", `{"status":"degraded"}`, 422, "invalid_content", "lines.ca-988.status_message.en", nil},
		{"/v1/admin/lines/nope/status", `{"status":"retired"}`, 404, "not_found", "", nil},
		{"/v1/admin/lines/ca-988/status", `{"status":"retired"}`, 412, "version_conflict", "", []string{"If-Match", `"v7"`}},
	} {
		r := e.Do(t, "PUT", tc.uri, []byte(tc.body), edgetest.With(alice, tc.headers...)...)
		if code, field := edgetest.JSONError(t, r); r.StatusCode() != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s %s: %d %s %q, want %d %s %q", tc.uri, tc.body, r.StatusCode(), code, field, tc.status, tc.code, tc.field)
		}
	}
	// Retiring a line regions still list names the first of them.
	r := e.Do(t, "PUT", "/v1/admin/lines/ca-988/status", []byte(`{"status":"retired"}`), alice...)
	if code, field := edgetest.JSONError(t, r); r.StatusCode() != 422 || code != "invalid_content" || !strings.HasPrefix(field, "regions.") ||
		!strings.Contains(string(r.Body()), "line_retired") {
		t.Errorf("retire a listed line: %d %s", r.StatusCode(), r.Body())
	}
	for _, tok := range []string{edgetest.NoticeToken, edgetest.FeedbackToken} {
		if r := e.Do(t, "PUT", "/v1/admin/lines/ca-988/status", []byte(`{"status":"retired"}`), edgetest.Bearer(tok)...); r.StatusCode() != 403 {
			t.Errorf("PUT status without the content scope: %d", r.StatusCode())
		}
	}
	if r := e.Do(t, "PUT", "/v1/admin/lines/ca-988/status", []byte(`{"status":"retired"}`)); r.StatusCode() != 401 {
		t.Errorf("PUT status without a token: %d", r.StatusCode())
	}
	if _, v := edgetest.Current(t, e.Content); v != 1 {
		t.Errorf("current v%d, want v1: nothing published", v)
	}
	if n := edgetest.Audited(t, e.Config.AuditLog); n != 0 {
		t.Errorf("audited %d", n)
	}
}
