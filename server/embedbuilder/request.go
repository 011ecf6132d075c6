package embedbuilder

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/origin"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/signpost/edge/words"
	"github.com/valyala/fasthttp"
)

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

// Code is the generated code, the answer of /embed/code.
type Code struct {
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
	// The server-side include (ways.go): the fragment's URL, the includes for nginx SSI, ESI,
	// PHP and WordPress, the rules for the partner's stylesheet (space, accent), the CSP line,
	// and the include's preview.
	Fragment string `json:"fragment"`
	// FragmentLinks says what the partner's server sends and gets: the origin the fragment's
	// links name, and whether that depends on the name it fetches the edge under.
	FragmentLinks  string `json:"fragment_links"`
	SSI            string `json:"ssi"`
	ESI            string `json:"esi"`
	PHP            string `json:"php"`
	WordPress      string `json:"wordpress"`
	IncludeCSS     string `json:"include_css"`
	IncludeCSP     string `json:"include_csp"`
	IncludePreview string `json:"include_preview"`
	// The iframe: the tag, the rule that sizes it, the CSP line, and the frame page itself.
	Iframe        string `json:"iframe"`
	IframeCSS     string `json:"iframe_css"`
	IframeCSP     string `json:"iframe_csp"`
	IframePreview string `json:"iframe_preview"`
}

// embedRequest is one request's view: language, origin, options, and the code they give.
type embedRequest struct {
	lang   snippets.Locale
	text   *embedText
	origin string
	// public: origin is the operator's (EDGE_PUBLIC_ORIGIN), not the request's.
	public  bool
	bundle  *widget.Bundle
	content *snippets.Loaded
	now     time.Time
	opts    embedOptions
	raw     embedRaw
	msgs    map[string]fieldMsg
}

func (b *embedBuilder) request(ctx *fasthttp.RequestCtx) (*embedRequest, error) {
	reqOrigin, ok := origin.Of(ctx, b.TrustedProxies)
	if !ok {
		return nil, origin.ErrBadHost
	}
	if b.PublicOrigin != "" {
		reqOrigin = b.PublicOrigin
	}
	content, bundle := b.CurrentContent()
	lang := pagetext.Lang(ctx)
	r := &embedRequest{lang: lang, text: embedTexts[lang], origin: reqOrigin, public: b.PublicOrigin != "", bundle: bundle, content: content, now: b.now()}
	r.parse(ctx.QueryArgs())
	return r, nil
}

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
	r.raw.Partner = get("partner", MaxValue)
	switch {
	case r.raw.Partner != "" && c.Partners[r.raw.Partner] != nil:
		r.opts.Partner = r.raw.Partner
	case len(ids) > 0:
		r.opts.Partner = ids[0]
		if r.raw.Partner != "" {
			r.msgs["partner"] = fieldMsg{"error", t.ErrorPrefix + words.Format(t.MsgPartner, ids[0])}
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

	r.raw.Locale = get("locale", MaxValue)
	switch l := strings.ToLower(r.raw.Locale); l {
	case "":
	case "en", "fr":
		r.opts.Locale = l
	default:
		r.msgs["locale"] = fieldMsg{"error", t.ErrorPrefix + t.MsgLocale}
	}

	r.raw.Region = get("region", MaxValue)
	if code, ok, err := snippets.ParseRegion(r.raw.Region); err != nil {
		r.msgs["region"] = fieldMsg{"error", t.ErrorPrefix + t.MsgRegion}
	} else if ok {
		r.opts.Region = code
		switch e := c.RegionEntry(code); {
		case e == "":
			r.msgs["region"] = fieldMsg{"note", t.NotePrefix + words.Format(t.MsgRegionNone, code)}
		case e != code:
			r.msgs["region"] = fieldMsg{"note", t.NotePrefix + words.Format(t.MsgRegionCountry, code, e)}
		}
	}

	r.raw.Accent = get("accent", MaxValue)
	switch a := strings.ToLower(r.raw.Accent); {
	case a == "":
	case !snippets.ValidColour(a):
		r.msgs["accent"] = fieldMsg{"error", t.ErrorPrefix + t.MsgAccent}
	default:
		if ratio := snippets.ContrastOnWhite(a); snippets.Accent(a) == "" {
			// Cut, not rounded: 4.49 must not read as 4.5.
			s := strconv.FormatFloat(math.Floor(ratio*100)/100, 'f', 2, 64)
			if r.lang == snippets.French {
				s = strings.Replace(s, ".", ",", 1)
			}
			r.msgs["accent"] = fieldMsg{"warning", t.WarningPrefix + words.Format(t.MsgContrast, s)}
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
	if host == "" || !origin.ValidHost([]byte(u.Host)) {
		return "", false
	}
	return u.String(), true
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
			b.WriteString(" " + a[0] + `="` + answer.EscapeHTML(a[1]) + `"`)
		}
	}
	return b.String()
}

// scriptTag writes the embed: src, the integrity pair when pinned, then the options.
func scriptTag(src, integrity, attrs string) string {
	tag := `<script async src="` + answer.EscapeHTML(src) + `"`
	if integrity != "" {
		tag += ` integrity="` + answer.EscapeHTML(integrity) + `" crossorigin="anonymous"`
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
	return "<noscript>\n  " + directoryLink(c, loc) + "\n</noscript>"
}

// directoryLink is the unknown-region message and the worldwide directory link, in a <p>: what
// a page shows when it cannot know where the visitor is, or the edge cannot answer.
func directoryLink(c *snippets.Loaded, loc snippets.Locale) string {
	u := c.Unknown
	return "<p>" + answer.EscapeHTML(u.Message.Get(loc)) + ` <a href="` + answer.EscapeHTML(u.DirectoryURL) + `">` +
		answer.EscapeHTML(u.DirectoryLabel.Get(loc)) + "</a></p>"
}

func (r *embedRequest) code() Code {
	attrs := r.opts.attrs()
	p := r.content.Partners[r.opts.Partner]
	loc := r.locale(p)
	c := Code{
		Pinned:       scriptTag(r.origin+r.bundle.Path(), r.bundle.Integrity, attrs),
		Evergreen:    scriptTag(r.origin+"/v1/widget.js", "", attrs),
		Placeholders: r.allPlaceholders(),
		Reserve:      widget.ReserveCSS(r.opts.Components, r.featured(p)),
		CSP:          "script-src " + r.origin + "\nconnect-src " + r.origin,
		Noscript:     noscriptFallback(r.content, loc),
		Preview:      r.previewURL(),
		Query:        r.query(),
		Fields:       r.msgs,
		Hints:        r.hints(p),
	}
	r.ways(&c, p)
	return c
}

// featured is how many resources the widget shows for the options today: the partner's
// featured resources inside their date window, when resources are chosen.
func (r *embedRequest) featured(p *snippets.Partner) int {
	if p == nil || !slices.Contains(r.opts.Components, "resources") {
		return 0
	}
	rs, _ := r.content.Featured(p, r.now)
	return len(rs)
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
		h["region"] = t.HintRegion + words.Format(t.DefaultRegion, p.Region)
	}
	if p.Accent != "" {
		h["accent"] = t.HintAccent + words.Format(t.DefaultAccent, p.Accent)
	}
	if p.ExitURL != "" {
		h["exit"] = t.HintExit + words.Format(t.DefaultExit, p.ExitURL)
	}
	return h
}
