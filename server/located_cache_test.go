package server_test

import (
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/edition"
)

// TestLocatedAnswersNotRemembered: the exact-URI fast path (serveExact) answers by the URI
// alone, so an answer that may depend on the location header is never remembered: two requests
// for the same URI from different places each get their own region, whoever asked first and
// however often. An answer for ?region= is remembered as before, with no new Vary.
func TestLocatedAnswersNotRemembered(t *testing.T) {
	l, err := edition.ParseLocator("CloudFront-Viewer-Country-Region")
	if err != nil {
		t.Fatal(err)
	}
	proxies, err := clientaddr.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{LocationHeader: l, TrustedProxies: proxies}})
	const cdnNode, direct = "10.1.2.3", "203.0.113.9" // a CDN's node (trusted) and a client reaching the edge directly
	const uri = "/v1/snippets/mhcc/banner"
	quebec := []string{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC"}
	britain := []string{"CloudFront-Viewer-Country", "GB"}
	for i, step := range []struct {
		from    string
		headers []string
		want    string
	}{
		{direct, quebec, "CA"}, // not read from this client: its answer would suit a URI-keyed cache, but is not kept
		{cdnNode, quebec, "CA-QC"},
		{cdnNode, britain, "GB"},
		{cdnNode, quebec, "CA-QC"},
		{cdnNode, nil, "CA"},
		{cdnNode, britain, "GB"},
	} {
		r := e.GetAs(t, step.from, "edge.test", uri, step.headers...)
		if got := edgetest.RegionOf(t, r); got != step.want {
			t.Errorf("step %d, from %s with %q: region %q, want %q", i, step.from, step.headers, got, step.want)
		}
		if a := server.State(e.Server).Remembered([]byte(uri), edgetest.Now); a != nil {
			t.Fatalf("step %d: %s was remembered by its URI", i, uri)
		}
	}
	// The same URI with ?region= is remembered (the fast path answers it), whatever the header.
	const named = "/v1/snippets/mhcc/banner?region=CA-QC"
	r := e.GetAs(t, cdnNode, "edge.test", named, britain...)
	if got := edgetest.RegionOf(t, r); got != "CA-QC" || edgetest.Header(r, "Vary") != "Accept-Encoding" {
		t.Errorf("%s: region %q, Vary %q; want CA-QC, Accept-Encoding", named, got, edgetest.Header(r, "Vary"))
	}
	if server.State(e.Server).Remembered([]byte(named), edgetest.Now) == nil {
		t.Errorf("%s was not remembered", named)
	}
	r = e.GetAs(t, direct, "edge.test", named)
	if got := edgetest.RegionOf(t, r); got != "CA-QC" || edgetest.Header(r, "Vary") != "Accept-Encoding" {
		t.Errorf("%s again: region %q, Vary %q", named, got, edgetest.Header(r, "Vary"))
	}
}
