package widget_test

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
)

// TestNoJavaScriptPagesAxe runs axe-core (WCAG 2.2 A/AA) on the fragment in a partner page and
// on the frame page and its answers, in English and French, on a phone and a desktop, with the
// disclosure open: no violation. (axe is a script: it runs from DevTools; the pages have none.)
func TestNoJavaScriptPagesAxe(t *testing.T) {
	t.Parallel()
	edge, _ := startIntake(t, "")
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	axe := browsertest.AxeScript(t)
	s := newSite(t, edge)
	// One tab for every load: the pages have no script to keep state in it (sessionStorage),
	// each load sets the viewport anew, and a tab costs more than the load.
	tab := browsertest.CDP(t, browser.Tab(t))
	for _, loc := range []string{"en", "fr"} {
		region := map[string]string{"en": "CA", "fr": "CA-QC"}[loc]
		pages := map[string]string{
			"fragment in a page": includePage(t, s, "/axe-include-"+loc, region, loc, ""),
			"frame page":         edge + "/v1/frame/demo?components=banner,resources,feedback,exit&region=" + region + "&locale=" + loc,
		}
		for name, url := range pages {
			for _, phone := range []bool{true, false} {
				label := loc + " " + name
				if phone {
					label += " phone"
				}
				t.Run(label, func(t *testing.T) {
					ctx := load(t, tab, url, phoneAction(phone))
					pollDevtools(t, ctx, `document.querySelector(".signpost-banner")`)
					if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("summary.signpost-more"))); err != nil {
						t.Fatal(err)
					}
					pollDevtools(t, ctx, `document.querySelector("details[open]")`)
					runAxe(t, ctx, axe, label)
				})
			}
		}
		// A line's report form, open.
		t.Run(loc+" report form", func(t *testing.T) {
			ctx := load(t, tab, edge+"/v1/frame/demo?components=banner,exit&region="+region+"&locale="+loc, phoneAction(true))
			pollDevtools(t, ctx, `document.querySelector(".signpost-banner")`)
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("summary.signpost-more")), chromedp.Click(chromedp.CSS(".signpost-rep > summary"))); err != nil {
				t.Fatal(err)
			}
			pollDevtools(t, ctx, `document.querySelector("details.signpost-rep[open]")`)
			runAxe(t, ctx, axe, loc+" report form")
		})
		// The form's answers: refused (the problems beside their fields) and the crisis answer.
		t.Run(loc+" form answers", func(t *testing.T) {
			ctx := load(t, tab, edge+"/v1/frame/demo?components=banner,feedback,exit&region="+region+"&locale="+loc, phoneAction(true))
			pollDevtools(t, ctx, `document.querySelector("form.signpost-fb")`)
			if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#signpost-email")), chromedp.KeyEvent("not-an-address"),
				chromedp.Click(chromedp.CSS("form.signpost-fb button[type=submit]"))); err != nil {
				t.Fatal(err)
			}
			pollDevtools(t, ctx, `document.querySelector(".signpost-errs")`)
			runAxe(t, ctx, axe, loc+" refused form")
			eval[bool](t, ctx, `(document.querySelector("#signpost-email").value = "") == ""`)
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[name=found][value=no]`)), chromedp.Focus(chromedp.CSS("#signpost-comment")),
				chromedp.KeyEvent(" suicide"), chromedp.Click(chromedp.CSS("form.signpost-fb button[type=submit]"))); err != nil {
				t.Fatal(err)
			}
			pollDevtools(t, ctx, `document.querySelector(".signpost-crisis")`)
			runAxe(t, ctx, axe, loc+" crisis answer")
		})
	}
}

// runAxe injects axe-core and fails on any WCAG 2.2 A/AA violation.
func runAxe(t *testing.T, ctx context.Context, axe, label string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](axe)); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	res := browsertest.CheckAxe(t, label, raw)
	for _, rule := range []string{"target-size", "label-content-name-mismatch", "color-contrast", "region"} {
		if !res.Ran(rule) {
			t.Errorf("%s: axe did not run %s", label, rule)
		}
	}
}
