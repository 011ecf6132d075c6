package snippets

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Safe messaging: the words operators write about suicide. Media guidelines agree that some
// phrases raise the risk for people who read them, or keep the stigma that stops them asking
// for help: "committed suicide" (a crime), "successful attempt" (death as a success), "suicide
// epidemic" (sensational), and any detail of a method (imitation). Each phrase found in a text
// operators write is a warning naming the guideline's reason, not an error: the words may be
// quoted for a reason a list cannot see, and the banner is never held back by them
// (docs/content.md, "Safe messaging").

// The guidelines the warnings name, by the language of the text.
var safeMessagingGuidelines = map[Locale]string{
	English: "Mindframe; #chatsafe; Mindset, Canadian Journalism Forum on Violence and Trauma; WHO, Preventing suicide: a resource for media professionals",
	French:  "Programme Papageno; Mindset, Canadian Journalism Forum on Violence and Trauma; WHO, Preventing suicide: a resource for media professionals",
}

// The formats of the warnings, one for each reason.
const (
	unsafeCrime       = "%q implies a crime: write %s instead (%s)"
	unsafeOutcome     = "%q presents a suicide attempt as a success or a failure: write %s instead (%s)"
	unsafeSensational = "%q sensationalises suicide: write %s instead (%s)"
	unsafeMethod      = "%q describes a method of suicide: leave the method out, since its details can lead to imitation (%s)"
)

// unsafePhrase is one phrase of one language: a pattern over the text as normalised (lower
// case, no accents, straight apostrophes; words apart by any space), the format naming its
// reason and what to write instead, in the text's language ("" for a method).
type unsafePhrase struct {
	pattern *regexp.Regexp
	format  string
	instead string
	// needs are strings of which the folded text holds one wherever the pattern matches: most
	// texts hold none, and a substring search is far cheaper than the pattern (every publish
	// checks every text).
	needs []string
}

// phrase compiles a pattern, whole words only: a space in it is any run of spaces. needs: as
// unsafePhrase's; each alternative of the pattern holds one of them (TestSafeMessaging's
// phrases, found through the filter, check it).
func phrase(pattern, format, instead string, needs ...string) unsafePhrase {
	p := strings.ReplaceAll(pattern, " ", `\s+`)
	return unsafePhrase{regexp.MustCompile(`(?:^|[^\pL\pN])(` + p + `)(?:[^\pL\pN]|$)`), format, instead, needs}
}

// mayMatch: folded holds one of the strings p needs.
func (p unsafePhrase) mayMatch(folded string) bool {
	for _, n := range p.needs {
		if strings.Contains(folded, n) {
			return true
		}
	}
	return len(p.needs) == 0
}

var unsafePhrases = map[Locale][]unsafePhrase{
	English: {
		phrase(`commit(?:s|ted|ting)? (?:a )?suicides?`, unsafeCrime, `"died by suicide" or "took their own life"`, "suicide"),
		phrase(`(?:successful|unsuccessful|failed) (?:suicide )?attempts?`, unsafeOutcome, `"suicide attempt" or "died by suicide"`, "attempt"),
		phrase(`successful suicides?`, unsafeOutcome, `"died by suicide"`, "suicide"),
		phrase(`suicide epidemics?|epidemics? of suicides?`, unsafeSensational, `"rise in suicides" or "suicide rate"`, "epidemic"),
		phrase(`hanging|hanged|hung (?:him|her|them|my|your)sel(?:f|ves)`, unsafeMethod, "", "hang", "hung"),
		phrase(`overdos(?:e|es|ed|ing) on`, unsafeMethod, "", "overdos"),
		phrase(`jump(?:s|ed|ing)? (?:from|off)`, unsafeMethod, "", "jump"),
		phrase(`slit (?:(?:his|her|their|my|your) )?wrists?`, unsafeMethod, "", "wrist"),
		phrase(`(?:shot|poisoned|drowned|gassed|electrocuted) (?:him|her|them|my|your)sel(?:f|ves)`, unsafeMethod, "", "sel"),
	},
	French: {
		phrase(`comm(?:is|ise|ettre|et|ettent|ettait) (?:un |le |son )?suicides?`, unsafeCrime, `« est mort par suicide » ou « a mis fin à ses jours »`, "suicide"),
		phrase(`tentatives? (?:de suicide )?(?:reussie|ratee|echouee|manquee)s?`, unsafeOutcome, `« tentative de suicide » ou « est mort par suicide »`, "tentative"),
		phrase(`suicides? reussis?`, unsafeOutcome, `« est mort par suicide »`, "suicide"),
		phrase(`epidemies? de suicides?`, unsafeSensational, `« hausse des suicides » ou « taux de suicide »`, "epidemie"),
		phrase(`pendaisons?|(?:s'est|se) pendue?s?|se pendre`, unsafeMethod, "", "pend"),
		phrase(`(?:sur|over)doses? (?:de|d'\pL*)`, unsafeMethod, "", "dose"),
		phrase(`(?:s'est|se) jet(?:e|ee|es|ees|er) (?:du|de|des|d'\pL*|sous|par)`, unsafeMethod, "", "jet"),
		phrase(`(?:s'est|se) tir(?:e|ee|er) une balle`, unsafeMethod, "", "balle"),
	},
}

