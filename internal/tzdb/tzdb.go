// Package tzdb reads the IANA time zone database as Debian's tzdata installs it (zone.tab and
// tzdata.zi under /usr/share/zoneinfo) and places each zone in a region: the ISO 3166-1 country
// zone.tab gives it, and for a Canadian zone the province or territory (CA-BC) when its zone.tab
// comment names exactly one. configs/timezones.tsv is generated from it (scripts/tzgen) and
// tested against it (snippets), with this one reading of the comments.
//
// zone.tab, not zone1970.tab: zone1970.tab's rows may span countries (America/Panama also
// stands for CA's Atikokan) and its comments describe every country at once.
package tzdb

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Dir is where Debian's tzdata installs the files Load reads.
const Dir = "/usr/share/zoneinfo"

// Canada is the one country whose zones are placed in a subdivision.
const Canada = "CA"

// Zone is one row of zone.tab.
type Zone struct {
	Country string // ISO 3166-1 alpha-2
	Name    string // America/Vancouver
	Comment string // "Pacific - BC (most areas)"; empty for a country with one zone
}

// DB is what the generator and its test read of the tz database.
type DB struct {
	// Version is tzdata.zi's "# version 2025b".
	Version string
	// Zones are zone.tab's rows, in its order.
	Zones []Zone
	// Links maps a link's name to its target, from tzdata.zi's "L target name" lines.
	Links map[string]string

	index map[string]int // Zones[index[name]]
}

// Load reads zone.tab and tzdata.zi from dir (Dir on Debian).
func Load(dir string) (*DB, error) {
	tab, err := os.ReadFile(filepath.Join(dir, "zone.tab"))
	if err != nil {
		return nil, err
	}
	zi, err := os.ReadFile(filepath.Join(dir, "tzdata.zi"))
	if err != nil {
		return nil, err
	}
	return Parse(tab, zi)
}

// Parse reads zone.tab ("CC<TAB>coordinates<TAB>Zone[<TAB>comment]" lines) and tzdata.zi (its
// version line and its links; the rules and zones it also holds are not needed).
func Parse(zoneTab, tzdataZi []byte) (*DB, error) {
	db := &DB{Links: map[string]string{}, index: map[string]int{}}
	sc := bufio.NewScanner(bytes.NewReader(zoneTab))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 3 || len(f) > 4 || len(f[0]) != 2 || f[2] == "" {
			return nil, fmt.Errorf("zone.tab line %d: want \"CC<TAB>coordinates<TAB>Zone[<TAB>comment]\", got %q", n, line)
		}
		z := Zone{Country: f[0], Name: f[2]}
		if len(f) == 4 {
			z.Comment = f[3]
		}
		if _, dup := db.index[z.Name]; dup {
			return nil, fmt.Errorf("zone.tab line %d: %s listed twice", n, z.Name)
		}
		db.index[z.Name] = len(db.Zones)
		db.Zones = append(db.Zones, z)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(db.Zones) == 0 {
		return nil, fmt.Errorf("zone.tab lists no zone")
	}

	sc = bufio.NewScanner(bytes.NewReader(tzdataZi))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "# version "); ok && n == 1 {
			db.Version = strings.TrimSpace(v)
			continue
		}
		if !strings.HasPrefix(line, "L ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("tzdata.zi line %d: want \"L target name\", got %q", n, line)
		}
		db.Links[f[2]] = f[1]
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if db.Version == "" {
		return nil, fmt.Errorf("tzdata.zi: no \"# version\" first line")
	}
	return db, nil
}

// Zone is zone.tab's row for name, or nil.
func (db *DB) Zone(name string) *Zone {
	if i, ok := db.index[name]; ok {
		return &db.Zones[i]
	}
	return nil
}

