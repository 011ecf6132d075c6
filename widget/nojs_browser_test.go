package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
)

// Signpost without JavaScript: the server-rendered banner included in a partner's page, and the
// framable page with its feedback form, in browsers that run no script.

// jsProbe would mark the page if any script ran: with scripts off, it must not.
const jsProbe = `<script>document.documentElement.setAttribute("data-js", "ran")</script>`

// scriptsOff turns script execution off for the tab, as a visitor with JavaScript disabled.
func scriptsOff() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	})
}

// noEmulation gives the tab back the browser's own viewport and pointer (phoneAction undone).
func noEmulation() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: false})
		return err
	})
}

// devtoolsEval evaluates as DevTools does, which works with the page's scripts off.
func devtoolsEval(ctx context.Context) func(string, any) error {
	return func(expr string, out any) error {
		v, err := chromedp.Run(ctx, chromedp.EvaluateAsDevTools[string](expr))
		if err == nil {
			*out.(*string) = v
		}
		return err
	}
}

func fetch(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return string(b)
}

// includePage is a partner page that includes the fragment on the server (as nginx SSI, ESI or
// PHP would), under a CSP that allows the edge's stylesheet and no script at all, with the
// partner's own rules that would break an unprotected banner.
func includePage(t *testing.T, s *site, path, region, loc, extra string) string {
	t.Helper()
	frag := fetch(t, s.edge+"/v1/banner/demo.html?region="+region+"&locale="+loc)
	s.css("/partner.css", `body { margin: 0; font: 18px/1.6 Georgia, serif; } a { color: rgb(255, 0, 0); font-size: 26px; }
div { padding: 20px; border: 3px dashed orange; } #main p { margin: 3em; } section { background: yellow; } ul { list-style: square; }`)
	url := s.page(path, fmt.Sprintf(`<!doctype html><html lang="%s"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner page</title>
<link rel="stylesheet" href="/partner.css">%s</head><body>%s<main id="main"><h1>Partner page</h1><p>The partner's article.</p></main>%s</body></html>`,
		loc, jsProbe, frag, extra))
	s.withCSP(path, "default-src 'self'; style-src 'self' "+s.edge+"; script-src 'none'; frame-src "+s.edge)
	return url
}

// readNoJS reads the light-DOM banner: its box, every control shown, and the lines in its
// disclosure; and whether any script ran.
const readNoJS = `JSON.stringify((() => {
  const b = document.querySelector(".signpost-banner"), r = b.getBoundingClientRect();
  const shown = (e) => e.getClientRects().length > 0 && !(e.tagName != "SUMMARY" && e.closest("details:not([open])"));
  const desc = (e) => { const d = e.getAttribute("aria-describedby"); return d && document.getElementById(d) ? document.getElementById(d).textContent : ""; };
  return {h: r.height, js: document.documentElement.getAttribute("data-js") || "", lang: b.closest("[lang]").lang,
    label: b.getAttribute("aria-label"), open: !!b.querySelector("details[open]"),
    ctl: [...b.querySelectorAll("a, summary")].filter(shown).map((e) => { const x = e.getBoundingClientRect();
      return {href: e.getAttribute("href") || "", text: e.textContent, desc: desc(e), num: e.querySelector(".signpost-n") ? e.querySelector(".signpost-n").textContent : "", panel: !!e.closest(".signpost-panel"),
        tag: e.tagName, r: {X: x.x, Y: x.y, W: x.width, H: x.height}}; })};
})())`

type noJSControl struct {
	control
	Num string `json:"num"`
}

type noJSState struct {
	H     float64       `json:"h"`
	JS    string        `json:"js"`
	Lang  string        `json:"lang"`
	Label string        `json:"label"`
	Open  bool          `json:"open"`
	Ctl   []noJSControl `json:"ctl"`
}

func readNoJSState(t *testing.T, eval func(string, any) error) noJSState {
	t.Helper()
	var raw string
	if err := eval(readNoJS, &raw); err != nil {
		t.Fatal(err)
	}
	var st noJSState
	if err := json.Unmarshal([]byte(raw), &st); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return st
}

