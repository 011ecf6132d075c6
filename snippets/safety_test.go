package snippets_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
)

// errorsAt validates c and returns the error paths and messages.
func errorsAt(t *testing.T, c *snippets.Content) []snippets.Problem {
	t.Helper()
	return c.Validate(snippets.ValidateOptions{Now: shippedNow}).Errors
}

func hasProblem(ps []snippets.Problem, path, code string) bool {
	return slices.ContainsFunc(ps, func(p snippets.Problem) bool { return p.Path == path && p.Code == code })
}

// TestNunavutNeverNames911: Nunavut has no 9-1-1 service, so content that would show it to a
// visitor placed there is refused wherever it would appear: the entry's emergency numbers, its
// sentence and note, a line it lists, a call hint, a notice that reaches it.
func TestNunavutNeverNames911(t *testing.T) {
	if errs := errorsAt(t, loadShipped(t).Content); len(errs) != 0 {
		t.Fatalf("shipped content: %v", errs)
	}
	for _, tc := range []struct {
		name  string
		edit  func(c *snippets.Content)
		path  string
		code  string
		label string
	}{
		{"emergency", func(c *snippets.Content) {
			c.Regions["CA-NU"].Emergency = []string{"911"}
			c.Regions["CA-NU"].EmergencyNote = nil
		}, "regions.CA-NU.emergency[0]", "emergency_unreached", ""},
		{"sentence", func(c *snippets.Content) {
			c.Regions["CA-NU"].Message["en"] += " If it is an emergency, call 9-1-1."
		}, "regions.CA-NU.message.en", "names_unreached", ""},
		{"sentence, French, spaced", func(c *snippets.Content) {
			c.Regions["CA-NU"].Message["fr"] += " Urgence : 9 1 1."
		}, "regions.CA-NU.message.fr", "names_unreached", ""},
		{"note", func(c *snippets.Content) {
			c.Regions["CA-NU"].EmergencyNote["en"] = "Emergency: 911"
		}, "regions.CA-NU.emergency_note.en", "emergency_note_number", ""},
		{"a line that dials it", func(c *snippets.Content) {
			c.Lines["nu-test"] = &snippets.Line{ID: "nu-test", Country: "CA", Name: snippets.Text{"en": "Test"}, Call: "911",
				Hours: snippets.Text{"en": "24/7"}, Source: "https://example.org", VerifiedOn: "2026-12-01"}
			c.Regions["CA-NU"].Lines = append(c.Regions["CA-NU"].Lines, "nu-test")
		}, "regions.CA-NU.lines[3]", "line_unreached", ""},
		{"a call hint", func(c *snippets.Content) {
			c.Lines["ca-988"].CallHint = snippets.Text{"en": "or 9-1-1"}
		}, "regions.CA-NU.lines[0]", "line_unreached", ""},
		{"a notice for everyone", func(c *snippets.Content) {
			c.Notices = []*snippets.Notice{{ID: "storm", Message: snippets.Text{"en": "Lines are busy: in an emergency call 911."}, ExpiresAt: "2027-01-01T00:00:00Z"}}
		}, "notices[0].message.en", "names_unreached", ""},
		{"a notice for Canada", func(c *snippets.Content) {
			c.Notices = []*snippets.Notice{{ID: "storm", Regions: []string{"CA"}, Message: snippets.Text{"fr": "Composez le 9-1-1.", "en": "Call 988."}, ExpiresAt: "2027-01-01T00:00:00Z"}}
		}, "notices[0].message.fr", "names_unreached", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadShipped(t).Content
			c = clone(t, c)
			tc.edit(c)
			errs := errorsAt(t, c)
			if !hasProblem(errs, tc.path, tc.code) {
				t.Errorf("want %s at %s, got %v", tc.code, tc.path, errs)
			}
		})
	}
	// A notice for another province may name 9-1-1.
	c := clone(t, loadShipped(t).Content)
	c.Notices = []*snippets.Notice{{ID: "storm", Regions: []string{"CA-BC"}, Message: snippets.Text{"en": "In an emergency, call 9-1-1."}, ExpiresAt: "2027-01-01T00:00:00Z"}}
	if errs := errorsAt(t, c); len(errs) != 0 {
		t.Errorf("a BC notice naming 9-1-1: %v", errs)
	}
}

