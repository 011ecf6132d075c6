package nojs_test

import (
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

var (
	reClass = regexp.MustCompile(`class="([^"]*)"`)
	reToken = regexp.MustCompile(`name="t" value="([^"]+)"`)
)

// dialTargets are the tel: and sms: targets of a banner in order, as the widget draws them:
// the first line's call and text, the emergency number, then every line's in the disclosure.
func dialTargets(b *snippets.BannerView) []string {
	var out []string
	add := func(l snippets.LineView) {
		if l.Tel != "" {
			out = append(out, "tel:"+l.Tel)
		}
		if l.SMS != "" {
			out = append(out, "sms:"+l.SMS)
		}
	}
	if len(b.Lines) > 0 {
		add(b.Lines[0])
	}
	if len(b.Emergency) > 0 {
		out = append(out, "tel:"+strings.NewReplacer("-", "", " ", "").Replace(b.Emergency[0]))
	}
	for _, l := range b.Lines {
		add(l)
	}
	return out
}

func TestBannerFragment(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, c := range []struct{ region, locale string }{{"CA-QC", "fr"}, {"CA", "en"}, {"GB", "en"}, {"US", "fr"}} {
		r := e.Do(t, "GET", "/v1/banner/demo.html?region="+c.region+"&locale="+c.locale, nil)
		html := string(edgetest.Decode(t, r))
		if r.StatusCode() != 200 || edgetest.Header(r, "Content-Type") != "text/html; charset=utf-8" {
			t.Fatalf("%v: status %d %s", c, r.StatusCode(), edgetest.Header(r, "Content-Type"))
		}
		if strings.Contains(strings.ToLower(html), "<script") || strings.Contains(html, "style=") || strings.Contains(html, "<style") {
			t.Errorf("%v: the fragment holds script or inline style:\n%s", c, html)
		}
		for _, m := range reClass.FindAllStringSubmatch(html, -1) {
			for _, cls := range strings.Fields(m[1]) {
				if !strings.HasPrefix(cls, "signpost") {
					t.Errorf("%v: class %q outside the signpost namespace", c, cls)
				}
			}
		}
		if !strings.Contains(html, `<link rel="stylesheet" href="https://edge.test/v1/banner.css">`) || !strings.Contains(html, `lang="`+c.locale+`"`) {
			t.Errorf("%v: no stylesheet link or language:\n%s", c, html)
		}
		// The same lines, in the same order, with the same targets as the snippet the widget draws.
		s, _ := edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner?region="+c.region+"&locale="+c.locale)
		if got, want := edgetest.Hrefs(html), dialTargets(s.Banner); !slices.Equal(got, want) {
			t.Errorf("%v: tel/sms links\n got %v\nwant %v", c, got, want)
		}
		for _, l := range s.Banner.Lines {
			if !strings.Contains(html, template.HTMLEscapeString(l.Name)) {
				t.Errorf("%v: line %q missing", c, l.Name)
			}
		}
		// Cached as snippets are: ETag, 304, and stale-if-error for an edge that cannot answer.
		if cc := edgetest.Header(r, "Cache-Control"); !strings.Contains(cc, "no-cache") || !strings.Contains(cc, "stale-if-error=") {
			t.Errorf("Cache-Control %q", cc)
		}
		r2 := e.Do(t, "GET", "/v1/banner/demo.html?region="+c.region+"&locale="+c.locale, nil, "If-None-Match", edgetest.Header(r, "ETag"))
		if r2.StatusCode() != fasthttp.StatusNotModified || edgetest.Header(r, "ETag") == "" {
			t.Errorf("%v: revalidation status %d (ETag %q)", c, r2.StatusCode(), edgetest.Header(r, "ETag"))
		}
	}
	// The snippets API's rules and errors.
	for uri, want := range map[string][2]string{
		"/v1/banner/nobody.html":               {"404", "unknown_partner"},
		"/v1/banner/demo.html?region=C4":       {"400", "region"},
		"/v1/banner/demo.html?locale=x_y_zzzz": {"400", "locale"},
		"/v1/banner/demo":                      {"404", "not_found"},
	} {
		r := e.Do(t, "GET", uri, nil)
		code, field := edgetest.JSONError(t, r)
		if got := []string{strconv.Itoa(r.StatusCode()), code}; got[0] != want[0] || (code != want[1] && field != want[1]) {
			t.Errorf("%s: %d %s/%s, want %v", uri, r.StatusCode(), code, field, want)
		}
	}
	r := e.Do(t, "GET", "/v1/banner/demo.html?region=AQ", nil)
	neutral := string(edgetest.Decode(t, r))
	c := edgetest.Shipped(t)
	if r.StatusCode() != 200 || !strings.Contains(neutral, c.Unknown.DirectoryURL) || strings.Contains(neutral, "signpost-more") {
		t.Errorf("AQ: %d, want the neutral banner with the directory link:\n%s", r.StatusCode(), neutral)
	}
}

func TestBannerFragmentNotice(t *testing.T) {
	c := edgetest.Shipped(t)
	c.Notices = append(c.Notices, &snippets.Notice{ID: "storm", Message: snippets.Text{"en": "Lines are busy after the storm", "fr": "Lignes occupées"},
		URL: "https://example.org/storm", ExpiresAt: edgetest.Now.Add(time.Hour).Format(time.RFC3339)})
	e := edgetest.Start(t, edgetest.Options{Content: c})
	html := string(edgetest.Decode(t, e.Do(t, "GET", "/v1/banner/demo.html?region=CA", nil)))
	if !strings.Contains(html, `<p class="signpost-notice">Lines are busy after the storm <a href="https://example.org/storm">More information</a>`) {
		t.Errorf("no notice:\n%s", html)
	}
}

func TestBannerStylesheet(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	r := e.Do(t, "GET", "/v1/banner.css", nil)
	css := string(edgetest.Decode(t, r))
	if r.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(r, "Content-Type"), "text/css") || edgetest.Header(r, "ETag") == "" {
		t.Fatalf("status %d, %s", r.StatusCode(), edgetest.Header(r, "Content-Type"))
	}
	for _, line := range strings.Split(css, "\n") {
		sel, decls, ok := strings.Cut(line, "{")
		if !ok || strings.HasPrefix(strings.TrimSpace(sel), "@media") {
			continue
		}
		for _, s := range strings.Split(regexp.MustCompile(`\([^)]*\)`).ReplaceAllString(sel, "()"), ",") {
			if !strings.HasPrefix(strings.TrimSpace(s), ".signpost") {
				t.Errorf("selector %q is not scoped under .signpost", s)
			}
		}
		for _, d := range strings.Split(strings.TrimSuffix(strings.TrimSpace(decls), "}"), ";") {
			if d = strings.TrimSpace(d); d != "" && !strings.HasSuffix(d, "!important") {
				t.Errorf("declaration %q is not !important (a partner rule could break it)", d)
			}
		}
	}
	if !strings.Contains(css, ".signpost .signpost-banner { box-sizing: border-box !important; min-height: 144px !important; }") {
		t.Errorf("the banner's reserved height is not the widget's:\n%s", css)
	}
}

