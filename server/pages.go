package server

import (
	"bytes"
	"embed"
	"html/template"
	"image"
	"image/color"
	"image/png"
	"slices"
	"sync"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
)

//go:embed pages/index.html pages/demo.css
var pageFiles embed.FS

// pageCSP is the policy of the server's own pages: scripts and styles from this origin only, no
// inline code, nothing framed. The demo page proves the widget works under it.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

type pages struct {
	demo *template.Template
	css  []byte
	// styles are the demo page's stylesheets by the number of resources the demo partner
	// features: operators change it without a restart, and the reservation rule with it.
	styles sync.Map // int -> *asset.Asset
}

func loadPages() (*pages, error) {
	demo, err := template.ParseFS(pageFiles, "pages/index.html")
	if err != nil {
		return nil, err
	}
	css, err := pageFiles.ReadFile("pages/demo.css")
	if err != nil {
		return nil, err
	}
	return &pages{demo: demo, css: css}, nil
}

// style is the demo page's stylesheet when the demo partner features n resources: the page is
// embedded as the builder recommends, with the space reservation rule.
func (p *pages) style(n int) *asset.Asset {
	if a, ok := p.styles.Load(n); ok {
		return a.(*asset.Asset)
	}
	css := append(slices.Clip(p.css), widget.ReserveCSS(snippets.Components, n)...)
	a, _ := p.styles.LoadOrStore(n, asset.Rendered(css, "text/css; charset=utf-8", "public, max-age=300"))
	return a.(*asset.Asset)
}

// demoData is what the demo page varies on: ?region= and ?locale= become the embed's
// data-region and data-locale, so a newcomer can see any banner. Malformed values are ignored.
type demoData struct {
	Region string
	Locale string
}

// handlePage serves the demo partner page and its stylesheet.
func (s *Server) handlePage(ctx *fasthttp.RequestCtx) {
	ctx.Response.Header.Set("Content-Security-Policy", pageCSP)
	if string(ctx.Path()) == "/demo.css" {
		n := 0
		if c := s.Content(); c.Partners["demo"] != nil {
			rs, _ := c.Featured(c.Partners["demo"], s.cfg.Now())
			n = len(rs)
		}
		s.pages.style(n).Serve(ctx)
		return
	}
	var d demoData
	args := ctx.QueryArgs()
	if r, ok, err := snippets.ParseRegion(string(args.Peek("region"))); ok && err == nil {
		d.Region = r
	}
	if l, ok, err := snippets.ParseLocale(string(args.Peek("locale"))); ok && err == nil {
		d.Locale = string(l)
	}
	var b bytes.Buffer
	if err := s.pages.demo.Execute(&b, d); err != nil {
		answer.Write(ctx, s.log, err)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "no-cache")
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.SetBody(b.Bytes())
}

// favicon is the edge's icon (a white signpost on the widget's blue), drawn once: browsers ask
// for /favicon.ico on every page of the edge, and a 404 there is an error in their console.
var favicon = sync.OnceValue(func() *asset.Asset {
	const n = 32
	img := image.NewPaletted(image.Rect(0, 0, n, n), color.Palette{color.RGBA{0x00, 0x55, 0x8c, 0xff}, color.White})
	for y := 4; y < 29; y++ {
		for x := 14; x < 18; x++ {
			img.SetColorIndex(x, y, 1) // the post
		}
	}
	for y := 6; y < 14; y++ {
		for x := 7; x < 22+min(y-6, 13-y); x++ {
			img.SetColorIndex(x, y, 1) // the sign, pointing right
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return asset.Rendered(b.Bytes(), "image/png", "public, max-age=86400") // drawn on the first request
})

// handleFavicon serves favicon.
func (s *Server) handleFavicon(ctx *fasthttp.RequestCtx) { favicon().Serve(ctx) }
