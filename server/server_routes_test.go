package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
	"go.yaml.in/yaml/v3"
)

func TestSnippetErrors(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
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
		r := e.Do(t, "GET", tc.uri, nil)
		code, field := edgetest.JSONError(t, r)
		if r.StatusCode() != tc.status || code != tc.code || field != tc.field {
			t.Errorf("%s: %d %s field %q, want %d %s field %q", tc.uri, r.StatusCode(), code, field, tc.status, tc.code, tc.field)
		}
		if strings.HasPrefix(tc.uri, "/v1/snippets/") && edgetest.Header(r, "Access-Control-Allow-Origin") != "*" && tc.code != "not_found" {
			t.Errorf("%s: error without CORS: a partner page could not read why", tc.uri)
		}
		if strings.Contains(string(r.Body()), "<script>") {
			t.Errorf("%s: error echoes markup: %s", tc.uri, r.Body())
		}
	}
}

func TestSnippetConditional(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	r := e.Do(t, "GET", "/v1/snippets/demo?region=CA-QC", nil, "Accept-Encoding", "br")
	etag := edgetest.Header(r, "ETag")
	if etag == "" || edgetest.Header(r, "Content-Encoding") != "br" {
		t.Fatalf("ETag %q, encoding %q", etag, edgetest.Header(r, "Content-Encoding"))
	}
	nm := e.Do(t, "GET", "/v1/snippets/demo?region=CA-QC", nil, "Accept-Encoding", "br", "If-None-Match", etag)
	if nm.StatusCode() != 304 || len(nm.Body()) != 0 {
		t.Errorf("If-None-Match: %d with %d bytes", nm.StatusCode(), len(nm.Body()))
	}
	// Another region is another representation: the tag must not match it.
	other := e.Do(t, "GET", "/v1/snippets/demo?region=GB", nil, "Accept-Encoding", "br", "If-None-Match", etag)
	if other.StatusCode() != 200 {
		t.Errorf("other region with the same tag: %d, want 200", other.StatusCode())
	}
	head := e.Do(t, "HEAD", "/v1/snippets/demo?region=CA-QC", nil, "Accept-Encoding", "br")
	if head.StatusCode() != 200 || head.Header.ContentLength() != len(r.Body()) || len(head.Body()) != 0 {
		t.Errorf("HEAD: %d, Content-Length %d (GET had %d)", head.StatusCode(), head.Header.ContentLength(), len(r.Body()))
	}
}

func TestPreflight(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, uri := range []string{"/v1/snippets/demo", "/v1/snippets/demo/banner", "/v1/widget.js"} {
		r := e.Do(t, "OPTIONS", uri, nil, "Origin", "https://partner.example", "Access-Control-Request-Method", "GET",
			"Access-Control-Request-Headers", "if-none-match")
		if r.StatusCode() != 204 {
			t.Errorf("%s: preflight %d", uri, r.StatusCode())
		}
		for _, name := range []string{"Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age"} {
			if edgetest.Header(r, name) == "" {
				t.Errorf("%s: preflight lacks %s", uri, name)
			}
		}
	}
	r := e.Do(t, "OPTIONS", "/healthz", nil)
	if r.StatusCode() != 204 || edgetest.Header(r, "Access-Control-Allow-Origin") != "" || !strings.Contains(edgetest.Header(r, "Allow"), "GET") {
		t.Errorf("OPTIONS /healthz: %d ACAO %q Allow %q", r.StatusCode(), edgetest.Header(r, "Access-Control-Allow-Origin"), edgetest.Header(r, "Allow"))
	}
}

