package snippets

import (
	"encoding/json"
	"os"
	"testing"
)

// RuleCases are the cases of testdata/rules.json.
type RuleCases struct {
	Accent  [][2]string `json:"accent"`
	Entries []string    `json:"entries"`
	Region  [][2]string `json:"region"`
	Place   [][3]string `json:"place"`
}

func readRuleCases(t *testing.T) RuleCases {
	t.Helper()
	b, err := os.ReadFile("testdata/rules.json")
	if err != nil {
		t.Fatal(err)
	}
	var c RuleCases
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Accent) < 10 || len(c.Region) < 10 || len(c.Place) < 10 {
		t.Fatalf("too few cases: %+v", c)
	}
	return c
}

// TestRules: the edge's accent and region fallback give what testdata/rules.json says (the
// widget's give the same: TestWidgetRules).
func TestRules(t *testing.T) {
	c := readRuleCases(t)
	for _, a := range c.Accent {
		if got := Accent(a[0]); got != a[1] {
			t.Errorf("Accent(%q) = %q, want %q (contrast %.2f)", a[0], got, a[1], contrastIf(a[0]))
		}
	}
	content := &Content{Regions: map[string]*Region{}}
	for _, e := range c.Entries {
		content.Regions[e] = &Region{Code: e}
	}
	for _, r := range c.Region {
		if got := content.RegionEntry(r[0]); got != r[1] {
			t.Errorf("RegionEntry(%q) = %q, want %q", r[0], got, r[1])
		}
	}
	for _, p := range c.Place {
		if got := Place(p[0], p[1]); got != p[2] {
			t.Errorf("Place(%q, %q) = %q, want %q", p[0], p[1], got, p[2])
		}
	}
	for _, id := range []string{"demo", "ca-988", "a", "0-x"} {
		if !ValidID(id) {
			t.Errorf("ValidID(%q) = false", id)
		}
	}
	for _, id := range []string{"", "-a", "Demo", "a_b", "a b", string(make([]byte, 64))} {
		if ValidID(id) {
			t.Errorf("ValidID(%q) = true", id)
		}
	}
}

func contrastIf(a string) float64 {
	if !ValidColour(a) {
		return 0
	}
	return ContrastOnWhite(a)
}
