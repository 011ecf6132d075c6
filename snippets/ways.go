package snippets

import (
	"strings"

	"github.com/signpost/edge/words"
)

// The ways into a line a visitor is told about beside it: the languages it answers in, those on
// request, interpreters, and the accessible channels (TTY, video relay, sign language by video).
// One wording, here, for the snippet JSON, the widget and the server-rendered pages.

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

// languageNames names the languages lines answer in, in each locale. A code missing here is
// shown as itself (and `edge check` warns): add the language with its two names.
var languageNames = map[string]Text{
	"en": {English: "English", French: "anglais"},
	"fr": {English: "French", French: "français"},
	"es": {English: "Spanish", French: "espagnol"},
	"iu": {English: "Inuktut", French: "inuktut"},
	"cr": {English: "Cree", French: "cri"},
	"oj": {English: "Ojibway", French: "ojibwé"},
	"de": {English: "German", French: "allemand"},
	"it": {English: "Italian", French: "italien"},
	"ja": {English: "Japanese", French: "japonais"},
	"nl": {English: "Dutch", French: "néerlandais"},
	"pt": {English: "Portuguese", French: "portugais"},
	"zh": {English: "Chinese", French: "chinois"},
	"ar": {English: "Arabic", French: "arabe"},
	"pa": {English: "Punjabi", French: "pendjabi"},
	"tl": {English: "Tagalog", French: "tagalog"},
	"hi": {English: "Hindi", French: "hindi"},
	"mi": {English: "Māori", French: "maori"},
	"uk": {English: "Ukrainian", French: "ukrainien"},
	"ru": {English: "Russian", French: "russe"},
	"pl": {English: "Polish", French: "polonais"},
	"ko": {English: "Korean", French: "coréen"},
	"vi": {English: "Vietnamese", French: "vietnamien"},
}

var waysText = map[Locale]struct{ and, onRequest, interpreters string }{
	English: {" and ", "%s on request", "interpreters available"},
	French:  {" et ", "%s sur demande", "interprètes disponibles"},
}

// LanguageName is the name of language code in loc, or the code itself when it has none.
func LanguageName(code string, loc Locale) string {
	if t, ok := languageNames[code]; ok {
		return t.Get(loc)
	}
	return code
}

// Ways is what a visitor reads about a line's languages and ways in, in loc: "English, French
// · Cree, Ojibway and Inuktut on request · video relay service"; "" when the content states
// none.
func (l *Line) Ways(loc Locale) string {
	w, ok := waysText[loc]
	if !ok {
		w = waysText[English]
	}
	var parts []string
	if len(l.Languages) > 0 {
		parts = append(parts, languageList(l.Languages, loc, ", "))
	}
	if len(l.LanguagesOnRequest) > 0 {
		parts = append(parts, strings.Replace(w.onRequest, "%s", languageList(l.LanguagesOnRequest, loc, w.and), 1))
	}
	if l.Interpreters {
		parts = append(parts, w.interpreters)
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
