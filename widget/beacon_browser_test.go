package widget_test

import (
	"context"
	"encoding/json"
	"net"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// beaconSeen is one request to /v1/beacon as the edge received it.
type beaconSeen struct {
	Method, ContentType, Body string
	Cookie, Credentials       bool
}

// beaconEdge serves the shipped content with in-memory usage counts, and records every request
// to /v1/beacon (preflights included) before the edge handles it.
type beaconEdge struct {
	origin string
	counts *usage.Memory
	mu     sync.Mutex
	seen   []beaconSeen
}

func startBeaconEdge(t *testing.T) *beaconEdge {
	t.Helper()
	e := &beaconEdge{counts: usage.NewMemory()}
	srv, _ := edgetest.New(t, edgetest.Browsing(t, server.Config{Usage: e.counts}, nil))
	h := srv.Handler()
	hs := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		if string(ctx.Path()) == "/v1/beacon" {
			e.mu.Lock()
			e.seen = append(e.seen, beaconSeen{Method: string(ctx.Method()), ContentType: string(ctx.Request.Header.ContentType()),
				Body: string(ctx.PostBody()), Cookie: len(ctx.Request.Header.Peek("Cookie")) > 0,
				Credentials: len(ctx.Request.Header.Peek("Authorization")) > 0})
			e.mu.Unlock()
		}
		h(ctx)
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Shutdown() })
	e.origin = "http://" + ln.Addr().String()
	return e
}

func (e *beaconEdge) beacons() []beaconSeen {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]beaconSeen(nil), e.seen...)
}

func (e *beaconEdge) rows(t *testing.T) []usage.Row {
	t.Helper()
	rs, err := e.counts.Rows(context.Background(), usage.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

// waitRows polls the counts until they are want.
func (e *beaconEdge) waitRows(t *testing.T, want []usage.Row) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got := e.rows(t)
		if reflect.DeepEqual(got, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("counts:\n got %+v\nwant %+v\nbeacons %+v", got, want, e.beacons())
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// initScript runs src in every new document of the tab, before the page's scripts.
func initScript(src string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: src})
		return err
	})
}

// tapTel clicks the banner's tel: link; the host page cancels the navigation (a listener of its
// own, as a page may have), which does not stop the widget from counting the tap.
func tapTel(t *testing.T, ctx context.Context, href string) {
	t.Helper()
	poll(t, ctx, shadow("banner")+`.querySelector('a[href="`+href+`"]')`)
	eval[bool](t, ctx, `document.addEventListener("click", (e) => e.preventDefault()) || true`)
	eval[bool](t, ctx, shadow("banner")+`.querySelector('a[href="`+href+`"]').click() || true`)
}

// TestUsageBeacons: a partner page sends one "shown" beacon after the banner and one "tel"
// beacon when the visitor taps a tel: link; each is a CORS-simple text/plain POST with no
// cookie and no identifier, and the edge counts it. With Global Privacy Control or Do Not Track
// the widget sends nothing at all.
func TestUsageBeacons(t *testing.T) {
	t.Parallel()
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})

	t.Run("shown and tel", func(t *testing.T) {
		edge := startBeaconEdge(t)
		s := newSite(t, edge.origin)
		url := s.embed("/usage", "en", `data-partner="demo" data-region="CA-ON"`, "", "", "")
		ctx := open(t, browser, url)
		poll(t, ctx, bannerText+`.includes("988")`)
		edge.waitRows(t, []usage.Row{{Day: usage.Day(time.Now()), Partner: "demo", Region: "CA-ON", Shown: 1}})

		tapTel(t, ctx, "tel:988")
		edge.waitRows(t, []usage.Row{
			{Day: usage.Day(time.Now()), Partner: "demo", Region: "CA-ON", Shown: 1},
			{Day: usage.Day(time.Now()), Partner: "demo", Region: "CA-ON", Line: "ca-988", Tel: 1},
		})
		if got := eval[string](t, ctx, `location.href`); got != url {
			t.Errorf("the page navigated to %s", got)
		}
		cleanProbe(t, ctx)

		bs := edge.beacons()
		if len(bs) != 2 {
			t.Fatalf("beacon requests %+v, want 2 (no preflight, no repeat)", bs)
		}
		for i, want := range []map[string]string{
			{"partner": "demo", "region": "CA-ON", "event": "shown"},
			{"partner": "demo", "region": "CA-ON", "event": "tel", "line": "ca-988"},
		} {
			b := bs[i]
			if b.Method != "POST" || !strings.HasPrefix(b.ContentType, "text/plain") || b.Cookie || b.Credentials {
				t.Errorf("beacon %d: %+v, want a POST of text/plain without cookie or credentials", i, b)
			}
			var got map[string]string
			if err := json.Unmarshal([]byte(b.Body), &got); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("beacon %d body %s, want exactly %v (%v)", i, b.Body, want, err)
			}
		}
	})

	for _, tc := range []struct{ name, init string }{
		{"Global Privacy Control", `Object.defineProperty(Navigator.prototype, "globalPrivacyControl", {get: () => true, configurable: true});`},
		{"Do Not Track", `Object.defineProperty(Navigator.prototype, "doNotTrack", {get: () => "1", configurable: true});`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edge := startBeaconEdge(t)
			s := newSite(t, edge.origin)
			url := s.embed("/private", "en", `data-partner="demo" data-region="CA"`, "", "", "")
			ctx := open(t, browser, url, initScript(tc.init))
			poll(t, ctx, bannerText+`.includes("988")`)
			// The snippet answered: render() has long passed the point where it counts.
			poll(t, ctx, `performance.getEntriesByType("resource").some(e => e.name.includes("/v1/snippets/"))`)
			tapTel(t, ctx, "tel:988")
			time.Sleep(500 * time.Millisecond)
			if bs := edge.beacons(); len(bs) != 0 {
				t.Errorf("beacons sent under %s: %+v", tc.name, bs)
			}
			if rs := edge.rows(t); len(rs) != 0 {
				t.Errorf("counts under %s: %+v", tc.name, rs)
			}
			n := eval[int](t, ctx, `performance.getEntriesByType("resource").filter(e => e.name.includes("/v1/beacon")).length`)
			if n != 0 {
				t.Errorf("the browser made %d beacon requests", n)
			}
			cleanProbe(t, ctx)
		})
	}
}
