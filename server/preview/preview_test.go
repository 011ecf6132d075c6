package preview_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/preview"
	"github.com/signpost/edge/usage"
)

// TestConsolePutRegionLinesWithMessage: a line taken out of a region whose sentence names its
// number is refused alone, and published with the new sentence in one version.
func TestConsolePutRegionLinesWithMessage(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	if r := f.Do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(`{"lines":["ca-kids-help-phone"]}`), alice...); r.StatusCode() != 422 {
		t.Errorf("988 taken out, the sentence naming it kept: %d %s", r.StatusCode(), r.Body())
	}
	body := `{"lines":["ca-kids-help-phone"],"message":{"en":"Call 1-800-668-6868 at any time. In an emergency, call 9-1-1."}}`
	r := f.Do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(body), edgetest.With(alice, "If-Match", `"v1"`)...)
	if r.StatusCode() != 200 || edgetest.Header(r, "ETag") != `"v2"` {
		t.Fatalf("list and sentence together: %d %s", r.StatusCode(), r.Body())
	}
	s, _ := edgetest.GetSnippet(t, f, "/v1/snippets/demo/banner?region=CA&locale=fr")
	if ids := edgetest.LineIDs(s.Banner); !slices.Equal(ids, []string{"ca-kids-help-phone"}) || s.Banner.Message != "Call 1-800-668-6868 at any time. In an emergency, call 9-1-1." {
		t.Errorf("CA banner: %v %q", ids, s.Banner.Message)
	}
	es, err := f.Config.AuditLog.List(context.Background(), 0)
	if err != nil || len(es) != 1 || es[0].Action != "region.lines" || es[0].Target != "regions.CA regions.CA.message" {
		t.Errorf("audit: %+v %v", es, err)
	}
	if r := f.Do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(`{"lines":null,"message":{"en":"x"}}`), alice...); r.StatusCode() != 400 {
		t.Errorf("a sentence without the list: %d %s", r.StatusCode(), r.Body())
	}
}

