// Package widget builds the browser bundle: the JS and CSS sources embedded in the binary, the
// crisis data of every region baked in (so the banner renders before any request), minified
// with tdewolff/minify and hashed for immutable URLs and Subresource Integrity.
package widget

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"

	"github.com/signpost/edge/words"
)

//go:embed src/base.js src/components.js src/widget.js src/widget.css
var sources embed.FS

// scripts are the widget's source files in the order the bundle joins them (source): the state
// and helpers, the components, then the rendering and the start-up, which comes last.
var scripts = []string{"src/base.js", "src/components.js", "src/widget.js"}

// jsVersion is the ECMAScript version the minifier may target: ES2017 keeps the output
// loadable by every browser that has Shadow DOM, whatever minify's default becomes.
const jsVersion = 2017

// Placeholders in the widget's source (scripts) replaced at build time; each must occur exactly
// once across its files.
const (
	dataToken = "__SIGNPOST_DATA__"
	cssToken  = "__SIGNPOST_CSS__"
	apiToken  = "__SIGNPOST_API__"
	textToken = "__SIGNPOST_TEXT__"
)

// Bundle is one built widget: the minified bytes and the names partners pin them by.
type Bundle struct {
	// JS is the minified script, identity encoding.
	JS []byte
	// Hash is the hex prefix of the SHA-256 of JS used in the immutable URL.
	Hash string
	// Integrity is the SRI value of JS ("sha384-...").
	Integrity string
}

// Path is the immutable URL path of the bundle.
func (b *Bundle) Path() string { return "/v1/widget." + b.Hash + ".js" }

// Build bakes data (the JSON from snippets.Loaded.WidgetData) into the widget and minifies it.
func Build(data []byte) (*Bundle, error) { return BuildAt(data, "/v1") }

// BuildAt is Build for a widget whose snippet, feedback and beacon requests go to api (a path
// on the script's origin, "/v1" for the real one): an operator's draft preview answers them
// from the draft, and stores nothing a visitor did not send.
func BuildAt(data []byte, api string) (*Bundle, error) {
	if !json.Valid(data) {
		return nil, fmt.Errorf("widget data is not valid JSON")
	}
	if !strings.HasPrefix(api, "/") || strings.ContainsAny(api, "\"'<>?#\x00") {
		return nil, fmt.Errorf("widget api path %q is not a plain absolute path", api)
	}
	apiLiteral, err := json.Marshal(api)
	if err != nil {
		return nil, err
	}
	src, err := source()
	if err != nil {
		return nil, err
	}
	style, err := sources.ReadFile("src/widget.css")
	if err != nil {
		return nil, err
	}
	m := minify.New()
	m.Add("text/css", &css.Minifier{})
	m.Add("text/javascript", &js.Minifier{Version: jsVersion})
	style, err = m.Bytes("text/css", style)
	if err != nil {
		return nil, fmt.Errorf("minify widget.css: %w", err)
	}
	cssLiteral, err := json.Marshal(string(style))
	if err != nil {
		return nil, err
	}
	// Fixed order, data last: the data (operator text) is never searched for a token, so text
	// that happens to spell one cannot make the build fail or depend on map iteration order.
	for _, r := range [...]struct {
		token string
		value []byte
	}{{cssToken, cssLiteral}, {apiToken, apiLiteral}, {textToken, textLiteral}, {dataToken, data}} {
		if n := bytes.Count(src, []byte(r.token)); n != 1 {
			return nil, fmt.Errorf("the widget's source holds %s %d times, want once", r.token, n)
		}
		src = bytes.Replace(src, []byte(r.token), r.value, 1)
	}
	out, err := m.Bytes("text/javascript", src)
	if err != nil {
		return nil, fmt.Errorf("minify the widget's script: %w", err)
	}
	// minify decodes \u2028 and \u2029 escapes into the raw characters whatever Version says,
	// and those are a SyntaxError inside string literals before ES2019. They can only occur in
	// strings here, where the escape means the same character.
	out = bytes.ReplaceAll(out, []byte("\u2028"), []byte(`\u2028`))
	out = bytes.ReplaceAll(out, []byte("\u2029"), []byte(`\u2029`))
	sum := sha256.Sum256(out)
	sri := sha512.Sum384(out)
	return &Bundle{
		JS:        out,
		Hash:      hex.EncodeToString(sum[:8]),
		Integrity: "sha384-" + base64.StdEncoding.EncodeToString(sri[:]),
	}, nil
}

// source is the widget's script before its tokens are replaced: the files of scripts, in order,
// in one function run at once, in strict mode. Each file is a script of declarations checked on
// its own (tsc, ESLint); here they share that function's scope, so that the minifier shortens
// their names as it does any local's and nothing but window.Signpost reaches the page.
func source() ([]byte, error) {
	src := []byte("(() => {\n\"use strict\";\n")
	for _, name := range scripts {
		b, err := sources.ReadFile(name)
		if err != nil {
			return nil, err
		}
		src = append(append(src, b...), '\n')
	}
	return append(src, "})();\n"...), nil
}

// Stylesheet is the components' stylesheet as written (src/widget.css), for the banner fragment's
// stylesheet, which is derived from it so that the server-rendered banner looks as the widget's.
func Stylesheet() string {
	b, err := sources.ReadFile("src/widget.css")
	if err != nil {
		panic(err) // embedded at build time
	}
	return string(b)
}

// textLiteral is the widget's words as TEXT holds them (Text), built into every bundle.
var textLiteral = mustText()

func mustText() []byte {
	b, err := Text()
	if err != nil {
		panic(err) // the catalogue is embedded: TestWidgetText reads the same
	}
	return b
}

// Text is the widget's words, the "widget.*" keys of the one catalogue (words/en.json,
// words/fr.json), as the JSON object {"en": {...}, "fr": {...}} that the bundle builder puts in
// place of __SIGNPOST_TEXT__ in src/base.js. A key "<name>.<i>" is the i-th form of the list
// <name> (widget.more.0, .1 and .2: the disclosure's summary for no, one and n more lines).
// The no-JavaScript banner (server/nojs) reads the same keys.
func Text() ([]byte, error) {
	out := map[string]map[string]any{}
	for _, l := range words.Languages {
		m := map[string]any{}
		lists := map[string][]string{}
		for k, s := range words.Section(l, "widget") {
			name, i, ok := strings.Cut(k, ".")
			if !ok {
				m[k] = s
				continue
			}
			n, err := strconv.Atoi(i)
			if err != nil || n < 0 || n > 9 {
				return nil, fmt.Errorf("widget.%s: want widget.<name> or widget.<name>.<0-9>", k)
			}
			for len(lists[name]) <= n {
				lists[name] = append(lists[name], "")
			}
			lists[name][n] = s
		}
		for name, forms := range lists {
			for i, s := range forms {
				if s == "" {
					return nil, fmt.Errorf("widget.%s.%d: missing from the list %s", name, i, name)
				}
			}
			if _, dup := m[name]; dup {
				return nil, fmt.Errorf("widget.%s is both a word and a list", name)
			}
			m[name] = forms
		}
		out[l] = m
	}
	return json.Marshal(out)
}
