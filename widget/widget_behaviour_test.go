package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/signpost/edge/internal/browsertest"
)

// TestHostilePage: page CSS hiding and recolouring everything in <body>, prototype pollution,
// a broken fetch and Promise, and jQuery 1.12: the banner still shows, correct and styled.
// The stylesheet says `body *`, not `*`: `* { display: none !important }` also hides <html> and
// <body>, and then no element of the page, the widget's or any other, can be rendered at all.
func TestHostilePage(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
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
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
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
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
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
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
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
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	// One tab for every case, a new document each with its viewport set anew: a tab costs more
	// than the load.
	tab := browsertest.CDP(t, browser.Tab(t))
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
				ctx := load(t, tab, url, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
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
				// The two rules alone: the full run above already covered the rest of this state.
				raw, err = chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRunRules("label-content-name-mismatch", "target-size"), chromedp.EvalAwaitPromise))
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
// reachable and the form can be filled and sent without a mouse. The quick-exit bar the widget
// adds itself (no placeholder) is the last thing in the body, so it comes last (Shift three
// times works from anywhere; the builder's recommended embed puts its placeholder first).
func TestKeyboardOnly(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	url := s.embed("/keys", "en", `data-partner="demo" data-region="CA" data-components="banner,exit,feedback"`, "", "", "")
	ctx := open(t, browser, url)
	poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+shadow("feedback")+`.querySelector("button")`)
	focused := func() string {
		return eval[string](t, ctx, `(() => { let e = document.activeElement; while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
			return e ? (e.tagName + ":" + (e.hasAttribute("aria-expanded") ? "more " + e.getAttribute("aria-expanded") : e.getAttribute("href") || e.getAttribute("type") || e.getAttribute("name") || e.textContent.trim().slice(0, 20))) : "" })()`)
	}
	var seen []string
	for range 60 {
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
		if f == "BUTTON:button" && slices.ContainsFunc(seen, func(x string) bool { return strings.HasPrefix(x, "TEXTAREA") }) {
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
	// Back from the quick-exit bar to the comment.
	for range 20 {
		if strings.HasPrefix(focused(), "TEXTAREA") {
			break
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift))); err != nil {
			t.Fatal(err)
		}
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
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
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
