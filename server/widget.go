package server

import (
	"bytes"
	"context"
	"errors"
	"time"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/edition"
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
	var a = st.Widget
	switch {
	case bytes.Equal(path, pathWidget):
	case bytes.Equal(path, pathManifest):
		a = st.Manifest
	case bytes.Equal(path[len("/v1/"):], st.PinnedName):
		a = st.Pinned
	case bytes.HasSuffix(path, suffixJS):
		// Another bundle: an older one a page is pinned to. Its exact bytes, or 404: serving
		// others under its name would fail the page's integrity check anyway.
		var unavailable bool
		if a, unavailable = s.oldBundle(string(path[len(prefixWidget) : len(path)-len(suffixJS)])); a == nil {
			if unavailable {
				// The archive is out of reach (Redis down): say so and when to retry, rather
				// than a 404 a browser would take as final.
				answer.Write(ctx, s.log, answer.New(fault.Unavailable, "widget_archive_unavailable", "", "widget_archive_unavailable"))
				ctx.Response.Header.Set("Retry-After", "5")
				answer.SetCORS(ctx)
				return true
			}
			answer.Write(ctx, s.log, answer.New(fault.NotFound, "unknown_widget_version", "", "unknown_widget_version"))
			answer.SetCORS(ctx) // a page pinned with crossorigin reads the 404, not a CORS failure
			return true
		}
	default:
		return false
	}
	switch {
	case ctx.IsGet() || ctx.IsHead():
		a.Serve(ctx) // the whole answer, security and CORS headers included (asset.Whole)
	case ctx.IsOptions():
		answer.SetSecurityHeaders(ctx)
		answer.SetCORS(ctx)
		handlePreflight(ctx)
	default:
		answer.Write(ctx, s.log, answer.ErrMethod)
		ctx.Response.Header.Set("Allow", "GET, HEAD, OPTIONS")
		answer.SetCORS(ctx)
	}
	return true
}

// maxBundleMisses bounds the hashes remembered as absent from the archive, and missTTL how long:
// a bundle another edge is still archiving during a rolling deploy is found a minute later.
const (
	maxBundleMisses = 4096
	missTTL         = time.Minute
)

// oldBundle finds a bundle that is not current: built by this process, or archived in the
// content store (by this edge or another, before a deploy or a restart). The archive is asked
// with a short timeout, and a miss is remembered for a minute: the current bundle never waits
// on it. unavailable says the archive could not be reached.
func (s *Server) oldBundle(hash string) (a *asset.Asset, unavailable bool) {
	if v, ok := s.oldBundles.Load(hash); ok {
		switch v := v.(type) {
		case *asset.Asset:
			return v, false
		case time.Time:
			if time.Now().Before(v) {
				return nil, false
			}
		}
	}
	b, ok := s.cfg.ContentStore.(contentstore.Bundles)
	if !ok || !contentstore.ValidBundleHash(hash) {
		return nil, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	js, err := b.LoadBundle(ctx, hash)
	switch {
	case errors.Is(err, contentstore.ErrNotFound):
		if s.bundleMisses.Add(1) <= maxBundleMisses {
			s.oldBundles.Store(hash, time.Now().Add(missTTL))
		}
		return nil, false
	case err != nil:
		return nil, true
	}
	a = bundleAsset(js, asset.Rendered) // a request waits on it: the request levels
	s.oldBundles.Store(hash, a)
	return a, false
}

// LoadBundles loads every archived bundle into memory, so that no pinned page waits on the
// archive; run it in the background at startup.
func (s *Server) LoadBundles(ctx context.Context) {
	b, ok := s.cfg.ContentStore.(contentstore.Bundles)
	if !ok {
		return
	}
	hashes, err := b.BundleHashes(ctx)
	if err != nil {
		s.log.Warn("archived widget bundles not listed", "err", err)
		return
	}
	n := 0
	for _, h := range hashes {
		if v, _ := s.oldBundles.Load(h); isAsset(v) || h == s.state.Load().Bundle.Hash {
			continue
		}
		if js, err := b.LoadBundle(ctx, h); err == nil {
			s.oldBundles.Store(h, bundleAsset(js, asset.New))
			n++
		}
	}
	s.log.Info("archived widget bundles loaded", "count", n)
}

// bundleAsset serves an archived bundle as the current one is served: pinned, public. compress is
// asset.New when loaded in the background (LoadBundles), asset.Rendered when a request waits on it
// (brotli 11 would cost it about 100 ms; level 5 sends some 5% more bytes).
func bundleAsset(js []byte, compress func(body []byte, contentType, cacheControl string) *asset.Asset) *asset.Asset {
	return compress(js, answer.ContentTypeJS, edition.CachePinned).Whole(answer.PublicHeaders)
}

func isAsset(v any) bool {
	_, ok := v.(*asset.Asset)
	return ok
}
