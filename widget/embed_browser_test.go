package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/widget"
)

// Browser tests of the partner embed builder (GET /embed): a partner's web team uses it with the
// keyboard, pastes what it gives into a page of its own with a strict CSP, and the widget works.

// openBuilder opens the builder and waits for its script (it reveals the copy buttons).
func openBuilder(t *testing.T, browser browsertest.Page, url string) context.Context {
	t.Helper()
	ctx := open(t, browser, url)
	poll(t, ctx, `document.querySelector('button[data-copy]') && !document.querySelector('button[data-copy]').hidden`)
	return ctx
}

// keys focuses an element and types into it, as a person at the keyboard does.
func keys(t *testing.T, ctx context.Context, id, typed string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID(id)), chromedp.KeyEvent(typed)); err != nil {
		t.Fatalf("type %q into #%s: %v", typed, id, err)
	}
}

// output is the text of one of the builder's outputs.
func output(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	return eval[string](t, ctx, `document.getElementById("out-`+name+`").value`)
}

// partnerSite serves one page on another loopback origin (127.0.0.2 where the system has it)
// with exactly the CSP given.
func partnerSite(t *testing.T, pages map[string][2]string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Security-Policy", p[0])
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, p[1])
	})
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		if ln, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

func manifest(t *testing.T, edge string) edition.ManifestBody {
	t.Helper()
	resp, err := http.Get(edge + "/v1/widget.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m edition.ManifestBody
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEmbedBuilderPinnedTag chooses options in the builder with the keyboard, copies its pinned
// tag, placeholders, noscript fallback and CSP lines into a page of another origin whose policy
// is exactly those lines plus default-src 'self', and checks the widget there.
func TestEmbedBuilderPinnedTag(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := openBuilder(t, browser, edge+"/embed")

	keys(t, ctx, "partner", "m") // type-ahead: "Mental Health Commission of Canada (mhcc)"
	keys(t, ctx, "locale", "f")  // "French"
	keys(t, ctx, "region", "CA-QC")
	keys(t, ctx, "c-feedback", " ") // unchecked: banner, resources and exit remain
	keys(t, ctx, "accent", "#7a1f5c")
	for id, want := range map[string]string{"partner": "mhcc", "locale": "fr", "region": "CA-QC", "accent": "#7a1f5c"} {
		if got := eval[string](t, ctx, `document.getElementById("`+id+`").value`); got != want {
			t.Fatalf("#%s = %q after typing, want %q", id, got, want)
		}
	}
	attrs := `data-partner="mhcc" data-locale="fr" data-region="CA-QC" data-components="banner,resources,exit" data-accent="#7a1f5c"`
	poll(t, ctx, `document.getElementById("out-pinned").value.includes(`+jsString(attrs)+`)`)
	pinned, placeholders, noscript, csp := output(t, ctx, "pinned"), output(t, ctx, "placeholders"), output(t, ctx, "noscript"), output(t, ctx, "csp")
	m := manifest(t, edge)
	if !strings.Contains(pinned, `src="`+edge+m.URL+`" integrity="`+m.Integrity+`" crossorigin="anonymous"`) {
		t.Fatalf("pinned tag %s does not pin the manifest's %s %s", pinned, m.URL, m.Integrity)
	}
	if placeholders != "<!-- First in <body>: -->\n<div data-signpost=\"banner\"></div>\n<div data-signpost=\"exit\"></div>\n"+
		"<!-- Where they belong in your content: -->\n<div data-signpost=\"resources\"></div>" {
		t.Errorf("placeholders %q", placeholders)
	}
	want := widget.ReserveCSS([]string{"banner", "resources", "exit"}, featured(t, "mhcc"))
	if reserve := output(t, ctx, "reserve"); reserve != strings.TrimSpace(want) && reserve != want {
		t.Errorf("space reservation %q", reserve)
	}
	if loc := eval[string](t, ctx, `location.search`); !strings.Contains(loc, "region=CA-QC") || !strings.Contains(loc, "partner=mhcc") {
		t.Errorf("the address does not keep the options: %s", loc)
	}
	lines := strings.Split(csp, "\n")
	if len(lines) != 2 || lines[0] != "script-src "+edge || lines[1] != "connect-src "+edge {
		t.Fatalf("CSP lines %q", csp)
	}
	cleanProbe(t, ctx)

	policy := "default-src 'self'; " + strings.Join(lines, "; ")
	page := func(tag string) string {
		return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Partenaire</title></head><body><main><h1>Page du partenaire</h1>` +
			placeholders + "\n" + tag + "\n" + noscript + `</main></body></html>`
	}
	tampered := strings.Replace(pinned, m.Integrity, "sha384-"+strings.Repeat("A", 64), 1)
	site := partnerSite(t, map[string][2]string{
		"/":         {policy, page(pinned)},
		"/tampered": {policy, page(tampered)},
		"/no-csp":   {"default-src 'self'; " + lines[1], page(pinned)}, // the script-src line left out
	})
	if strings.HasPrefix(site, edge) {
		t.Fatal("the partner site must be another origin")
	}

	t.Run("pasted", func(t *testing.T) {
		ctx := open(t, browser, site+"/")
		poll(t, ctx, shadow("resources")+`.querySelector("a")`) // resources come from the network: connect-src works
		text := eval[string](t, ctx, bannerText)
		for _, want := range []string{"1-866-277-3553", "Si vous êtes en détresse"} {
			if !strings.Contains(text, want) {
				t.Errorf("banner lacks %q: %q", want, text)
			}
		}
		if eval[bool](t, ctx, `!!document.querySelector('[data-signpost="feedback"]')`) {
			t.Error("feedback was left out in the builder but rendered")
		}
		if !eval[bool](t, ctx, `!!`+shadow("exit")) {
			t.Error("quick exit chosen in the builder but not rendered")
		}
		if got := eval[string](t, ctx, `document.querySelector('[data-signpost="banner"]').style.getPropertyValue("--sp-accent")`); got != "#7a1f5c" {
			t.Errorf("accent %q, want #7a1f5c", got)
		}
		// The pinned script is the only script of the page and it ran: the browser checked the
		// integrity it carries, which is the manifest's.
		sri := eval[string](t, ctx, `JSON.stringify([...document.scripts].map(s => [s.src, s.integrity, s.crossOrigin]))`)
		if want := fmt.Sprintf(`[[%q,%q,"anonymous"]]`, edge+m.URL, m.Integrity); sri != want {
			t.Errorf("scripts %s, want %s", sri, want)
		}
		if !eval[bool](t, ctx, `performance.getEntriesByType("resource").some(e => e.name === `+jsString(edge+m.URL)+`) && !!window.Signpost`) {
			t.Error("the pinned bundle was not loaded and run")
		}
		cleanProbe(t, ctx)
	})
	// Controls: the same test fails when the integrity does not match or a CSP line is missing.
	t.Run("tampered integrity is refused", func(t *testing.T) {
		ctx := open(t, browser, site+"/tampered")
		poll(t, ctx, `document.readyState === "complete"`)
		if eval[bool](t, ctx, `!!window.Signpost || !!document.querySelector('[data-signpost="banner"]').shadowRoot`) {
			t.Error("a bundle with a wrong integrity hash ran")
		}
	})
	t.Run("without the script-src line", func(t *testing.T) {
		ctx := open(t, browser, site+"/no-csp")
		poll(t, ctx, `document.readyState === "complete" && window.__probe.csp.length > 0`)
		if eval[bool](t, ctx, `!!window.Signpost`) {
			t.Error("the widget ran though the policy does not allow the edge")
		}
	})
}

// previewEval evaluates expr in the builder's preview frame once its URL has all of want. Chrome
// runs the sandboxed frame in a process of its own: a target of its own, attached to here.
func previewEval(t *testing.T, ctx context.Context, expr string, want ...string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	var err error
	for time.Now().Before(deadline) {
		var infos []*targetInfo
		infos, err = iframes(ctx)
		for _, info := range infos {
			if !strings.Contains(info.URL, "/embed/preview?") || !containsAll(info.URL, want) {
				continue
			}
			fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(target.ID(info.ID)), chromedp.WithDetachOnCancel())
			last, err = chromedp.Run(fctx, chromedp.Evaluate[string](`(() => { try { return String(`+expr+` || "") } catch (e) { return "" } })()`))
			cancel()
			if err == nil && last != "" {
				return last
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("preview frame with %v: %s never true (last %q, %v)", want, expr, last, err)
	return ""
}

type targetInfo struct {
	ID  string
	URL string
}

// iframes are the out-of-process frames of the test's own browser context.
func iframes(ctx context.Context) ([]*targetInfo, error) {
	infos, err := browsertest.Frames(ctx)
	if err != nil {
		return nil, err
	}
	var out []*targetInfo
	for _, i := range infos {
		out = append(out, &targetInfo{ID: string(i.TargetID), URL: i.URL})
	}
	return out, nil
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestEmbedBuilderPreview: the preview frame shows the real widget for the options chosen, and
// follows them as they change.
func TestEmbedBuilderPreview(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := openBuilder(t, browser, edge+"/embed")
	if sb := eval[string](t, ctx, `document.getElementById("preview").getAttribute("sandbox")`); strings.Contains(sb, "allow-same-origin") {
		t.Errorf("the preview must stay sandboxed away from the builder: sandbox=%q", sb)
	}
	history := eval[int](t, ctx, `history.length`)
	keys(t, ctx, "region", "GB")
	// GB's lines are not baked into this edge's bundle: they come with the snippet.
	text := previewEval(t, ctx, `(() => { const r = document.querySelector('[data-signpost="banner"]').shadowRoot; return r && r.querySelector(".banner .acts a[href^='tel:116']") && r.textContent })()`, "region=GB")
	if !strings.Contains(text, "116 123") || strings.Contains(text, "988") {
		t.Errorf("GB preview: %q", text)
	}
	// Styled in its shadow root, and the resources came over the network: CSP 'self' names the
	// edge in the sandboxed frame too.
	if got := previewEval(t, ctx, `getComputedStyle(document.querySelector('[data-signpost="banner"]').shadowRoot.querySelector(".banner")).borderLeftStyle`, "region=GB"); got != "solid" {
		t.Errorf("preview banner unstyled: border %q", got)
	}
	previewEval(t, ctx, `document.querySelector('[data-signpost="resources"]').shadowRoot.querySelector("a") && "ok"`, "region=GB")

	// Another region, another language: the preview follows.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("region")), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(kb.Backspace+kb.Backspace), chromedp.KeyEvent("CA-QC")); err != nil {
		t.Fatal(err)
	}
	keys(t, ctx, "locale", "f")
	text = previewEval(t, ctx, `(() => { const r = document.querySelector('[data-signpost="banner"]').shadowRoot; return r && r.querySelector(".banner") && r.textContent })()`, "region=CA-QC", "locale=fr")
	if !strings.Contains(text, "1-866-277-3553") || !strings.Contains(text, "Si vous êtes en détresse") || strings.Contains(text, "116 123") {
		t.Errorf("CA-QC French preview: %q", text)
	}
	if lang := previewEval(t, ctx, `document.documentElement.lang`, "region=CA-QC"); lang != "fr" {
		t.Errorf("preview html lang %q", lang)
	}
	if h := eval[int](t, ctx, `history.length`); h != history {
		t.Errorf("changing options added %d session history entries: Back would step through old previews", h-history)
	}
	cleanProbe(t, ctx)

	// The preview page itself, opened in a tab of its own, breaks none of its policy.
	src := eval[string](t, ctx, `document.getElementById("preview").src`)
	pctx := open(t, browser, src)
	poll(t, pctx, shadow("resources")+`.querySelector("a")`)
	cleanProbe(t, pctx)
}

// TestEmbedBuilderBadValues: hostile values in the address or typed in the fields are refused,
// shown as text, and never run or reach the tags and the preview.
func TestEmbedBuilderBadValues(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	payload := `"><img src=x onerror="window.__xss=1">`
	q := url.Values{"region": {"x<y"}, "accent": {"red"}, "exit": {"javascript:alert(1)"}, "partner": {payload}, "locale": {payload}}
	ctx := openBuilder(t, browser, edge+"/embed?"+q.Encode())
	check := func(when string) {
		t.Helper()
		for _, out := range []string{"pinned", "evergreen", "placeholders", "noscript"} {
			v := output(t, ctx, out)
			for _, bad := range []string{"data-region", "data-accent", "data-exit-url", "javascript", "onerror", "x<y"} {
				if strings.Contains(v, bad) {
					t.Errorf("%s: %s output holds %q: %s", when, out, bad, v)
				}
			}
		}
		src := eval[string](t, ctx, `document.getElementById("preview").src`)
		if strings.Contains(src, "region=") || strings.Contains(src, "javascript") || strings.Contains(src, "accent=") {
			t.Errorf("%s: preview %s", when, src)
		}
		if eval[bool](t, ctx, `!!window.__xss || document.querySelectorAll("img").length > 0`) {
			t.Errorf("%s: the payload became markup", when)
		}
		for _, id := range []string{"region", "accent", "exit"} {
			if eval[string](t, ctx, `document.getElementById("`+id+`").getAttribute("aria-invalid")`) != "true" {
				t.Errorf("%s: #%s not marked invalid", when, id)
			}
			if msg := eval[string](t, ctx, `document.getElementById("`+id+`-msg").textContent`); !strings.HasPrefix(msg, "Error: ") {
				t.Errorf("%s: #%s message %q", when, id, msg)
			}
		}
		cleanProbe(t, ctx)
	}
	check("from the address")
	if got := eval[string](t, ctx, `document.getElementById("region").value`); got != "x<y" {
		t.Errorf("the region typed comes back as text for correction: %q", got)
	}

	// Typed live: the script shows the server's messages as text.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("region")), chromedp.KeyEvent(kb.End), chromedp.KeyEvent(payload)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, `location.search.includes("onerror")`) // the update has come back
	check("typed")
	if !eval[bool](t, ctx, `document.getElementById("accent-msg").textContent.includes("#rrggbb")`) {
		t.Error("accent message missing")
	}
	// A low-contrast accent is a warning, left out of the tags.
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.ID("accent")), chromedp.KeyEvent(kb.End+kb.Backspace+kb.Backspace+kb.Backspace), chromedp.KeyEvent("#ffff00")); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, `document.getElementById("accent-msg").textContent.startsWith("Warning: ")`)
	if strings.Contains(output(t, ctx, "pinned"), "data-accent") {
		t.Error("an accent the widget ignores is in the tag")
	}
	if eval[string](t, ctx, `document.getElementById("accent").getAttribute("aria-invalid") || ""`) != "" {
		t.Error("a warning is not an error")
	}
}