func TestFramePage(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	r := e.Do(t, "GET", "/v1/frame/demo?region=CA-QC&locale=fr&components=banner,resources,feedback,exit&page=/aide", nil)
	html := string(edgetest.Decode(t, r))
	if r.StatusCode() != 200 {
		t.Fatalf("status %d: %s", r.StatusCode(), html)
	}
	csp := edgetest.Header(r, "Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors *") || strings.Contains(csp, "script-src") || edgetest.Header(r, "X-Frame-Options") != "" {
		t.Errorf("framing: CSP %q, X-Frame-Options %q", csp, edgetest.Header(r, "X-Frame-Options"))
	}
	for _, want := range []string{`<html lang="fr">`, "<title>", "<main>", `<aside class="signpost-exit" aria-label="Sortie rapide">`,
		`target="_top"`, `action="/v1/feedback/form"`, `name="page" value="/aide"`, `name="region" value="CA-QC"`,
		`class="signpost-res"`, "Avez-vous trouvé"} {
		if !strings.Contains(html, want) {
			t.Errorf("frame page lacks %s", want)
		}
	}
	if strings.Contains(strings.ToLower(html), "<script") {
		t.Error("the frame page holds a script")
	}
	for _, m := range regexp.MustCompile(`<a [^>]*href="(?:tel|sms|https?):[^>]*>`).FindAllString(html, -1) {
		if !strings.Contains(m, `target="_top"`) {
			t.Errorf("link does not leave the frame: %s", m)
		}
	}
	for uri, field := range map[string]string{
		"/v1/frame/demo?components=banner,ads": "components",
		"/v1/frame/demo?page=http://x.test/":   "page",
		"/v1/frame/demo?region=C4":             "region",
	} {
		r := e.Do(t, "GET", uri, nil)
		if _, f := edgetest.JSONError(t, r); r.StatusCode() != 400 || f != field {
			t.Errorf("%s: %d field %q, want 400 %s", uri, r.StatusCode(), f, field)
		}
	}
}

// form loads the frame page and returns its form's fields with changes (name, value; "" deletes).
func form(t *testing.T, e *edgetest.Edge, query string, changes ...string) url.Values {
	t.Helper()
	html := string(e.DoFrom(t, "192.0.2.1", "GET", "/v1/frame/demo?"+query, nil).Body())
	m := reToken.FindStringSubmatch(html)
	if m == nil {
		t.Fatalf("no signed time in the form:\n%s", html)
	}
	v := url.Values{"partner": {"demo"}, "page": {"/help"}, "locale": {"en"}, "region": {"CA"}, "t": {m[1]},
		"components": {"banner,feedback"}, "found": {"yes"}, "comment": {"Clear page"}}
	return change(v, changes)
}

// change sets v's fields to changes (name, value; "" deletes the field).
func change(v url.Values, changes []string) url.Values {
	for i := 0; i+1 < len(changes); i += 2 {
		if changes[i+1] == "" {
			v.Del(changes[i])
		} else {
			v.Set(changes[i], changes[i+1])
		}
	}
	return v
}

func send(t *testing.T, e *edgetest.Edge, v url.Values, headers ...string) (*fasthttp.Response, string) {
	t.Helper()
	return sendTo(t, e, "/v1/feedback/form", v, headers)
}

// sendTo posts form v to path from the frame page's origin.
func sendTo(t *testing.T, e *edgetest.Edge, path string, v url.Values, headers []string) (*fasthttp.Response, string) {
	t.Helper()
	h := append([]string{"Content-Type", "application/x-www-form-urlencoded", "Origin", "http://edge.test"}, headers...)
	r := e.DoFrom(t, "192.0.2.1", "POST", path, []byte(v.Encode()), h...)
	return r, string(r.Body())
}
