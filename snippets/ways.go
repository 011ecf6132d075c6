package snippets

import (
	"strings"

	"github.com/signpost/edge/words"
)

// The ways into a line a visitor is told about beside it: the languages it answers in, those on
// request, interpreters, and the accessible channels (TTY, video relay, sign language by video).
// One wording, in the one catalogue (words/en.json, fr.json: language.*, ways.*, access.*), for
// the snippet JSON, the widget and the server-rendered pages.

// AccessKinds are the accessible ways in a line may list, with what a visitor reads: the
// "access.<kind>" keys of the one catalogue (words/en.json, words/fr.json). To add a kind: a
// line in both files.
var AccessKinds = accessKinds()

func accessKinds() map[string]Text {
	out := map[string]Text{}
	for _, l := range Locales {
		for k, s := range words.Section(string(l), "access") {
			if out[k] == nil {
				out[k] = Text{}
			}
			out[k][l] = s
		}
	}
	return out
}

// The names of the languages lines answer in are the "language.<code>" keys of words/en.json
// and fr.json. A code without one is shown as itself (and `edge check` warns): add the
// language with its two names. The words around them are the "ways.*" keys.

// hasLanguageName reports whether the catalogue names language code.
func hasLanguageName(code string) bool {
	_, ok := words.Lookup(string(English), "language."+code)
	return ok
}

// LanguageName is the name of language code in loc, or the code itself when it has none.
func LanguageName(code string, loc Locale) string {
	if s, ok := words.Lookup(string(loc), "language."+code); ok {
		return s
	}
	return code
}

// Ways is what a visitor reads about a line's languages and ways in, in loc: "English, French
// · Cree, Ojibway and Inuktut on request · video relay service"; "" when the content states
// none.
func (l *Line) Ways(loc Locale) string {
	way := func(id string, args ...string) string { return words.T(string(loc), "ways."+id, args...) }
	var parts []string
	if len(l.Languages) > 0 {
		parts = append(parts, languageList(l.Languages, loc, ", "))
	}
	if len(l.LanguagesOnRequest) > 0 {
		parts = append(parts, way("onRequest", languageList(l.LanguagesOnRequest, loc, way("and"))))
	}
	if l.Interpreters {
		parts = append(parts, way("interpreters"))
	}
	for _, a := range l.Access {
		if t, ok := AccessKinds[a]; ok {
			parts = append(parts, t.Get(loc))
		}
	}
	return strings.Join(parts, " · ")
}

// languageList names codes in loc, joined by sep, the last two by and (", " and " and " give
// "Cree, Ojibway and Inuktut"); with sep == last, every name is joined alike.
func languageList(codes []string, loc Locale, last string) string {
	var b strings.Builder
	for i, c := range codes {
		switch {
		case i == 0:
		case i == len(codes)-1:
			b.WriteString(last)
		default:
			b.WriteString(", ")
		}
		b.WriteString(LanguageName(c, loc))
	}
	return b.String()
}