// TestConsolePutLines: lines are created and replaced, regions list them, the operators'
// comments stay, every change is audited with its note.
func TestConsolePutLines(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	line := `{"name":{"en":"Test line","fr":"Ligne d'essai"},"country":"CA","call":"1-800-555-0100","hours":{"en":"9 to 5"},` +
		`"languages":["en","fr"],"source":"https://example.org/l","verified_on":"2026-11-02"}`
	put := f.Do(t, "PUT", "/v1/admin/lines/ca-test", []byte(line), edgetest.With(alice, "X-Signpost-Note", "new test line")...)
	if put.StatusCode() != 200 || edgetest.Header(put, "ETag") != `"v2"` {
		t.Fatalf("create: %d %s", put.StatusCode(), put.Body())
	}
	reg := f.Do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(`{"lines":["ca-test","ca-988"]}`), edgetest.With(alice, "If-Match", `"v2"`)...)
	if reg.StatusCode() != 200 || edgetest.Header(reg, "ETag") != `"v3"` {
		t.Fatalf("region lines: %d %s", reg.StatusCode(), reg.Body())
	}
	s, _ := edgetest.GetSnippet(t, f, "/v1/snippets/demo/banner?region=CA&locale=fr")
	if ids := edgetest.LineIDs(s.Banner); !slices.Equal(ids, []string{"ca-test", "ca-988"}) || s.Banner.Lines[0].Name != "Ligne d'essai" {
		t.Errorf("CA banner after the edits: %v %+v", ids, s.Banner.Lines)
	}
	// Replace: the same id, new facts.
	replaced := strings.Replace(line, "1-800-555-0100", "1-800-555-0199", 1)
	if r := f.Do(t, "PUT", "/v1/admin/lines/ca-test", []byte(replaced), edgetest.With(alice, "If-Match", `"v3"`)...); r.StatusCode() != 200 {
		t.Fatalf("replace: %d %s", r.StatusCode(), r.Body())
	}
	src, v := edgetest.Current(t, f.Content)
	if v != 4 || strings.Count(string(src), "ca-test:") != 1 || !strings.Contains(string(src), `call: "1-800-555-0199"`) {
		t.Errorf("after replace v%d:\n%s", v, src)
	}
	for _, c := range []string{"# Québec lists every line itself", "# NHS 111 is an England service", "# Left out on purpose"} {
		if !strings.Contains(string(src), c) {
			t.Errorf("comment %q lost", c)
		}
	}
	if s, _ := edgetest.GetSnippet(t, f, "/v1/snippets/demo/banner?region=CA"); s.Banner.Lines[0].Call != "1-800-555-0199" {
		t.Errorf("replaced line not served: %+v", s.Banner.Lines[0])
	}

	bad := strings.Replace(line, "2026-11-02", "2026-13-45", 1)
	r := f.Do(t, "PUT", "/v1/admin/lines/ca-test", []byte(bad), alice...)
	if code, field := edgetest.JSONError(t, r); r.StatusCode() != 422 || code != "invalid_content" || field != "lines.ca-test.verified_on" {
		t.Errorf("bad verified_on: %d %s %q", r.StatusCode(), code, field)
	}
	for _, tc := range []struct {
		uri, body string
		status    int
	}{
		{"/v1/admin/lines/ca-test", `{"name":{"en":"x"},"id":"ca-test"}`, 400}, // the id is the URL's
		{"/v1/admin/lines/ca-test", ``, 400},                                   // no body
		{"/v1/admin/regions/CA/lines", `{"featured":[]}`, 400},                 // wrong shape
		{"/v1/admin/regions/CA/lines", `{}`, 400},                              // no list
		{"/v1/admin/regions/ZZ-NOPE/lines", `{"lines":[]}`, 404},               // no such region
		{"/v1/admin/lines/Bad_Id", line, 422},                                  // id pattern
	} {
		r := f.Do(t, "PUT", tc.uri, []byte(tc.body), alice...)
		if r.StatusCode() != tc.status {
			t.Errorf("PUT %s %s: %d %s, want %d", tc.uri, tc.body, r.StatusCode(), r.Body(), tc.status)
		}
	}
	if r := f.Do(t, "PUT", "/v1/admin/lines/ca-test", []byte(line), edgetest.With(alice, "If-Match", `"v2"`)...); r.StatusCode() != 412 {
		t.Errorf("stale line edit: %d", r.StatusCode())
	}
	es, err := f.Config.AuditLog.List(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	var acts []string
	for _, e := range es {
		acts = append(acts, fmt.Sprintf("%s %s %s v%d %s", e.Actor, e.Action, e.Target, e.Version, e.Note))
	}
	want := []string{"alice line.put lines.ca-test v4 line.put lines.ca-test", "alice region.lines regions.CA v3 region.lines regions.CA", "alice line.put lines.ca-test v2 new test line"}
	if !slices.Equal(acts, want) {
		t.Errorf("audit %q, want %q", acts, want)
	}
	if r := f.Do(t, "PUT", "/v1/admin/lines/ca-test", []byte(line), edgetest.Bearer(edgetest.NoticeToken)...); r.StatusCode() != 403 {
		t.Errorf("notice token writing a line: %d", r.StatusCode())
	}
}

