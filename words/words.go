// Package words is the one catalogue of every string a person reads that the edge writes
// itself (content is the operators'): en.json and fr.json, one flat JSON object per language,
// the same keys in both, "<section>.<key>" (builder.Title, console.core.signin,
// error.not_found, problem.unknown_resource, widget.crisis), each value a string with its
// arguments at {0}, {1}, ... in the order the caller gives them.
//
// To add a string: a line in en.json and the same key in fr.json, with the same {N} in both;
// `go generate ./words` puts both files back in their canonical form (keys sorted, one a
// line), which TestCatalogue checks with the rest (same keys, same placeholders, no printf
// verb, no empty value).
//
// Sections: builder, preview, report and nojs (the pages rendered in Go, through
// server/pagetext), console.<section> (the operator console: server/console), error (the API's
// refusals, by message id: server/answer.Messages), problem (the validator's problems, by code:
// snippets), access (a crisis line's accessible ways in: snippets.AccessKinds) and widget (the
// widget's own words, generated into its bundle, which the no-JavaScript banner shares).
//
// The package imports only the standard library, so the domain and every server package may
// use it.
package words

//go:generate go test -run TestCanonical -args -write

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

//go:embed en.json fr.json
var files embed.FS

// Languages are the languages of the catalogue, English first: the one a missing language
// falls back to.
var Languages = []string{"en", "fr"}

// catalogue is every file read: language -> key -> template.
var catalogue = mustLoad()

func mustLoad() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range Languages {
		m, err := read(l)
		if err != nil {
			panic(err) // embedded at build time: TestCatalogue reads the same files
		}
		out[l] = m
	}
	return out
}

// read parses one language's file.
func read(lang string) (map[string]string, error) {
	b, err := files.ReadFile(lang + ".json")
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("words: %s.json: %w", lang, err)
	}
	return m, nil
}

// of is the catalogue of lang, English for any language it does not have.
func of(lang string) map[string]string {
	if m, ok := catalogue[lang]; ok {
		return m
	}
	return catalogue["en"]
}

// Lookup is the template of id in lang (English for a language the catalogue lacks), and
// whether the catalogue has it.
func Lookup(lang, id string) (string, bool) {
	s, ok := of(lang)[id]
	return s, ok
}

// T is id in lang with args at its places {0}, {1}, ...; "" when the catalogue has no id.
func T(lang, id string, args ...string) string {
	return Render(of(lang)[id], args)
}

// Section is every key under prefix ("console.core", "error") in lang, by the rest of its
// name ("signin", "not_found.partner"), unrendered.
func Section(lang, prefix string) map[string]string {
	out := map[string]string{}
	p := prefix + "."
	for k, v := range of(lang) {
		if rest, ok := strings.CutPrefix(k, p); ok {
			out[rest] = v
		}
	}
	return out
}

// Keys are the catalogue's keys, sorted (the same in every language: TestCatalogue).
func Keys() []string { return slices.Sorted(maps.Keys(catalogue["en"])) }

// Render puts args in tpl's places {0}, {1}, ...; a place without an argument, and braces
// around anything but digits, stay as they are.
func Render(tpl string, args []string) string {
	if !strings.Contains(tpl, "{") {
		return tpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(tpl[i+1 : i+j])
		if err != nil || n < 0 || n >= len(args) || tpl[i+1] == '+' || tpl[i+1] == '-' {
			b.WriteString(tpl[:i+j+1])
		} else {
			b.WriteString(tpl[:i])
			b.WriteString(args[n])
		}
		tpl = tpl[i+j+1:]
	}
	b.WriteString(tpl)
	return b.String()
}

// Format is Render with each argument written as fmt.Sprint writes it (numbers in digits).
func Format(tpl string, args ...any) string {
	s := make([]string, len(args))
	for i, a := range args {
		s[i] = fmt.Sprint(a)
	}
	return Render(tpl, s)
}

// Canonical is a language's file as it is kept: one key a line, sorted, no HTML escaping, and
// the invisible spaces (no-break, narrow no-break) written as escapes so that an editor shows
// them.
func Canonical(m map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	e.SetIndent("", " ")
	if err := e.Encode(m); err != nil {
		return nil, err
	}
	out := bytes.ReplaceAll(buf.Bytes(), []byte("\u00a0"), []byte(`\u00a0`))
	return bytes.ReplaceAll(out, []byte("\u202f"), []byte(`\u202f`)), nil
}
