package snippets_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
)

var canonicalRegion = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)

// FuzzParseParams feeds the same query value to both parameter parsers, as a visitor's browser
// or a scanner might: neither may panic, and whatever they accept is canonical.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{
		"", "fr", "FR", "fr-CA", "fr_CA", "en-GB", "de", "f", "french!", "fr-", "12",
		"fr-CA-toolongsubtag", "CA", "ca-qc", "GB-ENG", "AQ", "CAN", "CA-", "CA-QUEB", "C1",
		"../x", "Cı", "ſE", "CA-ſ", "fr-ÇA", "\x00", "\xff\xfe", strings.Repeat("a", 100),
		"ca-q\u0131",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		loc, ok, err := snippets.ParseLocale(s)
		switch {
		case err != nil:
			var pe *snippets.ParamError
			if !errors.As(err, &pe) || pe.Field != "locale" {
				t.Errorf("ParseLocale(%q) error %v (%T), want a *ParamError for locale", s, err, err)
			}
			if ok || loc != "" {
				t.Errorf("ParseLocale(%q) = %q, %v with an error", s, loc, ok)
			}
		case ok:
			if loc != snippets.English && loc != snippets.French {
				t.Errorf("ParseLocale(%q) = %q, want en or fr", s, loc)
			}
		default:
			if s != "" || loc != "" {
				t.Errorf("ParseLocale(%q) = %q, not ok, no error; only \"\" may do that", s, loc)
			}
		}

		code, ok, err := snippets.ParseRegion(s)
		switch {
		case err != nil:
			var pe *snippets.ParamError
			if !errors.As(err, &pe) || pe.Field != "region" {
				t.Errorf("ParseRegion(%q) error %v (%T), want a *ParamError for region", s, err, err)
			}
			if ok || code != "" {
				t.Errorf("ParseRegion(%q) = %q, %v with an error", s, code, ok)
			}
		case ok:
			if !canonicalRegion.MatchString(code) {
				t.Errorf("ParseRegion(%q) = %q, not a canonical region code", s, code)
			}
			if !strings.EqualFold(code, s) || len(code) != len(s) {
				t.Errorf("ParseRegion(%q) = %q, not the input upper-cased", s, code)
			}
		default:
			if s != "" || code != "" {
				t.Errorf("ParseRegion(%q) = %q, not ok, no error; only \"\" may do that", s, code)
			}
		}
	})
}
