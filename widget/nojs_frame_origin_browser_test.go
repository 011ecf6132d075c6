package widget_test

import (
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// The iframe way of issue 22, point 3, in the three engines with scripts off: the frame page's
// form, framed by the builder's own iframe code on another origin's page, posts with the edge's
// origin and is taken, and the quick exit leaves from the sandbox on a tap; framed in a sandbox
// without allow-same-origin (an opaque origin), its post is refused.

// formPost is what the edge saw of one POST /v1/feedback/form.
type formPost struct {
	Origin, Page string
	Status       int
}

// recordingEdge is an edge whose form posts are noted as they are answered.
type recordingEdge struct {
	origin string
	srv    *server.Server
	store  feedback.Store
	mu     sync.Mutex
	posts  []formPost
}

func startRecordingEdge(t *testing.T) *recordingEdge {
	t.Helper()
	content, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := logstore.Open(t.TempDir(), logstore.Options{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	limits, err := ratelimit.New(ratelimit.Config{Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := edgetest.New(t, edgetest.Browsing(t, server.Config{Logger: log, Feedback: store, RateLimits: limits}, content))
	e := &recordingEdge{srv: srv, store: store}
	h := srv.Handler()
	hs := &fasthttp.Server{Handler: func(ctx *fasthttp.RequestCtx) {
		h(ctx)
		if string(ctx.Path()) == "/v1/feedback/form" && ctx.IsPost() {
			o := string(ctx.Request.Header.Peek("Origin"))
			if ctx.Request.Header.Peek("Origin") == nil {
				o = "(none)"
			}
			e.mu.Lock()
			e.posts = append(e.posts, formPost{Origin: o, Page: string(ctx.PostArgs().Peek("page")), Status: ctx.Response.StatusCode()})
			e.mu.Unlock()
		}
	}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go hs.Serve(ln)
	t.Cleanup(func() {
		_ = hs.Shutdown()
		store.Close()
	})
	e.origin = "http://" + ln.Addr().String()
	return e
}

// postsOf waits up to wait for the form posts of page, and returns them once one has come.
func (e *recordingEdge) postsOf(page string, wait time.Duration) []formPost {
	deadline := time.Now().Add(wait)
	for {
		e.mu.Lock()
		var found []formPost
		for _, p := range e.posts {
			if p.Page == page {
				found = append(found, p)
			}
		}
		e.mu.Unlock()
		if len(found) > 0 || time.Now().After(deadline) {
			return found
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// frameControls are where the frame page's controls are, in its own viewport.
type frameControls struct {
	Exit, Yes, Comment, Send box
}

const readFrameControls = `(() => { const r = (s) => { const x = document.querySelector(s).getBoundingClientRect(); return {X: x.x, Y: x.y, W: x.width, H: x.height}; };
  return {Exit: r(".signpost-exit a"), Yes: r("input[name=found][value=yes]"), Comment: r("#signpost-comment"), Send: r("form.signpost-fb button")}; })()`

func TestFrameFormOriginInEveryEngine(t *testing.T) {
	edge := startRecordingEdge(t)
	s := newSite(t, edge.origin)
	// The quick exit lands on the partner site, where the test can see it arrive.
	content, err := snippets.Load([]byte(strings.Replace(string(configs.Content), `exit_url: "https://www.theweathernetwork.com"`,
		`exit_url: "`+s.origin+`/exited"`, 1)), snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if err := edge.srv.SetContent(content); err != nil {
		t.Fatal(err)
	}
	// The builder's iframe code as /embed/code writes it.
	resp, err := http.Get(edge.origin + "/embed/code?" + url.Values{"partner": {"demo"}, "components": {"banner,feedback,exit"},
		"region": {"CA"}, "locale": {"en"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var code struct {
		Iframe    string `json:"iframe"`
		IframeCSS string `json:"iframe_css"`
	}
	err = json.NewDecoder(resp.Body).Decode(&code)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(code.Iframe, ` sandbox="allow-forms allow-same-origin allow-top-navigation-by-user-activation"`) {
		t.Fatalf("the builder's iframe: %s", code.Iframe)
	}
	src := html.UnescapeString(regexp.MustCompile(`src="([^"]+)"`).FindStringSubmatch(code.Iframe)[1])
	// The builder's rule, then one that makes the frame as tall as the window: its heights are
	// measured in Chromium, and Firefox's fonts make the same page a little taller, so that it
	// would scroll in the frame, narrower by a scrollbar, and what the test taps would move.
	s.css("/frame.css", "body { margin: 0; }\n"+code.IframeCSS+"iframe.signpost-frame { height: 1300px; }\n")
	// The partner's pages are on another origin (another port: on another host, Firefox runs the
	// frame in a process of its own, which its driver's clicks do not reach), under a CSP that
	// runs no script and frames the edge only.
	page := func(path, iframe string) string {
		s.withCSP(path, "default-src 'self'; style-src 'self'; script-src 'none'; frame-src "+edge.origin)
		return s.page(path, `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Partner page</title><link rel="stylesheet" href="/frame.css">`+jsProbe+`</head><body><main>`+iframe+`</main></body></html>`)
	}

	for _, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			p := browsertest.Open(t, engine, browsertest.Options{Width: 390, Height: 1300, NoScript: true})
			// Where the frame page's controls are: the page on its own, at the frame's size;
			// and without its stylesheet, as WebKit draws it at an opaque origin (below).
			if err := p.Navigate(src); err != nil {
				t.Fatal(err)
			}
			var at, bare frameControls
			if err := p.Eval(readFrameControls, &at); err != nil {
				t.Fatal(err)
			}
			if err := p.Eval(`(() => { for (const s of document.styleSheets) s.disabled = true; return `+readFrameControls+`; })()`, &bare); err != nil {
				t.Fatal(err)
			}
			// The frame in the builder's iframe, and in one sandboxed to an opaque origin (the
			// builder's code without allow-same-origin), each recording under a page of its own.
			own := "/" + string(engine) + "-builder"
			opaque := "/" + string(engine) + "-opaque"
			builderFrame := strings.Replace(code.Iframe, `page=/"`, `page=`+own+`"`, 1)
			opaqueFrame := strings.Replace(strings.Replace(code.Iframe, `page=/"`, `page=`+opaque+`"`, 1), " allow-same-origin", "", 1)
			if !strings.Contains(builderFrame, own) || !strings.Contains(opaqueFrame, opaque) || strings.Contains(opaqueFrame, "allow-same-origin") {
				t.Fatalf("frames:\n%s\n%s", builderFrame, opaqueFrame)
			}
			// frame loads a partner page and returns where its frame is.
			frame := func(url string) box {
				t.Helper()
				if err := p.Navigate(url); err != nil {
					t.Fatal(err)
				}
				var fr struct {
					box
					JS string
				}
				if err := p.Eval(`(() => { const x = document.querySelector("iframe").getBoundingClientRect();
					return {X: x.x, Y: x.y, W: x.width, H: x.height, JS: document.documentElement.getAttribute("data-js") || ""}; })()`, &fr); err != nil {
					t.Fatal(err)
				}
				if fr.JS != "" {
					t.Fatalf("%s: a script ran on the partner page", engine)
				}
				// A frame in a process of its own (Chromium isolates sandboxed ones) takes input a
				// moment after it has loaded.
				time.Sleep(500 * time.Millisecond)
				return fr.box
			}
			tap := func(fr, b box) {
				t.Helper()
				if err := p.Click(fr.X+b.X+b.W/2, fr.Y+b.Y+b.H/2); err != nil {
					t.Fatal(err)
				}
			}
			// send answers the frame's form as a visitor does: taps, keys, a pause, Send.
			send := func(fr box, at frameControls, comment string) {
				t.Helper()
				tap(fr, at.Yes)
				tap(fr, at.Comment)
				if err := p.Press(strings.Split(comment, "")...); err != nil {
					t.Fatal(err)
				}
				time.Sleep(1600 * time.Millisecond) // a person's least time on a form
				tap(fr, at.Send)
			}

			// The builder's frame: the post carries the edge's origin; taken, stored once.
			comment := "From the builder's frame in " + string(engine)
			fr := frame(page(own, builderFrame))
			send(fr, at, comment)
			if got := edge.postsOf(own, 30*time.Second); len(got) != 1 || got[0].Origin != edge.origin || got[0].Status != 200 {
				t.Errorf("the builder's frame posted %+v; want once, with Origin %s, answered 200", got, edge.origin)
			}
			var stored []*feedback.Record
			for _, r := range records(t, edge.store) {
				if r.Page == own {
					stored = append(stored, r)
				}
			}
			if len(stored) != 1 || stored[0].Comment != comment {
				t.Errorf("records of the builder's frame: %+v, want one with %q", stored, comment)
			}
			// The answer page's quick exit (where the form page's is) leaves the partner's
			// page on a tap: the sandbox lets a tapped link navigate the top page.
			time.Sleep(500 * time.Millisecond) // the answer replaces the form in the frame
			tap(fr, at.Exit)
			if err := p.Poll(`location.href == `+jsString(s.origin+"/exited"), nil, 0); err != nil {
				t.Errorf("the quick exit in the builder's frame did not leave the page: %v", err)
			}

			// The opaque frame. Chromium and Firefox send its post with "Origin: null", and the
			// edge refuses it; WebKit does not send it at all (at an opaque origin its CSP 'self'
			// matches nothing: the page's stylesheet is refused too, hence bare). Nothing is
			// stored either way.
			fr = frame(page(opaque, opaqueFrame))
			if engine == browsertest.WebKit {
				send(fr, bare, "From an opaque frame in "+string(engine))
			} else {
				send(fr, at, "From an opaque frame in "+string(engine))
			}
			got := edge.postsOf(opaque, 10*time.Second)
			switch {
			case len(got) == 1 && got[0].Origin == "null" && got[0].Status == 403:
			case len(got) == 0 && engine == browsertest.WebKit:
				t.Logf("%s: the opaque frame's form was not sent", engine)
			default:
				t.Errorf("the opaque frame posted %+v; want once, with Origin null, answered 403", got)
			}
			for _, r := range records(t, edge.store) {
				if r.Page == opaque {
					t.Errorf("stored from the opaque frame: %+v", r)
				}
			}
		})
	}
}
