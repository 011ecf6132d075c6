package server

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
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

//go:embed pages/embed.html pages/embed.js pages/embed.css pages/preview.html pages/preview.css
var embedFiles embed.FS

// embedCSP is pageCSP plus frames from this origin (the preview), and no more.
const embedCSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// previewCSP is as strict as a partner's page with the builder's lines. The preview is framed in a
// sandbox without allow-same-origin (so it cannot reach the builder, and the edge refuses any
// feedback it sends: its Origin is "null"); 'self' still names the edge, the URL's origin.
const previewCSP = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// Length limits of the values echoed back into the form: longer ones are cut.
const (
	maxEmbedValue = 100
	maxEmbedURL   = 2000
)

type embedBuilder struct {
	s *Server
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
	if a.page, err = template.ParseFS(embedFiles, "pages/embed.html"); err != nil {
		return nil, err
	}
	if a.preview, err = template.ParseFS(embedFiles, "pages/preview.html"); err != nil {
		return nil, err
	}
	m := minify.New()
	m.Add("text/css", &css.Minifier{})
	m.Add("text/javascript", &js.Minifier{Version: web.ESVersion})
	for _, f := range []struct {
		dst               **asset.Asset
		name, mime, ctype string
	}{
		{&a.js, "pages/embed.js", "text/javascript", web.ContentTypeJS},
		{&a.css, "pages/embed.css", "text/css", "text/css; charset=utf-8"},
		{&a.prevCSS, "pages/preview.css", "text/css", "text/css; charset=utf-8"},
	} {
		src, err := embedFiles.ReadFile(f.name)
		if err != nil {
			return nil, err
		}
		if f.name == "pages/preview.css" {
			// The preview page is embedded as the builder recommends: space reserved.
			src = append(src, widget.ReserveCSS(snippets.Components)...)
		}
		out, err := m.Bytes(f.mime, src)
		if err != nil {
			return nil, fmt.Errorf("minify %s: %w", f.name, err)
		}
		*f.dst = asset.New(out, f.ctype, "public, max-age=300")
	}
	return a, nil
})

// mustEmbedBuilder returns the builder of s for routes(). Its assets are compiled into the
// binary: a failure to load them is a broken build, which the tests catch.
func mustEmbedBuilder(s *Server) *embedBuilder {
	a, err := loadEmbedAssets()
	if err != nil {
		panic("embed builder: " + err.Error())
	}
	return &embedBuilder{s: s, embedAssets: a}
}

// embedOptions are the validated choices: what goes into the data-* attributes. Empty means
// "not set" (the widget then uses the partner's default).
type embedOptions struct {
	Partner    string
	Components []string // always with the banner, in snippets.Components order
	Locale     string
	Region     string
	Accent     string
	Exit       string
}

// embedRaw is what the request asked for, trimmed and cut short: echoed into the form (always
// as escaped text) so that a partner can correct a typo.
type embedRaw struct {
	Partner, Locale, Region, Accent, Exit string
}

// fieldMsg is a message shown beside a field: level "error" (the value is not used), "warning"
// (the value is not used, though well-formed) or "note".
type fieldMsg struct {
	Level string `json:"level"`
	Text  string `json:"text"`
}

// embedCode is the generated code, the answer of /embed/code.
type embedCode struct {
	Pinned       string              `json:"pinned"`
	Evergreen    string              `json:"evergreen"`
	Placeholders string              `json:"placeholders"`
	Reserve      string              `json:"reserve"`
	CSP          string              `json:"csp"`
	Noscript     string              `json:"noscript"`
	Preview      string              `json:"preview"`
	Query        string              `json:"query"`
	Fields       map[string]fieldMsg `json:"fields"`
	Hints        map[string]string   `json:"hints"`
}

// embedRequest is one request's view: language, origin, options, and the code they give.
type embedRequest struct {
	lang    snippets.Locale
	text    *embedText
	origin  string
	st      *state
	content *snippets.Loaded
	opts    embedOptions
	raw     embedRaw
	msgs    map[string]fieldMsg
}

var errBadHost = &web.Error{Status: fasthttp.StatusBadRequest, Code: "bad_host", Field: "Host",
	Message: "the Host header is not a host name or address: the builder cannot name this edge's origin"}

