// Package clientaddr is who a request comes from: the trusted proxies (EDGE_TRUSTED_PROXIES)
// and the client's address, read from X-Forwarded-For only when the TCP peer is one of them,
// since any client can send that header itself. The rate limits, the operator sign-in
// throttle, the feedback intake and the location header all ask it.
package clientaddr

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"github.com/valyala/fasthttp"
)

// Proxies is the set of trusted proxy networks (EDGE_TRUSTED_PROXIES). Empty by default: no
// proxy is trusted and X-Forwarded-For is ignored, since any client can send one.
type Proxies []netip.Prefix

// ParseProxies reads comma- or space-separated CIDRs or addresses ("10.0.0.0/8, 192.0.2.1").
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' }) {
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("trusted proxy %q: want a CIDR such as 10.0.0.0/8 or an address", f)
			}
			a = a.Unmap()
			ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want a CIDR such as 10.0.0.0/8 or an address", f)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		ps = append(ps, p.Masked())
	}
	return ps, nil
}

// Trusted reports whether a is a trusted proxy.
func (ps Proxies) Trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// TrustedPeer reports whether the request's TCP peer is a trusted proxy: only such a peer may
// tell the edge something about the client (its address, a CDN's location header), since any
// client can send those headers itself. False when no proxy is trusted.
func (ps Proxies) TrustedPeer(ctx *fasthttp.RequestCtx) bool {
	return len(ps) > 0 && ps.Trusted(peerAddr(ctx))
}

var headerXFF = []byte("X-Forwarded-For")

// ClientIP is the address of the client: the socket peer, unless the peer is a trusted proxy;
// then the rightmost X-Forwarded-For hop that is not a trusted proxy (hops to its left were
// written by the client and may be forged). When every hop is trusted, the leftmost is used;
// when a hop does not parse, the trusted hop that reported it is used.
func (ps Proxies) ClientIP(ctx *fasthttp.RequestCtx) netip.Addr {
	peer := peerAddr(ctx)
	if len(ps) == 0 || !ps.Trusted(peer) {
		return peer
	}
	var hops []string
	for k, v := range ctx.Request.Header.All() {
		if bytes.EqualFold(k, headerXFF) {
			for h := range strings.SplitSeq(string(v), ",") {
				hops = append(hops, strings.TrimSpace(h))
			}
		}
	}
	client := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(hops[i])
		if err != nil {
			if ap, perr := netip.ParseAddrPort(hops[i]); perr == nil {
				a, err = ap.Addr(), nil
			}
		}
		if err != nil {
			return client
		}
		client = a.Unmap()
		if !ps.Trusted(client) {
			return client
		}
	}
	return client
}

func peerAddr(ctx *fasthttp.RequestCtx) netip.Addr {
	switch a := ctx.RemoteAddr().(type) {
	case *net.TCPAddr:
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			return ip.Unmap()
		}
	}
	if ap, err := netip.ParseAddrPort(ctx.RemoteAddr().String()); err == nil {
		return ap.Addr().Unmap()
	}
	return netip.IPv4Unspecified()
}
