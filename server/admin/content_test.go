package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// contentEdge is an edge whose content lives in a real file-backed content store.
func contentEdge(t *testing.T) (*edgetest.Edge, contentstore.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st := edgetest.FileStore(t, dir)
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{ContentStore: st, AuditLog: edgetest.AuditLog(t, dir), DataDir: dir,
		Operators: []auth.Operator{{Name: "alice", Token: edgetest.AliceToken}, {Name: "bob", Token: edgetest.BobToken}}}})
	if err := e.Server.ApplyCurrent(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e, st, dir
}

func TestAdminContentAuth(t *testing.T) {
	e, _, _ := contentEdge(t)
	for _, tc := range []struct {
		headers []string
		status  int
		code    string
	}{
		{nil, 401, "unauthorized"},
		{[]string{"Authorization", "Basic abc"}, 401, "unauthorized"},
		{edgetest.Bearer("wrong-token-0123456789"), 403, "forbidden"},
	} {
		r := e.Do(t, "GET", "/v1/admin/content", nil, tc.headers...)
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != tc.status || code != tc.code {
			t.Errorf("%v: %d %s, want %d %s", tc.headers, r.StatusCode(), code, tc.status, tc.code)
		}
	}
	if r := e.Do(t, "GET", "/v1/admin/content", nil, edgetest.Bearer(edgetest.BobToken)...); r.StatusCode() != 200 {
		t.Errorf("bob: %d", r.StatusCode())
	}
	if r := e.Do(t, "PUT", "/v1/admin/content", configs.Content, edgetest.With(edgetest.Bearer(edgetest.BobToken), "If-Match", `"v1"`)...); r.StatusCode() != 415 {
		t.Errorf("form-encoded content: %d, want 415", r.StatusCode())
	}
	plain := edgetest.Start(t, edgetest.Options{Config: server.Config{AdminToken: edgetest.AliceToken}})
	r := plain.Do(t, "PUT", "/v1/admin/content", configs.Content, edgetest.With(edgetest.Bearer(edgetest.AliceToken), "If-Match", `"v1"`)...)
	if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 503 || code != "no_content_store" {
		t.Errorf("no store: %d %s", r.StatusCode(), code)
	}
}

