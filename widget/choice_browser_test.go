package widget_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
)

// choiceState is the banner as the chooser test reads it.
type choiceState struct {
	Text    string     `json:"text"`
	Hrefs   string     `json:"hrefs"`
	Stored  string     `json:"stored"`
	Open    bool       `json:"open"`
	Focus   string     `json:"focus"`
	Drawn   int        `json:"drawn"`
	Select  [4]float64 `json:"select"`
	Options int        `json:"options"`
}

const readChoice = `(() => { const r = document.querySelector('[data-signpost="banner"]').shadowRoot;
  const box = (sel) => { const e = r.querySelector(sel); if (!e || !e.getClientRects().length) return [0, 0, 0, 0]; const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; };
  const f = r.activeElement;
  return {text: r.textContent, hrefs: [...r.querySelectorAll("a")].map((a) => a.getAttribute("href")).join(" "),
    stored: localStorage.getItem("signpost-region") || "", open: !!r.querySelector(".panel:not([hidden])"),
    focus: f ? f.tagName + "." + f.className : "", drawn: performance.getEntriesByName("signpost:edge").length,
    select: box(".where select"),
    options: r.querySelectorAll(".where option").length} })()`

// TestRegionChoice: a visitor chooses where they are, in Chromium, Firefox and WebKit on a 390x844
// phone (touch where the engine emulates it): by taps (the disclosure, then the list and its
// button, each at least 44 px tall) and by the keyboard alone (Enter on the disclosure, Tab to the
// list, a letter to pick, Tab and Enter on the button). The choice shows that place's lines, is
// kept on the device (it survives a reload), and is forgotten with its own button.
func TestRegionChoice(t *testing.T) {
	edge, _ := startEdge(t)
	s := newSite(t, edge)
	url := s.embed("/choice", "en", `data-partner="demo" data-components="banner"`, `<script src="/probe.js"></script>`, "", "")
	for _, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, engine, browsertest.Options{Width: 390, Height: 844, Touch: browsertest.SupportsTouch(engine)})
			state := func() choiceState {
				t.Helper()
				var st choiceState
				if err := p.Eval(readChoice, &st); err != nil {
					t.Fatal(err)
				}
				return st
			}
			tap := func(what, sel string) {
				t.Helper()
				var r [4]float64
				if err := p.Eval(`(() => { const e = document.querySelector('[data-signpost="banner"]').shadowRoot.querySelector(`+fmt.Sprintf("%q", sel)+`);
					e.scrollIntoView({block: "center"}); const b = e.getBoundingClientRect(); return [b.x, b.y, b.width, b.height] })()`, &r); err != nil {
					t.Fatal(err)
				}
				if r[2] < 44 || r[3] < 44 {
					t.Errorf("%s: %s is %.0fx%.0f px, want at least 44x44", engine, what, r[2], r[3])
				}
				if err := p.Click(r[0]+r[2]/2, r[1]+r[3]/2); err != nil {
					t.Fatal(err)
				}
			}
			// activate presses Enter on the focused control. Firefox driven over WebDriver BiDi
			// delivers the keydown (as NumpadEnter) but synthesizes no click from it, on any
			// button of any page (checked on a bare page): there the focused control, reached by
			// Tab, is clicked, which is what Enter does for a visitor.
			activate := func() {
				t.Helper()
				if engine == browsertest.Firefox {
					if err := p.Eval(`document.querySelector('[data-signpost="banner"]').shadowRoot.activeElement.click(), true`, nil); err != nil {
						t.Fatal(err)
					}
					return
				}
				if err := p.Press("Enter"); err != nil {
					t.Fatal(err)
				}
			}
			load := func(n string) {
				t.Helper()
				if err := p.Navigate(url + "?" + n); err != nil {
					t.Fatal(err)
				}
				if err := p.Poll(`performance.getEntriesByName("signpost:edge").length > 0`, nil, 0); err != nil {
					t.Fatal(err)
				}
			}
			load("start")
			if err := p.Eval(`localStorage.removeItem("signpost-region"), true`, nil); err != nil {
				t.Fatal(err)
			}
			load("fresh")
			st := state()
			if !strings.Contains(st.Hrefs, "tel:911") || st.Stored != "" || st.Options != 0 && st.Open {
				t.Fatalf("%s: start %+v", engine, st)
			}

			// By taps: open, pick Nunavut in the list (a native picker: set as it would), Show.
			tap("the disclosure", ".more")
			if err := p.Poll(`document.querySelector('[data-signpost="banner"]').shadowRoot.querySelector(".panel:not([hidden]) .where select")`, nil, 0); err != nil {
				t.Fatalf("%s: the disclosure did not open on a tap, or holds no list: %v", engine, err)
			}
			st = state()
			if st.Options != 14 || st.Select[3] < 44 {
				t.Errorf("%s: the list has %d places and is %.0f px tall; want Canada's 14 and 44 px", engine, st.Options, st.Select[3])
			}
			if err := p.Eval(`document.querySelector('[data-signpost="banner"]').shadowRoot.querySelector(".where select").value = "CA-NU", true`, nil); err != nil {
				t.Fatal(err)
			}
			drawn := st.Drawn
			tap("Show lines", ".where .b:not(.more)")
			if err := p.Poll(fmt.Sprintf(`performance.getEntriesByName("signpost:edge").length > %d`, drawn), nil, 0); err != nil {
				t.Fatalf("%s: no answer after choosing: %v", engine, err)
			}
			st = state()
			if st.Stored != "CA-NU" || strings.Contains(st.Hrefs, "tel:911") || !strings.Contains(st.Text, "RCMP") || !st.Open || st.Focus != "P.msg" {
				t.Errorf("%s: after choosing Nunavut: %+v; want it kept, no 9-1-1, the RCMP note, the disclosure open on its sentence", engine, st)
			}

			// Kept on the device: a reload shows Nunavut again, from the first drawing on.
			load("again")
			if st = state(); !strings.Contains(st.Text, "RCMP") || strings.Contains(st.Hrefs, "tel:911") || st.Open {
				t.Errorf("%s: after a reload: %+v", engine, st)
			}
			// Forget, by taps: Canada again.
			tap("the disclosure", ".more")
			if err := p.Poll(`document.querySelector('[data-signpost="banner"]').shadowRoot.querySelector(".panel:not([hidden]) .where .more")`, nil, 0); err != nil {
				t.Fatalf("%s: no Forget button: %v", engine, err)
			}
			st = state()
			tap("Forget my choice", ".where .more")
			if err := p.Poll(fmt.Sprintf(`performance.getEntriesByName("signpost:edge").length > %d`, st.Drawn), nil, 0); err != nil {
				t.Fatalf("%s: no answer after Forget (before %+v, now %+v): %v", engine, st, state(), err)
			}
			if st = state(); st.Stored != "" || !strings.Contains(st.Hrefs, "tel:911") || strings.Contains(st.Text, "RCMP") {
				t.Errorf("%s: after forgetting: %+v", engine, st)
			}

			// By the keyboard alone: Québec.
			load("keys")
			for i := 0; state().Focus != "BUTTON.b more"; i++ {
				if i == 10 {
					t.Fatalf("%s: Tab never reached the disclosure: focus on %q", engine, state().Focus)
				}
				if err := p.Press("Tab"); err != nil {
					t.Fatal(err)
				}
			}
			activate()
			for i := 0; state().Focus != "SELECT."; i++ {
				if i == 20 {
					t.Fatalf("%s: Tab never reached the list: focus on %q", engine, state().Focus)
				}
				if err := p.Press("Tab"); err != nil {
					t.Fatal(err)
				}
			}
			drawn = state().Drawn
			if err := p.Press("Q", "Tab"); err != nil {
				t.Fatal(err)
			}
			activate()
			if err := p.Poll(fmt.Sprintf(`performance.getEntriesByName("signpost:edge").length > %d`, drawn), nil, 0); err != nil {
				t.Fatalf("%s: no answer after choosing by keyboard: %+v", engine, state())
			}
			if st = state(); st.Stored != "CA-QC" || !strings.Contains(st.Hrefs, "tel:+18662773553") || st.Focus != "P.msg" {
				t.Errorf("%s: after choosing Québec by keyboard: %+v", engine, st)
			}
			// Forget, by keyboard: Tab from the sentence to the Forget button, Enter.
			for i := 0; state().Focus != "BUTTON.b more"; i++ {
				if i == 30 {
					t.Fatalf("%s: Tab never reached Forget: focus on %q", engine, state().Focus)
				}
				if err := p.Press("Tab"); err != nil {
					t.Fatal(err)
				}
			}
			drawn = state().Drawn
			activate()
			if err := p.Poll(fmt.Sprintf(`performance.getEntriesByName("signpost:edge").length > %d`, drawn), nil, 0); err != nil {
				t.Fatal(err)
			}
			if st = state(); st.Stored != "" || strings.Contains(st.Hrefs, "tel:+18662773553") {
				t.Errorf("%s: after forgetting by keyboard: %+v", engine, st)
			}
			if errs := p.Errors(); len(errs) > 0 {
				t.Errorf("%s: script errors %v", engine, errs)
			}
		})
	}
}

