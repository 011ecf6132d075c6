package server_test

import (
	"io"
	"log/slog"
	"strconv"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// benchRequest runs the edge's handler on one reused RequestCtx, as fasthttp does per
// connection, so that allocations counted are the handler's own. Each request sets its URI
// afresh, as a server reads a new one: what the handler parses of it is counted too.
func benchRequest(b *testing.B, uri string, headers ...string) {
	benchRequestWith(b, server.Config{}, uri, headers...)
}

func benchRequestWith(b *testing.B, cfg server.Config, uri string, headers ...string) {
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, _ := edgetest.New(b, edgetest.Options{WallClock: true, Config: cfg})
	h := srv.Handler()
	ctx := benchCtx(uri, headers...)
	h(ctx)
	if c := ctx.Response.StatusCode(); c != 200 && c != 304 {
		b.Fatalf("%s: %d %s", uri, c, ctx.Response.Body())
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(ctx.Response.Body())))
	for b.Loop() {
		ctx.Request.SetRequestURI(uri)
		ctx.Response.Reset()
		h(ctx)
	}
}

// benchCtx is a request as the benchmarks send it: uri, a Host (checked on every request), and
// headers alternating name and value.
func benchCtx(uri string, headers ...string) *fasthttp.RequestCtx {
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetHost("edge.example:8080")
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Set(headers[i], headers[i+1])
	}
	return &ctx
}

func BenchmarkWidgetBrotli(b *testing.B) {
	benchRequest(b, "/v1/widget.js", "Accept-Encoding", "gzip, deflate, br, zstd")
}

func BenchmarkWidgetGzip(b *testing.B) {
	benchRequest(b, "/v1/widget.js", "Accept-Encoding", "gzip, deflate")
}

func BenchmarkWidgetNotModified(b *testing.B) {
	srv, _ := edgetest.New(b, edgetest.Options{WallClock: true, Config: server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	etag := server.State(srv).Widget.ETag(asset.Brotli)
	benchRequest(b, "/v1/widget.js", "Accept-Encoding", "br", "If-None-Match", etag)
}

func BenchmarkSnippetBrotli(b *testing.B) {
	benchRequest(b, "/v1/snippets/demo?locale=fr&region=CA-QC", "Accept-Encoding", "gzip, deflate, br")
}

func BenchmarkSnippetBanner(b *testing.B) {
	benchRequest(b, "/v1/snippets/mhcc/banner?region=GB", "Accept-Encoding", "gzip")
}

func TestWidgetPathAllocatesNothing(t *testing.T) {
	srv, _ := edgetest.New(t, edgetest.Options{WallClock: true, Config: server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	h := srv.Handler()
	ctx := benchCtx("/v1/widget.js", "Accept-Encoding", "gzip, deflate, br")
	h(ctx)
	if n := testing.AllocsPerRun(200, func() { ctx.Response.Reset(); h(ctx) }); n != 0 {
		t.Errorf("widget path: %v allocations per request, want 0", n)
	}
}

// The no-JavaScript pages: the banner fragment (cached like a snippet, behind the router) and
// the frame page (rendered for each request: its form carries a signed render time).
func BenchmarkBannerFragment(b *testing.B) {
	benchRequest(b, "/v1/banner/mhcc.html?region=GB", "Accept-Encoding", "gzip")
}

func BenchmarkFramePage(b *testing.B) {
	benchRequest(b, "/v1/frame/mhcc?region=GB&components=banner,resources,feedback,exit", "Accept-Encoding", "gzip")
}

// The ceiling for the hot path's own code: a bare handler answering with the edge's exact
// response (its headers and gzip bytes, captured from the edge) and nothing else, on the same
// reused RequestCtx, setting its headers the cheapest way fasthttp has (copying one prepared
// header, as the edge's assets do). The difference to BenchmarkWidgetGzip /
// BenchmarkSnippetBanner is what the edge's Host check, routing, negotiation and cache cost per
// request; make bench-nginx measures the same pair over real connections (scripts/bare).
func BenchmarkBareWidgetGzip(b *testing.B) {
	benchBare(b, "/v1/widget.js", "Accept-Encoding", "gzip, deflate")
}

func BenchmarkBareSnippetBanner(b *testing.B) {
	benchBare(b, "/v1/snippets/mhcc/banner?region=GB", "Accept-Encoding", "gzip")
}

func benchBare(b *testing.B, uri string, headers ...string) {
	srv, _ := edgetest.New(b, edgetest.Options{WallClock: true, Config: server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}})
	edge := benchCtx(uri, headers...)
	srv.Handler()(edge)
	if c := edge.Response.StatusCode(); c != 200 {
		b.Fatalf("%s: %d", uri, c)
	}
	var prepared fasthttp.ResponseHeader
	edge.Response.Header.CopyTo(&prepared)
	body := append([]byte(nil), edge.Response.Body()...)
	bare := func(ctx *fasthttp.RequestCtx) {
		prepared.CopyTo(&ctx.Response.Header)
		ctx.Response.SetBodyRaw(body)
	}
	ctx := benchCtx(uri, headers...)
	bare(ctx)
	if got, want := ctx.Response.Header.String(), edge.Response.Header.String(); got != want {
		b.Fatalf("bare answer differs from the edge's:\n%s\nwant\n%s", got, want)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		ctx.Request.SetRequestURI(uri)
		ctx.Response.Reset()
		bare(ctx)
	}
}

// BenchmarkBannerFragmentNewHost is the fragment asked under a Host never seen before on each
// request (issue 22): what a stream of made-up hosts costs the edge, without EDGE_PUBLIC_ORIGIN
// (the links name each Host) and with it (the Host is not read).
func BenchmarkBannerFragmentNewHost(b *testing.B) { benchNewHosts(b, server.Config{}) }

func BenchmarkBannerFragmentNewHostPublicOrigin(b *testing.B) {
	benchNewHosts(b, server.Config{PublicOrigin: "https://signpost.example.org"})
}

// BenchmarkBannerFragmentPublicOrigin is BenchmarkBannerFragment with EDGE_PUBLIC_ORIGIN: the
// cached, compressed answer.
func BenchmarkBannerFragmentPublicOrigin(b *testing.B) {
	benchRequestWith(b, server.Config{PublicOrigin: "https://signpost.example.org"}, "/v1/banner/mhcc.html?region=GB", "Accept-Encoding", "gzip")
}

func benchNewHosts(b *testing.B, cfg server.Config) {
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv, _ := edgetest.New(b, edgetest.Options{WallClock: true, Config: cfg})
	h := srv.Handler()
	uri := "/v1/banner/demo.html?region=CA-QC&locale=fr"
	ctx := benchCtx(uri, "Accept-Encoding", "gzip, deflate, br")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		ctx.Request.SetRequestURI(uri)
		ctx.Request.Header.SetHost("x" + strconv.Itoa(i) + ".example")
		ctx.Response.Reset()
		h(ctx)
		if ctx.Response.StatusCode() != 200 {
			b.Fatalf("%d %s", ctx.Response.StatusCode(), ctx.Response.Body())
		}
	}
}
