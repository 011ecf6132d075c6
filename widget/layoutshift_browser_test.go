package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/widget"
)

// clsObserver sums the page's layout shifts (Chromium's Layout Instability API). Cumulative
// Layout Shift leaves out shifts within 500 ms of the visitor's input; these tests give none,
// but headless Chromium stamps an input time on the navigation itself (before the first paint),
// which would hide every shift of the page's first half second: so every shift counts here.
const clsObserver = `window.__cls = 0; window.__shifts = [];
new PerformanceObserver((l) => l.getEntries().forEach((e) => {
  window.__cls += e.value;
  window.__shifts.push({value: e.value, at: e.startTime, nodes: (e.sources || []).map((s) => (s.node ? s.node.nodeName +
    (s.node.dataset && s.node.dataset.signpost ? "[" + s.node.dataset.signpost + "]" : "") : "?") +
    " " + Math.round(s.previousRect.y) + "->" + Math.round(s.currentRect.y))});
})).observe({type: "layout-shift", buffered: true});`

// phoneAction makes the tab a 390x844 phone (touch, or not), or with phone false a 1280x900
// desktop.
func phoneAction(phone bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		w, h := int64(1280), int64(900)
		if phone {
			w, h = 390, 844
		}
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 3, Mobile: phone}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: phone, MaxTouchPoints: 5})
		return err
	})
}

// evalJSON evaluates expr, a JSON string, into out.
func evalJSON(t *testing.T, ctx context.Context, expr string, out any) {
	t.Helper()
	if err := json.Unmarshal([]byte(eval[string](t, ctx, expr)), out); err != nil {
		t.Fatal(err)
	}
}

// slowPhone is a 390x844 touch phone on a slow link: 300 ms latency, 200 KiB/s each way.
func slowPhone() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := phoneAction(true)(ctx, tg); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: 300, DownloadThroughput: 200 * 1024, UploadThroughput: 200 * 1024}}})
		return err
	})
}

type shiftReport struct {
	CLS    float64 `json:"cls"`
	Shifts []struct {
		Value float64  `json:"value"`
		At    float64  `json:"at"`
		Nodes []string `json:"nodes"`
	} `json:"shifts"`
	Banner float64 `json:"banner"`
	// Paint is when the page first painted, Released when the test let the snippet (late) or the
	// stylesheets (early) through, in the page's milliseconds.
	Paint    float64 `json:"paint"`
	Released float64 `json:"released"`
}

// gate holds the tab's requests whose URL contains a string before they leave the browser (the
// CDP Fetch domain), until the test opens it: the test, not a race, decides when they arrive.
type gate struct {
	contains string
	held     atomic.Int32
	release  chan struct{}
	once     sync.Once
}

func newGate(contains string) *gate { return &gate{contains: contains, release: make(chan struct{})} }

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// waitHeld waits until the gate holds a request (30 s at most).
func (g *gate) waitHeld(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); g.held.Load() == 0; time.Sleep(25 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no request for %q within 30 s", g.contains)
		}
	}
}

// hold pauses the tab's requests matching a gate until that gate opens.
func hold(gates ...*gate) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		var patterns []*cdpfetch.RequestPattern
		for _, g := range gates {
			patterns = append(patterns, &cdpfetch.RequestPattern{URLPattern: "*" + g.contains + "*", RequestStage: cdpfetch.RequestStageRequest})
		}
		paused := make(chan *cdpfetch.EventRequestPaused, 64)
		if err := chromedp.Listen(ctx, func(ev any) {
			if e, ok := ev.(*cdpfetch.EventRequestPaused); ok {
				paused <- e
			}
		}); err != nil {
			return err
		}
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case e := <-paused:
					var release <-chan struct{}
					for _, g := range gates {
						if strings.Contains(e.Request.URL, g.contains) {
							g.held.Add(1)
							release = g.release
							break
						}
					}
					go func() {
						if release != nil {
							select {
							case <-release:
							case <-ctx.Done():
								return
							}
						}
						chromedp.Call(ctx, cdpfetch.ContinueRequest, cdpfetch.ContinueRequestParams{RequestID: e.RequestID})
					}()
				}
			}
		}()
		_, err := chromedp.Call(ctx, cdpfetch.Enable, cdpfetch.EnableParams{Patterns: patterns})
		return err
	})
}

// twoFrames waits for two of the page's animation frames: what the DOM held before has been
// laid out and painted.
func twoFrames(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
}

