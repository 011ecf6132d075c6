package nojs_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/nojs"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Tests of issue 22, point 2: the banner fragment names the edge's origin in its links, and a
// stream of made-up Host headers must cost the edge nothing that grows with it.

const (
	fragmentURI  = "/v1/banner/demo.html?region=CA-QC&locale=fr"
	publicOrigin = "https://signpost.example.org"
)

// bogusHosts is how many made-up hosts the streams send: more than any bound a cache of hosts
// would have.
const bogusHosts = 300

// TestFragmentPublicOrigin: with EDGE_PUBLIC_ORIGIN the fragment's links name it whatever Host
// the request sent, so the answer does not vary on Host and says so; a stream of made-up hosts
// gets the real partner's cached answer, and compresses nothing.
func TestFragmentPublicOrigin(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{PublicOrigin: publicOrigin + "/"}})
	real := e.GetAs(t, "192.0.2.1", "edge.internal:8080", fragmentURI, "Accept-Encoding", "gzip, br")
	html := string(edgetest.Decode(t, real))
	if real.StatusCode() != 200 || edgetest.Header(real, "Vary") != "Accept-Encoding" || edgetest.Header(real, "Content-Encoding") != "br" {
		t.Fatalf("status %d, Vary %q, Content-Encoding %q; want 200, Accept-Encoding, br", real.StatusCode(), edgetest.Header(real, "Vary"), edgetest.Header(real, "Content-Encoding"))
	}
	if !strings.Contains(html, `<link rel="stylesheet" href="`+publicOrigin+`/v1/banner.css">`) ||
		!strings.Contains(html, `href="`+publicOrigin+`/v1/frame/demo?locale=fr&amp;region=`) || strings.Contains(html, "edge.internal") {
		t.Errorf("links do not name the public origin:\n%s", html)
	}
	tag := edgetest.Header(real, "ETag")
	before := asset.Counted()
	for i := range bogusHosts {
		r := e.GetAs(t, "198.51.100.7", "x"+strconv.Itoa(i)+".example", fragmentURI, "Accept-Encoding", "gzip, br")
		if r.StatusCode() != 200 || edgetest.Header(r, "ETag") != tag || string(edgetest.Decode(t, r)) != html {
			t.Fatalf("host x%d.example: %d, ETag %q (the real one %q)", i, r.StatusCode(), edgetest.Header(r, "ETag"), tag)
		}
	}
	if got := asset.Counted(); got != before {
		t.Errorf("the stream of hosts compressed: assets made %+v, before %+v", got, before)
	}
	again := e.GetAs(t, "192.0.2.1", "edge.internal:8080", fragmentURI, "Accept-Encoding", "gzip, br", "If-None-Match", tag)
	if again.StatusCode() != fasthttp.StatusNotModified || edgetest.Header(again, "Vary") != "Accept-Encoding" {
		t.Errorf("the real partner's revalidation after the stream: %d, Vary %q", again.StatusCode(), edgetest.Header(again, "Vary"))
	}
	// The builder writes the public origin, and says the name fetched under does not matter.
	pub := edgetest.Start(t, edgetest.Options{Config: server.Config{PublicOrigin: publicOrigin}})
	c := edgetest.EmbedCode(t, pub, "partner=demo&region=CA-QC&locale=fr")
	if c.Fragment != publicOrigin+fragmentURI || !strings.Contains(c.SSI, "proxy_pass "+publicOrigin+fragmentURI+";") ||
		c.IncludeCSP != "style-src "+publicOrigin || !strings.Contains(c.Pinned, `src="`+publicOrigin+"/v1/widget.") ||
		!strings.Contains(c.FragmentLinks, "name "+publicOrigin+", this edge's public address, whatever name") {
		t.Errorf("builder with a public origin:\nfragment %s\nssi %s\ncsp %s\npinned %s\nlinks %s", c.Fragment, c.SSI, c.IncludeCSP, c.Pinned, c.FragmentLinks)
	}
}

