package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/signpost/edge/internal/browsertest"
)

// site is a partner web site on its own loopback origin: pages by path, each with the strict
// CSP of the widget issue, plus an /exited page for the quick exit to land on.
type site struct {
	origin string
	mu     sync.Mutex
	pages  map[string]string
	styles map[string]string
	open   map[string]bool // pages served without a CSP
	edge   string
}

func newSite(t *testing.T, edge string) *site {
	t.Helper()
	s := &site{pages: map[string]string{}, styles: map[string]string{}, open: map[string]bool{}, edge: edge}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		body, ok := s.pages[r.URL.Path]
		style, isStyle := s.styles[r.URL.Path]
		noCSP := s.open[r.URL.Path]
		s.mu.Unlock()
		if isStyle {
			w.Header().Set("Content-Type", "text/css; charset=utf-8")
			fmt.Fprint(w, style)
			return
		}
		if !ok {
			http.NotFound(w, r)
			return
		}
		if !noCSP {
			w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self' "+edge+"; connect-src "+edge+"; style-src 'self'")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, body)
	})
	mux.Handle("/probe.js", browsertest.ProbeScriptHandler())
	mux.HandleFunc("/hostile.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `body * { display: none !important; color: rgb(255, 0, 0) !important; font-size: 2px !important; }
[data-signpost], signpost-banner { visibility: hidden !important; height: 0 !important; }`)
	})
	mux.HandleFunc("/hostile.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `Object.prototype.tel = "666"; Object.prototype.lines = ["evil"]; Object.prototype.CA = {message: "evil"};
Array.prototype.evil = function () {}; Array.prototype.forEachX = 1;
window.fetch = function () { throw new Error("fetch is broken on this page"); };
window.Promise = function () { throw new Error("Promise is broken on this page"); };`)
	})
	mux.HandleFunc("/queue.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `window.Signpost = window.Signpost || function () { (window.Signpost.q = window.Signpost.q || []).push(arguments); };
Signpost("destroy");`)
	})
	mux.HandleFunc("/jquery.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		http.ServeFile(w, r, browsertest.NodeModule(t, "jquery/dist/jquery.min.js"))
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	s.origin = "http://" + ln.Addr().String()
	s.page("/exited", `<!doctype html><html lang="en"><head><title>Weather</title></head><body><main><p>The weather.</p></main></body></html>`)
	return s
}

// noCSP serves the page at path without the site's CSP.
func (s *site) noCSP(path string) {
	s.mu.Lock()
	s.open[path] = true
	s.mu.Unlock()
}

// css serves a stylesheet of the partner's own at path.
func (s *site) css(path, body string) {
	s.mu.Lock()
	s.styles[path] = body
	s.mu.Unlock()
}

func (s *site) page(path, html string) string {
	s.mu.Lock()
	s.pages[path] = html
	s.mu.Unlock()
	return s.origin + path
}

// embed returns a page with the widget's script tag (attributes given) inside a main landmark;
// head and body extras are inserted as given.
func (s *site) embed(path, htmlLang, attrs, head, before, after string) string {
	return s.page(path, fmt.Sprintf(`<!doctype html><html lang="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner page</title>%s</head>
<body><main><h1>Partner page</h1>%s<script async src="%s/v1/widget.js" %s></script>%s</main></body></html>`,
		htmlLang, head, before, s.edge, attrs, after))
}

func open(t *testing.T, browser context.Context, url string, setup ...chromedp.Action[chromedp.Void]) context.Context {
	t.Helper()
	tab := browsertest.Tab(t, browser)
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, append(setup, chromedp.Navigate(url))...); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	return ctx
}

func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// poll evaluates expr until it is true, from Go: chromedp's own Poll runs on the page's Promise,
// which a hostile page may have replaced, and fails while a navigation swaps the document.
func poll(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+expr+`) } catch (e) { return false } })()`)); err == nil && ok {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	probe, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__probe)`))
	t.Fatalf("waiting for %s: not true within 10 s (last error %v; page probe: %s)", expr, err, probe)
}

