package edition_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/snippets"
)

// The addresses of these tests: a CDN's node (in the trusted 10.0.0.0/8) and a client that
// reached the edge directly.
const (
	cdnNode = "10.1.2.3"
	direct  = "203.0.113.9"
	// cloudFrontVary is what an answer placed by CloudFront's headers varies on.
	cloudFrontVary = "Accept-Encoding, CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region"
)

// quebecTel is the Québec line's number, shown only to a visitor placed in CA-QC.
const quebecTel = "tel:+18662773553"

// locatingEdge is an edge reading header (EDGE_LOCATION_HEADER) from trusted (EDGE_TRUSTED_PROXIES),
// whose clients choose their address (GetAs). Its content is the shipped
// content, with partner demo's default made CA-QC when demoQC (mhcc's stays CA).
func locatingEdge(t *testing.T, header, trusted string, demoQC bool) *edgetest.Edge {
	t.Helper()
	content := edgetest.Shipped(t)
	if demoQC {
		src := strings.Replace(string(configs.Content), "  demo:\n    name: \"Signpost demo\"\n    origins: [\"http://localhost:*\", \"http://127.0.0.1:*\", \"http://[::1]:*\"]\n    region: CA\n",
			"  demo:\n    name: \"Signpost demo\"\n    origins: [\"http://localhost:*\", \"http://127.0.0.1:*\", \"http://[::1]:*\"]\n    region: CA-QC\n", 1)
		if src == string(configs.Content) {
			t.Fatal("the shipped demo partner changed shape: update the replacement")
		}
		var err error
		if content, err = snippets.Load([]byte(src), snippets.ValidateOptions{Now: edgetest.Now}); err != nil {
			t.Fatal(err)
		}
	}
	l, err := edition.ParseLocator(header)
	if err != nil {
		t.Fatal(err)
	}
	proxies, err := clientaddr.ParseProxies(trusted)
	if err != nil {
		t.Fatal(err)
	}
	return edgetest.Start(t, edgetest.Options{Content: content, Config: server.Config{LocationHeader: l, TrustedProxies: proxies}})
}

