package server_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/console"
	"github.com/signpost/edge/server/edgetest"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/js"
)

// TestConsolePages: the console and the dashboard are one shell under the strict CSP, in the
// operator's language, with no inline code the CSP would block.
func TestConsolePages(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	if r := e.Do(t, "GET", "/admin?lang=fr", nil); r.StatusCode() != 308 || edgetest.Header(r, "Location") != "/admin/?lang=fr" {
		t.Errorf("/admin: %d Location %q, want 308 to /admin/?lang=fr", r.StatusCode(), edgetest.Header(r, "Location"))
	}
	if r := e.Do(t, "POST", "/admin", nil); r.StatusCode() != 404 {
		t.Errorf("POST /admin: %d, want 404", r.StatusCode())
	}
	for _, tc := range []struct {
		uri, lang, page, title string
		headers                []string
	}{
		{"/admin/", "en", "console", "Signpost console", nil},
		{"/admin/?lang=fr", "fr", "console", "Console Signpost", nil},
		{"/admin/", "fr", "console", "Console Signpost", []string{"Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5"}},
		{"/admin/?lang=en", "en", "console", "Signpost console", []string{"Accept-Language", "fr-CA"}},
		{"/admin/feedback", "en", "feedback", "Signpost feedback dashboard", nil},
		{"/admin/feedback?lang=fr", "fr", "feedback", "Tableau de bord des commentaires Signpost", nil},
	} {
		r := e.Do(t, "GET", tc.uri, nil, tc.headers...)
		body := string(r.Body())
		if r.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(r, "Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", tc.uri, r.StatusCode(), body)
		}
		if csp := edgetest.Header(r, "Content-Security-Policy"); csp != console.CSP {
			t.Errorf("%s: CSP %q", tc.uri, csp)
		}
		if got := edgetest.Header(r, "Content-Language"); got != tc.lang {
			t.Errorf("%s: Content-Language %q, want %s", tc.uri, got, tc.lang)
		}
		for _, want := range []string{`<html lang="` + tc.lang + `">`, `data-page="` + tc.page + `"`, "<title>" + tc.title + "</title>",
			`<script defer src="/admin/console.js"></script>`, `<link rel="stylesheet" href="/admin/console.css">`,
			`hreflang="fr"`, `hreflang="en"`, `role="status"`} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %s", tc.uri, want)
			}
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") ||
			regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
			t.Errorf("%s: inline script, style or event handler: it would break under the page's own CSP", tc.uri)
		}
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*", "data: ;"} {
		if strings.Contains(console.CSP, bad) {
			t.Errorf("console CSP allows %s", bad)
		}
	}
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "frame-src 'self'", "connect-src 'self'"} {
		if !strings.Contains(console.CSP, want) {
			t.Errorf("console CSP lacks %s", want)
		}
	}
	// The page holds nothing secret: no operator token is needed for it.
	if r := e.Do(t, "HEAD", "/admin/", nil); r.StatusCode() != 200 {
		t.Errorf("HEAD /admin/: %d", r.StatusCode())
	}
}