// TestConsoleDiff: the diff of two versions, row by row.
func TestConsoleDiff(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	if r := f.Do(t, "PUT", "/v1/admin/regions/US/lines", []byte(`{"lines":["us-988","us-crisis-text-line"]}`), alice...); r.StatusCode() != 200 {
		t.Fatal(r.StatusCode(), string(r.Body()))
	}
	var d struct {
		From, To int64
		Rows     []edgetest.DiffRow
	}
	r := f.Do(t, "GET", "/v1/admin/content/diff?from=1&to=2", nil, edgetest.Bearer(edgetest.NoticeToken)...)
	if err := json.Unmarshal(r.Body(), &d); err != nil || r.StatusCode() != 200 || d.From != 1 || d.To != 2 {
		t.Fatalf("diff: %d %v %s", r.StatusCode(), err, r.Body())
	}
	lines := strings.Split(string(configs.Content), "\n")
	n := slices.Index(lines, "    lines: [us-988, us-veterans-crisis-line, us-crisis-text-line]") + 1
	var changed []edgetest.DiffRow
	for _, row := range d.Rows {
		if row.Op != "same" && row.Op != "skip" {
			changed = append(changed, row)
		}
	}
	want := []edgetest.DiffRow{{Op: "change", Left: "    lines: [us-988, us-veterans-crisis-line, us-crisis-text-line]",
		Right: "    lines: [us-988, us-crisis-text-line]", LeftLine: n, RightLine: n}}
	if n == 0 || !slices.Equal(changed, want) {
		t.Errorf("changed rows %+v, want %+v", changed, want)
	}
	// Context around the change, the rest collapsed; the raw JSON of a skip row is just that.
	if len(d.Rows) != 9 || d.Rows[0].Op != "skip" || d.Rows[0].Count != n-4 || d.Rows[8].Op != "skip" {
		t.Errorf("rows %+v", d.Rows)
	}
	if !strings.HasPrefix(string(r.Body()), `{"from":1,"to":2,"rows":[{"op":"skip","count":`) {
		t.Errorf("JSON %.80s", r.Body())
	}
	same := f.Do(t, "GET", "/v1/admin/content/diff?from=2&to=2", nil, alice...)
	if !strings.Contains(string(same.Body()), `"rows":[{"op":"skip","count":`+fmt.Sprint(len(lines)-1)+`}]`) {
		t.Errorf("diff of a version with itself: %s", same.Body())
	}
	for _, q := range []string{"from=1", "to=2", "from=x&to=2", "from=0&to=2", "from=1&to=-2", "from=1&to=2.5"} {
		r := f.Do(t, "GET", "/v1/admin/content/diff?"+q, nil, alice...)
		if code, field := edgetest.JSONError(t, r); r.StatusCode() != 400 || code != "invalid_parameter" || (field != "from" && field != "to") {
			t.Errorf("%s: %d %s %q", q, r.StatusCode(), code, field)
		}
	}
	if r := f.Do(t, "GET", "/v1/admin/content/diff?from=1&to=99", nil, alice...); r.StatusCode() != 404 {
		t.Errorf("unknown version: %d", r.StatusCode())
	}
	if r := f.Do(t, "GET", "/v1/admin/content/diff?from=1&to=2", nil, edgetest.Bearer(edgetest.FeedbackToken)...); r.StatusCode() != 403 {
		t.Errorf("feedback token: %d", r.StatusCode())
	}
}

