// Package embedbuilder is the partner embed builder (GET /embed): a public page where a
// partner's web team chooses the widget's options, sees the real widget in a live preview and
// copies the tags, placeholders, reservation rule and CSP lines. It also renders the one
// partner-preview page, which the console's draft previews use too (PreviewPage).
package embedbuilder

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/origin"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/signpost/edge/words"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	"github.com/valyala/fasthttp"
)

// The partner embed builder (GET /embed): a public page where a partner's web team chooses the
// widget's options, sees the real widget in a live preview and copies the tags, placeholders and
// CSP lines. The server writes every piece of generated code (the page's script only asks
// /embed/code again as the options change), so there is one generator, in Go, and the page
// works without JavaScript through its Update button.

//go:embed pages/embed.html pages/ways.html pages/embed.js pages/embed.css pages/preview.html pages/preview.css
var embedFiles embed.FS

// CSP is the edge's page policy plus frames from this origin (the preview), and no more.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// PreviewCSP is as strict as a partner's page with the builder's lines. The preview is framed in a
// sandbox without allow-same-origin (so it cannot reach the builder, and the edge refuses any
// feedback it sends: its Origin is "null"); 'self' still names the edge, the URL's origin.
const PreviewCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// Length limits of the values echoed back into the form: longer ones are cut.
const (
	MaxValue    = 100
	maxEmbedURL = 2000
)

// Deps are what the builder needs.
type Deps struct {
	Log *slog.Logger
	// CurrentContent is the content served and the widget bundle built from it (the pinned tag).
	CurrentContent func() (*snippets.Loaded, *widget.Bundle)
	// TrustedProxies may say the scheme the client used (X-Forwarded-Proto).
	TrustedProxies clientaddr.Proxies
	// PublicOrigin is the edge's origin as visitors reach it (EDGE_PUBLIC_ORIGIN), which the
	// code written names; "": the edge as the builder's request reached it (origin.Of).
	PublicOrigin string
	// Now is the clock (the resources featured, the notice in the include preview); nil: the
	// system's.
	Now func() time.Time
}

type embedBuilder struct {
	Deps
	*embedAssets
}

// embedAssets are the builder's parsed templates and its minified, compressed script and
// stylesheets: the same for every server of the process, so built once (brotli at its best level
// is worth keeping, not redoing for each server a test starts).
type embedAssets struct {
	page    *template.Template
	preview *template.Template
	js      *asset.Asset
	css     *asset.Asset
	prevCSS *asset.Asset
}

var loadEmbedAssets = sync.OnceValues(func() (*embedAssets, error) {
	a := &embedAssets{}
	var err error
	if a.page, err = template.ParseFS(embedFiles, "pages/embed.html", "pages/ways.html"); err != nil {
		return nil, err
	}
	if a.preview, err = template.ParseFS(embedFiles, "pages/preview.html"); err != nil {
		return nil, err
	}
	m := minify.New()
	m.Add("text/css", &css.Minifier{})
	m.Add("text/javascript", &js.Minifier{Version: asset.ESVersion})
	for _, f := range []struct {
		dst               **asset.Asset
		name, mime, ctype string
	}{
		{&a.js, "pages/embed.js", "text/javascript", answer.ContentTypeJS},
		{&a.css, "pages/embed.css", "text/css", "text/css; charset=utf-8"},
		{&a.prevCSS, "pages/preview.css", "text/css", "text/css; charset=utf-8"},
	} {
		src, err := embedFiles.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		out, err := m.Bytes(f.mime, src)
		if err != nil {
			return nil, fmt.Errorf("minify %s: %w", f.name, err)
		}
		*f.dst = asset.New(out, f.ctype, "public, max-age=300")
	}
	return a, nil
})

