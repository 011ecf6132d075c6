package snippets

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/internal/fault"
)

// ParamError is a malformed request parameter: a fault.Error of kind Invalid (a 400
// invalid_parameter) naming its field, with the message's id and arguments in the catalogue
// (server/answer), where its words are, in English and French. errors.As finds it as a
// *fault.Error too.
type ParamError fault.Error

// ParamErr is the ParamError of field with message id and arguments.
func ParamErr(field, id string, args ...any) *ParamError {
	return (*ParamError)(fault.E(fault.Invalid, "invalid_parameter", field, id, args...))
}

func (e *ParamError) Error() string {
	return strings.Join(append([]string{e.Field + ": " + e.ID}, e.Args...), " ")
}

// Unwrap is the ParamError as the *fault.Error it is.
func (e *ParamError) Unwrap() error { return (*fault.Error)(e) }

// ParseLocale reads a locale such as "fr", "fr-CA" or "en_GB". A well-formed locale that Signpost
// does not speak falls back to English; a malformed one is an error. ok is false when s is empty.
// It does not retain s.
func ParseLocale(s string) (loc Locale, ok bool, err error) {
	if s == "" {
		return "", false, nil
	}
	primary := s
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		primary = s[:i]
		if !wellFormedSubtags(s[i+1:]) {
			return "", false, ParamErr("locale", "invalid_parameter.locale", strconv.Quote(truncate(s)))
		}
	}
	if len(primary) < 2 || len(primary) > 3 || !isLetters(primary) {
		return "", false, ParamErr("locale", "invalid_parameter.locale", strconv.Quote(truncate(s)))
	}
	for _, l := range Locales {
		if strings.EqualFold(primary, string(l)) {
			return l, true, nil
		}
	}
	return English, true, nil
}

func wellFormedSubtags(s string) bool {
	for part := range strings.SplitSeq(strings.ReplaceAll(s, "_", "-"), "-") {
		if len(part) == 0 || len(part) > 8 {
			return false
		}
		for i := 0; i < len(part); i++ {
			c := part[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return false
			}
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i] | 0x20; c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// ParseRegion reads an ISO 3166-1 alpha-2 code with an optional subdivision ("CA", "ca-qc") and
// returns it in upper case. ok is false when s is empty. It returns s itself when s is already
// canonical, so callers must not retain the result beyond s's lifetime.
func ParseRegion(s string) (code string, ok bool, err error) {
	if s == "" {
		return "", false, nil
	}
	if len(s) > 6 || !isASCII(s) || !regionPattern.MatchString(strings.ToUpper(s)) {
		return "", false, ParamErr("region", "invalid_parameter.region", strconv.Quote(truncate(s)))
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return strings.ToUpper(s), true, nil
		}
	}
	return s, true, nil
}

// isASCII reports whether s is all ASCII: strings.ToUpper maps some other letters to ASCII
// ("ı" to "I", "ſ" to "S"), which would let them pass for a region code.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// truncate shortens s for an error message, on a character boundary, and replaces invalid
// UTF-8 so that the JSON error stays readable.
func truncate(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r := []rune(s); len(r) > 32 {
		return string(r[:32]) + "…"
	}
	return s
}

// RegionEntry returns the key of the region entry that serves code: the code itself, else its
// country ("CA-ON" -> "CA"), else "" (no entry: the neutral banner, never a guessed line). A
// country's entry whose emergency number does not reach the subdivision (9-1-1 and Nunavut)
// never serves it: without the subdivision's own entry, its visitors get the neutral banner.
// The key returned is the content's own string, safe to retain.
func (c *Content) RegionEntry(code string) string {
	if r := c.Regions[code]; r != nil {
		return r.Code
	}
	if len(code) > 2 {
		if r := c.Regions[code[:2]]; r != nil && reaches(r, code) {
			return r.Code
		}
	}
	return ""
}

// reaches reports whether every emergency number of entry r serves the subdivision code.
func reaches(r *Region, code string) bool {
	for _, n := range r.Emergency {
		if Unreached(code, n) {
			return false
		}
	}
	return true
}

// BakedRegions are the region entries the widget bundle carries lines for, sorted: every
// partner's Regions, where a partner that lists none is served from its default region's entry
// and its country's; and, for every country baked, each of its subdivisions whose emergency
// numbers differ from the country's (Nunavut has no 9-1-1): a visitor placed there by time zone
// or choice must never see the country's emergency button first. Other subdivisions' lines
// arrive with the snippet; until then their visitors see the country's entry, whose lines serve
// the whole country.
func (c *Content) BakedRegions() []string {
	set := map[string]bool{}
	add := func(code string) {
		if c.Regions[code] != nil {
			set[code] = true
		}
	}
	for _, p := range c.Partners {
		switch {
		case p == nil:
		case len(p.Regions) > 0:
			for _, code := range p.Regions {
				add(code)
			}
		case len(p.Region) >= 2:
			add(p.Region[:2])
			add(c.RegionEntry(p.Region))
		}
	}
	countries := map[string]bool{}
	for code := range set {
		countries[code[:2]] = true
	}
	for code, r := range c.Regions {
		if country := c.Regions[code[:min(2, len(code))]]; len(code) > 2 && countries[code[:2]] && r != nil && country != nil && differs(r, country) {
			set[code] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Featured returns the partner's featured resources that are inside their date window at now,
// in the partner's order, and the next time that this selection changes (zero if never).
func (c *Content) Featured(p *Partner, now time.Time) (rs []*Resource, changes time.Time) {
	byID := make(map[string]*Resource, len(c.Resources))
	for _, r := range c.Resources {
		byID[r.ID] = r
	}
	next := func(t time.Time) {
		if t.After(now) && (changes.IsZero() || t.Before(changes)) {
			changes = t
		}
	}
	for _, id := range p.Featured {
		r := byID[id]
		if r == nil {
			continue
		}
		start, hasStart := parseWhen(r.StartsOn)
		end, hasEnd := parseEnd(r.EndsOn)
		if hasStart {
			next(start)
		}
		if hasEnd {
			next(end)
		}
		if (hasStart && now.Before(start)) || (hasEnd && !now.Before(end)) {
			continue
		}
		rs = append(rs, r)
	}
	return rs, changes
}