// shadow is JS for the shadow root of a component.
func shadow(name string) string {
	return `document.querySelector('[data-signpost="` + name + `"]').shadowRoot`
}

const bannerText = `(() => { const h = document.querySelector('[data-signpost="banner"]'); return h && h.shadowRoot && h.shadowRoot.textContent || "" })()`

func cleanProbe(t *testing.T, ctx context.Context) {
	t.Helper()
	var p probe
	if err := json.Unmarshal([]byte(eval[string](t, ctx, `JSON.stringify(window.__probe)`)), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.CSP) > 0 || len(p.Errors) > 0 {
		t.Errorf("CSP violations %v, script errors %v", p.CSP, p.Errors)
	}
}

func TestRegionFromTimeZone(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	// An unknown partner id has no default region: the time zone is all there is. The demo
	// partner's default is CA: it holds unless the time zone places the visitor elsewhere.
	nobody := s.embed("/tz", "en", `data-partner="nobody"`, "", "", "")
	demo := s.embed("/tz-demo", "en", `data-partner="demo"`, "", "", "")
	neutral := "If you are in danger, call your local emergency number."
	for _, tc := range []struct{ name, url, zone, want, not string }{
		{"no default, Toronto", nobody, "America/Toronto", "988", "1-866-277-3553"}, // a time zone never selects Québec
		// The edge does not know this partner (404): it cannot place the zone, so neutral.
		{"unknown partner, London", nobody, "Europe/London", neutral, "988"},
		{"no default, Tokyo", nobody, "Asia/Tokyo", neutral, "988"},
		{"default CA, Toronto", demo, "America/Toronto", "988", "116 123"},
		{"default CA, UTC says nothing", demo, "Etc/UTC", "988", neutral},
		{"default CA, visitor in London", demo, "Europe/London", "116 123", "988"},
		{"default CA, visitor in Indianapolis (CLDR name)", demo, "America/Indianapolis", "Veterans Crisis Line", "116 123"},
		{"default CA, visitor in Sydney", demo, "Australia/Sydney", "13 11 14", "988"},
		{"default CA, visitor in Tokyo", demo, "Asia/Tokyo", neutral, "988"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := open(t, browser, tc.url, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tc.zone})
				return err
			}))
			// A zone of a country whose lines are baked in (Canada's, here) is placed by the
			// widget before any request; any other by the edge (the snippet's tz parameter):
			// until it answers, the banner is the neutral one, never another country's lines.
			poll(t, ctx, bannerText+`.length > 0`)
			first := eval[string](t, ctx, bannerText)
			if strings.Contains(first, tc.not) || (!strings.Contains(first, tc.want) && !strings.HasPrefix(first, neutral)) {
				t.Errorf("time zone %s: banner drawn first %q, want %q or the neutral one, and never %q", tc.zone, first, tc.want, tc.not)
			}
			poll(t, ctx, `performance.getEntriesByType("resource").some(e => e.name.includes("/v1/snippets/")) && `+bannerText+`.includes(`+strconv.Quote(tc.want)+`)`)
			time.Sleep(200 * time.Millisecond)
			if text := eval[string](t, ctx, bannerText); !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
				t.Errorf("time zone %s: banner %q, want %q and not %q", tc.zone, text, tc.want, tc.not)
			}
			if baked := tc.zone == "America/Toronto" || tc.zone == "Etc/UTC"; baked && first != eval[string](t, ctx, bannerText) {
				t.Errorf("time zone %s: a baked-in region's banner changed after the snippet", tc.zone)
			}
		})
	}
}