// TestConsolePreview: a draft is served as published content would be, on its own routes, and
// nothing a visitor of the preview does is kept.
func TestConsolePreview(t *testing.T) {
	f := edgetest.StartConsole(t)
	draft := bytes.Replace(configs.Content, []byte("you can call or text 988 at any time."), []byte("you can call or text 988, day or night."), 1)
	draft = bytes.Replace(draft, []byte(`name: "Signpost demo"`), []byte(`name: "Demo <b>draft</b>"`), 1)
	if bytes.Equal(draft, configs.Content) {
		t.Fatal("the shipped CA message changed: update this test")
	}
	// A notice token may not have a whole draft served: that is the content scope's.
	r := f.Do(t, "POST", "/v1/admin/preview", draft, edgetest.With(edgetest.Bearer(edgetest.NoticeToken), "Content-Type", "application/yaml")...)
	if code, field := edgetest.JSONError(t, r); r.StatusCode() != 403 || code != "missing_scope" || field != "scope" {
		t.Errorf("POST preview with a notice token: %d %s", r.StatusCode(), r.Body())
	}
	r = f.Do(t, "POST", "/v1/admin/preview", draft, edgetest.With(edgetest.Bearer(edgetest.AliceToken), "Content-Type", "application/yaml")...)
	var p struct{ Preview string }
	if err := json.Unmarshal(r.Body(), &p); err != nil || r.StatusCode() != 200 || !edgetest.PreviewID.MatchString(p.Preview) {
		t.Fatalf("POST preview: %d %s", r.StatusCode(), r.Body())
	}
	base := "/v1/preview/" + p.Preview

	w := f.Do(t, "GET", base+"/widget.js", nil, "Accept-Encoding", "gzip")
	js := string(edgetest.Decode(t, w))
	if w.StatusCode() != 200 || !strings.Contains(js, "day or night") || !strings.Contains(js, `"`+base+`"`) || edgetest.Header(w, "Cache-Control") != "no-store" {
		t.Errorf("preview widget: %d, draft text %v, api %v, Cache-Control %q", w.StatusCode(), strings.Contains(js, "day or night"),
			strings.Contains(js, `"`+base+`"`), edgetest.Header(w, "Cache-Control"))
	}
	if real := string(edgetest.Decode(t, f.Do(t, "GET", "/v1/widget.js", nil))); strings.Contains(real, "day or night") || !strings.Contains(real, `"/v1"`) {
		t.Error("the published widget changed, or lost its API prefix")
	}
	if msg, _ := edgetest.BannerMessage(t, f, base+"/snippets/demo/banner"); !strings.Contains(msg, "day or night") {
		t.Errorf("preview snippet: %q", msg)
	}
	s, _ := edgetest.GetSnippet(t, f, base+"/snippets/demo?locale=fr&region=CA-QC")
	if s.Version != "draft" || s.Region != "CA-QC" || s.Locale != "fr" || s.Resources == nil {
		t.Errorf("preview snippet: %+v", s)
	}
	if msg, _ := edgetest.BannerMessage(t, f, "/v1/snippets/demo/banner"); strings.Contains(msg, "day or night") {
		t.Error("the draft reached the published snippets")
	}
	for uri, status := range map[string]int{base + "/snippets/nobody": 404, base + "/snippets/demo/nothing": 404, base + "/snippets/demo?region=C": 400} {
		if r := f.Do(t, "GET", uri, nil); r.StatusCode() != status {
			t.Errorf("%s: %d, want %d", uri, r.StatusCode(), status)
		}
	}

	page := f.Do(t, "GET", "/admin/preview/"+p.Preview+"?partner=demo&locale=fr&region=CA-QC&components=feedback&lang=fr", nil)
	html := string(page.Body())
	csp := edgetest.Header(page, "Content-Security-Policy")
	for _, want := range []string{`<script async src="` + base + `/widget.js"`, `data-partner="demo"`, `data-locale="fr"`, `data-region="CA-QC"`,
		`data-components="banner,feedback"`, `<div data-signpost="banner"></div>`, `<div data-signpost="feedback"></div>`,
		`Demo &lt;b&gt;draft&lt;/b&gt;`, `<html lang="fr">`, "Aperçu du brouillon"} {
		if !strings.Contains(html, want) {
			t.Errorf("preview page lacks %s:\n%s", want, html)
		}
	}
	if page.StatusCode() != 200 || !strings.Contains(csp, "frame-ancestors 'self'") || !strings.Contains(csp, "script-src 'self'") ||
		strings.Contains(csp, "unsafe-inline") || strings.Contains(html, "<b>") || strings.Contains(html, "style=") {
		t.Errorf("preview page: %d CSP %q", page.StatusCode(), csp)
	}
	if xfo := edgetest.Header(page, "X-Frame-Options"); xfo != "" {
		t.Errorf("X-Frame-Options %q: the edge sets none elsewhere; frame-ancestors says it", xfo)
	}
	// Values that are not valid are left out of the tag, never echoed as markup.
	odd := string(f.Do(t, "GET", "/admin/preview/"+p.Preview+"?partner=%3Cscript%3E&region=%22%3E%3Cx&locale=xx", nil).Body())
	if strings.Contains(odd, "<script>") || strings.Contains(odd, "<x") || strings.Contains(odd, "data-region") || !strings.Contains(odd, `data-partner="demo"`) {
		t.Errorf("odd query:\n%s", odd)
	}

	// Feedback and beacons: answered like the real routes, kept nowhere.
	fb := f.Do(t, "POST", base+"/feedback", []byte(`{"partner":"demo","page":"/x","found":false,"comment":"I want to kill myself"}`), "Content-Type", "text/plain;charset=UTF-8")
	if fb.StatusCode() != 202 || string(fb.Body()) != `{"id":"preview","crisis":true}` {
		t.Errorf("preview feedback: %d %s", fb.StatusCode(), fb.Body())
	}
	if fb := f.Do(t, "POST", base+"/feedback", []byte(`{"partner":"demo","page":"/x","found":true,"comment":"fine"}`), "Content-Type", "application/json"); string(fb.Body()) != `{"id":"preview","crisis":false}` {
		t.Errorf("calm preview feedback: %s", fb.Body())
	}
	if fb := f.Do(t, "POST", base+"/feedback", []byte(`{"partner":"nobody","found":true}`), "Content-Type", "application/json"); fb.StatusCode() != 400 {
		t.Errorf("preview feedback for an unknown partner: %d", fb.StatusCode())
	}
	if b := f.Do(t, "POST", base+"/beacon", []byte(`{"partner":"demo","region":"CA","event":"shown"}`), "Content-Type", "text/plain"); b.StatusCode() != 204 {
		t.Errorf("preview beacon: %d", b.StatusCode())
	}
	n := 0
	if err := f.Store.Records(context.Background(), feedback.Filter{}, func(*feedback.Record) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("preview feedback stored: %d records (%v)", n, err)
	}
	if rows, err := f.Config.Usage.Rows(context.Background(), usage.Query{}); err != nil || len(rows) != 0 {
		t.Errorf("preview beacon counted: %+v %v", rows, err)
	}

	// Unknown ids: 404 on every route.
	for _, tc := range [][2]string{{"GET", "/admin/preview/0123456789abcdef0123456789abcdef"}, {"GET", "/v1/preview/0123456789abcdef0123456789abcdef/widget.js"},
		{"GET", "/v1/preview/nope/snippets/demo"}, {"POST", "/v1/preview/0123456789abcdef0123456789abcdef/feedback"}, {"POST", "/v1/preview/x/beacon"}} {
		r := f.Do(t, tc[0], tc[1], []byte(`{}`), "Content-Type", "application/json")
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 404 || code != "not_found" {
			t.Errorf("%s %s: %d %s", tc[0], tc[1], r.StatusCode(), code)
		}
	}

	// An invalid draft is refused with its fields; a feedback token may not make previews.
	bad := bytes.Replace(configs.Content, []byte(`verified_on: "2026-11-01"`), []byte(`verified_on: "soon"`), 1)
	r = f.Do(t, "POST", "/v1/admin/preview", bad, edgetest.With(edgetest.Bearer(edgetest.AliceToken), "Content-Type", "application/yaml")...)
	if code, field := edgetest.JSONError(t, r); r.StatusCode() != 422 || code != "invalid_content" || !strings.HasSuffix(field, ".verified_on") {
		t.Errorf("invalid draft: %d %s %q", r.StatusCode(), code, field)
	}
	if r := f.Do(t, "POST", "/v1/admin/preview", draft, edgetest.With(edgetest.Bearer(edgetest.FeedbackToken), "Content-Type", "application/yaml")...); r.StatusCode() != 403 {
		t.Errorf("feedback token: %d", r.StatusCode())
	}
	if r := f.Do(t, "POST", "/v1/admin/preview", draft, edgetest.Bearer(edgetest.AliceToken)...); r.StatusCode() != 415 {
		t.Errorf("form-encoded draft: %d, want 415", r.StatusCode())
	}
	if _, v := edgetest.Current(t, f.Content); v != 1 {
		t.Errorf("previews published: v%d", v)
	}
}

