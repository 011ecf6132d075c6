// Package browsertest drives real browsers for tests through one API: Open gives a Page, a tab
// of one engine (Chromium over CDP, Firefox ESR over WebDriver BiDi, WebKitGTK over W3C
// WebDriver under Xvfb), driven the same way in all three; Wait polls it and fails the test;
// Page.Tab opens another tab beside it (same cookies and storage). What only Chromium can do
// (network interception, frames as targets, time zones) goes through CDP, the chromedp context
// of a Chromium page. A package's TestMain calls Main to share one browser process per engine
// (and per set of preferences) between its tests, each in a browser context of its own.
//
// When a browser is missing the test is skipped on a developer machine and fails under
// CI=true: a browser test never passes by not running.
package browsertest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
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
	// Unsized leaves the viewport to the browser's own window, without emulation (headless
	// Chromium's window is 800x600), as the Chromium-only tests were written for; Width and
	// Height must then be zero. Firefox and WebKit pages are always sized.
	Unsized bool
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
	// It evaluates from the driver, not with the page's timers or Promise (which a hostile page
	// may replace), and survives a navigation swapping the document.
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
	// Tab opens another tab in the same browser context (cookies and storage shared; each tab
	// has its own sessionStorage), with the same Options, closed at the test's cleanup.
	// WebKit pages have one tab: the test fails there.
	Tab(t testing.TB) Page
}

// Open opens a page of engine e with o's viewport for the test, in a browser context of its
// own (cookies, storage, cache and permissions apart), closed at cleanup. Under Main the
// browser process is shared with the package's other tests; otherwise it is started for the
// test and stopped at cleanup. A missing browser fails the test under CI=true and skips it
// elsewhere.
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

// Wait polls expr in p until it is truthy (30 s at most) and fails the test if it never is,
// saying what the page's probe recorded and the value of each of show (JS expressions: what
// the page said, for instance).
func Wait(t testing.TB, p Page, expr string, show ...string) {
	t.Helper()
	err := p.Poll("!!("+expr+")", nil, 0)
	if err == nil {
		return
	}
	var seen strings.Builder
	for _, js := range append([]string{`window.__probe`}, show...) {
		var v any
		if e := p.Eval(js, &v); e != nil {
			v = e
		}
		seen.WriteString("; " + js + ": ")
		b, _ := json.Marshal(v)
		seen.Write(b)
	}
	t.Fatalf("%v%.800s", err, seen.String())
}

// need finds the first of paths that exists (or, for a bare name, is on PATH), or fails under
// CI and skips elsewhere, naming the Debian package `make test` installs.
func need(t testing.TB, pkg string, paths ...string) string {
	t.Helper()
	if p, ok := find(paths...); ok {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found (Debian package %s; `make test` installs it): browser tests must run under CI", paths[0], pkg)
	}
	t.Skipf("%s not found: run `make test`, which installs %s (this test fails instead of skipping under CI=true)", paths[0], pkg)
	return ""
}

// find is the first of paths that exists (a glob) or, for a bare name, is on PATH.
func find(paths ...string) (string, bool) {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			if found, err := exec.LookPath(p); err == nil {
				return found, true
			}
			continue
		}
		if matches, _ := filepath.Glob(p); len(matches) > 0 {
			if st, err := os.Stat(matches[0]); err == nil && !st.IsDir() {
				return matches[0], true
			}
		}
	}
	return "", false
}

// Node is the path of Node.js, which runs the JS checks (ESLint, tsc, the ES-level parse).
// Missing, it fails under CI=true and skips elsewhere, like NodeModule.
func Node(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		return node
	}
	if os.Getenv("CI") != "" {
		t.Fatal("node not found: `make test` installs Node.js, which runs the JS checks")
	}
	t.Skip("node not found: run `make test`, which installs it (this fails under CI=true)")
	return ""
}

// NodeModule finds a file of the npm packages `make test` installs at the repository root
// (axe-core, jQuery), looking up from the test's directory. Missing, it fails under CI=true and
// skips elsewhere, like the browser itself.
func NodeModule(t testing.TB, rel string) string {
	t.Helper()
	dir, _ := os.Getwd()
	for ; dir != "/" && dir != "."; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, "node_modules", rel)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("node_modules/%s missing: run `make test` (it runs npm ci)", rel)
	}
	t.Skipf("node_modules/%s missing: run `make test`, which installs it (this fails under CI=true)", rel)
	return ""
}