// TestRegionChoiceBeatsTimeZone: the visitor's own choice wins over the time zone (and is the
// only place sent to the edge besides data-region); forgotten, the time zone places them again.
// With the chooser open, axe-core finds nothing against WCAG 2.2 A/AA, in English and French.
func TestRegionChoiceBeatsTimeZone(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	axe := browsertest.AxeScript(t)
	s := newSite(t, edge)
	for _, loc := range []string{"en", "fr"} {
		url := s.embed("/choice-tz-"+loc, loc, `data-partner="demo" data-components="banner"`, "", "", "")
		ctx := open(t, browser, url, timeZone("America/Vancouver"), phoneAction(true))
		poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 0`)
		if text := eval[string](t, ctx, bannerText); !strings.Contains(text, "310-6789") {
			t.Fatalf("%s: America/Vancouver is British Columbia: %q", loc, text)
		}
		eval[bool](t, ctx, shadow("banner")+`.querySelector(".more").click(), true`)
		eval[bool](t, ctx, axe)
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.CheckAxe(t, "chooser open, "+loc, raw)
		eval[bool](t, ctx, `(() => { const r = `+shadow("banner")+`; r.querySelector(".where select").value = "CA-NU"; r.querySelector(".where .b").click(); return true })()`)
		poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 1 && `+bannerText+`.includes("GRC") || `+bannerText+`.includes("RCMP")`)
		// Reloaded in Vancouver's time zone, the choice still holds, and the request says so.
		if err := chromedp.Do(ctx, chromedp.Navigate(url+"?again")); err != nil {
			t.Fatal(err)
		}
		poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 0`)
		text := eval[string](t, ctx, bannerText)
		req := eval[string](t, ctx, `performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/v1/snippets/")).join(" ")`)
		if strings.Contains(text, "310-6789") || !strings.Contains(req, "region=CA-NU") || !strings.Contains(req, "tz=America%2FVancouver") {
			t.Errorf("%s: the choice did not beat the time zone: %q (requests %s)", loc, text, req)
		}
		eval[bool](t, ctx, axe)
		eval[bool](t, ctx, shadow("banner")+`.querySelector(".more").click(), true`)
		raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatal(err)
		}
		browsertest.CheckAxe(t, "chooser open with a choice made, "+loc, raw)
		// Forgotten: the time zone's British Columbia again.
		eval[bool](t, ctx, shadow("banner")+`.querySelector(".where .more").click(), true`)
		poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 1 && `+bannerText+`.includes("310-6789")`)
		if stored := eval[string](t, ctx, `localStorage.getItem("signpost-region") || ""`); stored != "" {
			t.Errorf("%s: the choice is still kept after Forget: %q", loc, stored)
		}
	}
	// A page that names its region (data-region) offers no choice: it would not win.
	ctx := open(t, browser, s.embed("/choice-pinned", "en", `data-partner="demo" data-region="CA-BC" data-components="banner"`, "", "", ""))
	poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 0`)
	if n := eval[int](t, ctx, shadow("banner")+`.querySelectorAll(".where").length`); n != 0 || !strings.Contains(eval[string](t, ctx, bannerText), "310-6789") {
		t.Errorf("data-region: %d choosers, banner %q", n, eval[string](t, ctx, bannerText))
	}
}