func TestAdminContentLifecycle(t *testing.T) {
	e, _, dir := contentEdge(t)
	alice, bob := edgetest.Bearer(edgetest.AliceToken), edgetest.Bearer(edgetest.BobToken)

	get := e.Do(t, "GET", "/v1/admin/content", nil, alice...)
	if get.StatusCode() != 200 || edgetest.Header(get, "ETag") != `"v1"` || !bytes.Equal(get.Body(), configs.Content) {
		t.Fatalf("GET content: %d ETag %q", get.StatusCode(), edgetest.Header(get, "ETag"))
	}
	var asJSON struct {
		Version int64 `json:"version"`
		Content struct {
			Partners map[string]any `json:"partners"`
		} `json:"content"`
	}
	j := e.Do(t, "GET", "/v1/admin/content", nil, edgetest.With(alice, "Accept", "application/json")...)
	if err := json.Unmarshal(j.Body(), &asJSON); err != nil || asJSON.Version != 1 || asJSON.Content.Partners["demo"] == nil {
		t.Errorf("GET content as JSON: %v %s", err, j.Body())
	}
	if nm := e.Do(t, "GET", "/v1/admin/content", nil, edgetest.With(alice, "If-None-Match", `"v1"`)...); nm.StatusCode() != 304 {
		t.Errorf("If-None-Match: %d", nm.StatusCode())
	}

	changed := bytes.Replace(configs.Content, []byte("you can call or text 988 at any time. If it is an emergency, call 9-1-1 or go to your local emergency department."),
		[]byte("you can call or text 988, day or night. If it is an emergency, call 9-1-1."), 1)
	if bytes.Equal(changed, configs.Content) {
		t.Fatal("the shipped CA message changed: update this test")
	}
	if r := e.Do(t, "PUT", "/v1/admin/content", changed, edgetest.With(alice, "Content-Type", "application/yaml")...); r.StatusCode() != 428 {
		t.Errorf("PUT without If-Match: %d, want 428", r.StatusCode())
	}
	put := e.Do(t, "PUT", "/v1/admin/content", changed, edgetest.With(alice, "If-Match", `"v1"`, "Content-Type", "application/yaml", "X-Signpost-Note", "shorter message")...)
	if put.StatusCode() != 200 || edgetest.Header(put, "ETag") != `"v2"` {
		t.Fatalf("PUT: %d %s", put.StatusCode(), put.Body())
	}
	if msg, _ := edgetest.BannerMessage(t, e, "/v1/snippets/demo/banner"); !strings.Contains(msg, "day or night") {
		t.Errorf("snippet after PUT: %q", msg)
	}
	if w := e.Do(t, "GET", "/v1/widget.js", nil); !strings.Contains(string(w.Body()), "day or night") {
		t.Error("widget not rebuilt with the new crisis message")
	}
	if lkg, v, err := contentstore.LoadSnapshot(dir); err != nil || v.Number != 2 || !bytes.Equal(lkg, changed) {
		t.Errorf("last-known-good snapshot: v%d %v", v.Number, err)
	}

	stale := e.Do(t, "PUT", "/v1/admin/content", configs.Content, edgetest.With(bob, "If-Match", `"v1"`, "Content-Type", "application/yaml")...)
	if code, _ := edgetest.JSONError(t, stale); stale.StatusCode() != 412 || code != "version_conflict" || !strings.Contains(string(stale.Body()), "now v2 by alice") {
		t.Errorf("stale If-Match: %d %s", stale.StatusCode(), stale.Body())
	}

	invalid := bytes.Replace(changed, []byte("      - emh-access-gap\n"), []byte("      - no-such-resource\n"), 1)
	invalid = bytes.Replace(invalid, []byte("    source: \"https://3114.fr\"\n"), nil, 1)
	bad := e.Do(t, "PUT", "/v1/admin/content", invalid, edgetest.With(alice, "If-Match", `"v2"`, "Content-Type", "application/json")...)
	var body struct {
		Error struct {
			Code, Field string
			Errors      []struct{ Field, Message string }
		}
	}
	_ = json.Unmarshal(bad.Body(), &body)
	fields := []string{}
	for _, fe := range body.Error.Errors {
		fields = append(fields, fe.Field)
	}
	if bad.StatusCode() != 422 || body.Error.Code != "invalid_content" || len(fields) != 2 ||
		!strings.Contains(strings.Join(fields, " "), "partners.mhcc.featured[4]") || !strings.Contains(strings.Join(fields, " "), "lines.fr-3114.source") {
		t.Errorf("invalid PUT: %d %s", bad.StatusCode(), bad.Body())
	}
	if msg, _ := edgetest.BannerMessage(t, e, "/v1/snippets/demo/banner"); !strings.Contains(msg, "day or night") {
		t.Error("invalid content became current")
	}
	// Documents that cannot even be read are invalid content too: 422, never a 500.
	for _, body := range []string{"foo: [", "", "bogus: 1\n", "regions: {}\n---\nregions: {}\n"} {
		r := e.Do(t, "PUT", "/v1/admin/content", []byte(body), edgetest.With(alice, "If-Match", `"v2"`, "Content-Type", "application/yaml")...)
		if code, field := edgetest.JSONError(t, r); r.StatusCode() != 422 || code != "invalid_content" || field != "content" {
			t.Errorf("PUT %q: %d %s field %q, want 422 invalid_content field content", body, r.StatusCode(), code, field)
		}
	}

	// Partial edits: featured order, a resource, a notice.
	fe := e.Do(t, "PUT", "/v1/admin/partners/mhcc/featured", []byte(`{"featured":["stepped-care-2-0","peer-support-guidelines"]}`), bob...)
	if fe.StatusCode() != 200 {
		t.Fatalf("featured: %d %s", fe.StatusCode(), fe.Body())
	}
	s, _ := edgetest.GetSnippet(t, e, "/v1/snippets/mhcc/resources")
	if rs := *s.Resources; len(rs) != 2 || rs[0].ID != "stepped-care-2-0" || rs[1].ID != "peer-support-guidelines" {
		t.Errorf("featured after edit: %+v", rs)
	}
	if r := e.Do(t, "PUT", "/v1/admin/partners/nobody/featured", []byte(`{"featured":[]}`), bob...); r.StatusCode() != 404 {
		t.Errorf("featured of an unknown partner: %d", r.StatusCode())
	}
	if r := e.Do(t, "PUT", "/v1/admin/partners/mhcc/featured", []byte(`{"featured":["nope"]}`), bob...); r.StatusCode() != 422 {
		t.Errorf("featured unknown resource: %d %s", r.StatusCode(), r.Body())
	}
	if r := e.Do(t, "PUT", "/v1/admin/partners/mhcc/featured", []byte(`{"featured":[], "extra": 1}`), bob...); r.StatusCode() != 400 {
		t.Errorf("unknown JSON field: %d", r.StatusCode())
	}
	res := e.Do(t, "PUT", "/v1/admin/resources/winter-webinar", []byte(`{"type":"webinar","title":{"en":"Winter webinar"},"summary":{"en":"Live"},"url":{"en":"https://example.org/webinar"}}`), alice...)
	if res.StatusCode() != 200 {
		t.Errorf("PUT resource: %d %s", res.StatusCode(), res.Body())
	}
	del := e.Do(t, "DELETE", "/v1/admin/resources/stepped-care-2-0", nil, alice...)
	if code, field := edgetest.JSONError(t, del); del.StatusCode() != 422 || code != "invalid_content" || !strings.HasPrefix(field, "partners.") {
		t.Errorf("delete a featured resource: %d %s %s", del.StatusCode(), code, field)
	}

	exp := edgetest.Now.Add(time.Hour).Format(time.RFC3339)
	notice := e.Do(t, "PUT", "/v1/admin/notice", []byte(`{"id":"storm","message":{"en":"The Québec line is down: call 988.","fr":"La ligne québécoise est en panne : appelez le 988."},"regions":["CA-QC"],"expires_at":"`+exp+`"}`), alice...)
	if notice.StatusCode() != 200 {
		t.Fatalf("PUT notice: %d %s", notice.StatusCode(), notice.Body())
	}
	if _, n := edgetest.BannerMessage(t, e, "/v1/snippets/demo?region=CA-QC&locale=fr"); n != "La ligne québécoise est en panne : appelez le 988." {
		t.Errorf("notice in Québec: %q", n)
	}
	if _, n := edgetest.BannerMessage(t, e, "/v1/snippets/demo?region=CA-ON"); n != "" {
		t.Errorf("notice outside its region: %q", n)
	}
	if r := e.Do(t, "PUT", "/v1/admin/notice", []byte(`{"message":{"en":"x"}}`), alice...); r.StatusCode() != 422 {
		t.Errorf("notice without expiry: %d", r.StatusCode())
	}
	if r := e.Do(t, "DELETE", "/v1/admin/notice?id=storm", nil, alice...); r.StatusCode() != 200 {
		t.Errorf("withdraw: %d %s", r.StatusCode(), r.Body())
	}
	if _, n := edgetest.BannerMessage(t, e, "/v1/snippets/demo?region=CA-QC"); n != "" {
		t.Errorf("withdrawn notice still shown: %q", n)
	}

	// History, versions, rollback, audit.
	var hist struct {
		Versions []struct {
			Version   int64
			Author    string
			Note      string
			CreatedAt time.Time `json:"created_at"`
		}
	}
	h := e.Do(t, "GET", "/v1/admin/content/history", nil, alice...)
	if err := json.Unmarshal(h.Body(), &hist); err != nil || len(hist.Versions) != 6 || hist.Versions[0].Version != 6 || hist.Versions[5].Version != 1 {
		t.Fatalf("history: %v %s", err, h.Body())
	}
	if v := hist.Versions[4]; v.Version != 2 || v.Author != "alice" || v.Note != "shorter message" || v.CreatedAt.IsZero() {
		t.Errorf("history entry of v2: %+v", v)
	}
	if v1 := e.Do(t, "GET", "/v1/admin/content/versions/1", nil, alice...); !bytes.Equal(v1.Body(), configs.Content) || edgetest.Header(v1, "ETag") != `"v1"` {
		t.Errorf("version 1: %d", v1.StatusCode())
	}
	if r := e.Do(t, "GET", "/v1/admin/content/versions/99", nil, alice...); r.StatusCode() != 404 {
		t.Errorf("unknown version: %d", r.StatusCode())
	}
	if r := e.Do(t, "GET", "/v1/admin/content/versions/x", nil, alice...); r.StatusCode() != 400 {
		t.Errorf("malformed version: %d", r.StatusCode())
	}
	rb := e.Do(t, "POST", "/v1/admin/content/rollback", []byte(`{"version":1}`), edgetest.With(bob, "If-Match", `"v6"`)...)
	if rb.StatusCode() != 200 || edgetest.Header(rb, "ETag") != `"v7"` {
		t.Fatalf("rollback: %d %s", rb.StatusCode(), rb.Body())
	}
	if msg, _ := edgetest.BannerMessage(t, e, "/v1/snippets/demo/banner"); !strings.Contains(msg, "at any time") {
		t.Errorf("after rollback: %q", msg)
	}
	if r := e.Do(t, "POST", "/v1/admin/content/rollback", []byte(`{"version":1}`), edgetest.With(bob, "If-Match", `"v6"`)...); r.StatusCode() != 412 {
		t.Errorf("stale rollback: %d", r.StatusCode())
	}
	var audit struct {
		Entries []auditlog.Entry
	}
	a := e.Do(t, "GET", "/v1/admin/audit?limit=3", nil, alice...)
	if err := json.Unmarshal(a.Body(), &audit); err != nil || len(audit.Entries) != 3 {
		t.Fatalf("audit: %v %s", err, a.Body())
	}
	if top := audit.Entries[0]; top.Actor != "bob" || top.Action != "content.rollback" || top.Version != 7 {
		t.Errorf("newest audit entry %+v", top)
	}
	if r := e.Do(t, "GET", "/v1/admin/audit?limit=0", nil, alice...); r.StatusCode() != 400 {
		t.Errorf("audit limit 0: %d", r.StatusCode())
	}
	_ = fasthttp.StatusOK
}