// TestConsolePreviewLifetime: previews last 15 minutes, and only an operator's newest 16 are
// kept; another operator's burst of previews evicts none of theirs.
func TestConsolePreviewLifetime(t *testing.T) {
	f := edgetest.StartConsole(t)
	createAs := func(token string) string {
		t.Helper()
		r := f.Do(t, "POST", "/v1/admin/preview", configs.Content, edgetest.With(edgetest.Bearer(token), "Content-Type", "application/yaml")...)
		var p struct{ Preview string }
		if err := json.Unmarshal(r.Body(), &p); err != nil || r.StatusCode() != 200 {
			t.Fatalf("POST preview: %d %s", r.StatusCode(), r.Body())
		}
		return p.Preview
	}
	create := func() string { t.Helper(); return createAs(edgetest.AliceToken) }
	status := func(id string) int {
		return f.Do(t, "GET", "/v1/preview/"+id+"/snippets/demo/banner", nil).StatusCode()
	}
	first := create()
	f.Advance(preview.TTL - time.Second)
	if s := status(first); s != 200 {
		t.Errorf("a preview 14:59 old: %d", s)
	}
	second := create() // made at 14:59
	f.Advance(time.Second)
	if s := status(first); s != 404 {
		t.Errorf("a preview 15:00 old: %d, want 404", s)
	}
	if s := status(second); s != 200 {
		t.Errorf("a preview 1 s old: %d", s)
	}
	// Another operator's, made before alice's burst: nora's notice token previews a notice.
	exp := edgetest.Now.Add(preview.TTL + time.Hour).UTC().Format(time.RFC3339)
	d := f.DryRun(t, "PUT", "/v1/admin/notice?dry_run=1", []byte(`{"id":"storm","message":{"en":"Line down"},"expires_at":"`+exp+`"}`), edgetest.Bearer(edgetest.NoticeToken)...)
	nora := d.Preview
	ids := []string{second}
	for len(ids) < preview.MaxPerOperator {
		ids = append(ids, create())
	}
	if s := status(second); s != 200 {
		t.Errorf("the oldest of an operator's %d previews: %d", preview.MaxPerOperator, s)
	}
	ids = append(ids, create())
	if s := status(ids[0]); s != 404 {
		t.Errorf("an operator's oldest preview beyond %d: %d, want 404 (evicted)", preview.MaxPerOperator, s)
	}
	for _, id := range []string{ids[1], ids[len(ids)-1]} {
		if s := status(id); s != 200 {
			t.Errorf("preview %s: %d", id, s)
		}
	}
	for range 3 * preview.Max {
		create()
	}
	if s := status(nora); s != 200 {
		t.Errorf("alice's %d previews evicted nora's: %d", 3*preview.Max, s)
	}
}

