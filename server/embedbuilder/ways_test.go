package embedbuilder_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/server/nojs"
	"github.com/signpost/edge/widget"
)

// Tests of the builder's other two ways (issue 14): the server-side include of the banner
// fragment and the iframe of the frame page, beside the script tag.

// TestEmbedWays: /embed/code writes the include and the iframe for the options, each with its
// CSP line, in the builder's language.
func TestEmbedWays(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	q := url.Values{"partner": {"mhcc"}, "locale": {"fr"}, "region": {"ca-qc"}, "components": {"banner,resources,exit"}, "accent": {"#0B4F85"}}
	c := edgetest.EmbedCode(t, e, q.Encode())
	const frag = "https://edge.test/v1/banner/mhcc.html?region=CA-QC&locale=fr"
	if c.Fragment != frag {
		t.Errorf("fragment %q, want %q", c.Fragment, frag)
	}
	for name, want := range map[string]string{
		"ssi": "location = /signpost-banner {\n    internal;\n    proxy_pass " + frag + ";\n    proxy_set_header Accept-Encoding \"\";\n" +
			"    proxy_ssl_server_name on;\n",
		"ssi include": `<!--# include virtual="/signpost-banner" stub="signpost_fallback" -->`,
		"ssi stub":    `<!--# block name="signpost_fallback" --><p>Si vous êtes en danger`,
		"esi":         `<esi:include src="` + frag + `" onerror="continue"/>`,
		"php":         "$signpost = @file_get_contents('" + frag + "', false, stream_context_create(['http' => ['timeout' => 2]]));",
		"php fallback": `echo $signpost !== false ? $signpost : '<p>Si vous êtes en danger, appelez le numéro d\'urgence local. ` +
			`<a href="https://findahelpline.com">Trouver une ligne d\'écoute dans votre pays</a></p>';`,
		"wordpress": "$signpost_url = '" + frag + "';",
		"wp cache":  "set_transient('signpost_' . md5($signpost_url), $signpost, 60);",
	} {
		out := map[string]string{"ssi": c.SSI, "esi": c.ESI, "php": c.PHP, "wordpress": c.WordPress, "wp": c.WordPress}[strings.Fields(name)[0]]
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", name, want, out)
		}
	}
	if c.IncludeCSP != "style-src https://edge.test" || c.IframeCSP != "frame-src https://edge.test" {
		t.Errorf("CSP lines: include %q, iframe %q", c.IncludeCSP, c.IframeCSP)
	}
	// No script in either way: the include needs no script-src, the iframe nothing but frame-src.
	for _, out := range []string{c.SSI, c.ESI, c.PHP, c.WordPress, c.Iframe} {
		if strings.Contains(out, "<script") {
			t.Errorf("a script in %s", out)
		}
	}
	// The include's rule: the banner's space (its root is the placeholder) and the accent.
	if c.IncludeCSS != widget.ReserveCSS([]string{"banner"}, 0)+"html .signpost { --sp-accent: #0b4f85 !important; }\n" {
		t.Errorf("include CSS %q", c.IncludeCSS)
	}
	// The iframe: exact URL (escaped for an attribute), title in the widget's language, the
	// height of banner, exit and the resources featured today.
	iframe := `<iframe src="https://edge.test/v1/frame/mhcc?region=CA-QC&amp;locale=fr&amp;components=banner,resources,exit&amp;page=/" ` +
		`title="Aide en situation de crise et ressources"` + "\n " + ` class="signpost-frame" height="`
	// Sandboxed so that the frame keeps the edge's origin (its form's post must carry it), may
	// send its form and leave for the top page on a tap, and nothing more.
	if !strings.HasPrefix(c.Iframe, iframe) || !strings.HasSuffix(c.Iframe, `" loading="eager" referrerpolicy="no-referrer"`+"\n "+
		` sandbox="allow-forms allow-same-origin allow-top-navigation-by-user-activation"></iframe>`) {
		t.Errorf("iframe\n%s\nwant prefix\n%s", c.Iframe, iframe)
	}
	if c.IframePreview != "/v1/frame/mhcc?region=CA-QC&locale=fr&components=banner,resources,exit&page=/" {
		t.Errorf("iframe preview %q", c.IframePreview)
	}
	h := regexp.MustCompile(`height="(\d+)"`).FindStringSubmatch(c.Iframe)
	if h == nil || !strings.Contains(c.IframeCSS, "iframe.signpost-frame { display: block; width: 100%; height: "+h[1]+"px; border: 0; }") ||
		!strings.Contains(c.IframeCSS, "@media (min-width: 640px)") {
		t.Errorf("iframe height %v, rule %q", h, c.IframeCSS)
	}
	// A banner alone: the frame page's measured heights, phone and wide; no accent chosen: the
	// partner's.
	b := edgetest.EmbedCode(t, e, "partner=demo&components=banner")
	if !strings.Contains(b.Iframe, `height="160"`) || !strings.Contains(b.IframeCSS, "height: 108px;") || !strings.Contains(b.IncludeCSS, "--sp-accent: #00558c !important") {
		t.Errorf("banner only: %s\n%s\n%s", b.Iframe, b.IframeCSS, b.IncludeCSS)
	}
	// No region or locale chosen: the partner's defaults apply, so the URLs carry none, and the
	// builder's language writes the comments.
	d := edgetest.EmbedCode(t, e, "partner=demo&lang=fr")
	if d.Fragment != "https://edge.test/v1/banner/demo.html" || !strings.Contains(d.Iframe, `/v1/frame/demo?components=banner,resources,feedback,exit&amp;page=/"`) {
		t.Errorf("defaults: %s\n%s", d.Fragment, d.Iframe)
	}
	if !strings.Contains(d.SSI, "# nginx, dans votre bloc server") || !strings.Contains(d.IframeCSS, "Cadre Signpost") || !strings.Contains(d.Iframe, `title="Crisis support and resources"`) {
		t.Errorf("French builder, English widget: %s\n%s\n%s", d.SSI, d.IframeCSS, d.Iframe)
	}
	if en := edgetest.EmbedCode(t, e, "partner=demo"); !strings.Contains(en.SSI, "# nginx, in your server block") {
		t.Errorf("English comments: %s", en.SSI)
	}
	// An http origin (a loopback host) needs no SNI line.
	loop := edgetest.Start(t, edgetest.Options{})
	if r := loop.GetAs(t, "192.0.2.1", "localhost:8080", "/embed/code?partner=demo"); strings.Contains(string(r.Body()), "proxy_ssl_server_name") ||
		!strings.Contains(string(r.Body()), "proxy_pass http://localhost:8080/v1/banner/demo.html;") {
		t.Errorf("http origin: %s", r.Body())
	}
}

