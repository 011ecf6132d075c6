package console_test

import (
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// TestLineStatusAcrossEdges: 988 degraded through the API of edge 1 shows its message on edge
// 2, which shares the Redis content store, in the widget, the banner fragment and the frame
// page; once its end has passed on edge 2's clock (injected), none of them shows it, with
// nothing published.
func TestLineStatusAcrossEdges(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	e1 := startConsoleEdge(t, server.Config{}, consoleRedisStore(t, rs))
	var later atomic.Int64 // edge 2's clock runs this far ahead of the real one
	e2 := startConsoleEdge(t, server.Config{Now: func() time.Time { return time.Now().Add(time.Duration(later.Load())) }},
		consoleRedisStore(t, rs))
	end := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	body := map[string]any{"status": "degraded", "until": end.Format(time.RFC3339),
		"message": map[string]string{"en": edgetest.DegradedEN, "fr": edgetest.DegradedFR}}
	if status, b, _ := e1.api(t, "ben", "PUT", "/v1/admin/lines/ca-988/status", body); status != 200 {
		t.Fatalf("PUT status on edge 1: %d %s", status, b)
	}
	get := func(path string) string {
		t.Helper()
		r, err := http.Get(e2.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		b, _ := io.ReadAll(r.Body)
		return string(b)
	}
	fragment, frame := "/v1/banner/demo.html?region=CA&locale=fr", "/v1/frame/demo?region=CA&locale=en"
	for start := time.Now(); !strings.Contains(get(fragment), "Les appels échouent. Textez le 988."); time.Sleep(100 * time.Millisecond) {
		if time.Since(start) > 20*time.Second {
			t.Fatal("the status switched on edge 1 did not reach edge 2's fragment in 20 s")
		}
	}
	if !strings.Contains(get(frame), edgetest.DegradedEN) {
		t.Error("edge 2's frame page lacks the status message")
	}
	browser := consoleBrowser(t)
	site := consoleOpen(t, browser, "about:blank")
	if _, err := chromedp.Call(site, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(site, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	// The snippet answers after the banner is drawn from the bundle: wait for its message.
	consolePartnerPage(t, site, e2.URL+"/")
	consolePoll(t, site, `(`+consoleBanner+`).includes(`+jsQuote(edgetest.DegradedEN)+`)`)

	// Edge 2's clock past the end: the line is active again everywhere.
	later.Store(int64(time.Until(end) + time.Second))
	if strings.Contains(get(fragment), "Les appels échouent") || strings.Contains(get(frame), edgetest.DegradedEN) {
		t.Error("after the end, edge 2's fragment or frame page still shows the status message")
	}
	consolePartnerPage(t, site, e2.URL+"/")
	time.Sleep(500 * time.Millisecond) // the snippet's answer, had it carried the message
	if text := consoleEval[string](t, site, consoleBanner); strings.Contains(text, edgetest.DegradedEN) || !strings.Contains(text, "988") {
		t.Errorf("after the end, edge 2's widget shows %q", text)
	}
	if v1, _ := e1.content(t); v1 != 2 {
		t.Errorf("content v%d, want v2: the end publishes nothing", v1)
	}
}