// Region is the region code of zone.tab's row z: its country, or for a Canadian zone whose
// comment names exactly one province or territory, CA-XX. A comment it cannot read is an error.
func Region(z Zone) (string, error) {
	if z.Country != Canada {
		return z.Country, nil
	}
	subs, err := Subdivisions(z.Comment)
	if err != nil {
		return "", fmt.Errorf("%s: %w", z.Name, err)
	}
	if len(subs) == 1 {
		return Canada + "-" + subs[0], nil
	}
	return Canada, nil
}

// Region is the region code of zone, a name that the table lists under country: a zone.tab
// zone's own region (Region), which must be in country; else a link (tzdata.zi) whose target is
// a zone.tab zone of country, which takes that zone's region (America/Pangnirtung ->
// America/Iqaluit -> CA-NU). A Canadian name linked out of Canada (America/Coral_Harbour ->
// America/Panama) takes the region of the Canadian zones that link to the same target, when
// they agree, else CA. Any other name is an error: the table would be wrong.
func (db *DB) Region(zone, country string) (string, error) {
	if z := db.Zone(zone); z != nil {
		if z.Country != country {
			return "", fmt.Errorf("%s is in %s (zone.tab), not %s", zone, z.Country, country)
		}
		return Region(*z)
	}
	if _, ok := db.Links[zone]; !ok {
		return "", fmt.Errorf("%s is neither a zone of zone.tab nor a link of tzdata.zi", zone)
	}
	end, err := db.resolve(zone)
	if err != nil {
		return "", err
	}
	for t := db.Links[zone]; ; t = db.Links[t] {
		if z := db.Zone(t); z != nil && z.Country == country {
			return Region(*z)
		}
		if t == end {
			break
		}
	}
	if country != Canada {
		return "", fmt.Errorf("%s links to %s, which zone.tab does not place in %s", zone, end, country)
	}
	codes := map[string]bool{}
	for _, z := range db.Zones {
		if z.Country != Canada || db.Links[z.Name] == "" {
			continue
		}
		if e, err := db.resolve(z.Name); err == nil && e == end {
			code, err := Region(z)
			if err != nil {
				return "", err
			}
			codes[code] = true
		}
	}
	if len(codes) == 1 {
		for code := range codes {
			return code, nil
		}
	}
	return Canada, nil
}

// resolve follows links from name to the zone they end at.
func (db *DB) resolve(name string) (string, error) {
	for range 16 {
		t, ok := db.Links[name]
		if !ok {
			return name, nil
		}
		name = t
	}
	return "", fmt.Errorf("tzdata.zi: links from %s do not end", name)
}

// Subdivisions are the Canadian provinces and territories (two-letter ISO 3166-2 codes, sorted,
// each once) that a zone.tab comment of a Canadian zone names:
//
//	"Pacific - BC (most areas)"          -> [BC]
//	"Atlantic - NS (most areas), PE"     -> [NS PE]
//	"Eastern - ON & QC (most areas)"     -> [ON QC]
//	"Mountain - AB, BC(E), NT(E), SK(W)" -> [AB BC NT SK]
//	"Newfoundland, Labrador (SE)"        -> [NL]
//	"EST - ON (Atikokan), NU (Coral H)"  -> [NU ON]
//
// A comment is an optional time name and " - ", then a list of provinces and territories
// (code or name) separated by "," or "&", each optionally qualified in parentheses. A
// parenthesis narrows the area and adds no subdivision, unless it names one. Every word must
// be known: a time name, a province or territory, or a qualifier listed here (a part of a
// province, a place). Anything else is an error, never a guess: check where the zone lies and
// extend the lists.
func Subdivisions(comment string) ([]string, error) {
	fail := func(format string, a ...any) ([]string, error) {
		return nil, fmt.Errorf("zone.tab comment %q: "+format, append([]any{comment}, a...)...)
	}
	rest := comment
	if label, after, ok := strings.Cut(comment, " - "); ok {
		if !timeNames[label] {
			return fail("cannot classify %q (not a time name this package knows)", label)
		}
		rest = after
	}
	items, err := splitTop(rest)
	if err != nil {
		return fail("%v", err)
	}
	var subs []string
	for _, it := range items {
		code, ok := subdivision(it.head)
		if !ok {
			return fail("cannot classify %q (not a province or territory this package knows)", it.head)
		}
		subs = append(subs, code)
		for _, q := range it.quals {
			for part := range strings.FieldsFuncSeq(q, func(r rune) bool { return r == ',' || r == '&' }) {
				part = strings.TrimSpace(part)
				if code, ok := subdivision(part); ok {
					subs = append(subs, code)
				} else if !qualifiers[part] {
					return fail("cannot classify %q in parentheses (neither a province or territory nor a known qualifier)", part)
				}
			}
		}
	}
	if len(subs) == 0 {
		return fail("names no province or territory")
	}
	slices.Sort(subs)
	return slices.Compact(subs), nil
}

