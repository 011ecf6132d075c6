package server

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

var (
	headerNosniff    = []byte("X-Content-Type-Options")
	valueNosniff     = []byte("nosniff")
	headerCSP        = []byte("Content-Security-Policy")
	valueAPICSP      = []byte("default-src 'none'; frame-ancestors 'none'")
	headerReferrer   = []byte("Referrer-Policy")
	valueReferrer    = []byte("strict-origin-when-cross-origin")
	headerACAO       = []byte("Access-Control-Allow-Origin")
	headerCORP       = []byte("Cross-Origin-Resource-Policy")
	valueCrossOrigin = []byte("cross-origin")
	valueStar        = []byte("*")
	headerExpose     = []byte("Access-Control-Expose-Headers")
	valueExpose      = []byte("ETag")
	prefixSnippets   = []byte("/v1/snippets/")
)

// setSecurityHeaders adds what every response carries: no MIME sniffing, a CSP that lets
// nothing load from an API response, and a referrer policy. Pages set their own CSP over this.
func setSecurityHeaders(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.SetCanonical(headerNosniff, valueNosniff)
	h.SetCanonical(headerCSP, valueAPICSP)
	h.SetCanonical(headerReferrer, valueReferrer)
}

// setCORS opens a public resource to every origin: the widget and its snippets are loaded from
// partner pages, and a pinned script with integrity needs CORS to be checked.
func setCORS(ctx *fasthttp.RequestCtx) {
	h := &ctx.Response.Header
	h.SetCanonical(headerACAO, valueStar)
	h.SetCanonical(headerCORP, valueCrossOrigin)
	h.SetCanonical(headerExpose, valueExpose)
}

// handlePreflight answers OPTIONS: a CORS preflight for the public read routes, else just the
// methods allowed (the router has set Allow).
func handlePreflight(ctx *fasthttp.RequestCtx) {
	path := ctx.Path()
	if bytes.HasPrefix(path, prefixSnippets) || bytes.HasPrefix(path, prefixWidget) {
		setCORS(ctx)
		h := &ctx.Response.Header
		h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "If-None-Match")
		h.Set("Access-Control-Max-Age", "86400")
		if len(h.Peek("Allow")) == 0 {
			h.Set("Allow", "GET, HEAD, OPTIONS")
		}
	}
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}
