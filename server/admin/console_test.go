package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// TestConsoleDryRunPublishesNothing: every content edit takes ?dry_run=1 and answers the diff
// from the current version and a preview of the result, leaving the store, the audit log and
// what visitors get as they were.
func TestConsoleDryRunPublishesNothing(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice, nora := edgetest.Bearer(edgetest.AliceToken), edgetest.Bearer(edgetest.NoticeToken)
	before, _ := edgetest.Current(t, f.Content)
	exp := edgetest.Now.Add(time.Hour).Format(time.RFC3339)
	line := `{"name":{"en":"Test line"},"country":"CA","call":"1-800-555-0100","hours":{"en":"9 to 5"},"source":"https://example.org/l","verified_on":"2026-11-02"}`
	for _, tc := range []struct {
		method, uri string
		body        string
		headers     []string
		want        []string // the diff's changed rows
	}{
		{"PUT", "/v1/admin/partners/mhcc/featured?dry_run=1", `{"featured":["stepped-care-2-0"]}`, alice, nil},
		{"PUT", "/v1/admin/resources/stepped-care-2-0?dry_run=true", `{"type":"page","title":{"en":"Stepped care"},"summary":{"en":"S"},"url":{"en":"https://example.org/s"}}`, alice, nil},
		{"DELETE", "/v1/admin/resources/emh-access-gap?dry_run=1", ``, edgetest.With(alice, "If-Match", `"v1"`), nil},
		{"PUT", "/v1/admin/notice?dry_run=1", `{"id":"storm","message":{"en":"Line down"},"expires_at":"` + exp + `"}`, nora, nil},
		{"DELETE", "/v1/admin/notice?dry_run=1", ``, nora, nil},
		{"PUT", "/v1/admin/lines/ca-test?dry_run=1", line, alice, nil},
		{"PUT", "/v1/admin/regions/CA/lines?dry_run=1", `{"lines":["ca-kids-help-phone","ca-988"]}`, alice,
			[]string{"change:lines: [ca-988, ca-kids-help-phone, ca-hope-for-wellness]|lines: [ca-kids-help-phone, ca-988]"}},
		{"PUT", "/v1/admin/content?dry_run=1", strings.Replace(string(configs.Content), `name: "Signpost demo"`, `name: "Signpost demo (draft)"`, 1),
			edgetest.With(alice, "If-Match", `"v1"`, "Content-Type", "application/yaml"),
			[]string{`change:name: "Signpost demo"|name: "Signpost demo (draft)"`}},
	} {
		if strings.Contains(tc.uri, "/resources/emh-access-gap") {
			// mhcc features it: the dry run says the result would be invalid, as the delete would.
			r := f.Do(t, tc.method, tc.uri, nil, tc.headers...)
			if code, field := edgetest.JSONError(t, r); r.StatusCode() != 422 || code != "invalid_content" || !strings.HasPrefix(field, "partners.mhcc.featured[") {
				t.Errorf("dry-run delete of a featured resource: %d %s %s", r.StatusCode(), code, field)
			}
			continue
		}
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		d := f.DryRun(t, tc.method, tc.uri, body, tc.headers...)
		if d.BaseVersion != 1 {
			t.Errorf("%s %s: base_version %d", tc.method, tc.uri, d.BaseVersion)
		}
		got := edgetest.Changes(d.Diff.Rows)
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
	d := f.DryRun(t, "PUT", "/v1/admin/notice?dry_run=1", []byte(`{"id":"storm","message":{"en":"Line down"},"expires_at":"`+exp+`"}`), nora...)
	if _, n := edgetest.BannerMessage(t, f, "/v1/preview/"+d.Preview+"/snippets/demo"); n != "Line down" {
		t.Errorf("preview of the notice: %q", n)
	}
	if _, n := edgetest.BannerMessage(t, f, "/v1/snippets/demo"); n != "" {
		t.Errorf("a dry run reached visitors: notice %q", n)
	}
	after, v := edgetest.Current(t, f.Content)
	if v != 1 || !bytes.Equal(before, after) {
		t.Errorf("dry runs published: now v%d", v)
	}
	if n := edgetest.Audited(t, f.Config.AuditLog); n != 0 {
		t.Errorf("dry runs audited: %d entries", n)
	}
	if r := f.Do(t, "PUT", "/v1/admin/notice?dry_run=yes", []byte(`{"message":{"en":"x"},"expires_at":"`+exp+`"}`), nora...); r.StatusCode() != 400 {
		t.Errorf("dry_run=yes: %d, want 400 (never taken as a real write)", r.StatusCode())
	} else if _, field := edgetest.JSONError(t, r); field != "dry_run" {
		t.Errorf("dry_run=yes: field %q", field)
	}
	if _, v := edgetest.Current(t, f.Content); v != 1 {
		t.Errorf("a refused dry run published: v%d", v)
	}
}

// TestConsoleDryRunErrors: a dry run fails as the real write would: 422 naming the fields,
// 412 when stale, 428 without If-Match on the whole bundle, 403 without the scope.
func TestConsoleDryRunErrors(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice, nora := edgetest.Bearer(edgetest.AliceToken), edgetest.Bearer(edgetest.NoticeToken)

	for _, tc := range []struct {
		uri, body, field string
	}{
		{"/v1/admin/partners/mhcc/featured?dry_run=1", `{"featured":["nope"]}`, "partners.mhcc.featured[0]"},
		{"/v1/admin/lines/ca-988?dry_run=1", `{"name":{"en":"988"},"country":"CA","call":"988","hours":{"en":"24/7"},"source":"https://example.org","verified_on":"22/11/2026"}`, "lines.ca-988.verified_on"},
		{"/v1/admin/regions/CA/lines?dry_run=1", `{"lines":["ca-988","us-988"]}`, "regions.CA.lines[1]"},
	} {
		dry := f.Do(t, "PUT", tc.uri, []byte(tc.body), alice...)
		real := f.Do(t, "PUT", strings.TrimSuffix(tc.uri, "?dry_run=1"), []byte(tc.body), alice...)
		code, field := edgetest.JSONError(t, dry)
		if dry.StatusCode() != 422 || code != "invalid_content" || field != tc.field {
			t.Errorf("%s: %d %s %q, want 422 invalid_content %q", tc.uri, dry.StatusCode(), code, field, tc.field)
		}
		if !bytes.Equal(dry.Body(), real.Body()) || real.StatusCode() != 422 {
			t.Errorf("%s: the dry run's error differs from the real write's:\n%s\n%s", tc.uri, dry.Body(), real.Body())
		}
	}
	if r := f.Do(t, "PUT", "/v1/admin/regions/AQ/lines?dry_run=1", []byte(`{"lines":[]}`), alice...); r.StatusCode() != 404 {
		t.Errorf("unknown region: %d", r.StatusCode())
	}

	// Someone publishes v2: a dry run against v1 is stale.
	exp := edgetest.Now.Add(time.Hour).Format(time.RFC3339)
	notice := []byte(`{"id":"storm","message":{"en":"Line down"},"expires_at":"` + exp + `"}`)
	if r := f.Do(t, "PUT", "/v1/admin/notice", notice, edgetest.With(nora, "If-Match", `"v1"`)...); r.StatusCode() != 200 {
		t.Fatalf("publish: %d %s", r.StatusCode(), r.Body())
	}
	stale := f.Do(t, "PUT", "/v1/admin/notice?dry_run=1", notice, edgetest.With(nora, "If-Match", `"v1"`)...)
	if code, _ := edgetest.JSONError(t, stale); stale.StatusCode() != 412 || code != "version_conflict" || !strings.Contains(string(stale.Body()), "now v2 by nora") {
		t.Errorf("stale dry run: %d %s", stale.StatusCode(), stale.Body())
	}
	if d := f.DryRun(t, "PUT", "/v1/admin/notice?dry_run=1", notice, edgetest.With(nora, "If-Match", `"v2"`)...); d.BaseVersion != 2 || len(edgetest.Changes(d.Diff.Rows)) != 0 {
		t.Errorf("dry run of what is already current: base %d, changes %q", d.BaseVersion, edgetest.Changes(d.Diff.Rows))
	}
	if r := f.Do(t, "PUT", "/v1/admin/content?dry_run=1", configs.Content, edgetest.With(alice, "Content-Type", "application/yaml")...); r.StatusCode() != 428 {
		t.Errorf("whole-bundle dry run without If-Match: %d, want 428", r.StatusCode())
	}
	bad := f.Do(t, "PUT", "/v1/admin/content?dry_run=1", []byte("bogus: 1\n"), edgetest.With(alice, "If-Match", `"v2"`, "Content-Type", "application/yaml")...)
	if code, field := edgetest.JSONError(t, bad); bad.StatusCode() != 422 || code != "invalid_content" || field != "content" {
		t.Errorf("invalid bundle dry run: %d %s %s", bad.StatusCode(), code, field)
	}

	// Scopes: a notice token may dry-run notices, not lines; a feedback token nothing.
	if r := f.Do(t, "PUT", "/v1/admin/lines/ca-988?dry_run=1", []byte(`{}`), nora...); r.StatusCode() != 403 {
		t.Errorf("notice token on lines: %d", r.StatusCode())
	} else if code, _ := edgetest.JSONError(t, r); code != "missing_scope" {
		t.Errorf("notice token on lines: %s", code)
	}
	if r := f.Do(t, "PUT", "/v1/admin/notice?dry_run=1", notice, edgetest.Bearer(edgetest.FeedbackToken)...); r.StatusCode() != 403 {
		t.Errorf("feedback token dry-running a notice: %d", r.StatusCode())
	}
	if _, v := edgetest.Current(t, f.Content); v != 2 {
		t.Errorf("version %d after one publish", v)
	}
	if n := edgetest.Audited(t, f.Config.AuditLog); n != 1 {
		t.Errorf("%d audit entries after one publish", n)
	}
}

// TestConsolePutLineWithMessages: a line's number that banner sentences name cannot change alone
// (the banners would name a number no line has); sent with those regions' new sentences it is
// one version, served at once, and the YAML keeps its comments.
func TestConsolePutLineWithMessages(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	line := `{"name":{"en":"Test helpline"},"country":"CA","call":"1-800-555-0100","text":"613-555-0110","hours":{"en":"24/7"},` +
		`"source":"https://example.org/l","verified_on":"2026-11-02"`
	r := f.Do(t, "PUT", "/v1/admin/lines/ab-mental-health-help-line?dry_run=1", []byte(line+`}`), alice...)
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
	if want := []string{"regions.CA-AB.message.en", "regions.CA-AB.message.fr"}; !slices.Equal(paths, want) {
		t.Errorf("422 paths %q, want %q", paths, want)
	}
	msgs := `"region_messages":{"CA-AB":{"en":"Call 1-800-555-0100 or text 613-555-0110. In an emergency, call 9-1-1.","fr":"Appelez le 1-800-555-0100 ou textez le 613-555-0110. En cas d'urgence, composez le 9-1-1."},` +
		`"CA-BC":{"en":"Call 988 or 1-800-784-2433. In an emergency, call 9-1-1."}}`
	// Every sentence right but one, which names a number of no line of CA-AB: that one is named.
	r = f.Do(t, "PUT", "/v1/admin/lines/ab-mental-health-help-line", []byte(line+`,"region_messages":{"CA-AB":{"en":"Call 1-800-555-0100 or 555-0199.","fr":"Appelez le 1-800-555-0100."},`+
		`"CA-BC":{"en":"Call 988."}}}`), alice...)
	if err := json.Unmarshal(r.Body(), &e); err != nil || r.StatusCode() != 422 || len(e.Error.Errors) != 1 ||
		e.Error.Errors[0].Path != "regions.CA-AB.message.en" || !strings.Contains(e.Error.Errors[0].Message, `"555-0199"`) {
		t.Errorf("a sentence naming another number: %d %s", r.StatusCode(), r.Body())
	}
	for _, code := range []string{"ZZ", "ca", "CA regions.US.message"} {
		body, _ := json.Marshal(map[string]any{"region_messages": map[string]any{code: map[string]string{"en": "Hello."}}})
		r := f.Do(t, "PUT", "/v1/admin/lines/ab-mental-health-help-line", append([]byte(line+`,`), body[1:]...), alice...)
		if c, field := edgetest.JSONError(t, r); r.StatusCode() != 422 || c != "invalid_content" || field != "region_messages."+code {
			t.Errorf("a sentence for region %q, which has no entry: %d %s", code, r.StatusCode(), r.Body())
		}
	}
	if _, v := edgetest.Current(t, f.Content); v != 1 {
		t.Fatalf("refused edits published: v%d", v)
	}
	put := f.Do(t, "PUT", "/v1/admin/lines/ab-mental-health-help-line", []byte(line+`,`+msgs+`}`), edgetest.With(alice, "If-Match", `"v1"`)...)
	if put.StatusCode() != 200 || edgetest.Header(put, "ETag") != `"v2"` {
		t.Fatalf("number and sentences together: %d %s", put.StatusCode(), put.Body())
	}
	s, _ := edgetest.GetSnippet(t, f, "/v1/snippets/demo/banner?region=CA-AB&locale=fr")
	if s.Banner.Message != "Appelez le 1-800-555-0100 ou textez le 613-555-0110. En cas d'urgence, composez le 9-1-1." || len(s.Banner.Lines) < 2 || s.Banner.Lines[1].Call != "1-800-555-0100" {
		t.Errorf("CA-AB banner after the edit: %q %+v", s.Banner.Message, s.Banner.Lines)
	}
	if s, _ := edgetest.GetSnippet(t, f, "/v1/snippets/demo/banner?region=CA-BC&locale=fr"); s.Banner.Message != "Call 988 or 1-800-784-2433. In an emergency, call 9-1-1." {
		t.Errorf("CA-BC banner (no French sentence: the English one): %q", s.Banner.Message)
	}
	src, _ := edgetest.Current(t, f.Content)
	if !strings.Contains(string(src), "# Québec lists every line itself") {
		t.Error("a comment near the regions was lost")
	}
	es, err := f.Config.AuditLog.List(context.Background(), 0)
	if err != nil || len(es) != 1 || es[0].Target != "lines.ab-mental-health-help-line regions.CA-AB.message regions.CA-BC.message" {
		t.Errorf("audit: %+v %v", es, err)
	}
}
