package server_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// TestSnippetByURI: a snippet answered once is answered again by its exact URI before the
// router, with the same bytes, ETag and CORS headers; an error is never remembered, and a new
// content version starts afresh.
func TestSnippetByURI(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	uri := "/v1/snippets/demo?locale=fr&region=CA-QC"
	first := e.Do(t, "GET", uri, nil, "Accept-Encoding", "gzip")
	if first.StatusCode() != 200 || server.State(e.Server).Remembered([]byte(uri), time.Now()) == nil {
		t.Fatalf("first answer %d, remembered %v", first.StatusCode(), server.State(e.Server).Remembered([]byte(uri), time.Now()) != nil)
	}
	body, etag := append([]byte(nil), first.Body()...), edgetest.Header(first, "ETag")
	again := e.Do(t, "GET", uri, nil, "Accept-Encoding", "gzip")
	if again.StatusCode() != 200 || !bytes.Equal(again.Body(), body) || edgetest.Header(again, "ETag") != etag ||
		edgetest.Header(again, "Access-Control-Allow-Origin") != "*" || edgetest.Header(again, "X-Content-Type-Options") != "nosniff" {
		t.Errorf("answered by URI: %d, same body %v, ETag %q (was %q), CORS %q", again.StatusCode(), bytes.Equal(again.Body(), body),
			edgetest.Header(again, "ETag"), etag, edgetest.Header(again, "Access-Control-Allow-Origin"))
	}
	if r := e.Do(t, "GET", uri, nil, "Accept-Encoding", "gzip", "If-None-Match", etag); r.StatusCode() != 304 {
		t.Errorf("If-None-Match by URI: %d, want 304", r.StatusCode())
	}
	if r := e.Do(t, "POST", uri, nil); r.StatusCode() != 405 {
		t.Errorf("POST to a remembered URI: %d, want 405", r.StatusCode())
	}
	bad := "/v1/snippets/demo?region=C4"
	if r := e.Do(t, "GET", bad, nil); r.StatusCode() != 400 || server.State(e.Server).Remembered([]byte(bad), time.Now()) != nil {
		t.Errorf("a refused URI: %d, remembered %v", r.StatusCode(), server.State(e.Server).Remembered([]byte(bad), time.Now()) != nil)
	}
	if err := e.Server.SetContent(edgetest.Shipped(t)); err != nil {
		t.Fatal(err)
	}
	if server.State(e.Server).Remembered([]byte(uri), time.Now()) != nil {
		t.Error("a new content version kept the old answers")
	}
}
