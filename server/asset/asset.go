// Package asset serves in-memory bytes the way a CDN would: compressed once with brotli and
// gzip, negotiated by Accept-Encoding (q-values honoured), with a strong ETag per encoding and
// 304 on If-None-Match. Serving allocates nothing: every header value is prepared up front.
package asset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"

	"github.com/valyala/fasthttp"
)

// ESVersion is the ECMAScript version the edge's own scripts are minified to, as the widget's
// support target (docs/embedding.md).
const ESVersion = 2017

// Encoding is a content coding the server can send.
type Encoding int

// The codings, in order of preference.
const (
	Identity Encoding = iota
	Gzip
	Brotli
)

// Compression levels. What is built once, at startup or when content loads (the widget bundle,
// the builder's and console's scripts, the fragment's stylesheet), is compressed at the best
// levels: brotli 11 costs 3 to 100 ms a body, paid once. What is drawn when a request first asks
// for it (snippets, the banner fragment, the demo stylesheet, an archived bundle) is compressed
// at the request levels: brotli 5 is 20 to 100 times cheaper than 11 for 5 to 10% more bytes,
// and gzip 6 is zlib's default. No request ever waits on brotli 11.
const (
	gzipBest      = fasthttp.CompressBestCompression
	brotliBest    = fasthttp.CompressBrotliBestCompression
	gzipRequest   = fasthttp.CompressDefaultCompression
	brotliRequest = 5
)

var (
	headerETag            = []byte("Etag") // fasthttp's canonical form: SetCanonical needs it for Peek/Del to find the header
	headerVary            = []byte("Vary")
	headerCacheControl    = []byte("Cache-Control")
	headerContentEncoding = []byte("Content-Encoding")
	// Request header names as fasthttp stores them (canonical): PeekCanonical finds them
	// without normalizing a copy of the name on every request.
	headerAcceptEncoding = []byte("Accept-Encoding")
	headerIfNoneMatch    = []byte("If-None-Match")
	valueAcceptEncoding  = []byte("Accept-Encoding")
	codingNames          = [...][]byte{Identity: nil, Gzip: []byte("gzip"), Brotli: []byte("br")}
)

type variant struct {
	body []byte
	etag []byte
}

// Asset is one immutable response body in every encoding worth sending.
type Asset struct {
	variants     [3]*variant
	contentType  []byte
	cacheControl []byte
	// base, whole and notModified are set by Whole: the headers every answer of the route
	// carries, and each variant's 200 and 304 answers prepared as one header each.
	base        func(*fasthttp.ResponseHeader)
	whole       [3]*fasthttp.ResponseHeader
	notModified [3]*fasthttp.ResponseHeader
}

// New compresses body at the best levels (once a process for the same larger bytes: see
// compress) and prepares its headers: for what is built once, at startup or when content loads,
// never in answer to a request (Rendered). A compressed form that is not smaller than the
// identity bytes is not kept: the client gets identity instead.
func New(body []byte, contentType, cacheControl string) *Asset {
	made.best.Add(1)
	sum := sha256.Sum256(body)
	return newAsset(body, sum, contentType, cacheControl, compress(sum, body))
}

// Rendered is New at the request levels (gzip 6, brotli 5): for a body drawn when a request
// first asks for it and kept for the requests after (a snippet, the banner fragment).
func Rendered(body []byte, contentType, cacheControl string) *Asset {
	made.request.Add(1)
	return newAsset(body, sha256.Sum256(body), contentType, cacheControl, compressAt(body, gzipRequest, brotliRequest))
}

// ServeJoined serves parts joined by sep, uncompressed, as an asset of those bytes would be served
// (the ETag is "tag", which must name these bytes and no others): for a page drawn once with a
// stand-in and filled in for each request. Nothing is compressed or allocated per request but the
// ETag: the bytes go straight into the response's own pooled buffer.
func ServeJoined(ctx *fasthttp.RequestCtx, parts [][]byte, sep []byte, tag, contentType, cacheControl string) {
	etag := make([]byte, 0, len(tag)+2)
	etag = append(append(append(etag, '"'), tag...), '"')
	rh := &ctx.Response.Header
	rh.SetCanonical(headerVary, valueAcceptEncoding)
	rh.Set("Cache-Control", cacheControl)
	rh.SetCanonical(headerETag, etag)
	if inm := ctx.Request.Header.PeekCanonical(headerIfNoneMatch); len(inm) > 0 && MatchETag(inm, etag) {
		rh.SetStatusCode(fasthttp.StatusNotModified)
		ctx.Response.SkipBody = true
		return
	}
	rh.SetContentType(contentType)
	ctx.Response.ResetBody()
	for i, p := range parts {
		if i > 0 {
			ctx.Response.AppendBody(sep)
		}
		ctx.Response.AppendBody(p)
	}
}

