package server

import (
	"io"
	"log/slog"
	"testing"

	"github.com/signpost/edge/server/asset"
	"github.com/valyala/fasthttp"
)

// benchRequest runs the edge's handler on one reused RequestCtx, as fasthttp does per
// connection, so that allocations counted are the handler's own.
func benchRequest(b *testing.B, uri string, headers ...string) {
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, shipped(b))
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetHost("edge.example:8080") // checked on every request
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Set(headers[i], headers[i+1])
	}
	h(&ctx)
	if c := ctx.Response.StatusCode(); c != 200 && c != 304 {
		b.Fatalf("%s: %d %s", uri, c, ctx.Response.Body())
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(ctx.Response.Body())))
	for b.Loop() {
		ctx.Response.Reset()
		h(&ctx)
	}
}

func BenchmarkWidgetBrotli(b *testing.B) {
	benchRequest(b, "/v1/widget.js", "Accept-Encoding", "gzip, deflate, br, zstd")
}

func BenchmarkWidgetGzip(b *testing.B) {
	benchRequest(b, "/v1/widget.js", "Accept-Encoding", "gzip, deflate")
}

func BenchmarkWidgetNotModified(b *testing.B) {
	srv, _ := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, shipped(b))
	etag := srv.state.Load().Widget.ETag(asset.Brotli)
	benchRequest(b, "/v1/widget.js", "Accept-Encoding", "br", "If-None-Match", etag)
}

func BenchmarkSnippetBrotli(b *testing.B) {
	benchRequest(b, "/v1/snippets/demo?locale=fr&region=CA-QC", "Accept-Encoding", "gzip, deflate, br")
}

func BenchmarkSnippetBanner(b *testing.B) {
	benchRequest(b, "/v1/snippets/mhcc/banner?region=GB", "Accept-Encoding", "gzip")
}

func TestWidgetPathAllocatesNothing(t *testing.T) {
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/v1/widget.js")
	ctx.Request.Header.SetHost("edge.example:8080")
	ctx.Request.Header.Set("Accept-Encoding", "gzip, deflate, br")
	h(&ctx)
	if n := testing.AllocsPerRun(200, func() { ctx.Response.Reset(); h(&ctx) }); n != 0 {
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