// checkNoJSBanner holds the fragment to the widget's banner: its height as first shown, the
// first line's call and text and the emergency number as targets of 44x44 px at least whose
// names are their visible text (a bare number described digit by digit); then, the disclosure
// opened, every line of the region in order.
func checkNoJSBanner(t *testing.T, name string, st noJSState, b snippets.BannerView, height float64, loc string, opened bool) {
	t.Helper()
	if st.JS != "" {
		t.Fatalf("%s: a script ran", name)
	}
	if math.Abs(st.H-height) > 0.5 && !opened {
		t.Errorf("%s: banner %.1f px as first shown, want %.0f (the reserved height)", name, st.H, height)
	}
	if st.Lang != loc || st.Label == "" {
		t.Errorf("%s: lang %q, label %q", name, st.Lang, st.Label)
	}
	var row, panel []string
	for _, c := range st.Ctl {
		if c.Panel {
			panel = append(panel, c.Href)
			continue
		}
		if c.R.W < 44 || c.R.H < 44 {
			t.Errorf("%s: %q is %.0fx%.0f px, want 44x44 at least", name, c.Text, c.R.W, c.R.H)
		}
		// A number written without separators (988) is described digit by digit, as the widget does.
		want := ""
		if len(c.Num) >= 2 {
			want = spelled(c.Num)
		}
		if c.Desc != want {
			t.Errorf("%s: %q described %q, want %q", name, c.Text, c.Desc, want)
		}
		if c.Href != "" {
			row = append(row, c.Href)
		}
	}
	var want []string
	if len(b.Lines) > 0 {
		want = append(want, firstHref(b.Lines[0]))
		if b.Lines[0].Tel != "" && b.Lines[0].SMS != "" {
			want = append(want, "sms:"+b.Lines[0].SMS)
		}
	}
	if len(b.Emergency) > 0 {
		want = append(want, "tel:"+digitsOf(b.Emergency[0]))
	}
	if len(b.Lines) == 0 && b.Directory != nil {
		want = append(want, b.Directory.URL)
	}
	if strings.Join(row, " ") != strings.Join(want, " ") {
		t.Errorf("%s: first shown %v, want %v", name, row, want)
	}
	if !opened {
		if len(panel) > 0 {
			t.Errorf("%s: the disclosure's lines show before it is opened", name)
		}
		return
	}
	for _, l := range b.Lines {
		if !strings.Contains(strings.Join(panel, " "), firstHref(l)) {
			t.Errorf("%s: opened, the list lacks %s (%s)", name, l.Name, firstHref(l))
		}
	}
}

// TestBannerFragmentWithoutJavaScript is a partner page including the fragment, in Chromium
// with scripts off, on a phone and a desktop, in English and French, for regions with several
// lines, one line, and none: the widget's banner, drawn by the server, under the partner's
// hostile rules; the disclosure opens on a tap with no script.
func TestBannerFragmentWithoutJavaScript(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	// One tab, scripts off, for every load of the fragment: no script of the page keeps state
	// in it, each load sets the viewport anew, and a tab costs more than the load.
	off := browsertest.CDP(t, browser.Tab(t))
	s := newSite(t, edge)
	for _, vp := range []struct {
		name  string
		phone bool
		h     float64
	}{{"phone", true, widget.BannerPhone}, {"desktop", false, widget.BannerWide}} {
		for _, c := range []struct{ region, loc string }{{"CA-QC", "fr"}, {"CA", "en"}, {"GB", "en"}, {"AQ", "fr"}} {
			name := fmt.Sprintf("%s %s %s", vp.name, c.region, c.loc)
			b := snippetBanner(t, edge, c.region, c.loc)
			url := includePage(t, s, "/include-"+vp.name+"-"+c.region+"-"+c.loc, c.region, c.loc, "")
			if vp.phone {
				sameNames(t, browser, off, s, url, c.region, c.loc, len(b.Lines) > 0)
			}
			ctx := load(t, off, url, scriptsOff(), phoneAction(vp.phone))
			ev := devtoolsEval(ctx)
			st := readNoJSState(t, ev)
			checkNoJSBanner(t, name, st, b, vp.h, c.loc, false)
			if len(b.Lines) == 0 {
				continue
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("summary.signpost-more"))); err != nil {
				t.Fatalf("%s: tap the disclosure: %v", name, err)
			}
			st = readNoJSState(t, ev)
			if !st.Open {
				t.Fatalf("%s: the disclosure did not open", name)
			}
			checkNoJSBanner(t, name+" opened", st, b, vp.h, c.loc, true)
		}
	}
}

