package admin_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// recheckEdge is a console edge whose clock, the content store's validation included, the test
// sets: the re-check cycle is judged by it.
func recheckEdge(t *testing.T) (*edgetest.Edge, func(time.Time)) {
	t.Helper()
	var at atomic.Pointer[time.Time]
	set := func(t time.Time) { at.Store(&t) }
	set(edgetest.Now)
	clock := func() time.Time { return *at.Load() }
	dir := t.TempDir()
	st, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(clock), clock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{Now: clock, ContentStore: st, AuditLog: edgetest.AuditLog(t, dir),
		Operators: edgetest.ConsoleOperators()}})
	if err := e.Server.ApplyCurrent(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, set
}

type dueBody struct {
	Version   int64              `json:"version"`
	Today     string             `json:"today"`
	DueWithin int                `json:"due_within_days"`
	Lines     []snippets.Recheck `json:"lines"`
}

func due(t *testing.T, e *edgetest.Edge, headers ...string) dueBody {
	t.Helper()
	r := e.Do(t, "GET", "/v1/admin/lines/due", nil, headers...)
	var d dueBody
	if r.StatusCode() != 200 || json.Unmarshal(r.Body(), &d) != nil {
		t.Fatalf("GET lines/due: %d %s", r.StatusCode(), r.Body())
	}
	if edgetest.Header(r, "ETag") != `"v`+strconv.FormatInt(d.Version, 10)+`"` {
		t.Errorf("ETag %q for version %d", edgetest.Header(r, "ETag"), d.Version)
	}
	return d
}