func TestHealthAndReadiness(t *testing.T) {
	content := edgetest.Shipped(t)
	e := edgetest.Start(t, edgetest.Options{Content: content})
	h := e.Do(t, "GET", "/healthz", nil)
	if h.StatusCode() != 200 || !strings.Contains(string(h.Body()), `"ok"`) {
		t.Errorf("healthz: %d %s", h.StatusCode(), h.Body())
	}
	r := e.Do(t, "GET", "/readyz", nil)
	var ready server.Readiness
	if err := json.Unmarshal(r.Body(), &ready); err != nil || r.StatusCode() != 200 ||
		ready.Status != "ready" || ready.ContentVersion != content.Version || ready.Mode != "embedded" {
		t.Errorf("readyz: %d %s (%v)", r.StatusCode(), r.Body(), err)
	}
	server.SetDraining(e.Server, true)
	r = e.Do(t, "GET", "/readyz", nil)
	if err := json.Unmarshal(r.Body(), &ready); err != nil || r.StatusCode() != 503 || ready.Status != "unavailable" ||
		len(ready.Degraded) != 1 || ready.Degraded[0] != "shutting down" {
		t.Errorf("readyz while draining: %d %s", r.StatusCode(), r.Body())
	}
	if h := e.Do(t, "GET", "/healthz", nil); h.StatusCode() != 200 {
		t.Errorf("healthz while draining: %d, want 200", h.StatusCode())
	}
}

func TestNotFoundAndMethodNotAllowed(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
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
		r := e.Do(t, tc.method, tc.uri, nil)
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != tc.status || code != tc.code {
			t.Errorf("%s %s: %d %s, want %d %s", tc.method, tc.uri, r.StatusCode(), code, tc.status, tc.code)
		}
		if tc.status == 405 && !strings.Contains(edgetest.Header(r, "Allow"), "GET") {
			t.Errorf("%s %s: 405 without Allow: %q", tc.method, tc.uri, edgetest.Header(r, "Allow"))
		}
		if edgetest.Header(r, "X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: error without nosniff", tc.method, tc.uri)
		}
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{MaxBodySize: 1024}})
	// A raw connection: the server answers as soon as it reads Content-Length and closes, which
	// a client still writing the body may see as an error before it reads the answer.
	conn, err := e.Dial()
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
	if code, _ := edgetest.JSONError(t, &r); r.StatusCode() != 413 || code != "body_too_large" {
		t.Errorf("oversized body: %d %s", r.StatusCode(), code)
	}
}

func TestPanicRecovered(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	server.AddRoute(e.Server, "/boom", func(*fasthttp.RequestCtx) { panic("kaboom") })
	r := e.Do(t, "GET", "/boom", nil)
	if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 500 || code != "internal" {
		t.Errorf("panic: %d %s", r.StatusCode(), code)
	}
	if strings.Contains(string(r.Body()), "kaboom") {
		t.Error("the 500 reveals the panic value")
	}
	if logs := e.Logs.String(); !strings.Contains(logs, "kaboom") || !strings.Contains(logs, `"level":"ERROR"`) {
		t.Errorf("panic not logged as an error: %s", logs)
	}
	if h := e.Do(t, "GET", "/healthz", nil); h.StatusCode() != 200 {
		t.Error("server did not survive the panic")
	}
}