func TestLocaleFromHTMLLang(t *testing.T) {
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	for _, tc := range []struct{ lang, attrs, want string }{
		{"fr-CA", `data-partner="demo"`, "Si vous êtes en détresse"},
		{"fr", `data-partner="demo" data-locale="en"`, "If you are in distress"},
		{"de", `data-partner="demo"`, "If you are in distress"},
	} {
		ctx := open(t, browser, s.embed("/lang-"+tc.lang+fmt.Sprint(len(tc.attrs)), tc.lang, tc.attrs, "", "", ""))
		poll(t, ctx, bannerText+`.length > 0`)
		if text := eval[string](t, ctx, bannerText); !strings.Contains(text, tc.want) {
			t.Errorf("<html lang=%s> %s: %q, want %q", tc.lang, tc.attrs, text, tc.want)
		}
		if lang := eval[string](t, ctx, shadow("banner")+`.firstElementChild.lang`); lang == "" {
			t.Error("the banner's root element has no lang")
		}
	}
}

// TestBannerWithoutNetwork: the banner needs no request. With every snippet request blocked it
// renders from the bundle; with the edge stopped after the bundle was cached it still renders.
// A region whose lines are not baked in (GB, on this edge whose partners serve Canada) gets,
// without the snippet, the neutral message with its own emergency number: never a guessed line.
func TestBannerWithoutNetwork(t *testing.T) {
	t.Parallel()
	edge, srv := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	url := s.embed("/offline", "en", `data-partner="mhcc" data-region="CA-QC" data-components="banner,resources,feedback"`, "", "", "")
	blockSnippets := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{
			URLPatterns: []*network.BlockPattern{{URLPattern: edge + "/v1/snippets/*", Block: true}}})
		return err
	})

	blocked := open(t, browser, url, blockSnippets)
	poll(t, blocked, bannerText+`.includes("1-866-277-3553")`)
	// Give the blocked snippet request time to fail, then check nothing broke.
	poll(t, blocked, `performance.getEntriesByType("resource").some(e => e.name.includes("/v1/snippets/"))`)
	if text := eval[string](t, blocked, bannerText); !strings.Contains(text, "1 866 APPELLE") || !strings.Contains(text, "Emergency 911") {
		t.Errorf("banner with snippets blocked: %q", text)
	}
	if n := eval[int](t, blocked, `document.querySelectorAll('[data-signpost="resources"]').length`); n != 0 {
		t.Errorf("resources rendered without their snippet: %d", n)
	}

	gb := open(t, browser, s.embed("/offline-gb", "en", `data-partner="mhcc" data-region="GB"`, "", "", ""), blockSnippets)
	poll(t, gb, `performance.getEntriesByType("resource").some(e => e.name.includes("/v1/snippets/"))`)
	text := eval[string](t, gb, bannerText)
	if !strings.HasPrefix(text, "If you are in danger, call your local emergency number.") || !strings.Contains(text, "Emergency 999") ||
		strings.Contains(text, "116 123") || strings.Contains(text, "988") {
		t.Errorf("GB with snippets blocked: %q, want the neutral message with 999 and no crisis line", text)
	}
	if links := eval[string](t, gb, `[...`+shadow("banner")+`.querySelectorAll("a")].map(a => a.getAttribute("href")).join(" ")`); links != "tel:999 https://findahelpline.com" {
		t.Errorf("GB with snippets blocked: links %q, want the emergency number and the directory", links)
	}

	// Load once so the browser caches the bundle, stop the edge, load again.
	tab := browsertest.Tab(t, browser)
	ctx, cancel := context.WithTimeout(tab, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, bannerText+`.includes("1-866-277-3553")`)
	sctx, scancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"?again")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, bannerText+`.includes("1-866-277-3553")`)
	if resp, err := http.Get(edge + "/healthz"); err == nil {
		resp.Body.Close()
		t.Error("the edge still answers: the test did not test anything")
	}
}

