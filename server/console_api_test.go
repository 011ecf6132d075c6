package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/preview"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
)

// Tokens of the console API tests: alice has every scope (contentEdge's), nora only notices,
// fran only feedback.
const (
	capiNoticeToken   = "nora-notice-token-0123456789"
	capiFeedbackToken = "fran-feedback-token-01234567"
)

// capiFixture is an edge with a real file content store and feedback log, operators of
// several scopes, and a clock the test moves.
type capiFixture struct {
	*edge
	store contentstore.Store
	fb    *logstore.Store
	// offset is added to testNow by the server's clock.
	offset atomic.Int64
}

func capiEdge(t *testing.T) *capiFixture {
	t.Helper()
	storeNow := func() time.Time { return testNow }
	st, err := fsstore.Open(t.TempDir(), configs.Content, ValidateContent(storeNow), storeNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fb, err := logstore.Open(t.TempDir(), logstore.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fb.Close() })
	f := &capiFixture{store: st, fb: fb}
	f.edge = startEdge(t, shipped(t), Config{ContentStore: st, Feedback: fb,
		Now: func() time.Time { return testNow.Add(time.Duration(f.offset.Load())) },
		Operators: []auth.Operator{{Name: "alice", Token: aliceToken},
			{Name: "nora", Token: capiNoticeToken, Scopes: []string{auth.ScopeNotice}},
			{Name: "fran", Token: capiFeedbackToken, Scopes: []string{auth.ScopeFeedbackRead}}}})
	if err := f.srv.ApplyCurrent(context.Background()); err != nil {
		t.Fatal(err)
	}
	return f
}

// capiRow is a diff row as the API sends it.
type capiRow struct {
	Op        string `json:"op"`
	Left      string `json:"left"`
	Right     string `json:"right"`
	LeftLine  int    `json:"left_line"`
	RightLine int    `json:"right_line"`
	Count     int    `json:"count"`
}

type capiDryRun struct {
	BaseVersion int64 `json:"base_version"`
	Diff        struct {
		Rows []capiRow `json:"rows"`
	} `json:"diff"`
	Preview string `json:"preview"`
}

var previewID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// changes returns the diff's rows other than same and skip, as "op:left|right" (trimmed).
func changes(rows []capiRow) []string {
	var out []string
	for _, r := range rows {
		if r.Op != "same" && r.Op != "skip" {
			out = append(out, r.Op+":"+strings.TrimSpace(r.Left)+"|"+strings.TrimSpace(r.Right))
		}
	}
	return out
}

func (f *capiFixture) dryRun(t *testing.T, method, uri string, body []byte, headers ...string) capiDryRun {
	t.Helper()
	r := f.do(t, method, uri, body, headers...)
	var d capiDryRun
	if r.StatusCode() != 200 {
		t.Fatalf("%s %s: %d %s", method, uri, r.StatusCode(), r.Body())
	}
	if err := json.Unmarshal(r.Body(), &d); err != nil || !previewID.MatchString(d.Preview) {
		t.Fatalf("%s %s: %v %s", method, uri, err, r.Body())
	}
	return d
}

