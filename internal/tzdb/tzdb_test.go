package tzdb

import (
	"slices"
	"strings"
	"testing"
)

func TestSubdivisions(t *testing.T) {
	for comment, want := range map[string][]string{
		// Every Canadian comment of zone.tab in tzdata 2025b.
		"Newfoundland, Labrador (SE)":        {"NL"},
		"Atlantic - NS (most areas), PE":     {"NS", "PE"},
		"Atlantic - NS (Cape Breton)":        {"NS"},
		"Atlantic - New Brunswick":           {"NB"},
		"Atlantic - Labrador (most areas)":   {"NL"},
		"AST - QC (Lower North Shore)":       {"QC"},
		"Eastern - ON & QC (most areas)":     {"ON", "QC"},
		"Eastern - NU (most areas)":          {"NU"},
		"EST - ON (Atikokan), NU (Coral H)":  {"NU", "ON"},
		"Central - ON (west), Manitoba":      {"MB", "ON"},
		"Central - NU (Resolute)":            {"NU"},
		"Central - NU (central)":             {"NU"},
		"CST - SK (most areas)":              {"SK"},
		"CST - SK (midwest)":                 {"SK"},
		"Mountain - AB, BC(E), NT(E), SK(W)": {"AB", "BC", "NT", "SK"},
		"Mountain - NU (west)":               {"NU"},
		"Mountain - NT (west)":               {"NT"},
		"MST - BC (Creston)":                 {"BC"},
		"MST - BC (Dawson Cr, Ft St John)":   {"BC"},
		"MST - BC (Ft Nelson)":               {"BC"},
		"MST - Yukon (east)":                 {"YT"},
		"MST - Yukon (west)":                 {"YT"},
		"Pacific - BC (most areas)":          {"BC"},
		// Shapes zone.tab has used or may use.
		"Eastern - ON, QC (east)":                      {"ON", "QC"},
		"Mountain - NT (central)":                      {"NT"},
		"Newfoundland and Labrador":                    {"NL"},
		"Pacific - British Columbia":                   {"BC"},
		"Eastern - Quebec & Ontario":                   {"ON", "QC"},
		"Eastern - Québec (most areas)":                {"QC"},
		"Central - Nunavut (central)":                  {"NU"},
		"Atlantic - Nova Scotia, Prince Edward Island": {"NS", "PE"},
		// A parenthesis that names a province or territory adds it.
		"EST - ON (Atikokan, NU)":                 {"NU", "ON"},
		"Eastern - NU (most areas), NU (Coral H)": {"NU"},
	} {
		got, err := Subdivisions(comment)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("Subdivisions(%q) = %v, %v; want %v", comment, got, err, want)
		}
	}
}

// A word it cannot classify is an error, never a guess.
func TestSubdivisionsRejects(t *testing.T) {
	for _, comment := range []string{
		"",
		"Pacific",                               // no province or territory
		"Eastern - ",                            // none after the time name
		"Arctic - NU",                           // unknown time name
		"Eastern - ON and QC",                   // "and" joins nothing it reads
		"Eastern - ON & Nunavik",                // unknown place outside parentheses
		"Eastern - NU (Kivalliq)",               // unknown qualifier
		"Eastern - NU (most areas",              // unbalanced
		"Eastern - NU most areas)",              // unbalanced
		"Eastern - NU ((most areas))",           // nested
		"Eastern - on",                          // codes are upper case
		"Eastern - XX",                          // not a Canadian code
		"Eastern - NU (west), ",                 // empty item
		"Eastern - NU - ON",                     // a second time name
		"Mountain - AB, BC(E), NT(E), SK(WEST)", // unknown qualifier
	} {
		if got, err := Subdivisions(comment); err == nil {
			t.Errorf("Subdivisions(%q) = %v, want an error", comment, got)
		} else if !strings.Contains(err.Error(), "zone.tab comment") {
			t.Errorf("Subdivisions(%q): error %q does not name the comment", comment, err)
		}
	}
}

const testZoneTab = `# tzdb timezone descriptions (deprecated version)
#
CA	+6344-06828	America/Iqaluit	Eastern - NU (most areas)
CA	+4339-07923	America/Toronto	Eastern - ON & QC (most areas)
CA	+484531-0913718	America/Atikokan	EST - ON (Atikokan), NU (Coral H)
CA	+4916-12307	America/Vancouver	Pacific - BC (most areas)
CA	+6043-13503	America/Whitehorse	MST - Yukon (east)
PA	+0858-07932	America/Panama
US	+394421-0860245	America/Indiana/Indianapolis	Eastern - IN (most areas)
US	+332654-1120424	America/Phoenix	MST - AZ (except Navajo)
GB	+513030-0000731	Europe/London
`

// In tzdb as published (no backzone), Atikokan and Creston are links to zones of other
// countries; Debian's build keeps Atikokan a zone. Both shapes are tested.
const testZi = `# version 2099z
# This zic input file is in the public domain.
R Z 1916 o - Jun 4 0 1 D
Z America/Iqaluit 0 - -00 1942 Au
L America/Iqaluit America/Pangnirtung
L America/Toronto America/Montreal
L America/Panama America/Atikokan
L America/Panama America/Coral_Harbour
L America/Phoenix America/Creston
L America/Phoenix US/Arizona
L America/Indiana/Indianapolis America/Indianapolis
L America/Whitehorse Canada/Yukon
L Canada/Yukon America/Old_Yukon
L Europe/London GB
`