// TestEmbedBuilderKeyboard: every control is reached with Tab, and a copy button works from the
// keyboard with a visible status; where the Clipboard API refuses, the text is selected instead.
func TestEmbedBuilderKeyboard(t *testing.T) {
	// Not parallel: the clipboard it reads is the one Chromium's, shared by every test.
	edge, _ := startEdge(t)
	b := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := openBuilder(t, b, edge+"/embed")
	seen := map[string]bool{}
	for range 120 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			t.Fatal(err)
		}
		id := eval[string](t, ctx, `(() => { const e = document.activeElement; return e ? (e.id || e.getAttribute("data-copy") || e.getAttribute("hreflang") || e.tagName) : "" })()`)
		seen[id] = true
		if id == "out-noscript" {
			break
		}
	}
	for _, want := range []string{"fr", "partner", "c-resources", "c-feedback", "c-exit", "locale", "region", "accent", "exit", "BUTTON",
		"preview", "out-pinned", "out-evergreen", "out-placeholders", "out-csp", "out-noscript"} {
		if !seen[want] {
			t.Errorf("not reachable with Tab: %s (reached %v)", want, seen)
		}
	}

	for _, p := range []string{"clipboard-write", "clipboard-read"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: p}, Setting: browser.PermissionSettingGranted, Origin: edge,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil { // the test's own, under a shared browser
			t.Fatal(err)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`button[data-copy="out-pinned"]`)), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, `document.getElementById("out-pinned-status").textContent === "Copied."`)
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`navigator.clipboard.readText()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if want := output(t, ctx, "pinned"); got != want {
		t.Errorf("clipboard %q, want the pinned tag %q", got, want)
	}
	if eval[string](t, ctx, `document.getElementById("out-pinned-status").getAttribute("role")`) != "status" {
		t.Error("the copy status is not a live region")
	}

	// Clipboard refused: the text is selected, and the status says how to copy it.
	eval[bool](t, ctx, `navigator.clipboard.writeText = () => Promise.reject(new Error("denied")); true`)
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`button[data-copy="out-csp"]`)), chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, `document.getElementById("out-csp-status").textContent.startsWith("Selected")`)
	if !eval[bool](t, ctx, `(() => { const t = document.getElementById("out-csp"); return document.activeElement === t && t.selectionStart === 0 && t.selectionEnd === t.value.length })()`) {
		t.Error("fallback did not select the CSP lines")
	}
	cleanProbe(t, ctx)
}

// TestEmbedBuilderAxe runs axe-core over the builder in English and French (its three ways), with
// every kind of field message shown, and over the script and include preview pages: no violations.
func TestEmbedBuilderAxe(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	// One tab for every page, a new document each (the builder keeps nothing in the tab's
	// sessionStorage): a tab costs more than the load.
	tab := browsertest.CDP(t, browser.Tab(t))
	axe := browsertest.AxeScript(t)
	for _, tc := range []struct{ name, url string }{
		{"en", edge + "/embed?lang=en"},
		{"fr", edge + "/embed?lang=fr"},
		{"en, messages", edge + "/embed?lang=en&region=x&accent=%23ffff00&exit=ftp://x&partner=nobody"},
		{"fr, messages", edge + "/embed?lang=fr&region=AQ&accent=red&locale=de"},
		{"preview en", edge + "/embed/preview?lang=en&partner=demo&components=banner,resources,feedback,exit"},
		{"preview fr", edge + "/embed/preview?lang=fr&locale=fr&partner=mhcc&region=CA-QC&components=banner,resources,feedback,exit"},
		{"include preview en", edge + "/embed/preview?lang=en&partner=demo&way=include"},
		{"include preview fr", edge + "/embed/preview?lang=fr&locale=fr&partner=mhcc&region=CA-QC&way=include"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := load(t, tab, tc.url)
			if strings.Contains(tc.url, "way=include") {
				poll(t, ctx, `document.querySelector(".signpost-banner a")`)
			} else if strings.Contains(tc.url, "/embed/preview") {
				poll(t, ctx, shadow("resources")+`.querySelector("a")`)
			} else {
				poll(t, ctx, `!document.querySelector('button[data-copy]').hidden`)
			}
			eval[bool](t, ctx, axe)
			raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(true), chromedp.EvalAwaitPromise))
			if err != nil {
				t.Fatal(err)
			}
			browsertest.CheckAxe(t, tc.name, raw)
			cleanProbe(t, ctx)
		})
	}
}

// TestEmbedBuilderPreviewRecordsNothing: feedback sent from the preview is refused, since the
// sandboxed frame's Origin is "null", where the same page outside the builder (an origin the demo
// partner allows) is kept: trying the form in the builder never adds to a partner's feedback.
func TestEmbedBuilderPreviewRecordsNothing(t *testing.T) {
	t.Parallel()
	edge, store := startIntake(t, "")
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := openBuilder(t, browser, edge+"/embed?partner=demo&components=banner&components=feedback")
	fb := shadow("feedback")
	previewEval(t, ctx, fb+`.querySelector("form button") && "ready"`, "partner=demo")
	previewEval(t, ctx, `(() => { const r = `+fb+`; r.querySelector("[name=found][value='1']").click(); r.querySelector("textarea").value = "Sent from the preview"; return "filled" })()`, "partner=demo")
	time.Sleep(1600 * time.Millisecond) // faster than a person would be is taken for a bot
	previewEval(t, ctx, fb+`.querySelector("form button").click() || "sent"`, "partner=demo")
	if st := previewEval(t, ctx, fb+`.querySelector(".st").textContent`, "partner=demo"); st == "" {
		t.Fatal("no status after sending from the preview")
	}
	if rs := records(t, store); len(rs) != 0 {
		t.Errorf("feedback sent from the preview was stored: %+v", rs[0])
	}

	// Control: the same page in a tab of its own.
	pctx := open(t, browser, eval[string](t, ctx, `document.getElementById("preview").src`))
	fillAndSend(t, pctx, "Sent from the page", false)
	poll(t, pctx, fb+`.textContent.includes("Thank you for your feedback.")`)
	if rs := records(t, store); len(rs) != 1 || rs[0].Comment != "Sent from the page" {
		t.Errorf("records %+v, want the page's only", rs)
	}
}

// TestEmbedBuilderWays: as the options change, the script writes the include's and the iframe's
// code from the server's answer and moves their previews, without adding to the session history.
func TestEmbedBuilderWays(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := openBuilder(t, browser, edge+"/embed?partner=mhcc")
	history := eval[int](t, ctx, `history.length`)
	keys(t, ctx, "region", "GB")
	keys(t, ctx, "locale", "f")
	poll(t, ctx, `document.getElementById("out-fragment").value.endsWith("/v1/banner/mhcc.html?region=GB&locale=fr")`)
	for _, tc := range []struct{ out, want string }{
		{"ssi", "proxy_pass " + edge + "/v1/banner/mhcc.html?region=GB&locale=fr;"},
		{"esi", `<esi:include src="` + edge + `/v1/banner/mhcc.html?region=GB&locale=fr"`},
		{"iframe", `src="` + edge + `/v1/frame/mhcc?region=GB&amp;locale=fr&amp;components=`},
		{"include_csp", "style-src " + edge},
		{"iframe_csp", "frame-src " + edge},
	} {
		if got := output(t, ctx, tc.out); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q lacks %q", tc.out, got, tc.want)
		}
	}
	for _, id := range []string{"preview-include", "preview-iframe"} {
		poll(t, ctx, `document.getElementById("`+id+`").getAttribute("src").includes("region=GB")`)
		if sb := eval[string](t, ctx, `document.getElementById("`+id+`").getAttribute("sandbox")`); strings.Contains(sb, "allow-") && sb != "allow-popups allow-popups-to-escape-sandbox" {
			t.Errorf("%s sandbox %q", id, sb)
		}
	}
	if h := eval[int](t, ctx, `history.length`); h != history {
		t.Errorf("changing options added %d session history entries", h-history)
	}
	cleanProbe(t, ctx)
}
