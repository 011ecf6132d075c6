package server_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// fastPathRoutes are answered before the router (serveWidget), so that the path every partner
// page loads allocates nothing.
var fastPathRoutes = []string{"GET /v1/widget.js", "GET /v1/widget.{}.js", "GET /v1/widget.json", "HEAD /v1/widget.js", "HEAD /v1/widget.{}.js", "HEAD /v1/widget.json"}

var (
	docRoute   = regexp.MustCompile("`((?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH)(?:, (?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH))*) (/[^`?]*)[^`]*`")
	pathParams = regexp.MustCompile(`\{[^}]*\}`)
)

// documentedRoutes reads the route table of docs/http-api.md: every "METHOD[, METHOD] /path"
// code span in the first column of its rows, path parameters written as {}.
func documentedRoutes(t *testing.T) []string {
	t.Helper()
	src, err := os.ReadFile("../docs/http-api.md")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		first, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " | ")
		for _, m := range docRoute.FindAllStringSubmatch(first, -1) {
			for _, method := range strings.Split(m[1], ", ") {
				out = append(out, method+" "+pathParams.ReplaceAllString(m[2], "{}"))
			}
		}
	}
	return out
}

// TestHTTPAPIDocumented: the HTTP API reference and the router agree, route by route. A GET
// route answers HEAD as well, which the reference says once.
func TestHTTPAPIDocumented(t *testing.T) {
	// With people's sign-in on, so that its routes are registered too.
	c, st := edgetest.SignIn(t)
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{SignIn: c, Sessions: st}})
	registered := slices.Clone(fastPathRoutes)
	for method, paths := range server.Routes(e.Server) {
		for _, p := range paths {
			registered = append(registered, method+" "+pathParams.ReplaceAllString(p, "{}"))
		}
	}
	documented := documentedRoutes(t)
	if len(documented) < 20 {
		t.Fatalf("read only %d routes from docs/http-api.md: is the table still there?", len(documented))
	}
	for _, r := range registered {
		method, path, _ := strings.Cut(r, " ")
		if method == "HEAD" && slices.Contains(registered, "GET "+path) {
			continue
		}
		if !slices.Contains(documented, r) {
			t.Errorf("%s is registered but not in docs/http-api.md", r)
		}
	}
	for _, r := range documented {
		method, path, _ := strings.Cut(r, " ")
		if !slices.Contains(registered, r) {
			t.Errorf("docs/http-api.md lists %s, which is not registered", r)
		}
		if method == "GET" && !slices.Contains(fastPathRoutes, r) && !slices.Contains(registered, "HEAD "+path) {
			t.Errorf("%s does not answer HEAD", r)
		}
	}
}
