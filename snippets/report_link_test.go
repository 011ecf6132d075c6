package snippets_test

import (
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

// TestReportLinks: each line of a snippet's banner carries its "Report a problem with this
// line" link, in the snippet's language, to the frame page of the partner, locale and region
// entry with that line's report form open; the server-rendered banners (BannerFor) have none.
func TestReportLinks(t *testing.T) {
	l := loadShipped(t)
	now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		loc   snippets.Locale
		label string
	}{{snippets.English, "Report a problem with this line"}, {snippets.French, "Signaler un problème avec cette ligne"}} {
		v, _ := render(t, l, "demo", tc.loc, "CA-QC", snippets.All, now)
		if len(v.Banner.Lines) < 2 {
			t.Fatalf("%s: %d lines", tc.loc, len(v.Banner.Lines))
		}
		for _, line := range v.Banner.Lines {
			want := "/v1/frame/demo?locale=" + string(tc.loc) + "&region=CA-QC&report=" + line.ID + "#report"
			if r := line.Report; r == nil || r.URL != want || r.Label != tc.label {
				t.Errorf("%s %s: report link %+v, want %q %q", tc.loc, line.ID, r, want, tc.label)
			}
		}
	}
	for _, line := range l.BannerFor("CA-QC", snippets.English, now, nil).Lines {
		if line.Report != nil {
			t.Errorf("BannerFor gives %s a report link", line.ID)
		}
	}
}
