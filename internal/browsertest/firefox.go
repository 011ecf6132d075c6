package browsertest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// firefoxPrefs keep Firefox off the network (this machine has none: refused connections must
// not slow tests) and, for a touch phone, make it report a coarse pointer without hover. A
// tap's down and up may lie far apart on a busy machine: past apz.max_tap_time (300 ms by
// default) or the long-press delay, Firefox takes it for a press, not a click, so both are long.
const firefoxPrefs = `user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("browser.shell.checkDefaultBrowser", false);
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.provider.mozilla.updateURL", "");
user_pref("browser.search.update", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("services.settings.server", "http://127.0.0.1:9/");
user_pref("app.normandy.enabled", false);
user_pref("apz.max_tap_time", 60000);
user_pref("ui.click_hold_context_menus", false);
user_pref("ui.click_hold_context_menus.delay", 60000);
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("media.gmp-manager.url", "");
user_pref("messaging-system.rsexperimentloader.enabled", false);
user_pref("remote.prefs.recommended", true);
`

// Pointer capabilities are bit flags (1 coarse, 2 fine, 4 hover): a touch phone has a coarse
// pointer without hover; a desktop a mouse (headless Firefox has no pointer of its own).
const (
	firefoxTouchPrefs = `user_pref("ui.primaryPointerCapabilities", 1);
user_pref("ui.allPointerCapabilities", 1);
user_pref("dom.w3c_touch_events.enabled", 1);
`
	firefoxMousePrefs = `user_pref("ui.primaryPointerCapabilities", 6);
user_pref("ui.allPointerCapabilities", 6);
`
)

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

// firefoxBrowser is one Firefox process and its WebDriver BiDi session: pages are windows of
// it, each test's in a user context of its own (cookies and storage apart).
type firefoxBrowser struct {
	conn *websocket.Conn

	mu      sync.Mutex
	next    int
	waiting map[int]chan bidiReply
	top     map[string]string       // browsing context → its top-level one (itself for a page)
	pages   map[string]*firefoxPage // by top-level browsing context
}

// firefoxPage is a Firefox window over WebDriver BiDi.
type firefoxPage struct {
	b           *firefoxBrowser
	context     string
	userContext string
	o           Options

	mu   sync.Mutex
	errs []string
}

