package server

import (
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
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
)

// testNow is the fixed clock of these tests.
var testNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

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
		{"/v1/snippets/demo?locale=fr-CA&region=ca-on", "fr", "CA-ON", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?locale=fr-CA&region=ca-bc", "fr", "CA-BC", []string{"ca-988", "bc-1800-suicide", "bc-310-mental-health-support", "bc-kuu-us", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?region=CA-NU", "en", "CA-NU", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?region=us-ny", "en", "US", []string{"us-988", "us-veterans-crisis-line", "us-crisis-text-line"}, "brf"},
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
