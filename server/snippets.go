package server

import (
	"bytes"
	"slices"

	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// handleSnippet answers GET /v1/snippets/{partner}[/{part}]?locale=&region=&tz=.
func (s *Server) handleSnippet(ctx *fasthttp.RequestCtx) {
	web.SetCORS(ctx)
	if err := s.snippet(ctx); err != nil {
		web.Write(ctx, s.log, err)
		web.SetCORS(ctx)
	}
}

func (s *Server) snippet(ctx *fasthttp.RequestCtx) error {
	return s.snippetFrom(ctx, s.state.Load(), true)
}

// serveSnippetURI answers a snippet request whose exact URI was answered before for this
// content, without the router; it reports whether it did.
func (s *Server) serveSnippetURI(ctx *fasthttp.RequestCtx) bool {
	if !bytes.HasPrefix(ctx.Path(), prefixSnippets) || !(ctx.IsGet() || ctx.IsHead()) {
		return false
	}
	e := s.state.Load().byURI.get(ctx.RequestURI())
	if e == nil || !e.fresh(s.cfg.Now()) {
		return false
	}
	web.SetCORS(ctx)
	e.asset.Serve(ctx)
	return true
}

// snippetFrom is the snippet route over a given state: the published one (remembered by URI
// for serveSnippetURI), or a preview's.
func (s *Server) snippetFrom(ctx *fasthttp.RequestCtx, st *state, byURI bool) error {
	id, _ := ctx.UserValue("partner").(string)
	p := st.content.Partners[id]
	if p == nil {
		return &web.Error{Status: fasthttp.StatusNotFound, Code: "unknown_partner", Message: "no partner with this id", Field: "partner"}
	}
	part := snippets.All
	if name, ok := ctx.UserValue("part").(string); ok {
		part = snippets.Part(name)
		if !slices.Contains(snippets.Parts, part) {
			return &web.Error{Status: fasthttp.StatusNotFound, Code: "not_found", Message: "no such snippet: want banner, resources or feedback"}
		}
	}
	args := ctx.QueryArgs()
	loc, ok, err := snippets.ParseLocale(web.View(args.Peek("locale")))
	if err != nil {
		return err
	}
	if !ok {
		loc = p.Locale
		if loc == "" {
			loc = snippets.English
		}
	}
	region, ok, err := snippets.ParseRegion(web.View(args.Peek("region")))
	if err != nil {
		return err
	}
	if !ok {
		// No region: the browser's time zone when the widget could not place it with the zones
		// baked into it, under the same rule (TimeZones.Region), else the partner's default.
		region = p.Region
		if zone := web.View(args.Peek("tz")); zone != "" {
			if !snippets.ValidZone(zone) {
				return &snippets.ParamError{Field: "tz", Message: "not an IANA time zone name, like America/Toronto"}
			}
			region = s.cfg.TimeZones.Region(zone, p.Region)
		}
	}
	key := snippetKey{partner: p.ID, locale: loc, region: st.content.RegionEntry(region), part: part}
	now := s.cfg.Now()
	e, err := st.snippets.get(key, now, func() (*snippetEntry, error) {
		body, until, err := st.content.Render(p, loc, key.region, part, now, s.cfg.CrisisPhrases)
		if err != nil {
			return nil, err
		}
		return &snippetEntry{asset: asset.New(body, web.ContentJSON, cacheSnippet), until: until}, nil
	})
	if err != nil {
		return err
	}
	if byURI {
		st.byURI.put(ctx.RequestURI(), e)
	}
	e.asset.Serve(ctx)
	return nil
}
