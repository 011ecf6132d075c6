// Package nojs is Signpost without JavaScript: the server-rendered banner fragment a partner
// includes on the server (GET /v1/banner/{partner}.html) and its stylesheet (GET
// /v1/banner.css); the framable page with banner, resources and a feedback form (GET
// /v1/frame/{partner}); and that form's intake (POST /v1/feedback/form), which answers with a
// page. The banner is the widget's: the same lines, order, links, names and heights, drawn in
// HTML with classes of its own namespace; a widget loaded on the same page takes it over.
package nojs

import (
	"bytes"
	"embed"
	"html/template"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/serving"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

//go:embed pages/banner.html pages/frame.html
var pageFiles embed.FS

// Caching. The fragment revalidates every time (a notice shows on the next page load, as with
// snippets) and may be served stale for a day when the edge cannot answer; the stylesheet
// changes only with a release.
const (
	CacheFragment = "public, no-cache, stale-if-error=86400"
	CacheCSS      = "public, max-age=3600, stale-while-revalidate=86400, stale-if-error=86400"
	contentHTML   = "text/html; charset=utf-8"
)

// FrameCSP lets any page frame the frame page, and nothing else in: no script at all, styles
// and the form's post to this origin only.
const FrameCSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors *"

// fragmentCSP is for the fragment opened on its own (an include ignores it).
const fragmentCSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'"

// Deps are what the no-JavaScript pages need.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time
	// State is what the edge serves now: content and its caches.
	State func() *serving.State
	// Intake takes the form's submissions as POST /v1/feedback takes the widget's; its Hasher
	// signs the form's render time and its Proxies may tell the scheme (web.Origin).
	Intake intake.Deps
}

type handlers struct {
	Deps
	tpl *template.Template
	css *asset.Asset
}

var load = sync.OnceValues(func() (*handlers, error) {
	tpl, err := template.New("").Funcs(template.FuncMap{"answer": answer}).ParseFS(pageFiles, "pages/banner.html", "pages/frame.html")
	if err != nil {
		return nil, err
	}
	css, err := Stylesheet()
	if err != nil {
		return nil, err
	}
	return &handlers{tpl: tpl, css: asset.New([]byte(css), web.ContentCSS, CacheCSS)}, nil
})

// Routes adds the no-JavaScript routes; get adds a GET and HEAD route.
func Routes(r *router.Router, get func(string, fasthttp.RequestHandler), d Deps) error {
	shared, err := load()
	if err != nil {
		return err
	}
	h := &handlers{Deps: d, tpl: shared.tpl, css: shared.css}
	get("/v1/banner.css", h.handleCSS)
	get("/v1/banner/{partner}.html", h.handleFragment)
	get("/v1/frame/{partner}", h.handleFrame)
	r.POST("/v1/feedback/form", h.handleForm)
	return nil
}

func (h *handlers) handleCSS(ctx *fasthttp.RequestCtx) {
	web.SetCORS(ctx)
	h.css.Serve(ctx)
}

// handleFragment answers GET /v1/banner/{partner}.html?region=&locale=.
func (h *handlers) handleFragment(ctx *fasthttp.RequestCtx) {
	web.SetCORS(ctx)
	origin, ok := web.Origin(ctx, h.Intake.Proxies)
	if !ok {
		web.Write(ctx, h.Log, web.ErrBadHost)
		return
	}
	st := h.State()
	err := st.Page(ctx, h.Now(), "banner.html", origin, contentHTML, CacheFragment,
		func(p *snippets.Partner, loc snippets.Locale, key string, now time.Time) ([]byte, time.Time, error) {
			return Fragment(st.Content, p, loc, key, origin+"/v1/banner.css", now)
		})
	if err != nil {
		web.Write(ctx, h.Log, err)
		web.SetCORS(ctx)
		return
	}
	ctx.Response.Header.Set("Content-Security-Policy", fragmentCSP)
}

// Fragment is the banner fragment of partner p in loc for region entry key ("": the neutral
// banner) at now, after a <link> to the stylesheet at css, and when its notice changes: what
// GET /v1/banner/{partner}.html answers, and what the embed builder's include preview holds.
func Fragment(c *snippets.Loaded, p *snippets.Partner, loc snippets.Locale, key, css string, now time.Time) ([]byte, time.Time, error) {
	shared, err := load()
	if err != nil {
		return nil, time.Time{}, err
	}
	n, until := c.NoticeView(p.ID, key, loc, now)
	var b bytes.Buffer
	err = shared.tpl.ExecuteTemplate(&b, "fragment", map[string]any{"CSS": css, "Banner": newBanner(c.BannerFor(key, loc, now), n, loc, false)})
	return b.Bytes(), until, err
}