// TestNoRequestBeforeBanner checks, from the browser's own timeline, that the banner is in the
// DOM before the widget makes any request, and reports how long that takes (median of 20 loads).
func TestNoRequestBeforeBanner(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	url := s.embed("/timing", "en", `data-partner="demo"`, "", "", "")
	var times []float64
	for i := range 20 {
		ctx := open(t, browser, fmt.Sprintf("%s?load=%d", url, i))
		poll(t, ctx, `performance.getEntriesByName("signpost:banner").length > 0 && performance.getEntriesByType("resource").some(e => e.name.includes("/v1/snippets/"))`)
		var r struct {
			Banner, Start, FirstRequest float64
		}
		raw := eval[string](t, ctx, `JSON.stringify({
			banner: performance.getEntriesByName("signpost:banner")[0].startTime,
			start: performance.getEntriesByName("signpost:start")[0].startTime,
			firstRequest: Math.min(...performance.getEntriesByType("resource").filter(e => e.name.startsWith("`+edge+`/v1/") && !e.name.includes("widget")).map(e => e.startTime))})`)
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			t.Fatal(err)
		}
		if r.FirstRequest < r.Banner {
			t.Fatalf("load %d: the widget made a request at %.2f ms, before the banner at %.2f ms", i, r.FirstRequest, r.Banner)
		}
		times = append(times, r.Banner-r.Start)
	}
	slices.Sort(times)
	t.Logf("script execution to banner in the DOM: median %.2f ms, min %.2f ms, max %.2f ms (20 loads)", (times[9]+times[10])/2, times[0], times[19])
}

func TestPlacement(t *testing.T) {
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	attrs := `data-partner="demo" data-components="banner,resources,feedback"`

	// Placeholders: each component renders in the partner's own element.
	url := s.embed("/placeholders", "en", attrs, "",
		`<p id="top">Intro.</p><div data-signpost="resources" id="r"></div><div data-signpost="banner" id="b"></div>`,
		`<div data-signpost="feedback" id="f"></div>`)
	ctx := open(t, browser, url)
	poll(t, ctx, `!!(document.getElementById("f").shadowRoot && document.getElementById("f").shadowRoot.querySelector("form"))`)
	if got := eval[string](t, ctx, `["b","r","f"].map(id => document.getElementById(id).shadowRoot ? "y" : "n").join("") + document.querySelectorAll("[data-signpost-own]").length`); got != "yyy0" {
		t.Errorf("placeholders used: %s, want yyy0", got)
	}

	// No placeholders: banner first in <body>, the others right after the script tag, in order.
	url = s.embed("/default", "en", attrs, "", `<p>Before the script.</p>`, `<p id="after">After the script.</p>`)
	ctx = open(t, browser, url)
	poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]')`)
	order := eval[string](t, ctx, `(() => {
		const s = document.querySelector("script[data-partner]");
		const seq = []; for (let n = s.nextElementSibling; n; n = n.nextElementSibling) seq.push(n.getAttribute("data-signpost") || n.id);
		return (document.body.firstElementChild.getAttribute("data-signpost") || "") + "|" + seq.join(",");
	})()`)
	if order != "banner|resources,feedback,after" {
		t.Errorf("default placement %q, want banner|resources,feedback,after", order)
	}
}

// TestHostilePage: page CSS hiding and recolouring everything in <body>, prototype pollution,
// a broken fetch and Promise, and jQuery 1.12: the banner still shows, correct and styled.
// The stylesheet says `body *`, not `*`: `* { display: none !important }` also hides <html> and
// <body>, and then no element of the page, the widget's or any other, can be rendered at all.
func TestHostilePage(t *testing.T) {
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	url := s.embed("/hostile", "en", `data-partner="demo" data-region="CA"`,
		`<link rel="stylesheet" href="/hostile.css"><script src="/jquery.js"></script><script src="/hostile.js"></script>`, "", "")
	ctx := open(t, browser, url)
	poll(t, ctx, bannerText+`.length > 0`)
	var st bannerState
	if err := json.Unmarshal([]byte(eval[string](t, ctx, readBanner)), &st); err != nil {
		t.Fatal(err)
	}
	if !st.Visible || st.Border != "solid" || st.Color == "rgb(255, 0, 0)" {
		t.Errorf("hostile page: visible %v, border %q, colour %q", st.Visible, st.Border, st.Color)
	}
	if !strings.Contains(st.Text, "988") || strings.Contains(st.Text, "evil") || strings.Contains(hrefs(st.Links), "666") {
		t.Errorf("hostile page changed the banner's content: %q %s", st.Text, hrefs(st.Links))
	}
	if _, ok := findLink(st.Links, "tel:988"); !ok {
		t.Errorf("tel:988 missing: %s", hrefs(st.Links))
	}
	if got := eval[string](t, ctx, `typeof jQuery + " " + jQuery.fn.jquery + " " + typeof Signpost + " " + Signpost.version`); !strings.HasPrefix(got, "function 1.12.4 function ") {
		t.Errorf("page and widget globals: %q", got)
	}
	// The page's own scripts threw nothing of ours.
	var p probe
	_ = json.Unmarshal([]byte(eval[string](t, ctx, `JSON.stringify(window.__probe)`)), &p)
	for _, e := range p.Errors {
		if !strings.Contains(e, "broken on this page") {
			t.Errorf("script error: %s", e)
		}
	}
}

