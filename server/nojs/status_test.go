package nojs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/edgetest"
)

// TestDegradedLine: the fragment and the frame page show a degraded line's message under its
// name, as the first line above the buttons and in the disclosure, in the page's language,
// with the line's call and text links and the emergency number still there; at the status's
// end (the edge's clock) the message goes.
func TestDegradedLine(t *testing.T) {
	end := edgetest.Now.Add(2 * time.Hour)
	e := edgetest.Start(t, edgetest.Options{Content: edgetest.Degraded988(t, end.Format(time.RFC3339), edgetest.Now)})
	for _, tc := range []struct{ uri, msg string }{
		{"/v1/banner/demo.html?region=CA&locale=en", edgetest.DegradedEN},
		{"/v1/banner/demo.html?region=CA-ON&locale=fr", "Les appels échouent. Textez le 988."},
		{"/v1/frame/demo?region=CA&locale=en", edgetest.DegradedEN},
		{"/v1/frame/demo?region=CA-BC&locale=fr", "Les appels échouent. Textez le 988."},
	} {
		r := e.Do(t, "GET", tc.uri, nil)
		html := string(edgetest.Decode(t, r))
		want := `<p class="signpost-err">` + strings.ReplaceAll(tc.msg, "'", "&#39;") + `</p>`
		// Once under the first line's name above the buttons, once in the disclosure.
		if r.StatusCode() != 200 || strings.Count(html, want) != 2 {
			t.Errorf("%s: %d, the message %d times, want 2:\n%s", tc.uri, r.StatusCode(), strings.Count(html, want), html)
		}
		head := strings.Index(html, `class="signpost-head"`)
		if i := strings.Index(html, want); head < 0 || i < head || i > strings.Index(html, `class="signpost-acts`) {
			t.Errorf("%s: the message is not between the first line's name and the buttons", tc.uri)
		}
		hrefs := strings.Join(edgetest.Hrefs(html), " ")
		for _, h := range []string{"tel:988", "sms:988", "tel:911"} {
			if !strings.Contains(hrefs, h) {
				t.Errorf("%s: %s hidden by the status (links %s)", tc.uri, h, hrefs)
			}
		}
	}
	e.Advance(2*time.Hour + time.Minute)
	for _, uri := range []string{"/v1/banner/demo.html?region=CA&locale=en", "/v1/frame/demo?region=CA&locale=en"} {
		if html := string(edgetest.Decode(t, e.Do(t, "GET", uri, nil))); strings.Contains(html, edgetest.DegradedEN) || strings.Contains(html, "signpost-err") {
			t.Errorf("%s after the status's end still shows it", uri)
		}
	}
}
