package edition

import (
	"testing"

	"github.com/valyala/fasthttp"
)

func TestParseLocator(t *testing.T) {
	for _, tc := range []struct{ name, vary string }{
		{"CloudFront-Viewer-Country-Region", "CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region"},
		{"cloudfront-viewer-country-region", "CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region"},
		{"cf-region-code", "CF-IPCountry, CF-Region-Code"},
		{"X-Akamai-EdgeScape", "X-Akamai-Edgescape"},
		{"Signpost-Region", "Signpost-Region"},
		{" CloudFront-Viewer-Country ", "CloudFront-Viewer-Country"}, // a whole code: "CA" is one
	} {
		l, err := ParseLocator(tc.name)
		if err != nil || l == nil || l.Vary() != tc.vary {
			t.Errorf("ParseLocator(%q) = %+v, %v; want Vary %q", tc.name, l, err, tc.vary)
		}
	}
	if l, err := ParseLocator("  "); l != nil || err != nil {
		t.Errorf("ParseLocator of nothing = %+v, %v; want nil, nil", l, err)
	}
	for _, bad := range []string{"Signpost Region", "Signpost-Region:", "Région", "X-Geo\r\nX-Evil", "a(b)", string(make([]byte, 65))} {
		if l, err := ParseLocator(bad); err == nil {
			t.Errorf("ParseLocator(%q) = %+v, want an error", bad, l)
		}
	}
}

