package origin

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"

	"github.com/valyala/fasthttp"
)

// Trust says whether an address is a proxy allowed to tell the client's scheme
// (clientaddr.Proxies, from EDGE_TRUSTED_PROXIES).
type Trust interface {
	Trusted(netip.Addr) bool
}

// Origin is this edge's origin as the client reached it, for absolute links in what the edge
// writes for partners (tags, CSP lines, the banner fragment's links) when the operator has not
// named its public origin (EDGE_PUBLIC_ORIGIN, ParsePublic): the Host header, and
// the scheme of the connection. A plain-HTTP request is taken to have come through a
// TLS-terminating proxy (https), except on a loopback host (http, for `make run`), or when a
// trusted proxy says otherwise in X-Forwarded-Proto. An untrusted client's X-Forwarded-Proto is
// ignored, as its X-Forwarded-For is. It is false when the Host header is not a host.
func Of(ctx *fasthttp.RequestCtx, proxies Trust) (string, bool) {
	// The Host header as sent: fasthttp's parsed host would take "edge@evil.example" for a
	// user and a host.
	if !ValidHost(ctx.Request.Header.Host()) {
		return "", false
	}
	host := strings.ToLower(string(ctx.Request.Header.Host()))
	scheme := "https"
	switch {
	case ctx.IsTLS():
	case trustedPeer(ctx, proxies):
		if p := forwardedProto(ctx); p != "" {
			scheme = p
		} else if LoopbackHost(host) {
			scheme = "http"
		}
	case LoopbackHost(host):
		scheme = "http"
	}
	return scheme + "://" + host, true
}

func trustedPeer(ctx *fasthttp.RequestCtx, proxies Trust) bool {
	if proxies == nil {
		return false
	}
	a, ok := ctx.RemoteAddr().(*net.TCPAddr)
	if !ok {
		return false
	}
	ip, ok := netip.AddrFromSlice(a.IP)
	return ok && proxies.Trusted(ip)
}

// forwardedProto is the first X-Forwarded-Proto value when it is http or https, else "".
func forwardedProto(ctx *fasthttp.RequestCtx) string {
	v, _, _ := strings.Cut(string(ctx.Request.Header.Peek("X-Forwarded-Proto")), ",")
	switch v = strings.ToLower(strings.TrimSpace(v)); v {
	case "http", "https":
		return v
	}
	return ""
}

// Own says whether a request came from one of this edge's own pages: its Origin names the
// host it was sent to (or, from a trusted proxy, the host in X-Forwarded-Host). A browser sets
// Origin itself, so no other site's page can send this edge's. opaque is true when the request
// names no origin at all: no Origin header (not a browser; every supported browser sends Origin
// with a POST), or "null" (a sandboxed frame without allow-same-origin, a page under
// Referrer-Policy: no-referrer). Neither proves where it came from, so neither is own.
func Own(ctx *fasthttp.RequestCtx, proxies Trust) (own, opaque bool) {
	o := string(ctx.Request.Header.Peek("Origin"))
	if o == "" || o == "null" {
		return false, true
	}
	_, host, ok := strings.Cut(o, "://")
	if !ok || host == "" {
		return false, false
	}
	if strings.EqualFold(host, string(ctx.Request.Header.Host())) {
		return true, false
	}
	fwd, _, _ := strings.Cut(string(ctx.Request.Header.Peek("X-Forwarded-Host")), ",")
	return fwd != "" && trustedPeer(ctx, proxies) && strings.EqualFold(host, strings.TrimSpace(fwd)), false
}

// Vary names, for an answer whose bytes hold Origin's value, the request headers it was
// read from: Host, and X-Forwarded-Proto when a trusted proxy may have said the scheme.
func Vary(ctx *fasthttp.RequestCtx, proxies Trust) string {
	if !ctx.IsTLS() && trustedPeer(ctx, proxies) {
		return "Host, X-Forwarded-Proto"
	}
	return "Host"
}

// ParsePublic reads the edge's public origin (EDGE_PUBLIC_ORIGIN): http or https, a host
// as a Host header may name it (ValidHost), an optional port, and nothing else (no user, path
// but "/", query or fragment). It returns the origin as links name it, lower-case and without
// a trailing slash; "" for "".
func ParsePublic(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("%q is not a URL: %w", s, err)
	}
	scheme := strings.ToLower(u.Scheme)
	switch {
	case scheme != "http" && scheme != "https":
		return "", fmt.Errorf("%q: want an http or https origin, such as https://signpost.example.org", s)
	case u.Opaque != "" || u.User != nil || !ValidHost([]byte(u.Host)):
		return "", fmt.Errorf("%q: want scheme://host[:port], such as https://signpost.example.org", s)
	case (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#"):
		return "", fmt.Errorf("%q: an origin has no path, query or fragment", s)
	}
	return scheme + "://" + strings.ToLower(u.Host), nil
}
