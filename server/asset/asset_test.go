package asset

import (
	"bytes"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

const (
	testContentType  = "text/javascript; charset=utf-8"
	testCacheControl = "public, max-age=300"
)

// largeBody is compressible enough that both gzip and brotli are kept.
var largeBody = []byte(strings.Repeat(`(function(){"use strict";var d=document;d.body.appendChild(d.createElement("div"));})();`+"\n", 64))

func TestNegotiate(t *testing.T) {
	type want struct{ gzip, br bool }
	tests := []struct {
		ae   string
		want want
	}{
		{"", want{}},
		{"gzip", want{gzip: true}},
		{"br", want{br: true}},
		{"gzip, br", want{gzip: true, br: true}},
		{"gzip,br", want{gzip: true, br: true}},
		{"br;q=0, gzip", want{gzip: true}},
		{"br;q=0.5", want{br: true}},
		{"br;q=1.0", want{br: true}},
		{"br;q=1", want{br: true}},
		{"br;q=1.", want{br: true}},
		{"BR", want{br: true}},
		{"GZip", want{gzip: true}},
		{"*", want{gzip: true, br: true}},
		{"*;q=0", want{}},
		{"*, br;q=0", want{gzip: true}},
		{"*;q=0, br", want{br: true}},
		{"gzip;q=0", want{}},
		{"gzip;q=0.000", want{}},
		{"gzip;q=0.001", want{gzip: true}},
		{"gzip;Q=0", want{}},
		{"gzip;q=abc", want{}},
		{"gzip;q=1.5", want{}},
		{"gzip;q=1.0000", want{}},
		{"gzip;q=", want{}},
		{"gzip;q=-1", want{}},
		{"x-gzip", want{gzip: true}},
		{"x-gzip;q=0, gzip", want{gzip: true}},
		{"identity", want{}},
		{"identity;q=0", want{}}, // identity stays acceptable
		{"deflate", want{}},
		{"deflate, compress, zstd", want{}},
		{"br ; q=0", want{}},
		{" br ;q=0.8 , gzip ; q=0 ", want{br: true}},
		{"gzip;level=1;q=0", want{}},
		{"gzip;level=1", want{gzip: true}},
		{"brotli, gzipx", want{}},
		{",,,", want{}},
	}
	for _, tt := range tests {
		t.Run(tt.ae, func(t *testing.T) {
			got := Negotiate([]byte(tt.ae))
			if !got[Identity] {
				t.Errorf("Negotiate(%q) refuses identity", tt.ae)
			}
			if got[Gzip] != tt.want.gzip {
				t.Errorf("Negotiate(%q) gzip = %v, want %v", tt.ae, got[Gzip], tt.want.gzip)
			}
			if got[Brotli] != tt.want.br {
				t.Errorf("Negotiate(%q) br = %v, want %v", tt.ae, got[Brotli], tt.want.br)
			}
		})
	}
}

func TestMatchETag(t *testing.T) {
	const tag = `"abc123-br"`
	tests := []struct {
		name string
		inm  string
		want bool
	}{
		{"exact", `"abc123-br"`, true},
		{"weak", `W/"abc123-br"`, true},
		{"list with spaces", `"nope", W/"other" ,  "abc123-br"`, true},
		{"list with tabs", "\"nope\",\t\"abc123-br\"", true},
		{"star", `*`, true},
		{"star with spaces", ` * `, true},
		{"no match", `"abc123"`, false},
		{"no match list", `"abc123", "abc123-gz"`, false},
		{"prefix only", `"abc123-b"`, false},
		{"unquoted", `abc123-br`, false},
		{"malformed before match", `nope, "abc123-br"`, false},
		{"unterminated", `"abc123-br`, false},
		{"lowercase weak", `w/"abc123-br"`, false},
		{"empty", ``, false},
		{"only commas", ` , , `, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchETag([]byte(tt.inm), []byte(tag)); got != tt.want {
				t.Errorf("MatchETag(%q, %q) = %v, want %v", tt.inm, tag, got, tt.want)
			}
		})
	}
}

// serve runs a.Serve on a fresh request carrying the given request headers.
func serve(a *Asset, headers ...string) *fasthttp.RequestCtx {
	ctx := &fasthttp.RequestCtx{}
	ctx.Request.Header.SetMethod(fasthttp.MethodGet)
	ctx.Request.SetRequestURI("/asset")
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Set(headers[i], headers[i+1])
	}
	a.Serve(ctx)
	return ctx
}

func header(ctx *fasthttp.RequestCtx, name string) string {
	return string(ctx.Response.Header.Peek(name))
}

