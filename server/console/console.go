// Package console serves the operator console's pages: /admin/ and /admin/feedback, one HTML
// shell in the operator's language, and its script and stylesheet (pages/admin, minified at
// startup). It holds no data: the script drives the /v1/admin/ API under the operator's token.
package console

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"sync"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"
	"github.com/valyala/fasthttp"
)

// The operator console (GET /admin/) and the feedback dashboard (GET /admin/feedback): one HTML
// shell and one script, which signs in with an operator token and then drives the same
// /v1/admin/ API a script would. The page holds no secret and no data: everything it shows
// comes from the API under the token the operator typed, so serving it is public.

//go:embed pages/admin
var consoleFiles embed.FS

// Source is one of the console's files as written (Scripts names the scripts).
func Source(name string) ([]byte, error) { return consoleFiles.ReadFile("pages/admin/" + name) }

// CSP is the edge's page policy plus frames from this origin: the live previews of draft content.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
	"frame-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Scripts are concatenated into /admin/console.js in this order: core.js defines
// window.SP, the others register their views on it (each an IIFE).
var Scripts = []string{"core.js", "edit.js", "content.js", "notices.js", "linestatus.js", "lines.js", "recheck.js", "history.js", "audit.js", "dashboard.js"}

// consoleStyles are concatenated into /admin/console.css.
var consoleStyles = []string{"core.css", "dashboard.css"}

// consoleAssets are the shell template and the minified, compressed script and stylesheet:
// the same for every server of the process, so built once.
type consoleAssets struct {
	texts map[snippets.Locale]*consoleText
	copy  map[snippets.Locale]template.JS
	page  *template.Template
	js    *asset.Asset
	css   *asset.Asset
}

// The console's assets change with each deploy at a fixed URL: clients revalidate (a 304 by
// ETag costs a round trip, a stale console after a deploy would cost a confused operator).
const consoleCacheControl = "no-cache"

var loadConsoleAssets = sync.OnceValues(func() (*consoleAssets, error) {
	a := &consoleAssets{texts: map[snippets.Locale]*consoleText{}, copy: map[snippets.Locale]template.JS{}}
	cat, err := loadCatalogue()
	if err != nil {
		return nil, err
	}
	for _, l := range snippets.Locales {
		a.texts[l] = cat.shell(l)
		if a.copy[l], err = cat.pageCopy(l); err != nil {
			return nil, err
		}
	}
	if a.page, err = template.ParseFS(consoleFiles, "pages/admin/admin.html"); err != nil {
		return nil, err
	}
	m := minify.New()
	m.Add("text/css", &css.Minifier{})
	m.Add("text/javascript", &js.Minifier{Version: asset.ESVersion})
	bundle := func(names []string, mime string) ([]byte, error) {
		var out []byte
		for _, name := range names {
			src, err := consoleFiles.ReadFile("pages/admin/" + name)
			if err != nil {
				return nil, err
			}
			// Each file is minified alone so that a syntax error names its file; a newline
			// (or ";") between them keeps one file's last statement from running into the next.
			min, err := m.Bytes(mime, src)
			if err != nil {
				return nil, fmt.Errorf("minify %s: %w", name, err)
			}
			if mime == "text/javascript" && len(min) > 0 {
				min = append(min, ';')
			}
			out = append(append(out, min...), '\n')
		}
		return out, nil
	}
	js, err := bundle(Scripts, "text/javascript")
	if err != nil {
		return nil, err
	}
	css, err := bundle(consoleStyles, "text/css")
	if err != nil {
		return nil, err
	}
	a.js = asset.New(js, answer.ContentTypeJS, consoleCacheControl)
	a.css = asset.New(css, "text/css; charset=utf-8", consoleCacheControl)
	return a, nil
})

// consoleText is the shell's copy in one language (the console.shell.* keys of words/en.json
// and words/fr.json); the script carries the rest.
type consoleText struct {
	LangName, LangNav, Skip, Console, Dashboard, Noscript string
}

// consolePageData is what admin.html renders.
type consolePageData struct {
	Lang snippets.Locale
	T    *consoleText
	// Copy is the script's copy in Lang (catalogue.pageCopy).
	Copy  template.JS
	Title string
	// Page is "console" or "feedback": the view the script opens first.
	Page  string
	Langs []pagetext.LangLink
	// SignIn is {provider, href} of the organisation's identity provider, for the script's
	// "Sign in with {provider}"; empty without one.
	SignIn template.JS
}

// Assets are the console's minified script and stylesheet, as served.
func Assets() (js, css *asset.Asset, err error) {
	a, err := loadConsoleAssets()
	if err != nil {
		return nil, nil, err
	}
	return a.js, a.css, nil
}

// Routes serves the operator console: /admin/ and /admin/feedback and their assets. provider
// names the organisation's identity provider, whose sign-in (startPath) the console offers
// beside the token form; "" offers the token form only.
func Routes(get func(string, fasthttp.RequestHandler), log *slog.Logger, provider, startPath string) {
	a, err := loadConsoleAssets()
	if err != nil {
		// Compiled into the binary: a failure is a broken build, which the tests catch.
		panic("console: " + err.Error())
	}
	o := signIn{provider, startPath}
	get("/admin/", func(ctx *fasthttp.RequestCtx) { handleConsole(ctx, log, a, o, "console", "/admin/") })
	get("/admin/feedback", func(ctx *fasthttp.RequestCtx) { handleConsole(ctx, log, a, o, "feedback", "/admin/feedback") })
	get("/admin/console.js", a.js.Serve)
	get("/admin/console.css", a.css.Serve)
}

// signIn is the organisation's identity provider the console offers, if any.
type signIn struct{ provider, startPath string }

func handleConsole(ctx *fasthttp.RequestCtx, log *slog.Logger, a *consoleAssets, o signIn, page, path string) {
	lang := pagetext.Lang(ctx)
	t := a.texts[lang]
	d := consolePageData{Lang: lang, T: t, Copy: a.copy[lang], Title: t.Console, Page: page}
	if page == "feedback" {
		d.Title = t.Dashboard
	}
	if o.provider != "" {
		b, _ := json.Marshal(map[string]string{"provider": o.provider, "href": o.startPath + "?lang=" + string(lang)})
		d.SignIn = template.JS(b)
	}
	for _, l := range snippets.Locales {
		d.Langs = append(d.Langs, pagetext.LangLink{Lang: string(l), Name: a.texts[l].LangName, Href: path + "?lang=" + string(l), Current: l == lang})
	}
	var buf bytes.Buffer
	if err := a.page.Execute(&buf, d); err != nil {
		answer.Write(ctx, log, err)
		return
	}
	h := &ctx.Response.Header
	h.Set("Content-Security-Policy", CSP)
	h.Set("Content-Language", string(lang))
	answer.WriteHTML(ctx, buf.Bytes(), "Accept-Language, Accept-Encoding")
}