func TestSignpostAPI(t *testing.T) {
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	// A call queued before the script loads, Plausible-style, runs once it is ready: here the
	// partner's page asks for destroy, so no component stays.
	ctx := open(t, browser, s.embed("/api", "en", `data-partner="demo" data-components="banner"`, `<script src="/queue.js"></script>`, "", ""))
	poll(t, ctx, `typeof Signpost === "function" && !!Signpost.version`)
	if n := eval[int](t, ctx, `document.querySelectorAll("[data-signpost]").length`); n != 0 {
		t.Errorf("queued destroy did not run: %d hosts", n)
	}
	if n := eval[int](t, ctx, `Signpost.render(), document.querySelectorAll('[data-signpost="banner"]').length`); n != 1 {
		t.Errorf("after render: %d banners", n)
	}
	if n := eval[int](t, ctx, `Signpost("render"), Signpost("render"), document.querySelectorAll('[data-signpost="banner"]').length`); n != 1 {
		t.Errorf("render twice: %d banners, want 1", n)
	}
	if n := eval[int](t, ctx, `Signpost.destroy(), document.querySelectorAll("[data-signpost]").length`); n != 0 {
		t.Errorf("after destroy: %d hosts", n)
	}
	if n := eval[int](t, ctx, `Signpost("nonsense"), Signpost("constructor"), 1`); n != 1 {
		t.Error("unknown commands must be ignored")
	}
	cleanProbe(t, ctx)
}

// TestCrisisPhraseShowsLines types, key by key, a comment that reads like a crisis: the crisis
// lines appear in the form before anything is submitted.
func TestCrisisPhraseShowsLines(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	for _, tc := range []struct{ locale, region, phrase, want string }{
		{"en", "CA", "Honestly I want to die", "tel:988"},
		{"fr", "CA-QC", "Je veux METTRE FIN A MES JOURS", "tel:+18662773553"},
	} {
		url := s.embed("/crisis-"+tc.locale, tc.locale, fmt.Sprintf(`data-partner="demo" data-region="%s" data-components="banner,feedback"`, tc.region), "", "", "")
		ctx := open(t, browser, url)
		poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+shadow("feedback")+`.querySelector("textarea")`)
		if n := eval[int](t, ctx, shadow("feedback")+`.querySelectorAll(".crisis").length`); n != 0 {
			t.Fatalf("crisis lines shown before any text")
		}
		eval[bool](t, ctx, shadow("feedback")+`.querySelector("textarea").focus() || true`)
		if err := chromedp.Do(ctx, chromedp.KeyEvent(tc.phrase)); err != nil {
			t.Fatal(err)
		}
		poll(t, ctx, shadow("feedback")+`.querySelectorAll(".crisis a").length > 0`)
		links := eval[string](t, ctx, `[...`+shadow("feedback")+`.querySelectorAll(".crisis a")].map(a => a.getAttribute("href")).join(" ")`)
		if !strings.Contains(links, tc.want) {
			t.Errorf("%s: crisis lines in the form %q, want %s", tc.locale, links, tc.want)
		}
		if role := eval[string](t, ctx, shadow("feedback")+`.querySelector(".crisis").getAttribute("role")`); role != "alert" {
			t.Errorf("crisis box role %q, want alert", role)
		}
		if n := eval[string](t, ctx, shadow("feedback")+`.querySelector("textarea").value`); n != tc.phrase {
			t.Errorf("typed %q, textarea has %q", tc.phrase, n)
		}
	}
}