// Routes adds the builder's page, generated code, preview and assets. Its assets are compiled
// into the binary: a failure to load them is a broken build, which the tests catch.
func Routes(get func(string, fasthttp.RequestHandler), d Deps) {
	a, err := loadEmbedAssets()
	if err != nil {
		panic("embed builder: " + err.Error())
	}
	eb := &embedBuilder{Deps: d, embedAssets: a}
	get("/embed", eb.handleEmbed)
	get("/embed/code", eb.handleEmbedCode)
	get("/embed/preview", eb.handleEmbedPreview)
	get("/embed/embed.js", eb.handleEmbedAsset)
	get("/embed/embed.css", eb.handleEmbedAsset)
	get("/embed/preview.css", eb.handleEmbedAsset)
	get("/embed/reserve.css", handleReserveCSS)
}

// embedPageData is what embed.html renders.
type embedPageData struct {
	Lang       snippets.Locale
	T          *embedText
	Langs      []pagetext.LangLink
	Partners   []partnerOption
	Components []componentOption
	Raw        embedRaw
	Msg        map[string]fieldMsg
	Code       Code
	Manifest   string
	// The include's and the iframe's outputs and notes, in the order shown (ways.go).
	Include, Frame []outBlock
}

type partnerOption struct {
	ID, Label string
	Selected  bool
}

type componentOption struct {
	Name, Label string
	Checked     bool
}

// handleEmbed serves the builder page.
func (b *embedBuilder) handleEmbed(ctx *fasthttp.RequestCtx) {
	r, err := b.request(ctx)
	if err != nil {
		answer.Write(ctx, b.Log, err)
		return
	}
	code := r.code()
	d := embedPageData{Lang: r.lang, T: r.text, Raw: r.raw, Msg: r.msgs, Code: code, Manifest: "/v1/widget.json"}
	d.Include, d.Frame = r.text.blocks(&code)
	q := code.Query
	if q != "" {
		q += "&"
	}
	for _, l := range snippets.Locales {
		d.Langs = append(d.Langs, pagetext.LangLink{Lang: string(l), Name: embedTexts[l].LangName, Href: "/embed?" + q + "lang=" + string(l), Current: l == r.lang})
	}
	for _, id := range partnerIDs(r.content) {
		d.Partners = append(d.Partners, partnerOption{ID: id, Label: r.content.Partners[id].Name + " (" + id + ")", Selected: id == r.opts.Partner})
	}
	for _, name := range snippets.Components[1:] {
		d.Components = append(d.Components, componentOption{Name: name, Label: r.text.componentLabel(name), Checked: slices.Contains(r.opts.Components, name)})
	}
	var buf bytes.Buffer
	if err := b.page.Execute(&buf, d); err != nil {
		answer.Write(ctx, b.Log, err)
		return
	}
	h := &ctx.Response.Header
	h.Set("Content-Security-Policy", CSP)
	h.Set("Content-Language", string(r.lang))
	answer.WriteHTML(ctx, buf.Bytes(), "Accept-Language, Accept-Encoding"+b.originVary(ctx))
}

// originVary is what the code varies on besides the language: the headers the edge's origin was
// read from (Host, and X-Forwarded-Proto from a trusted proxy), as ", …"; "" when the operator
// named the public origin.
func (b *embedBuilder) originVary(ctx *fasthttp.RequestCtx) string {
	if b.PublicOrigin != "" {
		return ""
	}
	return ", " + origin.Vary(ctx, b.TrustedProxies)
}

