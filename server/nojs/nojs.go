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
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/origin"
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

// FrameReferrer is the frame page's referrer policy: no referrer to any other origin (its links
// to lines, resources and the quick exit leave nothing behind), and its own origin in the Origin
// of its form's post, which is how the edge knows the form came from it (under no-referrer a
// browser sends "Origin: null" even to its own origin: Fetch, "serializing a request origin").
const FrameReferrer = "same-origin"

// fragmentCSP is for the fragment opened on its own (an include ignores it).
const fragmentCSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'"

// Deps are what the no-JavaScript pages need.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time
	// CurrentState is what the edge serves now: content and its caches.
	CurrentState func() *edition.State
	// PublicOrigin is the edge's origin as visitors reach it (EDGE_PUBLIC_ORIGIN), which the
	// fragment's links name whatever Host its fetch sent; "": the request's own (origin.Of).
	PublicOrigin string
	// Intake takes the form's submissions as POST /v1/feedback takes the widget's; its IPHasher
	// signs the form's token and its TrustedProxies may tell the scheme (origin.Of) and host
	// (origin.Own).
	Intake intake.Deps
	// FormTokens remembers the form tokens already taken (spent.Redis in Redis mode, shared by
	// every edge). Default: this edge's memory (spent.Memory).
	FormTokens spent.Store
}

type handlers struct {
	Deps
	tpl *template.Template
	css *asset.Asset
}

var load = sync.OnceValues(func() (*handlers, error) {
	tpl, err := template.New("").Funcs(template.FuncMap{"answer": newYesNo}).ParseFS(pageFiles, "pages/banner.html", "pages/frame.html")
	if err != nil {
		return nil, err
	}
	css, err := Stylesheet()
	if err != nil {
		return nil, err
	}
	return &handlers{tpl: tpl, css: asset.New([]byte(css), answer.ContentCSS, CacheCSS)}, nil
})

// Routes adds the no-JavaScript routes; get adds a GET and HEAD route.
func Routes(r *router.Router, get func(string, fasthttp.RequestHandler), d Deps) error {
	shared, err := load()
	if err != nil {
		return err
	}
	h := &handlers{Deps: d, tpl: shared.tpl, css: shared.css}
	if h.FormTokens == nil {
		h.FormTokens = spent.NewMemory(0, d.Log)
	}
	get("/v1/banner.css", h.handleCSS)
	get("/v1/banner/{partner}.html", h.handleFragment)
	get("/v1/frame/{partner}", h.handleFrame)
	r.POST("/v1/feedback/form", h.handleForm)
	r.POST("/v1/reports/form", h.handleReportForm)
	return nil
}

func (h *handlers) handleCSS(ctx *fasthttp.RequestCtx) {
	answer.SetCORS(ctx)
	h.css.Serve(ctx)
}

// handleFragment answers GET /v1/banner/{partner}.html?region=&locale=. Its links name the
// public origin when one is configured: then the answer is the same whatever the Host, and is
// cached compressed. Without one they name the edge as the request reached it, and the answer
// varies on Host (edition.Page: drawn once, the origin filled in for each request).
func (h *handlers) handleFragment(ctx *fasthttp.RequestCtx) {
	answer.SetCORS(ctx)
	pageOrigin, perRequest := h.PublicOrigin, h.PublicOrigin == ""
	if perRequest {
		var ok bool
		if pageOrigin, ok = origin.Of(ctx, h.Intake.TrustedProxies); !ok {
			answer.Write(ctx, h.Log, origin.ErrBadHost)
			return
		}
	}
	st := h.CurrentState()
	err := st.Page(ctx, h.Now(), "banner.html", pageOrigin, perRequest, contentHTML, CacheFragment,
		func(p *snippets.Partner, loc snippets.Locale, key, pageOrigin string, now time.Time) ([]byte, time.Time, error) {
			return Fragment(st.Content, p, loc, key, pageOrigin, now)
		})
	if err != nil {
		answer.Write(ctx, h.Log, err)
		answer.SetCORS(ctx)
		return
	}
	if perRequest {
		edition.AddVary(&ctx.Response.Header, origin.Vary(ctx, h.Intake.TrustedProxies))
	}
	ctx.Response.Header.Set("Content-Security-Policy", fragmentCSP)
}