func decode(t *testing.T, coding string, body []byte) []byte {
	t.Helper()
	var (
		out []byte
		err error
	)
	switch coding {
	case "br":
		out, err = fasthttp.AppendUnbrotliBytes(nil, body)
	case "gzip":
		out, err = fasthttp.AppendGunzipBytes(nil, body)
	case "":
		out = body
	default:
		t.Fatalf("unexpected Content-Encoding %q", coding)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", coding, err)
	}
	return out
}

func TestServe(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	tests := []struct {
		ae       string
		encoding Encoding
		coding   string
	}{
		{"br", Brotli, "br"},
		{"gzip, br", Brotli, "br"},
		{"gzip, deflate, br, zstd", Brotli, "br"},
		{"*", Brotli, "br"},
		{"gzip", Gzip, "gzip"},
		{"br;q=0, gzip", Gzip, "gzip"},
		{"x-gzip", Gzip, "gzip"},
		{"", Identity, ""},
		{"deflate", Identity, ""},
		{"*;q=0", Identity, ""},
		{"identity", Identity, ""},
	}
	for _, tt := range tests {
		t.Run(tt.ae, func(t *testing.T) {
			ctx := serve(a, "Accept-Encoding", tt.ae)
			if got := ctx.Response.StatusCode(); got != fasthttp.StatusOK {
				t.Fatalf("status = %d, want 200", got)
			}
			if got := header(ctx, "Content-Encoding"); got != tt.coding {
				t.Errorf("Content-Encoding = %q, want %q", got, tt.coding)
			}
			if got := header(ctx, "Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
			if got := header(ctx, "Cache-Control"); got != testCacheControl {
				t.Errorf("Cache-Control = %q, want %q", got, testCacheControl)
			}
			if got := string(ctx.Response.Header.ContentType()); got != testContentType {
				t.Errorf("Content-Type = %q, want %q", got, testContentType)
			}
			if got, want := header(ctx, "ETag"), a.ETag(tt.encoding); got != want {
				t.Errorf("ETag = %q, want %q", got, want)
			}
			body := ctx.Response.Body()
			if !bytes.Equal(body, a.Body(tt.encoding)) {
				t.Errorf("body is not Body(%d)", tt.encoding)
			}
			if tt.encoding != Identity && len(body) >= len(largeBody) {
				t.Errorf("%s body is %d bytes, identity %d: not compressed", tt.coding, len(body), len(largeBody))
			}
			if got := decode(t, tt.coding, body); !bytes.Equal(got, largeBody) {
				t.Errorf("decoded body differs from the original (%d bytes, want %d)", len(got), len(largeBody))
			}
		})
	}
}

func TestETagsPerEncoding(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	seen := map[string]Encoding{}
	for _, e := range []Encoding{Identity, Gzip, Brotli} {
		tag := a.ETag(e)
		if len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' || strings.Contains(tag[1:len(tag)-1], `"`) {
			t.Errorf("ETag(%d) = %q, not a quoted strong entity tag", e, tag)
		}
		if prev, ok := seen[tag]; ok {
			t.Errorf("ETag(%d) = ETag(%d) = %q; want one tag per encoding", e, prev, tag)
		}
		seen[tag] = e
	}
	// The tag identifies the bytes: another body gets other tags, the same body the same ones.
	b := New(append([]byte("x"), largeBody...), testContentType, testCacheControl)
	c := New(bytes.Clone(largeBody), "text/plain", "no-store")
	for _, e := range []Encoding{Identity, Gzip, Brotli} {
		if a.ETag(e) == b.ETag(e) {
			t.Errorf("ETag(%d) is the same for different bodies: %q", e, a.ETag(e))
		}
		if a.ETag(e) != c.ETag(e) {
			t.Errorf("ETag(%d) differs for the same body: %q vs %q", e, a.ETag(e), c.ETag(e))
		}
	}
}