// handleEmbedCode answers the generated code for the options, as JSON: the page's script asks
// it as the options change. Invalid values are reported per field, with 200: validation is what
// the builder is for.
func (b *embedBuilder) handleEmbedCode(ctx *fasthttp.RequestCtx) {
	r, err := b.request(ctx)
	if err != nil {
		answer.Write(ctx, b.Log, err)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.Response.Header.Set("Vary", "Accept-Language"+b.originVary(ctx))
	if err := answer.WriteJSON(ctx, fasthttp.StatusOK, r.code()); err != nil {
		answer.Write(ctx, b.Log, err)
	}
}

// previewData is what preview.html renders: a partner's page holding exactly the placeholders
// and tag the builder writes (with a relative src: it is this edge), embedded as it recommends.
// The builder's preview and the console's draft preview are this one page.
type previewData struct {
	PageLang, Lang, Heading, Note string
	// Reserve is the stylesheet of the reservation rule the builder writes for the options.
	Reserve              string
	Top, Content, Script template.HTML
}

// renderPreview answers with the preview page of r's options around the widget at src, under
// the preview's CSP.
func renderPreview(ctx *fasthttp.RequestCtx, log *slog.Logger, r *embedRequest, src, heading, note, vary string) {
	a, err := loadEmbedAssets()
	if err != nil {
		answer.Write(ctx, log, err)
		return
	}
	name := r.opts.Partner
	if p := r.content.Partners[r.opts.Partner]; p != nil && p.Name != "" {
		name = p.Name
	}
	d := previewData{PageLang: r.opts.Locale, Lang: string(r.lang), Heading: words.Format(heading, name), Note: note,
		// Built by this file from validated values, every attribute escaped.
		Top:     template.HTML(r.opts.placeholders(true, "")),
		Content: template.HTML(r.opts.placeholders(false, "")),
		Script:  template.HTML(scriptTag(src, "", r.opts.attrs())),
		Reserve: "/embed/reserve.css?" + url.Values{"components": {strings.Join(r.opts.Components, ",")},
			"resources": {strconv.Itoa(r.featured(r.content.Partners[r.opts.Partner]))}}.Encode(),
	}
	if d.PageLang == "" {
		d.PageLang = string(r.lang)
	}
	var buf bytes.Buffer
	if err := a.preview.Execute(&buf, d); err != nil {
		answer.Write(ctx, log, err)
		return
	}
	ctx.Response.Header.Set("Content-Security-Policy", PreviewCSP)
	answer.WriteHTML(ctx, buf.Bytes(), vary)
}

// PreviewPage answers with the preview page of the options in the query (validated as the
// builder validates them, against content) around the widget at src: the builder's preview,
// and the console's draft previews with a draft's content and widget.
func PreviewPage(ctx *fasthttp.RequestCtx, log *slog.Logger, content *snippets.Loaded, src, heading, note, vary string) {
	lang := pagetext.Lang(ctx)
	r := &embedRequest{lang: lang, text: embedTexts[lang], content: content, now: time.Now()}
	r.parse(ctx.QueryArgs())
	renderPreview(ctx, log, r, src, heading, note, vary)
}

// handleEmbedPreview serves the page the builder frames: the real widget with the options, or
// with ?way=include the banner fragment included as a server would.
func (b *embedBuilder) handleEmbedPreview(ctx *fasthttp.RequestCtx) {
	r, err := b.request(ctx)
	if err != nil {
		answer.Write(ctx, b.Log, err)
		return
	}
	if string(ctx.QueryArgs().Peek("way")) == "include" {
		b.handleIncludePreview(ctx, r)
		return
	}
	renderPreview(ctx, b.Log, r, "/v1/widget.js", r.text.PreviewHeading, r.text.PreviewNote, "Accept-Language, Accept-Encoding")
}

// handleReserveCSS serves the reservation rule for ?components= and ?resources= (how many are
// featured), which the preview page links: the preview reserves the space as the builder tells
// partners to. Unknown components are left out; the count is kept within 0-100.
func handleReserveCSS(ctx *fasthttp.RequestCtx) {
	args := ctx.QueryArgs()
	var comps []string
	for _, c := range strings.Split(string(args.Peek("components")), ",") {
		if slices.Contains(snippets.Components, c) {
			comps = append(comps, c)
		}
	}
	n, _ := strconv.Atoi(string(args.Peek("resources")))
	ctx.Response.Header.Set("Cache-Control", "public, max-age=300")
	ctx.SetContentType("text/css; charset=utf-8")
	ctx.SetBodyString(widget.ReserveCSS(comps, min(max(n, 0), 100)))
}

// handleEmbedAsset serves the builder's script and stylesheets.
func (b *embedBuilder) handleEmbedAsset(ctx *fasthttp.RequestCtx) {
	switch string(ctx.Path()) {
	case "/embed/embed.js":
		b.js.Serve(ctx)
	case "/embed/embed.css":
		b.css.Serve(ctx)
	case "/embed/preview.css":
		b.prevCSS.Serve(ctx)
	default:
		answer.Write(ctx, b.Log, answer.ErrNotFound)
	}
}