// unsafeFound is a phrase found in a text: as written there, with its format and advice.
type unsafeFound struct {
	Text   string
	format string
	advice string
}

// unsafeIn finds the phrases of loc's list in s, in order, each as written in s.
func unsafeIn(loc Locale, s string) []unsafeFound {
	folded, from, to := fold(s)
	var out []unsafeFound
	for _, p := range unsafePhrases[loc] {
		if !p.mayMatch(folded) {
			continue
		}
		for _, m := range p.pattern.FindAllStringSubmatchIndex(folded, -1) {
			out = append(out, unsafeFound{Text: s[from[m[2]]:to[m[3]-1]], format: p.format, advice: p.instead})
		}
	}
	return out
}

// fold lowers s, drops its accents, straightens its apostrophes and makes every space one
// space; from[i] and to[i] are where the character of folded byte i starts and ends in s.
func fold(s string) (folded string, from, to []int) {
	var b strings.Builder
	b.Grow(len(s))
	from, to = make([]int, 0, len(s)), make([]int, 0, len(s))
	for i, r := range s {
		if r < utf8.RuneSelf && r != ' ' && !unicode.IsSpace(r) {
			// ASCII (most of the text): lower case, no decomposition to look up.
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b.WriteByte(byte(r))
			from, to = append(from, i), append(to, i+1)
			continue
		}
		end := i + utf8.RuneLen(r)
		if r == utf8.RuneError {
			end = i + 1
		}
		var out string
		switch {
		case r == '\u2019' || r == '\u2018' || r == '\u02bc':
			out = "'"
		case unicode.IsSpace(r):
			out = " "
		default:
			for _, d := range norm.NFD.String(string(r)) {
				if !unicode.Is(unicode.Mn, d) {
					out += string(unicode.ToLower(d))
				}
			}
		}
		b.WriteString(out)
		for range len(out) {
			from = append(from, i)
			to = append(to, end)
		}
	}
	return b.String(), from, to
}

// operatorTexts are the texts operators write that visitors read, by field path.
func (c *Content) operatorTexts() []struct {
	path string
	text Text
} {
	type pt = struct {
		path string
		text Text
	}
	var out []pt
	for _, code := range sortedKeys(c.Regions) {
		if r := c.Regions[code]; r != nil {
			p := "regions." + code
			out = append(out, pt{p + ".name", r.Name}, pt{p + ".message", r.Message}, pt{p + ".emergency_note", r.EmergencyNote})
		}
	}
	for _, id := range sortedKeys(c.Lines) {
		if l := c.Lines[id]; l != nil {
			p := "lines." + id
			out = append(out, pt{p + ".name", l.Name}, pt{p + ".call_hint", l.CallHint}, pt{p + ".hours", l.Hours}, pt{p + ".audience", l.Audience}, pt{p + ".status_message", l.StatusMessage})
		}
	}
	out = append(out, pt{"unknown_region.message", c.Unknown.Message}, pt{"unknown_region.directory_label", c.Unknown.DirectoryLabel})
	for i, r := range c.Resources {
		if r != nil {
			p := fmt.Sprintf("resources[%d]", i)
			out = append(out, pt{p + ".title", r.Title}, pt{p + ".summary", r.Summary})
		}
	}
	// Every text of the feedback prompt, by its YAML name: a text added there is read too.
	f := reflect.ValueOf(c.Feedback)
	for i := range f.NumField() {
		if t, ok := f.Field(i).Interface().(Text); ok {
			name, _, _ := strings.Cut(f.Type().Field(i).Tag.Get("yaml"), ",")
			out = append(out, pt{"feedback." + name, t})
		}
	}
	for i, n := range c.Notices {
		if n != nil {
			out = append(out, pt{fmt.Sprintf("notices[%d].message", i), n.Message})
		}
	}
	return out
}

// safeMessaging warns on each unsafe phrase of every text operators write, in the text's own
// language.
func (v *validator) safeMessaging(c *Content) {
	for _, t := range c.operatorTexts() {
		for _, loc := range sortedKeys(t.text) {
			path := t.path + "." + string(loc)
			for _, f := range unsafeIn(loc, t.text[loc]) {
				guide := safeMessagingGuidelines[loc]
				switch f.format {
				case unsafeCrime:
					v.warnf(path, unsafeCrime, f.Text, f.advice, guide)
				case unsafeOutcome:
					v.warnf(path, unsafeOutcome, f.Text, f.advice, guide)
				case unsafeSensational:
					v.warnf(path, unsafeSensational, f.Text, f.advice, guide)
				default:
					v.warnf(path, unsafeMethod, f.Text, guide)
				}
			}
		}
	}
}
