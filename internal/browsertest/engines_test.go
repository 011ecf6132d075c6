package browsertest_test

import (
	"bytes"
	"fmt"
	"image/png"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/internal/browsertest"
)

// testPage: a button at a known place that records clicks and their pointer type, a keydown
// recorder, and a script that throws once after load, under a strict CSP with the probe.
const testPage = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><script src="/probe.js"></script>
<title>Engine test</title><link rel="stylesheet" href="/page.css"></head>
<body><main><button id="b" type="button">Press</button></main><script src="/page.js"></script></body></html>`

const testScript = `window.clicks = 0; window.kinds = []; window.keys = [];
document.getElementById("b").addEventListener("pointerdown", (e) => window.kinds.push(e.pointerType));
document.getElementById("b").addEventListener("click", () => window.clicks++);
document.addEventListener("keydown", (e) => window.keys.push(e.key));
setTimeout(() => { throw new Error("thrown on purpose"); }, 0);`

func serveTestPage(t *testing.T) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/probe.js", browsertest.ProbeScriptHandler())
	mux.HandleFunc("/page.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, testScript)
	})
	mux.HandleFunc("/page.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `body { margin: 0; } #b { position: absolute; left: 100px; top: 200px; width: 120px; height: 60px; }`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, testPage)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// TestEngines drives each engine the way the widget tests do, on a strict-CSP page: viewport
// size, touch media queries, a real click and key presses, a screenshot, errors, and Poll's
// timeout.
func TestEngines(t *testing.T) {
	url := serveTestPage(t)
	for _, e := range browsertest.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel() // browsers of their own, one page server: the engines do not wait on each other
			for _, o := range []browsertest.Options{{Width: 390, Height: 844, Touch: browsertest.SupportsTouch(e)}, {}} {
				start := time.Now()
				p := browsertest.Open(t, e, o)
				opened := time.Since(start)
				if err := p.Navigate(url); err != nil {
					t.Fatal(err)
				}
				var m struct {
					W, H                   int
					AnyHover, Fine, Coarse bool
				}
				if err := p.Eval(`({W: innerWidth, H: innerHeight, AnyHover: matchMedia("(any-hover: hover)").matches,
					Fine: matchMedia("(pointer: fine)").matches, Coarse: matchMedia("(pointer: coarse)").matches})`, &m); err != nil {
					t.Fatal(err)
				}
				w, h := o.Width, o.Height
				if w == 0 {
					w, h = 1280, 900
				}
				if m.W != w || m.H != h {
					t.Errorf("%+v: viewport %dx%d", o, m.W, m.H)
				}
				if o.Touch && (m.AnyHover || m.Fine || !m.Coarse) || !o.Touch && (!m.AnyHover || !m.Fine) {
					t.Errorf("%+v: media any-hover %v, pointer fine %v, coarse %v", o, m.AnyHover, m.Fine, m.Coarse)
				}
				if err := p.Click(160, 230); err != nil {
					t.Fatal(err)
				}
				var kinds []string
				if err := p.Poll(`window.clicks === 1 && window.kinds`, &kinds, 0); err != nil {
					t.Errorf("%+v: click: %v", o, err)
				}
				if err := p.Click(20, 20); err != nil {
					t.Fatal(err)
				}
				if err := p.Press("Shift", "Shift", "Shift"); err != nil {
					t.Fatal(err)
				}
				var keys []string
				if err := p.Poll(`window.keys.length >= 3 && window.keys`, &keys, 0); err != nil || strings.Join(keys, ",") != "Shift,Shift,Shift" {
					t.Errorf("%+v: keys %v, %v", o, keys, err)
				}
				shot, err := p.Screenshot()
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(shot))
				if err != nil {
					t.Fatalf("screenshot: %v", err)
				}
				if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
					t.Errorf("%+v: screenshot %dx%d", o, b.Dx(), b.Dy())
				}
				if errs := p.Errors(); !strings.Contains(strings.Join(errs, " "), "thrown on purpose") {
					t.Errorf("%+v: errors %v, want the thrown one", o, errs)
				}
				if err := p.Poll(`false`, nil, 300*time.Millisecond); err == nil {
					t.Error("Poll of a false expression did not time out")
				}
				t.Logf("%s %+v: opened in %v, pointer %v", e, o, opened.Round(time.Millisecond), kinds)
			}
		})
	}
}

// TestNoScript: with NoScript a page's own scripts do not run, inline or from a file, while Eval,
// Poll and clicks still work.
func TestNoScript(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/ran.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		fmt.Fprint(w, `document.documentElement.setAttribute("data-file", "ran");`)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>No script</title>
<script>document.documentElement.setAttribute("data-inline", "ran")</script><script src="/ran.js"></script></head>
<body style="margin:0"><details><summary style="display:block;height:60px">Open</summary><p>Opened</p></details>
<noscript><p id="ns">No script here</p></noscript></body></html>`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	for _, e := range browsertest.Engines {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, e, browsertest.Options{NoScript: true})
			if err := p.Navigate("http://" + ln.Addr().String() + "/"); err != nil {
				t.Fatal(err)
			}
			var st struct {
				Inline, File, Title string
				NoScript            bool
			}
			if err := p.Eval(`({Inline: document.documentElement.getAttribute("data-inline") || "", File: document.documentElement.getAttribute("data-file") || "",
				Title: document.title, NoScript: !!document.getElementById("ns")})`, &st); err != nil {
				t.Fatalf("Eval with the page's scripts off: %v", err)
			}
			if st.Inline != "" || st.File != "" || st.Title != "No script" {
				t.Errorf("scripts off: %+v", st)
			}
			if !st.NoScript {
				t.Logf("%s: <noscript> content not parsed as elements", e)
			}
			if err := p.Click(20, 30); err != nil {
				t.Fatal(err)
			}
			if err := p.Poll(`document.querySelector("details").open`, nil, 0); err != nil {
				t.Errorf("a click with scripts off: %v", err)
			}
		})
	}
}

// TestTab: a page's Tab shares its browser context (localStorage) but not another test's, and
// Wait sees a condition come true; in the engines that have tabs.
func TestTab(t *testing.T) {
	url := serveTestPage(t)
	for _, e := range []browsertest.Engine{browsertest.Chromium, browsertest.Firefox} {
		t.Run(string(e), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, e, browsertest.Options{})
			other := browsertest.Open(t, e, browsertest.Options{})
			if err := p.Navigate(url); err != nil {
				t.Fatal(err)
			}
			if err := p.Eval(`localStorage.setItem("k", "v")`, nil); err != nil {
				t.Fatal(err)
			}
			tab := p.Tab(t)
			for _, q := range []browsertest.Page{tab, other} {
				if err := q.Navigate(url); err != nil {
					t.Fatal(err)
				}
			}
			browsertest.Wait(t, tab, `localStorage.getItem("k") === "v"`)
			var got any
			if err := other.Eval(`localStorage.getItem("k")`, &got); err != nil || got != nil {
				t.Errorf("another Open's page sees the first one's localStorage: %v, %v", got, err)
			}
			browsertest.Wait(t, tab, `window.clicks === 0`)
		})
	}
}