func newAsset(body []byte, sum [32]byte, contentType, cacheControl string, c compressed) *Asset {
	tag := hex.EncodeToString(sum[:12])
	a := &Asset{contentType: []byte(contentType), cacheControl: []byte(cacheControl)}
	a.variants[Identity] = &variant{body: body, etag: []byte(`"` + tag + `"`)}
	if c.gz != nil && len(c.gz) < len(body) {
		a.variants[Gzip] = &variant{body: c.gz, etag: []byte(`"` + tag + `-gz"`)}
	}
	if c.br != nil && len(c.br) < len(body) {
		a.variants[Brotli] = &variant{body: c.br, etag: []byte(`"` + tag + `-br"`)}
	}
	return a
}

// Body returns the bytes sent for an encoding (identity when that encoding is not kept).
func (a *Asset) Body(e Encoding) []byte { return a.pick(e).body }

// ETag returns the entity tag sent with an encoding.
func (a *Asset) ETag(e Encoding) string { return string(a.pick(e).etag) }

func (a *Asset) pick(e Encoding) *variant {
	if v := a.variants[e]; v != nil {
		return v
	}
	return a.variants[Identity]
}

// Serve writes the asset for a GET or HEAD: the best encoding the client accepts, or 304 when
// If-None-Match names the representation chosen. An asset made by Whole replaces every header
// set on the response before.
func (a *Asset) Serve(ctx *fasthttp.RequestCtx) {
	h := &ctx.Request.Header
	e := a.choose(h.PeekCanonical(headerAcceptEncoding))
	v := a.variants[e]
	rh := &ctx.Response.Header
	if inm := h.PeekCanonical(headerIfNoneMatch); len(inm) > 0 && MatchETag(inm, v.etag) {
		if w := a.notModified[e]; w != nil {
			w.CopyTo(rh)
		} else {
			a.setValidators(rh, v)
			rh.SetStatusCode(fasthttp.StatusNotModified)
		}
		ctx.Response.SkipBody = true
		return
	}
	if w := a.whole[e]; w != nil {
		w.CopyTo(rh)
	} else {
		a.setHeaders(rh, e)
	}
	ctx.Response.SetBodyRaw(v.body)
}

// choose picks the encoding sent for an Accept-Encoding value: brotli, else gzip, else identity,
// each when the client accepts it and the asset keeps it.
func (a *Asset) choose(acceptEncoding []byte) Encoding {
	accepted := Negotiate(acceptEncoding)
	if accepted[Brotli] && a.variants[Brotli] != nil {
		return Brotli
	}
	if accepted[Gzip] && a.variants[Gzip] != nil {
		return Gzip
	}
	return Identity
}

// setValidators sets what a 304 carries as well as a 200: Vary, Cache-Control and the ETag.
func (a *Asset) setValidators(rh *fasthttp.ResponseHeader, v *variant) {
	rh.SetCanonical(headerVary, valueAcceptEncoding)
	rh.SetCanonical(headerCacheControl, a.cacheControl)
	rh.SetCanonical(headerETag, v.etag)
}

// setHeaders sets a 200's headers for encoding e, after any set before.
func (a *Asset) setHeaders(rh *fasthttp.ResponseHeader, e Encoding) {
	a.setValidators(rh, a.variants[e])
	rh.SetContentTypeBytes(a.contentType)
	if e != Identity {
		rh.SetCanonical(headerContentEncoding, codingNames[e])
	}
}

