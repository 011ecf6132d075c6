package browsertest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Poll waits until expr is true in the tab (30 s at most), evaluating it from Go: chromedp's own
// Poll runs on the page's Promise, which a hostile page may have replaced, and fails while a
// navigation swaps the document. A failure reports the last error, the page's window.__probe and
// the value of each of show (JS expressions giving strings: what the page said, for instance).
func Poll(t testing.TB, ctx context.Context, expr string, show ...string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var err error
	for time.Now().Before(deadline) {
		var ok bool
		if ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { try { return !!(`+expr+`) } catch (e) { return false } })()`)); err == nil && ok {
			return
		}
		time.Sleep(25 * time.Millisecond)
	}
	var seen strings.Builder
	for _, js := range append([]string{`JSON.stringify(window.__probe)`}, show...) {
		v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		seen.WriteString("; " + js + ": " + v)
	}
	t.Fatalf("waiting for %s: not true within 30 s (last error %v%.800s)", expr, err, seen.String())
}