// shiftPage is a page whose layout shift is measured.
type shiftPage struct {
	name, url string
	// drawn is a JS condition: the widget has drawn everything, what the snippet brings included.
	drawn string
	// arrives, when set, is the placeholder of the first component that comes with the snippet:
	// the test checks that it is on the phone's first screen when the snippet is let through
	// (the worst case: what follows it is in sight, or would be without the reservation).
	arrives string
	// The CLS wanted: at most max; at least min for a page shown to shift (a control).
	max, min float64
}

const painted = `performance.getEntriesByType("paint").length > 0`

// measureShift loads the page on the slow phone and returns the layout shift it saw, the test
// deciding when the widget and the snippet (resources, feedback, a region's lines) arrive.
// Late: the widget's script is held until the page has painted without it; then the snippet is
// held until the page has painted with the widget's banner (two frames), and let through. Early:
// the page's stylesheets (render-blocking) are held until the widget has drawn everything, so
// that nothing is painted before. With SIGNPOST_SCREENSHOTS=dir, the phone's screen is kept when
// the snippet is let through (late) and once everything is drawn.
func measureShift(t *testing.T, browser browsertest.Page, p shiftPage, late bool) shiftReport {
	t.Helper()
	script, snippet, styles := newGate("/v1/widget."), newGate("/v1/snippets/"), newGate(".css")
	gates := []*gate{styles}
	if late {
		gates = []*gate{script, snippet}
	}
	ctx, cancel := context.WithTimeout(browsertest.CDP(t, browser.Tab(t)), 2*time.Minute)
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, initScript(clsObserver), slowPhone(), hold(gates...), chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		// Not chromedp.Navigate, which waits for the load event: held requests delay it.
		_, err := chromedp.Call(ctx, page.Navigate, page.NavigateParams{URL: p.url})
		return err
	})); err != nil {
		t.Fatalf("navigate %s: %v", p.url, err)
	}
	if late {
		script.waitHeld(t)
		poll(t, ctx, painted)
		twoFrames(t, ctx)
		script.open()
		snippet.waitHeld(t)
		poll(t, ctx, `!!`+shadow("banner")+` && !!`+shadow("banner")+`.querySelector(".banner")`)
		twoFrames(t, ctx)
		if p.arrives != "" && !eval[bool](t, ctx, `document.querySelector(`+strconv.Quote(p.arrives)+`).getBoundingClientRect().top < innerHeight`) {
			t.Fatalf("%s is below the first screen: not the worst case", p.arrives)
		}
		shot(t, ctx, p.name+", held")
	} else {
		styles.waitHeld(t)
		poll(t, ctx, p.drawn)
		if eval[bool](t, ctx, painted) {
			t.Fatal("the page painted while its stylesheets were held")
		}
	}
	eval[float64](t, ctx, `window.__released = performance.now()`)
	snippet.open()
	styles.open()
	poll(t, ctx, painted+" && "+p.drawn)
	// Layout shift entries are reported after the frame that shifted.
	twoFrames(t, ctx)
	time.Sleep(300 * time.Millisecond)
	twoFrames(t, ctx)
	shot(t, ctx, p.name+", drawn")
	var r shiftReport
	evalJSON(t, ctx, `JSON.stringify({cls: window.__cls, shifts: window.__shifts, released: window.__released,
		paint: performance.getEntriesByType("paint")[0].startTime,
		banner: document.querySelector('[data-signpost="banner"]').getBoundingClientRect().height})`, &r)
	cleanProbe(t, ctx)
	return r
}

// shot keeps a screenshot of the tab's viewport in $SIGNPOST_SCREENSHOTS, if set.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SIGNPOST_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	file := "layoutshift-" + strings.Trim(regexp.MustCompile(`[^a-z0-9]+`).ReplaceAllString(strings.ToLower(name), "-"), "-") + ".png"
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, file), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// builderCode is what the embed builder writes for the query, as a partner copies it.
func builderCode(t *testing.T, edge string, q url.Values) (c struct{ Evergreen, Placeholders, Reserve string }) {
	t.Helper()
	resp, err := http.Get(edge + "/embed/code?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || c.Reserve == "" || c.Placeholders == "" || c.Evergreen == "" {
		t.Fatalf("builder code for %s: %+v %v", q.Encode(), c, err)
	}
	return c
}

