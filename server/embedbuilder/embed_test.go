package embedbuilder_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/widget"
)

func TestEmbedPage(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	r := e.Do(t, "GET", "/embed", nil)
	body := string(r.Body())
	if r.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(r, "Content-Type"), "text/html") {
		t.Fatalf("/embed: %d %s", r.StatusCode(), body)
	}
	if csp := edgetest.Header(r, "Content-Security-Policy"); csp != embedbuilder.CSP {
		t.Errorf("CSP %q", csp)
	}
	for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(embedbuilder.CSP, bad) || strings.Contains(embedbuilder.PreviewCSP, bad) {
			t.Errorf("CSP allows %s", bad)
		}
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") || regexp.MustCompile(`<[^>]*\son[a-z]+=`).MatchString(body) {
		t.Error("inline script, style or event handler: it would break under the page's own CSP")
	}
	if !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Embed the Signpost widget") {
		t.Error("English page expected by default")
	}
	for _, want := range []string{`<option value="demo" selected>Signpost demo (demo)</option>`, `<option value="mhcc">Mental Health Commission of Canada (mhcc)</option>`,
		`src="/embed/embed.js"`, `href="/embed/embed.css"`, `hreflang="fr"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}

	// The outputs are rendered on the server, so the page works without JavaScript, and they
	// are the code the script fetches.
	var m edition.ManifestBody
	if err := json.Unmarshal(e.Do(t, "GET", "/v1/widget.json", nil).Body(), &m); err != nil {
		t.Fatal(err)
	}
	c := edgetest.EmbedCode(t, e, "")
	for id, want := range map[string]string{"out-pinned": c.Pinned, "out-evergreen": c.Evergreen, "out-placeholders": c.Placeholders,
		"out-csp": c.CSP, "out-noscript": c.Noscript} {
		if got := edgetest.Textarea(t, body, id); got != want {
			t.Errorf("%s: page %q, /embed/code %q", id, got, want)
		}
	}
	// A fresh page has the first partner and its components.
	pinned := `<script async src="https://edge.test` + m.URL + `" integrity="` + m.Integrity + `" crossorigin="anonymous"` + "\n" +
		`  data-partner="demo" data-components="banner,resources,feedback,exit"></script>`
	if c.Pinned != pinned {
		t.Errorf("pinned tag\n%s\nwant\n%s", c.Pinned, pinned)
	}
	if want := "<script async src=\"https://edge.test/v1/widget.js\"\n  data-partner=\"demo\" data-components=\"banner,resources,feedback,exit\"></script>"; c.Evergreen != want {
		t.Errorf("evergreen tag %q", c.Evergreen)
	}
	if c.CSP != "script-src https://edge.test\nconnect-src https://edge.test" {
		t.Errorf("CSP lines %q", c.CSP)
	}
	if !strings.Contains(body, `src="`+html.EscapeString(c.Preview)+`"`) || !strings.HasPrefix(c.Preview, "/embed/preview?") {
		t.Errorf("preview frame %q not in the page", c.Preview)
	}
	if !strings.Contains(c.Noscript, `<a href="https://findahelpline.com">Find a crisis line in your country</a>`) ||
		!strings.HasPrefix(c.Noscript, "<noscript>") || strings.Contains(c.Noscript, "tel:") || regexp.MustCompile(`\d{3}`).MatchString(c.Noscript) {
		t.Errorf("noscript fallback must link the directory and name no number: %q", c.Noscript)
	}

	head := e.Do(t, "HEAD", "/embed", nil)
	if head.StatusCode() != 200 || len(head.Body()) != 0 {
		t.Errorf("HEAD /embed: %d, %d bytes", head.StatusCode(), len(head.Body()))
	}
	for path, ct := range map[string]string{"/embed/embed.js": "text/javascript", "/embed/embed.css": "text/css", "/embed/preview.css": "text/css"} {
		a := e.Do(t, "GET", path, nil, "Accept-Encoding", "gzip")
		if a.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(a, "Content-Type"), ct) || edgetest.Header(a, "Content-Encoding") != "gzip" || edgetest.Header(a, "Etag") == "" {
			t.Errorf("%s: %d %q %q", path, a.StatusCode(), edgetest.Header(a, "Content-Type"), edgetest.Header(a, "Content-Encoding"))
		}
	}
}

func TestEmbedOptions(t *testing.T) {
	content := edgetest.Shipped(t)
	e := edgetest.Start(t, edgetest.Options{Content: content})
	q := url.Values{"partner": {"mhcc"}, "locale": {"fr"}, "region": {"ca-qc"}, "components": {"banner", "exit", "resources"},
		"accent": {"#00558C"}, "exit": {"https://example.org/leave?a=1&b=2"}}
	c := edgetest.EmbedCode(t, e, q.Encode())
	want := ` data-partner="mhcc" data-locale="fr" data-region="CA-QC" data-components="banner,resources,exit" data-exit-url="https://example.org/leave?a=1&amp;b=2" data-accent="#00558c"></script>`
	if !strings.HasSuffix(c.Pinned, want) || !strings.HasSuffix(c.Evergreen, want) {
		t.Errorf("tags\n%s\n%s\nwant attributes %s", c.Pinned, c.Evergreen, want)
	}
	if c.Placeholders != "<!-- First in <body>: -->\n<div data-signpost=\"banner\"></div>\n<div data-signpost=\"exit\"></div>\n"+
		"<!-- Where they belong in your content: -->\n<div data-signpost=\"resources\"></div>" {
		t.Errorf("placeholders %q", c.Placeholders)
	}
	// The space reservation: the banner's heights, the quick exit's and the resources' because
	// they are chosen, for the resources the partner features today.
	featured, _ := content.Featured(content.Partners["mhcc"], time.Now())
	if c.Reserve != widget.ReserveCSS([]string{"banner", "resources", "exit"}, len(featured)) || len(featured) == 0 ||
		!strings.Contains(c.Reserve, `[data-signpost="exit"]`) || !strings.Contains(c.Reserve, `[data-signpost="resources"]`) {
		t.Errorf("reserve %q", c.Reserve)
	}
	if b := edgetest.EmbedCode(t, e, "partner=mhcc&components=banner"); strings.Contains(b.Reserve, `"exit"`) || strings.Contains(b.Placeholders, "content") {
		t.Errorf("banner only: reserve %q placeholders %q", b.Reserve, b.Placeholders)
	}
	if len(c.Fields) != 0 {
		t.Errorf("valid options got messages: %v", c.Fields)
	}
	if !strings.Contains(c.Noscript, "Trouver une ligne d'écoute") {
		t.Errorf("noscript in the widget's language: %q", c.Noscript)
	}
	// Comma lists work too (the preview's form), and the banner is on whatever is asked.
	if c := edgetest.EmbedCode(t, e, "partner=demo&components=feedback,nonsense"); !strings.Contains(c.Pinned, `data-components="banner,feedback"`) {
		t.Errorf("components: %s", c.Pinned)
	}
	// The preview embeds exactly these options, under a strict CSP.
	p, err := url.Parse(c.Preview)
	if err != nil {
		t.Fatal(err)
	}
	r := e.Do(t, "GET", p.RequestURI(), nil)
	body := string(r.Body())
	if r.StatusCode() != 200 || edgetest.Header(r, "Content-Security-Policy") != embedbuilder.PreviewCSP {
		t.Fatalf("preview: %d %q", r.StatusCode(), edgetest.Header(r, "Content-Security-Policy"))
	}
	reserve := "/embed/reserve.css?components=banner%2Cresources%2Cexit&amp;resources=" + strconv.Itoa(len(featured))
	for _, want := range []string{`<html lang="fr">`, `<script async src="/v1/widget.js"` + "\n " + want, `<div data-signpost="exit"></div>`, "Mental Health Commission of Canada",
		`<link rel="stylesheet" href="` + reserve + `">`} {
		if !strings.Contains(body, want) {
			t.Errorf("preview lacks %s:\n%s", want, body)
		}
	}
	// The preview reserves the space as the builder tells partners to: its reservation rule.
	if css := e.Do(t, "GET", html.UnescapeString(reserve), nil); css.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(css, "Content-Type"), "text/css") || string(css.Body()) != c.Reserve {
		t.Errorf("preview's reservation: %d %q\n%s\nwant\n%s", css.StatusCode(), edgetest.Header(css, "Content-Type"), css.Body(), c.Reserve)
	}
	if css := e.Do(t, "GET", "/embed/reserve.css?components=banner,feedback,nonsense&resources=-3", nil); string(css.Body()) != widget.ReserveCSS([]string{"banner", "feedback"}, 0) {
		t.Errorf("reservation for unknown components and a negative count:\n%s", css.Body())
	}

	// Notes: a subdivision served by its country; a region with no entry.
	if c := edgetest.EmbedCode(t, e, "region=US-NY"); c.Fields["region"].Level != "note" || !strings.Contains(c.Fields["region"].Text, "lines of US") || !strings.Contains(c.Pinned, `data-region="US-NY"`) {
		t.Errorf("US-NY: %+v", c.Fields)
	}
	if c := edgetest.EmbedCode(t, e, "region=AQ"); c.Fields["region"].Level != "note" || !strings.Contains(c.Pinned, `data-region="AQ"`) {
		t.Errorf("AQ: %+v", c.Fields)
	}
	// Hints follow the partner's defaults.
	if c := edgetest.EmbedCode(t, e, "partner=mhcc"); !strings.Contains(c.Hints["region"], "(CA)") || !strings.Contains(c.Hints["accent"], "#00558c") {
		t.Errorf("hints %v", c.Hints)
	}
}

// TestEmbedContrast checks the accent rule against WCAG values: #767676 is the lightest grey with
// 4.5:1 on white, #777777 fails it.
func TestEmbedContrast(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, tc := range []struct {
		accent, level string
	}{{"#767676", ""}, {"#777777", "warning"}, {"#ffff00", "warning"}, {"#000000", ""}, {"#00558c", ""}} {
		c := edgetest.EmbedCode(t, e, "accent="+url.QueryEscape(tc.accent))
		if got := c.Fields["accent"].Level; got != tc.level {
			t.Errorf("%s: %q (%s), want %q", tc.accent, got, c.Fields["accent"].Text, tc.level)
		}
		if in := strings.Contains(c.Pinned, `data-accent="`+tc.accent+`"`); in != (tc.level == "") {
			t.Errorf("%s: in the tag %v", tc.accent, in)
		}
	}
	c := edgetest.EmbedCode(t, e, "accent=%23777777&lang=fr")
	if !strings.Contains(c.Fields["accent"].Text, "4,47:1") {
		t.Errorf("French ratio: %q", c.Fields["accent"].Text)
	}
}

// TestEmbedBadValues: hostile or malformed values are refused (never in a tag or the preview)
// and never come back as markup.
func TestEmbedBadValues(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	q := url.Values{"partner": {`"><img src=x onerror=alert(1)>`}, "locale": {`<b>fr</b>`}, "region": {"x<y"}, "accent": {"red"},
		"exit": {"javascript:alert(1)"}, "components": {`banner,<script>alert(2)</script>`}}
	c := edgetest.EmbedCode(t, e, q.Encode())
	for _, f := range []string{"partner", "locale", "region", "accent", "exit"} {
		if c.Fields[f].Level != "error" {
			t.Errorf("%s: want an error, got %+v", f, c.Fields[f])
		}
	}
	for _, out := range []string{c.Pinned, c.Evergreen, c.Placeholders, c.Preview, c.Noscript, c.CSP} {
		for _, bad := range []string{"data-region", "data-accent", "data-exit-url", "data-locale", "javascript", "alert", "<y", "onerror", "red"} {
			if strings.Contains(out, bad) {
				t.Errorf("generated code holds %q: %s", bad, out)
			}
		}
	}
	if !strings.Contains(c.Pinned, `data-partner="demo"`) {
		t.Errorf("an unknown partner falls back to the first: %s", c.Pinned)
	}

	r := e.Do(t, "GET", "/embed?"+q.Encode(), nil)
	body := string(r.Body())
	if r.StatusCode() != 200 {
		t.Fatalf("%d %s", r.StatusCode(), body)
	}
	for _, bad := range []string{"<y", "<img", "onerror=alert", "<b>", "<script>alert", "alert(2)", `href="javascript`, `src="javascript`} {
		if strings.Contains(body, bad) {
			t.Errorf("page reflects %q as markup", bad)
		}
	}
	// Values a partner typed come back for correction, as escaped attribute values only.
	for _, want := range []string{`id="region" name="region" value="x&lt;y"`, `id="accent" name="accent" value="red"`,
		`id="exit" name="exit" value="javascript:alert(1)"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if n := strings.Count(body, "javascript:alert(1)"); n != 1 {
		t.Errorf("javascript: URL appears %d times, want once (the field's value)", n)
	}
	if n := strings.Count(body, `aria-invalid="true"`); n != 5 {
		t.Errorf("%d fields marked invalid, want 5", n)
	}

	p := e.Do(t, "GET", "/embed/preview?"+q.Encode(), nil)
	pbody := string(p.Body())
	for _, bad := range []string{"data-region", "data-accent", "data-exit-url", "javascript", "<y", "onerror", "<b>"} {
		if strings.Contains(pbody, bad) {
			t.Errorf("preview holds %q", bad)
		}
	}
	// Over-long values are cut, never echoed whole.
	long := strings.Repeat("A", 5000)
	if body := string(e.Do(t, "GET", "/embed?region="+long, nil).Body()); strings.Contains(body, long[:embedbuilder.MaxValue+1]) {
		t.Error("a 5,000-character region is echoed whole")
	}
}

func TestEmbedLanguage(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, tc := range []struct {
		uri, acceptLanguage, want string
	}{
		{"/embed", "", "en"},
		{"/embed?lang=fr", "", "fr"},
		{"/embed", "fr-CA,fr;q=0.9,en;q=0.8", "fr"},
		{"/embed", "en;q=0.5, fr;q=0.9", "fr"},
		{"/embed", "de-DE, en;q=0.3", "en"},
		{"/embed", "fr;q=0", "en"},
		{"/embed?lang=en", "fr", "en"},
		{"/embed?lang=xx", "fr", "fr"},
	} {
		r := e.Do(t, "GET", tc.uri, nil, "Accept-Language", tc.acceptLanguage)
		body := string(r.Body())
		if !strings.Contains(body, `<html lang="`+tc.want+`">`) || edgetest.Header(r, "Content-Language") != tc.want {
			t.Errorf("%s with Accept-Language %q: want %s", tc.uri, tc.acceptLanguage, tc.want)
		}
		if !strings.Contains(edgetest.Header(r, "Vary"), "Accept-Language") {
			t.Error("no Vary: Accept-Language")
		}
	}
	body := string(e.Do(t, "GET", "/embed?lang=fr&region=x", nil).Body())
	for _, want := range []string{"Intégrer le widget Signpost", "Erreur", `<a href="/embed?components=banner&amp;components=resources&amp;components=feedback&amp;components=exit&amp;partner=demo&amp;region=x&amp;lang=en" hreflang="en"`} {
		if !strings.Contains(body, want) {
			t.Errorf("French page lacks %s", want)
		}
	}
}

// TestEmbedOrigin: tags name the edge as the client reached it; X-Forwarded-Proto counts only
// from a trusted proxy.
func TestEmbedOrigin(t *testing.T) {
	proxies, err := clientaddr.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{TrustedProxies: proxies}})
	for _, tc := range []struct {
		from, host, proto, want string
	}{
		{"192.0.2.1", "127.0.0.1:8080", "", "http://127.0.0.1:8080"},
		{"192.0.2.1", "localhost:8080", "", "http://localhost:8080"},
		{"192.0.2.1", "[::1]:8080", "", "http://[::1]:8080"},
		{"192.0.2.1", "Edge.Example.org", "", "https://edge.example.org"},
		{"192.0.2.1", "edge.example.org", "http", "https://edge.example.org"}, // untrusted client
		{"192.0.2.1", "localhost:8080", "https", "http://localhost:8080"},     // untrusted client
		{"10.1.2.3", "edge.example.org", "http", "http://edge.example.org"},
		{"10.1.2.3", "localhost:8080", "https", "https://localhost:8080"},
		{"10.1.2.3", "edge.example.org", "gopher", "https://edge.example.org"},
	} {
		r := e.GetAs(t, tc.from, tc.host, "/embed/code", "X-Forwarded-Proto", tc.proto)
		var c embedbuilder.Code
		if err := json.Unmarshal(r.Body(), &c); err != nil {
			t.Fatalf("%s: %d %s", tc.host, r.StatusCode(), r.Body())
		}
		if want := "script-src " + tc.want + "\nconnect-src " + tc.want; c.CSP != want {
			t.Errorf("from %s, Host %s, X-Forwarded-Proto %q: %q, want origin %s", tc.from, tc.host, tc.proto, c.CSP, tc.want)
		}
	}
	for _, host := range []string{`x"y`, "a b", "evil.example/<script>", "-bad.example"} {
		r := e.GetAs(t, "192.0.2.1", host, "/embed")
		if r.StatusCode() != 400 || strings.Contains(string(r.Body()), "<script") {
			t.Errorf("Host %q: %d %s", host, r.StatusCode(), r.Body())
		}
	}
}

// TestEmbedSize reports the builder's weight as sent: HTML, script and stylesheet, gzip.
func TestEmbedSize(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	total, gz := 0, 0
	for _, path := range []string{"/embed", "/embed/embed.js", "/embed/embed.css"} {
		plain := e.Do(t, "GET", path, nil).Body()
		r := e.Do(t, "GET", path, nil, "Accept-Encoding", "gzip")
		if edgetest.Header(r, "Content-Encoding") != "gzip" {
			t.Fatalf("%s is not sent gzipped", path)
		}
		body, err := r.BodyGunzip()
		if err != nil || string(body) != string(plain) {
			t.Fatalf("%s: gzip body does not decode to the page (%v)", path, err)
		}
		t.Logf("%s: %d bytes, %d gzip", path, len(plain), len(r.Body()))
		total += len(plain)
		gz += len(r.Body())
	}
	t.Logf("embed builder: %d bytes, %d gzip (HTML + JS + CSS)", total, gz)
	// No budget is set for the builder; the console's, 30 KiB, is a fair bound.
	if gz > 30<<10 {
		t.Errorf("the builder weighs %d bytes gzip, over 30 KiB", gz)
	}
}
