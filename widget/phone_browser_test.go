package widget_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
)

// shippedRegions are the region entries of configs/content.yaml, and AQ, which has none.
var shippedRegions = []string{"CA", "CA-QC", "CA-BC", "CA-NU", "US", "GB", "GB-ENG", "IE", "AU", "NZ", "FR", "AQ"}

// longRun is set by `make test-long` (SIGNPOST_TEST_LONG=1): the scenarios `make test` shares
// out among the engines then run in every engine.
var longRun = os.Getenv("SIGNPOST_TEST_LONG") != ""

// phoneCase says whether the engine at index e of browsertest.Engines checks the region at index
// r of shippedRegions in the locale at index l of en, fr. Under `make test` each region and locale
// is checked on each viewport in one engine: every engine gets both locales, both viewports and
// a third of the regions in each locale (two thirds over both), together all of them; under
// `make test-long`, every engine all of them.
func phoneCase(e, r, l int) bool {
	return longRun || (r+l)%len(browsertest.Engines) == e
}

// viewports are the two layouts: a touch phone, and a desktop from the breakpoint up.
var viewports = []struct {
	name string
	opts browsertest.Options
	want float64 // the banner's height as first shown
}{
	{"phone", browsertest.Options{Width: 390, Height: 844, Touch: true}, widget.BannerPhone},
	{"desktop", browsertest.Options{Width: 1280, Height: 900}, widget.BannerWide},
}

// snippetBanner is the edge's banner for a region and locale: what the widget must end up showing.
func snippetBanner(t *testing.T, edge, region, loc string) snippets.BannerView {
	t.Helper()
	resp, err := http.Get(edge + "/v1/snippets/demo/banner?region=" + region + "&locale=" + loc)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var s struct{ Banner snippets.BannerView }
	if err := json.NewDecoder(resp.Body).Decode(&s); err != nil {
		t.Fatal(err)
	}
	return s.Banner
}

type box struct{ X, Y, W, H float64 }

type control struct {
	Tag      string `json:"tag"`
	Href     string `json:"href"`
	Text     string `json:"text"`
	Label    string `json:"label"`
	Desc     string `json:"desc"`
	Shown    bool   `json:"shown"`
	Panel    bool   `json:"panel"`
	Expanded string `json:"expanded"`
	Controls string `json:"controls"`
	R        box    `json:"r"`
}

type phoneState struct {
	Host     box       `json:"host"`
	Text     string    `json:"text"`
	Controls []control `json:"ctl"`
	Panel    struct {
		Hidden bool   `json:"hidden"`
		ID     string `json:"id"`
		Msg    string `json:"msg"`
	} `json:"panel"`
	VW      float64 `json:"vw"`
	Exit    box     `json:"exit"`
	Hint    bool    `json:"hint"`
	ExitBtn box     `json:"exitBtn"`
}

// readPhone is JS for everything the phone test measures, as a JSON string.
const readPhone = `(() => {
  const h = document.querySelector('[data-signpost="banner"]'), r = h && h.shadowRoot, b = r && r.querySelector(".banner");
  if (!b) return "";
  const rect = (e) => { const x = e.getBoundingClientRect(); return {X: x.x, Y: x.y, W: x.width, H: x.height}; };
  const shown = (e) => { const x = e.getBoundingClientRect(); return x.width > 0 && x.height > 0; };
  const desc = (e) => { const d = e.getAttribute("aria-describedby"); return d && r.getElementById(d) ? r.getElementById(d).textContent : ""; };
  const p = r.querySelector(".panel"), x = document.querySelector('[data-signpost="exit"]'), xr = x && x.shadowRoot;
  return JSON.stringify({
    host: rect(h), text: r.textContent, vw: innerWidth,
    ctl: [...r.querySelectorAll("a, button")].map((e) => ({tag: e.tagName, href: e.getAttribute("href") || "", text: e.textContent,
      label: e.getAttribute("aria-label") || "", desc: desc(e), shown: shown(e), panel: !!e.closest(".panel"),
      expanded: e.getAttribute("aria-expanded") || "", controls: e.getAttribute("aria-controls") || "", r: rect(e)})),
    panel: p ? {hidden: !shown(p), id: p.id, msg: p.querySelector(".msg") ? p.querySelector(".msg").textContent : ""} : {hidden: true},
    exit: x ? rect(x) : {}, exitBtn: xr ? rect(xr.querySelector("button")) : {},
    hint: !!(xr && xr.querySelector(".kb") && shown(xr.querySelector(".kb")))
  });
})()`

func readState(t *testing.T, p browsertest.Page) phoneState {
	t.Helper()
	var raw string
	if err := p.Eval(readPhone, &raw); err != nil {
		t.Fatal(err)
	}
	var s phoneState
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return s
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' || r == '+' {
			return r
		}
		return -1
	}, s)
}

func spelled(n string) string {
	if digitsOf(n) != n {
		return ""
	}
	return strings.Join(strings.Split(n, ""), " ")
}

