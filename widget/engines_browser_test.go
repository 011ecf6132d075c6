package widget_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/browsertest"
)

// TestEveryEngine runs what a visitor does beyond the banner (TestPhoneBanner) in Chromium,
// Firefox and WebKit: resource cards, a feedback round trip into the store, quick exit by its
// button and by Shift three times, a hostile page's stylesheet kept out of the shadow roots (and
// the widget's kept in), and no uncaught script error anywhere.
func TestEveryEngine(t *testing.T) {
	edge, store := startIntake(t, "")
	s := newSite(t, edge)
	probe := `<script src="/probe.js"></script>`
	for _, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, engine, browsertest.Options{})
			clean := func(what string) {
				t.Helper()
				if errs := p.Errors(); len(errs) > 0 {
					t.Errorf("%s: script errors %v", what, errs)
				}
			}

			// Resource cards: the partner's eight, with icon, title link and "PDF · 383 Ko".
			url := s.embed("/cards-"+string(engine), "fr", `data-partner="demo" data-components="banner,resources"`, probe, "", "")
			if err := p.Navigate(url); err != nil {
				t.Fatal(err)
			}
			var cards struct {
				N     int     `json:"n"`
				Meta  string  `json:"meta"`
				Href  string  `json:"href"`
				Icon  bool    `json:"icon"`
				Small float64 `json:"small"`
			}
			if err := p.Poll(`(() => { const h = document.querySelector('[data-signpost="resources"]'), r = h && h.shadowRoot;
				if (!r || !r.querySelector(".card")) return null; const c = r.querySelector(".card"), links = [...r.querySelectorAll("a")];
				return {n: r.querySelectorAll(".card").length, meta: c.querySelector(".meta").textContent, href: c.querySelector("a").getAttribute("href"),
					icon: !!c.querySelector("svg path"), small: Math.min(...links.map((a) => Math.min(a.getBoundingClientRect().width, a.getBoundingClientRect().height)))} })()`, &cards, 0); err != nil {
				t.Fatal(err)
			}
			if cards.N != 8 || cards.Meta != "PDF · 383 Ko" || !strings.HasPrefix(cards.Href, "https://") || !cards.Icon || cards.Small < 24 {
				t.Errorf("resource cards: %+v", cards)
			}
			clean("resources")

			// Feedback, sent with real clicks and keys, reaches the store once.
			url = s.embed("/fb-"+string(engine), "en", `data-partner="demo" data-components="banner,feedback"`, probe, "", "")
			if err := p.Navigate(url); err != nil {
				t.Fatal(err)
			}
			fb := `document.querySelector('[data-signpost="feedback"]').shadowRoot`
			var at struct{ X, Y float64 }
			center := func(sel string) {
				t.Helper()
				if err := p.Poll(`(() => { const e = `+fb+`.querySelector(`+jsString(sel)+`); if (!e) return null; e.scrollIntoView({block: "center"});
					const r = e.getBoundingClientRect(); return {X: r.x + r.width / 2, Y: r.y + r.height / 2} })()`, &at, 0); err != nil {
					t.Fatal(err)
				}
			}
			center("[name=found][value='1']")
			if err := p.Click(at.X, at.Y); err != nil {
				t.Fatal(err)
			}
			center("textarea")
			if err := p.Click(at.X, at.Y); err != nil {
				t.Fatal(err)
			}
			comment := "Useful in " + string(engine)
			if err := p.Press(strings.Split(comment, "")...); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1600 * time.Millisecond) // a person takes longer than the bot check's 1.5 s
			center("form button[type=submit]")
			if err := p.Click(at.X, at.Y); err != nil {
				t.Fatal(err)
			}
			if err := p.Poll(fb+`.textContent.includes("Thank you for your feedback.")`, nil, 0); err != nil {
				t.Fatal(err)
			}
			var mine []*feedback.Record
			for _, r := range records(t, store) {
				if r.Comment == comment {
					mine = append(mine, r)
				}
			}
			if len(mine) != 1 || mine[0].Found == nil || !*mine[0].Found || mine[0].Page != "/fb-"+string(engine) {
				t.Errorf("stored feedback from %s: %+v, want one record of this page and answer", engine, mine)
			}
			clean("feedback")

			// Quick exit: the button, then Shift three times; each replaces the page.
			for i, how := range []string{"button", "keys"} {
				url = s.embed(fmt.Sprintf("/exit-%s-%s", engine, how), "en",
					fmt.Sprintf(`data-partner="demo" data-components="banner,exit" data-exit-url="%s/exited"`, s.origin), probe, "", "")
				if err := p.Navigate(url); err != nil {
					t.Fatal(err)
				}
				if err := p.Poll(`(() => { const h = document.querySelector('[data-signpost="exit"]'); if (!h || !h.shadowRoot) return null;
					const r = h.shadowRoot.querySelector("button").getBoundingClientRect(); return {X: r.x + r.width / 2, Y: r.y + r.height / 2} })()`, &at, 0); err != nil {
					t.Fatal(err)
				}
				if i == 0 {
					err := p.Click(at.X, at.Y)
					if err != nil {
						t.Fatal(err)
					}
				} else if err := p.Press("Shift", "Shift", "Shift"); err != nil {
					t.Fatal(err)
				}
				if err := p.Poll(`location.pathname === "/exited"`, nil, 0); err != nil {
					t.Errorf("quick exit by %s: %v", how, err)
				}
			}

			// Isolation: the hostile stylesheet hides and recolours everything in <body>.
			url = s.embed("/hostile-"+string(engine), "en", `data-partner="demo" data-region="CA"`,
				probe+`<link rel="stylesheet" href="/hostile.css">`, `<p class="banner msg" id="own">The partner's own text.</p>`, "")
			if err := p.Navigate(url); err != nil {
				t.Fatal(err)
			}
			var iso struct {
				Visible bool    `json:"visible"`
				Color   string  `json:"color"`
				Border  string  `json:"border"`
				Own     string  `json:"own"`
				Height  float64 `json:"height"`
			}
			if err := p.Poll(`(() => { const h = document.querySelector('[data-signpost="banner"]'), r = h && h.shadowRoot, b = r && r.querySelector(".banner");
				if (!b || !r.querySelector(".acts a")) return null;
				return {visible: getComputedStyle(h).visibility === "visible" && h.getBoundingClientRect().height > 0, color: getComputedStyle(r.querySelector(".name")).color,
					border: getComputedStyle(b).borderLeftStyle, own: getComputedStyle(document.getElementById("own")).borderLeftStyle, height: h.getBoundingClientRect().height} })()`, &iso, 0); err != nil {
				t.Fatal(err)
			}
			if !iso.Visible || iso.Color == "rgb(255, 0, 0)" || iso.Border != "solid" || iso.Own == "solid" || iso.Height < 44 {
				t.Errorf("hostile page: %+v", iso)
			}
			clean("hostile page")
		})
	}
}
