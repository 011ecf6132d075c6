package server

import (
	"bytes"
	"testing"
	"time"
)

// TestSnippetByURI: a snippet answered once is answered again by its exact URI before the
// router, with the same bytes, ETag and CORS headers; an error is never remembered, and a new
// content version starts afresh.
func TestSnippetByURI(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	uri := "/v1/snippets/demo?locale=fr&region=CA-QC"
	first := e.do(t, "GET", uri, nil, "Accept-Encoding", "gzip")
	if first.StatusCode() != 200 || e.srv.state.Load().Remembered([]byte(uri), time.Now()) == nil {
		t.Fatalf("first answer %d, remembered %v", first.StatusCode(), e.srv.state.Load().Remembered([]byte(uri), time.Now()) != nil)
	}
	body, etag := append([]byte(nil), first.Body()...), header(first, "ETag")
	again := e.do(t, "GET", uri, nil, "Accept-Encoding", "gzip")
	if again.StatusCode() != 200 || !bytes.Equal(again.Body(), body) || header(again, "ETag") != etag ||
		header(again, "Access-Control-Allow-Origin") != "*" || header(again, "X-Content-Type-Options") != "nosniff" {
		t.Errorf("answered by URI: %d, same body %v, ETag %q (was %q), CORS %q", again.StatusCode(), bytes.Equal(again.Body(), body),
			header(again, "ETag"), etag, header(again, "Access-Control-Allow-Origin"))
	}
	if r := e.do(t, "GET", uri, nil, "Accept-Encoding", "gzip", "If-None-Match", etag); r.StatusCode() != 304 {
		t.Errorf("If-None-Match by URI: %d, want 304", r.StatusCode())
	}
	if r := e.do(t, "POST", uri, nil); r.StatusCode() != 405 {
		t.Errorf("POST to a remembered URI: %d, want 405", r.StatusCode())
	}
	bad := "/v1/snippets/demo?region=C4"
	if r := e.do(t, "GET", bad, nil); r.StatusCode() != 400 || e.srv.state.Load().Remembered([]byte(bad), time.Now()) != nil {
		t.Errorf("a refused URI: %d, remembered %v", r.StatusCode(), e.srv.state.Load().Remembered([]byte(bad), time.Now()) != nil)
	}
	if err := e.srv.SetContent(shipped(t)); err != nil {
		t.Fatal(err)
	}
	if e.srv.state.Load().Remembered([]byte(uri), time.Now()) != nil {
		t.Error("a new content version kept the old answers")
	}
}