// TestPinnedBundlesOutliveChangesAndRestarts: a page pinned (SRI) to the bundle of an old
// version keeps its banner after content changes and after the edge restarts, because bundles
// are archived in the content store.
func TestPinnedBundlesOutliveChangesAndRestarts(t *testing.T) {
	dir := t.TempDir()
	now := func() time.Time { return edgetest.Now }
	st, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(now), now)
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{ContentStore: st, Operators: []auth.Operator{{Name: "alice", Token: edgetest.AliceToken}}}})
	if err := e.Server.ApplyCurrent(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := edgetest.Manifest(t, e)
	firstJS := e.Do(t, "GET", first.URL, nil).Body()
	firstJS = append([]byte(nil), firstJS...)
	r := e.Do(t, "PUT", "/v1/admin/notice", []byte(`{"message":{"en":"x"},"expires_at":"2027-01-01T00:00:00Z"}`), edgetest.Bearer(edgetest.AliceToken)...)
	if r.StatusCode() != 200 {
		t.Fatal(r.StatusCode(), string(r.Body()))
	}
	changed := bytes.Replace(configs.Content, []byte("at any time. If it is an emergency, call 9-1-1"), []byte("day or night. If it is an emergency, call 9-1-1"), 1)
	r = e.Do(t, "PUT", "/v1/admin/content", changed, edgetest.With(edgetest.Bearer(edgetest.AliceToken), "If-Match", `"v2"`, "Content-Type", "application/yaml")...)
	if r.StatusCode() != 200 {
		t.Fatal(r.StatusCode(), string(r.Body()))
	}
	if second := edgetest.Manifest(t, e); second.URL == first.URL {
		t.Fatal("the crisis message changed but the bundle did not")
	}
	// Wait for the archive writes (asynchronous) to land.
	deadline := time.Now().Add(5 * time.Second)
	for {
		hs, _ := st.BundleHashes(context.Background())
		if len(hs) >= 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	st.Close()

	// A new edge process on the same data dir: it never built the first bundle.
	st2, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(now), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	e2 := edgetest.Start(t, edgetest.Options{Config: server.Config{ContentStore: st2}})
	if err := e2.Server.ApplyCurrent(context.Background()); err != nil {
		t.Fatal(err)
	}
	old := e2.Do(t, "GET", first.URL, nil)
	if old.StatusCode() != 200 || !bytes.Equal(old.Body(), firstJS) {
		t.Errorf("pinned bundle after a restart: %d, same bytes %v", old.StatusCode(), bytes.Equal(old.Body(), firstJS))
	}
	if r := e2.Do(t, "GET", "/v1/widget.0123456789abcdef.js", nil); r.StatusCode() != 404 {
		t.Errorf("never-built hash: %d", r.StatusCode())
	}
	if r := e2.Do(t, "GET", "/v1/widget.../../etc/passwd.js", nil); r.StatusCode() != 404 {
		t.Errorf("path in the hash: %d", r.StatusCode())
	}
}

// downArchive is a content store whose bundle archive cannot be reached (Redis down): an
// injected fault, which a real store only gives while its Redis is stopped.
type downArchive struct{ contentstore.Store }

func (downArchive) SaveBundle(context.Context, string, []byte) error {
	return contentstore.ErrUnavailable
}
func (downArchive) LoadBundle(context.Context, string) ([]byte, error) {
	return nil, contentstore.ErrUnavailable
}
func (downArchive) BundleHashes(context.Context) ([]string, error) {
	return nil, contentstore.ErrUnavailable
}

func TestPinnedBundleArchiveDown(t *testing.T) {
	dir := t.TempDir()
	st := edgetest.FileStore(t, dir)
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{ContentStore: downArchive{st}}})
	r := e.Do(t, "GET", "/v1/widget.0123456789abcdef.js", nil)
	if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 503 || code != "widget_archive_unavailable" || edgetest.Header(r, "Retry-After") == "" {
		t.Errorf("pinned bundle with the archive down: %d %s Retry-After %q, want 503 with Retry-After", r.StatusCode(), code, edgetest.Header(r, "Retry-After"))
	}
	if w := e.Do(t, "GET", "/v1/widget.js", nil); w.StatusCode() != 200 {
		t.Errorf("the current bundle must not depend on the archive: %d", w.StatusCode())
	}
}

