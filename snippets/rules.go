package snippets

import (
	"math"
	"strconv"
)

// The rules a browser applies too. The edge computes them and hands the result to the pages
// it serves (the console gets IDPattern, the builder checks accents here); the widget, which
// must work offline from its baked data and the page's data-accent, has its own copy of
// RegionEntry (entry) and Accent (accent), proved identical by one table of cases both run
// (testdata/rules.json: TestRules here, TestWidgetRules in widget/).

// IDPattern is the shape of every content id (partners, lines, resources, notices): lower-case
// letters, digits and hyphens, at most 63, not starting with a hyphen. A JavaScript RegExp
// reads it alike.
const IDPattern = `^[a-z0-9][a-z0-9-]{0,62}$`

// ValidID reports whether id has the shape of a content id.
func ValidID(id string) bool { return idPattern.MatchString(id) }

// AccentPattern is the shape of a partner's accent colour: #rrggbb.
const AccentPattern = `^#[0-9a-fA-F]{6}$`

// ValidColour reports whether a has the shape of an accent colour.
func ValidColour(a string) bool { return accentPattern.MatchString(a) }

// MinAccentContrast is WCAG AA's contrast for text on white: an accent below it is not used.
const MinAccentContrast = 4.5

// ContrastOnWhite is the WCAG contrast ratio of #rrggbb (AccentPattern) on white.
func ContrastOnWhite(hex string) float64 {
	var l [3]float64
	for i := range l {
		v, _ := strconv.ParseUint(hex[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.03928 {
			l[i] = c / 12.92
		} else {
			l[i] = math.Pow((c+0.055)/1.055, 2.4)
		}
	}
	return 1.05 / (0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2] + 0.05)
}

// Accent is the colour the widget draws with for accent a: a itself when it is #rrggbb with at
// least MinAccentContrast on white, else "" (the widget's own colour).
func Accent(a string) string {
	if !accentPattern.MatchString(a) || ContrastOnWhite(a) < MinAccentContrast {
		return ""
	}
	return a
}
