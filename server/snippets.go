package server

import (
	"bytes"

	"github.com/signpost/edge/server/web"
	"github.com/valyala/fasthttp"
)

// handleSnippet answers GET /v1/snippets/{partner}[/{part}]?locale=&region=&tz=.
func (s *Server) handleSnippet(ctx *fasthttp.RequestCtx) {
	web.SetCORS(ctx)
	if err := s.state.Load().Snippet(ctx, s.cfg.Now(), true); err != nil {
		web.Write(ctx, s.log, err)
		web.SetCORS(ctx)
	}
}

// serveSnippetURI answers a snippet request whose exact URI was answered before for this
// content, without the router; it reports whether it did.
func (s *Server) serveSnippetURI(ctx *fasthttp.RequestCtx) bool {
	if !bytes.HasPrefix(ctx.Path(), prefixSnippets) || !(ctx.IsGet() || ctx.IsHead()) {
		return false
	}
	a := s.state.Load().Remembered(ctx.RequestURI(), s.cfg.Now())
	if a == nil {
		return false
	}
	web.SetCORS(ctx)
	a.Serve(ctx)
	return true
}
