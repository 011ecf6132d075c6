package browsertest

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
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

// firefoxPage is a Firefox tab over WebDriver BiDi.
type firefoxPage struct {
	conn     *websocket.Conn
	context  string
	touch    bool
	noScript bool

	mu      sync.Mutex
	next    int
	waiting map[int]chan bidiReply
	errs    []string
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

func openFirefox(t testing.TB, o Options) Page {
	t.Helper()
	bin := need(t, "firefox-esr", "/usr/bin/firefox-esr", "firefox-esr", "firefox")
	profile := t.TempDir()
	prefs := firefoxPrefs
	if o.Touch {
		prefs += firefoxTouchPrefs
	} else {
		prefs += firefoxMousePrefs
	}
	if o.NoScript {
		prefs += `user_pref("javascript.enabled", false);` + "\n"
	}
	if err := os.WriteFile(filepath.Join(profile, "user.js"), []byte(prefs), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Env = append(os.Environ(), "MOZ_HEADLESS=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	t.Cleanup(func() { stopGroup(cmd) })
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
		t.Fatal("firefox did not start its WebDriver BiDi server in 60 s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, addr+"/session", nil)
	if err != nil {
		t.Fatalf("connect to firefox: %v", err)
	}
	conn.SetReadLimit(64 << 20)
	p := &firefoxPage{conn: conn, touch: o.Touch, noScript: o.NoScript, waiting: map[int]chan bidiReply{}}
	go p.read()
	t.Cleanup(func() { conn.Close(websocket.StatusNormalClosure, "") })
	must := func(method string, params any, out any) {
		t.Helper()
		if err := p.call(method, params, out); err != nil {
			t.Fatalf("firefox %s: %v", method, err)
		}
	}
	must("session.new", map[string]any{"capabilities": map[string]any{}}, nil)
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	must("browsingContext.getTree", map[string]any{}, &tree)
	if len(tree.Contexts) == 0 {
		t.Fatal("firefox has no tab")
	}
	p.context = tree.Contexts[0].Context
	must("session.subscribe", map[string]any{"events": []string{"log.entryAdded", "browsingContext.navigationStarted"}}, nil)
	must("script.addPreloadScript", map[string]any{"functionDeclaration": "() => {" + Probe + "}"}, nil)
	w, h := o.size()
	must("browsingContext.setViewport", map[string]any{"context": p.context, "viewport": map[string]int{"width": w, "height": h}, "devicePixelRatio": 1}, nil)
	return p
}

// read dispatches replies to their callers and keeps the page's script errors.
func (p *firefoxPage) read() {
	for {
		_, data, err := p.conn.Read(context.Background())
		if err != nil {
			p.mu.Lock()
			for id, ch := range p.waiting {
				ch <- bidiReply{Type: "error", Error: "connection closed", Message: err.Error()}
				delete(p.waiting, id)
			}
			p.mu.Unlock()
			return
		}
		var r bidiReply
		if json.Unmarshal(data, &r) != nil {
			continue
		}
		if r.Type == "event" {
			p.event(r)
			continue
		}
		p.mu.Lock()
		ch := p.waiting[r.ID]
		delete(p.waiting, r.ID)
		p.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

func (p *firefoxPage) event(r bidiReply) {
	switch r.Method {
	case "browsingContext.navigationStarted":
		p.mu.Lock()
		p.errs = nil
		p.mu.Unlock()
	case "log.entryAdded":
		var e struct {
			Type  string `json:"type"`
			Level string `json:"level"`
			Text  string `json:"text"`
		}
		if json.Unmarshal(r.Params, &e) == nil && e.Type == "javascript" && e.Level == "error" {
			p.mu.Lock()
			p.errs = merge(p.errs, []string{e.Text})
			p.mu.Unlock()
		}
	}
}

func (p *firefoxPage) call(method string, params, out any) error {
	p.mu.Lock()
	p.next++
	id := p.next
	ch := make(chan bidiReply, 1)
	p.waiting[id] = ch
	p.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.conn.Write(ctx, websocket.MessageText, msg); err != nil {
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
		return fmt.Errorf("%s: no answer in 60 s", method)
	}
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
	if p.noScript {
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
	if p.touch {
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
