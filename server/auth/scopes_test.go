package auth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// One token per scope, and the admin token with all of them.
var scopedTokens = map[string]string{
	auth.ScopeContent:         "content-token-0123456789",
	auth.ScopeNotice:          "notice-token-0123456789",
	auth.ScopeFeedbackRead:    "reader-token-0123456789",
	auth.ScopeFollowupsExport: "exporter-token-0123456789",
	auth.ScopeFeedbackWrite:   "writer-token-0123456789",
}

// scopedNames are the tokens' names, which the audit log records.
var scopedNames = map[string]string{
	auth.ScopeContent: "carla", auth.ScopeNotice: "noor", auth.ScopeFeedbackRead: "rita", auth.ScopeFollowupsExport: "ezra", auth.ScopeFeedbackWrite: "wendy",
}

const scopedAdminToken = "admin-token-0123456789abc"

func scopedEdge(t *testing.T, withStore bool) *edgetest.Edge {
	t.Helper()
	dir := t.TempDir()
	now := func() time.Time { return edgetest.Now }
	cfg := server.Config{AdminToken: scopedAdminToken, DataDir: dir}
	for _, sc := range auth.AllScopes {
		cfg.Operators = append(cfg.Operators, auth.Operator{Name: scopedNames[sc], Token: scopedTokens[sc], Scopes: []string{sc}})
	}
	fb, err := logstore.Open(t.TempDir(), logstore.Options{}, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fb.Close() })
	cfg.Feedback = fb
	if withStore {
		st, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(now), now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.ContentStore, cfg.AuditLog = st, edgetest.AuditLog(t, dir)
	}
	e := edgetest.Start(t, edgetest.Options{Config: cfg})
	if withStore {
		if err := e.Server.ApplyCurrent(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// currentETag is the content's version, read with the admin token.
func currentETag(t *testing.T, e *edgetest.Edge) string {
	t.Helper()
	r := e.Do(t, "GET", "/v1/admin/content", nil, edgetest.Bearer(scopedAdminToken)...)
	if r.StatusCode() != 200 {
		t.Fatalf("GET content as admin: %d %s", r.StatusCode(), r.Body())
	}
	return edgetest.Header(r, "ETag")
}

func TestScopes(t *testing.T) {
	e := scopedEdge(t, true)
	exp := edgetest.Now.Add(time.Hour).Format(time.RFC3339)
	type route struct {
		method, path string
		body         string
		ifMatch      bool
		anyOf        []string
		audit        string // the audit action it writes, "" for none
	}
	readContent := []string{auth.ScopeContent, auth.ScopeNotice}
	routes := []route{
		{"GET", "/v1/admin/content", "", false, readContent, ""},
		{"GET", "/v1/admin/content/history", "", false, readContent, ""},
		{"GET", "/v1/admin/content/versions/1", "", false, readContent, ""},
		{"PUT", "/v1/admin/content", string(configs.Content), true, []string{auth.ScopeContent}, "content.put"},
		{"PUT", "/v1/admin/partners/mhcc/featured", `{"featured":["stepped-care-2-0","peer-support-guidelines"]}`, false, []string{auth.ScopeContent}, "partner.featured"},
		{"PUT", "/v1/admin/resources/winter-webinar", `{"type":"webinar","title":{"en":"Winter webinar"},"summary":{"en":"Live"},"url":{"en":"https://example.org/webinar"}}`, false, []string{auth.ScopeContent}, "resource.put"},
		{"DELETE", "/v1/admin/resources/winter-webinar", "", false, []string{auth.ScopeContent}, "resource.delete"},
		{"POST", "/v1/admin/content/rollback", `{"version":1}`, false, []string{auth.ScopeContent}, "content.rollback"},
		{"PUT", "/v1/admin/notice", `{"id":"storm","message":{"en":"Lines are busy."},"regions":["CA"],"expires_at":"` + exp + `"}`, false, []string{auth.ScopeNotice}, "notice.put"},
		{"DELETE", "/v1/admin/notice?id=storm", "", false, []string{auth.ScopeNotice}, "notice.delete"},
		// A whole draft served to anyone with its id for 15 minutes is content, not a notice.
		{"POST", "/v1/admin/preview", string(configs.Content), false, []string{auth.ScopeContent}, ""},
		{"GET", "/v1/admin/feedback", "", false, []string{auth.ScopeFeedbackRead}, "feedback.export"},
		{"GET", "/v1/admin/feedback/stats", "", false, []string{auth.ScopeFeedbackRead}, ""},
		{"GET", "/v1/admin/audit", "", false, []string{auth.ScopeFeedbackRead}, ""},
		{"GET", "/v1/admin/usage", "", false, []string{auth.ScopeFeedbackRead}, ""},
		{"GET", "/v1/admin/feedback/followups", "", false, []string{auth.ScopeFollowupsExport}, "followups.export"},
	}
	for _, rt := range routes {
		send := func(token string) *fasthttp.Response {
			h := edgetest.With(edgetest.Bearer(token), "Content-Type", "application/json")
			if rt.path == "/v1/admin/content" || rt.path == "/v1/admin/preview" {
				h = edgetest.With(edgetest.Bearer(token), "Content-Type", "application/yaml")
			}
			if rt.ifMatch {
				h = edgetest.With(h, "If-Match", currentETag(t, e))
			}
			var body []byte
			if rt.body != "" {
				body = []byte(rt.body)
			}
			return e.Do(t, rt.method, rt.path, body, h...)
		}
		before := currentETag(t, e)
		for _, sc := range auth.AllScopes {
			if slices.Contains(rt.anyOf, sc) {
				continue
			}
			r := send(scopedTokens[sc])
			if r.StatusCode() != 403 {
				t.Errorf("%s %s with only %s: %d %s, want 403", rt.method, rt.path, sc, r.StatusCode(), r.Body())
				continue
			}
			code, field := edgetest.JSONError(t, r)
			var body struct{ Error struct{ Message string } }
			_ = json.Unmarshal(r.Body(), &body)
			if r.StatusCode() != 403 || code != "missing_scope" || field != "scope" ||
				!strings.HasPrefix(body.Error.Message, "this token lacks the scope "+rt.anyOf[0]) {
				t.Errorf("%s %s with only %s: %d %s", rt.method, rt.path, sc, r.StatusCode(), r.Body())
			}
		}
		if after := currentETag(t, e); after != before {
			t.Errorf("%s %s: a refused request changed the content (%s -> %s)", rt.method, rt.path, before, after)
		}
		for _, sc := range rt.anyOf {
			if r := send(scopedTokens[sc]); r.StatusCode()/100 != 2 {
				t.Errorf("%s %s with %s: %d %s", rt.method, rt.path, sc, r.StatusCode(), r.Body())
			}
			if rt.audit != "" {
				break // a write once is enough (a second would conflict or find nothing)
			}
		}
	}
	// The admin token has every scope.
	if r := e.Do(t, "GET", "/v1/admin/feedback/followups", nil, edgetest.Bearer(scopedAdminToken)...); r.StatusCode() != 200 {
		t.Errorf("admin followups: %d", r.StatusCode())
	}

	// Every write and export is in the audit log under the token's name.
	r := e.Do(t, "GET", "/v1/admin/audit?limit=1000", nil, edgetest.Bearer(scopedTokens[auth.ScopeFeedbackRead])...)
	var log struct{ Entries []auditlog.Entry }
	if err := json.Unmarshal(r.Body(), &log); err != nil {
		t.Fatalf("audit: %v %s", err, r.Body())
	}
	actors := map[string][]string{}
	for _, en := range log.Entries {
		actors[en.Action] = append(actors[en.Action], en.Actor)
	}
	for _, rt := range routes {
		if rt.audit == "" {
			continue
		}
		want := scopedNames[rt.anyOf[0]]
		if !slices.Contains(actors[rt.audit], want) {
			t.Errorf("audit %s: actors %v, want %s", rt.audit, actors[rt.audit], want)
		}
	}
	if !slices.Contains(actors["followups.export"], "admin") {
		t.Errorf("the admin's follow-up export is not audited: %v", actors["followups.export"])
	}
	for action, who := range actors {
		for _, a := range who {
			if a == "" {
				t.Errorf("audit entry %s without a name", action)
			}
		}
	}
}

// TestFollowupExportLoggedWithoutStore: with no audit log (nor content store), a follow-up export
// still leaves a trace, in the log, with the token's name.
func TestFollowupExportLoggedWithoutStore(t *testing.T) {
	e := scopedEdge(t, false)
	if r := e.Do(t, "GET", "/v1/admin/feedback/followups", nil, edgetest.Bearer(scopedTokens[auth.ScopeContent])...); r.StatusCode() != 403 {
		t.Errorf("followups with content scope: %d", r.StatusCode())
	}
	if r := e.Do(t, "GET", "/v1/admin/feedback/followups", nil, edgetest.Bearer(scopedTokens[auth.ScopeFollowupsExport])...); r.StatusCode() != 200 {
		t.Fatalf("followups: %d %s", r.StatusCode(), r.Body())
	}
	var found bool
	for _, line := range strings.Split(e.Logs.String(), "\n") {
		if strings.Contains(line, `"action":"followups.export"`) && strings.Contains(line, `"actor":"ezra"`) {
			found = true
		}
	}
	if !found {
		t.Errorf("follow-up export not logged with the token's name:\n%s", e.Logs.String())
	}
	// A refusal is logged with the name too (never an address).
	if !strings.Contains(e.Logs.String(), `"actor":"carla"`) || !strings.Contains(e.Logs.String(), "missing scope") {
		t.Errorf("refusal not logged:\n%s", e.Logs.String())
	}
}

func TestValidateScopes(t *testing.T) {
	for _, tc := range []struct {
		scopes []string
		ok     bool
	}{
		{[]string{"content"}, true},
		{[]string{"content", "notice", "feedback:read", "followups:export"}, true},
		{nil, false},
		{[]string{}, false},
		{[]string{"content", "admin"}, false},
		{[]string{"feedback:write"}, true},
		{[]string{"feedback:delete"}, false},
		{[]string{"Content"}, false},
	} {
		if err := auth.ValidateScopes(tc.scopes); (err == nil) != tc.ok {
			t.Errorf("%v: %v", tc.scopes, err)
		}
	}
	if err := auth.ValidateScopes([]string{"nope"}); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("the error must name the unknown scope: %v", err)
	}
}

// TestFollowupExportFilters: a follow-up export holds only the partner and dates asked for
// (personal data leaves only as asked), refuses filters a follow-up cannot honour, and the
// audit log names the filter applied.
func TestFollowupExportFilters(t *testing.T) {
	e := scopedEdge(t, true)
	ids := feedback.NewIDs()
	for i, p := range []string{"demo", "mhcc", "demo"} {
		yes := true
		at := edgetest.Now.Add(-time.Duration(i+1) * time.Hour)
		rec := &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: p, Page: "/", Locale: "en", Found: &yes, Followup: true, Comment: fmt.Sprint("comment ", i)}
		fu := &feedback.Followup{ID: rec.ID, ReceivedAt: at, Partner: p, Email: p + fmt.Sprint(i) + "@example.org"}
		if _, _, err := e.Config.Feedback.Add(context.Background(), rec, fu); err != nil {
			t.Fatal(err)
		}
	}
	get := func(query string) *fasthttp.Response {
		return e.Do(t, "GET", "/v1/admin/feedback/followups?"+query, nil, edgetest.Bearer(scopedTokens[auth.ScopeFollowupsExport])...)
	}
	r := get("partner=demo")
	if r.StatusCode() != 200 {
		t.Fatalf("followups: %d %s", r.StatusCode(), r.Body())
	}
	if b := string(r.Body()); !strings.Contains(b, "demo0@example.org") || !strings.Contains(b, "demo2@example.org") || strings.Contains(b, "mhcc") {
		t.Errorf("partner=demo exported:\n%s", b)
	}
	if b := string(get("to=2020-01-01").Body()); strings.Contains(b, "@example.org") {
		t.Errorf("to=2020-01-01 exported:\n%s", b)
	}
	for _, q := range []string{"page=/", "found=yes", "crisis=no", "comment=yes", "reviewed=no", "helpful=yes"} {
		r := get(q)
		var body answer.ErrorBody
		if r.StatusCode() != 400 || json.Unmarshal(r.Body(), &body) != nil || body.Error.Field != strings.Split(q, "=")[0] {
			t.Errorf("%s: %d %s, want 400 naming the parameter", q, r.StatusCode(), r.Body())
		}
	}
	entries, err := e.Config.AuditLog.List(context.Background(), 10)
	if err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, en := range entries {
		if en.Action == "followups.export" {
			targets = append(targets, en.Target)
		}
	}
	if !slices.Contains(targets, "partner=demo") || !slices.Contains(targets, "to=2020-01-01") {
		t.Errorf("follow-up exports audited with targets %q", targets)
	}
}