// partnerPage serves a partner's page at path embedding the widget as the builder writes it for
// q: the top placeholders first in the body, the others at the end of a short article, then the
// page's footer, then the script tag; the reservation rule in the partner's own stylesheet (or
// reserve instead, when given). The article is short, so that the resources and feedback arrive
// on a phone's first screen, with the footer after them: the worst case.
func partnerPage(t *testing.T, s *site, edge, path, lang string, q url.Values, reserve string) string {
	t.Helper()
	code := builderCode(t, edge, q)
	if reserve != "" {
		code.Reserve = reserve
	}
	top, content, _ := strings.Cut(code.Placeholders, "\n<!-- ")
	s.css(path+".css", `body { margin: 0; font: 17px/1.5 Georgia, serif; } header, footer { background: #2d4a3e; color: #fff; padding: 12px 24px; }
main { padding: 16px 24px; } footer { min-height: 200px; }
`+code.Reserve)
	article := strings.Repeat("<p>The partner's own article text, which a visitor starts reading as soon as it appears.</p>\n", 2)
	return s.page(path, fmt.Sprintf(`<!doctype html><html lang="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title><link rel="stylesheet" href="%s.css"></head>
<body>%s<header><p>Partner health site</p></header><main><h1>Anxiety</h1>%s<!-- %s</main><footer><p>The partner's footer, with its own links.</p></footer>%s</body></html>`,
		lang, path, top, article, content, code.Evergreen))
}