func (b *embedBuilder) request(ctx *fasthttp.RequestCtx) (*embedRequest, error) {
	origin, ok := b.origin(ctx)
	if !ok {
		return nil, errBadHost
	}
	st := b.s.state.Load()
	lang := web.Lang(ctx)
	r := &embedRequest{lang: lang, text: embedTexts[lang], origin: origin, st: st, content: st.content}
	r.parse(ctx.QueryArgs())
	return r, nil
}

// origin is this edge's origin as the client reached it, for the tags and CSP lines: the Host
// header, and the scheme of the connection. A plain-HTTP request is taken to have come through
// a TLS-terminating proxy (https), except on a loopback host (http, for `make run`), or when a
// trusted proxy (EDGE_TRUSTED_PROXIES) says otherwise in X-Forwarded-Proto. An untrusted
// client's X-Forwarded-Proto is ignored, as its X-Forwarded-For is.
func (b *embedBuilder) origin(ctx *fasthttp.RequestCtx) (string, bool) {
	// The Host header as sent: fasthttp's parsed host would take "edge@evil.example" for a
	// user and a host.
	if !web.ValidHost(ctx.Request.Header.Host()) {
		return "", false
	}
	host := strings.ToLower(string(ctx.Request.Header.Host()))
	scheme := "https"
	switch {
	case ctx.IsTLS():
	case b.trustedProxy(ctx):
		if p := forwardedProto(ctx); p != "" {
			scheme = p
		} else if web.LoopbackHost(host) {
			scheme = "http"
		}
	case web.LoopbackHost(host):
		scheme = "http"
	}
	return scheme + "://" + host, true
}

func (b *embedBuilder) trustedProxy(ctx *fasthttp.RequestCtx) bool {
	if len(b.s.cfg.TrustedProxies) == 0 {
		return false
	}
	a, ok := ctx.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return false
	}
	ip, ok := netip.AddrFromSlice(a.IP)
	return ok && b.s.cfg.TrustedProxies.Trusted(ip)
}

// forwardedProto is the first X-Forwarded-Proto value when it is http or https, else "".
func forwardedProto(ctx *fasthttp.RequestCtx) string {
	v, _, _ := strings.Cut(string(ctx.Request.Header.Peek("X-Forwarded-Proto")), ",")
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "http", "https":
		return v
	}
	return ""
}

var accentPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// parse validates the query. A value that fails is kept for the form (escaped) and left out of
// every generated tag, with a message saying why.
func (r *embedRequest) parse(args *fasthttp.Args) {
	t, c := r.text, r.content
	r.msgs = map[string]fieldMsg{}
	get := func(name string, limit int) string {
		v := strings.ToValidUTF8(strings.TrimSpace(string(args.Peek(name))), "")
		if len(v) > limit {
			v = strings.ToValidUTF8(v[:limit], "")
		}
		return v
	}
	ids := partnerIDs(c)
	r.raw.Partner = get("partner", maxEmbedValue)
	switch {
	case r.raw.Partner != "" && c.Partners[r.raw.Partner] != nil:
		r.opts.Partner = r.raw.Partner
	case len(ids) > 0:
		r.opts.Partner = ids[0]
		if r.raw.Partner != "" {
			r.msgs["partner"] = fieldMsg{"error", t.ErrorPrefix + fmt.Sprintf(t.MsgPartner, ids[0])}
		}
	}
	partner := c.Partners[r.opts.Partner]

	// Components: every value of ?components=, each a comma list. Absent (a fresh page): the
	// partner's. The banner is always on; unknown names are ignored.
	chosen := map[string]bool{"banner": true}
	if args.Has("components") {
		for _, v := range args.PeekMulti("components") {
			for name := range strings.SplitSeq(string(v), ",") {
				chosen[strings.TrimSpace(name)] = true
			}
		}
	} else if partner != nil {
		for _, name := range partner.Components {
			chosen[name] = true
		}
	}
	for _, name := range snippets.Components {
		if chosen[name] {
			r.opts.Components = append(r.opts.Components, name)
		}
	}

	r.raw.Locale = get("locale", maxEmbedValue)
	switch l := strings.ToLower(r.raw.Locale); l {
	case "":
	case "en", "fr":
		r.opts.Locale = l
	default:
		r.msgs["locale"] = fieldMsg{"error", t.ErrorPrefix + t.MsgLocale}
	}

	r.raw.Region = get("region", maxEmbedValue)
	if code, ok, err := snippets.ParseRegion(r.raw.Region); err != nil {
		r.msgs["region"] = fieldMsg{"error", t.ErrorPrefix + t.MsgRegion}
	} else if ok {
		r.opts.Region = code
		switch e := c.RegionEntry(code); {
		case e == "":
			r.msgs["region"] = fieldMsg{"note", t.NotePrefix + fmt.Sprintf(t.MsgRegionNone, code)}
		case e != code:
			r.msgs["region"] = fieldMsg{"note", t.NotePrefix + fmt.Sprintf(t.MsgRegionCountry, code, e)}
		}
	}

	r.raw.Accent = get("accent", maxEmbedValue)
	switch a := strings.ToLower(r.raw.Accent); {
	case a == "":
	case !accentPattern.MatchString(a):
		r.msgs["accent"] = fieldMsg{"error", t.ErrorPrefix + t.MsgAccent}
	default:
		if ratio := contrastOnWhite(a); ratio < 4.5 {
			// Cut, not rounded: 4.49 must not read as 4.5.
			s := strconv.FormatFloat(math.Floor(ratio*100)/100, 'f', 2, 64)
			if r.lang == snippets.French {
				s = strings.Replace(s, ".", ",", 1)
			}
			r.msgs["accent"] = fieldMsg{"warning", t.WarningPrefix + fmt.Sprintf(t.MsgContrast, s)}
		} else {
			r.opts.Accent = a
		}
	}

	r.raw.Exit = get("exit", maxEmbedURL)
	if r.raw.Exit != "" {
		if u, ok := httpURL(r.raw.Exit); ok {
			r.opts.Exit = u
		} else {
			r.msgs["exit"] = fieldMsg{"error", t.ErrorPrefix + t.MsgExit}
		}
	}
}

// httpURL returns s normalized when it is an absolute http or https URL with a host and no
// credentials, the only exit URLs the widget follows.
func httpURL(s string) (string, bool) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	host := u.Hostname()
	if host == "" || !web.ValidHost([]byte(u.Host)) {
		return "", false
	}
	return u.String(), true
}

// contrastOnWhite is the WCAG contrast ratio of #rrggbb on white, computed as the widget does.
func contrastOnWhite(hex string) float64 {
	var l [3]float64
	for i := range l {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 1.05 / (0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2] + 0.05)
}

