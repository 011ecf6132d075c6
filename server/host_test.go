package server_test

import (
	"strings"
	"testing"

	"github.com/signpost/edge/server/edgetest"
)

// TestHostHeader: a Host header that is not host[:port], with a port from 1 to 65535, is a 400
// on every route, and never reaches the code the builder writes.
func TestHostHeader(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	for _, tc := range []struct {
		host string
		ok   bool
	}{
		{"edge.example", true}, {"edge.example:8080", true}, {"edge.example.", true}, {"127.0.0.1:8080", true},
		{"[::1]:8080", true}, {"[2001:db8::1]", true}, {"localhost", true},
		{"edge:8080@evil.example", false}, {"evil.example:99999", false}, {"evil.example:0", false}, {"evil.example:", false},
		{"a..b", false}, {"-x.example", false}, {"x-.example", false}, {"[1.2.3.4]", false}, {"[::1]x", false},
		{"evil.example/path", false}, {"evil example", false}, {strings.Repeat("a", 64) + ".example", false},
	} {
		for _, uri := range []string{"/embed/code?partner=demo", "/v1/widget.js", "/healthz"} {
			r := e.GetAs(t, "192.0.2.1", tc.host, uri)
			if tc.ok && r.StatusCode() != 200 || !tc.ok && r.StatusCode() != 400 {
				t.Errorf("Host %q, %s: %d, want ok %v", tc.host, uri, r.StatusCode(), tc.ok)
				continue
			}
			// fasthttp refuses some itself (a request it cannot read): bad_request; the edge
			// refuses the rest before any handler: bad_host.
			if b := string(r.Body()); !tc.ok && !strings.Contains(b, `"code":"bad_host"`) && !strings.Contains(b, `"code":"bad_request"`) {
				t.Errorf("Host %q, %s: %s, want a JSON error", tc.host, uri, r.Body())
			}
			if !tc.ok && strings.Contains(string(r.Body()), "evil") {
				t.Errorf("Host %q, %s: the answer names the host: %s", tc.host, uri, r.Body())
			}
		}
	}
}
