package browsertest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// sharedChromium is the one Chromium of a test binary whose TestMain runs Main: started by the
// first Browser call, stopped when the tests are done. Starting Chromium costs about two seconds
// of CPU and more of waiting; a browser context per test keeps the tests as far apart as
// browsers of their own would.
var sharedChromium struct {
	enabled bool
	once    sync.Once
	ctx     context.Context // the browser's first tab
	err     error
	stop    func()
}

// Main runs the package's tests (m.Run) with one Chromium shared by every test that calls
// Browser, stops it and removes its profile, and exits with the tests' status. A package's
// TestMain calls it.
func Main(m *testing.M) {
	sharedChromium.enabled = true
	code := m.Run()
	if sharedChromium.stop != nil {
		sharedChromium.stop()
	}
	os.Exit(code)
}

func sharedBrowser(t testing.TB, path string) context.Context {
	t.Helper()
	s := &sharedChromium
	s.once.Do(func() {
		dir, err := os.MkdirTemp("", "browsertest-chromium-")
		if err != nil {
			s.err = err
			return
		}
		actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(path, dir)...)
		bctx, cancelBrowser := chromedp.NewContext(actx)
		s.ctx, s.stop = bctx, func() { cancelBrowser(); cancelAlloc(); os.RemoveAll(dir) }
		if err := chromedp.Do(bctx); err != nil {
			s.err = fmt.Errorf("start Chromium %s: %w", path, err)
		}
	})
	if s.err != nil {
		t.Fatal(s.err)
	}
	ctx, cancel := chromedp.NewContext(s.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return ctx
}

// Frames are the frames of other origins (Chromium runs each as a target of its own) in the
// browser context of ctx, the tab's or the test's: not those of the other tests sharing the
// browser.
func Frames(ctx context.Context) ([]*target.Info, error) {
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		return nil, err
	}
	var own string
	if c := chromedp.FromContext(ctx); c != nil {
		own = string(c.BrowserContextID)
	}
	var out []*target.Info
	for _, i := range infos {
		if i.Type == "iframe" && (own == "" || string(i.BrowserContextID) == own) {
			out = append(out, i)
		}
	}
	return out, nil
}
