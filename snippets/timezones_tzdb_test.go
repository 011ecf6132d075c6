package snippets_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signpost/edge/internal/tzdb"
)

// spanning are the Canadian zones of zone.tab deliberately left at CA: their comments name more
// than one province or territory, so the zone does not tell which. A zone that spans
// subdivisions must be listed here with the ones it spans, or the test fails.
var spanning = map[string]string{
	"America/Toronto":  "ON & QC",
	"America/Edmonton": "AB & BC & NT & SK",
	"America/Halifax":  "NS & PE",
	"America/Winnipeg": "MB & ON",
	"America/Atikokan": "NU & ON",
}

// TestTimeZonesMatchTZDB: configs/timezones.tsv places every Canadian zone as the machine's tz
// database does (scripts/tzgen, internal/tzdb): each zone.tab zone of CA under the one province
// or territory its comment names, else at CA for a reason listed in spanning; each older name
// by its link in tzdata.zi.
func TestTimeZonesMatchTZDB(t *testing.T) {
	if _, err := os.Stat(filepath.Join(tzdb.Dir, "zone.tab")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no tz database (%v): scripts/test-deps.sh installs Debian's tzdata", err)
		}
		t.Skipf("no tz database (%v): install Debian's tzdata (apt-get install tzdata) to compare configs/timezones.tsv with it", err)
	}
	db, err := tzdb.Load(tzdb.Dir)
	if err != nil {
		t.Fatal(err)
	}
	tz := shippedTimeZones(t)

	seen := map[string]bool{}
	for _, z := range db.Zones {
		if z.Country != tzdb.Canada {
			continue
		}
		seen[z.Name] = true
		subs, err := tzdb.Subdivisions(z.Comment)
		if err != nil {
			t.Errorf("%s: %v", z.Name, err)
			continue
		}
		want := "CA"
		if len(subs) == 1 {
			want = "CA-" + subs[0]
			if reason, ok := spanning[z.Name]; ok {
				t.Errorf("%s is listed as spanning %s, but zone.tab (%q) names only %s", z.Name, reason, z.Comment, subs[0])
			}
		} else if reason := spanning[z.Name]; reason != strings.Join(subs, " & ") {
			t.Errorf("%s spans %s (zone.tab: %q); spanning says %q", z.Name, strings.Join(subs, " & "), z.Comment, reason)
		}
		if got := tz[z.Name]; got != want {
			t.Errorf("%s -> %q in configs/timezones.tsv, zone.tab (%q) says %q: run go run ./scripts/tzgen", z.Name, got, z.Comment, want)
		}
	}
	for zone := range spanning {
		if !seen[zone] {
			t.Errorf("spanning lists %s, which zone.tab does not place in CA", zone)
		}
	}
	// The older names (America/Pangnirtung -> America/Iqaluit) and the zones the table lists in
	// Canada that zone.tab does not.
	for zone, code := range tz {
		if code[:2] != tzdb.Canada || seen[zone] {
			continue
		}
		want, err := db.Region(zone, tzdb.Canada)
		if err != nil {
			t.Errorf("configs/timezones.tsv: %v", err)
			continue
		}
		if code != want {
			t.Errorf("%s -> %q in configs/timezones.tsv, tzdata.zi's links say %q: run go run ./scripts/tzgen", zone, code, want)
		}
	}
}
