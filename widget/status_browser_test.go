package widget_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// TestDegradedLineShown: with 988 degraded, the widget's banner shows the status message under
// the first line's name as soon as the snippet answers, and again under the line in the
// disclosure, in the page's language; the line's call and text buttons and the emergency
// number stay.
func TestDegradedLineShown(t *testing.T) {
	t.Parallel()
	content := edgetest.Degraded988(t, time.Now().Add(time.Hour).UTC().Format(time.RFC3339), time.Now())
	edge := edgetest.Start(t, edgetest.Browsing(t, server.Config{}, content)).URL()
	s := newSite(t, edge)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	for _, tc := range []struct{ locale, want string }{{"en", edgetest.DegradedEN}, {"fr", edgetest.DegradedFR}} {
		page := s.embed("/status-"+tc.locale, tc.locale, `data-partner="mhcc" data-region="CA"`, "", "", "")
		ctx := open(t, browser, page)
		root := shadow("banner")
		poll(t, ctx, root+`.querySelector('.head + .err')`)
		var got struct {
			Head, Line string
			Links      []string
		}
		raw := eval[string](t, ctx, `(() => { const r = `+root+`;
			r.querySelector('.more').click();
			const line = [...r.querySelectorAll('.line')].find((l) => l.querySelector('a[href="tel:988"]'));
			return JSON.stringify({head: r.querySelector('.head + .err').textContent,
				line: line && line.querySelector('.name + .err') ? line.querySelector('.name + .err').textContent : "",
				links: [...r.querySelectorAll('.acts > a.b')].map((a) => a.getAttribute('href'))});
		})()`)
		if err := json.Unmarshal([]byte(raw), &got); err != nil {
			t.Fatal(err)
		}
		if got.Head != tc.want || got.Line != tc.want {
			t.Errorf("%s: message under the first line %q, in the disclosure %q, want %q", tc.locale, got.Head, got.Line, tc.want)
		}
		if len(got.Links) != 3 || got.Links[0] != "tel:988" || got.Links[1] != "sms:988" || got.Links[2] != "tel:911" {
			t.Errorf("%s: the banner's buttons %v, want call 988, text 988 and 911", tc.locale, got.Links)
		}
		cleanProbe(t, ctx)
	}
}
