package embedbuilder

import (
	"bytes"
	"fmt"
	"html/template"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/nojs"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/signpost/edge/words"
	"github.com/valyala/fasthttp"
)

// The two ways without the partner running our script: a server-side include of the banner
// fragment (GET /v1/banner/{partner}.html) and an iframe of the framable page (GET
// /v1/frame/{partner}). As for the script tag, every piece of code is written here.

// IncludePreviewCSP is the include preview's policy: a partner page with the fragment, and no
// script at all.
const IncludePreviewCSP = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

// The frame page's heights, measured in Chromium (document height of /v1/frame/{partner} for
// every shipped partner, region and language, the longest kept): on a phone (390 px wide) and
// from widget.Breakpoint up, where resource cards go two to a row. An emergency notice, or more
// resources featured later, make the page longer: the frame then scrolls.
const (
	framePhoneBanner, frameWideBanner     = 160, 108 // the banner and the page's padding
	frameExit                             = 52
	framePhoneFeedback, frameWideFeedback = 600, 530
	framePhoneCard, frameWideRow          = 250, 275 // one card on a phone; a row of two cards
)

// frameHeights are the frame's heights for the components chosen and n resources featured.
func frameHeights(components []string, n int) (phone, wide int) {
	phone, wide = framePhoneBanner, frameWideBanner
	if slices.Contains(components, "exit") {
		phone, wide = phone+frameExit, wide+frameExit
	}
	if slices.Contains(components, "feedback") {
		phone, wide = phone+framePhoneFeedback, wide+frameWideFeedback
	}
	if slices.Contains(components, "resources") {
		phone, wide = phone+n*framePhoneCard, wide+(n+1)/2*frameWideRow
	}
	return phone, wide
}

// locale is the language the fragment and frame are drawn in: the option, else the partner's,
// else English (the snippets API's rule without a browser to ask).
func (r *embedRequest) locale(p *snippets.Partner) snippets.Locale {
	loc := snippets.Locale(r.opts.Locale)
	if loc == "" && p != nil && p.Locale != "" {
		loc = p.Locale
	}
	if loc == "" {
		loc = snippets.English
	}
	return loc
}

