package snippets_test

import (
	"maps"
	"testing"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

func TestShippedTimeZones(t *testing.T) {
	tz := shippedTimeZones(t)
	for zone, want := range map[string]string{
		"America/Toronto": "CA", "America/Montreal": "CA", "America/Vancouver": "CA-BC",
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

// TestShippedTimeZonesCanada: a Canadian zone selects a province or territory only where it lies
// in exactly one. Nunavut has no 9-1-1: every zone only in Nunavut must say so.
func TestShippedTimeZonesCanada(t *testing.T) {
	tz := shippedTimeZones(t)
	for zone, want := range map[string]string{
		"America/Vancouver": "CA-BC",
		// Nunavut, with the older name browsers may report for Iqaluit.
		"America/Iqaluit": "CA-NU", "America/Rankin_Inlet": "CA-NU", "America/Cambridge_Bay": "CA-NU",
		"America/Resolute": "CA-NU", "America/Pangnirtung": "CA-NU",
		"America/Whitehorse": "CA-YT", "America/Dawson": "CA-YT",
		"America/Regina": "CA-SK",
		// Zones that span provinces or territories: the country only.
		"America/Toronto":  "CA", // ON & QC
		"America/Edmonton": "CA", // AB, BC, NT, SK
		"America/Winnipeg": "CA", // ON & MB
		"America/Halifax":  "CA", // NS & PE
	} {
		if got := tz[zone]; got != want {
			t.Errorf("%s -> %q, want %q", zone, got, want)
		}
	}
}

func TestParseTimeZones(t *testing.T) {
	tz, err := snippets.ParseTimeZones([]byte("# comment\n\nEurope/London\tGB\nAmerica/Iqaluit\tCA-NU\nAmerica/Iqaluit\tCA-NU\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(tz) != 2 || tz["Europe/London"] != "GB" || tz["America/Iqaluit"] != "CA-NU" {
		t.Errorf("ParseTimeZones = %v", tz)
	}
}

func TestParseTimeZonesRejects(t *testing.T) {
	for _, src := range []string{
		"Europe/London GB\n", "Europe/London\tgb\n", "Europe/London\tGB\nEurope/London\tIE\n", "\tGB\n",
		"America/Iqaluit\tCA-nu\n", "America/Iqaluit\tCA-\n", "America/Iqaluit\tCA-NUNA\n", "America/Iqaluit\tCA_NU\n",
		"America/Iqaluit\tCA-NU\nAmerica/Iqaluit\tCA\n",
	} {
		if _, err := snippets.ParseTimeZones([]byte(src)); err == nil {
			t.Errorf("ParseTimeZones(%q): want an error", src)
		}
	}
}

func TestTimeZonesRegion(t *testing.T) {
	tz := snippets.TimeZones{
		"America/Vancouver": "CA-BC", "America/Iqaluit": "CA-NU", "America/Toronto": "CA",
		"America/New_York": "US", "Europe/London": "GB",
	}
	for _, tc := range []struct{ zone, def, want string }{
		// A partner default that names only a country: the zone refines it within the country.
		{"America/Vancouver", "CA", "CA-BC"},
		{"America/Iqaluit", "CA", "CA-NU"},
		{"America/Toronto", "CA", "CA"},
		// A zone that lies in one subdivision places the visitor there, even on a page whose
		// default names another (Nunavut has no 9-1-1: a Québec default must not keep it).
		{"America/Vancouver", "CA-QC", "CA-BC"},
		{"America/Iqaluit", "CA-QC", "CA-NU"},
		// A zone that names only the default's country keeps the default.
		{"America/Toronto", "CA-QC", "CA-QC"},
		// A zone in another country wins, subdivision and all.
		{"America/Iqaluit", "US", "CA-NU"},
		{"America/Toronto", "US", "CA"},
		{"Europe/London", "CA", "GB"},
		{"Europe/London", "CA-QC", "GB"},
		{"America/New_York", "CA-QC", "US"},
		// No partner default: the zone's region.
		{"America/Iqaluit", "", "CA-NU"},
		{"America/Toronto", "", "CA"},
		{"Europe/London", "", "GB"},
		// Zones that say nothing leave the default.
		{"UTC", "CA", "CA"},
		{"Etc/GMT+5", "CA-QC", "CA-QC"},
		{"Etc/GMT+5", "US", "US"},
		{"Mars/Olympus_Mons", "CA", "CA"},
		{"UTC", "", ""},
		{"", "CA", "CA"},
	} {
		if got := tz.Region(tc.zone, tc.def); got != tc.want {
			t.Errorf("Region(%q, %q) = %q, want %q", tc.zone, tc.def, got, tc.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { tz.Region("America/Iqaluit", "CA") }); n != 0 {
		t.Errorf("Region allocates %v times", n)
	}
}

func TestTimeZonesForCountries(t *testing.T) {
	tz := snippets.TimeZones{
		"America/Toronto": "CA", "America/Halifax": "CA", "America/Iqaluit": "CA-NU",
		"America/Pangnirtung": "CA-NU", "America/Vancouver": "CA-BC", "Europe/Berlin": "DE",
		"America/New_York": "US",
	}
	got := tz.ForCountries([]string{"CA"})
	want := map[string]string{"CA": "America/Halifax,Toronto", "CA-NU": "America/Iqaluit,Pangnirtung", "CA-BC": "America/Vancouver"}
	if !maps.Equal(got, want) {
		t.Errorf("ForCountries = %v, want %v", got, want)
	}
	// Grouping round-trips for every shipped zone, including area-less and nested names.
	all := shippedTimeZones(t)
	var countries []string
	for _, code := range all {
		countries = append(countries, code[:2])
	}
	n := 0
	for code, packed := range all.ForCountries(countries) {
		for _, z := range snippets.ExpandZones(packed) {
			n++
			if all[z] != code {
				t.Errorf("expanded %q under %s, table says %q", z, code, all[z])
			}
		}
	}
	if n != len(all) {
		t.Errorf("expanded %d zones, want %d", n, len(all))
	}
}

func shippedTimeZones(t *testing.T) snippets.TimeZones {
	t.Helper()
	tz, err := snippets.ParseTimeZones(configs.TimeZones)
	if err != nil {
		t.Fatal(err)
	}
	return tz
}