// audited counts the audit log's entries.
func (f *capiFixture) audited(t *testing.T) int {
	t.Helper()
	es, err := f.store.AuditLog(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

func (f *capiFixture) current(t *testing.T) ([]byte, int64) {
	t.Helper()
	src, v, err := f.store.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return src, v.Number
}

// TestConsoleDryRunPublishesNothing: every content edit takes ?dry_run=1 and answers the diff
// from the current version and a preview of the result, leaving the store, the audit log and
// what visitors get as they were.
func TestConsoleDryRunPublishesNothing(t *testing.T) {
	f := capiEdge(t)
	alice, nora := bearer(aliceToken), bearer(capiNoticeToken)
	before, _ := f.current(t)
	exp := testNow.Add(time.Hour).Format(time.RFC3339)
	line := `{"name":{"en":"Test line"},"country":"CA","call":"1-800-555-0100","hours":{"en":"9 to 5"},"source":"https://example.org/l","verified_on":"2026-11-02"}`
	for _, tc := range []struct {
		method, uri string
		body        string
		headers     []string
		want        []string // the diff's changed rows
	}{
		{"PUT", "/v1/admin/partners/mhcc/featured?dry_run=1", `{"featured":["stepped-care-2-0"]}`, alice, nil},
		{"PUT", "/v1/admin/resources/stepped-care-2-0?dry_run=true", `{"type":"page","title":{"en":"Stepped care"},"summary":{"en":"S"},"url":{"en":"https://example.org/s"}}`, alice, nil},
		{"DELETE", "/v1/admin/resources/emh-access-gap?dry_run=1", ``, with(alice, "If-Match", `"v1"`), nil},
		{"PUT", "/v1/admin/notice?dry_run=1", `{"id":"storm","message":{"en":"Line down"},"expires_at":"` + exp + `"}`, nora, nil},
		{"DELETE", "/v1/admin/notice?dry_run=1", ``, nora, nil},
		{"PUT", "/v1/admin/lines/ca-test?dry_run=1", line, alice, nil},
		{"PUT", "/v1/admin/regions/CA/lines?dry_run=1", `{"lines":["ca-kids-help-phone","ca-988"]}`, alice,
			[]string{"change:lines: [ca-988, ca-kids-help-phone, ca-hope-for-wellness]|lines: [ca-kids-help-phone, ca-988]"}},
		{"PUT", "/v1/admin/content?dry_run=1", strings.Replace(string(configs.Content), `name: "Signpost demo"`, `name: "Signpost demo (draft)"`, 1),
			with(alice, "If-Match", `"v1"`, "Content-Type", "application/yaml"),
			[]string{`change:name: "Signpost demo"|name: "Signpost demo (draft)"`}},
	} {
		if strings.Contains(tc.uri, "/resources/emh-access-gap") {
			// mhcc features it: the dry run says the result would be invalid, as the delete would.
			r := f.do(t, tc.method, tc.uri, nil, tc.headers...)
			if code, field := jsonError(t, r); r.StatusCode() != 422 || code != "invalid_content" || !strings.HasPrefix(field, "partners.mhcc.featured[") {
				t.Errorf("dry-run delete of a featured resource: %d %s %s", r.StatusCode(), code, field)
			}
			continue
		}
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		d := f.dryRun(t, tc.method, tc.uri, body, tc.headers...)
		if d.BaseVersion != 1 {
			t.Errorf("%s %s: base_version %d", tc.method, tc.uri, d.BaseVersion)
		}
		got := changes(d.Diff.Rows)
		if tc.want != nil && !slices.Equal(got, tc.want) {
			t.Errorf("%s %s: changes %q, want %q", tc.method, tc.uri, got, tc.want)
		}
		if len(got) == 0 && tc.method != "DELETE" {
			t.Errorf("%s %s: empty diff", tc.method, tc.uri)
		}
		if len(d.Diff.Rows) == 0 || d.Diff.Rows[0].Op != "skip" {
			t.Errorf("%s %s: the unchanged head of the document is not collapsed: %+v", tc.method, tc.uri, d.Diff.Rows[:1])
		}
	}
	// The notice draft shows in its preview's snippets, and nowhere else.
	d := f.dryRun(t, "PUT", "/v1/admin/notice?dry_run=1", []byte(`{"id":"storm","message":{"en":"Line down"},"expires_at":"`+exp+`"}`), nora...)
	if _, n := bannerMessage(t, f.edge, "/v1/preview/"+d.Preview+"/snippets/demo"); n != "Line down" {
		t.Errorf("preview of the notice: %q", n)
	}
	if _, n := bannerMessage(t, f.edge, "/v1/snippets/demo"); n != "" {
		t.Errorf("a dry run reached visitors: notice %q", n)
	}
	after, v := f.current(t)
	if v != 1 || !bytes.Equal(before, after) {
		t.Errorf("dry runs published: now v%d", v)
	}
	if n := f.audited(t); n != 0 {
		t.Errorf("dry runs audited: %d entries", n)
	}
	if r := f.do(t, "PUT", "/v1/admin/notice?dry_run=yes", []byte(`{"message":{"en":"x"},"expires_at":"`+exp+`"}`), nora...); r.StatusCode() != 400 {
		t.Errorf("dry_run=yes: %d, want 400 (never taken as a real write)", r.StatusCode())
	} else if _, field := jsonError(t, r); field != "dry_run" {
		t.Errorf("dry_run=yes: field %q", field)
	}
	if _, v := f.current(t); v != 1 {
		t.Errorf("a refused dry run published: v%d", v)
	}
}

// TestConsoleDryRunErrors: a dry run fails as the real write would: 422 naming the fields,
// 412 when stale, 428 without If-Match on the whole bundle, 403 without the scope.
func TestConsoleDryRunErrors(t *testing.T) {
	f := capiEdge(t)
	alice, nora := bearer(aliceToken), bearer(capiNoticeToken)

	for _, tc := range []struct {
		uri, body, field string
	}{
		{"/v1/admin/partners/mhcc/featured?dry_run=1", `{"featured":["nope"]}`, "partners.mhcc.featured[0]"},
		{"/v1/admin/lines/ca-988?dry_run=1", `{"name":{"en":"988"},"country":"CA","call":"988","hours":{"en":"24/7"},"source":"https://example.org","verified_on":"22/11/2026"}`, "lines.ca-988.verified_on"},
		{"/v1/admin/regions/CA/lines?dry_run=1", `{"lines":["ca-988","us-988"]}`, "regions.CA.lines[1]"},
	} {
		dry := f.do(t, "PUT", tc.uri, []byte(tc.body), alice...)
		real := f.do(t, "PUT", strings.TrimSuffix(tc.uri, "?dry_run=1"), []byte(tc.body), alice...)
		code, field := jsonError(t, dry)
		if dry.StatusCode() != 422 || code != "invalid_content" || field != tc.field {
			t.Errorf("%s: %d %s %q, want 422 invalid_content %q", tc.uri, dry.StatusCode(), code, field, tc.field)
		}
		if !bytes.Equal(dry.Body(), real.Body()) || real.StatusCode() != 422 {
			t.Errorf("%s: the dry run's error differs from the real write's:\n%s\n%s", tc.uri, dry.Body(), real.Body())
		}
	}
	if r := f.do(t, "PUT", "/v1/admin/regions/AQ/lines?dry_run=1", []byte(`{"lines":[]}`), alice...); r.StatusCode() != 404 {
		t.Errorf("unknown region: %d", r.StatusCode())
	}

	// Someone publishes v2: a dry run against v1 is stale.
	exp := testNow.Add(time.Hour).Format(time.RFC3339)
	notice := []byte(`{"id":"storm","message":{"en":"Line down"},"expires_at":"` + exp + `"}`)
	if r := f.do(t, "PUT", "/v1/admin/notice", notice, with(nora, "If-Match", `"v1"`)...); r.StatusCode() != 200 {
		t.Fatalf("publish: %d %s", r.StatusCode(), r.Body())
	}
	stale := f.do(t, "PUT", "/v1/admin/notice?dry_run=1", notice, with(nora, "If-Match", `"v1"`)...)
	if code, _ := jsonError(t, stale); stale.StatusCode() != 412 || code != "version_conflict" || !strings.Contains(string(stale.Body()), "now v2 by nora") {
		t.Errorf("stale dry run: %d %s", stale.StatusCode(), stale.Body())
	}
	if d := f.dryRun(t, "PUT", "/v1/admin/notice?dry_run=1", notice, with(nora, "If-Match", `"v2"`)...); d.BaseVersion != 2 || len(changes(d.Diff.Rows)) != 0 {
		t.Errorf("dry run of what is already current: base %d, changes %q", d.BaseVersion, changes(d.Diff.Rows))
	}
	if r := f.do(t, "PUT", "/v1/admin/content?dry_run=1", configs.Content, with(alice, "Content-Type", "application/yaml")...); r.StatusCode() != 428 {
		t.Errorf("whole-bundle dry run without If-Match: %d, want 428", r.StatusCode())
	}
	bad := f.do(t, "PUT", "/v1/admin/content?dry_run=1", []byte("bogus: 1\n"), with(alice, "If-Match", `"v2"`, "Content-Type", "application/yaml")...)
	if code, field := jsonError(t, bad); bad.StatusCode() != 422 || code != "invalid_content" || field != "content" {
		t.Errorf("invalid bundle dry run: %d %s %s", bad.StatusCode(), code, field)
	}

	// Scopes: a notice token may dry-run notices, not lines; a feedback token nothing.
	if r := f.do(t, "PUT", "/v1/admin/lines/ca-988?dry_run=1", []byte(`{}`), nora...); r.StatusCode() != 403 {
		t.Errorf("notice token on lines: %d", r.StatusCode())
	} else if code, _ := jsonError(t, r); code != "missing_scope" {
		t.Errorf("notice token on lines: %s", code)
	}
	if r := f.do(t, "PUT", "/v1/admin/notice?dry_run=1", notice, bearer(capiFeedbackToken)...); r.StatusCode() != 403 {
		t.Errorf("feedback token dry-running a notice: %d", r.StatusCode())
	}
	if _, v := f.current(t); v != 2 {
		t.Errorf("version %d after one publish", v)
	}
	if n := f.audited(t); n != 1 {
		t.Errorf("%d audit entries after one publish", n)
	}
}

// TestConsolePutLineWithMessages: a line's number that banner sentences name cannot change alone
// (the banners would name a number no line has); sent with those regions' new sentences it is
// one version, served at once, and the YAML keeps its comments.
func TestConsolePutLineWithMessages(t *testing.T) {
	f := capiEdge(t)
	alice := bearer(aliceToken)
	line := `{"name":{"en":"Test helpline"},"country":"CA","call":"1-800-555-0100","text":"555010","hours":{"en":"24/7"},` +
		`"source":"https://example.org/l","verified_on":"2026-11-02"`
	r := f.do(t, "PUT", "/v1/admin/lines/ca-988?dry_run=1", []byte(line+`}`), alice...)
	var e struct {
		Error struct{ Errors []snippets.Problem } `json:"error"`
	}
	if err := json.Unmarshal(r.Body(), &e); err != nil || r.StatusCode() != 422 {
		t.Fatalf("number changed alone: %d %s", r.StatusCode(), r.Body())
	}
	var paths []string
	for _, p := range e.Error.Errors {
		paths = append(paths, p.Path)
	}
	if want := []string{"regions.CA.message.en", "regions.CA.message.fr", "regions.CA-QC.message.en", "regions.CA-QC.message.fr"}; !slices.Equal(paths, want) {
		t.Errorf("422 paths %q, want %q", paths, want)
	}
	msgs := `"region_messages":{"CA":{"en":"Call 1-800-555-0100 or text 555010. In an emergency, call 9-1-1.","fr":"Appelez le 1-800-555-0100 ou textez le 555010. En cas d'urgence, composez le 9-1-1."},` +
		`"CA-QC":{"en":"Call 1-866-277-3553 or 1-800-555-0100. In an emergency, call 9-1-1."}}`
	// Every sentence right but one, which names a number of no line of CA: that one is named.
	r = f.do(t, "PUT", "/v1/admin/lines/ca-988", []byte(line+`,"region_messages":{"CA":{"en":"Call 1-800-555-0100 or 555-0199.","fr":"Appelez le 1-800-555-0100."},`+
		`"CA-QC":{"en":"Call 1-800-555-0100."}}}`), alice...)
	if err := json.Unmarshal(r.Body(), &e); err != nil || r.StatusCode() != 422 || len(e.Error.Errors) != 1 ||
		e.Error.Errors[0].Path != "regions.CA.message.en" || !strings.Contains(e.Error.Errors[0].Message, `"555-0199"`) {
		t.Errorf("a sentence naming another number: %d %s", r.StatusCode(), r.Body())
	}
	for _, code := range []string{"ZZ", "ca", "CA regions.US.message"} {
		body, _ := json.Marshal(map[string]any{"region_messages": map[string]any{code: map[string]string{"en": "Hello."}}})
		r := f.do(t, "PUT", "/v1/admin/lines/ca-988", append([]byte(line+`,`), body[1:]...), alice...)
		if c, field := jsonError(t, r); r.StatusCode() != 422 || c != "invalid_content" || field != "region_messages."+code {
			t.Errorf("a sentence for region %q, which has no entry: %d %s", code, r.StatusCode(), r.Body())
		}
	}
	if _, v := f.current(t); v != 1 {
		t.Fatalf("refused edits published: v%d", v)
	}
	put := f.do(t, "PUT", "/v1/admin/lines/ca-988", []byte(line+`,`+msgs+`}`), with(alice, "If-Match", `"v1"`)...)
	if put.StatusCode() != 200 || header(put, "ETag") != `"v2"` {
		t.Fatalf("number and sentences together: %d %s", put.StatusCode(), put.Body())
	}
	s, _ := getSnippet(t, f.edge, "/v1/snippets/demo/banner?region=CA&locale=fr")
	if s.Banner.Message != "Appelez le 1-800-555-0100 ou textez le 555010. En cas d'urgence, composez le 9-1-1." || s.Banner.Lines[0].Call != "1-800-555-0100" {
		t.Errorf("CA banner after the edit: %q %+v", s.Banner.Message, s.Banner.Lines[0])
	}
	if s, _ := getSnippet(t, f.edge, "/v1/snippets/demo/banner?region=CA-QC&locale=fr"); s.Banner.Message != "Call 1-866-277-3553 or 1-800-555-0100. In an emergency, call 9-1-1." {
		t.Errorf("CA-QC banner (no French sentence: the English one): %q", s.Banner.Message)
	}
	src, _ := f.current(t)
	if !strings.Contains(string(src), "# Québec lists every line itself") {
		t.Error("a comment near the regions was lost")
	}
	es, err := f.store.AuditLog(context.Background(), 0)
	if err != nil || len(es) != 1 || es[0].Target != "lines.ca-988 regions.CA.message regions.CA-QC.message" {
		t.Errorf("audit: %+v %v", es, err)
	}
}

// TestConsolePutRegionLinesWithMessage: a line taken out of a region whose sentence names its
// number is refused alone, and published with the new sentence in one version.
func TestConsolePutRegionLinesWithMessage(t *testing.T) {
	f := capiEdge(t)
	alice := bearer(aliceToken)
	if r := f.do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(`{"lines":["ca-kids-help-phone"]}`), alice...); r.StatusCode() != 422 {
		t.Errorf("988 taken out, the sentence naming it kept: %d %s", r.StatusCode(), r.Body())
	}
	body := `{"lines":["ca-kids-help-phone"],"message":{"en":"Call 1-800-668-6868 at any time. In an emergency, call 9-1-1."}}`
	r := f.do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(body), with(alice, "If-Match", `"v1"`)...)
	if r.StatusCode() != 200 || header(r, "ETag") != `"v2"` {
		t.Fatalf("list and sentence together: %d %s", r.StatusCode(), r.Body())
	}
	s, _ := getSnippet(t, f.edge, "/v1/snippets/demo/banner?region=CA&locale=fr")
	if ids := lineIDs(s.Banner); !slices.Equal(ids, []string{"ca-kids-help-phone"}) || s.Banner.Message != "Call 1-800-668-6868 at any time. In an emergency, call 9-1-1." {
		t.Errorf("CA banner: %v %q", ids, s.Banner.Message)
	}
	es, err := f.store.AuditLog(context.Background(), 0)
	if err != nil || len(es) != 1 || es[0].Action != "region.lines" || es[0].Target != "regions.CA regions.CA.message" {
		t.Errorf("audit: %+v %v", es, err)
	}
	if r := f.do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(`{"lines":null,"message":{"en":"x"}}`), alice...); r.StatusCode() != 400 {
		t.Errorf("a sentence without the list: %d %s", r.StatusCode(), r.Body())
	}
}

