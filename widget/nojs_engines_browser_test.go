package widget_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/widget"
)

// TestNoJavaScriptPagesInEveryEngine loads the no-script pages in Chromium, Firefox and WebKit
// as a phone: a partner page including the fragment (under a CSP that allows no script), where
// the banner has its reserved height and the disclosure opens on a tap; and the frame page, whose
// form a visitor fills with real taps and keys and sends, into the store once per engine.
func TestNoJavaScriptPagesInEveryEngine(t *testing.T) {
	edge, store := startIntake(t, "")
	s := newSite(t, edge)
	b := snippetBanner(t, edge, "CA-QC", "fr")
	for _, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, engine, browsertest.Options{Width: 390, Height: 844, Touch: browsertest.SupportsTouch(engine)})
			url := includePage(t, s, "/include-"+string(engine), "CA-QC", "fr", "")
			if err := p.Navigate(url); err != nil {
				t.Fatal(err)
			}
			ev := func(expr string, out any) error { return p.Eval(expr, out) }
			st := readNoJSState(t, ev)
			name := string(engine) + " phone CA-QC fr"
			checkNoJSBanner(t, name, st, b, widget.BannerPhone, "fr", false)
			for _, c := range st.Ctl {
				if c.Tag == "SUMMARY" {
					if err := p.Click(c.R.X+c.R.W/2, c.R.Y+c.R.H/2); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := p.Poll(`document.querySelector(".signpost-banner details[open]")`, nil, 0); err != nil {
				t.Fatalf("%s: the disclosure did not open on a tap: %v", name, err)
			}
			checkNoJSBanner(t, name+" opened", readNoJSState(t, ev), b, widget.BannerPhone, "fr", true)

			// The frame page's form, with real taps and keys.
			comment := "Sent from " + string(engine)
			if err := p.Navigate(edge + "/v1/frame/demo?region=CA&locale=en&components=banner,resources,feedback,exit&page=/" + string(engine)); err != nil {
				t.Fatal(err)
			}
			var at struct{ Yes, Comment, Send, Icon box }
			var raw string
			if err := p.Eval(`JSON.stringify((() => { const r = (s) => { const e = document.querySelector(s); e.scrollIntoView({block: "center"}); const x = e.getBoundingClientRect(); return {X: x.x, Y: x.y, W: x.width, H: x.height}; };
				return {icon: r(".signpost-card svg"), yes: r("input[name=found][value=yes]"), comment: r("#signpost-comment"), send: r("form.signpost-fb button")}; })())`, &raw); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal([]byte(raw), &at); err != nil {
				t.Fatal(err)
			}
			if at.Icon.W < 20 || at.Icon.H < 20 {
				t.Errorf("%s: resource icon %+v", engine, at.Icon)
			}
			tap := func(sel string) {
				t.Helper()
				var r box
				if err := p.Eval(`(() => { const e = document.querySelector(`+jsString(sel)+`); e.scrollIntoView({block: "center"}); const x = e.getBoundingClientRect(); return {X: x.x, Y: x.y, W: x.width, H: x.height}; })()`, &r); err != nil {
					t.Fatal(err)
				}
				if err := p.Click(r.X+r.W/2, r.Y+r.H/2); err != nil {
					t.Fatal(err)
				}
			}
			tap("input[name=found][value=yes]")
			tap("#signpost-comment")
			if err := p.Poll(`document.activeElement && document.activeElement.id == "signpost-comment"`, nil, 0); err != nil {
				t.Fatalf("%s: the comment box did not take the focus: %v", engine, err)
			}
			if err := p.Press(strings.Split(comment, "")...); err != nil {
				t.Fatal(err)
			}
			time.Sleep(1600 * time.Millisecond) // a person's least time on a form
			tap("form.signpost-fb button")
			if err := p.Poll(`document.querySelector('[role="status"]') && document.querySelector('[role="status"]').textContent`, nil, 0); err != nil {
				t.Fatalf("%s: no thanks page: %v", engine, err)
			}
			deadline := time.Now().Add(30 * time.Second)
			for n := 0; ; time.Sleep(50 * time.Millisecond) {
				n = 0
				for _, r := range records(t, store) {
					if r.Comment == comment && r.Page == "/"+string(engine) {
						n++
					}
				}
				if n == 1 {
					break
				}
				if n > 1 || time.Now().After(deadline) {
					t.Fatalf("%s: %d records of the form, want 1", engine, n)
				}
			}
			if errs := p.Errors(); len(errs) > 0 {
				t.Errorf("%s: script errors %v", engine, errs)
			}
		})
	}
}
