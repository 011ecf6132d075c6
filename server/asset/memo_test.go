package asset

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestCompressedOnce: the same larger bytes are compressed once a process, each asset still
// serving its own bytes, and the memo stays within its bound.
func TestCompressedOnce(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	b := New(bytes.Clone(largeBody), "text/plain", "no-store")
	for _, e := range []Encoding{Gzip, Brotli} {
		if len(a.Body(e)) == 0 || &a.Body(e)[0] != &b.Body(e)[0] {
			t.Errorf("encoding %d: the same body was compressed twice", e)
		}
		if a.ETag(e) != b.ETag(e) {
			t.Errorf("encoding %d: ETags %s and %s for the same bytes", e, a.ETag(e), b.ETag(e))
		}
	}
	if got, err := fasthttp.AppendGunzipBytes(nil, b.Body(Gzip)); err != nil || !bytes.Equal(got, largeBody) {
		t.Errorf("gzip from the memo: %v", err)
	}
	if got, err := fasthttp.AppendUnbrotliBytes(nil, b.Body(Brotli)); err != nil || !bytes.Equal(got, largeBody) {
		t.Errorf("brotli from the memo: %v", err)
	}
	// Full, it gives one entry up for the next (entries filled in here: compressing this many
	// bodies would cost seconds under the race detector).
	memo.Lock()
	for i := 0; len(memo.m) < memoEntries; i++ {
		memo.m[sha256.Sum256(fmt.Appendf(nil, "filler %d", i))] = compressed{}
	}
	memo.Unlock()
	New(append(bytes.Clone(largeBody), " "...), testContentType, testCacheControl)
	memo.Lock()
	n := len(memo.m)
	memo.Unlock()
	if n != memoEntries {
		t.Errorf("memo holds %d entries, bound %d", n, memoEntries)
	}
}

// TestRequestLevels: Rendered compresses at the request levels (brotli 5, gzip 6) and is counted
// as such, never as a best-level asset; New counts one best-level asset, even for bytes the memo
// holds.
func TestRequestLevels(t *testing.T) {
	body := append([]byte("rendered for a request "), largeBody...)
	before := Counted()
	a := Rendered(body, testContentType, testCacheControl)
	if got := Counted(); got.Best != before.Best || got.Request != before.Request+1 {
		t.Errorf("Rendered: counted %+v after %+v, want one request-level asset", got, before)
	}
	if want := fasthttp.AppendBrotliBytesLevel(nil, body, 5); !bytes.Equal(a.Body(Brotli), want) {
		t.Errorf("Rendered: brotli is not level 5 (%d bytes, level 5 gives %d)", len(a.Body(Brotli)), len(want))
	}
	if want := fasthttp.AppendGzipBytesLevel(nil, body, 6); !bytes.Equal(a.Body(Gzip), want) {
		t.Errorf("Rendered: gzip is not level 6")
	}
	for _, e := range []Encoding{Gzip, Brotli} {
		if got, err := decodeAs(e, a.Body(e)); err != nil || !bytes.Equal(got, body) {
			t.Errorf("Rendered, encoding %d: %v", e, err)
		}
	}

	for range 2 {
		before = Counted()
		New(append([]byte("built once "), largeBody...), testContentType, testCacheControl)
		if got := Counted(); got.Best != before.Best+1 || got.Request != before.Request {
			t.Errorf("New: counted %+v after %+v, want one best-level asset", got, before)
		}
	}
}

func decodeAs(e Encoding, b []byte) ([]byte, error) {
	if e == Brotli {
		return fasthttp.AppendUnbrotliBytes(nil, b)
	}
	return fasthttp.AppendGunzipBytes(nil, b)
}

// TestServeJoined: the parts joined by sep, identity, with the tag given, nothing compressed; 304
// for that tag.
func TestServeJoined(t *testing.T) {
	parts := [][]byte{[]byte(`<link href="`), []byte(`/a.css"><a href="`), []byte(`/b">`)}
	before := Counted()
	defer func() {
		if got := Counted(); got != before {
			t.Errorf("compressed: %+v after %+v", got, before)
		}
	}()
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.Set("Accept-Encoding", "gzip, br")
	ServeJoined(&ctx, parts, []byte("https://x.example"), "t1-ab", "text/html", "no-cache")
	if got := string(ctx.Response.Body()); got != `<link href="https://x.example/a.css"><a href="https://x.example/b">` ||
		string(ctx.Response.Header.Peek("ETag")) != `"t1-ab"` || len(ctx.Response.Header.Peek("Content-Encoding")) != 0 {
		t.Errorf("body %s, ETag %s, Content-Encoding %s", got, ctx.Response.Header.Peek("ETag"), ctx.Response.Header.Peek("Content-Encoding"))
	}
	ctx.Response.Reset()
	ctx.Request.Header.Set("If-None-Match", `"t1-ab"`)
	ServeJoined(&ctx, parts, []byte("https://x.example"), "t1-ab", "text/html", "no-cache")
	if ctx.Response.StatusCode() != fasthttp.StatusNotModified || len(ctx.Response.Body()) != 0 {
		t.Errorf("revalidation: %d, body %q", ctx.Response.StatusCode(), ctx.Response.Body())
	}
}