// TestConsolePutLines: lines are created and replaced, regions list them, the operators'
// comments stay, every change is audited with its note.
func TestConsolePutLines(t *testing.T) {
	f := capiEdge(t)
	alice := bearer(aliceToken)
	line := `{"name":{"en":"Test line","fr":"Ligne d'essai"},"country":"CA","call":"1-800-555-0100","hours":{"en":"9 to 5"},` +
		`"languages":["en","fr"],"source":"https://example.org/l","verified_on":"2026-11-02"}`
	put := f.do(t, "PUT", "/v1/admin/lines/ca-test", []byte(line), with(alice, "X-Signpost-Note", "new test line")...)
	if put.StatusCode() != 200 || header(put, "ETag") != `"v2"` {
		t.Fatalf("create: %d %s", put.StatusCode(), put.Body())
	}
	reg := f.do(t, "PUT", "/v1/admin/regions/CA/lines", []byte(`{"lines":["ca-test","ca-988"]}`), with(alice, "If-Match", `"v2"`)...)
	if reg.StatusCode() != 200 || header(reg, "ETag") != `"v3"` {
		t.Fatalf("region lines: %d %s", reg.StatusCode(), reg.Body())
	}
	s, _ := getSnippet(t, f.edge, "/v1/snippets/demo/banner?region=CA&locale=fr")
	if ids := lineIDs(s.Banner); !slices.Equal(ids, []string{"ca-test", "ca-988"}) || s.Banner.Lines[0].Name != "Ligne d'essai" {
		t.Errorf("CA banner after the edits: %v %+v", ids, s.Banner.Lines)
	}
	// Replace: the same id, new facts.
	replaced := strings.Replace(line, "1-800-555-0100", "1-800-555-0199", 1)
	if r := f.do(t, "PUT", "/v1/admin/lines/ca-test", []byte(replaced), with(alice, "If-Match", `"v3"`)...); r.StatusCode() != 200 {
		t.Fatalf("replace: %d %s", r.StatusCode(), r.Body())
	}
	src, v := f.current(t)
	if v != 4 || strings.Count(string(src), "ca-test:") != 1 || !strings.Contains(string(src), `call: "1-800-555-0199"`) {
		t.Errorf("after replace v%d:\n%s", v, src)
	}
	for _, c := range []string{"# Québec lists every line itself", "# NHS 111 is an England service", "# Left out on purpose"} {
		if !strings.Contains(string(src), c) {
			t.Errorf("comment %q lost", c)
		}
	}
	if s, _ := getSnippet(t, f.edge, "/v1/snippets/demo/banner?region=CA"); s.Banner.Lines[0].Call != "1-800-555-0199" {
		t.Errorf("replaced line not served: %+v", s.Banner.Lines[0])
	}

	bad := strings.Replace(line, "2026-11-02", "2026-13-45", 1)
	r := f.do(t, "PUT", "/v1/admin/lines/ca-test", []byte(bad), alice...)
	if code, field := jsonError(t, r); r.StatusCode() != 422 || code != "invalid_content" || field != "lines.ca-test.verified_on" {
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
		r := f.do(t, "PUT", tc.uri, []byte(tc.body), alice...)
		if r.StatusCode() != tc.status {
			t.Errorf("PUT %s %s: %d %s, want %d", tc.uri, tc.body, r.StatusCode(), r.Body(), tc.status)
		}
	}
	if r := f.do(t, "PUT", "/v1/admin/lines/ca-test", []byte(line), with(alice, "If-Match", `"v2"`)...); r.StatusCode() != 412 {
		t.Errorf("stale line edit: %d", r.StatusCode())
	}
	es, err := f.store.AuditLog(context.Background(), 0)
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
	if r := f.do(t, "PUT", "/v1/admin/lines/ca-test", []byte(line), bearer(capiNoticeToken)...); r.StatusCode() != 403 {
		t.Errorf("notice token writing a line: %d", r.StatusCode())
	}
}