// TestLinesDueAndChecked: the queue lists the lines due at the edge's clock, soonest first; an
// operator records "checked today" for one, which publishes a version with the line's new
// record (by the token's name), audited, and takes it out of the queue.
func TestLinesDueAndChecked(t *testing.T) {
	e, setNow := recheckEdge(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	if d := due(t, e, alice...); d.Version != 1 || d.Today != "2026-12-07" || d.DueWithin != 30 || len(d.Lines) != 0 {
		t.Fatalf("the shipped content's queue: %+v", d)
	}
	// 2027-10-15: the lines checked in November 2026 are due on 2027-11-01, in 17 days; the
	// provinces' (December) are not yet.
	setNow(time.Date(2027, 10, 15, 9, 0, 0, 0, time.UTC))
	d := due(t, e, alice...)
	if len(d.Lines) == 0 {
		t.Fatal("nothing due on 2027-10-15")
	}
	for _, l := range d.Lines {
		if l.State != "due" || l.Due != "2027-11-01" || l.Days != 17 || l.VerifiedOn != "2026-11-01" || !strings.Contains(l.VerifiedBy, "crisis-lines.md") {
			t.Errorf("queued %+v", l)
		}
	}
	if d.Lines[0].ID != "au-lifeline" || d.Lines[0].VerifiedHow != "other" || d.Lines[0].VerifiedNote == "" {
		t.Errorf("first in the queue (by due date, then id): %+v", d.Lines[0])
	}
	n := len(d.Lines)

	dry := e.DryRun(t, "POST", "/v1/admin/lines/ca-988/checked?dry_run=1", []byte(`{"how":"official_page","source":"https://988.ca"}`), alice...)
	if got := strings.Join(edgetest.Changes(dry.Diff.Rows), "\n"); !strings.Contains(got, `verified_on: "2027-10-15"`) || !strings.Contains(got, `verified_by: "alice"`) {
		t.Errorf("dry run's diff:\n%s", got)
	}
	r := e.Do(t, "POST", "/v1/admin/lines/ca-988/checked", []byte(`{"how":"official_page","source":"https://988.ca"}`), edgetest.With(alice, "If-Match", `"v1"`)...)
	if r.StatusCode() != 200 || edgetest.Header(r, "ETag") != `"v2"` {
		t.Fatalf("checked: %d %s", r.StatusCode(), r.Body())
	}
	src, _ := edgetest.Current(t, e.Content)
	c, err := snippets.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	if l := c.Lines["ca-988"]; l.VerifiedOn != "2027-10-15" || l.VerifiedHow != "official_page" || l.VerifiedNote != "" || l.VerifiedBy != "alice" ||
		l.NextCheck != "2028-10-15" || l.Source != "https://988.ca" || l.Call != "988" {
		t.Errorf("ca-988 after the check: %+v", l)
	}
	if !strings.Contains(string(src), "# Provincial and territorial lines") {
		t.Error("the check lost the content's comments")
	}
	d = due(t, e, alice...)
	if d.Version != 2 || len(d.Lines) != n-1 {
		t.Errorf("after the check, v%d with %d lines due, want v2 with %d", d.Version, len(d.Lines), n-1)
	}
	for _, l := range d.Lines {
		if l.ID == "ca-988" {
			t.Error("ca-988 still queued after its check")
		}
	}
	es, err := e.Config.AuditLog.List(context.Background(), 0)
	if err != nil || len(es) != 1 || es[0].Action != "line.checked" || es[0].Target != "lines.ca-988" || es[0].Actor != "alice" || es[0].Version != 2 {
		t.Errorf("audit: %+v %v", es, err)
	}
	// The snippets carry the new date and source (and nothing of the rest of the record).
	s, raw := edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner?region=CA")
	if len(s.Banner.Lines) == 0 || s.Banner.Lines[0].VerifiedOn != "2027-10-15" || strings.Contains(string(raw.Body()), "verified_by") {
		t.Errorf("snippet after the check: %+v", s.Banner.Lines)
	}
}

// TestLineCheckedErrors: a check is refused as the other edits are: 400 without how, 422 naming
// the field for what validation refuses, 404 for no such line, 412 when stale, 403 without the
// content scope; and while another line's check has lapsed, nothing is published.
func TestLineCheckedErrors(t *testing.T) {
	e, setNow := recheckEdge(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	for _, tc := range []struct {
		uri, body   string
		status      int
		code, field string
		headers     []string
	}{
		{"/v1/admin/lines/ca-988/checked", `{"source":"https://988.ca"}`, 400, "invalid_json", "how", nil},
		{"/v1/admin/lines/ca-988/checked", `{"how":"official_page","by":"mallory"}`, 400, "invalid_json", "", nil},
		{"/v1/admin/lines/ca-988/checked", `{"how":"website"}`, 422, "invalid_content", "lines.ca-988.verified_how", nil},
		{"/v1/admin/lines/ca-988/checked", `{"how":"other"}`, 422, "invalid_content", "lines.ca-988.verified_note", nil},
		{"/v1/admin/lines/ca-988/checked", `{"how":"official_page","source":"988.ca"}`, 422, "invalid_content", "lines.ca-988.source", nil},
		{"/v1/admin/lines/nope/checked", `{"how":"official_page"}`, 404, "not_found", "", nil},
		{"/v1/admin/lines/ca-988/checked", `{"how":"official_page"}`, 412, "version_conflict", "", []string{"If-Match", `"v7"`}},
		{"/v1/admin/lines/ca-988/checked?dry_run=1", `{"how":"other"}`, 422, "invalid_content", "lines.ca-988.verified_note", nil},
	} {
		r := e.Do(t, "POST", tc.uri, []byte(tc.body), edgetest.With(alice, tc.headers...)...)
		if code, field := edgetest.JSONError(t, r); r.StatusCode() != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s %s: %d %s %q, want %d %s %q", tc.uri, tc.body, r.StatusCode(), code, field, tc.status, tc.code, tc.field)
		}
	}
	for _, tok := range []string{edgetest.NoticeToken, edgetest.FeedbackToken} {
		if r := e.Do(t, "POST", "/v1/admin/lines/ca-988/checked", []byte(`{"how":"official_page"}`), edgetest.Bearer(tok)...); r.StatusCode() != 403 {
			t.Errorf("POST checked without the content scope: %d", r.StatusCode())
		}
		if r := e.Do(t, "GET", "/v1/admin/lines/due", nil, edgetest.Bearer(tok)...); r.StatusCode() != 403 {
			t.Errorf("GET due without the content scope: %d", r.StatusCode())
		}
	}
	if r := e.Do(t, "GET", "/v1/admin/lines/due", nil); r.StatusCode() != 401 {
		t.Errorf("GET due without a token: %d", r.StatusCode())
	}

	// 2028-11-02: every line checked in November 2026 has lapsed (more than 24 months). The
	// queue lists them first; an operator records them one at a time, each check published
	// while the others are still lapsed (a lapse warns; only `edge check` refuses it).
	setNow(time.Date(2028, 11, 2, 9, 0, 0, 0, time.UTC))
	d := due(t, e, alice...)
	if len(d.Lines) == 0 || d.Lines[0].State != "lapsed" || d.Lines[0].Days >= 0 {
		t.Fatalf("queue on 2028-11-02: %+v", d.Lines)
	}
	lapsed := len(d.Lines)
	r := e.Do(t, "POST", "/v1/admin/lines/ca-988/checked", []byte(`{"how":"official_page"}`), alice...)
	if r.StatusCode() != 200 {
		t.Fatalf("a check while other lines lapse: %d %s", r.StatusCode(), r.Body())
	}
	if _, v := edgetest.Current(t, e.Content); v != 2 {
		t.Errorf("the check was not published: current v%d", v)
	}
	after := due(t, e, alice...)
	for _, l := range after.Lines {
		if l.ID == "ca-988" {
			t.Errorf("ca-988 is still in the queue after its check: %+v", l)
		}
	}
	if len(after.Lines) != lapsed-1 {
		t.Errorf("queue after one check: %d lines, want %d", len(after.Lines), lapsed-1)
	}
	if n := edgetest.Audited(t, e.Config.AuditLog); n != 1 {
		t.Errorf("checks audited: %d, want 1", n)
	}
}