func partnerIDs(c *snippets.Loaded) []string {
	ids := make([]string, 0, len(c.Partners))
	for id := range c.Partners {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// attrs is the data-* attributes of the options, escaped, in the embed contract's order.
func (o embedOptions) attrs() string {
	var b strings.Builder
	for _, a := range [...][2]string{
		{"data-partner", o.Partner},
		{"data-locale", o.Locale},
		{"data-region", o.Region},
		{"data-components", strings.Join(o.Components, ",")},
		{"data-exit-url", o.Exit},
		{"data-accent", o.Accent},
	} {
		if a[1] != "" {
			b.WriteString(" " + a[0] + `="` + web.EscapeHTML(a[1]) + `"`)
		}
	}
	return b.String()
}

// scriptTag writes the embed: src, the integrity pair when pinned, then the options.
func scriptTag(src, integrity, attrs string) string {
	tag := `<script async src="` + web.EscapeHTML(src) + `"`
	if integrity != "" {
		tag += ` integrity="` + web.EscapeHTML(integrity) + `" crossorigin="anonymous"`
	}
	return tag + "\n " + attrs + "></script>"
}

// query is the builder URL's query for the raw values (the language apart): the state a page
// reload or a shared link comes back to.
func (r *embedRequest) query() string {
	v := url.Values{}
	for _, p := range [...][2]string{{"partner", r.opts.Partner}, {"locale", r.raw.Locale}, {"region", r.raw.Region},
		{"accent", r.raw.Accent}, {"exit", r.raw.Exit}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	v["components"] = r.opts.Components
	return v.Encode()
}

// previewURL is the preview page for the valid options only.
func (r *embedRequest) previewURL() string {
	v := url.Values{"lang": {string(r.lang)}, "partner": {r.opts.Partner}, "components": {strings.Join(r.opts.Components, ",")}}
	for _, p := range [...][2]string{{"locale", r.opts.Locale}, {"region", r.opts.Region}, {"accent", r.opts.Accent}, {"exit", r.opts.Exit}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	return "/embed/preview?" + v.Encode()
}

// placeholders is one <div data-signpost> per component chosen: those of the top of the page
// (the banner, quick exit) with top, the others without, each group under its comment when
// comments are given.
func (o embedOptions) placeholders(top bool, comment string) string {
	var b strings.Builder
	if comment != "" {
		b.WriteString("<!-- " + comment + " -->")
	}
	for _, name := range o.Components {
		if (name == "banner" || name == "exit") == top {
			if b.Len() > 0 {
				b.WriteByte('\n')
			}
			b.WriteString(`<div data-signpost="` + name + `"></div>`)
		}
	}
	return b.String()
}

// allPlaceholders is the placeholders output: the top group, then the content group if any.
func (r *embedRequest) allPlaceholders() string {
	s := r.opts.placeholders(true, r.text.PlaceTop)
	if rest := r.opts.placeholders(false, ""); rest != "" {
		s += "\n" + r.opts.placeholders(false, r.text.PlaceContent)
	}
	return s
}

// noscriptFallback links to the operators' worldwide directory with the unknown-region message:
// never a number, since a noscript block cannot know where the visitor is.
func noscriptFallback(c *snippets.Loaded, loc snippets.Locale) string {
	u := c.Unknown
	return "<noscript>\n  <p>" + web.EscapeHTML(u.Message.Get(loc)) + ` <a href="` + web.EscapeHTML(u.DirectoryURL) + `">` +
		web.EscapeHTML(u.DirectoryLabel.Get(loc)) + "</a></p>\n</noscript>"
}

func (r *embedRequest) code() embedCode {
	st := r.st
	attrs := r.opts.attrs()
	loc := snippets.Locale(r.opts.Locale)
	p := r.content.Partners[r.opts.Partner]
	if loc == "" && p != nil && p.Locale != "" {
		loc = p.Locale
	}
	if loc == "" {
		loc = snippets.English
	}
	return embedCode{
		Pinned:       scriptTag(r.origin+st.bundle.Path(), st.bundle.Integrity, attrs),
		Evergreen:    scriptTag(r.origin+"/v1/widget.js", "", attrs),
		Placeholders: r.allPlaceholders(),
		Reserve:      widget.ReserveCSS(r.opts.Components),
		CSP:          "script-src " + r.origin + "\nconnect-src " + r.origin,
		Noscript:     noscriptFallback(r.content, loc),
		Preview:      r.previewURL(),
		Query:        r.query(),
		Fields:       r.msgs,
		Hints:        r.hints(p),
	}
}

// hints say what an empty field means for the partner chosen.
func (r *embedRequest) hints(p *snippets.Partner) map[string]string {
	t := r.text
	h := map[string]string{"region": t.HintRegion + t.DefaultRegionNone, "accent": t.HintAccent + t.DefaultAccentNone,
		"exit": t.HintExit + t.DefaultExitNone}
	if p == nil {
		return h
	}
	if p.Region != "" {
		h["region"] = t.HintRegion + fmt.Sprintf(t.DefaultRegion, p.Region)
	}
	if p.Accent != "" {
		h["accent"] = t.HintAccent + fmt.Sprintf(t.DefaultAccent, p.Accent)
	}
	if p.ExitURL != "" {
		h["exit"] = t.HintExit + fmt.Sprintf(t.DefaultExit, p.ExitURL)
	}
	return h
}

// embedPageData is what embed.html renders.
type embedPageData struct {
	Lang       snippets.Locale
	T          *embedText
	Langs      []web.LangLink
	Partners   []partnerOption
	Components []componentOption
	Raw        embedRaw
	Msg        map[string]fieldMsg
	Code       embedCode
	Manifest   string
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
		web.Write(ctx, b.s.log, err)
		return
	}
	code := r.code()
	d := embedPageData{Lang: r.lang, T: r.text, Raw: r.raw, Msg: r.msgs, Code: code, Manifest: "/v1/widget.json"}
	q := code.Query
	if q != "" {
		q += "&"
	}
	for _, l := range snippets.Locales {
		d.Langs = append(d.Langs, web.LangLink{Lang: string(l), Name: embedTexts[l].LangName, Href: "/embed?" + q + "lang=" + string(l), Current: l == r.lang})
	}
	for _, id := range partnerIDs(r.content) {
		d.Partners = append(d.Partners, partnerOption{ID: id, Label: r.content.Partners[id].Name + " (" + id + ")", Selected: id == r.opts.Partner})
	}
	for _, name := range snippets.Components[1:] {
		d.Components = append(d.Components, componentOption{Name: name, Label: r.text.componentLabel(name), Checked: slices.Contains(r.opts.Components, name)})
	}
	var buf bytes.Buffer
	if err := b.page.Execute(&buf, d); err != nil {
		web.Write(ctx, b.s.log, err)
		return
	}
	h := &ctx.Response.Header
	h.Set("Content-Security-Policy", embedCSP)
	h.Set("Content-Language", string(r.lang))
	web.WriteHTML(ctx, buf.Bytes(), "Accept-Language, Accept-Encoding")
}

// handleEmbedCode answers the generated code for the options, as JSON: the page's script asks
// it as the options change. Invalid values are reported per field, with 200: validation is what
// the builder is for.
func (b *embedBuilder) handleEmbedCode(ctx *fasthttp.RequestCtx) {
	r, err := b.request(ctx)
	if err != nil {
		web.Write(ctx, b.s.log, err)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.Response.Header.Set("Vary", "Accept-Language")
	if err := web.WriteJSON(ctx, fasthttp.StatusOK, r.code()); err != nil {
		web.Write(ctx, b.s.log, err)
	}
}

// previewData is what preview.html renders: a partner's page holding exactly the placeholders
// and tag the builder writes (with a relative src: it is this edge), embedded as it recommends.
// The builder's preview and the console's draft preview are this one page.
type previewData struct {
	PageLang, Lang, Heading, Note string
	Top, Content, Script          template.HTML
}

// renderPreview answers with the preview page of r's options around the widget at src, under
// the preview's CSP.
func renderPreview(ctx *fasthttp.RequestCtx, log *slog.Logger, r *embedRequest, src, heading, note, vary string) {
	a, err := loadEmbedAssets()
	if err != nil {
		web.Write(ctx, log, err)
		return
	}
	name := r.opts.Partner
	if p := r.content.Partners[r.opts.Partner]; p != nil && p.Name != "" {
		name = p.Name
	}
	d := previewData{PageLang: r.opts.Locale, Lang: string(r.lang), Heading: fmt.Sprintf(heading, name), Note: note,
		// Built by this file from validated values, every attribute escaped.
		Top:     template.HTML(r.opts.placeholders(true, "")),
		Content: template.HTML(r.opts.placeholders(false, "")),
		Script:  template.HTML(scriptTag(src, "", r.opts.attrs())),
	}
	if d.PageLang == "" {
		d.PageLang = string(r.lang)
	}
	var buf bytes.Buffer
	if err := a.preview.Execute(&buf, d); err != nil {
		web.Write(ctx, log, err)
		return
	}
	ctx.Response.Header.Set("Content-Security-Policy", previewCSP)
	web.WriteHTML(ctx, buf.Bytes(), vary)
}

// handleEmbedPreview serves the page the builder frames: the real widget with the options.
func (b *embedBuilder) handleEmbedPreview(ctx *fasthttp.RequestCtx) {
	r, err := b.request(ctx)
	if err != nil {
		web.Write(ctx, b.s.log, err)
		return
	}
	renderPreview(ctx, b.s.log, r, "/v1/widget.js", r.text.PreviewHeading, r.text.PreviewNote, "Accept-Encoding")
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
		web.Write(ctx, b.s.log, web.ErrNotFound)
	}
}

// embedText is the builder's copy in one language. Messages with %s take a code or a value.
type embedText struct {
	LangName, LangNav, Title, Heading, Intro                                 string
	Options, Partner, Components                                             string
	CompBanner, CompResources, CompFeedback, CompExit                        string
	Locale, LocalePage, LocaleEN, LocaleFR                                   string
	Region, HintRegion, DefaultRegion, DefaultRegionNone                     string
	Accent, HintAccent, DefaultAccent, DefaultAccentNone                     string
	Exit, HintExit, DefaultExit, DefaultExitNone                             string
	Update, UpdateFailed                                                     string
	Preview, PreviewText, PreviewFrame, PreviewHeading, PreviewNote          string
	Pinned, PinnedText, Evergreen, EvergreenText                             string
	Placeholders, PlaceholdersText, CSP, CSPText, Noscript, NoscriptText     string
	PlaceTop, PlaceContent, Reserve, ReserveText, CopyReserve                string
	Copy, CopyPinned, CopyEvergreen, CopyPlaceholders, CopyCSP, CopyNoscript string
	Copied, Selected                                                         string
	Footer, Manifest                                                         string
	ErrorPrefix, WarningPrefix, NotePrefix                                   string
	MsgPartner, MsgLocale, MsgRegion, MsgRegionNone, MsgRegionCountry        string
	MsgAccent, MsgContrast, MsgExit                                          string
}

func (t *embedText) componentLabel(name string) string {
	switch name {
	case "resources":
		return t.CompResources
	case "feedback":
		return t.CompFeedback
	case "exit":
		return t.CompExit
	}
	return t.CompBanner
}

var embedTexts = map[snippets.Locale]*embedText{
	snippets.English: {
		LangName: "English", LangNav: "Language",
		Title:   "Embed builder · Signpost",
		Heading: "Embed the Signpost widget",
		Intro: "Choose the options for your site and check them in the live preview, then copy the script tag, " +
			"the placeholders and the CSP lines into your pages. The options live in data-* attributes, so the pinned " +
			"tag's integrity hash stays valid whatever you choose.",
		Options: "Options", Partner: "Partner", Components: "Components",
		CompBanner: "Crisis banner (always shown)", CompResources: "Featured resources", CompFeedback: "Feedback form", CompExit: "Quick exit",
		Locale: "Widget language", LocalePage: "Your page's language (html lang), else English", LocaleEN: "English", LocaleFR: "French",
		Region: "Region", HintRegion: "An ISO 3166 code such as CA, CA-QC or GB. Empty: ",
		DefaultRegion:     "the partner's default (%s), unless the visitor's time zone is in another country.",
		DefaultRegionNone: "the country of the visitor's time zone.",
		Accent:            "Accent colour", HintAccent: "#rrggbb, with at least 4.5:1 contrast on white. Empty: ",
		DefaultAccent: "the partner's colour (%s).", DefaultAccentNone: "the widget's own colour.",
		Exit: "Quick exit address", HintExit: "An http or https address. Empty: ",
		DefaultExit: "the partner's (%s).", DefaultExitNone: "a search engine's home page.",
		Update: "Update", UpdateFailed: "The code could not be updated: use the Update button.",
		Preview: "Live preview",
		PreviewText: "The real widget, served by this edge, in a page with a strict Content Security Policy. Feedback sent " +
			"from the preview is refused, never recorded, and quick exit cannot leave it.",
		PreviewFrame: "Preview of the widget", PreviewHeading: "Preview: %s",
		PreviewNote: "A partner page with the placeholders and the script tag from the builder.",
		Pinned:      "Pinned script tag (recommended)",
		PinnedText: "Loads exactly this build, which the browser checks against its integrity hash. It keeps working, and " +
			"its banner stays up to date, when operators change the content.",
		Evergreen:     "Evergreen script tag",
		EvergreenText: "Always the latest build (cached for up to 5 minutes), with no integrity check.",
		Placeholders:  "Placeholders",
		PlaceholdersText: "Put the banner and quick exit first in your page's body, and the others where they should appear. " +
			"Without them, the banner goes first in the body and the other components right after the script tag, and " +
			"your page moves down when they load.",
		PlaceTop: "First in <body>:", PlaceContent: "Where they belong in your content:",
		Reserve: "Space reservation (recommended)",
		ReserveText: "Add this rule to your own stylesheet: it keeps the banner's space while the widget loads, so that " +
			"your page does not move (no layout shift). It needs no 'unsafe-inline'. The banner keeps these heights; only an " +
			"emergency notice adds to them.",
		CopyReserve: " the CSS rule",
		CSP:         "Content Security Policy",
		CSPText: "Add this edge's origin to these two directives of your policy, next to your own sources. The widget needs " +
			"no style-src entry.",
		Noscript: "Without JavaScript",
		NoscriptText: "For visitors without JavaScript: a link to a worldwide directory of crisis lines. It names no number, " +
			"since it cannot know where the visitor is. You may link to your own help page instead.",
		Copy: "Copy", CopyPinned: " the pinned tag", CopyEvergreen: " the evergreen tag", CopyPlaceholders: " the placeholders",
		CopyCSP: " the CSP lines", CopyNoscript: " the fallback",
		Copied: "Copied.", Selected: "Selected: press Ctrl+C (⌘C on a Mac) to copy.",
		Footer: "Served by this Signpost edge.", Manifest: "Pinning manifest",
		ErrorPrefix: "Error: ", WarningPrefix: "Warning: ", NotePrefix: "Note: ",
		MsgPartner:       "unknown partner, so the tags are for %s.",
		MsgLocale:        "choose English or French; left out of the tags.",
		MsgRegion:        "not an ISO 3166 code such as CA or CA-QC; left out of the tags.",
		MsgRegionNone:    "no crisis lines are configured for %s: visitors get the message with no number and the worldwide directory link.",
		MsgRegionCountry: "%s has no entry of its own: visitors get the lines of %s.",
		MsgAccent:        "not a #rrggbb colour; left out of the tags.",
		MsgContrast:      "its contrast on white is %s:1, below the 4.5:1 that WCAG AA requires. The widget would ignore it, so it is left out of the tags.",
		MsgExit:          "not an http or https address; left out of the tags.",
	},
	snippets.French: {
		LangName: "Français", LangNav: "Langue",
		Title:   "Générateur d'intégration · Signpost",
		Heading: "Intégrer le widget Signpost",
		Intro: "Choisissez les options de votre site et vérifiez-les dans l'aperçu en direct, puis copiez la balise de " +
			"script, les espaces réservés et les lignes CSP dans vos pages. Les options sont dans des attributs data-*\u00a0: " +
			"le hachage d'intégrité de la balise épinglée reste valide, quels que soient vos choix.",
		Options: "Options", Partner: "Partenaire", Components: "Composantes",
		CompBanner: "Bandeau d'aide en situation de crise (toujours affiché)", CompResources: "Ressources en vedette",
		CompFeedback: "Formulaire de rétroaction", CompExit: "Sortie rapide",
		Locale: "Langue du widget", LocalePage: "La langue de votre page (html lang), sinon l'anglais", LocaleEN: "Anglais", LocaleFR: "Français",
		Region: "Région", HintRegion: "Un code ISO 3166 comme CA, CA-QC ou GB. Vide\u00a0: ",
		DefaultRegion:     "la région par défaut du partenaire (%s), sauf si le fuseau horaire du visiteur est dans un autre pays.",
		DefaultRegionNone: "le pays du fuseau horaire du visiteur.",
		Accent:            "Couleur d'accent", HintAccent: "#rrggbb, avec un contraste d'au moins 4,5:1 sur blanc. Vide\u00a0: ",
		DefaultAccent: "la couleur du partenaire (%s).", DefaultAccentNone: "la couleur du widget.",
		Exit: "Adresse de la sortie rapide", HintExit: "Une adresse http ou https. Vide\u00a0: ",
		DefaultExit: "celle du partenaire (%s).", DefaultExitNone: "la page d'accueil d'un moteur de recherche.",
		Update: "Mettre à jour", UpdateFailed: "Le code n'a pas pu être mis à jour\u00a0: utilisez le bouton Mettre à jour.",
		Preview: "Aperçu en direct",
		PreviewText: "Le vrai widget, servi par ce serveur, dans une page à politique de sécurité du contenu stricte. La " +
			"rétroaction envoyée depuis l'aperçu est refusée et jamais enregistrée; la sortie rapide ne peut pas le quitter.",
		PreviewFrame: "Aperçu du widget", PreviewHeading: "Aperçu\u00a0: %s",
		PreviewNote: "Une page de partenaire avec les espaces réservés et la balise de script du générateur.",
		Pinned:      "Balise de script épinglée (recommandée)",
		PinnedText: "Charge exactement cette version, que le navigateur vérifie avec son hachage d'intégrité. Elle continue " +
			"de fonctionner, et son bandeau reste à jour, quand les opérateurs modifient le contenu.",
		Evergreen:     "Balise de script toujours à jour",
		EvergreenText: "Toujours la dernière version (en cache jusqu'à 5 minutes), sans vérification d'intégrité.",
		Placeholders:  "Espaces réservés",
		PlaceholdersText: "Placez le bandeau et la sortie rapide au début du corps de la page, et les autres là où elles " +
			"doivent apparaître. Sans eux, le bandeau s'affiche en haut du corps de la page et les autres composantes juste " +
			"après la balise de script, et votre page se déplace vers le bas quand elles se chargent.",
		PlaceTop: "Au début de <body>\u00a0:", PlaceContent: "Là où elles vont dans votre contenu\u00a0:",
		Reserve: "Réservation de l'espace (recommandée)",
		ReserveText: "Ajoutez cette règle à votre propre feuille de style\u00a0: elle garde l'espace du bandeau pendant le " +
			"chargement du widget, pour que votre page ne se déplace pas. Elle ne demande pas 'unsafe-inline'. Le bandeau garde " +
			"ces hauteurs; seul un avis d'urgence s'y ajoute.",
		CopyReserve: " la règle CSS",
		CSP:         "Politique de sécurité du contenu (CSP)",
		CSPText: "Ajoutez l'origine de ce serveur à ces deux directives de votre politique, à côté de vos propres sources. " +
			"Le widget n'a besoin d'aucune entrée style-src.",
		Noscript: "Sans JavaScript",
		NoscriptText: "Pour les visiteurs sans JavaScript\u00a0: un lien vers un répertoire mondial de lignes d'écoute. Il ne " +
			"donne aucun numéro, car il ne peut pas savoir où se trouve le visiteur. Vous pouvez plutôt mettre un lien vers " +
			"votre propre page d'aide.",
		Copy: "Copier", CopyPinned: " la balise épinglée", CopyEvergreen: " la balise toujours à jour",
		CopyPlaceholders: " les espaces réservés", CopyCSP: " les lignes CSP", CopyNoscript: " la solution de repli",
		Copied: "Copié.", Selected: "Sélectionné\u00a0: appuyez sur Ctrl+C (⌘C sur Mac) pour copier.",
		Footer: "Servi par ce serveur Signpost.", Manifest: "Manifeste d'épinglage",
		ErrorPrefix: "Erreur\u00a0: ", WarningPrefix: "Avertissement\u00a0: ", NotePrefix: "Remarque\u00a0: ",
		MsgPartner:       "partenaire inconnu; les balises sont donc pour %s.",
		MsgLocale:        "choisissez l'anglais ou le français; la valeur n'est pas ajoutée aux balises.",
		MsgRegion:        "ce n'est pas un code ISO 3166 comme CA ou CA-QC; il n'est pas ajouté aux balises.",
		MsgRegionNone:    "aucune ligne d'écoute n'est configurée pour %s\u00a0: les visiteurs voient le message sans numéro et le lien vers le répertoire mondial.",
		MsgRegionCountry: "%s n'a pas d'entrée propre\u00a0: les visiteurs voient les lignes de %s.",
		MsgAccent:        "ce n'est pas une couleur #rrggbb; elle n'est pas ajoutée aux balises.",
		MsgContrast:      "son contraste sur blanc est de %s:1, sous le 4,5:1 qu'exigent les WCAG (niveau AA). Le widget l'ignorerait\u00a0: elle n'est donc pas ajoutée aux balises.",
		MsgExit:          "ce n'est pas une adresse http ou https; elle n'est pas ajoutée aux balises.",
	},
}
