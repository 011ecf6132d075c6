package snippets_test

import (
	"testing"

	"github.com/signpost/edge/snippets"
)

func TestPlace(t *testing.T) {
	for _, tc := range []struct{ located, def, want string }{
		// Nothing located: the default.
		{"", "CA", "CA"},
		{"", "CA-QC", "CA-QC"},
		{"", "", ""},
		// The default's country, default naming only the country: refined.
		{"CA-BC", "CA", "CA-BC"},
		{"CA-QC", "CA", "CA-QC"},
		{"CA", "CA", "CA"},
		// A subdivision located beats a default naming another: the visitor is there.
		{"CA-BC", "CA-QC", "CA-BC"},
		{"CA-NU", "CA-QC", "CA-NU"},
		{"CA-QC", "CA-QC", "CA-QC"},
		// Only the default's country located: the default stands.
		{"CA", "CA-QC", "CA-QC"},
		// Another country: the located code, whole.
		{"GB", "CA", "GB"},
		{"GB-ENG", "CA", "GB-ENG"},
		{"US-WA", "CA-QC", "US-WA"},
		// No default: the located code.
		{"CA-BC", "", "CA-BC"},
	} {
		if got := snippets.Place(tc.located, tc.def); got != tc.want {
			t.Errorf("Place(%q, %q) = %q, want %q", tc.located, tc.def, got, tc.want)
		}
	}
}
