package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// headOf is the smallest request head for GET path?query over HTTP/1.1 (a Host is required).
func headOf(path, query string) string {
	return "GET " + path + "?" + query + " HTTP/1.1\r\nHost: e\r\n\r\n"
}

// maxNames is how many distinct names the largest query the edge accepts holds, on /healthz:
// its request head fills the read buffer (server.MaxRequestHead) exactly.
var maxNames = (server.MaxRequestHead - len(headOf("/healthz", "")) + 1) / 3

// TestLargestQuery: a request head of server.MaxRequestHead bytes is read, one byte more is 431; so no
// query holds more than maxNames distinct names (the figure the benchmarks below go up to).
func TestLargestQuery(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	head := headOf("/healthz", server.QueryOfNames(maxNames))
	if len(head) != server.MaxRequestHead {
		t.Fatalf("head of %d names is %d bytes, want %d", maxNames, len(head), server.MaxRequestHead)
	}
	if status := rawStatus(t, e, head); !strings.Contains(status, " 200 ") {
		t.Errorf("%d names (%d-byte head): %q, want 200", maxNames, len(head), status)
	}
	if status := rawStatus(t, e, headOf("/healthz", server.QueryOfNames(maxNames)+"x")); !strings.Contains(status, " 431 ") {
		t.Errorf("a %d-byte head: %q, want 431", len(head)+1, status)
	}
}

// BenchmarkQueryNames is what a query of 100, 1,000 and the most distinct names a request can
// hold (maxNames) costs on /healthz and on the widget, through the whole handler (0: no query):
// each request parses its query afresh, and the duplicate-parameter check reads every name.
func BenchmarkQueryNames(b *testing.B) {
	for _, path := range []string{"/healthz", "/v1/widget.js"} {
		for _, n := range []int{0, 100, 1000, maxNames} {
			uri := path
			if n > 0 {
				uri += "?" + server.QueryOfNames(n)
			}
			b.Run(fmt.Sprintf("%s/%d", strings.TrimPrefix(strings.TrimPrefix(path, "/v1"), "/"), n), func(b *testing.B) {
				benchRequest(b, uri)
			})
		}
	}
}

// queryCost is the least time the handler took over runs of a request for path with n distinct
// names: the least of several runs is the cost, what else the machine did is not.
func queryCost(h fasthttp.RequestHandler, ctx *fasthttp.RequestCtx, uri string, runs, perRun int) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range runs {
		start := time.Now()
		for range perRun {
			ctx.Request.SetRequestURI(uri)
			ctx.Response.Reset()
			h(ctx)
		}
		best = min(best, time.Since(start)/time.Duration(perRun))
	}
	return best
}

// TestQueryCostLinear holds a query's cost to linear in its names on every anonymous GET route:
// four times the names may cost at most eight times as much (a pairwise check costs sixteen
// times). The least of interleaved runs is compared, so a busy machine slows both sides alike.
func TestQueryCostLinear(t *testing.T) {
	srv, _ := edgetest.New(t, edgetest.Options{WallClock: true, Config: server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	h := srv.Handler()
	small, large := maxNames/4, maxNames/4*4
	paths := []string{"/v1/widget.js", "/v1/widget.json", "/v1/" + string(server.State(srv).PinnedName)}
	for _, p := range server.Routes(srv)[fasthttp.MethodGet] {
		if !strings.HasPrefix(p, "/v1/admin/") {
			paths = append(paths, pathParams.ReplaceAllString(p, "mhcc"))
		}
	}
	for _, path := range paths {
		ctx := benchCtx(path)
		uriSmall, uriLarge := path+"?"+server.QueryOfNames(small), path+"?"+server.QueryOfNames(large)
		// As many requests a run as take about 500 µs (the pages render for a millisecond or more).
		perRun := max(1, min(10, int(500*time.Microsecond/max(1, queryCost(h, ctx, uriLarge, 1, 1)))))
		var cs, cl time.Duration = 1<<63 - 1, 1<<63 - 1
		for range 4 {
			cs = min(cs, queryCost(h, ctx, uriSmall, 3, perRun))
			cl = min(cl, queryCost(h, ctx, uriLarge, 3, perRun))
		}
		if ratio := float64(cl) / float64(cs); ratio >= 8 {
			t.Errorf("%s: %d names cost %v, %d names %v: ×%.1f, want linear (under ×8)", path, small, cs, large, cl, ratio)
		} else {
			t.Logf("%s: %d names %v, %d names %v (×%.1f)", path, small, cs, large, cl, ratio)
		}
	}
}
