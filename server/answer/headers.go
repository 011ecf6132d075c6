package answer

import "github.com/valyala/fasthttp"

// Content types the edge answers with.
const (
	ContentJSON   = "application/json"
	ContentTypeJS = "text/javascript; charset=utf-8"
	ContentCSS    = "text/css; charset=utf-8"
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
)

// SetSecurityHeaders adds what every response carries: no MIME sniffing, a CSP that lets
// nothing load from an API response, and a referrer policy. Pages set their own CSP over this.
func SetSecurityHeaders(ctx *fasthttp.RequestCtx) { securityHeaders(&ctx.Response.Header) }

// SetCORS opens a public resource to every origin: the widget and its snippets are loaded from
// partner pages, and a pinned script with integrity needs CORS to be checked.
func SetCORS(ctx *fasthttp.RequestCtx) { corsHeaders(&ctx.Response.Header) }

// PublicHeaders sets what every answer of a public read route carries (the widget, snippets):
// the security headers, then CORS. The base of their assets (asset.Whole).
func PublicHeaders(h *fasthttp.ResponseHeader) {
	securityHeaders(h)
	corsHeaders(h)
}

func securityHeaders(h *fasthttp.ResponseHeader) {
	h.SetCanonical(headerNosniff, valueNosniff)
	h.SetCanonical(headerCSP, valueAPICSP)
	h.SetCanonical(headerReferrer, valueReferrer)
}

func corsHeaders(h *fasthttp.ResponseHeader) {
	h.SetCanonical(headerACAO, valueStar)
	h.SetCanonical(headerCORP, valueCrossOrigin)
	h.SetCanonical(headerExpose, valueExpose)
}
