package browsertest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromiumPage is a Chromium tab over CDP (chromedp), the viewport and touch set by emulation.
type chromiumPage struct {
	ctx   context.Context
	touch bool
}

func openChromium(t testing.TB, o Options) Page {
	t.Helper()
	ctx := Tab(t, Browser(t))
	w, h := o.size()
	if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
		Width: int64(w), Height: int64(h), DeviceScaleFactor: 1, Mobile: o.Touch}); err != nil {
		t.Fatalf("chromium viewport: %v", err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: o.Touch, MaxTouchPoints: 5}); err != nil {
		t.Fatalf("chromium touch: %v", err)
	}
	if o.NoScript {
		if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatalf("chromium scripts off: %v", err)
		}
	}
	return &chromiumPage{ctx: ctx, touch: o.Touch}
}

func (p *chromiumPage) Engine() Engine { return Chromium }

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
	if !p.touch {
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
