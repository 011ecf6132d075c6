// Package browsertest starts a real headless Chromium for tests. When the browser is missing the
// test is skipped on a developer machine and fails under CI=true: a browser test never passes
// by not running.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// Path finds Chromium: $EDGE_CHROMIUM, else Debian's /usr/bin/chromium, else chromium on PATH.
func Path() (string, bool) {
	for _, p := range []string{os.Getenv("EDGE_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, true
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p, true
	}
	return "", false
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

// chromiumPath finds Chromium or ends the test: fails under CI=true, skips elsewhere.
func chromiumPath(t testing.TB) string {
	t.Helper()
	path, ok := Path()
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium not found (set EDGE_CHROMIUM or run `make test`, which installs it): browser tests must run under CI")
		}
		t.Skip("Chromium not found: run `make test` to install it (this test fails instead of skipping under CI=true)")
	}
	return path
}

// Browser gives the test a Chromium of its own as far as a page can tell, and returns a context
// for a first tab; new tabs come from chromedp.NewContext(ctx). Under Main it is a browser
// context (cookies, storage, cache and permissions apart, disposed at cleanup) of the one
// Chromium the package's tests share; otherwise one Chromium started for the test and closed at
// cleanup.
func Browser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath(t)
	if sharedChromium.enabled {
		return sharedBrowser(t, path)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, chromiumOptions(path, t.TempDir())...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("start Chromium %s: %v", path, err)
	}
	return bctx
}

// Probe is injected before any page script: it records CSP violations, uncaught errors and
// every request the page makes, so tests can assert the page ran cleanly.
const Probe = `(function(){
  if (window.__probe) return;
  var p = window.__probe = {csp: [], errors: [], requests: []};
  document.addEventListener("securitypolicyviolation", function(e){ p.csp.push(e.violatedDirective + " " + e.blockedURI); });
  window.addEventListener("error", function(e){ p.errors.push(String(e.message)); });
  window.addEventListener("unhandledrejection", function(e){ p.errors.push(String(e.reason)); });
})();`

// Tab opens a new tab with Probe installed.
func Tab(t testing.TB, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: Probe}); err != nil {
		t.Fatalf("install probe: %v", err)
	}
	return ctx
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
