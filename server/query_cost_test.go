package server

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// nameAlphabet makes distinct two-byte parameter names: 62² of them.
const nameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// queryOfNames is a query of n distinct two-byte names without values, "aa&ab&ac…": the
// densest query of distinct names a request can carry (3 bytes a name).
func queryOfNames(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteByte(nameAlphabet[i/len(nameAlphabet)%len(nameAlphabet)])
		b.WriteByte(nameAlphabet[i%len(nameAlphabet)])
	}
	return b.String()
}

// headOf is the smallest request head for GET path?query over HTTP/1.1 (a Host is required).
func headOf(path, query string) string {
	return "GET " + path + "?" + query + " HTTP/1.1\r\nHost: e\r\n\r\n"
}

// maxNames is how many distinct names the largest query the edge accepts holds, on /healthz:
// its request head fills the read buffer (maxRequestHead) exactly.
var maxNames = (maxRequestHead - len(headOf("/healthz", "")) + 1) / 3

// TestLargestQuery: a request head of maxRequestHead bytes is read, one byte more is 431; so no
// query holds more than maxNames distinct names (the figure the benchmarks below go up to).
func TestLargestQuery(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	head := headOf("/healthz", queryOfNames(maxNames))
	if len(head) != maxRequestHead {
		t.Fatalf("head of %d names is %d bytes, want %d", maxNames, len(head), maxRequestHead)
	}
	if status := rawStatus(t, e, head); !strings.Contains(status, " 200 ") {
		t.Errorf("%d names (%d-byte head): %q, want 200", maxNames, len(head), status)
	}
	if status := rawStatus(t, e, headOf("/healthz", queryOfNames(maxNames)+"x")); !strings.Contains(status, " 431 ") {
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
				uri += "?" + queryOfNames(n)
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
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	small, large := maxNames/4, maxNames/4*4
	paths := []string{"/v1/widget.js", "/v1/widget.json", "/v1/" + string(srv.state.Load().PinnedName)}
	for _, p := range srv.router.List()[fasthttp.MethodGet] {
		if !strings.HasPrefix(p, "/v1/admin/") {
			paths = append(paths, pathParams.ReplaceAllString(p, "mhcc"))
		}
	}
	for _, path := range paths {
		ctx := benchCtx(path)
		uriSmall, uriLarge := path+"?"+queryOfNames(small), path+"?"+queryOfNames(large)
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

// TestDuplicateParam checks the one-pass check against the obvious one (a map of every name)
// on queries either side of smallQuery: the first name given twice is found, wherever the two
// are; components may repeat; a name is never taken for another.
func TestDuplicateParam(t *testing.T) {
	reference := func(args *fasthttp.Args) (string, bool) {
		seen := map[string]bool{}
		for k := range args.All() {
			if seen[string(k)] && string(k) != "components" {
				return string(k), true
			}
			seen[string(k)] = true
		}
		return "", false
	}
	var queries []string
	for _, n := range []int{2, smallQuery - 1, smallQuery, smallQuery + 1, 3 * smallQuery, 500} {
		names := strings.Split(queryOfNames(n), "&")
		queries = append(queries, strings.Join(names, "&"),
			strings.Join(names, "&")+"&components=a&components=b",
			"components&"+strings.Join(names, "&components&"),
			strings.Join(names, "&")+"&"+names[0],
			strings.Join(names, "&")+"&"+names[n-1]+"=x",
			names[n/2]+"=1&"+strings.Join(names, "&"),
			strings.Join(names, "=v&")+"&=v&=w",
			strings.Join(names, "&")+"&"+names[n-1]+"x")
	}
	for _, q := range queries {
		var args fasthttp.Args
		args.Parse(q)
		want, wantDup := reference(&args)
		if got, dup := duplicateParam(&args); got != want || dup != wantDup {
			t.Errorf("%d names (%.40q…): %q %v, want %q %v", args.Len(), q, got, dup, want, wantDup)
		}
	}
	// Past smallQuery the set is pooled: a query's names are not kept once checked.
	var args fasthttp.Args
	args.Parse(queryOfNames(100))
	if n := testing.AllocsPerRun(100, func() { duplicateParam(&args) }); n != 0 && !raceDetector {
		t.Errorf("100 names: %v allocations per check, want 0", n)
	}
}
