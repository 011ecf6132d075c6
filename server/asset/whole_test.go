package asset

import (
	"fmt"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// testBase stands for a route's own headers (the edge's security and CORS headers).
func testBase(h *fasthttp.ResponseHeader) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Allow-Origin", "*")
}

// answer is a response as a client reads it: status, every header but Date in order, and body.
func answer(ctx *fasthttp.RequestCtx) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", ctx.Response.StatusCode())
	for _, line := range strings.Split(ctx.Response.Header.String(), "\r\n")[1:] {
		if !strings.HasPrefix(line, "Date: ") {
			b.WriteString(line + "\n")
		}
	}
	if !ctx.Response.SkipBody {
		b.Write(ctx.Response.Body())
	}
	return b.String()
}

// An asset made by Whole answers exactly as the plain asset served after the route set its
// headers: every encoding, a 304, a HEAD-less GET with no Accept-Encoding.
func TestWholeAnswersAsBaseThenServe(t *testing.T) {
	plain := New(largeBody, testContentType, testCacheControl)
	whole := plain.Whole(testBase)
	for _, tc := range []struct{ name, ae, inm string }{
		{"br", "gzip, deflate, br", ""},
		{"gzip", "gzip", ""},
		{"identity", "", ""},
		{"refused gzip", "gzip;q=0", ""},
		{"not modified", "br", plain.ETag(Brotli)},
		{"etag of another encoding", "gzip", plain.ETag(Brotli)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{"Accept-Encoding", tc.ae}
			if tc.inm != "" {
				headers = append(headers, "If-None-Match", tc.inm)
			}
			want := &fasthttp.RequestCtx{}
			for i := 0; i < len(headers); i += 2 {
				want.Request.Header.Set(headers[i], headers[i+1])
			}
			testBase(&want.Response.Header)
			plain.Serve(want)
			got := serve(whole, headers...)
			if a, b := answer(got), answer(want); a != b {
				t.Errorf("whole asset answers\n%s\nwant (base, then Serve)\n%s", a, b)
			}
		})
	}
}

// Whole's answer is the asset alone: a header set before Serve does not survive, and the base's
// value wins over one set before.
func TestWholeReplacesEarlierHeaders(t *testing.T) {
	whole := New(largeBody, testContentType, testCacheControl).Whole(testBase)
	for _, inm := range []string{"", whole.ETag(Gzip)} {
		ctx := &fasthttp.RequestCtx{}
		ctx.Request.Header.Set("Accept-Encoding", "gzip")
		if inm != "" {
			ctx.Request.Header.Set("If-None-Match", inm)
		}
		ctx.Response.Header.Set("X-Before", "1")
		ctx.Response.Header.Set("Access-Control-Allow-Origin", "https://partner.example")
		whole.Serve(ctx)
		if v := header(ctx, "X-Before"); v != "" {
			t.Errorf("If-None-Match %q: X-Before = %q survived a whole answer", inm, v)
		}
		if v := header(ctx, "Access-Control-Allow-Origin"); v != "*" {
			t.Errorf("If-None-Match %q: Access-Control-Allow-Origin = %q, want the base's *", inm, v)
		}
	}
}

// WithCacheControl keeps a whole asset whole, with the new Cache-Control in its prepared answers.
func TestWholeWithCacheControl(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl).Whole(testBase).WithCacheControl("no-cache")
	for _, ae := range []string{"br", "gzip", ""} {
		ctx := serve(a, "Accept-Encoding", ae)
		if v := header(ctx, "Cache-Control"); v != "no-cache" {
			t.Errorf("%q: Cache-Control = %q, want no-cache", ae, v)
		}
		if v := header(ctx, "X-Content-Type-Options"); v != "nosniff" {
			t.Errorf("%q: the base's header is missing: %q", ae, v)
		}
	}
}