// TestEmbedWaysPreviews: the include preview holds the fragment the edge serves for the options
// and no script, under a policy without script-src; the iframe preview is the frame page.
func TestEmbedWaysPreviews(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, q := range []string{"partner=mhcc&locale=fr&region=CA-QC", "partner=demo&region=GB", "partner=demo&region=AQ&lang=fr", "partner=mhcc"} {
		c := edgetest.EmbedCode(t, e, q)
		if !strings.HasPrefix(c.IncludePreview, "/embed/preview?") || !strings.Contains(c.IncludePreview, "way=include") {
			t.Fatalf("%s: include preview %q", q, c.IncludePreview)
		}
		r := e.Do(t, "GET", c.IncludePreview, nil)
		body := string(r.Body())
		if r.StatusCode() != 200 || edgetest.Header(r, "Content-Security-Policy") != embedbuilder.IncludePreviewCSP {
			t.Fatalf("%s: include preview %d %q", q, r.StatusCode(), edgetest.Header(r, "Content-Security-Policy"))
		}
		f := e.Do(t, "GET", strings.TrimPrefix(c.Fragment, "https://edge.test"), nil)
		if f.StatusCode() != 200 {
			t.Fatalf("%s: fragment %d", q, f.StatusCode())
		}
		// The preview names the edge's pages on its own origin: the stylesheet, and the frame
		// pages the choice of place leads to.
		frag := strings.ReplaceAll(string(f.Body()), `href="https://edge.test/v1/`, `href="/v1/`)
		if !strings.Contains(body, frag) {
			t.Errorf("%s: the include preview does not hold the fragment\n%s\nin\n%s", q, frag, body)
		}
		if strings.Contains(body, "<script") || strings.Contains(embedbuilder.IncludePreviewCSP, "script-src") {
			t.Errorf("%s: a script in the include preview", q)
		}
		p := e.Do(t, "GET", c.IframePreview, nil)
		if p.StatusCode() != 200 || edgetest.Header(p, "Content-Security-Policy") != nojs.FrameCSP || !strings.Contains(string(p.Body()), `<form class="signpost-fb"`) {
			t.Errorf("%s: iframe preview %s: %d %q", q, c.IframePreview, p.StatusCode(), edgetest.Header(p, "Content-Security-Policy"))
		}
	}
	// The script preview is unchanged by the new parameter's absence or an unknown value.
	if r := e.Do(t, "GET", "/embed/preview?partner=demo&way=other", nil); !strings.Contains(string(r.Body()), `<script async src="/v1/widget.js"`) ||
		edgetest.Header(r, "Content-Security-Policy") != embedbuilder.PreviewCSP {
		t.Errorf("script preview: %s", r.Body())
	}
}

