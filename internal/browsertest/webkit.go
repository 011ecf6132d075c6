package browsertest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// webkitPage is WebKitGTK's MiniBrowser driven by WebKitWebDriver (classic W3C WebDriver over
// HTTP) on its own Xvfb display. MiniBrowser runs full screen (no toolbar), so the window size
// is the viewport. It cannot inject a script before the page's: pages include /probe.js.
type webkitPage struct {
	base   string // http://127.0.0.1:port/session/id
	client *http.Client
}

func openWebKit(t testing.TB, o Options) Page {
	t.Helper()
	driver := need(t, "webkit2gtk-driver", "/usr/bin/WebKitWebDriver", "WebKitWebDriver")
	xvfb := need(t, "xvfb", "/usr/bin/xvfb-run", "xvfb-run")
	mini := need(t, "webkit2gtk-driver", "/usr/lib/*/webkit2gtk-4.1/MiniBrowser", "/usr/lib/*/webkit2gtk-4.0/MiniBrowser")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	w, h := o.size()
	cmd := exec.Command(xvfb, "-a", "-s", fmt.Sprintf("-screen 0 %dx%dx24", max(w, 1280), max(h, 1024)), driver, "--host=127.0.0.1", "--port="+strconv.Itoa(port))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatalf("start WebKitWebDriver: %v", err)
	}
	t.Cleanup(func() { stopGroup(cmd) })
	root := "http://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Timeout: 60 * time.Second}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp, err := client.Get(root + "/status")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("WebKitWebDriver did not answer in 30 s: %v", err)
		}
	}
	var s struct {
		SessionID string `json:"sessionId"`
	}
	args := []string{"--automation", "--full-screen"}
	if o.NoScript {
		// The page's scripts off, WebDriver's still on (enable-javascript would stop both).
		args = append(args, "--enable-javascript-markup=false")
	}
	caps := map[string]any{"capabilities": map[string]any{"alwaysMatch": map[string]any{
		"browserName":              "MiniBrowser",
		"webkitgtk:browserOptions": map[string]any{"binary": mini, "args": args},
	}}}
	if err := webdriver(client, "POST", root+"/session", caps, &s); err != nil {
		t.Fatalf("WebKit session: %v", err)
	}
	p := &webkitPage{base: root + "/session/" + s.SessionID, client: client}
	t.Cleanup(func() { _ = webdriver(client, "DELETE", p.base, nil, nil) })
	if err := p.size(w, h); err != nil {
		t.Fatalf("WebKit viewport: %v", err)
	}
	return p
}

// size sets the window, then corrects it until the viewport has the size asked for.
func (p *webkitPage) size(w, h int) error {
	ww, wh := w, h
	for range 3 {
		if err := webdriver(p.client, "POST", p.base+"/window/rect", map[string]int{"width": ww, "height": wh}, nil); err != nil {
			return err
		}
		var in []int
		if err := p.Eval(`[innerWidth, innerHeight]`, &in); err != nil {
			return err
		}
		if in[0] == w && in[1] == h {
			return nil
		}
		ww, wh = ww+w-in[0], wh+h-in[1]
	}
	return fmt.Errorf("viewport stays off %dx%d", w, h)
}

// webdriver sends one command and decodes its value into out.
func webdriver(c *http.Client, method, url string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		return fmt.Errorf("%s %s: %d: %v", method, url, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", method, url, resp.StatusCode, r.Value)
	}
	if out != nil {
		return json.Unmarshal(r.Value, out)
	}
	return nil
}

func (p *webkitPage) Engine() Engine { return WebKit }

func (p *webkitPage) Navigate(url string) error {
	return webdriver(p.client, "POST", p.base+"/url", map[string]string{"url": url}, nil)
}

func (p *webkitPage) Eval(expr string, out any) error {
	var raw string
	script := `const done = arguments[arguments.length - 1];
` + wrapEval(expr) + `.then(done, (e) => done({__error: String(e)}));`
	var v json.RawMessage
	if err := webdriver(p.client, "POST", p.base+"/execute/async", map[string]any{"script": script, "args": []any{}}, &v); err != nil {
		return err
	}
	if json.Unmarshal(v, &raw) != nil {
		var e struct {
			Err string `json:"__error"`
		}
		_ = json.Unmarshal(v, &e)
		return fmt.Errorf("script error: %s", e.Err)
	}
	return decode(raw, out)
}

func (p *webkitPage) Poll(expr string, out any, timeout time.Duration) error {
	return poll(p.Eval, expr, out, timeout)
}

func (p *webkitPage) Click(x, y float64) error {
	return webdriver(p.client, "POST", p.base+"/actions", map[string]any{"actions": []any{map[string]any{
		"type": "pointer", "id": "mouse", "parameters": map[string]string{"pointerType": "mouse"},
		"actions": []any{
			map[string]any{"type": "pointerMove", "x": int(math.Round(x)), "y": int(math.Round(y)), "origin": "viewport"},
			map[string]any{"type": "pointerDown", "button": 0},
			map[string]any{"type": "pointerUp", "button": 0},
		}}}}, nil)
}

func (p *webkitPage) Press(keys ...string) error {
	var acts []any
	for _, k := range keys {
		v, err := keyValue(k)
		if err != nil {
			return err
		}
		acts = append(acts, map[string]any{"type": "keyDown", "value": v}, map[string]any{"type": "keyUp", "value": v})
	}
	return webdriver(p.client, "POST", p.base+"/actions", map[string]any{"actions": []any{map[string]any{
		"type": "key", "id": "keyboard", "actions": acts}}}, nil)
}

func (p *webkitPage) Screenshot() ([]byte, error) {
	var data string
	if err := webdriver(p.client, "GET", p.base+"/screenshot", nil, &data); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(data)
}

func (p *webkitPage) Errors() []string { return probeErrors(p.Eval) }

func (p *webkitPage) Tab(t testing.TB) Page {
	t.Helper()
	t.Fatal("a WebKit page has one tab: Open another")
	return nil
}
