package snippets_test

import (
	"testing"

	"github.com/signpost/edge/snippets"
)

// TestZoneChecks: a line's weekly hours are kept in the zone of a place (an error otherwise: UTC
// and Etc/* keep no daylight saving time), of its own country and, where the zone lies in one
// province, of a province the line is listed in (warnings otherwise: a line may keep the clock
// of the place that runs it).
// qc-appelle is listed in CA-QC; ca-988 in CA, CA-QC and CA-NU.
func TestZoneChecks(t *testing.T) {
	for _, tc := range []struct {
		line, zone string
		err, warn  string // the code of the one error, of the one warning
	}{
		{"qc-appelle", "America/Toronto", "", ""}, // Québec and Ontario: nothing finer to compare
		{"qc-appelle", "America/Iqaluit", "", "zone_other_region"},
		{"ca-988", "America/Iqaluit", "", ""}, // listed in CA-NU, whose clock it is
		{"ca-988", "America/Vancouver", "", "zone_other_region"},
		{"qc-appelle", "Europe/Paris", "", "zone_other_country"},
		{"gb-samaritans", "Europe/London", "", ""},
		{"gb-samaritans", "America/Toronto", "", "zone_other_country"},
		{"qc-appelle", "UTC", "zone_no_place", ""},
		{"qc-appelle", "Etc/GMT+5", "zone_no_place", ""},
	} {
		t.Run(tc.line+" "+tc.zone, func(t *testing.T) {
			c := parseFixture(t)
			c.Lines[tc.line].Schedule = &snippets.Schedule{Zone: tc.zone, Weekly: []string{"Mo-Fr 09:00-17:00"}}
			r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
			var errs, warns []string
			for _, p := range r.Errors {
				errs = append(errs, p.Code)
			}
			for _, p := range r.Warnings {
				if p.Path == "lines."+tc.line+".schedule.zone" {
					warns = append(warns, p.Code)
				}
			}
			if tc.err == "" && len(errs) > 0 || tc.err != "" && (len(errs) != 1 || errs[0] != tc.err || r.Errors[0].Path != "lines."+tc.line+".schedule.zone") {
				t.Errorf("errors %v (%v), want %q", errs, r.Errors, tc.err)
			}
			if tc.warn == "" && len(warns) > 0 || tc.warn != "" && (len(warns) != 1 || warns[0] != tc.warn) {
				t.Errorf("warnings at the zone %v, want %q", warns, tc.warn)
			}
		})
	}
}
