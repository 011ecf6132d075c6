package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
)

// clsObserver sums the page's layout shifts (Chromium's Layout Instability API). Cumulative
// Layout Shift leaves out shifts within 500 ms of the visitor's input; these tests give none,
// but headless Chromium stamps an input time on the navigation itself (before the first paint),
// which would hide every shift of the page's first half second: so every shift counts here.
const clsObserver = `window.__cls = 0; window.__shifts = [];
new PerformanceObserver((l) => l.getEntries().forEach((e) => {
  window.__cls += e.value;
  window.__shifts.push({value: e.value, at: e.startTime, nodes: (e.sources || []).map((s) => s.node ? (s.node.nodeName + (s.node.id ? "#" + s.node.id : "")) : "?")});
})).observe({type: "layout-shift", buffered: true});`

// phoneAction makes the tab a 390x844 phone (touch, or not), or with phone false a 1280x900
// desktop.
func phoneAction(phone bool) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		w, h := int64(1280), int64(900)
		if phone {
			w, h = 390, 844
		}
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: w, Height: h, DeviceScaleFactor: 3, Mobile: phone}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: phone, MaxTouchPoints: 5})
		return err
	})
}

// evalJSON evaluates expr, a JSON string, into out.
func evalJSON(t *testing.T, ctx context.Context, expr string, out any) {
	t.Helper()
	if err := json.Unmarshal([]byte(eval[string](t, ctx, expr)), out); err != nil {
		t.Fatal(err)
	}
}

// slowPhone is a 390x844 touch phone on a slow link: 300 ms latency, 200 KiB/s each way.
func slowPhone() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := phoneAction(true)(ctx, tg); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: 300, DownloadThroughput: 200 * 1024, UploadThroughput: 200 * 1024}}})
		return err
	})
}

type shiftReport struct {
	CLS    float64 `json:"cls"`
	Shifts []struct {
		Value float64  `json:"value"`
		At    float64  `json:"at"`
		Nodes []string `json:"nodes"`
	} `json:"shifts"`
	Banner float64 `json:"banner"`
}

// measureShift loads url on the slow phone, waits until the widget has drawn everything done
// (ready: a JS condition) and a second more, and returns the layout shift the page saw.
func measureShift(t *testing.T, browser context.Context, url, ready string) shiftReport {
	t.Helper()
	ctx := open(t, browser, url, initScript(clsObserver), slowPhone())
	poll(t, ctx, ready)
	time.Sleep(time.Second)
	var r shiftReport
	raw := eval[string](t, ctx, `JSON.stringify({cls: window.__cls, shifts: window.__shifts,
		banner: document.querySelector('[data-signpost="banner"]').getBoundingClientRect().height})`)
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		t.Fatal(err)
	}
	cleanProbe(t, ctx)
	return r
}

// TestLayoutShift measures Cumulative Layout Shift on a 390x844 phone over a slow link, where
// the async script arrives well after the page's first paint: the embed the builder recommends
// (placeholders, its space reservation rule in the partner's own stylesheet, under a strict
// CSP), the edge's demo page (which embeds the widget the same way), and a plain page with an
// empty placeholder and no reservation.
func TestLayoutShift(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Browser(t)
	s := newSite(t, edge)

	// The builder's own outputs for this partner, pasted as a partner would.
	resp, err := http.Get(edge + "/embed/code?" + url.Values{"partner": {"demo"}, "components": {"banner,resources,feedback,exit"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var code struct{ Evergreen, Placeholders, Reserve string }
	err = json.NewDecoder(resp.Body).Decode(&code)
	resp.Body.Close()
	if err != nil || code.Reserve == "" || code.Placeholders == "" {
		t.Fatalf("builder code: %+v %v", code, err)
	}
	top, content, _ := strings.Cut(code.Placeholders, "\n<!-- ")
	s.css("/site.css", `body { margin: 0; font: 17px/1.5 Georgia, serif; } header, footer { background: #2d4a3e; color: #fff; padding: 12px 24px; }
main { padding: 16px 24px; }
`+code.Reserve)
	article := strings.Repeat("<p>The partner's own article text, which a visitor starts reading as soon as it appears on the screen.</p>\n", 6)
	recommended := s.page("/recommended", fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title><link rel="stylesheet" href="/site.css"></head>
<body>%s<header><p>Partner health site</p></header><main><h1>Anxiety</h1>%s<!-- %s</main><footer>Footer</footer>%s</body></html>`,
		top, article, content, code.Evergreen))
	plain := s.page("/plain", fmt.Sprintf(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partner</title></head>
<body><div data-signpost="banner"></div><header><p>Partner health site</p></header><main><h1>Anxiety</h1>%s</main>
<script async src="%s/v1/widget.js" data-partner="demo" data-components="banner"></script></body></html>`, article, edge))

	everything := `!!document.querySelector('[data-signpost="feedback"]') && !!` + shadow("feedback") + `.querySelector("form")`
	for _, tc := range []struct {
		name, url, ready string
		max              float64
	}{
		{"recommended embed", recommended, everything, 0.02},
		{"demo page", edge + "/", everything, 0.02},
		{"demo page, Québec in French", edge + "/?region=CA-QC&locale=fr", everything, 0.02},
		// Not what anyone should ship, but what a partner who skips the reservation gets:
		// Google's "poor" threshold is 0.25.
		{"plain page, empty placeholder, no reservation", plain, `!!` + shadow("banner") + ` && !!` + shadow("banner") + `.querySelector(".acts a")`, 0.25},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := measureShift(t, browser, tc.url, tc.ready)
			t.Logf("%s: CLS %.4f over %d shifts (banner %.0f px on a 390x844 phone, 300 ms latency, 200 KiB/s)", tc.name, r.CLS, len(r.Shifts), r.Banner)
			if r.CLS > tc.max {
				t.Errorf("%s: CLS %.4f, want at most %.2f; shifts %+v", tc.name, r.CLS, tc.max, r.Shifts)
			}
		})
	}
}
