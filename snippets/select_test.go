package snippets_test

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

func TestParseLocale(t *testing.T) {
	tests := []struct {
		in      string
		want    snippets.Locale
		ok      bool
		wantErr bool
	}{
		{in: "", ok: false},
		{in: "fr", want: snippets.French, ok: true},
		{in: "FR", want: snippets.French, ok: true},
		{in: "fr-CA", want: snippets.French, ok: true},
		{in: "fr_CA", want: snippets.French, ok: true},
		{in: "fr-Latn-CA", want: snippets.French, ok: true},
		{in: "en", want: snippets.English, ok: true},
		{in: "en-GB", want: snippets.English, ok: true},
		{in: "de", want: snippets.English, ok: true},  // well-formed, not spoken: English
		{in: "ase", want: snippets.English, ok: true}, // three-letter primary subtag
		{in: "f", wantErr: true},
		{in: "french!", wantErr: true},
		{in: "french", wantErr: true},
		{in: "fr-", wantErr: true},
		{in: "-fr", wantErr: true},
		{in: "fr--CA", wantErr: true},
		{in: "12", wantErr: true},
		{in: "fr-CA-toolongsubtag", wantErr: true},
		{in: "fr CA", wantErr: true},
		{in: "fré", wantErr: true},
		{in: "fr-ÇA", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok, err := snippets.ParseLocale(tt.in)
			if tt.wantErr {
				var pe *snippets.ParamError
				if !errors.As(err, &pe) {
					t.Fatalf("ParseLocale(%q) = %q, %v, %v; want a *ParamError", tt.in, got, ok, err)
				}
				if pe.Field != "locale" {
					t.Errorf("Field = %q, want locale", pe.Field)
				}
				if ok || got != "" {
					t.Errorf("ParseLocale(%q) = %q, %v with an error; want \"\", false", tt.in, got, ok)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLocale(%q): %v", tt.in, err)
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseLocale(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParseRegion(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		ok      bool
		wantErr bool
	}{
		{in: "", ok: false},
		{in: "CA", want: "CA", ok: true},
		{in: "ca", want: "CA", ok: true},
		{in: "ca-qc", want: "CA-QC", ok: true},
		{in: "Ca-Qc", want: "CA-QC", ok: true},
		{in: "CA-QC", want: "CA-QC", ok: true},
		{in: "GB-ENG", want: "GB-ENG", ok: true},
		{in: "AQ", want: "AQ", ok: true},
		{in: "FR-75", want: "FR-75", ok: true},
		{in: "C", wantErr: true},
		{in: "CAN", wantErr: true},
		{in: "CA-", wantErr: true},
		{in: "CA-QUEB", wantErr: true},
		{in: "C1", wantErr: true},
		{in: "../x", wantErr: true},
		{in: "CA_QC", wantErr: true},
		{in: " CA", wantErr: true},
		{in: "CA-QC-X", wantErr: true},
		// Letters that upper-case to ASCII are still not ISO codes.
		{in: "Cı", wantErr: true}, // dotless i
		{in: "cı", wantErr: true},
		{in: "ſE", wantErr: true}, // long s
		{in: "CA-ſ", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok, err := snippets.ParseRegion(tt.in)
			if tt.wantErr {
				var pe *snippets.ParamError
				if !errors.As(err, &pe) {
					t.Fatalf("ParseRegion(%q) = %q, %v, %v; want a *ParamError", tt.in, got, ok, err)
				}
				if pe.Field != "region" {
					t.Errorf("Field = %q, want region", pe.Field)
				}
				if ok || got != "" {
					t.Errorf("ParseRegion(%q) = %q, %v with an error; want \"\", false", tt.in, got, ok)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseRegion(%q): %v", tt.in, err)
			}
			if got != tt.want || ok != tt.ok {
				t.Errorf("ParseRegion(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestParamErrorNamesField(t *testing.T) {
	_, _, err := snippets.ParseRegion("../../etc/passwd")
	if err == nil {
		t.Fatal("no error")
	}
	if got, want := err.Error()[:len("region: ")], "region: "; got != want {
		t.Errorf("Error() = %q, want it to start with %q", err, want)
	}
}

func TestRegionEntry(t *testing.T) {
	c := parseFixture(t)
	tests := []struct{ code, want string }{
		{"CA-QC", "CA-QC"},
		{"CA-ON", "CA"}, // a subdivision with no entry uses its country's
		{"CA", "CA"},
		{"GB", "GB"},
		{"GB-ENG", "GB"},
		{"US", ""}, // no entry in the fixture: no guessed line
		{"AQ", ""},
		{"", ""},
		{"C", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := c.RegionEntry(tt.code); got != tt.want {
				t.Errorf("RegionEntry(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestFeatured(t *testing.T) {
	c := &snippets.Content{
		Resources: []*snippets.Resource{
			{ID: "always"},
			{ID: "december", StartsOn: "2026-12-01", EndsOn: "2026-12-31"},
			{ID: "from-morning", StartsOn: "2026-11-25T09:00:00Z"},
			{ID: "over", EndsOn: "2026-11-20"},
			{ID: "until-noon", EndsOn: "2026-11-23T12:00:00-05:00"},
			{ID: "not-featured", StartsOn: "2026-11-23"},
		},
	}
	p := &snippets.Partner{ID: "p", Featured: []string{"from-morning", "december", "always", "over", "until-noon"}}
	date := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		now     time.Time
		want    []string
		changes time.Time
	}{
		{
			name:    "before any window opens",
			now:     date(2026, 11, 22, 12),
			want:    []string{"always", "until-noon"},
			changes: date(2026, 11, 23, 17), // until-noon ends at noon in UTC-5
		},
		{
			name:    "at an end: excluded",
			now:     date(2026, 11, 23, 17),
			want:    []string{"always"},
			changes: date(2026, 11, 25, 9),
		},
		{
			name:    "at a start: included, in the partner's order",
			now:     date(2026, 11, 25, 9),
			want:    []string{"from-morning", "always"},
			changes: date(2026, 12, 1, 0),
		},
		{
			name:    "inside a date window",
			now:     date(2026, 12, 10, 0),
			want:    []string{"from-morning", "december", "always"},
			changes: date(2027, 1, 1, 0), // ends_on is a whole day: the window closes after it
		},
		{
			name:    "on the last day of a date window",
			now:     date(2026, 12, 31, 23),
			want:    []string{"from-morning", "december", "always"},
			changes: date(2027, 1, 1, 0),
		},
		{
			name:    "after every window: nothing changes any more",
			now:     date(2027, 1, 1, 0),
			want:    []string{"from-morning", "always"},
			changes: time.Time{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, changes := c.Featured(p, tt.now)
			var got []string
			for _, r := range rs {
				got = append(got, r.ID)
			}
			if !equalStrings(got, tt.want) {
				t.Errorf("Featured at %s = %v, want %v", tt.now, got, tt.want)
			}
			if !changes.Equal(tt.changes) {
				t.Errorf("changes = %s, want %s", changes, tt.changes)
			}
		})
	}
}

func TestFeaturedFixture(t *testing.T) {
	c := parseFixture(t)
	tests := []struct {
		now  time.Time
		want []string
	}{
		{fixedNow, []string{"acme-page", "acme-guide"}},
		{time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), []string{"acme-page", "acme-guide", "acme-webinar"}},
		{time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), []string{"acme-page", "acme-guide"}},
	}
	for _, tt := range tests {
		rs, _ := c.Featured(c.Partners["acme"], tt.now)
		var got []string
		for _, r := range rs {
			got = append(got, r.ID)
		}
		if !equalStrings(got, tt.want) {
			t.Errorf("at %s: %v, want %v", tt.now, got, tt.want)
		}
	}
}

func TestValidateEndsOnSameDay(t *testing.T) {
	// A date alone is the whole day, so a window may open and close on the same date.
	c := parseFixture(t)
	c.Resources[1].StartsOn, c.Resources[1].EndsOn = "2026-12-01", "2026-12-01"
	if r := c.Validate(snippets.ValidateOptions{Now: fixedNow}); len(r.Errors) != 0 {
		t.Errorf("one-day window rejected: %v", r.Errors)
	}
	rs, _ := c.Featured(c.Partners["acme"], time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC))
	if len(rs) != 3 {
		t.Errorf("one-day window: %d resources featured during the day, want 3", len(rs))
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestBakedRegions: the bundle carries the entries partners serve: those they list, else their
// default region's entry and its country's; and with any entry of a country, each of its
// subdivisions whose emergency number differs (Nunavut: none); nothing for a partner with
// neither.
func TestBakedRegions(t *testing.T) {
	c := parseFixture(t)
	if got := c.BakedRegions(); !slices.Equal(got, []string{"CA", "CA-NU", "CA-QC", "GB"}) {
		t.Errorf("by default regions = %v, want CA and CA-QC (acme: CA-QC), CA-NU (no 9-1-1) and GB (globex)", got)
	}
	c.Partners["acme"].Region = "CA-ON" // no entry: served by CA's
	if got := c.BakedRegions(); !slices.Equal(got, []string{"CA", "CA-NU", "GB"}) {
		t.Errorf("default CA-ON: regions = %v, want CA, CA-NU and GB", got)
	}
	c.Partners["acme"].Regions = []string{"CA-QC"}
	c.Partners["globex"].Region = ""
	if got := c.BakedRegions(); !slices.Equal(got, []string{"CA-NU", "CA-QC"}) {
		t.Errorf("listed regions = %v, want CA-QC, and CA-NU beside it", got)
	}
	c.Partners["acme"].Regions = []string{"GB"}
	if got := c.BakedRegions(); !slices.Equal(got, []string{"GB"}) {
		t.Errorf("listed regions = %v, want only GB", got)
	}
}