// TestDryRunIsSpelledOut: only dry_run=1/true (or bare) is a dry run; any other value, and a
// dry run asked of a rollback (which has none), is a 400 that publishes nothing.
func TestDryRunIsSpelledOut(t *testing.T) {
	e, st, _ := contentEdge(t)
	_, before, err := st.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, uri, body string }{
		{"PUT", "/v1/admin/partners/mhcc/featured?dry_run=false", `{"featured":["stepped-care-2-0"]}`},
		{"PUT", "/v1/admin/partners/mhcc/featured?dry_run=0", `{"featured":["stepped-care-2-0"]}`},
		{"POST", "/v1/admin/content/rollback?dry_run=1", `{"version":1}`},
	} {
		r := e.Do(t, c.method, c.uri, []byte(c.body), edgetest.Bearer(edgetest.AliceToken)...)
		var b answer.ErrorBody
		if r.StatusCode() != 400 || json.Unmarshal(r.Body(), &b) != nil || b.Error.Field != "dry_run" {
			t.Errorf("%s %s: %d %s, want 400 naming dry_run", c.method, c.uri, r.StatusCode(), r.Body())
		}
	}
	if _, after, err := st.Current(context.Background()); err != nil || after.Number != before.Number {
		t.Errorf("content moved from v%d to v%d (%v)", before.Number, after.Number, err)
	}
}