func find(cs []control, inPanel bool, href string) (control, bool) {
	for _, c := range cs {
		if c.Panel == inPanel && c.Href == href {
			return c, true
		}
	}
	return control{}, false
}

// TestPhoneBanner is the banner as a visitor on a phone or a desktop sees it, in Chromium,
// Firefox and WebKit, for every shipped region in English and French (each region and language
// in one engine under `make test`, in all three under `make test-long`: phoneCase): its height is the one
// partners reserve; the first line's call and text actions and the emergency number are there
// as first shown, as targets of at least 44x44 CSS px; every other line and the region's full
// sentence are one tap away, behind a disclosure that says how many lines it holds; every
// control's accessible name is its visible text (WCAG 2.5.3), a bare number also given digit by
// digit as its description; the quick exit's Shift hint shows only where a keyboard is likely.
func TestPhoneBanner(t *testing.T) {
	edge, _ := startEdge(t)
	s := newSite(t, edge)
	want := map[string]snippets.BannerView{}
	for _, region := range shippedRegions {
		for _, loc := range []string{"en", "fr"} {
			want[region+"/"+loc] = snippetBanner(t, edge, region, loc)
		}
	}
	shots := os.Getenv("SIGNPOST_SCREENSHOTS")
	for ei, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel() // three browsers, one edge: the engines do not wait on each other
			for _, vp := range viewports {
				opts := vp.opts
				touch := opts.Touch && browsertest.SupportsTouch(engine)
				opts.Touch = touch
				p := browsertest.Open(t, engine, opts)
				for li, loc := range []string{"en", "fr"} {
					for ri, region := range shippedRegions {
						if !phoneCase(ei, ri, li) {
							continue
						}
						name := fmt.Sprintf("%s %s %s", vp.name, region, loc)
						b := want[region+"/"+loc]
						url := s.embed(fmt.Sprintf("/phone-%s-%s-%s", vp.name, region, loc), loc,
							fmt.Sprintf(`data-partner="demo" data-region="%s" data-locale="%s" data-components="banner,exit"`, region, loc),
							`<script src="/probe.js"></script>`, "", "")
						if err := p.Navigate(url); err != nil {
							t.Fatal(err)
						}
						// Drawn from the snippet's lines (regions not baked in come with it).
						ready := `(() => { const h = document.querySelector('[data-signpost="banner"]'); return !!(performance.getEntriesByName("signpost:edge").length && h && h.shadowRoot && h.shadowRoot.querySelector(".acts")`
						if len(b.Lines) > 0 {
							ready += ` && h.shadowRoot.querySelector('.panel a[href="` + firstHref(b.Lines[len(b.Lines)-1]) + `"]')`
						}
						if err := p.Poll(ready+`) })()`, nil, 0); err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						st := readState(t, p)
						checkFirstShown(t, name, st, b, vp.want, loc)
						if touch && st.Hint || !opts.Touch && !st.Hint {
							t.Errorf("%s: the Shift hint is shown %v on a touch phone %v", name, st.Hint, touch)
						}
						if math.Abs(st.Exit.H-widget.ExitBar) > 0.5 || st.ExitBtn.W < 44 || st.ExitBtn.H < 44 {
							t.Errorf("%s: quick exit bar %.1f px (want %d), button %.0fx%.0f", name, st.Exit.H, widget.ExitBar, st.ExitBtn.W, st.ExitBtn.H)
						}
						if len(b.Lines) > 0 {
							openPanel(t, p, name, st, b)
						}
						if errs := p.Errors(); len(errs) > 0 {
							t.Errorf("%s: script errors %v", name, errs)
						}
					}
				}
				// The demo page as a visitor's phone shows it (SIGNPOST_SCREENSHOTS=dir keeps them:
				// docs/screenshots holds the committed ones).
				if vp.name == "phone" {
					for _, q := range []string{"region=CA&locale=en", "region=CA-QC&locale=fr", "region=CA-BC&locale=en", "region=CA-NU&locale=en"} {
						if err := p.Navigate(edge + "/?" + q); err != nil {
							t.Fatal(err)
						}
						if err := p.Poll(`document.querySelector('[data-signpost="feedback"]') && document.querySelector('[data-signpost="feedback"]').shadowRoot`, nil, 0); err != nil {
							t.Fatal(err)
						}
						dir := shots
						if dir == "" {
							dir = t.TempDir()
						}
						region, loc, _ := strings.Cut(strings.NewReplacer("region=", "", "locale=", "").Replace(q), "&")
						screenshot(t, p, filepath.Join(dir, fmt.Sprintf("phone-%s-%s-%s.png", region, loc, engine)))
					}
				}
			}
		})
	}
}

// firstHref is the tel: (else sms:) link of a line.
func firstHref(l snippets.LineView) string {
	if l.Tel != "" {
		return "tel:" + l.Tel
	}
	return "sms:" + l.SMS
}