func TestServeNotModified(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	tests := []struct {
		name     string
		ae       string
		inm      string
		want     int
		wantETag string
	}{
		{"br tag asking br", "br, gzip", a.ETag(Brotli), fasthttp.StatusNotModified, a.ETag(Brotli)},
		{"weak br tag asking br", "br", "W/" + a.ETag(Brotli), fasthttp.StatusNotModified, a.ETag(Brotli)},
		{"list holding gzip tag asking gzip", "gzip", `"old", ` + a.ETag(Gzip), fasthttp.StatusNotModified, a.ETag(Gzip)},
		{"identity tag asking nothing", "", a.ETag(Identity), fasthttp.StatusNotModified, a.ETag(Identity)},
		{"star", "br", "*", fasthttp.StatusNotModified, a.ETag(Brotli)},
		{"identity tag asking br", "br", a.ETag(Identity), fasthttp.StatusOK, a.ETag(Brotli)},
		{"gzip tag asking br", "gzip, br", a.ETag(Gzip), fasthttp.StatusOK, a.ETag(Brotli)},
		{"br tag asking identity", "", a.ETag(Brotli), fasthttp.StatusOK, a.ETag(Identity)},
		{"stale tag", "br", `"0123456789abcdef01234567-br"`, fasthttp.StatusOK, a.ETag(Brotli)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := serve(a, "Accept-Encoding", tt.ae, "If-None-Match", tt.inm)
			if got := ctx.Response.StatusCode(); got != tt.want {
				t.Fatalf("status = %d, want %d", got, tt.want)
			}
			if got := header(ctx, "ETag"); got != tt.wantETag {
				t.Errorf("ETag = %q, want %q", got, tt.wantETag)
			}
			if got := header(ctx, "Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
			if got := header(ctx, "Cache-Control"); got != testCacheControl {
				t.Errorf("Cache-Control = %q, want %q", got, testCacheControl)
			}
			if tt.want == fasthttp.StatusNotModified {
				if n := len(ctx.Response.Body()); n != 0 {
					t.Errorf("304 carries a %d-byte body", n)
				}
				if !ctx.Response.SkipBody {
					t.Error("304 does not skip the body")
				}
				// A 304 written on the wire carries no body either.
				wire := ctx.Response.String()
				if i := strings.Index(wire, "\r\n\r\n"); i < 0 || i+4 != len(wire) {
					t.Errorf("304 on the wire has bytes after the headers: %q", wire)
				}
			} else if len(ctx.Response.Body()) == 0 {
				t.Error("200 has an empty body")
			}
		})
	}
}

// TestServeHeadersCanonical checks that Serve stores its headers under fasthttp's canonical
// names, so that later code can read, replace or delete them rather than add a second copy.
func TestServeHeadersCanonical(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	for _, name := range []string{"ETag", "Vary", "Cache-Control", "Content-Encoding"} {
		t.Run(name, func(t *testing.T) {
			ctx := serve(a, "Accept-Encoding", "br")
			if header(ctx, name) == "" {
				t.Fatalf("%s not found by Peek", name)
			}
			ctx.Response.Header.Set(name, "replaced")
			wire := strings.ToLower(ctx.Response.Header.String())
			if n := strings.Count(wire, "\r\n"+strings.ToLower(name)+":"); n != 1 {
				t.Errorf("after Set, %s occurs %d times in %q", name, n, ctx.Response.Header.String())
			}
			ctx.Response.Header.Del(name)
			if strings.Contains(strings.ToLower(ctx.Response.Header.String()), "\r\n"+strings.ToLower(name)+":") {
				t.Errorf("after Del, %s is still sent", name)
			}
		})
	}
}