// sameNames holds the fragment's words to the widget's: every control of the banner (links, the
// disclosure), in order, has the same name in both, in the same language; and both offer the
// same places to choose from (the widget a list, the fragment links to the frame page of each).
// The widget's report links (to the frame page's report form, in a new tab) are left aside: the
// fragment, an include, has no report form (TestReportFromWidget).
// The widget loads in a new tab of browser; the fragment in off, a tab with scripts off.
func sameNames(t *testing.T, browser browsertest.Page, off context.Context, s *site, include, region, loc string, lines bool) {
	t.Helper()
	names := `JSON.stringify([...(ROOT).querySelectorAll("a, button, summary")].filter((e) => !e.closest(".where, .signpost-where") && e.target != "_blank").map((e) => e.tagName == "A" ? e.getAttribute("href") + " " + e.textContent : "disclosure " + e.textContent))`
	// The region as the visitor's own choice (data-region would hide the choice of places).
	widgetPage := s.embed("/names-"+region+"-"+loc, loc, `data-partner="demo" data-components="banner" data-locale="`+loc+`"`, "", "", "")
	ctx := open(t, browser, widgetPage)
	poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 0`)
	eval[bool](t, ctx, `localStorage.setItem("signpost-region", "`+region+`"), true`)
	if err := chromedp.Do(ctx, chromedp.Navigate(widgetPage+"?chosen")); err != nil {
		t.Fatal(err)
	}
	// The banner as the edge's answer drew it (the bundle draws Canada's until then).
	poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 0`)
	fromWidget := eval[string](t, ctx, strings.Replace(names, "ROOT", shadow("banner")+`.querySelector(".banner")`, 1))
	places := eval[string](t, ctx, `[...`+shadow("banner")+`.querySelectorAll(".where option")].map((o) => o.value).filter((v) => v != "`+region+`").join(" ")`)
	ctx = load(t, off, include, scriptsOff(), noEmulation())
	var fromServer, serverPlaces string
	if err := devtoolsEval(ctx)(strings.Replace(names, "ROOT", `document.querySelector(".signpost-banner")`, 1), &fromServer); err != nil {
		t.Fatal(err)
	}
	if err := devtoolsEval(ctx)(`[...document.querySelectorAll(".signpost-where a")].map((a) => new URL(a.href).searchParams.get("region")).join(" ")`, &serverPlaces); err != nil {
		t.Fatal(err)
	}
	if places != serverPlaces || (lines && places == "") { // every region with lines here has a choice
		t.Errorf("%s %s: places to choose: widget %q, fragment %q", region, loc, places, serverPlaces)
	}
	if fromWidget != fromServer {
		t.Errorf("%s %s: the controls' names differ\nwidget: %s\nserver: %s", region, loc, fromWidget, fromServer)
	}
}