// TestConsoleAssets: console.js is the six view files minified in the contract's order,
// console.css the two stylesheets; both negotiated, compressed and revalidated by ETag.
func TestConsoleAssets(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	m := minify.New()
	m.Add("text/javascript", &js.Minifier{Version: asset.ESVersion})
	r := e.Do(t, "GET", "/admin/console.js", nil)
	bundle := string(r.Body())
	if r.StatusCode() != 200 || edgetest.Header(r, "Content-Type") != answer.ContentTypeJS {
		t.Fatalf("console.js: %d %q", r.StatusCode(), edgetest.Header(r, "Content-Type"))
	}
	at := 0
	for _, name := range console.Scripts {
		src, err := console.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		min, err := m.String("text/javascript", string(src))
		if err != nil {
			t.Fatalf("minify %s: %v", name, err)
		}
		i := strings.Index(bundle[at:], min)
		if i < 0 {
			t.Fatalf("console.js lacks %s (in order after byte %d)", name, at)
		}
		at += i + len(min)
	}
	if !strings.Contains(bundle, "window.SP") || strings.Index(bundle, `SP.view("featured"`) < strings.Index(bundle, "window.SP") {
		t.Error("core.js must come first: the views register on window.SP")
	}
	css := e.Do(t, "GET", "/admin/console.css", nil)
	if css.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(css, "Content-Type"), "text/css") || !bytes.Contains(css.Body(), []byte(".vh{")) {
		t.Fatalf("console.css: %d %q", css.StatusCode(), edgetest.Header(css, "Content-Type"))
	}
	for _, path := range []string{"/admin/console.js", "/admin/console.css"} {
		for _, enc := range []string{"br", "gzip"} {
			r := e.Do(t, "GET", path, nil, "Accept-Encoding", enc)
			if edgetest.Header(r, "Content-Encoding") != enc || edgetest.Header(r, "ETag") == "" {
				t.Errorf("%s with %s: Content-Encoding %q, ETag %q", path, enc, edgetest.Header(r, "Content-Encoding"), edgetest.Header(r, "ETag"))
			}
			if r2 := e.Do(t, "GET", path, nil, "Accept-Encoding", enc, "If-None-Match", edgetest.Header(r, "ETag")); r2.StatusCode() != 304 {
				t.Errorf("%s: If-None-Match answered %d, want 304", path, r2.StatusCode())
			}
		}
		if cc := edgetest.Header(e.Do(t, "GET", path, nil), "Cache-Control"); cc != "no-cache" {
			t.Errorf("%s: Cache-Control %q: a deploy must reach operators at once", path, cc)
		}
	}
}

// TestConsoleSafeDOM: the console's scripts never turn text into markup. Operator, partner and
// visitor text reaches the page through text nodes only.
func TestConsoleSafeDOM(t *testing.T) {
	bad := regexp.MustCompile(`\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment|\.srcdoc`)
	for _, name := range console.Scripts {
		src, err := console.Source(name)
		if err != nil {
			t.Fatal(err)
		}
		if loc := bad.FindIndex(src); loc != nil {
			t.Errorf("%s uses %s: build DOM with SP.h (text nodes) instead", name, src[loc[0]:loc[1]])
		}
		if regexp.MustCompile(`localStorage\s*[.\[]`).Match(src) {
			t.Errorf("%s uses localStorage: the operator token lives in sessionStorage only", name)
		}
	}
}

// TestConsoleSize: the console's script and stylesheet stay small (minified, gzip): ≤ 30 KiB
// together. Logged per file so that growth has a name.
func TestConsoleSize(t *testing.T) {
	consoleJS, consoleCSS, err := console.Assets()
	if err != nil {
		t.Fatal(err)
	}
	gz := func(b []byte) int {
		var buf bytes.Buffer
		w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		w.Write(b)
		w.Close()
		return buf.Len()
	}
	jsGz, cssGz := len(consoleJS.Body(asset.Gzip)), len(consoleCSS.Body(asset.Gzip))
	jsMin, cssMin := consoleJS.Body(asset.Identity), consoleCSS.Body(asset.Identity)
	if r, err := gzip.NewReader(bytes.NewReader(consoleJS.Body(asset.Gzip))); err != nil {
		t.Fatal(err)
	} else if b, _ := io.ReadAll(r); !bytes.Equal(b, jsMin) {
		t.Fatal("the gzip variant of console.js is not its identity bytes")
	}
	t.Logf("console.js: %d bytes minified, %d gzip; console.css: %d bytes minified, %d gzip; total %d bytes gzip (budget %d)",
		len(jsMin), jsGz, len(cssMin), cssGz, jsGz+cssGz, 30<<10)
	m := minify.New()
	m.Add("text/javascript", &js.Minifier{Version: asset.ESVersion})
	for _, name := range console.Scripts {
		src, _ := console.Source(name)
		min, err := m.Bytes("text/javascript", src)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("  %-13s %6d bytes minified, %5d gzip alone", name, len(min), gz(min))
	}
	if jsGz+cssGz > 30<<10 {
		t.Errorf("console.js + console.css = %d bytes gzip, over the 30 KiB budget", jsGz+cssGz)
	}
}
