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

// TestBannerHours: a line with weekly hours carries its slots and says, server-side, whether it
// is open; closed lines come after the open ones and are never hidden; the rendering is drawn
// again when a status changes. Times are instants: the same answer whatever zone the visitor is
// in, across midnight in the line's zone and across a change of daylight saving time.
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
	for _, tc := range []struct {
		name     string
		now      time.Time
		first    string // the first line
		evening  string // its status
		night    string
		until    time.Time
		lastLine string
	}{
		{"Tokyo 15:59: both closed, 988 first", time.Date(2026, 12, 8, 15, 59, 0, 0, tokyo), "ca-988",
			"Closed · opens 16:00 (Tokyo time)", "Closed · opens 22:00 (Toronto time)", time.Date(2026, 12, 8, 16, 0, 0, 0, tokyo), "test-night"},
		{"Tokyo 16:00: the evening line opens", time.Date(2026, 12, 8, 16, 0, 0, 0, tokyo), "test-evening",
			"Open now · until 21:00 (Tokyo time)", "", time.Date(2026, 12, 8, 21, 0, 0, 0, tokyo), "test-night"},
		{"Toronto 00:30 Saturday: the night line, open since Friday 22:00", time.Date(2026, 12, 12, 0, 30, 0, 0, toronto), "test-night",
			"Closed · opens 16:00 (Tokyo time)", "Open now · until 01:00 (Toronto time)", time.Date(2026, 12, 12, 1, 0, 0, 0, toronto), "test-evening"},
		// 2027-03-14 is the spring-forward day in Toronto: the 22:00 opening stays 22:00 local.
		{"Toronto 21:59 on the DST day", time.Date(2027, 3, 14, 21, 59, 0, 0, toronto), "ca-988",
			"", "Closed · opens 22:00 (Toronto time)", time.Date(2027, 3, 14, 22, 0, 0, 0, toronto), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, visitor := range []string{"UTC", "America/Vancouver", "Asia/Tokyo"} {
				z, _ := time.LoadLocation(visitor)
				b := l.BannerFor("CA-BC", snippets.English, tc.now.In(z))
				if b.Lines[0].ID != tc.first {
					t.Errorf("%s: lines %s, want %s first", visitor, ids(b), tc.first)
				}
				if tc.lastLine != "" && b.Lines[len(b.Lines)-1].ID != tc.lastLine {
					t.Errorf("%s: lines %s, want %s last (closed lines are kept, after the open ones)", visitor, ids(b), tc.lastLine)
				}
				if len(b.Lines) != len(l.Regions["CA-BC"].Lines) {
					t.Errorf("%s: %d lines shown, want all %d", visitor, len(b.Lines), len(l.Regions["CA-BC"].Lines))
				}
				if tc.evening != "" && line(b, "test-evening").Status != tc.evening+" · free" {
					t.Errorf("%s: evening status %q, want %q", visitor, line(b, "test-evening").Status, tc.evening+" · free")
				}
				if tc.night != "" && line(b, "test-night").Status != tc.night+" · free" {
					t.Errorf("%s: night status %q, want %q", visitor, line(b, "test-night").Status, tc.night+" · free")
				}
				if !b.Until.Equal(tc.until) {
					t.Errorf("%s: drawn again at %v, want %v", visitor, b.Until, tc.until)
				}
				if b.HoursText == nil || b.HoursText.Open != "Open now" {
					t.Errorf("%s: hours_text %+v", visitor, b.HoursText)
				}
				ev := line(b, "test-evening")
				if ev.Always || len(ev.Slots) < 6 || ev.Hours != "free" {
					t.Errorf("%s: evening line %+v: want a week of slots and the note as hours", visitor, ev)
				}
				if nine := line(b, "ca-988"); !nine.Always || nine.Slots != nil || nine.Hours != "24/7 · free" {
					t.Errorf("%s: 988 %+v, want always, no slots, \"24/7 · free\"", visitor, nine)
				}
			}
		})
	}
	// The night line's slot on the spring-forward night: 22:00 EDT to 01:00 EDT, three hours.
	b := l.BannerFor("CA-BC", snippets.French, time.Date(2027, 3, 14, 12, 0, 0, 0, toronto))
	s := line(b, "test-night").Slots[0]
	if start, end := time.UnixMilli(s[0]).In(toronto), time.UnixMilli(s[1]).In(toronto); start.Hour() != 22 || end.Sub(start) != 3*time.Hour {
		t.Errorf("night slot on the DST day %v – %v", start, end)
	}
	if got := line(b, "test-night").Status; got != "Fermé · ouvre à 22:00 (heure de Toronto) · free" {
		t.Errorf("French status %q", got)
	}
	// The snippet JSON carries slots and words; the widget data carries no slots (a bundle is
	// cached: it cannot know the time), only the note.
	raw, until, err := l.Render(l.Partners["demo"], snippets.English, "CA-BC", snippets.Banner, time.Date(2026, 12, 8, 12, 0, 0, 0, time.UTC), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"slots":[[`) || !strings.Contains(string(raw), `"hours_text":{"open":"Open now"`) || until.IsZero() {
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
	if h := wd.Lines["test-evening"].Hours; h["en"] != "free" || strings.Contains(string(d), "slots") {
		t.Errorf("baked evening line hours %v", h)
	}
	if h := wd.Lines["ca-988"].Hours; h["en"] != "24/7 · free" || h["fr"] != "24 h/24, 7 j/7 · gratuit" {
		t.Errorf("baked 988 hours %v", h)
	}
}