// TestFragmentFollowsHost: without EDGE_PUBLIC_ORIGIN the fragment's links name the edge as the
// request reached it, so it varies on Host and says so; each of a stream of made-up hosts gets
// its own links, from the one drawing every host shares: nothing is compressed or kept per host,
// and the real partner's answer is the same after the stream as before.
func TestFragmentFollowsHost(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	const host = "edge.example:8443"
	real := e.GetAs(t, "192.0.2.1", host, fragmentURI, "Accept-Encoding", "gzip, br")
	html := string(edgetest.Decode(t, real))
	if real.StatusCode() != 200 || edgetest.Header(real, "Vary") != "Accept-Encoding, Host" || edgetest.Header(real, "Content-Encoding") != "" {
		t.Fatalf("status %d, Vary %q, Content-Encoding %q; want 200, \"Accept-Encoding, Host\", none", real.StatusCode(), edgetest.Header(real, "Vary"), edgetest.Header(real, "Content-Encoding"))
	}
	if !strings.Contains(html, `<link rel="stylesheet" href="https://`+host+`/v1/banner.css">`) || !strings.Contains(html, `href="https://`+host+`/v1/frame/demo?`) {
		t.Errorf("links do not name the Host:\n%s", html)
	}
	before := asset.Counted()
	for i := range bogusHosts {
		bogus := "x" + strconv.Itoa(i) + ".example"
		r := e.GetAs(t, "198.51.100.7", bogus, fragmentURI, "Accept-Encoding", "gzip, br")
		got := string(edgetest.Decode(t, r))
		if r.StatusCode() != 200 || edgetest.Header(r, "Vary") != "Accept-Encoding, Host" || edgetest.Header(r, "ETag") == edgetest.Header(real, "ETag") ||
			strings.Replace(got, "https://"+bogus, "https://"+host, -1) != html {
			t.Fatalf("host %s: %d, Vary %q, ETag %q:\n%s", bogus, r.StatusCode(), edgetest.Header(r, "Vary"), edgetest.Header(r, "ETag"), got)
		}
	}
	if got := asset.Counted(); got != before {
		t.Errorf("the stream of hosts compressed: assets made %+v, before %+v", got, before)
	}
	again := e.GetAs(t, "192.0.2.1", host, fragmentURI, "Accept-Encoding", "gzip, br")
	if string(again.Body()) != html || edgetest.Header(again, "ETag") != edgetest.Header(real, "ETag") {
		t.Errorf("the real partner's answer changed after the stream")
	}
	if r := e.GetAs(t, "192.0.2.1", host, fragmentURI, "If-None-Match", edgetest.Header(real, "ETag")); r.StatusCode() != fasthttp.StatusNotModified ||
		edgetest.Header(r, "Vary") != "Accept-Encoding, Host" {
		t.Errorf("revalidation: %d, Vary %q", r.StatusCode(), edgetest.Header(r, "Vary"))
	}
	// Byte for byte what drawing the fragment for that origin gives, for every form of host.
	c := edgetest.Shipped(t)
	for host, origin := range map[string]string{"localhost:8080": "http://localhost:8080", "[2001:db8::1]:8443": "https://[2001:db8::1]:8443",
		"Edge.Example": "https://edge.example", "127.0.0.1": "http://127.0.0.1"} {
		want, _, err := nojs.Fragment(c, c.Partners["demo"], "fr", "CA-QC", origin, edgetest.Now)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.GetAs(t, "192.0.2.1", host, fragmentURI).Body(); string(got) != string(want) {
			t.Errorf("Host %s:\n%s\nwant\n%s", host, got, want)
		}
	}
	// The builder says what the partner's server must send: the edge's public name.
	e = edgetest.Start(t, edgetest.Options{})
	get, head := e.Do(t, "GET", fragmentURI, nil), e.Do(t, "HEAD", fragmentURI, nil)
	if head.StatusCode() != 200 || head.Header.ContentLength() != len(get.Body()) || edgetest.Header(head, "ETag") != edgetest.Header(get, "ETag") {
		t.Errorf("HEAD: %d, Content-Length %d (GET: %d bytes), ETag %q (GET: %q)", head.StatusCode(), head.Header.ContentLength(),
			len(get.Body()), edgetest.Header(head, "ETag"), edgetest.Header(get, "ETag"))
	}
	if code := edgetest.EmbedCode(t, e, "partner=demo"); !strings.Contains(code.FragmentLinks, "here https://edge.test.") ||
		!strings.Contains(code.FragmentLinks, "EDGE_PUBLIC_ORIGIN") {
		t.Errorf("builder without a public origin: %s", code.FragmentLinks)
	}
}

