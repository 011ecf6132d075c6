package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/contentstore/redisstore"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// The console's browser-test harness: edges with a real content store and named, scoped operator
// tokens, a headless Chromium, and helpers to sign in and drive the console as an operator does.
// The console tests (console_browser_test.go) and the dashboard's use it.

// consoleOperators are the operators every harness edge knows, by name. Scopes decide which
// console views each one sees.
var consoleOperators = []auth.Operator{
	{Name: "ana", Token: "ana-token-0123456789abcdef", Scopes: []string{auth.ScopeContent, auth.ScopeNotice}},
	{Name: "ben", Token: "ben-token-0123456789abcdef", Scopes: []string{auth.ScopeContent}},
	{Name: "nia", Token: "nia-token-0123456789abcdef", Scopes: []string{auth.ScopeNotice}},
	{Name: "fay", Token: "fay-token-0123456789abcdef", Scopes: []string{auth.ScopeFeedbackRead}},
	{Name: "root", Token: "root-token-0123456789abcdef"}, // Scopes nil: every scope
	// pia is a partner's web team: demo's feedback and featured resources, nothing else.
	{Name: "pia", Token: "pia-token-0123456789abcdef", Scopes: []string{auth.ScopeContent, auth.ScopeFeedbackRead}, Partners: []string{"demo"}},
}

// consoleToken is the token of a harness operator.
func consoleToken(t testing.TB, name string) string {
	t.Helper()
	for _, o := range consoleOperators {
		if o.Name == name {
			return o.Token
		}
	}
	t.Fatalf("no harness operator %q", name)
	return ""
}

// consoleEdge is one running edge: its base URL ("http://127.0.0.1:port"), server and store,
// and the edgetest edge (for requests from chosen client addresses).
type consoleEdge struct {
	URL   string
	Srv   *server.Server
	Store contentstore.Store
	Edge  *edgetest.Edge
}

