package snippets_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

// withEveningLine is the shipped content with a line open 16:00-21:00 in Tokyo time listed first
// in CA-BC (a made-up line: the hours are Inochi no Denwa's as the notes give them), and one open
// 22:00-01:00 Toronto time listed second.
func withEveningLine(t *testing.T) *snippets.Loaded {
	t.Helper()
	c := clone(t, loadShipped(t).Content)
	evening, err := snippets.NewSchedule("Asia/Tokyo", []string{"Mo-Su 16:00-21:00"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	night, err := snippets.NewSchedule("America/Toronto", []string{"Mo-Su 22:00-01:00"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, s := range map[string]*snippets.Schedule{"test-evening": evening, "test-night": night} {
		c.Lines[id] = &snippets.Line{ID: id, Country: "CA", Name: snippets.Text{"en": id}, Call: "1-800-555-0100",
			Schedule: s, Hours: snippets.Text{"en": "free"}, Source: "https://example.org", VerifiedOn: "2026-12-01"}
	}
	c.Regions["CA-BC"].Lines = append([]string{"test-evening", "test-night"}, c.Regions["CA-BC"].Lines...)
	if r := c.Validate(snippets.ValidateOptions{Now: shippedNow}); len(r.Errors) != 0 {
		t.Fatal(r.Errors)
	}
	return &snippets.Loaded{Content: c, Version: "test"}
}

// TestBannerHours: a line with weekly hours says whether it is open at the time the answer is
// drawn, on the visitor's clock when their zone is known (else on the line's own, named); closed
// lines come after the open ones and are never hidden; the answer is drawn again when a status
// changes. Times are instants: the same line, the same status, whatever zone the visitor is in,
// across midnight in the line's zone and across a change of daylight saving time.
func TestBannerHours(t *testing.T) {
	l := withEveningLine(t)
	ids := func(b *snippets.BannerView) string {
		var out []string
		for _, v := range b.Lines {
			out = append(out, v.ID)
		}
		return strings.Join(out, ",")
	}
	line := func(b *snippets.BannerView, id string) snippets.LineView {
		for _, v := range b.Lines {
			if v.ID == id {
				return v
			}
		}
		t.Fatalf("no line %s in %s", id, ids(b))
		return snippets.LineView{}
	}
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	toronto, _ := time.LoadLocation("America/Toronto")
	vancouver, _ := time.LoadLocation("America/Vancouver")
	for _, tc := range []struct {
		name           string
		now            time.Time
		first, last    string // the first and last lines
		evening, night string // their hours on the lines' own clocks
		vanEvening     string // the evening line on a Vancouver visitor's clock
		until          time.Time
	}{
		{"Tokyo 15:59: both closed, 988 first", time.Date(2026, 12, 8, 15, 59, 0, 0, tokyo), "ca-988", "test-night",
			"Closed · opens 16:00 (Tokyo time)", "Closed · opens 22:00 (Toronto time)", "Closed · opens 23:00",
			time.Date(2026, 12, 8, 16, 0, 0, 0, tokyo)},
		{"Tokyo 16:00: the evening line opens", time.Date(2026, 12, 8, 16, 0, 0, 0, tokyo), "test-evening", "test-night",
			"Open now · until 21:00 (Tokyo time)", "Closed · opens 22:00 (Toronto time)", "Open now · until Tue 04:00",
			time.Date(2026, 12, 8, 21, 0, 0, 0, tokyo)},
		{"Toronto 00:30 Saturday: the night line, open since Friday 22:00", time.Date(2026, 12, 12, 0, 30, 0, 0, toronto), "test-night", "test-evening",
			"Closed · opens 16:00 (Tokyo time)", "Open now · until 01:00 (Toronto time)", "Closed · opens 23:00",
			time.Date(2026, 12, 12, 1, 0, 0, 0, toronto)},
		// 2027-03-14 is the spring-forward day in Toronto and Vancouver: 22:00 stays 22:00 local.
		{"Toronto 21:59 on the DST day", time.Date(2027, 3, 14, 21, 59, 0, 0, toronto), "ca-988", "test-night",
			"Closed · opens 16:00 (Tokyo time)", "Closed · opens 22:00 (Toronto time)", "Closed · opens Mon 00:00",
			time.Date(2027, 3, 14, 22, 0, 0, 0, toronto)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, visitor := range []string{"UTC", "America/Vancouver", "Asia/Tokyo"} {
				z, _ := time.LoadLocation(visitor)
				b := l.BannerFor("CA-BC", snippets.English, tc.now.In(z), nil)
				if b.Lines[0].ID != tc.first || b.Lines[len(b.Lines)-1].ID != tc.last {
					t.Errorf("%s: lines %s, want %s first and %s last (closed lines are kept, after the open ones)", visitor, ids(b), tc.first, tc.last)
				}
				if len(b.Lines) != len(l.Regions["CA-BC"].Lines) {
					t.Errorf("%s: %d lines shown, want all %d", visitor, len(b.Lines), len(l.Regions["CA-BC"].Lines))
				}
				if got := line(b, "test-evening").Hours; got != tc.evening+" · free" {
					t.Errorf("%s: evening %q, want %q", visitor, got, tc.evening+" · free")
				}
				if got := line(b, "test-night").Hours; got != tc.night+" · free" {
					t.Errorf("%s: night %q, want %q", visitor, got, tc.night+" · free")
				}
				if !b.Until.Equal(tc.until) {
					t.Errorf("%s: drawn again at %v, want %v", visitor, b.Until, tc.until)
				}
				if nine := line(b, "ca-988"); !nine.Always || nine.Hours != "24/7 · free" {
					t.Errorf("%s: 988 %+v, want always, \"24/7 · free\"", visitor, nine)
				}
			}
			// On a visitor's clock: no zone named, the time theirs.
			b := l.BannerFor("CA-BC", snippets.English, tc.now, vancouver)
			if got := line(b, "test-evening").Hours; got != tc.vanEvening+" · free" {
				t.Errorf("Vancouver clock: evening %q, want %q", got, tc.vanEvening+" · free")
			}
		})
	}
	// A weekday when the opening is not today on the clock it is said on; in French.
	b := l.BannerFor("CA-BC", snippets.French, time.Date(2026, 12, 8, 22, 0, 0, 0, tokyo), tokyo)
	if got := line(b, "test-evening").Hours; got != "Fermé · ouvre à mer. 16:00 · free" {
		t.Errorf("French, tomorrow: %q", got)
	}
	// The snippet JSON is drawn again at the change; the widget data carries no status (a bundle
	// is cached: it cannot know the time), only the note.
	raw, until, err := l.Render(l.Partners["demo"], snippets.English, "CA-BC", snippets.Banner, time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC), vancouver, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"hours":"Closed · opens 23:00 · free"`) || !until.Equal(time.Date(2026, 12, 8, 22, 0, 0, 0, toronto)) {
		t.Errorf("snippet: until %v, %s", until, raw)
	}
	bakedContent := clone(t, l.Content)
	bakedContent.Partners["demo"].Regions = []string{"CA-BC"}
	d, err := (&snippets.Loaded{Content: bakedContent, Version: "v"}).WidgetData(nil)
	if err != nil {
		t.Fatal(err)
	}
	var wd struct {
		Lines map[string]struct {
			Hours snippets.Text `json:"hours"`
		} `json:"lines"`
	}
	if err := json.Unmarshal(d, &wd); err != nil {
		t.Fatal(err)
	}
	if h := wd.Lines["test-evening"].Hours; h["en"] != "free" {
		t.Errorf("baked evening line hours %v", h)
	}
	if h := wd.Lines["ca-988"].Hours; h["en"] != "24/7 · free" || h["fr"] != "24 h/24, 7 j/7 · gratuit" {
		t.Errorf("baked 988 hours %v", h)
	}
	if l.Scheduled("CA") || !l.Scheduled("CA-BC") {
		t.Error("Scheduled: CA-BC has weekly hours, CA none")
	}
}
