package server_test

import (
	"strings"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// TestEveryRouteAnswersBadInputInJSON sends every registered route (and the widget's) bad input
// with and without an operator token: a method it does not take, a query of junk, a body of
// junk. Nothing may answer 5xx (but 503 for a store this edge lacks), and every error is the
// JSON shape (but the no-JavaScript form's answers, pages with the error in an alert); the
// public read routes keep their CORS headers on errors.
func TestEveryRouteAnswersBadInputInJSON(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{AdminToken: edgetest.AliceToken}})
	paths := append([]string{"/v1/widget.js", "/v1/widget.0123456789abcdef.js", "/v1/widget.json"}, func() []string {
		var out []string
		for _, ps := range server.Routes(e.Server) {
			for _, p := range ps {
				out = append(out, pathParams.ReplaceAllString(p, "x"))
			}
		}
		return out
	}()...)
	junk := []byte("\x00\xff{{\"a\":")
	n := 0
	for _, p := range paths {
		for _, method := range []string{"GET", "POST", "PUT", "DELETE", "PATCH"} {
			for _, auth := range [][]string{nil, edgetest.Bearer(edgetest.AliceToken)} {
				headers := append([]string{"Content-Type", "application/json", "Origin", "http://localhost:8080"}, auth...)
				r := e.DoFrom(t, "192.0.2.95", method, p+"?region=%zz&locale=%00&limit=-1&format=xml&since=yesterday&bucket=year", junk, headers...)
				n++
				code := r.StatusCode()
				if code >= 500 && code != 503 {
					t.Errorf("%s %s: %d %s", method, p, code, r.Body())
				}
				if (p == "/v1/feedback/form" || p == "/v1/reports/form") && method == "POST" {
					// The no-JavaScript forms are answered with a page a visitor reads, not JSON.
					if code >= 400 && (!strings.HasPrefix(string(r.Header.ContentType()), "text/html") || !strings.Contains(string(r.Body()), `role="alert"`)) {
						t.Errorf("%s %s: %d without an error page: %q", method, p, code, r.Body())
					}
					continue
				}
				if code >= 400 && (string(r.Header.ContentType()) != "application/json" || !strings.HasPrefix(string(r.Body()), `{"error":{"code":`)) {
					t.Errorf("%s %s: %d without the JSON error shape: %q", method, p, code, r.Body())
				}
				if code >= 400 && (strings.HasPrefix(p, "/v1/snippets/") || strings.HasPrefix(p, "/v1/widget")) && method == "GET" && len(r.Header.Peek("Access-Control-Allow-Origin")) == 0 {
					t.Errorf("%s %s: %d without CORS", method, p, code)
				}
			}
		}
	}
	t.Logf("%d requests over %d paths", n, len(paths))
}