// oneArchived is a content store whose bundle archive holds one bundle this process never built.
type oneArchived struct {
	contentstore.Store
	hash string
	js   []byte
}

func (a oneArchived) LoadBundle(_ context.Context, hash string) ([]byte, error) {
	if hash != a.hash {
		return nil, contentstore.ErrNotFound
	}
	return a.js, nil
}
func (oneArchived) SaveBundle(context.Context, string, []byte) error { return nil }
func (a oneArchived) BundleHashes(context.Context) ([]string, error) { return []string{a.hash}, nil }

// TestNoBestCompressionOnRequest: no request path makes an asset at the best levels (brotli 11
// costs 3 to 100 ms a body): what a request first asks for is compressed at the request levels,
// or not at all. Every route that draws on demand is asked, with keys never asked before.
func TestNoBestCompressionOnRequest(t *testing.T) {
	dir := t.TempDir()
	now := func() time.Time { return edgetest.Now }
	store, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(now), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	archive := oneArchived{Store: store, hash: "0123456789abcdef", js: []byte(strings.Repeat("/* an archived bundle */ window.x = 1;\n", 200))}
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{ContentStore: archive}})
	pub := edgetest.Start(t, edgetest.Options{Config: server.Config{PublicOrigin: publicOrigin}})
	before := asset.Counted()
	uris := []string{"/", "/demo.css", "/favicon.ico", "/v1/widget.js", "/v1/widget.json", "/v1/banner.css", "/embed?partner=demo",
		"/embed/code?partner=mhcc", "/embed/preview?partner=demo&way=include", "/embed/embed.js", "/v1/frame/demo?region=CA-BC"}
	for _, region := range []string{"CA", "CA-QC", "CA-NU", "GB", "US", "AQ"} {
		for _, loc := range []string{"en", "fr"} {
			q := "?region=" + region + "&locale=" + loc
			uris = append(uris, "/v1/banner/demo.html"+q, "/v1/banner/mhcc.html"+q, "/v1/snippets/demo"+q, "/v1/snippets/mhcc/banner"+q+"&tz=America/Toronto")
		}
	}
	for _, uri := range uris {
		for _, s := range []*edgetest.Edge{e, pub} {
			if r := s.Do(t, "GET", uri, nil, "Accept-Encoding", "gzip, br"); r.StatusCode() != 200 {
				t.Fatalf("%s: %d %s", uri, r.StatusCode(), r.Body())
			}
		}
	}
	// A bundle a page is pinned to that this process never built: loaded from the archive.
	if r := e.Do(t, "GET", "/v1/widget."+archive.hash+".js", nil, "Accept-Encoding", "br"); r.StatusCode() != 200 || string(edgetest.Decode(t, r)) != string(archive.js) {
		t.Fatalf("archived bundle: %d", r.StatusCode())
	}
	got := asset.Counted()
	if got.Best != before.Best {
		t.Errorf("%d assets made at the best levels on request paths (brotli 11)", got.Best-before.Best)
	}
	if got.Request == before.Request {
		t.Error("nothing was compressed at the request levels: the routes asked drew nothing")
	}
}