// TestLocationHeaderTrustedOnly: the header places a visitor when a trusted proxy sends it, and
// is ignored from anyone else, and from everyone when no proxy is trusted.
func TestLocationHeaderTrustedOnly(t *testing.T) {
	cf := []string{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC"}
	e := locatingEdge(t, "CloudFront-Viewer-Country-Region", "10.0.0.0/8", false)
	for _, tc := range []struct {
		from, want, vary string
	}{
		{cdnNode, "CA-QC", cloudFrontVary},
		{direct, "CA", "Accept-Encoding"},
		{"::ffff:" + cdnNode, "CA-QC", cloudFrontVary},
	} {
		r := e.GetAs(t, tc.from, "edge.test", "/v1/snippets/mhcc", cf...)
		if got := edgetest.RegionOf(t, r); got != tc.want || edgetest.Header(r, "Vary") != tc.vary {
			t.Errorf("from %s: region %q, Vary %q; want %q, %q", tc.from, got, edgetest.Header(r, "Vary"), tc.want, tc.vary)
		}
	}
	// Configured, but no proxy is trusted: never read.
	e = locatingEdge(t, "CloudFront-Viewer-Country-Region", "", false)
	for _, from := range []string{cdnNode, direct} {
		r := e.GetAs(t, from, "edge.test", "/v1/snippets/mhcc", cf...)
		if got := edgetest.RegionOf(t, r); got != "CA" || edgetest.Header(r, "Vary") != "Accept-Encoding" {
			t.Errorf("no trusted proxies, from %s: region %q, Vary %q; want CA and Accept-Encoding alone", from, got, edgetest.Header(r, "Vary"))
		}
	}
}

// TestLocationHeaderFormats: each CDN's headers, end to end, and what the answer varies on.
func TestLocationHeaderFormats(t *testing.T) {
	for _, tc := range []struct {
		setting string
		request []string
		vary    string
	}{
		{"CloudFront-Viewer-Country-Region", []string{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC"}, "CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region"},
		{"cf-region-code", []string{"CF-IPCountry", "CA", "CF-Region-Code", "QC"}, "CF-IPCountry, CF-Region-Code"},
		{"X-Akamai-Edgescape", []string{"X-Akamai-Edgescape", "georegion=1,country_code=CA,region_code=QC,city=MONTREAL"}, "X-Akamai-Edgescape"},
		{"Signpost-Region", []string{"Signpost-Region", "CA-QC"}, "Signpost-Region"},
	} {
		e := locatingEdge(t, tc.setting, "10.0.0.0/8", false)
		r := e.GetAs(t, cdnNode, "edge.test", "/v1/snippets/mhcc/banner", tc.request...)
		if got := edgetest.RegionOf(t, r); got != "CA-QC" || edgetest.Header(r, "Vary") != "Accept-Encoding, "+tc.vary {
			t.Errorf("%s: region %q, Vary %q; want CA-QC, %q", tc.setting, got, edgetest.Header(r, "Vary"), "Accept-Encoding, "+tc.vary)
		}
		// Malformed: as if not sent (the partner's default), and still varying on it.
		r = e.GetAs(t, cdnNode, "edge.test", "/v1/snippets/mhcc/banner", tc.request[0], "??")
		if got := edgetest.RegionOf(t, r); got != "CA" || edgetest.Header(r, "Vary") != "Accept-Encoding, "+tc.vary {
			t.Errorf("%s, malformed: region %q, Vary %q; want CA, %q", tc.setting, got, edgetest.Header(r, "Vary"), "Accept-Encoding, "+tc.vary)
		}
	}
}

// TestLocationPrecedence: ?region= beats the header, the header beats ?tz=, and a located code
// is placed under the partner's default by snippets.Place: a province or territory wins, the
// default's country alone keeps the default, another country wins.
func TestLocationPrecedence(t *testing.T) {
	e := locatingEdge(t, "Signpost-Region", "10.0.0.0/8", true) // demo defaults to CA-QC, mhcc to CA
	for _, tc := range []struct {
		uri, located, want, vary string
	}{
		{"/v1/snippets/mhcc?region=GB", "CA-QC", "GB", "Accept-Encoding"},
		{"/v1/snippets/mhcc?region=CA", "CA-QC", "CA", "Accept-Encoding"},
		{"/v1/snippets/mhcc?tz=Europe/London", "CA-QC", "CA-QC", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc?tz=Europe/London", "", "GB", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc?tz=Europe/London", "CANADA", "GB", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc", "CA-QC", "CA-QC", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc", "CA-BC", "CA-BC", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc", "CA-NU", "CA-NU", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc", "US-WA", "US", "Accept-Encoding, Signpost-Region"}, // US-WA: no entry of its own
		{"/v1/snippets/mhcc", "GB-ENG", "GB-ENG", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/mhcc", "AQ", "", "Accept-Encoding, Signpost-Region"}, // no entry: the neutral banner
		{"/v1/snippets/demo", "CA-ON", "CA-ON", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/demo", "CA-NU", "CA-NU", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/demo", "CA", "CA-QC", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/demo", "US-WA", "US", "Accept-Encoding, Signpost-Region"},
		{"/v1/snippets/demo?region=CA", "GB", "CA", "Accept-Encoding"},
	} {
		var hs []string
		if tc.located != "" {
			hs = []string{"Signpost-Region", tc.located}
		}
		r := e.GetAs(t, cdnNode, "edge.test", tc.uri, hs...)
		if got := edgetest.RegionOf(t, r); got != tc.want || edgetest.Header(r, "Vary") != tc.vary {
			t.Errorf("%s located %q: region %q, Vary %q; want %q, %q", tc.uri, tc.located, got, edgetest.Header(r, "Vary"), tc.want, tc.vary)
		}
	}
	// A malformed tz is still refused, header or not.
	if r := e.GetAs(t, cdnNode, "edge.test", "/v1/snippets/mhcc?tz=not%20a%20zone", "Signpost-Region", "CA-QC"); r.StatusCode() != 400 {
		t.Errorf("malformed tz with a location header: %d, want 400", r.StatusCode())
	}
}

// TestLocatedNotModified: a 304 to an answer placed by the header varies on it as its 200 does,
// and an ETag from another region does not match.
func TestLocatedNotModified(t *testing.T) {
	e := locatingEdge(t, "CloudFront-Viewer-Country-Region", "10.0.0.0/8", false)
	quebec := []string{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC"}
	first := e.GetAs(t, cdnNode, "edge.test", "/v1/snippets/mhcc", quebec...)
	tag := edgetest.Header(first, "ETag")
	if edgetest.RegionOf(t, first) != "CA-QC" || tag == "" {
		t.Fatalf("first answer: ETag %q, %s", tag, first.Body())
	}
	r := e.GetAs(t, cdnNode, "edge.test", "/v1/snippets/mhcc", append(quebec, "If-None-Match", tag)...)
	if r.StatusCode() != 304 || edgetest.Header(r, "Vary") != cloudFrontVary || edgetest.Header(r, "ETag") != tag {
		t.Errorf("revalidated from the same place: %d, Vary %q, ETag %q; want 304, %q, %q", r.StatusCode(), edgetest.Header(r, "Vary"), edgetest.Header(r, "ETag"), cloudFrontVary, tag)
	}
	r = e.GetAs(t, cdnNode, "edge.test", "/v1/snippets/mhcc", "CloudFront-Viewer-Country", "GB", "If-None-Match", tag)
	if r.StatusCode() != 200 || edgetest.RegionOf(t, r) != "GB" || edgetest.Header(r, "Vary") != cloudFrontVary {
		t.Errorf("revalidated from elsewhere: %d, Vary %q; want 200 GB, %q", r.StatusCode(), edgetest.Header(r, "Vary"), cloudFrontVary)
	}
}

// TestLocatedFragmentAndFrame: the frame page, which the visitor's browser fetches, places a
// visitor by the header too (from a trusted proxy only), and varies on it; with ?region= it does
// not. The banner fragment never reads it: a partner's server includes it, and the CDN would
// place that server (a Canadian partner hosted in the US would show every visitor US lines).
func TestLocatedFragmentAndFrame(t *testing.T) {
	e := locatingEdge(t, "CloudFront-Viewer-Country-Region", "10.0.0.0/8", false)
	quebec := []string{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC"}
	for _, tc := range []struct {
		uri, from string
		quebec    bool
		vary      string
	}{
		// The fragment's links name the edge as reached (no EDGE_PUBLIC_ORIGIN here): its Host,
		// and the scheme a trusted proxy may say.
		{"/v1/banner/mhcc.html", cdnNode, false, "Accept-Encoding, Host, X-Forwarded-Proto"},
		{"/v1/banner/mhcc.html", direct, false, "Accept-Encoding, Host"},
		{"/v1/banner/mhcc.html?region=CA", cdnNode, false, "Accept-Encoding, Host, X-Forwarded-Proto"},
		{"/v1/frame/mhcc", cdnNode, true, "CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region"},
		{"/v1/frame/mhcc", direct, false, ""},
		{"/v1/frame/mhcc?region=CA", cdnNode, false, ""},
	} {
		r := e.GetAs(t, tc.from, "edge.test", tc.uri, quebec...)
		html := string(edgetest.Decode(t, r))
		hasQuebec := slices.Contains(edgetest.Hrefs(html), quebecTel)
		if r.StatusCode() != 200 || hasQuebec != tc.quebec || edgetest.Header(r, "Vary") != tc.vary {
			t.Errorf("%s from %s: %d, Québec line %v, Vary %q; want 200, %v, %q", tc.uri, tc.from, r.StatusCode(),
				hasQuebec, edgetest.Header(r, "Vary"), tc.quebec, tc.vary)
		}
		if strings.HasPrefix(tc.uri, "/v1/frame/") && tc.quebec && !strings.Contains(html, `name="region" value="CA-QC"`) {
			t.Errorf("%s: the form does not carry the region placed", tc.uri)
		}
	}
	// The frame page's 304 varies on the header too.
	first := e.GetAs(t, cdnNode, "edge.test", "/v1/frame/mhcc", quebec...)
	if tag := edgetest.Header(first, "ETag"); tag != "" {
		r := e.GetAs(t, cdnNode, "edge.test", "/v1/frame/mhcc", append(quebec, "If-None-Match", tag)...)
		if r.StatusCode() != 304 || !strings.Contains(edgetest.Header(r, "Vary"), "CloudFront-Viewer-Country-Region") {
			t.Errorf("frame revalidated: %d, Vary %q; want 304 varying on the location", r.StatusCode(), edgetest.Header(r, "Vary"))
		}
	}
}
