package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server/serving"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
	"go.yaml.in/yaml/v3"
)

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func shipped(t testing.TB) *snippets.Loaded {
	t.Helper()
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// edge is a server on an in-memory listener with a client that talks to it.
type edge struct {
	srv    *Server
	client *fasthttp.Client
	dial   func() (net.Conn, error)
	logs   *syncBuffer
	done   chan error
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startEdge(t testing.TB, content *snippets.Loaded, cfg Config) *edge {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	if cfg.Now == nil {
		cfg.Now = func() time.Time { return testNow }
	}
	srv, err := New(cfg, content)
	if err != nil {
		t.Fatal(err)
	}
	ln := fasthttputil.NewInmemoryListener()
	e := &edge{srv: srv, logs: logs, done: make(chan error, 1), dial: ln.Dial,
		client: &fasthttp.Client{Dial: func(string) (net.Conn, error) { return ln.Dial() }}}
	go func() { e.done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = ln.Close()
	})
	return e
}

// do sends one request; headers alternate name, value.
func (e *edge) do(t testing.TB, method, uri string, body []byte, headers ...string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI("http://edge.test" + uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if body != nil {
		req.SetBody(body)
	}
	resp := &fasthttp.Response{}
	if method == fasthttp.MethodHead {
		resp.SkipBody = true
	}
	if err := e.client.DoTimeout(req, resp, testRequestTimeout); err != nil {
		t.Fatalf("%s %s: %v", method, uri, err)
	}
	return resp
}

func header(r *fasthttp.Response, name string) string { return string(r.Header.Peek(name)) }

// jsonError decodes the JSON error shape and fails unless the response is one.
func jsonError(t testing.TB, r *fasthttp.Response) (code, field string) {
	t.Helper()
	if ct := header(r, "Content-Type"); ct != "application/json" {
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

func decode(t testing.TB, r *fasthttp.Response) []byte {
	t.Helper()
	var out []byte
	var err error
	switch enc := header(r, "Content-Encoding"); enc {
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

func manifest(t testing.TB, e *edge) serving.ManifestBody {
	t.Helper()
	r := e.do(t, "GET", "/v1/widget.json", nil)
	var m serving.ManifestBody
	if err := json.Unmarshal(decode(t, r), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestWidgetEncodings(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	identity := e.do(t, "GET", "/v1/widget.js", nil)
	if identity.StatusCode() != 200 || len(identity.Body()) == 0 {
		t.Fatalf("identity: %d, %d bytes", identity.StatusCode(), len(identity.Body()))
	}
	want := append([]byte(nil), identity.Body()...)
	tags := map[string]string{}
	for _, tc := range []struct{ accept, encoding string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0, br;q=0", ""},
		{"*", "br"},
		{"deflate", ""},
	} {
		r := e.do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", tc.accept)
		if got := header(r, "Content-Encoding"); got != tc.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.encoding)
		}
		if !bytes.Equal(decode(t, r), want) {
			t.Errorf("Accept-Encoding %q: decoded body differs from identity", tc.accept)
		}
		if got, want := r.Header.ContentLength(), len(r.Body()); got != want {
			t.Errorf("Accept-Encoding %q: Content-Length %d, body %d", tc.accept, got, want)
		}
		for name, want := range map[string]string{
			"Content-Type":                "text/javascript; charset=utf-8",
			"Cache-Control":               "public, max-age=300, stale-while-revalidate=86400",
			"Vary":                        "Accept-Encoding",
			"Access-Control-Allow-Origin": "*",
			"X-Content-Type-Options":      "nosniff",
		} {
			if got := header(r, name); got != want {
				t.Errorf("Accept-Encoding %q: %s %q, want %q", tc.accept, name, got, want)
			}
		}
		etag := header(r, "ETag")
		if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
			t.Errorf("ETag %q is not a strong quoted tag", etag)
		}
		if prev, ok := tags[tc.encoding]; ok && prev != etag {
			t.Errorf("encoding %q has two ETags: %s, %s", tc.encoding, prev, etag)
		}
		tags[tc.encoding] = etag
	}
	if len(tags) != 3 || tags[""] == tags["br"] || tags["br"] == tags["gzip"] {
		t.Errorf("want one distinct ETag per encoding, got %v", tags)
	}
}

func TestWidgetConditionalAndHead(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	r := e.do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "br")
	etag, full := header(r, "ETag"), len(r.Body())

	nm := e.do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "br", "If-None-Match", etag)
	if nm.StatusCode() != 304 || len(nm.Body()) != 0 || header(nm, "ETag") != etag {
		t.Errorf("If-None-Match: %d, %d bytes, ETag %q", nm.StatusCode(), len(nm.Body()), header(nm, "ETag"))
	}
	if header(nm, "Cache-Control") == "" || header(nm, "Vary") != "Accept-Encoding" {
		t.Errorf("304 lost Cache-Control or Vary: %s", nm.Header.String())
	}
	weak := e.do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "br", "If-None-Match", `"nope", W/`+etag)
	if weak.StatusCode() != 304 {
		t.Errorf("weak tag in a list: %d, want 304", weak.StatusCode())
	}
	// The tag names the brotli representation; a client asking for gzip gets the gzip body.
	other := e.do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if other.StatusCode() != 200 || header(other, "Content-Encoding") != "gzip" {
		t.Errorf("tag of another encoding: %d %q, want 200 gzip", other.StatusCode(), header(other, "Content-Encoding"))
	}
	stale := e.do(t, "GET", "/v1/widget.js", nil, "If-None-Match", `"old"`)
	if stale.StatusCode() != 200 {
		t.Errorf("stale tag: %d, want 200", stale.StatusCode())
	}

	head := e.do(t, "HEAD", "/v1/widget.js", nil, "Accept-Encoding", "br")
	if head.StatusCode() != 200 || len(head.Body()) != 0 {
		t.Errorf("HEAD: %d with %d body bytes", head.StatusCode(), len(head.Body()))
	}
	if head.Header.ContentLength() != full || header(head, "ETag") != etag || header(head, "Content-Encoding") != "br" {
		t.Errorf("HEAD headers differ from GET: %s", head.Header.String())
	}
}

func TestWidgetPinnedAndManifest(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	m := manifest(t, e)
	if !strings.HasPrefix(m.URL, "/v1/widget.") || !strings.HasSuffix(m.URL, ".js") || m.Version == "" {
		t.Fatalf("manifest %+v", m)
	}
	r := e.do(t, "GET", m.URL, nil)
	if r.StatusCode() != 200 || header(r, "Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("pinned: %d, Cache-Control %q", r.StatusCode(), header(r, "Cache-Control"))
	}
	sum := sha512.Sum384(r.Body())
	if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); m.Integrity != want {
		t.Errorf("integrity %s, but the identity bytes hash to %s", m.Integrity, want)
	}
	short := e.do(t, "GET", "/v1/widget.js", nil)
	if !bytes.Equal(short.Body(), r.Body()) {
		t.Error("/v1/widget.js and the pinned URL serve different bytes")
	}
	if header(r, "Access-Control-Allow-Origin") != "*" {
		t.Error("pinned script lacks CORS: integrity checks of a crossorigin script need it")
	}

	old := e.do(t, "GET", "/v1/widget.0123456789abcdef.js", nil)
	if code, _ := jsonError(t, old); old.StatusCode() != 404 || code != "unknown_widget_version" {
		t.Errorf("old hash: %d %s", old.StatusCode(), code)
	}
	post := e.do(t, "POST", "/v1/widget.js", []byte("x"))
	if code, _ := jsonError(t, post); post.StatusCode() != 405 || code != "method_not_allowed" || !strings.Contains(header(post, "Allow"), "GET") {
		t.Errorf("POST widget: %d %s Allow %q", post.StatusCode(), code, header(post, "Allow"))
	}
}

// snippet is the decoded JSON of a snippet response.
type snippet struct {
	Version   string                   `json:"version"`
	Partner   string                   `json:"partner"`
	Locale    string                   `json:"locale"`
	Region    string                   `json:"region"`
	Banner    *snippets.BannerView     `json:"banner"`
	Resources *[]snippets.ResourceView `json:"resources"`
	Feedback  *snippets.FeedbackView   `json:"feedback"`
	Notice    json.RawMessage          `json:"notice"`
}

func getSnippet(t *testing.T, e *edge, uri string) (snippet, *fasthttp.Response) {
	t.Helper()
	r := e.do(t, "GET", uri, nil, "Accept-Encoding", "gzip")
	var s snippet
	if r.StatusCode() == 200 {
		if err := json.Unmarshal(decode(t, r), &s); err != nil {
			t.Fatalf("%s: %v", uri, err)
		}
	}
	return s, r
}

func lineIDs(b *snippets.BannerView) []string {
	var ids []string
	for _, l := range b.Lines {
		ids = append(ids, l.ID)
	}
	return ids
}

func TestSnippets(t *testing.T) {
	content := shipped(t)
	e := startEdge(t, content, Config{})
	for _, tc := range []struct {
		uri, locale, region string
		lines               []string
		parts               string // which parts are present: b r f
	}{
		{"/v1/snippets/demo", "en", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?locale=fr&region=CA-QC", "fr", "CA-QC", []string{"qc-appelle", "ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?locale=fr-CA&region=ca-on", "fr", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/mhcc?region=GB", "en", "GB", []string{"gb-samaritans", "gb-shout"}, "brf"},
		{"/v1/snippets/mhcc?region=GB-ENG&locale=de", "en", "GB-ENG", []string{"gb-samaritans", "gb-shout", "gb-nhs-111"}, "brf"},
		{"/v1/snippets/demo?region=AQ", "en", "", nil, "brf"},
		{"/v1/snippets/demo/banner?region=US", "en", "US", []string{"us-988", "us-veterans-crisis-line", "us-crisis-text-line"}, "b"},
		{"/v1/snippets/demo/resources?locale=fr", "fr", "CA", nil, "r"},
		{"/v1/snippets/demo/feedback?locale=fr", "fr", "CA", nil, "f"},
		// No region: the time zone the widget could not place (TimeZones.Region).
		{"/v1/snippets/demo?tz=Europe/London", "en", "GB", []string{"gb-samaritans", "gb-shout"}, "brf"},
		{"/v1/snippets/demo?tz=America/Indianapolis", "en", "US", []string{"us-988", "us-veterans-crisis-line", "us-crisis-text-line"}, "brf"},
		{"/v1/snippets/demo?tz=America/Toronto", "en", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?tz=Etc/UTC", "en", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?tz=Asia/Tokyo", "en", "", nil, "brf"},
		{"/v1/snippets/demo?region=CA-QC&tz=Europe/London", "en", "CA-QC", []string{"qc-appelle", "ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			s, r := getSnippet(t, e, tc.uri)
			if r.StatusCode() != 200 {
				t.Fatalf("status %d: %s", r.StatusCode(), r.Body())
			}
			if s.Version != content.Version || s.Locale != tc.locale || s.Region != tc.region {
				t.Errorf("version %q locale %q region %q, want %q %q %q", s.Version, s.Locale, s.Region, content.Version, tc.locale, tc.region)
			}
			if (s.Banner != nil) != strings.Contains(tc.parts, "b") || (s.Resources != nil) != strings.Contains(tc.parts, "r") ||
				(s.Feedback != nil) != strings.Contains(tc.parts, "f") {
				t.Errorf("parts present: banner %v resources %v feedback %v, want %q", s.Banner != nil, s.Resources != nil, s.Feedback != nil, tc.parts)
			}
			if string(s.Notice) != "null" {
				t.Errorf("notice %s, want null", s.Notice)
			}
			if s.Banner != nil {
				if got := strings.Join(lineIDs(s.Banner), ","); got != strings.Join(tc.lines, ",") {
					t.Errorf("lines %s, want %s", got, strings.Join(tc.lines, ","))
				}
				if tc.region == "" && (s.Banner.Directory == nil || len(s.Banner.Emergency) != 0) {
					t.Errorf("unknown region: want the directory link and no emergency number, got %+v", s.Banner)
				}
			}
			if s.Resources != nil && tc.locale == "fr" {
				rs := *s.Resources
				if len(rs) < 8 || rs[0].ID != "peer-support-guidelines" || !strings.Contains(rs[0].Title, "soutien par les pairs") {
					t.Errorf("French resources: %+v", rs)
				}
			}
			if s.Feedback != nil && tc.locale == "fr" && !strings.Contains(s.Feedback.Found, "trouvé") {
				t.Errorf("French feedback: %+v", s.Feedback)
			}
			for name, want := range map[string]string{
				"Cache-Control":               "public, no-cache",
				"Access-Control-Allow-Origin": "*",
				"Vary":                        "Accept-Encoding",
			} {
				if got := header(r, name); got != want {
					t.Errorf("%s %q, want %q", name, got, want)
				}
			}
		})
	}
}

func TestSnippetErrors(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	for _, tc := range []struct {
		uri    string
		status int
		code   string
		field  string
	}{
		{"/v1/snippets/nobody", 404, "unknown_partner", "partner"},
		{"/v1/snippets/demo/notices", 404, "not_found", ""},
		{"/v1/snippets/demo?locale=klingon!", 400, "invalid_parameter", "locale"},
		{"/v1/snippets/demo?locale=f", 400, "invalid_parameter", "locale"},
		{"/v1/snippets/demo?region=CANADA", 400, "invalid_parameter", "region"},
		{"/v1/snippets/demo?region=C4", 400, "invalid_parameter", "region"},
		{"/v1/snippets/demo?tz=%3Cscript%3E", 400, "invalid_parameter", "tz"},
		{"/v1/snippets/demo?tz=Europe/../../etc", 400, "invalid_parameter", "tz"},
		{"/v1/snippets/demo?region=%3Cscript%3E", 400, "invalid_parameter", "region"},
		{"/v1/snippets/demo/banner/extra", 404, "not_found", ""},
	} {
		r := e.do(t, "GET", tc.uri, nil)
		code, field := jsonError(t, r)
		if r.StatusCode() != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: %d %s field %q, want %d %s field %q", tc.uri, r.StatusCode(), code, field, tc.status, tc.code, tc.field)
		}
		if strings.HasPrefix(tc.uri, "/v1/snippets/") && header(r, "Access-Control-Allow-Origin") != "*" && tc.code != "not_found" {
			t.Errorf("%s: error without CORS: a partner page could not read why", tc.uri)
		}
		if strings.Contains(string(r.Body()), "<script>") {
			t.Errorf("%s: error echoes markup: %s", tc.uri, r.Body())
		}
	}
}