func TestServeTinyBodyKeepsIdentity(t *testing.T) {
	body := []byte("{}")
	a := New(body, "application/json", "public, max-age=60")
	for _, e := range []Encoding{Gzip, Brotli} {
		if got := a.Body(e); !bytes.Equal(got, body) {
			t.Errorf("Body(%d) = %q, want identity %q", e, got, body)
		}
		if got, want := a.ETag(e), a.ETag(Identity); got != want {
			t.Errorf("ETag(%d) = %q, want identity tag %q", e, got, want)
		}
	}
	for _, ae := range []string{"br, gzip", "gzip", "br", "*"} {
		t.Run(ae, func(t *testing.T) {
			ctx := serve(a, "Accept-Encoding", ae)
			if got := header(ctx, "Content-Encoding"); got != "" {
				t.Errorf("Content-Encoding = %q, want none", got)
			}
			if got := ctx.Response.Body(); !bytes.Equal(got, body) {
				t.Errorf("body = %q, want %q", got, body)
			}
			if got, want := header(ctx, "ETag"), a.ETag(Identity); got != want {
				t.Errorf("ETag = %q, want %q", got, want)
			}
			if got := header(ctx, "Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
		})
	}
}

func TestWithCacheControl(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	b := a.WithCacheControl("public, max-age=31536000, immutable")
	for _, e := range []Encoding{Identity, Gzip, Brotli} {
		if a.ETag(e) != b.ETag(e) {
			t.Errorf("ETag(%d) changed: %q -> %q", e, a.ETag(e), b.ETag(e))
		}
		if !bytes.Equal(a.Body(e), b.Body(e)) {
			t.Errorf("Body(%d) changed", e)
		}
	}
	for _, ae := range []string{"br", "gzip", ""} {
		ca, cb := serve(a, "Accept-Encoding", ae), serve(b, "Accept-Encoding", ae)
		if got := header(cb, "Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("%q: new Cache-Control = %q", ae, got)
		}
		if got := header(ca, "Cache-Control"); got != testCacheControl {
			t.Errorf("%q: original Cache-Control changed to %q", ae, got)
		}
		for _, h := range []string{"Content-Type", "Content-Encoding", "ETag", "Vary"} {
			if header(ca, h) != header(cb, h) {
				t.Errorf("%q: %s differs: %q vs %q", ae, h, header(ca, h), header(cb, h))
			}
		}
		if !bytes.Equal(ca.Response.Body(), cb.Response.Body()) {
			t.Errorf("%q: body differs", ae)
		}
	}
}

func TestServeAllocs(t *testing.T) {
	plain := New(largeBody, testContentType, testCacheControl)
	for kind, a := range map[string]*Asset{"plain": plain, "whole": plain.Whole(testBase)} {
		for _, tc := range []struct{ name, ae, inm string }{
			{"br", "gzip, deflate, br", ""},
			{"gzip", "gzip", ""},
			{"not modified", "gzip, deflate, br", a.ETag(Brotli)},
		} {
			t.Run(kind+" "+tc.name, func(t *testing.T) {
				ctx := &fasthttp.RequestCtx{}
				ctx.Request.Header.Set("Accept-Encoding", tc.ae)
				if tc.inm != "" {
					ctx.Request.Header.Set("If-None-Match", tc.inm)
				}
				a.Serve(ctx) // warm the response header buffers
				allocs := testing.AllocsPerRun(100, func() {
					ctx.Response.Reset()
					a.Serve(ctx)
				})
				if allocs != 0 {
					t.Errorf("Serve allocates %v times per call, want 0", allocs)
				}
			})
		}
	}
}

func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{
		"", "gzip", "br", "gzip, br", "br;q=0, gzip", "*;q=0", "*, br;q=0", "gzip;q=0.000",
		"gzip;q=1.5", "x-gzip", "br ; q=0", "gzip;level=1;q=0", ";;,,;q=", "BR;Q=1.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ae string) {
		got := Negotiate([]byte(ae))
		if !got[Identity] {
			t.Fatalf("Negotiate(%q) refuses identity", ae)
		}
		lower := strings.ToLower(ae)
		star := strings.Contains(ae, "*")
		if got[Brotli] && !star && !strings.Contains(lower, "br") {
			t.Fatalf("Negotiate(%q) accepts br, which it does not name", ae)
		}
		if got[Gzip] && !star && !strings.Contains(lower, "gzip") {
			t.Fatalf("Negotiate(%q) accepts gzip, which it does not name", ae)
		}
	})
}

func FuzzMatchETag(f *testing.F) {
	for _, s := range [][2]string{
		{`"abc"`, `"abc"`}, {`W/"abc"`, `"abc"`}, {`"x", "abc"`, `"abc"`}, {`*`, `"abc"`},
		{`abc`, `"abc"`}, {``, `"abc"`}, {`"`, `"`}, {`W/`, `""`}, {`,"a",,W/"b"`, `"b"`},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, inm, tag string) {
		got := MatchETag([]byte(inm), []byte(tag))
		if got && strings.TrimSpace(inm) != "*" && (tag == "" || !strings.Contains(inm, tag)) {
			t.Fatalf("MatchETag(%q, %q) = true, yet the tag is not in the header", inm, tag)
		}
		// A well-formed strong tag always matches itself, alone or weak.
		if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' && !strings.Contains(tag[1:len(tag)-1], `"`) {
			if !MatchETag([]byte(tag), []byte(tag)) || !MatchETag([]byte("W/"+tag), []byte(tag)) {
				t.Fatalf("tag %q does not match itself", tag)
			}
		}
	})
}

func BenchmarkServe(b *testing.B) {
	a := New(largeBody, testContentType, testCacheControl)
	ctx := &fasthttp.RequestCtx{}
	ctx.Request.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	a.Serve(ctx)
	if got := string(ctx.Response.Header.Peek("Content-Encoding")); got != "br" {
		b.Fatalf("Content-Encoding = %q, want br", got)
	}
	b.ReportAllocs()
	for b.Loop() {
		ctx.Response.Reset()
		a.Serve(ctx)
	}
}

func BenchmarkNegotiate(b *testing.B) {
	ae := []byte("gzip, deflate, br;q=0.9, zstd;q=0.8, *;q=0.1")
	b.ReportAllocs()
	for b.Loop() {
		if got := Negotiate(ae); !got[Brotli] {
			b.Fatal("br not accepted")
		}
	}
}
