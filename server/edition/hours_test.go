package edition_test

import (
	"bytes"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// eveningContent is the shipped content with an evening line (16:00-21:00 Tokyo time, the hours
// the research notes give Inochi no Denwa; a made-up number) listed in British Columbia.
func eveningContent(t *testing.T) *snippets.Loaded {
	t.Helper()
	src := bytes.Replace(configs.Content, []byte("\nlines:\n"), []byte(`
lines:
  test-evening:
    country: CA
    name: {en: "Evening line"}
    call: "1-800-555-0100"
    schedule: {zone: Asia/Tokyo, weekly: ["Mo-Su 16:00-21:00"]}
    source: "https://example.org"
    verified_on: "2026-12-01"
`), 1)
	src = bytes.Replace(src, []byte("lines: [ca-988, bc-1800-suicide,"), []byte("lines: [ca-988, test-evening, bc-1800-suicide,"), 1)
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: edgetest.Now})
	if err != nil {
		t.Fatal(err)
	}
	if l.Lines["test-evening"] == nil || !l.Scheduled("CA-BC") {
		t.Fatal("the evening line is not in CA-BC")
	}
	return l
}

// TestSnippetHoursOnTheVisitorsClock: a line with weekly hours says when it opens on the clock of
// the time zone the widget sends (one of the table's), else on the line's own, named; each clock
// is its own cached answer, and an answer is drawn again when the line opens or closes (an
// injected clock moved across 16:00 Tokyo time). Entries without weekly hours ignore tz.
func TestSnippetHoursOnTheVisitorsClock(t *testing.T) {
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	var now atomic.Value
	now.Store(time.Date(2026, 12, 8, 12, 0, 0, 0, tokyo)) // closed: opens at 16:00 Tokyo time
	e := edgetest.Start(t, edgetest.Options{Content: eveningContent(t), Config: server.Config{Now: func() time.Time { return now.Load().(time.Time) }}})
	hours := func(uri string) string {
		t.Helper()
		s, r := edgetest.GetSnippet(t, e, uri)
		if r.StatusCode() != 200 || s.Banner == nil {
			t.Fatalf("%s: %d %s", uri, r.StatusCode(), r.Body())
		}
		for _, l := range s.Banner.Lines {
			if l.ID == "test-evening" {
				return l.Hours
			}
		}
		t.Fatalf("%s: no evening line", uri)
		return ""
	}
	for _, tc := range []struct{ uri, want string }{
		{"/v1/snippets/demo/banner?region=CA-BC&tz=America/Vancouver", "Closed · opens 23:00"},
		{"/v1/snippets/demo/banner?region=CA-BC&tz=Asia/Tokyo", "Closed · opens 16:00"},
		{"/v1/snippets/demo/banner?region=CA-BC&tz=America/Toronto&locale=fr", "Fermé · ouvre à mar. 02:00"}, // Monday 22:00 in Toronto: Tuesday
		{"/v1/snippets/demo/banner?region=CA-BC", "Closed · opens 16:00 (Tokyo time)"},
		// A zone not in the table (nor a zone at all) is not the visitor's clock: the line's own.
		{"/v1/snippets/demo/banner?region=CA-BC&tz=Etc/GMT%2B5", "Closed · opens 16:00 (Tokyo time)"},
		{"/v1/snippets/demo/banner?region=CA-BC&tz=Mars/Olympus_Mons", "Closed · opens 16:00 (Tokyo time)"},
	} {
		if got := hours(tc.uri); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.uri, got, tc.want)
		}
	}
	// 16:00 in Tokyo: open, said again from the same URIs.
	now.Store(time.Date(2026, 12, 8, 16, 0, 0, 0, tokyo))
	if got := hours("/v1/snippets/demo/banner?region=CA-BC&tz=America/Vancouver"); got != "Open now · until Tue 04:00" {
		t.Errorf("at 16:00 Tokyo time, on Vancouver's clock: %q", got)
	}
	if got := hours("/v1/snippets/demo/banner?region=CA-BC"); got != "Open now · until 21:00 (Tokyo time)" {
		t.Errorf("at 16:00 Tokyo time, on the line's clock: %q", got)
	}
	// The open line comes before the 24/7 lines it followed; closed, it came after them.
	s, _ := edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner?region=CA-BC&tz=Asia/Tokyo")
	if ids := strings.Join(edgetest.LineIDs(s.Banner), ","); !strings.HasPrefix(ids, "ca-988,test-evening,") {
		t.Errorf("open: lines %s", ids)
	}
	now.Store(time.Date(2026, 12, 8, 21, 0, 0, 0, tokyo))
	s, _ = edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner?region=CA-BC&tz=Asia/Tokyo")
	if ids := edgetest.LineIDs(s.Banner); ids[len(ids)-1] != "test-evening" {
		t.Errorf("closed: lines %v, want the closed line last (never hidden)", ids)
	}
	// An entry without weekly hours is one answer whatever the zone.
	a, _ := edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner?region=CA-ON&tz=Asia/Tokyo")
	b, _ := edgetest.GetSnippet(t, e, "/v1/snippets/demo/banner?region=CA-ON&tz=America/Vancouver")
	if a.Banner == nil || b.Banner == nil || a.Banner.Lines[0].Hours != b.Banner.Lines[0].Hours || a.Banner.Lines[0].Hours != "24/7 · free" {
		t.Errorf("CA-ON: %+v / %+v", a.Banner, b.Banner)
	}
}