func TestDemoPage(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	r := e.Do(t, "GET", "/", nil)
	body := string(r.Body())
	if r.StatusCode() != 200 || !strings.Contains(body, `src="/v1/widget.js" data-partner="demo"`) {
		t.Fatalf("demo page: %d %s", r.StatusCode(), body)
	}
	csp := edgetest.Header(r, "Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("page CSP %q", csp)
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") {
		t.Error("demo page has inline script or style: it would break under its own CSP")
	}
	r = e.Do(t, "GET", "/?region=gb-eng&locale=fr", nil)
	if body := string(r.Body()); !strings.Contains(body, `data-region="GB-ENG"`) || !strings.Contains(body, `data-locale="fr"`) || !strings.Contains(body, `lang="fr"`) {
		t.Errorf("demo page ignores ?region and ?locale: %s", body)
	}
	r = e.Do(t, "GET", `/?region="><script>alert(1)</script>&locale=x"y`, nil)
	if body := string(r.Body()); strings.Contains(body, "alert(1)") || strings.Contains(body, "data-region") || strings.Contains(body, "data-locale") {
		t.Errorf("demo page reflects malformed parameters: %s", body)
	}
	css := e.Do(t, "GET", "/demo.css", nil)
	if css.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(css, "Content-Type"), "text/css") {
		t.Errorf("demo.css: %d %q", css.StatusCode(), edgetest.Header(css, "Content-Type"))
	}
	// The demo page is embedded as the builder recommends: the reservation rule for every
	// component and the resources the demo partner features.
	content := e.Server.Content()
	featured, _ := content.Featured(content.Partners["demo"], time.Now())
	if !strings.HasSuffix(string(css.Body()), widget.ReserveCSS(snippets.Components, len(featured))) || len(featured) == 0 {
		t.Errorf("demo.css lacks the reservation rule for %d resources:\n%s", len(featured), css.Body())
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
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: edgetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestResourceWindowReRenders(t *testing.T) {
	var mu sync.Mutex
	now := edgetest.Now
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := edgetest.Start(t, edgetest.Options{Content: windowed(t, edgetest.Now.Add(time.Hour)), Config: server.Config{Now: clock}})
	featured := func() []string {
		s, r := edgetest.GetSnippet(t, e, "/v1/snippets/demo/resources")
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
	now = edgetest.Now.Add(2 * time.Hour)
	mu.Unlock()
	if ids := featured(); !strings.Contains(strings.Join(ids, ","), "webinar-next-week") {
		t.Fatalf("resource not featured once its window opened (cached render not renewed): %v", ids)
	}
}

func TestSetContentSwapsEverything(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	before := edgetest.Manifest(t, e)
	c, err := snippets.Parse(configs.Content)
	if err != nil {
		t.Fatal(err)
	}
	c.Regions["CA"].Message["en"] = "If you are in distress, call or text 988. If it is an emergency, call 911."
	src, _ := yaml.Marshal(c)
	next, err := snippets.Load(src, snippets.ValidateOptions{Now: edgetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Server.SetContent(next); err != nil {
		t.Fatal(err)
	}
	after := edgetest.Manifest(t, e)
	if after.URL == before.URL || after.Integrity == before.Integrity {
		t.Fatalf("widget not rebuilt: %+v -> %+v", before, after)
	}
	// A page pinned to the old bundle with SRI keeps getting exactly its bytes.
	if r := e.Do(t, "GET", before.URL, nil); r.StatusCode() != 200 || edgetest.Header(r, "Cache-Control") != "public, max-age=31536000, immutable" {
		t.Errorf("old pinned URL after a content change: %d, want 200", r.StatusCode())
	} else if sum := sha512.Sum384(r.Body()); "sha384-"+base64.StdEncoding.EncodeToString(sum[:]) != before.Integrity {
		t.Error("old pinned URL serves other bytes than its integrity names")
	}
	w := e.Do(t, "GET", "/v1/widget.js", nil)
	if !strings.Contains(string(w.Body()), "call or text 988. If it is an emergency, call 911.") {
		t.Error("new crisis message not baked into the widget")
	}
	s, _ := edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner")
	if s.Version != next.Version || !strings.HasPrefix(s.Banner.Message, "If you are in distress, call or text 988.") {
		t.Errorf("snippet still serves the old content: %s %q", s.Version, s.Banner.Message)
	}
}

func TestGracefulShutdownDrains(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	entered, release := make(chan struct{}), make(chan struct{})
	server.AddRoute(e.Server, "/slow", func(ctx *fasthttp.RequestCtx) {
		close(entered)
		<-release
		ctx.SetBodyString("finished")
	})
	got := make(chan *fasthttp.Response, 1)
	go func() { got <- e.Do(t, "GET", "/slow", nil) }()
	<-entered
	shut := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		shut <- e.Server.Shutdown(ctx)
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
	if !server.Draining(e.Server) {
		t.Error("not marked draining")
	}
	if err := e.Served(); err != nil {
		t.Errorf("Serve after Shutdown: %v", err)
	}
}