// TestLocate reads each format, and what is malformed in each as if it had not been sent.
func TestLocate(t *testing.T) {
	const (
		cfCountry = "CloudFront-Viewer-Country"
		cfRegion  = "CloudFront-Viewer-Country-Region"
		flCountry = "CF-IPCountry"
		flRegion  = "CF-Region-Code"
		akamai    = "X-Akamai-Edgescape"
		custom    = "Signpost-Region"
	)
	for _, tc := range []struct {
		header  string   // EDGE_LOCATION_HEADER
		request []string // request headers: name, value, ...
		want    string
	}{
		// CloudFront: the country and the subdivision part apart.
		{cfRegion, []string{cfCountry, "CA", cfRegion, "BC"}, "CA-BC"},
		{cfRegion, []string{cfCountry, "JP", cfRegion, "13"}, "JP-13"},
		{cfRegion, []string{cfCountry, "ca", cfRegion, "qc"}, "CA-QC"},
		{cfRegion, []string{cfCountry, "GB"}, "GB"},                               // no subdivision
		{cfRegion, []string{cfCountry, "CA", cfRegion, "British Columbia"}, "CA"}, // malformed subdivision: the country
		{cfRegion, []string{cfCountry, "CA", cfRegion, "BCXX"}, "CA"},
		{cfRegion, []string{cfCountry, "CA", cfRegion, ""}, "CA"},
		{cfRegion, []string{cfRegion, "BC"}, ""},                     // no country: nothing
		{cfRegion, []string{cfCountry, "CAN", cfRegion, "BC"}, ""},   // malformed country
		{cfRegion, []string{cfCountry, "CA-BC", cfRegion, "BC"}, ""}, // a code where a country goes
		{cfRegion, []string{cfCountry, "C1", cfRegion, "BC"}, ""},    // not letters
		{cfRegion, []string{cfCountry, "ÇA", cfRegion, "BC"}, ""},    // not ASCII
		{cfRegion, []string{cfCountry, "XX"}, ""},                    // a placeholder: unknown
		{cfRegion, []string{cfCountry, "ZZ"}, ""},
		{cfRegion, []string{cfCountry, "QM"}, ""},
		{cfRegion, []string{cfCountry, "XK"}, "XK"}, // Kosovo
		{cfRegion, []string{custom, "CA-BC"}, ""},   // another header: not read
		{cfRegion, nil, ""},
		// Cloudflare's visitor location headers.
		{flRegion, []string{flCountry, "CA", flRegion, "BC"}, "CA-BC"},
		{flRegion, []string{flCountry, "US", flRegion, "TX"}, "US-TX"},
		{flRegion, []string{flCountry, "GB"}, "GB"},
		{flRegion, []string{flCountry, "XX", flRegion, "BC"}, ""}, // no country data
		{flRegion, []string{flCountry, "T1", flRegion, "BC"}, ""}, // Tor
		{flRegion, []string{flRegion, "BC"}, ""},
		// Akamai EdgeScape.
		{akamai, []string{akamai, "georegion=1,country_code=CA,region_code=BC,city=VANCOUVER,areacode=604+778,timezone=PST"}, "CA-BC"},
		{akamai, []string{akamai, "country_code=GB, region_code=ENG"}, "GB-ENG"},
		{akamai, []string{akamai, "georegion=246,country_code=US,city=SANJOSE"}, "US"},
		{akamai, []string{akamai, "country_code=CA,region_code=,city=X"}, "CA"},
		{akamai, []string{akamai, "country_code=CA,region_code=reserved"}, "CA"},
		{akamai, []string{akamai, "country_code=reserved,region_code=reserved"}, ""},
		{akamai, []string{akamai, "region_code=BC,city=VANCOUVER"}, ""},
		{akamai, []string{akamai, "country_code=CA,country_code=US,region_code=BC"}, ""}, // two countries
		{akamai, []string{akamai, "country_code=CA,region_code=BC,region_code=QC"}, "CA"},
		{akamai, []string{akamai, "garbage,country_code=CA"}, "CA"},
		{akamai, []string{akamai, "garbage"}, ""},
		{akamai, []string{akamai, ""}, ""},
		// Any other header: a whole code.
		{custom, []string{custom, "CA-BC"}, "CA-BC"},
		{custom, []string{custom, "ca-qc"}, "CA-QC"},
		{custom, []string{custom, " GB "}, "GB"},
		{custom, []string{custom, "CA-"}, ""},
		{custom, []string{custom, "CA-BCXX"}, ""},
		{custom, []string{custom, "BC"}, "BC"}, // shaped like a country, though none has it: no entry, the neutral banner
		{custom, []string{custom, "XX-BC"}, ""},
		{custom, []string{custom, "Canada"}, ""},
		{custom, []string{custom, "CA,US"}, ""},
		{custom, []string{custom, ""}, ""},
	} {
		l, err := ParseLocator(tc.header)
		if err != nil {
			t.Fatal(err)
		}
		var h fasthttp.RequestHeader
		for i := 0; i+1 < len(tc.request); i += 2 {
			h.Add(tc.request[i], tc.request[i+1])
		}
		if got := l.Locate(&h); got != tc.want {
			t.Errorf("%s with %q: %q, want %q", tc.header, tc.request, got, tc.want)
		}
	}
}

// TestLocateHeaderSentTwice: a header sent twice may hold a value the client wrote beside the
// CDN's; neither is believed.
func TestLocateHeaderSentTwice(t *testing.T) {
	for _, tc := range []struct {
		header  string
		request []string
		want    string
	}{
		{"Signpost-Region", []string{"Signpost-Region", "GB", "Signpost-Region", "CA-BC"}, ""},
		{"CloudFront-Viewer-Country-Region", []string{"CloudFront-Viewer-Country", "GB", "CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "BC"}, ""},
		{"CloudFront-Viewer-Country-Region", []string{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC", "CloudFront-Viewer-Country-Region", "BC"}, "CA"},
		{"X-Akamai-Edgescape", []string{"X-Akamai-Edgescape", "country_code=GB", "X-Akamai-Edgescape", "country_code=CA"}, ""},
	} {
		l, _ := ParseLocator(tc.header)
		var h fasthttp.RequestHeader
		for i := 0; i+1 < len(tc.request); i += 2 {
			h.Add(tc.request[i], tc.request[i+1])
		}
		if got := l.Locate(&h); got != tc.want {
			t.Errorf("%s with %q: %q, want %q", tc.header, tc.request, got, tc.want)
		}
	}
}