// TestLayoutShift measures Cumulative Layout Shift on a 390x844 phone over a slow link, the test
// deciding when each response arrives (measureShift): late, the widget's script after the page's
// first paint and the snippet (resources, feedback, a region's lines) after the page has painted
// with the banner (the worst case); early, everything drawn before the first paint. Pages: the
// embed the builder recommends (its placeholders and its reservation rule in the partner's own
// stylesheet, under a strict CSP, the resources and feedback on the first screen with the
// partner's footer after them), in English, Québec French, for a US visitor (lines that come with
// the snippet) and with feedback alone; a control, the same page with the banner and quick exit
// reserved only, which must shift (the worst case is real, no race or font hides it); the edge's
// demo page (embedded the same way); and a plain page with an empty placeholder and no
// reservation.
func TestLayoutShift(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	all := "banner,resources,feedback,exit"
	demo := url.Values{"partner": {"demo"}, "components": {all}}
	recommended := partnerPage(t, s, edge, "/recommended", "en", demo, "")
	quebec := partnerPage(t, s, edge, "/quebec", "fr", url.Values{"partner": {"demo"}, "components": {all}, "region": {"CA-QC"}, "locale": {"fr"}}, "")
	// The bundle carries the lines of Canada only: a US visitor's come with the snippet.
	us := partnerPage(t, s, edge, "/us", "en", url.Values{"partner": {"demo"}, "components": {all}, "region": {"US"}}, "")
	feedback := partnerPage(t, s, edge, "/feedback", "en", url.Values{"partner": {"demo"}, "components": {"banner,feedback,exit"}}, "")
	// The control: the same page reserving the banner and quick exit only, as the builder used
	// to, moves its footer when the snippet comes late. The test sees it; no race hides it.
	control := partnerPage(t, s, edge, "/control", "en", demo, widget.ReserveCSS([]string{"banner", "exit"}, 0))
	plain := s.page("/plain", fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title></head>
<body><div data-signpost="banner"></div><header><p>Partner health site</p></header><main><h1>Anxiety</h1>%s</main>
<script async src="%s/v1/widget.js" data-partner="demo" data-components="banner"></script></body></html>`,
		strings.Repeat("<p>The partner's own article text, which a visitor starts reading as soon as it appears.</p>\n", 6), edge))

	form := `!!` + shadow("feedback") + ` && !!` + shadow("feedback") + `.querySelector("form")`
	everything := form + ` && !!` + shadow("resources") + ` && !!` + shadow("resources") + `.querySelector(".card")`
	res := `[data-signpost="resources"]`
	usLines := ` && ` + shadow("banner") + `.querySelector(".panel").textContent.includes("Veterans Crisis Line")`
	for _, tc := range []struct {
		shiftPage
		late bool
	}{
		{shiftPage{"recommended embed, snippet late", recommended, everything, res, 0.02, 0}, true},
		{shiftPage{"recommended embed, snippet early", recommended, everything, res, 0.02, 0}, false},
		{shiftPage{"recommended embed, Québec in French, snippet late", quebec, everything, res, 0.02, 0}, true},
		{shiftPage{"recommended embed, US lines from the snippet, snippet late", us, everything + usLines, res, 0.02, 0}, true},
		{shiftPage{"recommended embed, feedback only, snippet late", feedback, form, `[data-signpost="feedback"]`, 0.02, 0}, true},
		{shiftPage{"control: the banner and quick exit reserved only, snippet late", control, everything, "footer", 1, 0.1}, true},
		{shiftPage{"demo page, snippet late", edge + "/", everything, "", 0.02, 0}, true},
		{shiftPage{"demo page, Québec in French, snippet late", edge + "/?region=CA-QC&locale=fr", everything, "", 0.02, 0}, true},
		// Not what anyone should ship, but what a partner who skips the reservation gets:
		// Google's "poor" threshold is 0.25.
		{shiftPage{"plain page, empty placeholder, no reservation", plain, `!!` + shadow("banner") + ` && !!` + shadow("banner") + `.querySelector(".acts a")`, "", 0.25, 0}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := measureShift(t, browser, tc.shiftPage, tc.late)
			t.Logf("%s: CLS %.4f over %d shifts (banner %.0f px; first paint at %.0f ms, %s let through at %.0f ms) %+v",
				tc.name, r.CLS, len(r.Shifts), r.Banner, r.Paint, map[bool]string{true: "snippet", false: "stylesheets"}[tc.late], r.Released, r.Shifts)
			if r.CLS > tc.max || r.CLS < tc.min {
				t.Errorf("%s: CLS %.4f, want %.2f to %.2f; shifts %+v", tc.name, r.CLS, tc.min, tc.max, r.Shifts)
			}
		})
	}
}

// TestQuickExitItAddsMovesNothing: without a placeholder for quick exit (the partner's own
// components, the server-rendered banner in its placeholder and the script tag), the widget adds
// the bar itself, last in the body, kept at the bottom of the screen (sticky): it moves nothing
// on a 390x844 phone over a slow link (CLS at most 0.02, the widget arriving after the first
// paint and the snippet later still), it covers none of the banner's first actions (safety rule
// 7), its button is a 44 px target, and at the end of the page it sits below the page's last
// element (here the feedback form, which the widget adds after the script tag), not over it.
func TestQuickExitItAddsMovesNothing(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	s.css("/include.css", "body { margin: 0; font: 17px/1.5 Georgia, serif; } header, footer { background: #2d4a3e; color: #fff; padding: 12px 24px; }\n"+
		"main { padding: 16px 24px; }\n"+widget.ReserveCSS([]string{"banner"}, 0))
	article := strings.Repeat("<p>The partner's own article text, which a visitor starts reading as soon as it appears.</p>\n", 8)
	pageURL := s.page("/include", fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title><link rel="stylesheet" href="/include.css"></head>
<body>%s<header><p>Partner health site</p></header><main><h1>Anxiety</h1>%s</main><footer><p>The partner's footer, with its own links.</p></footer>
<script async src="%s/v1/widget.js" data-partner="demo"></script></body></html>`, fetch(t, edge+"/v1/banner/demo.html"), article, edge))
	s.withCSP("/include", "default-src 'self'; script-src 'self' "+edge+"; connect-src "+edge+"; style-src 'self' "+edge)

	// Late only: a stylesheet in the body (the fragment's) stops Chromium's parser until every
	// stylesheet has loaded, so holding them to keep the first paint back would hold the script
	// tag back too. Late is the case that moved the page.
	drawn := `!!document.querySelector("signpost-exit") && !!` + shadow("exit") + `.querySelector(".exit button") && !!` + shadow("feedback") + ` && !!` + shadow("feedback") + `.querySelector("form")`
	name := "quick exit added, widget and snippet late"
	r := measureShift(t, browser, shiftPage{name: name, url: pageURL, drawn: drawn}, true)
	t.Logf("%s: CLS %.4f over %d shifts (first paint at %.0f ms, snippet let through at %.0f ms) %+v", name, r.CLS, len(r.Shifts), r.Paint, r.Released, r.Shifts)
	if r.CLS > 0.02 {
		t.Errorf("%s: CLS %.4f, want at most 0.02; shifts %+v", name, r.CLS, r.Shifts)
	}

	// Where the bar is on the phone as first shown, and at the end of the page.
	ctx := open(t, browser, pageURL, phoneAction(true))
	poll(t, ctx, drawn)
	type rect struct{ Top, Bottom, Left, Right, Width, Height float64 }
	var g struct {
		Bar, Button, End rect
		Acts             []rect
		Hit              []bool
		Last             bool
		Screen           float64
	}
	geometry := `(() => {
  const r = (e) => { const b = e.getBoundingClientRect(); return {top: b.top, bottom: b.bottom, left: b.left, right: b.right, width: b.width, height: b.height}; };
  const bar = ` + shadow("exit") + `.querySelector(".exit"), banner = ` + shadow("banner") + `;
  const acts = [...banner.querySelectorAll(".acts a")];
  return JSON.stringify({bar: r(bar), button: r(bar.querySelector("button")), end: r(document.querySelector("signpost-exit").previousElementSibling),
    acts: acts.map(r), screen: innerHeight, last: document.body.lastElementChild === document.querySelector("signpost-exit"),
    // What a tap at the middle of each action reaches: the action itself, nothing over it.
    hit: acts.map((a) => { const b = a.getBoundingClientRect(), e = banner.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2); return !!e && a.contains(e); })});
})()`
	evalJSON(t, ctx, geometry, &g)
	if !g.Last || math.Abs(g.Bar.Bottom-g.Screen) > 0.5 || math.Abs(g.Bar.Height-widget.ExitBar) > 0.5 {
		t.Errorf("the bar is not at the bottom of the screen (%.0f px tall) as first shown: %+v, screen %.0f, last in the body %v", g.Bar.Height, g.Bar, g.Screen, g.Last)
	}
	if g.Button.Width < 44 || g.Button.Height < 44 {
		t.Errorf("quick exit button %.0fx%.0f px, want at least 44x44", g.Button.Width, g.Button.Height)
	}
	// Safety rule 7: the first line's call and text and the emergency number, as first shown.
	if len(g.Acts) < 3 {
		t.Fatalf("banner actions %+v, want call, text and emergency", g.Acts)
	}
	for i, a := range g.Acts {
		if a.Top < 0 || a.Bottom > g.Bar.Top || !g.Hit[i] || a.Height < 44 {
			t.Errorf("banner action %d %+v is not wholly visible above the bar (top %.0f) and reachable: hit %v", i, a, g.Bar.Top, g.Hit[i])
		}
	}
	eval[bool](t, ctx, `scrollTo(0, document.scrollingElement.scrollHeight), true`)
	twoFrames(t, ctx)
	evalJSON(t, ctx, geometry, &g)
	// (A margin of the last element's own may lie between them.)
	if g.End.Bottom > g.Bar.Top+0.5 || g.End.Bottom < g.Bar.Top-16 || math.Abs(g.Bar.Bottom-g.Screen) > 0.5 {
		t.Errorf("at the end of the page the bar %+v is not right below the page's last element %+v", g.Bar, g.End)
	}
	shot(t, ctx, "quick exit added, end of the page")
}