func TestSnippetConditional(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	r := e.do(t, "GET", "/v1/snippets/demo?region=CA-QC", nil, "Accept-Encoding", "br")
	etag := header(r, "ETag")
	if etag == "" || header(r, "Content-Encoding") != "br" {
		t.Fatalf("ETag %q, encoding %q", etag, header(r, "Content-Encoding"))
	}
	nm := e.do(t, "GET", "/v1/snippets/demo?region=CA-QC", nil, "Accept-Encoding", "br", "If-None-Match", etag)
	if nm.StatusCode() != 304 || len(nm.Body()) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes", nm.StatusCode(), len(nm.Body()))
	}
	// Another region is another representation: the tag must not match it.
	other := e.do(t, "GET", "/v1/snippets/demo?region=GB", nil, "Accept-Encoding", "br", "If-None-Match", etag)
	if other.StatusCode() != 200 {
		t.Errorf("other region with the same tag: %d, want 200", other.StatusCode())
	}
	head := e.do(t, "HEAD", "/v1/snippets/demo?region=CA-QC", nil, "Accept-Encoding", "br")
	if head.StatusCode() != 200 || head.Header.ContentLength() != len(r.Body()) || len(head.Body()) != 0 {
		t.Errorf("HEAD: %d, Content-Length %d (GET had %d)", head.StatusCode(), head.Header.ContentLength(), len(r.Body()))
	}
}