// pageView is the frame page, and the form's answers, which are the same page.
type pageView struct {
	Lang, Title string
	Text        *text
	Exit        string
	Banner      *bannerView
	ShowBanner  bool
	Resources   []resourceView
	// The form, when shown: its hidden fields, the feedback texts, what was entered, and what
	// is wrong with it.
	Form                                     bool
	Feedback                                 *snippets.FeedbackView
	Partner, Page, Region, Components, Token string
	Values                                   formValues
	Errors                                   []formError
	FieldErr                                 map[string]string
	// The answer: thanks, and the crisis lines first when the comment reads like a crisis.
	Thanks, Crisis bool
}

type resourceView struct {
	Icon, URL, Title, Summary, Meta string
}

type formValues struct {
	Found, Helpful, Comment, Email string
	Followup                       bool
}

type formError struct {
	Target, Message string
}

// handleFrame answers GET /v1/frame/{partner}?region=&locale=&components=&page=.
func (h *handlers) handleFrame(ctx *fasthttp.RequestCtx) {
	if err := h.frame(ctx); err != nil {
		web.Write(ctx, h.Log, err)
	}
}

func (h *handlers) frame(ctx *fasthttp.RequestCtx) error {
	st := h.State()
	p, loc, key, vary, err := st.PartnerSelect(ctx, true)
	if err != nil {
		return err
	}
	comps, err := components(web.View(ctx.QueryArgs().Peek("components")), p)
	if err != nil {
		return err
	}
	page := "/"
	if raw := web.View(ctx.QueryArgs().Peek("page")); raw != "" {
		if page, err = feedback.CleanPage(raw); err != nil {
			return err
		}
	}
	now := h.Now()
	v := h.page(st.Content, p, loc, key, strings.Join(comps, ","), now)
	v.ShowBanner = slices.Contains(comps, "banner")
	if slices.Contains(comps, "resources") {
		rs, _ := st.Content.Featured(p, now)
		for _, r := range rs {
			v.Resources = append(v.Resources, resourceView{Icon: icon(r.Type), URL: safeURL(r.URL.Get(loc)), Title: r.Title.Get(loc),
				Summary: r.Summary.Get(loc), Meta: snippets.ResourceMeta(r.Type, r.SizeBytes, loc)})
		}
	}
	v.Form, v.Page = slices.Contains(comps, "feedback"), page
	if err := h.writePage(ctx, fasthttp.StatusOK, v); err != nil {
		return err
	}
	serving.AddVary(&ctx.Response.Header, vary) // placed by a CDN's location header
	return nil
}

// page is the frame page's common part for partner p in loc and region entry key.
func (h *handlers) page(c *snippets.Loaded, p *snippets.Partner, loc snippets.Locale, key, comps string, now time.Time) *pageView {
	t := textFor(loc)
	n, _ := c.NoticeView(p.ID, key, loc, now)
	v := &pageView{Lang: string(loc), Title: t.Title, Text: t, Banner: newBanner(c.BannerFor(key, loc, now), n, loc, true),
		Feedback: c.FeedbackView(loc), Partner: p.ID, Region: key, Components: comps, Token: sign(h.Intake.Hasher, p.ID, now),
		FieldErr: map[string]string{}}
	if strings.Contains(","+comps+",", ",exit,") {
		v.Exit = safeURL(p.ExitURL)
		if v.Exit == "" {
			v.Exit = "https://www.google.com/"
		}
	}
	return v
}

func (h *handlers) writePage(ctx *fasthttp.RequestCtx, status int, v *pageView) error {
	var b bytes.Buffer
	if err := h.tpl.ExecuteTemplate(&b, "page", v); err != nil {
		return err
	}
	ctx.SetStatusCode(status)
	ctx.SetContentType(contentHTML)
	hd := &ctx.Response.Header
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", FrameCSP)
	ctx.SetBody(b.Bytes())
	return nil
}

// components reads ?components= (comma-separated), else the partner's, else every one.
func components(raw string, p *snippets.Partner) ([]string, error) {
	var cs []string
	if raw == "" {
		cs = p.Components
		if len(cs) == 0 {
			cs = snippets.Components
		}
		return cs, nil
	}
	for _, c := range strings.Split(raw, ",") {
		c = strings.TrimSpace(c)
		if !slices.Contains(snippets.Components, c) {
			return nil, web.BadParam("components", "invalid_parameter.components")
		}
		if !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	return cs, nil
}

// icons are the resource cards' pictograms, as the widget draws them (widget.js ICONS).
var icons = map[string]string{
	"pdf":     "M6 2h9l5 5v15H6zm3 11h6m-6 4h6",
	"video":   "M3 5h18v14H3zm7 4v6l5-3z",
	"webinar": "M3 4h18v12H3zm5 16h8m-4-4v4",
	"toolkit": "M3 7h18v13H3zm5 0V4h8v3",
	"page":    "M4 3h16v18H4zm4 5h8m-8 4h8",
	"course":  "M2 9l10-5 10 5-10 5zm4 2v5c3 2 9 2 12 0v-5",
}

func icon(typ string) string {
	if s, ok := icons[typ]; ok {
		return s
	}
	return icons["page"]
}
