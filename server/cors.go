package server

import (
	"bytes"

	"github.com/signpost/edge/server/answer"
	"github.com/valyala/fasthttp"
)

// prefixSnippets starts the public snippet routes, which answer every origin (CORS).
var prefixSnippets = []byte("/v1/snippets/")

// handlePreflight answers OPTIONS: a CORS preflight for the public read routes, else just the
// methods allowed (the router has set Allow).
func handlePreflight(ctx *fasthttp.RequestCtx) {
	path := ctx.Path()
	if bytes.HasPrefix(path, prefixSnippets) || bytes.HasPrefix(path, prefixWidget) {
		answer.SetCORS(ctx)
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