// TestConsoleDiff: the diff of two versions, row by row.
func TestConsoleDiff(t *testing.T) {
	f := capiEdge(t)
	alice := bearer(aliceToken)
	if r := f.do(t, "PUT", "/v1/admin/regions/US/lines", []byte(`{"lines":["us-988","us-crisis-text-line"]}`), alice...); r.StatusCode() != 200 {
		t.Fatal(r.StatusCode(), string(r.Body()))
	}
	var d struct {
		From, To int64
		Rows     []capiRow
	}
	r := f.do(t, "GET", "/v1/admin/content/diff?from=1&to=2", nil, bearer(capiNoticeToken)...)
	if err := json.Unmarshal(r.Body(), &d); err != nil || r.StatusCode() != 200 || d.From != 1 || d.To != 2 {
		t.Fatalf("diff: %d %v %s", r.StatusCode(), err, r.Body())
	}
	lines := strings.Split(string(configs.Content), "\n")
	n := slices.Index(lines, "    lines: [us-988, us-veterans-crisis-line, us-crisis-text-line]") + 1
	var changed []capiRow
	for _, row := range d.Rows {
		if row.Op != "same" && row.Op != "skip" {
			changed = append(changed, row)
		}
	}
	want := []capiRow{{Op: "change", Left: "    lines: [us-988, us-veterans-crisis-line, us-crisis-text-line]",
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
	same := f.do(t, "GET", "/v1/admin/content/diff?from=2&to=2", nil, alice...)
	if !strings.Contains(string(same.Body()), `"rows":[{"op":"skip","count":`+fmt.Sprint(len(lines)-1)+`}]`) {
		t.Errorf("diff of a version with itself: %s", same.Body())
	}
	for _, q := range []string{"from=1", "to=2", "from=x&to=2", "from=0&to=2", "from=1&to=-2", "from=1&to=2.5"} {
		r := f.do(t, "GET", "/v1/admin/content/diff?"+q, nil, alice...)
		if code, field := jsonError(t, r); r.StatusCode() != 400 || code != "invalid_parameter" || (field != "from" && field != "to") {
			t.Errorf("%s: %d %s %q", q, r.StatusCode(), code, field)
		}
	}
	if r := f.do(t, "GET", "/v1/admin/content/diff?from=1&to=99", nil, alice...); r.StatusCode() != 404 {
		t.Errorf("unknown version: %d", r.StatusCode())
	}
	if r := f.do(t, "GET", "/v1/admin/content/diff?from=1&to=2", nil, bearer(capiFeedbackToken)...); r.StatusCode() != 403 {
		t.Errorf("feedback token: %d", r.StatusCode())
	}
}

// TestConsolePreview: a draft is served as published content would be, on its own routes, and
// nothing a visitor of the preview does is kept.
func TestConsolePreview(t *testing.T) {
	f := capiEdge(t)
	draft := bytes.Replace(configs.Content, []byte("you can call or text 988 at any time."), []byte("you can call or text 988, day or night."), 1)
	draft = bytes.Replace(draft, []byte(`name: "Signpost demo"`), []byte(`name: "Demo <b>draft</b>"`), 1)
	if bytes.Equal(draft, configs.Content) {
		t.Fatal("the shipped CA message changed: update this test")
	}
	r := f.do(t, "POST", "/v1/admin/preview", draft, with(bearer(capiNoticeToken), "Content-Type", "application/yaml")...)
	var p struct{ Preview string }
	if err := json.Unmarshal(r.Body(), &p); err != nil || r.StatusCode() != 200 || !previewID.MatchString(p.Preview) {
		t.Fatalf("POST preview: %d %s", r.StatusCode(), r.Body())
	}
	base := "/v1/preview/" + p.Preview

	w := f.do(t, "GET", base+"/widget.js", nil, "Accept-Encoding", "gzip")
	js := string(decode(t, w))
	if w.StatusCode() != 200 || !strings.Contains(js, "day or night") || !strings.Contains(js, `"`+base+`"`) || header(w, "Cache-Control") != "no-store" {
		t.Errorf("preview widget: %d, draft text %v, api %v, Cache-Control %q", w.StatusCode(), strings.Contains(js, "day or night"),
			strings.Contains(js, `"`+base+`"`), header(w, "Cache-Control"))
	}
	if real := string(decode(t, f.do(t, "GET", "/v1/widget.js", nil))); strings.Contains(real, "day or night") || !strings.Contains(real, `"/v1"`) {
		t.Error("the published widget changed, or lost its API prefix")
	}
	if msg, _ := bannerMessage(t, f.edge, base+"/snippets/demo/banner"); !strings.Contains(msg, "day or night") {
		t.Errorf("preview snippet: %q", msg)
	}
	s, _ := getSnippet(t, f.edge, base+"/snippets/demo?locale=fr&region=CA-QC")
	if s.Version != "draft" || s.Region != "CA-QC" || s.Locale != "fr" || s.Resources == nil {
		t.Errorf("preview snippet: %+v", s)
	}
	if msg, _ := bannerMessage(t, f.edge, "/v1/snippets/demo/banner"); strings.Contains(msg, "day or night") {
		t.Error("the draft reached the published snippets")
	}
	for uri, status := range map[string]int{base + "/snippets/nobody": 404, base + "/snippets/demo/nothing": 404, base + "/snippets/demo?region=C": 400} {
		if r := f.do(t, "GET", uri, nil); r.StatusCode() != status {
			t.Errorf("%s: %d, want %d", uri, r.StatusCode(), status)
		}
	}

	page := f.do(t, "GET", "/admin/preview/"+p.Preview+"?partner=demo&locale=fr&region=CA-QC&components=feedback&lang=fr", nil)
	html := string(page.Body())
	csp := header(page, "Content-Security-Policy")
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
	if xfo := header(page, "X-Frame-Options"); xfo != "" {
		t.Errorf("X-Frame-Options %q: the edge sets none elsewhere; frame-ancestors says it", xfo)
	}
	// Values that are not valid are left out of the tag, never echoed as markup.
	odd := string(f.do(t, "GET", "/admin/preview/"+p.Preview+"?partner=%3Cscript%3E&region=%22%3E%3Cx&locale=xx", nil).Body())
	if strings.Contains(odd, "<script>") || strings.Contains(odd, "<x") || strings.Contains(odd, "data-region") || !strings.Contains(odd, `data-partner="demo"`) {
		t.Errorf("odd query:\n%s", odd)
	}

	// Feedback and beacons: answered like the real routes, kept nowhere.
	fb := f.do(t, "POST", base+"/feedback", []byte(`{"partner":"demo","page":"/x","found":false,"comment":"I want to kill myself"}`), "Content-Type", "text/plain;charset=UTF-8")
	if fb.StatusCode() != 202 || string(fb.Body()) != `{"id":"preview","crisis":true}` {
		t.Errorf("preview feedback: %d %s", fb.StatusCode(), fb.Body())
	}
	if fb := f.do(t, "POST", base+"/feedback", []byte(`{"partner":"demo","page":"/x","found":true,"comment":"fine"}`), "Content-Type", "application/json"); string(fb.Body()) != `{"id":"preview","crisis":false}` {
		t.Errorf("calm preview feedback: %s", fb.Body())
	}
	if fb := f.do(t, "POST", base+"/feedback", []byte(`{"partner":"nobody","found":true}`), "Content-Type", "application/json"); fb.StatusCode() != 400 {
		t.Errorf("preview feedback for an unknown partner: %d", fb.StatusCode())
	}
	if b := f.do(t, "POST", base+"/beacon", []byte(`{"partner":"demo","region":"CA","event":"shown"}`), "Content-Type", "text/plain"); b.StatusCode() != 204 {
		t.Errorf("preview beacon: %d", b.StatusCode())
	}
	n := 0
	if err := f.fb.Records(context.Background(), feedback.Filter{}, func(*feedback.Record) error { n++; return nil }); err != nil || n != 0 {
		t.Errorf("preview feedback stored: %d records (%v)", n, err)
	}
	if rows, err := f.srv.cfg.Usage.Rows(context.Background(), usage.Query{}); err != nil || len(rows) != 0 {
		t.Errorf("preview beacon counted: %+v %v", rows, err)
	}

	// Unknown ids: 404 on every route.
	for _, tc := range [][2]string{{"GET", "/admin/preview/0123456789abcdef0123456789abcdef"}, {"GET", "/v1/preview/0123456789abcdef0123456789abcdef/widget.js"},
		{"GET", "/v1/preview/nope/snippets/demo"}, {"POST", "/v1/preview/0123456789abcdef0123456789abcdef/feedback"}, {"POST", "/v1/preview/x/beacon"}} {
		r := f.do(t, tc[0], tc[1], []byte(`{}`), "Content-Type", "application/json")
		if code, _ := jsonError(t, r); r.StatusCode() != 404 || code != "not_found" {
			t.Errorf("%s %s: %d %s", tc[0], tc[1], r.StatusCode(), code)
		}
	}

	// An invalid draft is refused with its fields; a feedback token may not make previews.
	bad := bytes.Replace(configs.Content, []byte(`verified_on: "2026-11-01"`), []byte(`verified_on: "soon"`), 1)
	r = f.do(t, "POST", "/v1/admin/preview", bad, with(bearer(aliceToken), "Content-Type", "application/yaml")...)
	if code, field := jsonError(t, r); r.StatusCode() != 422 || code != "invalid_content" || !strings.HasSuffix(field, ".verified_on") {
		t.Errorf("invalid draft: %d %s %q", r.StatusCode(), code, field)
	}
	if r := f.do(t, "POST", "/v1/admin/preview", draft, with(bearer(capiFeedbackToken), "Content-Type", "application/yaml")...); r.StatusCode() != 403 {
		t.Errorf("feedback token: %d", r.StatusCode())
	}
	if r := f.do(t, "POST", "/v1/admin/preview", draft, bearer(aliceToken)...); r.StatusCode() != 415 {
		t.Errorf("form-encoded draft: %d, want 415", r.StatusCode())
	}
	if _, v := f.current(t); v != 1 {
		t.Errorf("previews published: v%d", v)
	}
}

// TestConsolePreviewLifetime: previews last 15 minutes, and only an operator's newest 16 are
// kept; another operator's burst of previews evicts none of theirs.
func TestConsolePreviewLifetime(t *testing.T) {
	f := capiEdge(t)
	createAs := func(token string) string {
		t.Helper()
		r := f.do(t, "POST", "/v1/admin/preview", configs.Content, with(bearer(token), "Content-Type", "application/yaml")...)
		var p struct{ Preview string }
		if err := json.Unmarshal(r.Body(), &p); err != nil || r.StatusCode() != 200 {
			t.Fatalf("POST preview: %d %s", r.StatusCode(), r.Body())
		}
		return p.Preview
	}
	create := func() string { t.Helper(); return createAs(aliceToken) }
	status := func(id string) int {
		return f.do(t, "GET", "/v1/preview/"+id+"/snippets/demo/banner", nil).StatusCode()
	}
	first := create()
	f.offset.Store(int64(preview.TTL - time.Second))
	if s := status(first); s != 200 {
		t.Errorf("a preview 14:59 old: %d", s)
	}
	second := create() // made at 14:59
	f.offset.Store(int64(preview.TTL))
	if s := status(first); s != 404 {
		t.Errorf("a preview 15:00 old: %d, want 404", s)
	}
	if s := status(second); s != 200 {
		t.Errorf("a preview 1 s old: %d", s)
	}
	nora := createAs(capiNoticeToken) // another operator's, made before alice's burst
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

// TestConsoleWhoami: the token's name and scopes.
func TestConsoleWhoami(t *testing.T) {
	f := capiEdge(t)
	for token, want := range map[string]string{
		aliceToken:        `{"name":"alice","scopes":["content","notice","feedback:read","followups:export","feedback:write"]}`,
		capiNoticeToken:   `{"name":"nora","scopes":["notice"]}`,
		capiFeedbackToken: `{"name":"fran","scopes":["feedback:read"]}`,
	} {
		r := f.do(t, "GET", "/v1/admin/whoami", nil, bearer(token)...)
		if r.StatusCode() != 200 || string(r.Body()) != want || header(r, "Cache-Control") != "no-store" {
			t.Errorf("whoami: %d %s, want %s", r.StatusCode(), r.Body(), want)
		}
	}
	for _, h := range [][]string{nil, bearer("wrong-token-0123456789")} {
		r := f.do(t, "GET", "/v1/admin/whoami", nil, h...)
		if r.StatusCode() != 401 && r.StatusCode() != 403 {
			t.Errorf("whoami %v: %d", h, r.StatusCode())
		}
	}
}
