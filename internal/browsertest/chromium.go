package browsertest

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPaths are where Chromium is looked for: $EDGE_CHROMIUM, Debian's, then PATH.
func chromiumPaths() []string {
	return []string{os.Getenv("EDGE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium"}
}

// chromiumOptions are the flags every Chromium of the tests starts with, its profile in dir.
func chromiumOptions(path, dir string) []chromedp.ExecAllocatorOption {
	return []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// Headless Chromium has no pointer of its own: pages see a desktop's mouse (a fine
		// pointer that hovers). Touch emulation makes a tab a phone (coarse, no hover).
		chromedp.Flag("blink-settings", "primaryPointerType=4,availablePointerTypes=4,primaryHoverType=2,availableHoverTypes=2"),
		chromedp.UserDataDir(dir),
	}
}

// startChromium starts a Chromium with its profile in a new temporary directory and returns
// the context of its first tab and how to stop it (the profile removed).
func startChromium(path string) (context.Context, func(), error) {
	dir, err := os.MkdirTemp("", "browsertest-chromium-")
	if err != nil {
		return nil, nil, err
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromiumOptions(path, dir)...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	stop := func() { cancelBrowser(); cancelAlloc(); os.RemoveAll(dir) }
	if err := chromedp.Do(bctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("start Chromium %s: %w", path, err)
	}
	return bctx, stop, nil
}

// chromiumPage is a Chromium tab over CDP (chromedp), the viewport and touch set by emulation.
type chromiumPage struct {
	ctx     context.Context // the tab's
	browser context.Context // the browser context's first tab: new tabs open beside it
	o       Options
}

func openChromium(t testing.TB, o Options) Page {
	t.Helper()
	path := need(t, "chromium", chromiumPaths()...)
	first, err := shared(t, "chromium", func() (any, func(), error) { return startChromium(path) })
	if err != nil {
		t.Fatal(err)
	}
	browser, cancel := chromedp.NewContext(first.(context.Context), chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("new browser context: %v", err)
	}
	return setUpChromium(t, browser, browser, o)
}

// setUpChromium installs the probe and o's emulation in the tab of ctx.
func setUpChromium(t testing.TB, browser, ctx context.Context, o Options) Page {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: Probe}); err != nil {
		t.Fatalf("install probe: %v", err)
	}
	if !o.Unsized {
		w, h := o.size()
		if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: int64(w), Height: int64(h), DeviceScaleFactor: 1, Mobile: o.Touch}); err != nil {
			t.Fatalf("chromium viewport: %v", err)
		}
	}
	if !o.Unsized || o.Touch {
		if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: o.Touch, MaxTouchPoints: 5}); err != nil {
			t.Fatalf("chromium touch: %v", err)
		}
	}
	if o.NoScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("chromium scripts off: %v", err)
		}
	}
	return &chromiumPage{ctx: ctx, browser: browser, o: o}
}

// CDP is the chromedp context of a Chromium page's tab, for what only Chromium's DevTools
// protocol can do: chromedp actions run in that tab. Other engines' pages fail the test.
func CDP(t testing.TB, p Page) context.Context {
	t.Helper()
	c, ok := p.(*chromiumPage)
	if !ok {
		t.Fatalf("CDP: a %s page has no DevTools protocol", p.Engine())
	}
	return c.ctx
}

// FromCDP is the Page of a chromedp context: a Chromium tab, or a frame run as a target of its
// own; the way back from CDP. Its new tabs (Page.Tab) are Unsized.
func FromCDP(ctx context.Context) Page {
	return &chromiumPage{ctx: ctx, browser: ctx, o: Options{Unsized: true}}
}

// Frames are the frames of other origins (Chromium runs each as a target of its own) in the
// browser context of ctx (a CDP context): not those of other tests sharing the browser.
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

func (p *chromiumPage) Engine() Engine { return Chromium }

func (p *chromiumPage) Tab(t testing.TB) Page {
	t.Helper()
	ctx, cancel := chromedp.NewContext(p.browser)
	t.Cleanup(cancel)
	return setUpChromium(t, p.browser, ctx, p.o)
}

func (p *chromiumPage) timeout(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, d)
}

func (p *chromiumPage) Navigate(url string) error {
	ctx, cancel := p.timeout(30 * time.Second)
	defer cancel()
	return chromedp.Do(ctx, chromedp.Navigate(url))
}

func (p *chromiumPage) Eval(expr string, out any) error {
	ctx, cancel := p.timeout(30 * time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](wrapEval(expr), chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	return decode(raw, out)
}

func (p *chromiumPage) Poll(expr string, out any, timeout time.Duration) error {
	return poll(p.Eval, expr, out, timeout)
}

func (p *chromiumPage) Click(x, y float64) error {
	ctx, cancel := p.timeout(10 * time.Second)
	defer cancel()
	if !p.o.Touch {
		return chromedp.Do(ctx, chromedp.MouseClickXY(x, y))
	}
	pt := []*input.TouchPoint{{X: x, Y: y}}
	if _, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchStart, TouchPoints: pt}); err != nil {
		return err
	}
	_, err := chromedp.Call(ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}})
	return err
}

func (p *chromiumPage) Press(keys ...string) error {
	ctx, cancel := p.timeout(10 * time.Second)
	defer cancel()
	for _, k := range keys {
		var s string
		switch k {
		case "Shift":
			s = kb.Shift
		case "Tab":
			s = kb.Tab
		case "Enter":
			s = kb.Enter
		case "Space":
			s = " "
		default:
			if len([]rune(k)) != 1 {
				return fmt.Errorf("unknown key %s", k)
			}
			s = k
		}
		if err := chromedp.Do(ctx, chromedp.KeyEvent(s)); err != nil {
			return err
		}
	}
	return nil
}

func (p *chromiumPage) Screenshot() ([]byte, error) {
	ctx, cancel := p.timeout(30 * time.Second)
	defer cancel()
	return chromedp.Run(ctx, chromedp.CaptureScreenshot())
}

func (p *chromiumPage) Errors() []string { return probeErrors(p.Eval) }
