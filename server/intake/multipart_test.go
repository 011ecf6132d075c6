package intake_test

import (
	"strings"
	"testing"

	"github.com/signpost/edge/server/edgetest"
)

// TestFeedbackMultipartIs415: a multipart form (which fasthttp would parse before the handler)
// gets the intake's 415 JSON error with the page's CORS headers, so the widget can read it.
func TestFeedbackMultipartIs415(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	good := "--xyz\r\nContent-Disposition: form-data; name=\"partner\"\r\n\r\ndemo\r\n--xyz--\r\n"
	for _, tc := range []struct{ ctype, body string }{
		{"multipart/form-data; boundary=xyz", good},
		{"multipart/form-data; boundary=xyz", "not a multipart body at all"},
		{"multipart/form-data; boundary=other", good},
		{"multipart/form-data", good},
		{"application/x-www-form-urlencoded", "partner=demo"},
	} {
		ctype := tc.ctype
		r := e.DoFrom(t, "192.0.2.80", "POST", "/v1/feedback", []byte(tc.body), "Content-Type", ctype, "Origin", "http://localhost:8080")
		if r.StatusCode() != 415 || !strings.Contains(string(r.Body()), `"code":"unsupported_media_type"`) {
			t.Errorf("%s: %d %s, want 415 unsupported_media_type", ctype, r.StatusCode(), r.Body())
		}
		if got := string(r.Header.Peek("Access-Control-Allow-Origin")); got != "http://localhost:8080" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", ctype, got)
		}
	}
}