type item struct {
	head  string   // "NS"
	quals []string // "most areas"
}

// splitTop splits a list at the "," and "&" outside parentheses, and each item into the text
// outside its parentheses and the text inside each.
func splitTop(s string) ([]item, error) {
	var out []item
	var head, qual strings.Builder
	var cur item
	depth := 0
	flush := func() {
		cur.head = strings.Join(strings.Fields(head.String()), " ")
		out = append(out, cur)
		cur = item{}
		head.Reset()
	}
	for _, r := range s {
		switch {
		case r == '(':
			if depth > 0 {
				return nil, fmt.Errorf("nested parentheses")
			}
			depth++
		case r == ')':
			if depth == 0 {
				return nil, fmt.Errorf("unbalanced parentheses")
			}
			depth--
			cur.quals = append(cur.quals, qual.String())
			qual.Reset()
		case depth > 0:
			qual.WriteRune(r)
		case r == ',' || r == '&':
			flush()
		default:
			head.WriteRune(r)
		}
	}
	if depth != 0 {
		return nil, fmt.Errorf("unbalanced parentheses")
	}
	flush()
	return out, nil
}

// subdivision reads a province or territory by code (upper case, as zone.tab writes them) or
// by name.
func subdivision(s string) (string, bool) {
	if codes[s] {
		return s, true
	}
	code, ok := names[s]
	return code, ok
}

var codes = map[string]bool{
	"AB": true, "BC": true, "MB": true, "NB": true, "NL": true, "NS": true, "NT": true,
	"NU": true, "ON": true, "PE": true, "QC": true, "SK": true, "YT": true,
}

var names = map[string]string{
	"Alberta":                   "AB",
	"British Columbia":          "BC",
	"Manitoba":                  "MB",
	"New Brunswick":             "NB",
	"Newfoundland":              "NL",
	"Labrador":                  "NL",
	"Newfoundland and Labrador": "NL",
	"Nova Scotia":               "NS",
	"Northwest Territories":     "NT",
	"Nunavut":                   "NU",
	"Ontario":                   "ON",
	"Prince Edward Island":      "PE",
	"Quebec":                    "QC",
	"Québec":                    "QC",
	"Saskatchewan":              "SK",
	"Yukon":                     "YT",
}

// timeNames are the names of Canada's times that open a comment ("Pacific - ...").
var timeNames = map[string]bool{
	"Newfoundland": true, "Atlantic": true, "Eastern": true, "Central": true, "Mountain": true,
	"Pacific": true, "NST": true, "AST": true, "EST": true, "CST": true, "MST": true, "PST": true,
}

// qualifiers are what zone.tab writes in parentheses to narrow a province or territory: a part
// of it, or a place in it. None names a province or territory; a new one must be checked first.
var qualifiers = map[string]bool{
	// parts
	"most areas": true, "E": true, "W": true, "N": true, "S": true, "SE": true, "SW": true,
	"NE": true, "NW": true, "east": true, "west": true, "north": true, "south": true,
	"central": true, "midwest": true,
	// places
	"Atikokan": true, "Cape Breton": true, "Coral H": true, "Creston": true, "Dawson Cr": true,
	"Ft St John": true, "Ft Nelson": true, "Lower North Shore": true, "Resolute": true,
}
