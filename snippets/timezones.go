package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// TimeZones maps an IANA time zone name to the ISO 3166-1 country it lies in: the widget's
// last-resort guess of a visitor's country. A time zone never tells a subdivision (Québec and
// Ontario share America/Toronto), so it only ever selects a country entry.
type TimeZones map[string]string

// ParseTimeZones reads "Zone<TAB>CC" lines; blank lines and # comments are skipped.
func ParseTimeZones(src []byte) (TimeZones, error) {
	tz := TimeZones{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		zone, cc, ok := strings.Cut(line, "\t")
		if !ok || zone == "" || strings.ContainsAny(zone, " \t") || !countryPattern.MatchString(cc) {
			return nil, fmt.Errorf("time zones line %d: want \"Zone<TAB>CC\", got %q", n, line)
		}
		if prev, dup := tz[zone]; dup && prev != cc {
			return nil, fmt.Errorf("time zones line %d: %s is in %s and in %s", n, zone, prev, cc)
		}
		tz[zone] = cc
	}
	return tz, sc.Err()
}

// ForCountries returns, for each of countries, its zones in the compact form baked into the
// widget: sorted, grouped by area, "America/Halifax,Toronto US/Eastern GB". Every byte of the
// bundle counts against its 8 KiB budget.
func (tz TimeZones) ForCountries(countries []string) map[string]string {
	by := map[string][]string{}
	for zone, cc := range tz {
		if slices.Contains(countries, cc) {
			by[cc] = append(by[cc], zone)
		}
	}
	out := make(map[string]string, len(by))
	for cc, zones := range by {
		slices.Sort(zones)
		var b strings.Builder
		area := "\x00"
		for _, z := range zones {
			a, city := "", z
			if i := strings.LastIndexByte(z, '/'); i >= 0 {
				a, city = z[:i+1], z[i+1:]
			}
			switch {
			case a == area && a != "":
				b.WriteString("," + city)
			default:
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(a + city)
			}
			area = a
		}
		out[cc] = b.String()
	}
	return out
}

// Region is the region a visitor's time zone selects on a page whose partner defaults to def:
// def when the zone says nothing (not a zone of the table: UTC, Etc/*) or is in def's country
// (a time zone never selects a subdivision), else the zone's country. The widget applies the
// same rule to the zones baked into it, and asks the edge about the others.
func (tz TimeZones) Region(zone, def string) string {
	return Place(tz[zone], def)
}

// ValidZone reports whether s is shaped like an IANA time zone name ("America/Toronto",
// "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5").
func ValidZone(s string) bool { return len(s) <= 64 && zonePattern.MatchString(s) }

var zonePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$`)

// ExpandZones undoes the grouping of ForCountries: "America/Halifax,Toronto GB" ->
// [America/Halifax America/Toronto GB]. The widget does the same in JS.
func ExpandZones(s string) []string {
	var out []string
	for _, group := range strings.Fields(s) {
		area := ""
		if i := strings.LastIndexByte(group, '/'); i >= 0 {
			area = group[:i+1]
			group = group[i+1:]
		}
		for _, city := range strings.Split(group, ",") {
			out = append(out, area+city)
		}
	}
	return out
}