func testDB(t *testing.T, zi string) *DB {
	t.Helper()
	db, err := Parse([]byte(testZoneTab), []byte(zi))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func TestParse(t *testing.T) {
	db := testDB(t, testZi)
	if db.Version != "2099z" || len(db.Zones) != 9 || len(db.Links) != 10 {
		t.Errorf("Parse: version %q, %d zones, %d links", db.Version, len(db.Zones), len(db.Links))
	}
	if z := db.Zone("America/Atikokan"); z == nil || z.Country != "CA" || z.Comment != "EST - ON (Atikokan), NU (Coral H)" {
		t.Errorf("Zone(America/Atikokan) = %+v", z)
	}
	if z := db.Zone("Europe/London"); z == nil || z.Comment != "" {
		t.Errorf("Zone(Europe/London) = %+v", z)
	}
	if db.Zone("America/Montreal") != nil {
		t.Error("a link is not a zone of zone.tab")
	}
	if db.Links["America/Pangnirtung"] != "America/Iqaluit" {
		t.Errorf("links = %v", db.Links)
	}
}

func TestParseRejects(t *testing.T) {
	for name, src := range map[string][2]string{
		"empty zone.tab":     {"# nothing\n", testZi},
		"short row":          {"CA\t+6344-06828\n", testZi},
		"bad country":        {"CAN\t+6344-06828\tAmerica/Iqaluit\n", testZi},
		"twice":              {"CA\t+1\tAmerica/Iqaluit\nCA\t+1\tAmerica/Iqaluit\n", testZi},
		"no version":         {testZoneTab, "L America/Iqaluit America/Pangnirtung\n"},
		"version not first":  {testZoneTab, "L America/Iqaluit America/Pangnirtung\n# version 2025b\n"},
		"link with 2 fields": {testZoneTab, "# version 2025b\nL America/Iqaluit\n"},
	} {
		if _, err := Parse([]byte(src[0]), []byte(src[1])); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestRegion(t *testing.T) {
	for _, zi := range []string{testZi, strings.Replace(testZi, "L America/Panama America/Atikokan\n", "", 1)} {
		db := testDB(t, zi)
		for _, tc := range []struct{ zone, country, want string }{
			{"America/Iqaluit", "CA", "CA-NU"},
			{"America/Vancouver", "CA", "CA-BC"},
			{"America/Toronto", "CA", "CA"},
			{"America/Atikokan", "CA", "CA"}, // a zone.tab row, whatever tzdata.zi makes it
			{"Europe/London", "GB", "GB"},
			{"America/Indiana/Indianapolis", "US", "US"},
			// Links to a zone of the country take its region.
			{"America/Pangnirtung", "CA", "CA-NU"},
			{"America/Montreal", "CA", "CA"},
			{"America/Indianapolis", "US", "US"},
			{"America/Old_Yukon", "CA", "CA-YT"}, // through Canada/Yukon
			// Linked out of Canada: the Canadian zones linked to the same target (Atikokan, ON &
			// NU), else none: CA.
			{"America/Coral_Harbour", "CA", "CA"},
			// Creston is not a zone.tab row here: linked out of Canada with no Canadian sibling.
			{"America/Creston", "CA", "CA"},
		} {
			got, err := db.Region(tc.zone, tc.country)
			if err != nil || got != tc.want {
				t.Errorf("Region(%q, %q) = %q, %v; want %q", tc.zone, tc.country, got, err, tc.want)
			}
		}
		for _, tc := range []struct{ zone, country string }{
			{"America/Iqaluit", "US"},       // zone.tab says CA
			{"America/Coral_Harbour", "US"}, // Panama is PA
			{"Europe/Nowhere", "GB"},        // neither zone nor link
		} {
			if got, err := db.Region(tc.zone, tc.country); err == nil {
				t.Errorf("Region(%q, %q) = %q, want an error", tc.zone, tc.country, got)
			}
		}
	}
}

// A Canadian name linked out of Canada takes the region of the Canadian zones linked to the
// same target when they agree on one.
func TestRegionThroughSibling(t *testing.T) {
	tab := testZoneTab + "CA\t+5125-05707\tAmerica/Blanc-Sablon\tAST - QC (Lower North Shore)\nPR\t+182806-0660622\tAmerica/Puerto_Rico\n"
	zi := testZi + "L America/Puerto_Rico America/Blanc-Sablon\nL America/Puerto_Rico America/Old_Sablon\n"
	db, err := Parse([]byte(tab), []byte(zi))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := db.Region("America/Old_Sablon", "CA"); err != nil || got != "CA-QC" {
		t.Errorf("Region(America/Old_Sablon) = %q, %v; want CA-QC", got, err)
	}
}

func TestRegionBadComment(t *testing.T) {
	db, err := Parse([]byte("CA\t+1\tAmerica/Somewhere\tEastern - Nunavik\n"), []byte("# version 1\nL America/Somewhere America/Old\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, zone := range []string{"America/Somewhere", "America/Old"} {
		if got, err := db.Region(zone, "CA"); err == nil {
			t.Errorf("Region(%q) = %q, want the comment's error", zone, got)
		}
	}
}