// TestEmbedWaysPage: the builder page renders the three ways without JavaScript (the Update
// button's path): every new output as /embed/code writes it, the previews, and the guidance,
// in English and in French.
func TestEmbedWaysPage(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"partner=mhcc&locale=fr&region=CA-QC&components=banner&components=feedback", []string{"Three ways to embed", "Server-side include",
			`href="#h-iframe"`, "nginx (SSI)", "ESI at a CDN", "WordPress", "Any other template", "With the script tag too", "Good to know"}},
		{"partner=demo&region=GB&lang=fr", []string{`<html lang="fr">`, "Trois façons d&#39;intégrer", "Inclusion côté serveur", "Balise iframe",
			"Tout autre gabarit", "Avec la balise de script en plus", "Bon à savoir"}},
	} {
		r := e.Do(t, "GET", "/embed?"+tc.query, nil)
		body := string(r.Body())
		if r.StatusCode() != 200 {
			t.Fatalf("%s: %d", tc.query, r.StatusCode())
		}
		for _, want := range tc.want {
			if !strings.Contains(body, want) {
				t.Errorf("%s: page lacks %s", tc.query, want)
			}
		}
		c := edgetest.EmbedCode(t, e, tc.query)
		for id, want := range map[string]string{"out-fragment": c.Fragment, "out-ssi": c.SSI, "out-esi": c.ESI, "out-php": c.PHP,
			"out-wordpress": c.WordPress, "out-include_css": c.IncludeCSS, "out-include_csp": c.IncludeCSP, "out-iframe": c.Iframe,
			"out-iframe_css": c.IframeCSS, "out-iframe_csp": c.IframeCSP, "out-pinned": c.Pinned} {
			if got := edgetest.Textarea(t, body, id); got != want {
				t.Errorf("%s: %s: page %q, /embed/code %q", tc.query, id, got, want)
			}
			if !strings.Contains(body, `data-copy="`+id+`"`) {
				t.Errorf("%s: no copy button for %s", tc.query, id)
			}
		}
		for id, src := range map[string]string{"preview": c.Preview, "preview-include": c.IncludePreview, "preview-iframe": c.IframePreview} {
			m := regexp.MustCompile(`<iframe id="` + id + `"[^>]*>`).FindString(body)
			if !strings.Contains(m, ` src="`+strings.ReplaceAll(src, "&", "&amp;")+`"`) || !strings.Contains(m, "sandbox=") || strings.Contains(m, "allow-same-origin") {
				t.Errorf("%s: preview frame %s: %s, want src %s", tc.query, id, m, src)
			}
			// Neither new preview can post a form or run a script inside the builder.
			if id != "preview" && (strings.Contains(m, "allow-forms") || strings.Contains(m, "allow-scripts")) {
				t.Errorf("%s: %s is sandboxed too loosely: %s", tc.query, id, m)
			}
		}
	}
}

// TestEmbedWaysBadValues: refused values reach none of the new outputs.
func TestEmbedWaysBadValues(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	q := url.Values{"partner": {`x'"><img src=x onerror=alert(1)>`}, "locale": {`<b>fr</b>`}, "region": {"x<y"}, "accent": {"red"},
		"exit": {"javascript:alert(1)"}, "components": {`banner,<script>alert(2)</script>`}}
	c := edgetest.EmbedCode(t, e, q.Encode())
	for _, out := range []string{c.Fragment, c.SSI, c.ESI, c.PHP, c.WordPress, c.IncludeCSS, c.IncludeCSP, c.IncludePreview, c.Iframe,
		c.IframeCSS, c.IframeCSP, c.IframePreview} {
		for _, bad := range []string{"alert", "<y", "<img", "<b>", "red", "javascript", "region=", "locale="} {
			if strings.Contains(out, bad) {
				t.Errorf("an output holds %q: %s", bad, out)
			}
		}
	}
	if c.Fragment != "https://edge.test/v1/banner/demo.html" {
		t.Errorf("an unknown partner falls back to the first: %s", c.Fragment)
	}
}