// Fragment is the banner fragment of partner p in loc for region entry key ("": the neutral
// banner) at now, after a <link> to the edge's stylesheet, and when it changes (its notice, a
// line's hours): what GET /v1/banner/{partner}.html answers, and what the embed builder's
// include preview holds. origin is the edge's ("" for links on the same origin); the visitor's
// choice of place leads to its frame page there.
func Fragment(c *snippets.Loaded, p *snippets.Partner, loc snippets.Locale, key, origin string, now time.Time) ([]byte, time.Time, error) {
	shared, err := load()
	if err != nil {
		return nil, time.Time{}, err
	}
	n, until := c.NoticeView(p.ID, key, loc, now)
	b := c.BannerFor(key, loc, now, nil)
	place := func(code string) string {
		return origin + "/v1/frame/" + url.PathEscape(p.ID) + "?" + url.Values{"region": {code}, "locale": {string(loc)}}.Encode()
	}
	var out bytes.Buffer
	err = shared.tpl.ExecuteTemplate(&out, "fragment", map[string]any{"CSS": origin + "/v1/banner.css", "Banner": newBanner(b, n, loc, false, place)})
	return out.Bytes(), earliest(until, b.Until), err
}

// earliest is the earlier of two times, zero meaning never.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
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
	// Said is an answer of the line report form (reportForm): its thanks.
	Said string
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

// handleFrame answers GET /v1/frame/{partner}?region=&locale=&components=&page=&report=.
func (h *handlers) handleFrame(ctx *fasthttp.RequestCtx) {
	if err := h.frame(ctx); err != nil {
		answer.Write(ctx, h.Log, err)
	}
}

func (h *handlers) frame(ctx *fasthttp.RequestCtx) error {
	st := h.CurrentState()
	p, loc, key, vary, err := st.PartnerSelect(ctx, true)
	if err != nil {
		return err
	}
	comps, err := components(answer.View(ctx.QueryArgs().Peek("components")), p)
	if err != nil {
		return err
	}
	page := "/"
	if raw := answer.View(ctx.QueryArgs().Peek("page")); raw != "" {
		if page, err = feedback.CleanPage(raw); err != nil {
			return err
		}
	}
	now := h.Now()
	v := h.page(st.Content, p, loc, key, strings.Join(comps, ","), page, now)
	// A line's report form asked for (the widget's report link) shows the banner it is in.
	v.ShowBanner = openReport(v.Banner, answer.View(ctx.QueryArgs().Peek("report"))) || slices.Contains(comps, "banner")
	if slices.Contains(comps, "resources") {
		rs, _ := st.Content.Featured(p, now)
		for _, r := range rs {
			v.Resources = append(v.Resources, resourceView{Icon: snippets.ResourceIcon(r.Type), URL: safeURL(r.URL.Get(loc)), Title: r.Title.Get(loc),
				Summary: r.Summary.Get(loc), Meta: snippets.ResourceMeta(r.Type, r.SizeBytes, loc)})
		}
	}
	v.Form, v.Page = slices.Contains(comps, "feedback"), page
	if err := h.writePage(ctx, fasthttp.StatusOK, v); err != nil {
		return err
	}
	edition.AddVary(&ctx.Response.Header, vary) // placed by a CDN's location header
	return nil
}

// page is the frame page's common part for partner p in loc and region entry key.
func (h *handlers) page(c *snippets.Loaded, p *snippets.Partner, loc snippets.Locale, key, comps, page string, now time.Time) *pageView {
	t := textFor(loc)
	n, _ := c.NoticeView(p.ID, key, loc, now)
	// The visitor's choice of place: this page again, for that region.
	place := func(code string) string {
		return "/v1/frame/" + url.PathEscape(p.ID) + "?" + url.Values{"region": {code}, "locale": {string(loc)}, "components": {comps}, "page": {page}}.Encode()
	}
	v := &pageView{Lang: string(loc), Title: t.Title, Text: t, Banner: newBanner(c.BannerFor(key, loc, now, nil), n, loc, true, place),
		Feedback: c.FeedbackView(loc), Partner: p.ID, Region: key, Components: comps, Token: sign(h.Intake.IPHasher, p.ID, now),
		FieldErr: map[string]string{}}
	addReports(v, t, page)
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
	hd.Set("Referrer-Policy", FrameReferrer)
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
			return nil, answer.BadParam("components", "invalid_parameter.components")
		}
		if !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	return cs, nil
}
