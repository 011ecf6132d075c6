package server_test

import (
	"bufio"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// raw sends one request with its request-target exactly as given (fasthttp's client would
// normalise it) and reads the answer.
func raw(t *testing.T, e *edgetest.Edge, method, target string) *fasthttp.Response {
	t.Helper()
	c, err := e.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(edgetest.RequestTimeout)); err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(c, "%s %s HTTP/1.1\r\nHost: edge.test\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n", method, target); err != nil {
		t.Fatal(err)
	}
	resp := &fasthttp.Response{SkipBody: method == fasthttp.MethodHead}
	if err := resp.Read(bufio.NewReader(c)); err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	return resp
}

// answerOf is a response as a client reads it: status, headers but Date and Connection, body.
func answerOf(r *fasthttp.Response) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d\n", r.StatusCode())
	for k, v := range r.Header.All() {
		if k := string(k); k != "Date" && k != "Connection" {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.Write(r.Body())
	return b.String()
}

// TestExactTargetsAnswerAsTheLongWay: the hot path (serveExact) answers a request-target that is
// byte for byte the widget's, the manifest's or a remembered snippet URI without parsing it; every
// other spelling of the same resource goes through the parser and the router, and must get the
// very same answer, security and CORS headers included. A duplicate parameter is still refused.
func TestExactTargetsAnswerAsTheLongWay(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	snippet := "/v1/snippets/demo/banner?region=CA"
	raw(t, e, "GET", snippet) // answered by the router once: remembered by its URI
	for exact, others := range map[string][]string{
		"/v1/widget.js":   {"/v1/./widget.js", "/v1//widget.js", "/v1/widget.js?", "http://edge.test/v1/widget.js", "/v1/x/../widget.js"},
		"/v1/widget.json": {"/v1/./widget.json", "/v1/widget.json?v=1"},
		snippet:           {"http://edge.test" + snippet, "/v1/snippets/demo/banner?region=CA&", "/v1/snippets/demo/banner?region=%43A"},
	} {
		want := raw(t, e, "GET", exact)
		if want.StatusCode() != 200 || edgetest.Header(want, "X-Content-Type-Options") != "nosniff" ||
			edgetest.Header(want, "Access-Control-Allow-Origin") != "*" || edgetest.Header(want, "ETag") == "" ||
			!strings.Contains(edgetest.Header(want, "Content-Security-Policy"), "default-src 'none'") {
			t.Errorf("%s: %s", exact, answerOf(want))
		}
		for _, other := range others {
			if got := raw(t, e, "GET", other); answerOf(got) != answerOf(want) {
				t.Errorf("%s answers\n%.600s\nwant the answer to %s\n%.600s", other, answerOf(got), exact, answerOf(want))
			}
		}
		if head := raw(t, e, "HEAD", exact); head.StatusCode() != 200 || edgetest.Header(head, "ETag") != edgetest.Header(want, "ETag") {
			t.Errorf("HEAD %s: %d, ETag %q (GET's %q)", exact, head.StatusCode(), edgetest.Header(head, "ETag"), edgetest.Header(want, "ETag"))
		}
	}
	if r := raw(t, e, "GET", "/v1/widget.js?a=1&a=2"); r.StatusCode() != 400 {
		t.Errorf("a duplicate parameter on the widget: %d, want 400", r.StatusCode())
	}
	if r := raw(t, e, "POST", "/v1/widget.js"); r.StatusCode() != 405 || edgetest.Header(r, "X-Content-Type-Options") != "nosniff" {
		t.Errorf("POST to the widget: %d, nosniff %q", r.StatusCode(), edgetest.Header(r, "X-Content-Type-Options"))
	}
}
