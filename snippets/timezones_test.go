package snippets_test

import (
	"strings"
	"testing"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

func TestShippedTimeZones(t *testing.T) {
	tz, err := snippets.ParseTimeZones(configs.TimeZones)
	if err != nil {
		t.Fatal(err)
	}
	for zone, want := range map[string]string{
		"America/Toronto": "CA", "America/Montreal": "CA", "America/Vancouver": "CA",
		"America/New_York": "US", "America/Indianapolis": "US", "America/Louisville": "US",
		"Europe/London": "GB", "Europe/Dublin": "IE", "America/Coral_Harbour": "CA",
		"Australia/Sydney": "AU", "Pacific/Auckland": "NZ", "Europe/Paris": "FR",
		// Zones near or linked to those countries that are not in them.
		"Europe/Jersey": "JE", "America/Puerto_Rico": "PR", "Antarctica/McMurdo": "AQ", "Pacific/Pago_Pago": "AS",
	} {
		if got := tz[zone]; got != want {
			t.Errorf("%s -> %q, want %q", zone, got, want)
		}
	}
}

func TestParseTimeZonesRejects(t *testing.T) {
	for _, src := range []string{"Europe/London GB\n", "Europe/London\tgb\n", "Europe/London\tGB\nEurope/London\tIE\n", "\tGB\n"} {
		if _, err := snippets.ParseTimeZones([]byte(src)); err == nil {
			t.Errorf("ParseTimeZones(%q): want an error", src)
		}
	}
}

func TestTimeZonesForCountries(t *testing.T) {
	tz := snippets.TimeZones{"America/Toronto": "CA", "America/Halifax": "CA", "Europe/Berlin": "DE"}
	got := tz.ForCountries([]string{"CA"})
	if len(got) != 1 || got["CA"] != "America/Halifax,Toronto" || strings.Contains(got["CA"], "Berlin") {
		t.Errorf("ForCountries = %v", got)
	}
	// Grouping round-trips for every shipped zone, including area-less and nested names.
	all, err := snippets.ParseTimeZones(configs.TimeZones)
	if err != nil {
		t.Fatal(err)
	}
	var countries []string
	for _, cc := range all {
		countries = append(countries, cc)
	}
	n := 0
	for cc, packed := range all.ForCountries(countries) {
		for _, z := range snippets.ExpandZones(packed) {
			n++
			if all[z] != cc {
				t.Errorf("expanded %q under %s, table says %q", z, cc, all[z])
			}
		}
	}
	if n != len(all) {
		t.Errorf("expanded %d zones, want %d", n, len(all))
	}
}
