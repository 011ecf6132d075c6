package edgetest

import (
	"encoding/json"
	"html"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Now is the edge's clock when a test sets none (Edge.Advance moves it).
var Now = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

const (
	// Origin is a partner page's origin: the demo partner allows http://localhost:*.
	Origin = "http://localhost:5173"
	// Token is an Intake edge's operator token (named "admin", every scope).
	Token = "operator-token-0123456789"
	// AliceToken and BobToken are operators' tokens the tests give every scope.
	AliceToken = "alice-token-0123456789"
	BobToken   = "bob-token-0123456789ab"
	// RequestTimeout bounds one request of a test's client: generous, since a busy machine
	// running the race detector can take seconds over a large report; a hang still fails.
	RequestTimeout = 60 * time.Second
)

// Shipped is the shipped content (configs/content.yaml) validated at Now.
func Shipped(t testing.TB) *snippets.Loaded {
	t.Helper()
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: Now})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// Degraded988 is the shipped content with the 988 line degraded (snippets.SetLineStatus): its
// message in English and French, until until ("" for no end), validated at now.
func Degraded988(t testing.TB, until string, now time.Time) *snippets.Loaded {
	t.Helper()
	src, err := snippets.SetLineStatus(configs.Content, "ca-988", snippets.LineStatus{Status: snippets.StatusDegraded, Until: until,
		Message: snippets.Text{"en": DegradedEN, "fr": DegradedFR}})
	if err != nil {
		t.Fatal(err)
	}
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The status message of Degraded988, in English and French.
const (
	DegradedEN = "Calls are failing. Text 988 instead."
	DegradedFR = "Les appels échouent. Textez le 988."
)

// Redis starts a redis-server on a free port (internal/redistest; the test skips without
// one) and a client of it with opts (Addr set), both stopped when the test ends.
func Redis(t testing.TB, opts redis.Options) (*redistest.Server, *redis.Client) {
	t.Helper()
	srv := redistest.Start(t)
	opts.Addr = srv.Addr()
	c := redis.NewClient(&opts)
	t.Cleanup(func() { c.Close() })
	return srv, c
}

// Header is a response header's value.
func Header(r *fasthttp.Response, name string) string { return string(r.Header.Peek(name)) }

// Bearer is the Authorization header of token, as name, value.
func Bearer(token string) []string { return []string{"Authorization", "Bearer " + token} }

// With returns headers h followed by more, leaving h as it was.
func With(h []string, more ...string) []string { return append(append([]string{}, h...), more...) }

// JSONError decodes the JSON error shape and fails unless the response is one.
func JSONError(t testing.TB, r *fasthttp.Response) (code, field string) {
	t.Helper()
	if ct := Header(r, "Content-Type"); ct != "application/json" {
		t.Fatalf("error Content-Type %q, want application/json; body %s", ct, r.Body())
	}
	var body struct {
		Error struct{ Code, Message, Field string } `json:"error"`
	}
	if err := json.Unmarshal(r.Body(), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("not a JSON error (%v): %s", err, r.Body())
	}
	return body.Error.Code, body.Error.Field
}

// Decode returns a response's body without its Content-Encoding (br, gzip or none).
func Decode(t testing.TB, r *fasthttp.Response) []byte {
	t.Helper()
	var out []byte
	var err error
	switch enc := Header(r, "Content-Encoding"); enc {
	case "":
		out = r.Body()
	case "br":
		out, err = fasthttp.AppendUnbrotliBytes(nil, r.Body())
	case "gzip":
		out, err = fasthttp.AppendGunzipBytes(nil, r.Body())
	default:
		t.Fatalf("unexpected Content-Encoding %q", enc)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Manifest is GET /v1/widget.json decoded.
func Manifest(t testing.TB, e *Edge) edition.ManifestBody {
	t.Helper()
	r := e.Do(t, "GET", "/v1/widget.json", nil)
	var m edition.ManifestBody
	if err := json.Unmarshal(Decode(t, r), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// Snippet is the decoded JSON of a snippet response.
type Snippet struct {
	Version   string                   `json:"version"`
	Partner   string                   `json:"partner"`
	Locale    string                   `json:"locale"`
	Region    string                   `json:"region"`
	Banner    *snippets.BannerView     `json:"banner"`
	Resources *[]snippets.ResourceView `json:"resources"`
	Feedback  *snippets.FeedbackView   `json:"feedback"`
	Notice    json.RawMessage          `json:"notice"`
}

// GetSnippet sends GET uri (gzip accepted) and decodes a 200 answer.
func GetSnippet(t testing.TB, e *Edge, uri string) (Snippet, *fasthttp.Response) {
	t.Helper()
	r := e.Do(t, "GET", uri, nil, "Accept-Encoding", "gzip")
	var s Snippet
	if r.StatusCode() == 200 {
		if err := json.Unmarshal(Decode(t, r), &s); err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
	}
	return s, r
}

// LineIDs are the ids of a banner's lines, in order.
func LineIDs(b *snippets.BannerView) []string {
	var ids []string
	for _, l := range b.Lines {
		ids = append(ids, l.ID)
	}
	return ids
}

// BannerMessage is the banner's message of the snippet at uri, and its notice's ("" when none).
func BannerMessage(t testing.TB, e *Edge, uri string) (string, string) {
	t.Helper()
	s, r := GetSnippet(t, e, uri)
	if r.StatusCode() != 200 {
		t.Fatalf("%s: %d %s", uri, r.StatusCode(), r.Body())
	}
	notice := ""
	if len(s.Notice) > 0 && string(s.Notice) != "null" {
		var n struct{ Message string }
		_ = json.Unmarshal(s.Notice, &n)
		notice = n.Message
	}
	return s.Banner.Message, notice
}

// Textarea returns the text of the textarea id in an HTML page, unescaped.
func Textarea(t testing.TB, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<textarea id="` + id + `"[^>]*>(.*?)</textarea>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no textarea %s in the page", id)
	}
	return html.UnescapeString(m[1])
}

// Feedback is a valid submission as a map, changed by changes (key, value; a nil value
// deletes the key).
func Feedback(changes ...any) map[string]any {
	m := map[string]any{"partner": "demo", "page": "/help", "locale": "en", "found": true, "helpful": false,
		"comment": "Useful page", "followup": false, "email": "", "website": "", "elapsed_ms": 4200}
	return change(m, changes)
}

// change sets m's keys to changes (key, value; a nil value deletes the key).
func change(m map[string]any, changes []any) map[string]any {
	for i := 0; i+1 < len(changes); i += 2 {
		k := changes[i].(string)
		if changes[i+1] == nil {
			delete(m, k)
		} else {
			m[k] = changes[i+1]
		}
	}
	return m
}

// Report is a valid line report (POST /v1/reports) as a map, changed by changes as Feedback's.
func Report(changes ...any) map[string]any {
	m := map[string]any{"partner": "demo", "page": "/help", "region": "CA-QC", "locale": "en", "line": "ca-988",
		"reason": "not_working", "comment": "Nobody answered", "website": "", "elapsed_ms": 4200}
	return change(m, changes)
}

// Accepted is the body of a 202 answer to feedback.
type Accepted struct {
	ID     string `json:"id"`
	Crisis bool   `json:"crisis"`
}

// MustAccept fails unless r is a 202 with a valid id, and returns its body.
func MustAccept(t testing.TB, r *fasthttp.Response) Accepted {
	t.Helper()
	if r.StatusCode() != fasthttp.StatusAccepted {
		t.Fatalf("status %d, want 202: %s", r.StatusCode(), r.Body())
	}
	var a Accepted
	if err := json.Unmarshal(r.Body(), &a); err != nil || !feedback.ValidID(a.ID) {
		t.Fatalf("202 body %s: %v", r.Body(), err)
	}
	return a
}

// EmbedCode is GET /embed/code?query decoded (the embed builder's code for a partner).
func EmbedCode(t testing.TB, e *Edge, query string, headers ...string) embedbuilder.Code {
	t.Helper()
	r := e.Do(t, "GET", "/embed/code?"+query, nil, headers...)
	if r.StatusCode() != 200 || Header(r, "Content-Type") != "application/json" {
		t.Fatalf("/embed/code?%s: %d %s", query, r.StatusCode(), r.Body())
	}
	var c embedbuilder.Code
	if err := json.Unmarshal(r.Body(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

var reDial = regexp.MustCompile(`href="((?:tel|sms):[^"]*)"`)

// Hrefs are the tel: and sms: links of an HTML page, in order.
func Hrefs(html string) []string {
	var out []string
	for _, m := range reDial.FindAllStringSubmatch(html, -1) {
		out = append(out, strings.ReplaceAll(m[1], "&#43;", "+"))
	}
	return out
}

// AuditLog opens the file audit log of the data dir dir (auditlog.FileName), as cmd/edge does
// in embedded mode, closed when the test ends.
func AuditLog(t testing.TB, dir string) auditlog.Log {
	t.Helper()
	l, err := auditlog.OpenFile(filepath.Join(dir, auditlog.FileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// FileStore opens a file content store (contentstore/fsstore) in dir, holding the shipped
// content and validating at Now, closed when the test ends.
func FileStore(t testing.TB, dir string) contentstore.Store {
	t.Helper()
	now := func() time.Time { return Now }
	st, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(now), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// RegionOf is the region entry of a 200 snippet answer.
func RegionOf(t testing.TB, r *fasthttp.Response) string {
	t.Helper()
	if r.StatusCode() != 200 {
		t.Fatalf("status %d: %s", r.StatusCode(), r.Body())
	}
	var s Snippet
	if err := json.Unmarshal(Decode(t, r), &s); err != nil {
		t.Fatal(err)
	}
	return s.Region
}
