package server

import (
	"bytes"

	"github.com/valyala/fasthttp"
)

var (
	pathWidget   = []byte("/v1/widget.js")
	pathManifest = []byte("/v1/widget.json")
	prefixWidget = []byte("/v1/widget.")
	suffixJS     = []byte(".js")
)

// serveWidget answers the widget routes without the router, so that the path every partner
// page loads allocates nothing. It reports whether the path was one of them. The widget is never
// rate-limited and never waits on anything: its bytes are built before the server starts.
func (s *Server) serveWidget(ctx *fasthttp.RequestCtx) bool {
	path := ctx.Path()
	if !bytes.HasPrefix(path, prefixWidget) {
		return false
	}
	st := s.state.Load()
	var a = st.widget
	switch {
	case bytes.Equal(path, pathWidget):
	case bytes.Equal(path, pathManifest):
		a = st.manifest
	case bytes.Equal(path[len("/v1/"):], st.pinnedName):
		a = st.pinned
	case bytes.HasSuffix(path, suffixJS):
		// An old hash: the bytes it names are gone, and serving others under it would break
		// the partner's integrity check. 404 tells the partner to re-pin.
		writeError(ctx, s.log, &Error{Status: fasthttp.StatusNotFound, Code: "unknown_widget_version",
			Message: "no widget with this hash: pin the URL from /v1/widget.json, or use /v1/widget.js"})
		return true
	default:
		return false
	}
	setCORS(ctx)
	switch {
	case ctx.IsGet() || ctx.IsHead():
		a.Serve(ctx)
	case ctx.IsOptions():
		handlePreflight(ctx)
	default:
		writeError(ctx, s.log, errMethod)
		ctx.Response.Header.Set("Allow", "GET, HEAD, OPTIONS")
	}
	return true
}
