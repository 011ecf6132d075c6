package console

import (
	"encoding/json"
	"fmt"
	"html/template"
	"maps"
	"slices"
	"strings"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/words"
)

// catalogue is the console's words: the "console.<section>.<key>" keys of the one catalogue
// (words/en.json, words/fr.json), by section ("shell" for admin.html, "core" for the keys every
// script shares, then one per view, "notes" for the notes the edge writes in the history) and
// key, English and French side by side; arguments of SP.t at {0}, {1}, ... To add a string: a
// line "console.<section>.<key>" in both files, read with t("key") in the view's script (SP.t
// for "core").
type catalogue map[string]map[string]map[snippets.Locale]string

// loadCatalogue reads the console's sections of the catalogue (words.TestCatalogue checks
// that every key has both languages with the same places); a key not of the shape
// "<section>.<key>" is an error.
func loadCatalogue() (catalogue, error) {
	c := catalogue{}
	for _, l := range snippets.Locales {
		for k, s := range words.Section(string(l), "console") {
			sec, key, ok := strings.Cut(k, ".")
			if !ok || key == "" || strings.Contains(key, ".") {
				return nil, fmt.Errorf("words: console.%s: want console.<section>.<key>", k)
			}
			if c[sec] == nil {
				c[sec] = map[string]map[snippets.Locale]string{}
			}
			if c[sec][key] == nil {
				c[sec][key] = map[snippets.Locale]string{}
			}
			c[sec][key][l] = s
		}
	}
	return c, nil
}

// pageCopy is what the page of language l hands its script (SP.copy reads it, in a
// <script type="application/json"> the page carries: only its own language travels): the
// "core" keys as they are and the others as "<section>.<key>" (SP.ns), the shell's left out,
// the notes the edge writes in the history by their English (SP.note);
// in French, the French of the validator's problems by code and of the API's refusals by id,
// which the console translates with (SP.problem, SP.message); and the rules the edge computes
// that the forms apply too (the id pattern), and the words visitors read for a crisis line's
// accessible ways in (snippets.AccessKinds), which the line form labels its boxes with; and the
// deployment's warnings by code.
func (c catalogue) pageCopy(l snippets.Locale) (template.JS, error) {
	d := struct {
		Strings  map[string]string `json:"strings"`
		Problems map[string]string `json:"problems,omitempty"`
		Errors   map[string]string `json:"errors,omitempty"`
		// IDPattern is the rule of content ids, which the forms check before sending.
		IDPattern string `json:"idPattern"`
		// Notes are the notes the edge writes in the history, each as [English, in l].
		Notes [][2]string `json:"notes"`
		// Access is each accessible way in (snippets.AccessKinds) as a visitor reads it in l.
		Access map[string]string `json:"access"`
		// Warnings are the deployment's warnings (words warning.<code>) in l, by code: the
		// console shows those GET /v1/admin/whoami names.
		Warnings map[string]string `json:"warnings"`
	}{Strings: map[string]string{}, IDPattern: snippets.IDPattern, Access: map[string]string{},
		Warnings: words.Section(string(l), "warning")}
	for k, t := range snippets.AccessKinds {
		d.Access[k] = t.Get(l)
	}
	for _, k := range slices.Sorted(maps.Keys(c["notes"])) {
		d.Notes = append(d.Notes, [2]string{c["notes"][k][snippets.English], c["notes"][k][l]})
	}
	for sec, keys := range c {
		if sec == "shell" || sec == "notes" {
			continue
		}
		for k, t := range keys {
			if sec != "core" {
				k = sec + "." + k
			}
			d.Strings[k] = t[l]
		}
	}
	if l == snippets.French {
		d.Problems = map[string]string{}
		for code, t := range snippets.ProblemTemplates() {
			d.Problems[code] = t[snippets.French]
		}
		d.Errors = answer.FrenchMessages()
	}
	// json.Marshal escapes <, > and &: nothing in it can close the script element.
	b, err := json.Marshal(d)
	return template.JS(b), err
}

// shell is the shell's copy in one language.
func (c catalogue) shell(l snippets.Locale) *consoleText {
	s := func(k string) string { return c["shell"][k][l] }
	return &consoleText{LangName: s("langName"), LangNav: s("langNav"), Skip: s("skip"),
		Console: s("console"), Dashboard: s("dashboard"), Noscript: s("noscript")}
}
