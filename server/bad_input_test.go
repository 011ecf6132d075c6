package server_test

import (
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// TestDuplicateInput: a query parameter that may appear once but appears twice, and a JSON
// body naming a key twice, are 400s naming it, with the route's CORS headers where it has them
// (so that the widget can read the error). encoding/json and fasthttp would each have picked
// one of the two silently.
func TestDuplicateInput(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{AdminToken: edgetest.AliceToken}})
	const page = "http://localhost:8080"
	for _, tc := range []struct {
		method, uri, body, ctype string
		headers                  []string
		status                   int
		code, field, cors        string
	}{
		{"GET", "/v1/snippets/demo?region=CA&region=GB", "", "", nil, 400, "duplicate_parameter", "region", "*"},
		{"GET", "/v1/snippets/demo?locale=fr&region=CA&locale=en", "", "", nil, 400, "duplicate_parameter", "locale", "*"},
		{"GET", "/v1/widget.js?v=1&v=2", "", "", nil, 400, "duplicate_parameter", "v", "*"},
		{"GET", "/embed/code?partner=demo&partner=mhcc", "", "", nil, 400, "duplicate_parameter", "partner", ""},
		{"GET", "/v1/admin/feedback?format=csv&format=jsonl", "", "", edgetest.Bearer(edgetest.AliceToken), 400, "duplicate_parameter", "format", ""},
		{"GET", "/embed/code?partner=demo&components=banner&components=exit", "", "", nil, 200, "", "", ""},
		{"POST", "/v1/feedback", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"partner":"mhcc"}`, "text/plain", []string{"Origin", page}, 400, "duplicate_field", "partner", page},
		{"POST", "/v1/beacon", `{"partner":"demo","region":"CA","event":"shown","event":"tel"}`, "text/plain", []string{"Origin", page}, 400, "duplicate_field", "event", ""},
		{"PUT", "/v1/admin/partners/demo/featured", `{"featured":["peer-support-guidelines"],"featured":[]}`, "application/json", edgetest.Bearer(edgetest.AliceToken), 400, "duplicate_field", "featured", ""},
	} {
		headers := append([]string{}, tc.headers...)
		if tc.ctype != "" {
			headers = append(headers, "Content-Type", tc.ctype)
		}
		var body []byte
		if tc.body != "" {
			body = []byte(tc.body)
		}
		r := e.DoFrom(t, "192.0.2.90", tc.method, tc.uri, body, headers...)
		if r.StatusCode() != tc.status {
			t.Errorf("%s %s: %d %s, want %d", tc.method, tc.uri, r.StatusCode(), r.Body(), tc.status)
			continue
		}
		if tc.status == 200 {
			continue
		}
		if code, field := edgetest.JSONError(t, r); code != tc.code || field != tc.field {
			t.Errorf("%s %s: %s (field %q), want %s (field %q)", tc.method, tc.uri, code, field, tc.code, tc.field)
		}
		if got := string(r.Header.Peek("Access-Control-Allow-Origin")); got != tc.cors {
			t.Errorf("%s %s: Access-Control-Allow-Origin %q, want %q", tc.method, tc.uri, got, tc.cors)
		}
	}
}
