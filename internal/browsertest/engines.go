package browsertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// Engine is a browser engine the widget is tested in.
type Engine string

// The three engines: Debian's Chromium (driven over CDP), Firefox ESR (WebDriver BiDi) and
// WebKitGTK's MiniBrowser (W3C WebDriver, under Xvfb).
const (
	Chromium Engine = "chromium"
	Firefox  Engine = "firefox"
	WebKit   Engine = "webkit"
)

// Engines are all of them, in the order tests run them.
var Engines = []Engine{Chromium, Firefox, WebKit}

// Options shape the page a test opens.
type Options struct {
	// Width and Height are the viewport in CSS px; zero means 1280x900.
	Width, Height int
	// Touch makes a touch phone: coarse pointer, no hover, touch events, where the engine can
	// (SupportsTouch).
	Touch bool
	// NoScript turns the pages' own scripts off, as a visitor with JavaScript disabled does
	// (Chromium: Emulation.setScriptExecutionDisabled; Firefox: javascript.enabled false;
	// WebKit: enable-javascript-markup false). Eval and Poll still work: the driver's scripts
	// are not the page's. Errors then reads the engine's log only.
	NoScript bool
}

func (o Options) size() (int, int) {
	if o.Width == 0 || o.Height == 0 {
		return 1280, 900
	}
	return o.Width, o.Height
}

// SupportsTouch says whether Open can make e a touch phone. WebKitGTK has no touch emulation:
// its pages see the Xvfb mouse (hover, fine pointer).
func SupportsTouch(e Engine) bool { return e != WebKit }

// Page is one browser tab of an engine, driven the same way in all three.
type Page interface {
	Engine() Engine
	// Navigate loads url and waits for its load event.
	Navigate(url string) error
	// Eval evaluates a JS expression (a Promise is awaited) and decodes its value, which must
	// be JSON-serializable, into out (nil: ignored).
	Eval(expr string, out any) error
	// Poll evaluates expr until it is truthy, then decodes it into out; timeout zero means 30 s.
	Poll(expr string, out any, timeout time.Duration) error
	// Click is a real pointer click (a touch tap on a touch page) at viewport CSS coordinates.
	Click(x, y float64) error
	// Press presses and releases each key in turn: "Shift", "Tab", "Enter", "Space", or one
	// character.
	Press(keys ...string) error
	// Screenshot is a PNG of the viewport.
	Screenshot() ([]byte, error)
	// Errors are the uncaught script errors and unhandled rejections of the current document:
	// from the probe (Probe, injected where the engine can, else included by the page as
	// /probe.js) and from the engine's own log where it has one.
	Errors() []string
}

// Open starts e's browser for the test (stopped at cleanup) and opens a page with o's
// viewport. A missing browser fails the test under CI=true and skips it elsewhere.
func Open(t testing.TB, e Engine, o Options) Page {
	t.Helper()
	if o.Touch && !SupportsTouch(e) {
		t.Fatalf("%s cannot emulate a touch phone: check SupportsTouch", e)
	}
	switch e {
	case Chromium:
		return openChromium(t, o)
	case Firefox:
		return openFirefox(t, o)
	case WebKit:
		return openWebKit(t, o)
	}
	t.Fatalf("unknown engine %q", e)
	return nil
}

// need finds the first of paths that exists (or, for a bare name, is on PATH), or fails under
// CI and skips elsewhere, naming the Debian package `make test` installs.
func need(t testing.TB, pkg string, paths ...string) string {
	t.Helper()
	for _, p := range paths {
		if !strings.Contains(p, "/") {
			if found, err := exec.LookPath(p); err == nil {
				return found
			}
			continue
		}
		if matches, _ := filepath.Glob(p); len(matches) > 0 {
			return matches[0]
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found (Debian package %s; `make test` installs it): browser tests must run under CI", paths[0], pkg)
	}
	t.Skipf("%s not found: run `make test`, which installs %s (this test fails instead of skipping under CI=true)", paths[0], pkg)
	return ""
}

// ProbeScriptHandler serves Probe as /probe.js, for pages that want their errors seen in an
// engine that cannot inject it (WebKit): <script src="/probe.js"></script> first in <head>.
func ProbeScriptHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		w.Header().Set("Cache-Control", "no-store")
		fmt.Fprint(w, Probe)
	})
}

// wrapEval makes expr into an async function body's value serialized as JSON, so that every
// engine returns a plain string: "null" for undefined.
func wrapEval(expr string) string {
	return `(async () => { const v = await (` + expr + `); return v === undefined ? "null" : JSON.stringify(v); })()`
}

// decode reads the JSON string an evaluation of wrapEval returned into out.
func decode(raw string, out any) error {
	if out == nil {
		return nil
	}
	return json.Unmarshal([]byte(raw), out)
}

// truthy reports whether a JSON value is truthy in JS.
func truthy(raw string) bool {
	return !slices.Contains([]string{"", "null", "false", "0", `""`}, strings.TrimSpace(raw))
}

// poll is Poll over any Eval.
func poll(eval func(string, any) error, expr string, out any, timeout time.Duration) error {
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	deadline := time.Now().Add(timeout)
	var last string
	var err error
	for {
		var raw json.RawMessage
		if err = eval(`(() => { try { return (`+expr+`) } catch (e) { return null } })()`, &raw); err == nil {
			last = string(raw)
			if truthy(last) {
				return decode(last, out)
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("waiting %v for %s: last value %s, error %v", timeout, expr, last, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// keyValue is the WebDriver key code of a key name.
func keyValue(k string) (string, error) {
	switch k {
	case "Shift":
		return "\uE008", nil
	case "Tab":
		return "\uE004", nil
	case "Enter":
		return "\uE007", nil
	case "Space":
		return " ", nil
	}
	if len([]rune(k)) == 1 {
		return k, nil
	}
	return "", errors.New("unknown key " + k)
}

// probeErrors reads the probe's errors from the page.
func probeErrors(eval func(string, any) error) []string {
	var errs []string
	_ = eval(`(window.__probe && window.__probe.errors) || []`, &errs)
	return errs
}

// merge adds the strings of b missing from a.
func merge(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