// Whole returns a copy of a whose answers carry base's headers (those the route sends with every
// response: the security and CORS headers) followed by its own, each encoding's 200 prepared
// once as a whole header. Serving it copies that one header instead of setting a dozen (the
// widget and snippets, the edge's hot path), and so replaces every header set on the response
// before Serve: for routes whose answer is the asset alone.
func (a *Asset) Whole(base func(*fasthttp.ResponseHeader)) *Asset {
	w := *a
	w.base = base
	prepare := func(status int, own func(*fasthttp.ResponseHeader)) *fasthttp.ResponseHeader {
		rh := new(fasthttp.ResponseHeader)
		base(rh)
		own(rh)
		rh.SetStatusCode(status)
		return rh
	}
	for e, v := range a.variants {
		if v == nil {
			continue
		}
		w.whole[e] = prepare(fasthttp.StatusOK, func(rh *fasthttp.ResponseHeader) { w.setHeaders(rh, Encoding(e)) })
		w.notModified[e] = prepare(fasthttp.StatusNotModified, func(rh *fasthttp.ResponseHeader) { w.setValidators(rh, v) })
	}
	return &w
}

// Negotiate reads an Accept-Encoding value and says which codings the client accepts: listed
// with a q-value above zero, or covered by "*" with one. Identity is always acceptable: refusing
// it (RFC 9110 allows a 406) would only turn a crisis banner into an error.
func Negotiate(ae []byte) (accepted [3]bool) {
	accepted[Identity] = true
	qBr, qGzip, qStar := -1, -1, -1
	for len(ae) > 0 {
		var item []byte
		if i := bytes.IndexByte(ae, ','); i >= 0 {
			item, ae = ae[:i], ae[i+1:]
		} else {
			item, ae = ae, nil
		}
		name, params := item, []byte(nil)
		if i := bytes.IndexByte(item, ';'); i >= 0 {
			name, params = item[:i], item[i+1:]
		}
		name = bytes.TrimSpace(name)
		q := weight(params)
		switch {
		case bytes.EqualFold(name, codingNames[Brotli]):
			qBr = max(qBr, q)
		case bytes.EqualFold(name, codingNames[Gzip]), bytes.EqualFold(name, []byte("x-gzip")):
			qGzip = max(qGzip, q)
		case len(name) == 1 && name[0] == '*':
			qStar = q
		}
	}
	if qBr < 0 {
		qBr = qStar
	}
	if qGzip < 0 {
		qGzip = qStar
	}
	accepted[Brotli] = qBr > 0
	accepted[Gzip] = qGzip > 0
	return accepted
}

// weight returns the q parameter in thousandths (1000 when absent, 0 when malformed, so that
// a value the server cannot read never selects a coding).
func weight(params []byte) int {
	for len(params) > 0 {
		var p []byte
		if i := bytes.IndexByte(params, ';'); i >= 0 {
			p, params = params[:i], params[i+1:]
		} else {
			p, params = params, nil
		}
		p = bytes.TrimSpace(p)
		if len(p) < 2 || (p[0] != 'q' && p[0] != 'Q') || p[1] != '=' {
			continue
		}
		return parseQ(p[2:])
	}
	return 1000
}

func parseQ(v []byte) int {
	if len(v) == 0 || len(v) > 5 || (v[0] != '0' && v[0] != '1') {
		return 0
	}
	n := int(v[0]-'0') * 1000
	if len(v) == 1 {
		return n
	}
	if v[1] != '.' {
		return 0
	}
	scale := 100
	for _, c := range v[2:] {
		if c < '0' || c > '9' {
			return 0
		}
		n += int(c-'0') * scale
		scale /= 10
	}
	if n > 1000 {
		return 0
	}
	return n
}

// MatchETag reports whether an If-None-Match value names tag: "*", or a list of entity tags
// compared weakly (W/"x" matches "x"), as RFC 9110 requires for If-None-Match.
func MatchETag(inm, tag []byte) bool {
	inm = bytes.TrimSpace(inm)
	if len(inm) == 1 && inm[0] == '*' {
		return true
	}
	for len(inm) > 0 {
		inm = bytes.TrimLeft(inm, " \t,")
		if bytes.HasPrefix(inm, []byte("W/")) {
			inm = inm[2:]
		}
		if len(inm) == 0 || inm[0] != '"' {
			return false
		}
		end := bytes.IndexByte(inm[1:], '"')
		if end < 0 {
			return false
		}
		if bytes.Equal(inm[:end+2], tag) {
			return true
		}
		inm = inm[end+2:]
	}
	return false
}

// WithCacheControl returns the same bytes and tags served with another Cache-Control (and the
// same base headers, for an asset made by Whole).
func (a *Asset) WithCacheControl(cacheControl string) *Asset {
	b := *a
	b.cacheControl = []byte(cacheControl)
	if a.base != nil {
		return b.Whole(a.base) // its answers prepared anew, with this Cache-Control
	}
	return &b
}