func TestPreflight(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	for _, uri := range []string{"/v1/snippets/demo", "/v1/snippets/demo/banner", "/v1/widget.js"} {
		r := e.do(t, "OPTIONS", uri, nil, "Origin", "https://partner.example", "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "if-none-match")
		if r.StatusCode() != 204 {
			t.Errorf("%s: preflight %d", uri, r.StatusCode())
		}
		for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"} {
			if header(r, name) == "" {
				t.Errorf("%s: preflight lacks %s", uri, name)
			}
		}
	}
	r := e.do(t, "OPTIONS", "/healthz", nil)
	if r.StatusCode() != 204 || header(r, "Access-Control-Allow-Origin") != "" || !strings.Contains(header(r, "Allow"), "GET") {
		t.Errorf("OPTIONS /healthz: %d ACAO %q Allow %q", r.StatusCode(), header(r, "Access-Control-Allow-Origin"), header(r, "Allow"))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	content := shipped(t)
	e := startEdge(t, content, Config{})
	h := e.do(t, "GET", "/healthz", nil)
	if h.StatusCode() != 200 || !strings.Contains(string(h.Body()), `"ok"`) {
		t.Errorf("healthz: %d %s", h.StatusCode(), h.Body())
	}
	r := e.do(t, "GET", "/readyz", nil)
	var ready readiness
	if err := json.Unmarshal(r.Body(), &ready); err != nil || r.StatusCode() != 200 ||
		ready.Status != "ready" || ready.ContentVersion != content.Version || ready.Mode != "embedded" {
		t.Errorf("readyz: %d %s (%v)", r.StatusCode(), r.Body(), err)
	}
	e.srv.draining.Store(true)
	r = e.do(t, "GET", "/readyz", nil)
	if err := json.Unmarshal(r.Body(), &ready); err != nil || r.StatusCode() != 503 || ready.Status != "unavailable" ||
		len(ready.Degraded) != 1 || ready.Degraded[0] != "shutting down" {
		t.Errorf("readyz while draining: %d %s", r.StatusCode(), r.Body())
	}
	if h := e.do(t, "GET", "/healthz", nil); h.StatusCode() != 200 {
		t.Errorf("healthz while draining: %d, want 200", h.StatusCode())
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	for _, tc := range []struct {
		method, uri string
		status      int
		code        string
	}{
		{"GET", "/nope", 404, "not_found"},
		{"GET", "/v1/widget.css", 404, "not_found"},
		{"GET", "/v1/snippets", 404, "not_found"},
		{"POST", "/healthz", 405, "method_not_allowed"},
		{"DELETE", "/v1/snippets/demo", 405, "method_not_allowed"},
		{"PUT", "/", 405, "method_not_allowed"},
	} {
		r := e.do(t, tc.method, tc.uri, nil)
		if code, _ := jsonError(t, r); r.StatusCode() != tc.status || code != tc.code {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.uri, r.StatusCode(), code, tc.status, tc.code)
		}
		if tc.status == 405 && !strings.Contains(header(r, "Allow"), "GET") {
			t.Errorf("%s %s: 405 without Allow: %q", tc.method, tc.uri, header(r, "Allow"))
		}
		if header(r, "X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: error without nosniff", tc.method, tc.uri)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := startEdge(t, shipped(t), Config{MaxBodySize: 1024})
	// A raw connection: the server answers as soon as it reads Content-Length and closes, which
	// a client still writing the body may see as an error before it reads the answer.
	conn, err := e.dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := bytes.Repeat([]byte("x"), 4096)
	go func() {
		fmt.Fprintf(conn, "POST /healthz HTTP/1.1\r\nHost: edge.test\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
		_, _ = conn.Write(body)
	}()
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	var r fasthttp.Response
	if err := r.Read(bufio.NewReader(conn)); err != nil {
		t.Fatal(err)
	}
	if code, _ := jsonError(t, &r); r.StatusCode() != 413 || code != "body_too_large" {
		t.Errorf("oversized body: %d %s", r.StatusCode(), code)
	}
}

func TestPanicRecovered(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	e.srv.router.GET("/boom", func(*fasthttp.RequestCtx) { panic("kaboom") })
	r := e.do(t, "GET", "/boom", nil)
	if code, _ := jsonError(t, r); r.StatusCode() != 500 || code != "internal" {
		t.Errorf("panic: %d %s", r.StatusCode(), code)
	}
	if strings.Contains(string(r.Body()), "kaboom") {
		t.Error("the 500 reveals the panic value")
	}
	if logs := e.logs.String(); !strings.Contains(logs, "kaboom") || !strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("panic not logged as an error: %s", logs)
	}
	if h := e.do(t, "GET", "/healthz", nil); h.StatusCode() != 200 {
		t.Error("server did not survive the panic")
	}
}

func TestDemoPage(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	r := e.do(t, "GET", "/", nil)
	body := string(r.Body())
	if r.StatusCode() != 200 || !strings.Contains(body, `src="/v1/widget.js" data-partner="demo"`) {
		t.Fatalf("demo page: %d %s", r.StatusCode(), body)
	}
	csp := header(r, "Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("page CSP %q", csp)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") {
		t.Error("demo page has inline script or style: it would break under its own CSP")
	}
	r = e.do(t, "GET", "/?region=gb-eng&locale=fr", nil)
	if body := string(r.Body()); !strings.Contains(body, `data-region="GB-ENG"`) || !strings.Contains(body, `data-locale="fr"`) || !strings.Contains(body, `lang="fr"`) {
		t.Errorf("demo page ignores ?region and ?locale: %s", body)
	}
	r = e.do(t, "GET", `/?region="><script>alert(1)</script>&locale=x"y`, nil)
	if body := string(r.Body()); strings.Contains(body, "alert(1)") || strings.Contains(body, "data-region") || strings.Contains(body, "data-locale") {
		t.Errorf("demo page reflects malformed parameters: %s", body)
	}
	css := e.do(t, "GET", "/demo.css", nil)
	if css.StatusCode() != 200 || !strings.HasPrefix(header(css, "Content-Type"), "text/css") {
		t.Errorf("demo.css: %d %q", css.StatusCode(), header(css, "Content-Type"))
	}
}

// windowed returns the shipped content plus a featured resource shown only from start.
func windowed(t *testing.T, start time.Time) *snippets.Loaded {
	t.Helper()
	c, err := snippets.Parse(configs.Content)
	if err != nil {
		t.Fatal(err)
	}
	c.Resources = append(c.Resources, &snippets.Resource{
		ID: "webinar-next-week", Type: "webinar", StartsOn: start.Format(time.RFC3339),
		Title: snippets.Text{"en": "A webinar"}, Summary: snippets.Text{"en": "Soon"}, URL: snippets.Text{"en": "https://example.org/w"},
	})
	c.Partners["demo"].Featured = append(c.Partners["demo"].Featured, "webinar-next-week")
	src, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestResourceWindowReRenders(t *testing.T) {
	var mu sync.Mutex
	now := testNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := startEdge(t, windowed(t, testNow.Add(time.Hour)), Config{Now: clock})
	featured := func() []string {
		s, r := getSnippet(t, e, "/v1/snippets/demo/resources")
		if r.StatusCode() != 200 {
			t.Fatalf("%d %s", r.StatusCode(), r.Body())
		}
		var ids []string
		for _, r := range *s.Resources {
			ids = append(ids, r.ID)
		}
		return ids
	}
	if ids := featured(); strings.Contains(strings.Join(ids, ","), "webinar-next-week") {
		t.Fatalf("resource featured before its window: %v", ids)
	}
	mu.Lock()
	now = testNow.Add(2 * time.Hour)
	mu.Unlock()
	if ids := featured(); !strings.Contains(strings.Join(ids, ","), "webinar-next-week") {
		t.Fatalf("resource not featured once its window opened (cached render not renewed): %v", ids)
	}
}

func TestSetContentSwapsEverything(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	before := manifest(t, e)
	c, err := snippets.Parse(configs.Content)
	if err != nil {
		t.Fatal(err)
	}
	c.Regions["CA"].Message["en"] = "If you are in distress, call or text 988. If it is an emergency, call 911."
	src, _ := yaml.Marshal(c)
	next, err := snippets.Load(src, snippets.ValidateOptions{Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.srv.SetContent(next); err != nil {
		t.Fatal(err)
	}
	after := manifest(t, e)
	if after.URL == before.URL || after.Integrity == before.Integrity {
		t.Fatalf("widget not rebuilt: %+v -> %+v", before, after)
	}
	// A page pinned to the old bundle with SRI keeps getting exactly its bytes.
	if r := e.do(t, "GET", before.URL, nil); r.StatusCode() != 200 || header(r, "Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("old pinned URL after a content change: %d, want 200", r.StatusCode())
	} else if sum := sha512.Sum384(r.Body()); "sha384-"+base64.StdEncoding.EncodeToString(sum[:]) != before.Integrity {
		t.Error("old pinned URL serves other bytes than its integrity names")
	}
	w := e.do(t, "GET", "/v1/widget.js", nil)
	if !strings.Contains(string(w.Body()), "call or text 988. If it is an emergency, call 911.") {
		t.Error("new crisis message not baked into the widget")
	}
	s, _ := getSnippet(t, e, "/v1/snippets/demo/banner")
	if s.Version != next.Version || !strings.HasPrefix(s.Banner.Message, "If you are in distress, call or text 988.") {
		t.Errorf("snippet still serves the old content: %s %q", s.Version, s.Banner.Message)
	}
}

func TestGracefulShutdownDrains(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	entered, release := make(chan struct{}), make(chan struct{})
	e.srv.router.GET("/slow", func(ctx *fasthttp.RequestCtx) {
		close(entered)
		<-release
		ctx.SetBodyString("finished")
	})
	got := make(chan *fasthttp.Response, 1)
	go func() { got <- e.do(t, "GET", "/slow", nil) }()
	<-entered
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- e.srv.Shutdown(ctx)
	}()
	select {
	case err := <-shut:
		t.Fatalf("Shutdown returned (%v) while a request was in flight", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	if r := <-got; r.StatusCode() != 200 || string(r.Body()) != "finished" {
		t.Errorf("in-flight request: %d %q", r.StatusCode(), r.Body())
	}
	if err := <-shut; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if !e.srv.draining.Load() {
		t.Error("not marked draining")
	}
	if err := <-e.done; err != nil {
		t.Errorf("Serve after Shutdown: %v", err)
	}
}

func TestFasthttpLogRedactsAddresses(t *testing.T) {
	var b syncBuffer
	fasthttpLogger{slog.New(slog.NewJSONHandler(&b, nil))}.Printf("error when serving connection %q<->%q: %s",
		"127.0.0.1:8080", "203.0.113.7:41948", "GET /x HTTP/1.1\r\nX-Forwarded-For: [2001:db8::1]:443"+strings.Repeat("x", 500))
	out := b.String()
	for _, ip := range []string{"203.0.113.7", "127.0.0.1", "2001:db8::1"} {
		if strings.Contains(out, ip) {
			t.Errorf("log keeps %s: %s", ip, out)
		}
	}
	if !strings.Contains(out, "[address]") || strings.Count(out, "x") > 400 {
		t.Errorf("log %s", out)
	}
}

// testRequestTimeout bounds one test request: generous, since a busy machine running the race
// detector can take seconds over a large report; a hang still fails.
const testRequestTimeout = 60 * time.Second