// wayQuery is the fragment's and frame's query for the valid options: commas and slashes left
// as they are, which a query may hold, so that the URL reads as written.
func (r *embedRequest) wayQuery(frame bool) string {
	pairs := [][2]string{{"region", r.opts.Region}, {"locale", r.opts.Locale}}
	if frame {
		pairs = append(pairs, [2]string{"components", strings.Join(r.opts.Components, ",")}, [2]string{"page", "/"})
	}
	var q []string
	for _, p := range pairs {
		if p[1] != "" {
			v := strings.NewReplacer("%2C", ",", "%2F", "/").Replace(url.QueryEscape(p[1]))
			q = append(q, p[0]+"="+v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.Join(q, "&")
}

// phpString quotes s for a single-quoted PHP string.
func phpString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// accentRule is the rule that gives the fragment the partner's accent: the fragment has no
// inline style, so the colour comes from the partner's own stylesheet, more specific than
// /v1/banner.css's .signpost.
func accentRule(accent string) string {
	if accent == "" {
		return ""
	}
	return "html .signpost { --sp-accent: " + accent + " !important; }\n"
}

// FrameSandbox is the sandbox of the iframe the builder writes: what the frame page needs and no
// more. allow-forms sends its feedback form; allow-same-origin keeps the frame at the edge's
// origin, so that the form's post carries that origin, which the edge requires (without it the
// frame's origin is opaque and its post says "Origin: null", which the edge refuses); with no
// script allowed (the page has none), it gives the frame nothing over the partner's page.
// allow-top-navigation-by-user-activation lets the quick exit and the call, text and resource
// links, which open in the top page, do so when the visitor taps them (and only then).
const FrameSandbox = "allow-forms allow-same-origin allow-top-navigation-by-user-activation"

// ways fills c's include and iframe outputs.
func (r *embedRequest) ways(c *Code, p *snippets.Partner) {
	t, loc := r.text, r.locale(p)
	id := url.PathEscape(r.opts.Partner)
	fragment := r.origin + "/v1/banner/" + id + ".html" + r.wayQuery(false)
	fallback := directoryLink(r.content, loc)

	c.Fragment = fragment
	if r.public {
		c.FragmentLinks = words.Format(t.FragmentLinksPublic, r.origin)
	} else {
		c.FragmentLinks = words.Format(t.FragmentLinksHost, r.origin)
	}
	sni := ""
	if strings.HasPrefix(r.origin, "https:") {
		sni = "    proxy_ssl_server_name on;\n"
	}
	c.SSI = "# " + t.SSIConf + "\nlocation = /signpost-banner {\n    internal;\n    proxy_pass " + fragment + ";\n" +
		"    proxy_set_header Accept-Encoding \"\";\n" + sni + "    proxy_connect_timeout 2s;\n    proxy_read_timeout 2s;\n}\n" +
		"# " + t.SSIOn + "\nssi on;\n\n<!-- " + t.SSIPage + " -->\n" +
		`<!--# block name="signpost_fallback" -->` + fallback + "<!--# endblock -->\n" +
		`<!--# include virtual="/signpost-banner" stub="signpost_fallback" -->`
	c.ESI = "<!-- " + t.ESIPage + " -->\n" + `<esi:include src="` + fragment + `" onerror="continue"/>`
	c.PHP = "<?php\n// " + t.PHPComment + "\n$signpost = @file_get_contents(" + phpString(fragment) +
		", false, stream_context_create(['http' => ['timeout' => 2]]));\necho $signpost !== false ? $signpost : " +
		phpString(fallback) + ";\n?>"
	c.WordPress = "<?php\n// " + t.WPComment + "\n$signpost_url = " + phpString(fragment) + ";\n" +
		"$signpost = get_transient('signpost_' . md5($signpost_url));\nif ($signpost === false) {\n" +
		"    $response = wp_remote_get($signpost_url, array('timeout' => 2));\n" +
		"    if (!is_wp_error($response) && wp_remote_retrieve_response_code($response) === 200) {\n" +
		"        $signpost = wp_remote_retrieve_body($response);\n" +
		"        set_transient('signpost_' . md5($signpost_url), $signpost, 60);\n    }\n}\n" +
		"echo $signpost ? $signpost : " + phpString(fallback) + ";\n?>"
	accent := r.opts.Accent
	if accent == "" && p != nil {
		accent = p.Accent
	}
	c.IncludeCSS = widget.ReserveCSS([]string{"banner"}, 0) + accentRule(accent)
	c.IncludeCSP = "style-src " + r.origin
	v := url.Values{"lang": {string(r.lang)}, "partner": {r.opts.Partner}, "way": {"include"}}
	for _, p := range [...][2]string{{"locale", r.opts.Locale}, {"region", r.opts.Region}} {
		if p[1] != "" {
			v.Set(p[0], p[1])
		}
	}
	c.IncludePreview = "/embed/preview?" + v.Encode()

	frame := "/v1/frame/" + id + r.wayQuery(true)
	phone, wide := frameHeights(r.opts.Components, r.featured(p))
	// Its title is the frame page's own, in the widget's language; its sandbox is FrameSandbox.
	c.Iframe = `<iframe src="` + answer.EscapeHTML(r.origin+frame) + `" title="` + answer.EscapeHTML(pagetext.Get("nojs.Title", loc)) +
		`"` + "\n " + fmt.Sprintf(` class="signpost-frame" height="%d" loading="eager" referrerpolicy="no-referrer"`, phone) +
		"\n " + ` sandbox="` + FrameSandbox + `"></iframe>`
	c.IframeCSS = "/* " + t.FrameCSSComment + " */\n" +
		fmt.Sprintf("iframe.signpost-frame { display: block; width: 100%%; height: %dpx; border: 0; }\n", phone) +
		fmt.Sprintf("@media (min-width: %dpx) {\n  iframe.signpost-frame { height: %dpx; }\n}\n", widget.Breakpoint, wide)
	c.IframeCSP = "frame-src " + r.origin
	c.IframePreview = frame
}

// handleIncludePreview serves the include's preview: a partner page that holds the banner
// fragment of the options, as a server-side include puts it there, with no script.
func (b *embedBuilder) handleIncludePreview(ctx *fasthttp.RequestCtx, r *embedRequest) {
	p := r.content.Partners[r.opts.Partner]
	if p == nil {
		answer.Write(ctx, b.Log, answer.ErrNotFound)
		return
	}
	region := r.opts.Region
	if region == "" {
		region = p.Region
	}
	loc := r.locale(p)
	frag, _, err := nojs.Fragment(r.content, p, loc, r.content.RegionEntry(region), "", r.now)
	if err != nil {
		answer.Write(ctx, b.Log, err)
		return
	}
	name := p.ID
	if p.Name != "" {
		name = p.Name
	}
	d := previewData{PageLang: string(loc), Lang: string(r.lang), Heading: words.Format(r.text.PreviewHeading, name),
		Note: r.text.IncludePreviewNote,
		// The fragment as the edge serves it: rendered by server/nojs, every value escaped.
		Top: template.HTML(frag)}
	var buf bytes.Buffer
	if err := b.preview.Execute(&buf, d); err != nil {
		answer.Write(ctx, b.Log, err)
		return
	}
	ctx.Response.Header.Set("Content-Security-Policy", IncludePreviewCSP)
	answer.WriteHTML(ctx, buf.Bytes(), "Accept-Language, Accept-Encoding")
}

// now is the builder's clock: Deps.Now, else the system's.
func (b *embedBuilder) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

// outBlock is one output of the page's include and iframe sections (pages/ways.html): a
// heading, what it is for, and the code with its copy button; a note has no code.
type outBlock struct {
	ID, Way, Heading, Text, Value, Copy, CopyWhat string
	Rows                                          int
	Note                                          bool
}

// blocks are the include's and the iframe's outputs of c, in the order shown.
func (t *embedText) blocks(c *Code) (include, frame []outBlock) {
	out := func(id, way, heading, text, value, copyWhat string) outBlock {
		return outBlock{ID: id, Way: way, Heading: heading, Text: text, Value: value, Copy: t.Copy, CopyWhat: copyWhat,
			Rows: strings.Count(value, "\n") + 1, Note: value == ""}
	}
	include = []outBlock{
		out("fragment", "h-include", t.Fragment, t.FragmentText, c.Fragment, t.CopyFragment),
		out("fragment_links", "h-include", t.FragmentLinks, c.FragmentLinks, "", ""),
		out("ssi", "h-include", t.SSI, t.SSIText, c.SSI, t.CopySSI),
		out("esi", "h-include", t.ESI, t.ESIText, c.ESI, t.CopyESI),
		out("php", "h-include", t.PHP, t.PHPText, c.PHP, t.CopyPHP),
		out("wordpress", "h-include", t.WordPress, t.WordPressText, c.WordPress, t.CopyWordPress),
		out("template", "h-include", t.Template, t.TemplateText, "", ""),
		out("include_css", "h-include", t.IncludeCSS, t.IncludeCSSText, c.IncludeCSS, t.CopyIncludeCSS),
		out("include_csp", "h-include", t.CSP, t.IncludeCSPText, c.IncludeCSP, t.CopyIncludeCSP),
		out("takeover", "h-include", t.Takeover, t.TakeoverText, "", ""),
	}
	frame = []outBlock{
		out("iframe", "h-iframe", t.FrameTag, t.FrameTagText, c.Iframe, t.CopyFrame),
		out("iframe_css", "h-iframe", t.FrameCSS, t.FrameCSSText, c.IframeCSS, t.CopyFrameCSS),
		out("iframe_csp", "h-iframe", t.CSP, t.FrameCSPText, c.IframeCSP, t.CopyFrameCSP),
	}
	return include, frame
}
