package widget_test

import (
	"math"
	"strings"
	"testing"

	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/widget"
)

// TestWithoutConstructableStylesheets exercises the one API the widget uses that is newer than
// its support target: constructable stylesheets (Safari 16.4, Firefox 101), which a strict CSP
// does not govern. Without them the widget puts a <style> element in each shadow root: on a page
// without a CSP (or with 'unsafe-inline' styles) the banner is drawn exactly as with them; under a
// strict CSP the style element is blocked and the banner shows unstyled, but shows, with its
// numbers and links.
func TestWithoutConstructableStylesheets(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	old := `delete window.CSSStyleSheet; window.CSSStyleSheet = undefined;`
	attrs := `data-partner="demo" data-region="CA" data-components="banner,exit"`

	// The partner site sends a strict CSP on every page; this one page is served without.
	url := s.embed("/old-browser", "en", attrs, "", "", "")
	s.noCSP("/old-browser")
	ctx := open(t, browser, url, initScript(old), phoneAction(true))
	poll(t, ctx, shadow("banner")+`.querySelector(".acts a")`)
	var st struct {
		Style   bool    `json:"style"`
		Adopted int     `json:"adopted"`
		Height  float64 `json:"height"`
		Border  string  `json:"border"`
		Call    float64 `json:"call"`
	}
	evalJSON(t, ctx, `JSON.stringify({style: !!`+shadow("banner")+`.querySelector("style"), adopted: (`+shadow("banner")+`.adoptedStyleSheets || []).length,
		height: document.querySelector('[data-signpost="banner"]').getBoundingClientRect().height,
		border: getComputedStyle(`+shadow("banner")+`.querySelector(".banner")).borderLeftStyle,
		call: `+shadow("banner")+`.querySelector('a[href="tel:988"]').getBoundingClientRect().height})`, &st)
	if !st.Style || st.Adopted != 0 || st.Border != "solid" || math.Abs(st.Height-widget.BannerPhone) > 0.5 || st.Call < 44 {
		t.Errorf("without constructable stylesheets, no CSP: %+v, want a <style> element drawing the %d px banner", st, widget.BannerPhone)
	}
	cleanProbe(t, ctx)

	// Under the strict CSP: blocked styles, but the banner and its numbers are there.
	ctx = open(t, browser, s.embed("/old-browser-csp", "en", attrs, "", "", ""), initScript(old))
	poll(t, ctx, shadow("banner")+`.querySelector(".acts a")`)
	text := eval[string](t, ctx, bannerText)
	links := eval[string](t, ctx, `[...`+shadow("banner")+`.querySelectorAll(".acts a")].map(a => a.getAttribute("href")).join(" ")`)
	if !strings.Contains(text, "988 Suicide Crisis Helpline") || links != "tel:988 sms:988 tel:911" {
		t.Errorf("without constructable stylesheets, strict CSP: %q, links %q", text, links)
	}
	if csp := eval[int](t, ctx, `window.__probe.csp.length`); csp == 0 {
		t.Error("the strict CSP did not block the <style> element: the case was not tested")
	}
}