// TestNunavutWithoutEntry: content with Canada's entry and no Nunavut entry still never shows
// 9-1-1 to a visitor placed in Nunavut: the selection gives them the neutral banner, the widget
// data tells the widget so, and validation warns.
func TestNunavutWithoutEntry(t *testing.T) {
	l := loadShipped(t)
	c := clone(t, l.Content)
	delete(c.Regions, "CA-NU")
	r := c.Validate(snippets.ValidateOptions{Now: shippedNow})
	if len(r.Errors) != 0 || !slices.ContainsFunc(r.Warnings, func(p snippets.Problem) bool { return p.Code == "unreached_entry_missing" }) {
		t.Errorf("without CA-NU: errors %v, warnings %v", r.Errors, r.Warnings)
	}
	if got := c.RegionEntry("CA-NU"); got != "" {
		t.Errorf("RegionEntry(CA-NU) without its entry = %q, want the neutral banner", got)
	}
	if got := c.RegionEntry("CA-ON"); got != "CA-ON" {
		t.Errorf("RegionEntry(CA-ON) = %q", got)
	}
	delete(c.Regions, "CA-ON")
	if got := c.RegionEntry("CA-ON"); got != "CA" {
		t.Errorf("RegionEntry(CA-ON) without its entry = %q, want CA", got)
	}
	b, err := (&snippets.Loaded{Content: c, Version: "v"}).WidgetData(nil)
	if err != nil {
		t.Fatal(err)
	}
	var d struct{ Emergency map[string]*string }
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if e, ok := d.Emergency["CA-NU"]; !ok || e == nil || *e != "" {
		t.Errorf("widget emergency for CA-NU without its entry = %v (listed %t), want listed and empty", e, ok)
	}
}

// TestWithdrawnNumbers: the closed, replaced and reused numbers of the research notes are
// refused in a line and in a notice, in any spelling.
func TestWithdrawnNumbers(t *testing.T) {
	for _, tc := range []struct{ country, call, text string }{
		{"CA", "1-800-667-5005", ""}, // CHIMO, closed 2025-03-28
		{"CA", "1 800 218 2885", ""}, // PEI Island Helpline
		{"CA", "+18445333030", ""},   // Yukon, disconnected and reused
		{"CA", "800-661-0844", ""},   // NWT Help Line, without the 1
		{"CA", "1-833-456-4566", "45645"},
		{"CA", "", "741741"},
		{"US", "1-866-903-3787", ""},
		{"GB", "08457 90 90 90", ""},
	} {
		c := clone(t, loadShipped(t).Content)
		c.Lines["ca-988"].Country = tc.country
		c.Lines["ca-988"].Call, c.Lines["ca-988"].Text, c.Lines["ca-988"].CallTel = tc.call, tc.text, ""
		errs := errorsAt(t, c)
		if !slices.ContainsFunc(errs, func(p snippets.Problem) bool {
			return p.Code == "withdrawn_number" && strings.HasPrefix(p.Path, "lines.ca-988.")
		}) {
			t.Errorf("%s %q/%q: no withdrawn_number error: %v", tc.country, tc.call, tc.text, errs)
		}
	}
	c := clone(t, loadShipped(t).Content)
	c.Notices = []*snippets.Notice{{ID: "chimo", Regions: []string{"CA-NB"}, Message: snippets.Text{"en": "Call CHIMO at 1-800-667-5005."}, ExpiresAt: "2027-01-01T00:00:00Z"}}
	if errs := errorsAt(t, c); !hasProblem(errs, "notices[0].message.en", "withdrawn_number") {
		t.Errorf("notice naming CHIMO: %v", errs)
	}
	// The same digits in another country are not that line.
	if why := snippets.Withdrawn("AU", "741741"); why != "" {
		t.Errorf("741741 in AU: %q", why)
	}
}

