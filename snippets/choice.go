package snippets

import (
	"slices"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"

	"github.com/signpost/edge/words"
)

// The visitor's own choice of region: the banner offers the entries of the visitor's country
// ("Not in British Columbia? Choose where you are"), and the widget keeps the choice on the
// device, sending it back only as the snippet's region parameter. The server-rendered pages
// offer the same places as plain links.

// ChoiceView is what the banner offers to choose from; nil where the country has one entry.
type ChoiceView struct {
	// Label introduces the list: "Not in British Columbia? Choose where you are".
	Label string `json:"label"`
	// Show is the button that applies a choice, Forget the one that clears it.
	Show   string `json:"show"`
	Forget string `json:"forget"`
	// Places are the country's entries: the country's own first, then its subdivisions by name.
	Places []PlaceView `json:"places"`
}

// PlaceView is one entry a visitor may choose.
type PlaceView struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// choiceWord is a word of the chooser in loc: the "choice.*" keys of words/en.json and fr.json,
// the entry's name at {0}.
func choiceWord(loc Locale, id string, args ...string) string {
	return words.T(string(loc), "choice."+id, args...)
}

// PlaceName is the name of entry code in loc: its name, else the code itself.
func (c *Content) PlaceName(code string, loc Locale) string {
	if r := c.Regions[code]; r != nil && r.Name.Get(loc) != "" {
		return r.Name.Get(loc)
	}
	return code
}

// Choice is what a visitor served by entry key may choose from, in loc: every entry of key's
// country, when there is more than one; nil otherwise (and for the neutral banner).
func (c *Content) Choice(key string, loc Locale) *ChoiceView {
	if len(key) < 2 {
		return nil
	}
	country := key[:2]
	var subs []PlaceView
	for code := range c.Regions {
		if len(code) > 2 && code[:2] == country {
			subs = append(subs, PlaceView{Code: code, Name: c.PlaceName(code, loc)})
		}
	}
	if len(subs) == 0 {
		return nil
	}
	tag := language.English
	if loc == French {
		tag = language.French
	}
	col := collate.New(tag, collate.IgnoreCase, collate.IgnoreDiacritics)
	slices.SortFunc(subs, func(a, b PlaceView) int { return col.CompareString(a.Name, b.Name) })
	v := &ChoiceView{Label: choiceWord(loc, "country"), Show: choiceWord(loc, "show"), Forget: choiceWord(loc, "forget")}
	if len(key) > 2 {
		v.Label = choiceWord(loc, "in", c.PlaceName(key, loc))
	}
	if c.Regions[country] != nil {
		v.Places = append(v.Places, PlaceView{Code: country, Name: choiceWord(loc, "wide", c.PlaceName(country, loc))})
	}
	v.Places = append(v.Places, subs...)
	return v
}