// TestLateComponentHeights: the heights ReserveCSS reserves for the components that come with
// the snippet are those the widget draws with the shipped content, on the demo page (a 342 px
// column on a 390x844 phone, 736 px on a 1280x900 desktop), in English and in French: the
// feedback form at most FeedbackPhone or FeedbackWide and less than 80 px under it; the
// resources within 15% of ResourcePhone each, or ResourceRowWide per row of two. And a
// placeholder's reservation ends once the widget draws into it (the :host rule sets every
// property), so a component takes its own height.
func TestLateComponentHeights(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	n := featured(t, "demo")
	for _, phone := range []bool{true, false} {
		for _, q := range []string{"", "?region=CA-QC&locale=fr"} {
			ctx := open(t, browser, edge+"/"+q, phoneAction(phone))
			poll(t, ctx, `!!`+shadow("feedback")+` && !!`+shadow("feedback")+`.querySelector("form")`)
			var h struct {
				Feedback, Resources float64
				Cards               int
				MinHeights          []string
			}
			evalJSON(t, ctx, `JSON.stringify({feedback: document.querySelector('[data-signpost="feedback"]').getBoundingClientRect().height,
				resources: document.querySelector('[data-signpost="resources"]').getBoundingClientRect().height,
				cards: `+shadow("resources")+`.querySelectorAll(".card").length,
				minHeights: [...document.querySelectorAll("[data-signpost]")].map((e) => getComputedStyle(e).minHeight)})`, &h)
			feedback, resources := float64(widget.FeedbackWide), float64((n+1)/2*widget.ResourceRowWide)
			if phone {
				feedback, resources = widget.FeedbackPhone, float64(n*widget.ResourcePhone)
			}
			name := fmt.Sprintf("demo page%s, phone %v", q, phone)
			t.Logf("%s: feedback %.0f px (reserved %.0f), %d resources %.0f px (reserved %.0f)", name, h.Feedback, feedback, h.Cards, h.Resources, resources)
			if h.Feedback > feedback || h.Feedback < feedback-80 {
				t.Errorf("%s: feedback form %.0f px, reserved %.0f", name, h.Feedback, feedback)
			}
			if h.Cards != n || math.Abs(h.Resources-resources) > 0.15*resources {
				t.Errorf("%s: %d resources %.0f px, reserved %.0f for %d", name, h.Cards, h.Resources, resources, n)
			}
			for _, m := range h.MinHeights {
				if m != "0px" {
					t.Errorf("%s: a drawn component keeps min-height %s: the partner's reservation still holds", name, m)
				}
			}
		}
	}
}