// TestWays: a line's languages and ways in, as visitors read them.
func TestWays(t *testing.T) {
	l := loadShipped(t)
	for _, tc := range []struct {
		id       string
		loc      snippets.Locale
		want     string
		contains []string
	}{
		{"ca-hope-for-wellness", snippets.English, "English, French · Cree, Ojibway and Inuktut on request", nil},
		{"ca-hope-for-wellness", snippets.French, "anglais, français · cri, ojibwé et inuktut sur demande", nil},
		{"us-988", snippets.English, "English, Spanish · ASL by videophone", nil},
		{"nt-811", snippets.French, "service de relais vidéo", nil},
		{"sk-healthline-811", snippets.English, "English · interpreters available", nil},
		{"gb-samaritans", snippets.English, "", nil},
	} {
		if got := l.Lines[tc.id].Ways(tc.loc); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.id, tc.loc, got, tc.want)
		}
	}
	c := clone(t, l.Content)
	c.Lines["ca-988"].Access = []string{"fax"}
	c.Lines["ca-988"].Languages = []string{"xx"}
	r := c.Validate(snippets.ValidateOptions{Now: shippedNow})
	if !hasProblem(r.Errors, "lines.ca-988.access[0]", "not_one_of") ||
		!slices.ContainsFunc(r.Warnings, func(p snippets.Problem) bool { return p.Code == "language_unnamed" }) {
		t.Errorf("unknown access kind and language: errors %v warnings %v", r.Errors, r.Warnings)
	}
}

// TestChoice: the places a visitor may choose from are their country's entries, the country's
// own first, then by name in the visitor's language; none for a country with one entry.
func TestChoice(t *testing.T) {
	l := loadShipped(t)
	ch := l.Choice("CA-BC", snippets.French)
	if ch == nil || len(ch.Places) != 14 {
		t.Fatalf("CA-BC choice: %+v", ch)
	}
	if ch.Places[0].Code != "CA" || !strings.HasPrefix(ch.Places[0].Name, "Canada") {
		t.Errorf("first place %+v, want the country", ch.Places[0])
	}
	var names []string
	for _, p := range ch.Places[1:] {
		names = append(names, p.Name)
		if !strings.HasPrefix(p.Code, "CA-") {
			t.Errorf("place %+v is not a Canadian entry", p)
		}
	}
	// Île-du-Prince-Édouard sorts among the I's, not after Z.
	if i := slices.Index(names, "Île-du-Prince-Édouard"); i < 0 || names[i+1] != "Manitoba" {
		t.Errorf("French order: %v", names)
	}
	if !strings.Contains(ch.Label, "Colombie-Britannique") {
		t.Errorf("label %q does not name the place", ch.Label)
	}
	if en := l.Choice("CA", snippets.English); en == nil || strings.Contains(en.Label, "Not in") {
		t.Errorf("country-level label: %+v", en)
	}
	for _, key := range []string{"US", "AU", ""} {
		if got := l.Choice(key, snippets.English); got != nil {
			t.Errorf("Choice(%q) = %+v, want none (one entry)", key, got)
		}
	}
	if gb := l.Choice("GB", snippets.English); gb == nil || len(gb.Places) != 2 || gb.Places[1].Code != "GB-ENG" {
		t.Errorf("GB choice: %+v", gb)
	}
}

// clone deep-copies content through YAML, as a fresh Parse would give it.
func clone(t *testing.T, c *snippets.Content) *snippets.Content {
	t.Helper()
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var out snippets.Content
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	for k, r := range out.Regions {
		r.Code = k
	}
	for k, l := range out.Lines {
		l.ID = k
	}
	for k, p := range out.Partners {
		p.ID = k
	}
	return &out
}