// exitPage is a page whose quick exit lands on the site's /exited page.
func exitPage(s *site, path string) string {
	return s.embed(path, "en", fmt.Sprintf(`data-partner="demo" data-components="banner,exit,feedback" data-exit-url="%s/exited"`, s.origin), "", "", "")
}

func TestQuickExit(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)

	t.Run("button", func(t *testing.T) {
		ctx := open(t, browser, exitPage(s, "/exit-button"))
		poll(t, ctx, `!!document.querySelector('[data-signpost="exit"]')`)
		before := eval[int](t, ctx, `history.length`)
		if note := eval[string](t, ctx, shadow("exit")+`.textContent`); !strings.Contains(note, "Quick exit") || !strings.Contains(note, "history is not erased") {
			t.Errorf("exit copy %q", note)
		}
		// A real click at the button's position.
		x := eval[float64](t, ctx, `(() => { const r = `+shadow("exit")+`.querySelector("button").getBoundingClientRect(); return r.x + r.width / 2 })()`)
		y := eval[float64](t, ctx, `(() => { const r = `+shadow("exit")+`.querySelector("button").getBoundingClientRect(); return r.y + r.height / 2 })()`)
		if err := chromedp.Do(ctx, chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatal(err)
		}
		poll(t, ctx, `location.pathname === "/exited"`)
		if after := eval[int](t, ctx, `history.length`); after != before {
			t.Errorf("history grew from %d to %d: the exit must replace, not push", before, after)
		}
		// The partner page was replaced: Back does not lead to it.
		if err := chromedp.Do(ctx, chromedp.NavigateBack()); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		if p, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`)); err == nil && strings.Contains(p, "/exit-button") {
			t.Errorf("Back returned to the page the visitor left: %s", p)
		}
	})

	t.Run("restored from the back-forward cache", func(t *testing.T) {
		ctx := open(t, browser, exitPage(s, "/exit-pageshow"))
		poll(t, ctx, `!!document.querySelector('[data-signpost="exit"]')`)
		// What a restore from the back-forward cache looks like to the page after a hide.
		got := eval[string](t, ctx, `(() => {
			document.documentElement.style.setProperty("display", "none", "important");
			window.dispatchEvent(new PageTransitionEvent("pageshow", {persisted: true}));
			return getComputedStyle(document.documentElement).display })()`)
		if got == "none" {
			t.Error("pageshow from the back-forward cache leaves the page hidden")
		}
	})

	t.Run("shift three times", func(t *testing.T) {
		ctx := open(t, browser, exitPage(s, "/exit-keys"))
		poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+shadow("feedback")+`.querySelector("textarea")`)
		// Shift while typing in the form does not count.
		eval[bool](t, ctx, shadow("feedback")+`.querySelector("textarea").focus() || true`)
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Shift+kb.Shift+kb.Shift)); err != nil {
			t.Fatal(err)
		}
		// Shift with another key (capitals) does not count either.
		eval[bool](t, ctx, `document.activeElement.blur() || document.body.focus() || true`)
		eval[bool](t, ctx, shadow("feedback")+`.querySelector("textarea").blur() || true`)
		// Two Shifts, a capital (Shift with another key), one Shift: never three Shifts in a row.
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Shift+kb.Shift), chromedp.KeyEvent("A"), chromedp.KeyEvent(kb.Shift)); err != nil {
			t.Fatal(err)
		}
		if p := eval[string](t, ctx, `location.pathname`); p != "/exit-keys" {
			t.Fatalf("left the page on Shift in a field or Shift+A: %s", p)
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Shift+kb.Shift+kb.Shift)); err != nil {
			t.Fatal(err)
		}
		poll(t, ctx, `location.pathname === "/exited"`)
	})
}

// TestAxe runs axe-core (WCAG 2.2 A and AA, best practices, Label in Name) over every
// component, in English and French, on a touch phone and on a desktop: no violations.
func TestAxe(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	axe := browsertest.AxeScript(t)
	s := newSite(t, edge)
	for _, loc := range []string{"en", "fr"} {
		for _, vp := range []struct {
			name          string
			width, height int64
			touch         bool
		}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
			t.Run(loc+" "+vp.name, func(t *testing.T) {
				url := s.embed("/axe-"+loc, loc, `data-partner="demo" data-components="banner,resources,feedback,exit"`, "", "", "")
				ctx := open(t, browser, url, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
					if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: vp.width, Height: vp.height, DeviceScaleFactor: 1, Mobile: vp.touch}); err != nil {
						return err
					}
					_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: vp.touch, MaxTouchPoints: 5})
					return err
				}))
				poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+shadow("feedback")+`.querySelector("form")`)
				// Show the conditional parts too: the banner's list of lines, the email field and
				// the crisis box.
				eval[bool](t, ctx, `(() => { `+shadow("banner")+`.querySelector(".more").click(); const r = `+shadow("feedback")+`; const c = r.querySelector("[type=checkbox]"); c.click();
					const t = r.querySelector("textarea"); t.value = "suicide"; t.dispatchEvent(new Event("input")); return true })()`)
				eval[bool](t, ctx, axe)
				raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatal(err)
				}
				res := browsertest.CheckAxe(t, loc+" "+vp.name, raw)
				for _, rule := range []string{"target-size", "label-content-name-mismatch", "color-contrast"} {
					if !res.Ran(rule) {
						t.Errorf("axe did not run %s", rule)
					}
				}
				cleanProbe(t, ctx)
				// The two rules catch what the old banner did: a spelled-out aria-label on a link
				// reading "Call 988", and links 20 px tall one above the other.
				eval[bool](t, ctx, `(() => { const p = document.createElement("p");
					for (const [h, n, l] of [["tel:988", "Call 988", "Call 9 8 8"], ["sms:988", "Text 988", "Text 9 8 8"]]) {
						const a = document.createElement("a"); a.href = h; a.textContent = n; a.setAttribute("aria-label", l);
						a.style.cssText = "display:table;height:20px;line-height:20px;font-size:14px"; p.append(a); }
					`+shadow("banner")+`.querySelector(".head").after(p); return true })()`)
				raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
				if err != nil {
					t.Fatal(err)
				}
				var old browsertest.AxeResult
				if err := json.Unmarshal([]byte(raw), &old); err != nil {
					t.Fatal(err)
				}
				var found []string
				for _, v := range old.Violations {
					found = append(found, v.ID)
				}
				if !slices.Contains(found, "label-content-name-mismatch") || !slices.Contains(found, "target-size") {
					t.Errorf("axe missed the old banner's faults: violations %v", found)
				}
			})
		}
	}
}

// TestKeyboardOnly tabs through the whole widget with the keyboard alone: every control is
// reachable and the form can be filled and sent without a mouse.
func TestKeyboardOnly(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	url := s.embed("/keys", "en", `data-partner="demo" data-region="CA" data-components="banner,exit,feedback"`, "", "", "")
	ctx := open(t, browser, url)
	poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+shadow("feedback")+`.querySelector("button")`)
	focused := func() string {
		return eval[string](t, ctx, `(() => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
			return e ? (e.tagName + ":" + (e.hasAttribute("aria-expanded") ? "more " + e.getAttribute("aria-expanded") : e.getAttribute("href") || e.getAttribute("type") || e.getAttribute("name") || e.textContent.trim().slice(0, 20))) : "" })()`)
	}
	var seen []string
	for range 40 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		f := focused()
		if f == "BUTTON:more false" {
			// The banner's other lines are one key away: Enter opens the list, focus stays.
			if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
				t.Fatal(err)
			}
			f = focused()
		}
		seen = append(seen, f)
		if strings.HasPrefix(f, "TEXTAREA") {
			break
		}
	}
	joined := strings.Join(seen, " | ")
	for _, want := range []string{"A:tel:988", "A:tel:911", "BUTTON:more true", "A:sms:686868", "A:tel:18552423310", "BUTTON:button", "INPUT:radio", "TEXTAREA"} {
		if !strings.Contains(joined, want) {
			t.Errorf("not reachable by Tab: %s (focus went %s)", want, joined)
		}
	}
	if strings.Contains(joined, "website") {
		t.Error("the honeypot field is reachable by keyboard")
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent("Useful page.")); err != nil {
		t.Fatal(err)
	}
	if v := eval[string](t, ctx, shadow("feedback")+`.querySelector("textarea").value`); v != "Useful page." {
		t.Errorf("typed comment %q", v)
	}
	// Shift+Tab back to the radios and choose with the arrow keys and Space.
	for range 10 {
		if strings.HasPrefix(focused(), "INPUT:radio") {
			break
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" ")); err != nil {
		t.Fatal(err)
	}
	if n := eval[int](t, ctx, shadow("feedback")+`.querySelectorAll("input[type=radio]:checked").length`); n != 1 {
		t.Errorf("Space on a radio: %d checked, want 1", n)
	}
	// On to the follow-up checkbox (Space reveals the email field), the email, and Send.
	for range 10 {
		if strings.HasPrefix(focused(), "INPUT:checkbox") {
			break
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(" "+kb.Tab+"visitor@example.org"+kb.Tab)); err != nil {
		t.Fatal(err)
	}
	if f := focused(); !strings.HasPrefix(f, "BUTTON:submit") {
		t.Fatalf("after the email, focus is on %s, want the send button", f)
	}
	if v := eval[string](t, ctx, shadow("feedback")+`.querySelector("[type=email]").value`); v != "visitor@example.org" {
		t.Errorf("email typed %q", v)
	}
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	// This edge has no feedback store: the answer is an error, shown in the live region.
	poll(t, ctx, shadow("feedback")+`.querySelector("[role=status]").textContent.length > 0`)
	cleanProbe(t, ctx)
}

func TestResourceCardsAndAccent(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)
	for _, tc := range []struct{ loc, accent, wantMeta, wantBorder string }{
		// #ffff00 has 1.07:1 contrast on white: the default accent is used instead.
		{"en", "#ffff00", "PDF · 383 KB", "rgb(0, 85, 140)"},
		{"fr", "#6a1b9a", "PDF · 383 Ko", "rgb(106, 27, 154)"},
	} {
		url := s.embed("/cards-"+tc.loc, tc.loc, `data-partner="demo" data-components="banner,resources" data-accent="`+tc.accent+`"`, "", "", "")
		ctx := open(t, browser, url)
		poll(t, ctx, `!!document.querySelector('[data-signpost="resources"]') && `+shadow("resources")+`.querySelectorAll(".card").length > 0`)
		var card struct {
			Cards  int    `json:"cards"`
			Meta   string `json:"meta"`
			Href   string `json:"href"`
			Icon   bool   `json:"icon"`
			Border string `json:"border"`
			Target string `json:"target"`
		}
		raw := eval[string](t, ctx, `(() => { const r = `+shadow("resources")+`, c = r.querySelector(".card");
			return JSON.stringify({cards: r.querySelectorAll(".card").length, meta: c.querySelector(".meta").textContent,
				href: c.querySelector("a").getAttribute("href"), icon: !!c.querySelector("svg path"),
				border: getComputedStyle(c).borderLeftColor, target: c.querySelector("a").getAttribute("target") || ""}) })()`)
		if err := json.Unmarshal([]byte(raw), &card); err != nil {
			t.Fatal(err)
		}
		if card.Cards != 8 || card.Meta != tc.wantMeta || !strings.HasPrefix(card.Href, "https://") || !card.Icon || card.Target != "" {
			t.Errorf("%s cards: %+v", tc.loc, card)
		}
		if card.Border != tc.wantBorder {
			t.Errorf("%s accent %s: border %s, want %s", tc.loc, tc.accent, card.Border, tc.wantBorder)
		}
		cleanProbe(t, ctx)
	}
}
