package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/snippets"
)

// shown is what one banner shows, read from the rendered page: its text, and each tel: and
// sms: link with the number written in it.
type shown struct {
	Text  string `json:"text"`
	Links []struct {
		Href string `json:"href"`
		Num  string `json:"num"`
	} `json:"links"`
}

// readShown reads a banner under root (a JS expression): "n" is the class of the number's span.
func readShown(root, n string) string {
	return `JSON.stringify((() => { const r = ` + root + `; return {text: r.textContent,
  links: [...r.querySelectorAll('a[href^="tel:"], a[href^="sms:"]')].map((a) => ({href: a.getAttribute("href"), num: (a.querySelector(".` + n + `") || a).textContent}))} })())`
}

// lineNumbers are the digits a line dials or texts (a leading + dropped).
func lineNumbers(l *snippets.Line) []string {
	var out []string
	for _, n := range []string{l.Call, l.TelTarget(), l.Text} {
		if d := strings.TrimPrefix(digitsOf(n), "+"); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// checkShown holds what a page shows for entry key of c to the entry: every tel:/sms: target is
// the number its link shows; every line of the entry and its emergency number are there; no
// number or name of a line the entry does not list appears; Nunavut names no 9-1-1.
func checkShown(t *testing.T, where string, c *snippets.Loaded, key string, loc snippets.Locale, s shown) {
	t.Helper()
	r := c.Regions[key]
	mine := map[string]bool{}
	for _, id := range r.Lines {
		for _, d := range lineNumbers(c.Lines[id]) {
			mine[d] = true
		}
	}
	for _, e := range r.Emergency {
		mine[digitsOf(e)] = true
	}
	got := map[string]bool{}
	for _, l := range s.Links {
		scheme, target, _ := strings.Cut(l.Href, ":")
		target = strings.TrimPrefix(target, "+")
		if shownDigits := strings.TrimPrefix(digitsOf(l.Num), "+"); target != shownDigits || target == "" {
			t.Errorf("%s: %s link dials %q but shows %q", where, scheme, target, l.Num)
		}
		if !mine[target] {
			t.Errorf("%s: %s:%s is not a number of this region's lines or emergency", where, scheme, target)
		}
		got[target] = true
	}
	for _, id := range r.Lines {
		l := c.Lines[id]
		if ns := lineNumbers(l); len(ns) > 0 && !slices.ContainsFunc(ns, func(n string) bool { return got[n] }) {
			t.Errorf("%s: line %s (%v) has no link", where, id, ns)
		}
		if !strings.Contains(s.Text, l.Name.Get(loc)) {
			t.Errorf("%s: line %s's name %q is not shown", where, id, l.Name.Get(loc))
		}
	}
	if len(r.Emergency) > 0 && !got[digitsOf(r.Emergency[0])] {
		t.Errorf("%s: emergency number %s has no link", where, r.Emergency[0])
	}
	for id, l := range c.Lines {
		if slices.Contains(r.Lines, id) {
			continue
		}
		for _, d := range lineNumbers(l) {
			if got[d] && !mine[d] {
				t.Errorf("%s: %s, a number of line %s, which this region does not list", where, d, id)
			}
		}
		// A name within one of this region's own ("Lifeline" in "988 Suicide & Crisis
		// Lifeline", Samaritans in Britain and Ireland) says nothing.
		if name := l.Name.Get(loc); strings.Contains(s.Text, name) && !slices.ContainsFunc(r.Lines, func(mineID string) bool { return strings.Contains(c.Lines[mineID].Name.Get(loc), name) }) {
			t.Errorf("%s: the name of line %s (%q), which this region does not list", where, id, name)
		}
	}
	if key == "CA-NU" {
		flat := strings.NewReplacer("-", "", " ", "", "\u00a0", "").Replace(s.Text)
		if strings.Contains(flat, "911") || got["911"] {
			t.Errorf("%s: Nunavut is shown 9-1-1: %q", where, s.Text)
		}
		if !strings.Contains(s.Text, r.EmergencyNote.Get(loc)) {
			t.Errorf("%s: Nunavut's emergency note %q is not shown", where, r.EmergencyNote.Get(loc))
		}
	}
}

// TestEveryRegionShown: for every region entry of the shipped content, in English and French,
// the widget's banner, the server-rendered fragment and the frame page (scripts off) show the
// entry's lines and emergency number, each tel:/sms: link dialling exactly the number it shows,
// and nothing of another province's or country's lines, read from the rendered pages.
func TestEveryRegionShown(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	c, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(func(yield func(string) bool) {
		for k := range c.Regions {
			if !yield(k) {
				return
			}
		}
	})
	if len(keys) < 21 || !slices.Contains(keys, "CA-NU") || !slices.Contains(keys, "CA-BC") {
		t.Fatalf("shipped entries %v", keys)
	}
	// The widget: one page, drawn again for each region and language by its own API.
	widgetPage := open(t, browser, s.embed("/every-region", "en", `data-partner="demo" data-components="banner"`, "", "", ""))
	poll(t, widgetPage, `performance.getEntriesByName("signpost:edge").length > 0`)
	for _, key := range keys {
		for _, loc := range snippets.Locales {
			drawn := eval[int](t, widgetPage, `performance.getEntriesByName("signpost:edge").length`)
			eval[bool](t, widgetPage, fmt.Sprintf(`(() => { const s = document.querySelector("script[data-partner]"); Signpost.destroy();
				s.dataset.region = %q; s.dataset.locale = %q; Signpost.render(); return true })()`, key, loc))
			poll(t, widgetPage, fmt.Sprintf(`performance.getEntriesByName("signpost:edge").length > %d`, drawn))
			var w shown
			if err := json.Unmarshal([]byte(eval[string](t, widgetPage, readShown(shadow("banner")+`.querySelector(".banner")`, "n"))), &w); err != nil {
				t.Fatal(err)
			}
			checkShown(t, "widget "+key+" "+string(loc), c, key, loc, w)

			// The server-rendered pages are what the edge sends: no script draws them.
			for _, page := range []struct{ name, url string }{
				{"fragment", edge + "/v1/banner/demo.html?region=" + key + "&locale=" + string(loc)},
				{"frame page", edge + "/v1/frame/demo?region=" + key + "&locale=" + string(loc)},
			} {
				checkShown(t, page.name+" "+key+" "+string(loc), c, key, loc, readServerBanner(t, fetch(t, page.url)))
			}
		}
	}
}

var (
	bannerHTML = regexp.MustCompile(`(?s)<section class="signpost-banner".*?</section>`)
	dialLink   = regexp.MustCompile(`(?s)<a[^>]* href="((?:tel|sms):[^"]*)"[^>]*>(.*?)</a>`)
	numberSpan = regexp.MustCompile(`<span class="signpost-n">([^<]*)</span>`)
	markup     = regexp.MustCompile(`<[^>]*>`)
)

// readServerBanner reads the banner of a server-rendered page as readShown reads the widget's:
// its text and each tel:/sms: link with the number written in it (the page's own markup, which
// html/template escapes: no script, no other source of links).
func readServerBanner(t *testing.T, page string) shown {
	t.Helper()
	b := bannerHTML.FindString(page)
	if b == "" {
		t.Fatalf("no banner in %s", page)
	}
	var s shown
	s.Text = html.UnescapeString(markup.ReplaceAllString(b, ""))
	for _, m := range dialLink.FindAllStringSubmatch(b, -1) {
		num := markup.ReplaceAllString(m[2], "")
		if n := numberSpan.FindStringSubmatch(m[2]); n != nil {
			num = n[1]
		}
		s.Links = append(s.Links, struct {
			Href string `json:"href"`
			Num  string `json:"num"`
		}{html.UnescapeString(m[1]), html.UnescapeString(num)})
	}
	return s
}

// blockURLs makes the tab's requests to pattern fail.
func blockURLs(pattern string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{{URLPattern: pattern, Block: true}}})
		return err
	})
}

