package snippets

import (
	"bufio"
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// TimeZones maps an IANA time zone name to the region it places a visitor in: the ISO 3166-1
// country the zone lies in ("Europe/London": "GB"), or a subdivision where the zone lies in
// exactly one ("America/Iqaluit": "CA-NU"); a zone that spans subdivisions names only its
// country (America/Toronto is Ontario and Québec: "CA"). configs/timezones.tsv holds the table,
// generated from the tz database's zone.tab by scripts/tzgen.
type TimeZones map[string]string

// ParseTimeZones reads "Zone<TAB>CC" and "Zone<TAB>CC-SUB" lines; blank lines and # comments
// are skipped.
func ParseTimeZones(src []byte) (TimeZones, error) {
	tz := TimeZones{}
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		zone, code, ok := strings.Cut(line, "\t")
		if !ok || zone == "" || strings.ContainsAny(zone, " \t") || !regionPattern.MatchString(code) {
			return nil, fmt.Errorf("time zones line %d: want \"Zone<TAB>CC\" or \"Zone<TAB>CC-SUB\", got %q", n, line)
		}
		if prev, dup := tz[zone]; dup && prev != code {
			return nil, fmt.Errorf("time zones line %d: %s is in %s and in %s", n, zone, prev, code)
		}
		tz[zone] = code
	}
	return tz, sc.Err()
}

// ForCountries returns the zones of countries in the compact form baked into the widget, keyed
// by region code: each country's own ("CA": the zones that span its subdivisions) and each of its
// subdivisions' ("CA-BC", "CA-NU"); sorted, grouped by area: "America/Halifax,Toronto
// US/Eastern GB". Every byte of the bundle counts against its 8 KiB budget.
func (tz TimeZones) ForCountries(countries []string) map[string]string {
	by := map[string][]string{}
	for zone, code := range tz {
		if len(code) >= 2 && slices.Contains(countries, code[:2]) {
			by[code] = append(by[code], zone)
		}
	}
	out := make(map[string]string, len(by))
	for code, zones := range by {
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
		out[code] = b.String()
	}
	return out
}

// Region is the region a visitor's time zone selects on a page whose partner defaults to def
// ("" for none), by Place: def when the zone says nothing (not a zone of the table: UTC, Etc/*)
// or names only def's country (America/Toronto: CA); the zone's subdivision where it lies in
// exactly one (America/Vancouver: CA-BC, America/Iqaluit: CA-NU, whatever def); the zone's
// country when it is another country's (def CA, Europe/London: GB).
//
// The widget applies the same rule to the zones baked into it, and asks the edge about the
// others.
func (tz TimeZones) Region(zone, def string) string {
	return Place(tz[zone], def)
}

// ValidZone reports whether s is shaped like an IANA time zone name ("America/Toronto",
// "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5").
func ValidZone(s string) bool { return len(s) <= 64 && zonePattern.MatchString(s) }

var zonePattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}$`)

// ExpandZones undoes the grouping of one list of ForCountries: "America/Halifax,Toronto GB" ->
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

// Clock is the location of zone, when zone is one of the table's (a bounded set: the snippets a
// visitor's clock changes are cached per zone), else nil.
func (tz TimeZones) Clock(zone string) *time.Location {
	if tz[zone] == "" {
		return nil
	}
	l, _ := loadZone(zone)
	return l
}