// consoleFSStore is a file-backed content store seeded with the shipped content.
func consoleFSStore(t testing.TB) contentstore.Store {
	t.Helper()
	st, err := fsstore.Open(t.TempDir(), configs.Content, snippets.ValidateContent(time.Now), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// consoleRedisStore is a Redis content store on rs (one per edge: edges sharing rs share the
// content), seeded with the shipped content.
func consoleRedisStore(t testing.TB, rs *redistest.Server) contentstore.Store {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	t.Cleanup(func() { rdb.Close() })
	st, err := redisstore.Open(context.Background(), rdb, "signpost:", configs.Content, snippets.ValidateContent(time.Now), time.Now,
		redisstore.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), redisstore.WithPollInterval(500*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// startConsoleEdge starts an edge on 127.0.0.1 (edgetest, Browsing) serving cfg with the
// harness operators (unless cfg names its own), store (a fresh file store when nil) and a fresh
// file audit log (unless cfg names one), applying every version the store makes current, as
// `edge serve` does (Watch). Stopped at cleanup.
func startConsoleEdge(t testing.TB, cfg server.Config, store contentstore.Store) *consoleEdge {
	t.Helper()
	if store == nil {
		store = consoleFSStore(t)
	}
	cfg.ContentStore = store
	if cfg.AuditLog == nil {
		audit, err := auditlog.OpenFile(filepath.Join(t.TempDir(), auditlog.FileName), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { audit.Close() })
		cfg.AuditLog = audit
	}
	if cfg.Operators == nil {
		cfg.Operators = consoleOperators
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	o := edgetest.Browsing(t, cfg, nil)
	o.Watch = true
	e := edgetest.Start(t, o)
	return &consoleEdge{URL: e.URL(), Srv: e.Server, Store: store, Edge: e}
}

// api calls the operator API as a harness operator; headers alternate name, value. A body that
// is not []byte or string is sent as JSON.
func (e *consoleEdge) api(t testing.TB, operator, method, path string, body any, headers ...string) (int, []byte, http.Header) {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL+path, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+consoleToken(t, operator))
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out, resp.Header
}

// content is the current content as the API gives it (operator root).
func (e *consoleEdge) content(t testing.TB) (int64, *snippets.Content) {
	t.Helper()
	status, body, _ := e.api(t, "root", "GET", "/v1/admin/content", nil)
	if status != 200 {
		t.Fatalf("GET /v1/admin/content: %d %s", status, body)
	}
	var v struct {
		Version int64             `json:"version"`
		Content *snippets.Content `json:"content"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	return v.Version, v.Content
}

// consoleBrowser starts one headless Chromium for the test.
func consoleBrowser(t testing.TB) browsertest.Page {
	t.Helper()
	return browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
}

// consoleOpen opens url in a new tab (with the probe of CSP violations and script errors) that
// accepts every confirm() the console asks (withdraw, delete). Each tab has its own
// sessionStorage: two tabs are two operators.
func consoleOpen(t testing.TB, browser browsertest.Page, url string) context.Context {
	t.Helper()
	tab := browsertest.CDP(t, browser.Tab(t))
	ctx, cancel := context.WithTimeout(tab, 2*time.Minute)
	t.Cleanup(cancel)
	if err := chromedp.Listen(ctx, func(ev any) {
		if _, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	return ctx
}

// consoleEval evaluates a JS expression in the tab.
func consoleEval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// consolePoll waits until expr is true (browsertest.Poll: 30 s at most), saying on failure
// what the console's main region read.
func consolePoll(t testing.TB, ctx context.Context, expr string) {
	t.Helper()
	browsertest.Wait(t, browsertest.FromCDP(ctx), expr, `(document.querySelector("main")||{}).innerText`)
}

// consoleFrame evaluates expr (a JS expression giving a string) in the tab's frame whose URL
// holds urlPart (the preview of a draft: Chrome runs the sandboxed frame as a target of its
// own) until it gives a non-empty string, 30 s at most.
func consoleFrame(t testing.TB, ctx context.Context, urlPart, expr string) string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	var last string
	var err error
	for time.Now().Before(deadline) {
		infos, terr := browsertest.Frames(ctx)
		if terr != nil {
			t.Fatal(terr)
		}
		for _, info := range infos {
			if !strings.Contains(info.URL, urlPart) {
				continue
			}
			fctx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithDetachOnCancel())
			last, err = chromedp.Run(fctx, chromedp.Evaluate[string](`(() => { try { return String(`+expr+` || "") } catch (e) { return "" } })()`))
			cancel()
			if err == nil && last != "" {
				return last
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("frame %s: %s never gave a value (last %q, %v)", urlPart, expr, last, err)
	return ""
}

// consoleClean fails the test on any CSP violation or script error the tab recorded.
func consoleClean(t testing.TB, ctx context.Context) {
	t.Helper()
	var p struct {
		CSP    []string `json:"csp"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(consoleEval[string](t, ctx, `JSON.stringify(window.__probe)`)), &p); err != nil {
		t.Fatal(err)
	}
	if len(p.CSP) > 0 || len(p.Errors) > 0 {
		t.Errorf("CSP violations %v, script errors %v", p.CSP, p.Errors)
	}
}

// consoleSignIn signs in as a harness operator with the keyboard (the token typed into the
// password field, Enter) and waits for the console to greet them.
func consoleSignIn(t testing.TB, ctx context.Context, operator string) {
	t.Helper()
	consolePoll(t, ctx, `document.getElementById("sp-token")`)
	if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS("#sp-token")), chromedp.KeyEvent(consoleToken(t, operator)), chromedp.KeyEvent("\r")); err != nil {
		t.Fatalf("sign in as %s: %v", operator, err)
	}
	consolePoll(t, ctx, `document.querySelector('[data-operator="`+operator+`"]')`)
}

// consoleType puts value in the field selector names as typing would leave it: the value, then
// an input event that bubbles (the forms listen for it).
func consoleType(t testing.TB, ctx context.Context, selector, value string) {
	t.Helper()
	consoleEval[bool](t, ctx, `(() => { const el = document.querySelector(`+jsQuote(selector)+`); el.value = `+jsQuote(value)+`;
		el.dispatchEvent(new Event("input", {bubbles: true})); return true })()`)
}

// consoleKeys presses keys in order (kb.Tab, "\r" for Enter, " " for Space, text).
func consoleKeys(t testing.TB, ctx context.Context, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(k)); err != nil {
			t.Fatalf("key %q: %v", k, err)
		}
	}
}

// consoleFocused describes the focused element: tag, data-* of itself and of its item.
const consoleFocused = `(() => { const a = document.activeElement; const li = a && a.closest("li[data-id]");
  return (a ? a.tagName + "|" + (a.getAttribute("data-move") || a.getAttribute("data-action") || a.id || "") : "") + "|" + (li ? li.dataset.id : "") })()`

// consoleAxe runs axe-core (node_modules/axe-core, injected as source text: the console's CSP
// blocks injected <script> tags) over the tab and fails on any violation. Frames are left out:
// the preview frame is sandboxed (axe cannot enter it) and holds the widget, checked by its own
// axe tests.
func consoleAxe(t testing.TB, ctx context.Context, label string) {
	t.Helper()
	if !consoleEval[bool](t, ctx, `!!window.axe`) {
		consoleEval[bool](t, ctx, browsertest.AxeScript(t))
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("axe, %s: %v", label, err)
	}
	browsertest.CheckAxe(t, label, raw)
}

func jsQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