// timeZone makes the tab's browser report zone as its time zone.
func timeZone(zone string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: zone})
		return err
	})
}

// TestNunavutNo911: a visitor placed in Nunavut, which has no 9-1-1 service, is never shown one:
// placed by the time zone (zones that lie only in Nunavut), by their own choice, or by the
// embed's data-region; in the banner drawn from the bundle before any request and in the one
// drawn from the edge's answer; and told to call their community's RCMP or health centre.
// formToken is the no-JavaScript form's one-use token field (server/nojs), random hex.
var formToken = regexp.MustCompile(`<input type="hidden" name="t" value="[^"]*">`)

func TestNunavutNo911(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	// noNine opens url twice: with the snippet blocked (the banner the bundle draws before any
	// request), then as it is (the banner the edge's answer draws); setup runs before each.
	noNine := func(t *testing.T, how, url string, setup ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		read := `(() => { const r = document.querySelector('[data-signpost="banner"]').shadowRoot; return r.textContent + " " + [...r.querySelectorAll("a")].map((a) => a.getAttribute("href")).join(" ") })()`
		blocked := open(t, browser, url, append(setup, blockURLs(edge+"/v1/snippets/*"))...)
		poll(t, blocked, bannerText+`.length > 0 && performance.getEntriesByType("resource").some((e) => e.name.includes("/v1/snippets/"))`)
		first := eval[string](t, blocked, read)
		ctx := open(t, browser, url, setup...)
		poll(t, ctx, `performance.getEntriesByName("signpost:edge").length > 0`)
		after := eval[string](t, ctx, read)
		for _, text := range []string{first, after} {
			if flat := strings.NewReplacer("-", "", " ", "").Replace(text); strings.Contains(flat, "911") {
				t.Errorf("%s: 9-1-1 shown to a visitor in Nunavut: %q", how, text)
			}
		}
		note := regexp.MustCompile(`RCMP|GRC`)
		if !note.MatchString(first) || !note.MatchString(after) || !strings.Contains(after, "tel:988") || !strings.Contains(first, "tel:988") {
			t.Errorf("%s: want 988 and the RCMP note from the first drawing on: first %q, after %q", how, first, after)
		}
	}
	// Two of Nunavut's zones (every one is mapped to CA-NU by snippets' table test).
	for _, zone := range []string{"America/Iqaluit", "America/Cambridge_Bay"} {
		t.Run("time zone "+zone, func(t *testing.T) {
			// mhcc defaults to CA; the zone places the visitor in Nunavut.
			noNine(t, zone, s.embed("/nu-tz-"+strings.ReplaceAll(zone, "/", "-"), "en", `data-partner="mhcc" data-components="banner"`, "", "", ""), timeZone(zone))
		})
	}
	t.Run("their own choice", func(t *testing.T) {
		// The choice is kept on the device: a return visit finds it before the script runs.
		url := s.embed("/nu-choice", "en", `data-partner="mhcc" data-components="banner"`, "", "", "")
		remember := chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			if err := chromedp.Do(ctx, chromedp.Navigate(s.origin+"/nu-choice?first")); err != nil {
				return err
			}
			_, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`localStorage.setItem("signpost-region", "CA-NU"), true`))
			return err
		})
		noNine(t, "choice", url, timeZone("America/Toronto"), remember)
	})
	t.Run("data-region, in French", func(t *testing.T) {
		noNine(t, "data-region", s.embed("/nu-attr", "fr", `data-partner="demo" data-region="CA-NU" data-components="banner"`, "", "", ""))
	})
	t.Run("no script", func(t *testing.T) {
		for _, u := range []string{"/v1/banner/mhcc.html?region=CA-NU", "/v1/frame/mhcc?region=CA-NU&locale=fr", "/v1/snippets/mhcc?region=CA-NU"} {
			body := fetch(t, edge+u)
			// The form's token is random hex, which may hold the digits 9, 1, 1 by chance.
			words := formToken.ReplaceAllString(body, "")
			if flat := strings.NewReplacer("-", "", " ", "").Replace(words); strings.Contains(flat, "911") || !strings.Contains(body, "GRC") && !strings.Contains(body, "RCMP") {
				t.Errorf("%s names 9-1-1 or no RCMP: %s", u, body)
			}
		}
	})
}