// TestConsoleWhoami: the token's name and scopes, its partners (null: every partner), and the
// deployment's warnings (none here); no CSRF token, which only a person's session has.
func TestConsoleWhoami(t *testing.T) {
	f := edgetest.StartConsole(t)
	for token, want := range map[string]string{
		edgetest.AliceToken:    `{"name":"alice","scopes":["content","notice","feedback:read","followups:export","feedback:write"],"partners":null,"warnings":[]}`,
		edgetest.NoticeToken:   `{"name":"nora","scopes":["notice"],"partners":null,"warnings":[]}`,
		edgetest.FeedbackToken: `{"name":"fran","scopes":["feedback:read"],"partners":null,"warnings":[]}`,
	} {
		r := f.Do(t, "GET", "/v1/admin/whoami", nil, edgetest.Bearer(token)...)
		if r.StatusCode() != 200 || string(r.Body()) != want || edgetest.Header(r, "Cache-Control") != "no-store" {
			t.Errorf("whoami: %d %s, want %s", r.StatusCode(), r.Body(), want)
		}
	}
	for _, h := range [][]string{nil, edgetest.Bearer("wrong-token-0123456789")} {
		r := f.Do(t, "GET", "/v1/admin/whoami", nil, h...)
		if r.StatusCode() != 401 && r.StatusCode() != 403 {
			t.Errorf("whoami %v: %d", h, r.StatusCode())
		}
	}
}
