package server

import (
	"bytes"
	"time"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/valyala/fasthttp"
)

// handleSnippet answers GET /v1/snippets/{partner}[/{part}]?locale=&region=&tz=.
func (s *Server) handleSnippet(ctx *fasthttp.RequestCtx) {
	answer.SetCORS(ctx)
	if err := s.state.Load().Snippet(ctx, s.cfg.Now(), true); err != nil {
		answer.Write(ctx, s.log, err)
		answer.SetCORS(ctx)
	}
}

// serveExact answers a GET or HEAD whose request-target is, byte for byte, the widget's or its
// manifest's path, or a snippet URI answered before for this content: the edge's hot path.
// Nothing in such a target needs parsing or normalising (a remembered URI passed every check
// when the router first answered it), so nothing is parsed; any other spelling of the same
// resource (a query, a dot segment, an absolute form) goes the long way and gets the same answer.
// It reports whether it answered.
func (s *Server) serveExact(ctx *fasthttp.RequestCtx) bool {
	if !ctx.IsGet() && !ctx.IsHead() {
		return false
	}
	target := ctx.Request.Header.RequestURI()
	st := s.state.Load()
	var a *asset.Asset
	switch {
	case bytes.HasPrefix(target, prefixSnippets):
		a = st.Remembered(target, s.requestTime(ctx))
	case bytes.Equal(target, pathWidget):
		a = st.Widget
	case bytes.Equal(target, pathManifest):
		a = st.Manifest
	}
	if a == nil {
		return false
	}
	a.Serve(ctx) // the whole answer, security and CORS headers included (asset.Whole)
	return true
}

// requestTime is now for a request: its start time when the edge runs on the wall clock (no
// second clock read on the hot path), else the configured clock (tests move it).
func (s *Server) requestTime(ctx *fasthttp.RequestCtx) time.Time {
	if t := ctx.Time(); s.wallClock && !t.IsZero() {
		return t
	}
	return s.cfg.Now()
}
