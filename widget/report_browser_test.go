package widget_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
)

// reportEdge serves the shipped content with an embedded store, on a clock that is the wall
// clock (the page's timers and the edge's agree) moved on by what the test adds to skip: the
// frame page's form then counts as open for longer than a bot's, without the test waiting.
func reportEdge(t *testing.T) (*edgetest.Edge, func(time.Duration)) {
	t.Helper()
	var skipped atomic.Int64
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	limits, err := ratelimit.New(ratelimit.Config{IPRate: "1000-M", PartnerRate: "1000-M", Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Logger: log, RateLimits: limits, Now: func() time.Time { return time.Now().Add(time.Duration(skipped.Load())) }}
	o := edgetest.Browsing(t, cfg, nil)
	o.Store = true
	return edgetest.Start(t, o), func(d time.Duration) { skipped.Add(int64(d)) }
}

// reportLink is the widget's report link of a line, read in the banner's shadow root.
type reportLink struct {
	Href, Target, Text, Label string
	Box                       box
	Links                     int
}

// readReportLink opens the banner's disclosure once the edge has answered and reads the
// report link of line (scrolled into view): its address, target, text, accessible name and
// box, and how many report links the disclosure holds.
func readReportLink(t *testing.T, p browsertest.Page, line string) reportLink {
	t.Helper()
	root := shadow("banner")
	browsertest.Wait(t, p, `performance.getEntriesByName("signpost:edge").length > 0 && `+root+`.querySelector(".line a[target]")`)
	var raw string
	if err := p.Eval(`(() => { const r = `+root+`, more = r.querySelector(".more");
		if (more.getAttribute("aria-expanded") !== "true") more.click();
		const all = [...r.querySelectorAll(".line a[target]")], a = all.find((a) => a.href.includes("report=`+line+`&") || a.href.includes("report=`+line+`#"));
		a.scrollIntoView({block: "center"});
		const b = a.getBoundingClientRect();
		return JSON.stringify({href: a.href, target: a.target, text: a.textContent, label: a.getAttribute("aria-label") || "", links: all.length,
			box: {X: b.x, Y: b.y, W: b.width, H: b.height}}) })()`, &raw); err != nil {
		t.Fatal(err)
	}
	var l reportLink
	if err := json.Unmarshal([]byte(raw), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// follow taps the report link at l and returns the page it opened. Chromium opens it in a new
// tab, as a visitor's browser does; the harness drives one tab in Firefox and WebKit, so there
// the link, checked to open a new tab, is tapped without its target and opens in the same one.
func follow(t *testing.T, p browsertest.Page, l reportLink) browsertest.Page {
	t.Helper()
	if l.Target != "_blank" {
		t.Fatalf("%s: the report link's target is %q, want _blank", p.Engine(), l.Target)
	}
	x, y := l.Box.X+l.Box.W/2, l.Box.Y+l.Box.H/2
	if p.Engine() != browsertest.Chromium {
		if err := p.Eval(shadow("banner")+`.querySelectorAll(".line a[target]").forEach((a) => a.removeAttribute("target"))`, nil); err != nil {
			t.Fatal(err)
		}
		if err := p.Click(x, y); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ctx := browsertest.CDP(t, p)
	opened := chromedp.WaitNewTarget(ctx, func(i *target.Info) bool {
		return i.Type == "page" && strings.HasPrefix(i.URL, strings.SplitN(l.Href, "?", 2)[0])
	})
	if err := p.Click(x, y); err != nil {
		t.Fatal(err)
	}
	var id target.ID
	select {
	case id = <-opened:
	case <-time.After(30 * time.Second):
		t.Fatal("chromium: the report link opened no tab")
	}
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatal(err)
	}
	return browsertest.FromCDP(tab)
}

// TestReportFromWidget: in Chromium, Firefox and WebKit, on a 390×844 phone, a visitor opens the
// banner's disclosure, taps a line's "Report a problem with this line" (a link of at least 44 px
// whose accessible name is its text), lands on the frame page with that line's report form
// open, chooses a reason, types a comment and sends it with real taps and keys: the page
// thanks them, and the report is stored once, for that line.
func TestReportFromWidget(t *testing.T) {
	e, skip := reportEdge(t)
	s := newSite(t, e.URL())
	const line = "qc-appelle"
	for _, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, engine, browsertest.Options{Width: 390, Height: 844, Touch: browsertest.SupportsTouch(engine)})
			if err := p.Navigate(s.embed("/report-"+string(engine), "en", `data-partner="demo" data-region="CA-QC" data-components="banner"`,
				`<script src="/probe.js"></script>`, "", "")); err != nil {
				t.Fatal(err)
			}
			l := readReportLink(t, p, line)
			if l.Links != 4 || l.Text != "Report a problem with this line" || l.Label != "" || l.Box.H < 44 || l.Box.W < 24 ||
				!strings.HasPrefix(l.Href, e.URL()+"/v1/frame/demo?") || !strings.HasSuffix(l.Href, "#report") {
				t.Errorf("%s: report link %+v, want one of 4, named by its text, at least 44 px high, to the edge's frame page", engine, l)
			}
			if errs := p.Errors(); len(errs) > 0 {
				t.Errorf("%s: script errors %v", engine, errs)
			}
			f := follow(t, p, l)
			browsertest.Wait(t, f, `location.hash === "#report" && document.querySelector("#report details[open] textarea")`, `location.href`)
			var opened struct {
				Line, Open  string
				Top, Height float64
			}
			if err := f.Eval(`({line: document.querySelector("#report input[name=line]").value,
				open: [...document.querySelectorAll("details[open]")].map((d) => d.className || d.querySelector("summary").className).join(" "),
				top: document.querySelector("#report .signpost-name").getBoundingClientRect().top, height: innerHeight})`, &opened); err != nil {
				t.Fatal(err)
			}
			// In view: scrolled to, or as near as a page too short to scroll further allows (the
			// engines' fonts make the page's height differ), with room for the form below it.
			if opened.Line != line || opened.Open != "signpost-b signpost-more signpost-rep" || opened.Top < 0 || opened.Top > opened.Height/2 {
				t.Errorf("%s: opened page %+v, want the banner's disclosure and %s's report form open, its name in view", engine, opened, line)
			}
			// tap taps sel until done holds: an emulated tap on a loaded machine can arrive as a
			// long press, which is no click (Firefox's touch emulation); three taps that all fail
			// are a real failure.
			tap := func(sel, done string) {
				t.Helper()
				for range 3 {
					var r box
					if err := f.Eval(`(() => { const e = document.querySelector(`+jsString(sel)+`); e.scrollIntoView({block: "center"}); const x = e.getBoundingClientRect(); return {X: x.x, Y: x.y, W: x.width, H: x.height}; })()`, &r); err != nil {
						t.Fatal(err)
					}
					if err := f.Click(r.X+r.W/2, r.Y+r.H/2); err != nil {
						t.Fatal(err)
					}
					if done == "" || f.Poll(done, nil, 5*time.Second) == nil {
						return
					}
				}
				t.Fatalf("%s: three taps on %s, and still not %s", engine, sel, done)
			}
			tap("#report input[name=reason][value=not_working]", `document.querySelector("#report input[name=reason][value=not_working]").checked`)
			tap("#report textarea", `document.activeElement && document.activeElement.name === "comment"`)
			comment := "No answer, " + string(engine)
			if err := f.Press(strings.Split(comment, "")...); err != nil {
				t.Fatal(err)
			}
			skip(2 * time.Second) // longer than a bot takes (the form's signed time): on the edge's clock
			tap("#report button[type=submit]", "")
			browsertest.Wait(t, f, `document.querySelector('[role="status"]') && document.querySelector('[role="status"]').textContent.includes("Your report was sent")`, `document.body.innerText`)
			var mine []*feedback.Record
			for _, r := range e.Reports(t) {
				if r.Comment == comment {
					mine = append(mine, r)
				}
			}
			if len(mine) != 1 || mine[0].Line != line || mine[0].Reason != "not_working" || mine[0].Partner != "demo" || mine[0].Locale != "en" {
				t.Errorf("%s: reports stored %+v, want one for %s", engine, mine, line)
			}
		})
	}
}

// TestReportLinkAxe runs axe-core (WCAG 2.2 A/AA) on the widget with its disclosure open and
// its report links drawn, on a phone, in English and French: no violation, with the target-size
// and label-content-name-mismatch rules run.
func TestReportLinkAxe(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	s := newSite(t, edge)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Width: 390, Height: 844, Touch: true})
	axe := browsertest.AxeScript(t)
	for _, loc := range []string{"en", "fr"} {
		p := browser.Tab(t)
		if err := p.Navigate(s.embed("/report-axe-"+loc, loc, `data-partner="demo" data-region="CA-QC"`, "", "", "")); err != nil {
			t.Fatal(err)
		}
		l := readReportLink(t, p, "ca-988")
		want := map[string]string{"en": "Report a problem with this line", "fr": "Signaler un problème avec cette ligne"}[loc]
		if l.Text != want || !strings.Contains(l.Href, "locale="+loc+"&") {
			t.Errorf("%s: report link %+v, want %q", loc, l, want)
		}
		ctx := browsertest.CDP(t, p)
		runAxe(t, ctx, axe, "widget's disclosure with report links, "+loc)
	}
}