// checkFirstShown checks the banner as first shown against the edge's view of the region.
func checkFirstShown(t *testing.T, name string, st phoneState, b snippets.BannerView, height float64, loc string) {
	t.Helper()
	if math.Abs(st.Host.H-height) > 0.5 {
		t.Errorf("%s: banner %.1f px tall, want the %.0f px partners reserve", name, st.Host.H, height)
	}
	if st.Host.H > 160 {
		t.Errorf("%s: banner %.1f px tall, more than 160 px of the screen", name, st.Host.H)
	}
	var more *control
	for i, c := range st.Controls {
		if c.Panel || !c.Shown {
			continue
		}
		if c.R.W < 44 || c.R.H < 44 {
			t.Errorf("%s: %q is %.0fx%.0f px, want at least 44x44", name, c.Text, c.R.W, c.R.H)
		}
		if c.R.X < 0 || c.R.X+c.R.W > st.VW+0.5 {
			t.Errorf("%s: %q runs off the screen (%.0f..%.0f of %.0f)", name, c.Text, c.R.X, c.R.X+c.R.W, st.VW)
		}
		if c.Expanded != "" {
			more = &st.Controls[i]
		}
	}
	for _, c := range st.Controls {
		// Label in Name: no aria-label, or one that holds the visible text.
		if c.Label != "" && !strings.Contains(c.Label, c.Text) {
			t.Errorf("%s: %q has the accessible name %q", name, c.Text, c.Label)
		}
	}
	var wantHrefs []string
	if len(b.Lines) > 0 {
		l := b.Lines[0]
		if l.Tel != "" {
			wantHrefs = append(wantHrefs, "tel:"+l.Tel)
		}
		if l.SMS != "" {
			wantHrefs = append(wantHrefs, "sms:"+l.SMS)
		}
	} else if b.Directory != nil {
		wantHrefs = append(wantHrefs, b.Directory.URL)
	}
	if len(b.Emergency) > 0 {
		wantHrefs = append(wantHrefs, "tel:"+digitsOf(b.Emergency[0]))
	}
	for _, h := range wantHrefs {
		c, ok := find(st.Controls, false, h)
		if !ok || !c.Shown {
			t.Errorf("%s: %s is not in the banner as first shown: %+v", name, h, st.Controls)
			continue
		}
		num := strings.TrimPrefix(strings.TrimPrefix(h, "tel:"), "sms:")
		if strings.HasPrefix(h, "tel:") || strings.HasPrefix(h, "sms:") {
			if want := spelled(num); want != "" && c.Desc != want && strings.Contains(c.Text, num) {
				t.Errorf("%s: %q is described as %q, want %q", name, c.Text, c.Desc, want)
			}
		}
	}
	if len(b.Lines) == 0 {
		if more != nil {
			t.Errorf("%s: a disclosure without lines", name)
		}
		return
	}
	if more == nil {
		t.Fatalf("%s: no disclosure for the other lines: %+v", name, st.Controls)
	}
	n := len(b.Lines) - 1
	label := map[bool]string{true: "Details", false: strconv.Itoa(n)}[n == 0]
	if loc == "fr" && n == 0 {
		label = "Détails"
	}
	if !strings.Contains(more.Text, label) || more.Expanded != "false" || more.Controls == "" || more.Controls != st.Panel.ID || !st.Panel.Hidden {
		t.Errorf("%s: disclosure %+v (panel %+v), want it closed, naming %q", name, *more, st.Panel, label)
	}
}

// openPanel taps the disclosure: it opens, says so, and shows the full sentence and every line.
func openPanel(t *testing.T, p browsertest.Page, name string, st phoneState, b snippets.BannerView) {
	t.Helper()
	for _, c := range st.Controls {
		if c.Expanded == "" {
			continue
		}
		if err := p.Click(c.R.X+c.R.W/2, c.R.Y+c.R.H/2); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Poll(`document.querySelector('[data-signpost="banner"]').shadowRoot.querySelector("[aria-expanded=true]")`, nil, 0); err != nil {
		t.Fatalf("%s: the disclosure did not open on a tap: %v", name, err)
	}
	st = readState(t, p)
	if st.Panel.Hidden || st.Panel.Msg != b.Message {
		t.Errorf("%s: opened panel %+v, want it shown with the full sentence %q", name, st.Panel, b.Message)
	}
	for _, l := range b.Lines {
		for _, h := range []string{"tel:" + l.Tel, "sms:" + l.SMS, l.ChatURL} {
			if h == "tel:" || h == "sms:" || h == "" {
				continue
			}
			c, ok := find(st.Controls, true, h)
			if !ok || !c.Shown {
				t.Errorf("%s: line %s's %s is not in the opened list", name, l.ID, h)
				continue
			}
			if c.R.W < 24 || c.R.H < 44 {
				t.Errorf("%s: %q in the list is %.0fx%.0f px, want at least 24 wide and 44 tall", name, c.Text, c.R.W, c.R.H)
			}
		}
	}
}

func screenshot(t *testing.T, p browsertest.Page, path string) {
	t.Helper()
	png, err := p.Screenshot()
	if err != nil {
		t.Fatal(err)
	}
	if len(png) < 1000 || string(png[1:4]) != "PNG" {
		t.Fatalf("screenshot is not a PNG (%d bytes)", len(png))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