// pollDevtools waits until expr (a JS boolean expression) holds, evaluated as DevTools does, so
// with the page's scripts off too.
func pollDevtools(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	ev := devtoolsEval(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		var raw string
		if err := ev(`String((() => { try { return !!(`+expr+`) } catch (e) { return false } })())`, &raw); err == nil && raw == "true" {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("never true: %s", expr)
}

// frames are the URLs of a page's child frames, and those that failed to load.
func frames(t *testing.T, ctx context.Context) (loaded, failed []string) {
	t.Helper()
	err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		r, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return err
		}
		for _, c := range r.FrameTree.ChildFrames {
			if c.Frame.UnreachableURL != "" || strings.HasPrefix(c.Frame.URL, "chrome-error:") {
				failed = append(failed, c.Frame.UnreachableURL)
			} else {
				loaded = append(loaded, c.Frame.URL)
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return loaded, failed
}

// TestFramePageWithoutJavaScript: a partner page of another origin frames the frame page, in
// Chromium with scripts off; a visitor answers its feedback form, which is stored once and
// exported like any other; a comment that reads like a crisis is answered with the region's
// crisis lines first.
func TestFramePageWithoutJavaScript(t *testing.T) {
	t.Parallel()
	const token = "operator-token-0123456789abcdef"
	edge, _ := startIntake(t, "", token)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	frameURL := edge + "/v1/frame/demo?region=CA&locale=en&components=banner,feedback,exit&page=/anxiety"
	partner := s.page("/framed", `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Partner</title></head><body><main>
<iframe src="`+frameURL+`" title="Crisis support and feedback" width="380" height="900"></iframe>
<iframe src="`+edge+`/embed" title="Not framable"></iframe></main></body></html>`)
	s.withCSP("/framed", "default-src 'self'; frame-src "+edge+"; script-src 'none'")
	ctx := open(t, browser, partner, scriptsOff(), phoneAction(true))
	deadline := time.Now().Add(30 * time.Second)
	for {
		loaded, failed := frames(t, ctx)
		if len(loaded) == 1 && loaded[0] == frameURL && len(failed) == 1 {
			break // the frame page is framed; the builder (frame-ancestors 'none') is refused
		}
		if time.Now().After(deadline) {
			t.Fatalf("frames loaded %v, refused %v; want the frame page only", loaded, failed)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// The visitor's round trip, with scripts off.
	send := func(comment string) context.Context {
		ctx := open(t, browser, frameURL, scriptsOff(), phoneAction(true))
		pollDevtools(t, ctx, `document.querySelector("form.signpost-fb")`)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=found][value=yes]`)),
			chromedp.Focus(chromedp.CSS("#signpost-comment")), chromedp.KeyEvent(comment)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1600 * time.Millisecond) // a person's least time on a form (faster is a bot's)
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.signpost-fb button[type=submit]`))); err != nil {
			t.Fatal(err)
		}
		pollDevtools(t, ctx, `document.querySelector('[role="status"]')`)
		return ctx
	}
	ctx = send("The page answered my question")
	var raw string
	if err := devtoolsEval(ctx)(`JSON.stringify({js: document.documentElement.getAttribute("data-js") || "", text: document.body.innerText,
		crisis: !!document.querySelector(".signpost-crisis"), banner: !!document.querySelector(".signpost-banner")})`, &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw, "Thank you for your feedback.") || strings.Contains(raw, `"crisis":true`) || !strings.Contains(raw, `"banner":true`) {
		t.Errorf("thanks page: %s", raw)
	}
	req, _ := http.NewRequest("GET", edge+"/v1/admin/feedback?format=csv", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	csv, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Count(string(csv), "The page answered my question") != 1 || !strings.Contains(string(csv), "/anxiety") {
		t.Errorf("export:\n%s", csv)
	}

	ctx = send("some days I want to die")
	if err := devtoolsEval(ctx)(`JSON.stringify({order: document.body.innerHTML.indexOf("signpost-crisis") < document.body.innerHTML.indexOf("signpost-st"),
		tel: [...document.querySelectorAll(".signpost-crisis a[href^=tel]")].map((a) => a.getAttribute("href") + " " + a.target)})`, &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(raw, `"order":true`) || !strings.Contains(raw, "tel:988 _top") {
		t.Errorf("crisis answer: want the lines first, leaving the frame: %s", raw)
	}
}