type bidiReply struct {
	Type    string          `json:"type"`
	ID      int             `json:"id"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
}

// firefoxProfile is the user.js of a Firefox for pages of o: the pointer and scripts are
// preferences, so pages that differ in them need Firefoxes of their own.
func firefoxProfile(o Options) string {
	prefs := firefoxPrefs
	if o.Touch {
		prefs += firefoxTouchPrefs
	} else {
		prefs += firefoxMousePrefs
	}
	if o.NoScript {
		prefs += `user_pref("javascript.enabled", false);` + "\n"
	}
	return prefs
}

// startFirefox starts a headless Firefox with prefs and opens a BiDi session on it.
func startFirefox(bin, prefs string) (*firefoxBrowser, func(), error) {
	profile, err := os.MkdirTemp("", "browsertest-firefox-")
	if err != nil {
		return nil, nil, err
	}
	var stops []func()
	stop := func() {
		for i := len(stops) - 1; i >= 0; i-- {
			stops[i]()
		}
	}
	stops = append(stops, func() { os.RemoveAll(profile) })
	fail := func(err error) (*firefoxBrowser, func(), error) { stop(); return nil, nil, err }
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o644); err != nil {
		return fail(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return fail(err)
	}
	if err := cmd.Start(); err != nil {
		return fail(fmt.Errorf("start %s: %w", bin, err))
	}
	stops = append(stops, func() { stopGroup(cmd) })
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := bidiListening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	var addr string
	select {
	case addr = <-found:
	case <-time.After(60 * time.Second):
		return fail(errors.New("firefox did not start its WebDriver BiDi server in 60 s"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, addr+"/session", nil)
	if err != nil {
		return fail(fmt.Errorf("connect to firefox: %w", err))
	}
	conn.SetReadLimit(64 << 20)
	b := &firefoxBrowser{conn: conn, waiting: map[int]chan bidiReply{}, top: map[string]string{}, pages: map[string]*firefoxPage{}}
	go b.read()
	stops = append(stops, func() { conn.Close(websocket.StatusNormalClosure, "") })
	// A Firefox starting on a busy machine may take minutes to open its first window.
	if err := b.callWithin(3*time.Minute, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		return fail(fmt.Errorf("firefox session.new: %w", err))
	}
	if err := b.call("session.subscribe", map[string]any{"events": []string{"log.entryAdded",
		"browsingContext.navigationStarted", "browsingContext.contextCreated"}}, nil); err != nil {
		return fail(fmt.Errorf("firefox session.subscribe: %w", err))
	}
	return b, stop, nil
}

func openFirefox(t testing.TB, o Options) Page {
	t.Helper()
	bin := need(t, "firefox-esr", "/usr/bin/firefox-esr", "firefox-esr", "firefox")
	prefs := firefoxProfile(o)
	v, err := shared(t, fmt.Sprintf("firefox touch=%v noscript=%v", o.Touch, o.NoScript), func() (any, func(), error) {
		return startFirefox(bin, prefs)
	})
	if err != nil {
		t.Fatal(err)
	}
	b := v.(*firefoxBrowser)
	var uc struct {
		UserContext string `json:"userContext"`
	}
	if err := b.call("browser.createUserContext", map[string]any{}, &uc); err != nil {
		t.Fatalf("firefox browser.createUserContext: %v", err)
	}
	t.Cleanup(func() { _ = b.call("browser.removeUserContext", map[string]any{"userContext": uc.UserContext}, nil) })
	if err := b.call("script.addPreloadScript", map[string]any{"functionDeclaration": "() => {" + Probe + "}",
		"userContexts": []string{uc.UserContext}}, nil); err != nil {
		t.Fatalf("firefox script.addPreloadScript: %v", err)
	}
	return b.window(t, uc.UserContext, o)
}

// window opens a page in a new window of the user context (a window rather than a tab: a
// background tab's timers and frames are throttled), sized as o says.
func (b *firefoxBrowser) window(t testing.TB, userContext string, o Options) Page {
	t.Helper()
	var c struct {
		Context string `json:"context"`
	}
	if err := b.call("browsingContext.create", map[string]any{"type": "window", "userContext": userContext}, &c); err != nil {
		t.Fatalf("firefox browsingContext.create: %v", err)
	}
	p := &firefoxPage{b: b, context: c.Context, userContext: userContext, o: o}
	b.mu.Lock()
	b.top[c.Context] = c.Context
	b.pages[c.Context] = p
	b.mu.Unlock()
	t.Cleanup(func() {
		_ = b.call("browsingContext.close", map[string]any{"context": c.Context}, nil)
		b.mu.Lock()
		delete(b.pages, c.Context)
		b.mu.Unlock()
	})
	w, h := o.size()
	if err := b.call("browsingContext.setViewport", map[string]any{"context": p.context, "viewport": map[string]int{"width": w, "height": h}, "devicePixelRatio": 1}, nil); err != nil {
		t.Fatalf("firefox browsingContext.setViewport: %v", err)
	}
	return p
}

func (p *firefoxPage) Tab(t testing.TB) Page {
	t.Helper()
	return p.b.window(t, p.userContext, p.o)
}

// read dispatches replies to their callers and the pages' script errors to the pages.
func (b *firefoxBrowser) read() {
	for {
		_, data, err := b.conn.Read(context.Background())
		if err != nil {
			b.mu.Lock()
			for id, ch := range b.waiting {
				ch <- bidiReply{Type: "error", Error: "connection closed", Message: err.Error()}
				delete(b.waiting, id)
			}
			b.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(data, &r) != nil {
			continue
		}
		if r.Type == "event" {
			b.event(r)
			continue
		}
		b.mu.Lock()
		ch := b.waiting[r.ID]
		delete(b.waiting, r.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// page is the page a browsing context (a window or a frame in it) belongs to, or nil.
func (b *firefoxBrowser) page(context string) *firefoxPage {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pages[b.top[context]]
}

func (b *firefoxBrowser) event(r bidiReply) {
	switch r.Method {
	case "browsingContext.contextCreated":
		var c struct {
			Context string `json:"context"`
			Parent  string `json:"parent"`
		}
		if json.Unmarshal(r.Params, &c) == nil && c.Parent != "" {
			b.mu.Lock()
			if top, ok := b.top[c.Parent]; ok {
				b.top[c.Context] = top
			}
			b.mu.Unlock()
		}
	case "browsingContext.navigationStarted":
		var n struct {
			Context string `json:"context"`
		}
		if json.Unmarshal(r.Params, &n) == nil {
			if p := b.page(n.Context); p != nil && p.context == n.Context {
				p.mu.Lock()
				p.errs = nil
				p.mu.Unlock()
			}
		}
	case "log.entryAdded":
		var e struct {
			Type   string `json:"type"`
			Level  string `json:"level"`
			Text   string `json:"text"`
			Source struct {
				Context string `json:"context"`
			} `json:"source"`
		}
		if json.Unmarshal(r.Params, &e) == nil && e.Type == "javascript" && e.Level == "error" {
			if p := b.page(e.Source.Context); p != nil {
				p.mu.Lock()
				p.errs = merge(p.errs, []string{e.Text})
				p.mu.Unlock()
			}
		}
	}
}

func (b *firefoxBrowser) call(method string, params, out any) error {
	return b.callWithin(60*time.Second, method, params, out)
}

// callWithin sends one command and waits d at most for its answer.
func (b *firefoxBrowser) callWithin(d time.Duration, method string, params, out any) error {
	b.mu.Lock()
	b.next++
	id := b.next
	ch := make(chan bidiReply, 1)
	b.waiting[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	if err := b.conn.Write(ctx, websocket.MessageText, msg); err != nil {
		return err
	}
	select {
	case r := <-ch:
		if r.Type == "error" {
			return fmt.Errorf("%s: %s", r.Error, r.Message)
		}
		if out != nil {
			return json.Unmarshal(r.Result, out)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("%s: no answer in %v", method, d)
	}
}

func (p *firefoxPage) call(method string, params, out any) error {
	return p.b.call(method, params, out)
}

func (p *firefoxPage) Engine() Engine { return Firefox }

func (p *firefoxPage) Navigate(url string) error {
	return p.call("browsingContext.navigate", map[string]any{"context": p.context, "url": url, "wait": "complete"}, nil)
}

func (p *firefoxPage) Eval(expr string, out any) error {
	var r struct {
		Type   string `json:"type"`
		Result struct {
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	code, await := wrapEval(expr), true
	if p.o.NoScript {
		// With javascript.enabled false the driver's evaluation still runs, but no promise job
		// does (an awaited one never settles): evaluate synchronously.
		code, await = `(() => { const v = (`+expr+`); return v === undefined ? "null" : JSON.stringify(v); })()`, false
	}
	if err := p.call("script.evaluate", map[string]any{"expression": code, "target": map[string]string{"context": p.context},
		"awaitPromise": await, "resultOwnership": "none"}, &r); err != nil {
		return err
	}
	if r.Type != "success" {
		return fmt.Errorf("script error: %s", r.ExceptionDetails.Text)
	}
	return decode(r.Result.Value, out)
}

func (p *firefoxPage) Poll(expr string, out any, timeout time.Duration) error {
	return poll(p.Eval, expr, out, timeout)
}

func (p *firefoxPage) Click(x, y float64) error {
	kind := "mouse"
	if p.o.Touch {
		kind = "touch"
	}
	return p.call("input.performActions", map[string]any{"context": p.context, "actions": []any{map[string]any{
		"type": "pointer", "id": "pointer", "parameters": map[string]string{"pointerType": kind},
		"actions": []any{
			map[string]any{"type": "pointerMove", "x": int(math.Round(x)), "y": int(math.Round(y))},
			map[string]any{"type": "pointerDown", "button": 0},
			map[string]any{"type": "pointerUp", "button": 0},
		}}}}, nil)
}

func (p *firefoxPage) Press(keys ...string) error {
	var acts []any
	for _, k := range keys {
		v, err := keyValue(k)
		if err != nil {
			return err
		}
		acts = append(acts, map[string]any{"type": "keyDown", "value": v}, map[string]any{"type": "keyUp", "value": v})
	}
	return p.call("input.performActions", map[string]any{"context": p.context, "actions": []any{map[string]any{
		"type": "key", "id": "keyboard", "actions": acts}}}, nil)
}

func (p *firefoxPage) Screenshot() ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := p.call("browsingContext.captureScreenshot", map[string]any{"context": p.context}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

func (p *firefoxPage) Errors() []string {
	p.mu.Lock()
	errs := append([]string(nil), p.errs...)
	p.mu.Unlock()
	return merge(errs, probeErrors(p.Eval))
}

// stopGroup ends a browser this package started, and everything it started, by its process
// group; it waits for the process so that none is left behind.
func stopGroup(cmd *exec.Cmd) {
	if cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}
