package edition

import (
	"fmt"
	"strings"

	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// A CDN in front of the edge can say where a visitor is, in a request header it sets itself
// from its own data (EDGE_LOCATION_HEADER names it). The edge keeps no IP database and stores
// nothing: the header places the one answer it came with and is forgotten.

type locationFormat int

const (
	// formatCode: the header's value is a whole ISO 3166 code, "CA" or "CA-BC" (Fastly, set by
	// VCL; any CDN or proxy that can write one).
	formatCode locationFormat = iota
	// formatSplit: the country (ISO 3166-1 alpha-2) in one header and the subdivision part of
	// its ISO 3166-2 code ("BC") in another (CloudFront, Cloudflare).
	formatSplit
	// formatEdgeScape: Akamai's X-Akamai-Edgescape, "georegion=…,country_code=CA,region_code=BC,…".
	formatEdgeScape
)

// The CDNs' own headers, recognised by name (any case).
var knownLocations = []struct {
	name    string
	format  locationFormat
	headers []string // what is read, as the answer's Vary names it: the country's first
}{
	// CloudFront (origin request policy or cache policy): the subdivision part, country apart.
	{"CloudFront-Viewer-Country-Region", formatSplit, []string{"CloudFront-Viewer-Country", "CloudFront-Viewer-Country-Region"}},
	// Cloudflare's managed transform "Add visitor location headers": cf-region-code holds the
	// subdivision part (ip.src.region_code), cf-ipcountry the country (ip.src.country).
	{"CF-Region-Code", formatSplit, []string{"CF-IPCountry", "CF-Region-Code"}},
	// Akamai's Content Targeting (EdgeScape) behavior.
	{"X-Akamai-Edgescape", formatEdgeScape, []string{"X-Akamai-Edgescape"}},
}

// Locator reads the location header a CDN in front of the edge sets (EDGE_LOCATION_HEADER).
// It says nothing of whom to believe: the caller reads it only from trusted proxies.
type Locator struct {
	name    string
	format  locationFormat
	headers []string
	vary    string
}

// ParseLocator reads EDGE_LOCATION_HEADER: the name of the header the CDN sets. CloudFront's
// CloudFront-Viewer-Country-Region, Cloudflare's CF-Region-Code and Akamai's X-Akamai-Edgescape
// are read in their own formats (with CloudFront-Viewer-Country and CF-IPCountry for the
// country); any other header's value is a whole ISO 3166 code, "CA" or "CA-BC". Empty is nil:
// no header is read. A name that is not an HTTP field name is an error.
func ParseLocator(name string) (*Locator, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	if !fieldName(name) {
		return nil, fmt.Errorf("%q: want the name of the request header the CDN sets, such as CloudFront-Viewer-Country-Region, CF-Region-Code, X-Akamai-Edgescape or Signpost-Region", name)
	}
	l := &Locator{name: name, format: formatCode, headers: []string{name}}
	for _, k := range knownLocations {
		if strings.EqualFold(name, k.name) {
			l.format, l.headers = k.format, k.headers
		}
	}
	l.vary = strings.Join(l.headers, ", ")
	return l, nil
}

// fieldName reports whether s is an HTTP field name (RFC 9110 token), at most 64 bytes.
func fieldName(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// Name is the header named by the operator.
func (l *Locator) Name() string { return l.name }

// Vary names the request headers Locate reads: what an answer placed by them varies on.
func (l *Locator) Vary() string { return l.vary }

// Locate is where the request's location header places the visitor: an ISO 3166 code in
// canonical form ("CA-BC", "GB"), or "" when the header is absent, sent more than once,
// malformed, or names no country (the visitor is then placed as if it had not been sent). A
// subdivision that is malformed leaves the country alone.
func (l *Locator) Locate(h *fasthttp.RequestHeader) string {
	switch l.format {
	case formatSplit:
		return joinCode(one(h, l.headers[0]), one(h, l.headers[1]))
	case formatEdgeScape:
		country, sub := edgeScape(one(h, l.headers[0]))
		return joinCode(country, sub)
	}
	code, ok, err := snippets.ParseRegion(one(h, l.headers[0]))
	if !ok || err != nil || placeholder(code[:2]) {
		return ""
	}
	return code
}

// one is the value of the request header name, trimmed, when it is sent exactly once: a
// header sent twice may hold one value the CDN wrote and one the client did.
func one(h *fasthttp.RequestHeader, name string) string {
	vs := h.PeekAll(name)
	if len(vs) != 1 {
		return ""
	}
	return strings.TrimSpace(string(vs[0]))
}

// joinCode is the ISO 3166 code of a country and the subdivision part of a code within it: the
// country alone when the subdivision is absent or malformed, "" when the country is.
func joinCode(country, sub string) string {
	if len(country) != 2 {
		return ""
	}
	c, ok, err := snippets.ParseRegion(country)
	if !ok || err != nil || placeholder(c) {
		return ""
	}
	if sub != "" {
		if code, ok, err := snippets.ParseRegion(c + "-" + sub); ok && err == nil {
			return code
		}
	}
	return c
}

// edgeScape reads country_code and region_code from an X-Akamai-Edgescape value, a
// comma-separated list of key=value pairs (a pair without "=" is skipped). A key given twice is
// malformed: country_code twice leaves no country, region_code twice no subdivision.
func edgeScape(v string) (country, sub string) {
	var countries, subs int
	for pair := range strings.SplitSeq(v, ",") {
		k, val, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "country_code":
			country, countries = strings.TrimSpace(val), countries+1
		case "region_code":
			sub, subs = strings.TrimSpace(val), subs+1
		}
	}
	if countries != 1 {
		return "", ""
	}
	if subs != 1 {
		sub = ""
	}
	return country, sub
}

// placeholder reports whether a well-formed country code names no country: ISO 3166-1's
// user-assigned codes (AA, QM–QZ, XA–XZ, ZZ), which CDNs send for a visitor they cannot place
// (Cloudflare's XX), except XK, which they send for Kosovo.
func placeholder(cc string) bool {
	switch {
	case cc == "AA", cc == "ZZ":
		return true
	case cc[0] == 'Q':
		return cc[1] >= 'M'
	case cc[0] == 'X':
		return cc != "XK"
	}
	return false
}
