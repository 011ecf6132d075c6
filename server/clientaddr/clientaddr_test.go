package clientaddr

import (
	"net"
	"testing"

	"github.com/valyala/fasthttp"
)

func TestClientIP(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 2001:db8::/32 192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, peer string
		xff        []string
		ps         Proxies
		want       string
	}{
		{"no proxies configured: XFF ignored", "10.0.0.1", []string{"203.0.113.1"}, nil, "10.0.0.1"},
		{"untrusted peer: XFF ignored", "198.51.100.1", []string{"203.0.113.1"}, proxies, "198.51.100.1"},
		{"trusted peer, one hop", "10.0.0.1", []string{"203.0.113.1"}, proxies, "203.0.113.1"},
		{"forged leftmost hop ignored", "10.0.0.1", []string{"6.6.6.6, 203.0.113.1, 10.2.2.2"}, proxies, "203.0.113.1"},
		{"hops over two headers", "10.0.0.1", []string{"6.6.6.6", "203.0.113.2, 192.0.2.1"}, proxies, "203.0.113.2"},
		{"all hops trusted: leftmost", "10.0.0.1", []string{"10.9.9.9, 10.8.8.8"}, proxies, "10.9.9.9"},
		{"garbage hop: the trusted hop that reported it", "10.0.0.1", []string{"not-an-ip, 10.3.3.3"}, proxies, "10.3.3.3"},
		{"no XFF from a trusted peer", "10.0.0.1", nil, proxies, "10.0.0.1"},
		{"IPv6 hop", "10.0.0.1", []string{"2001:db9::1"}, proxies, "2001:db9::1"},
		{"hop with a port", "10.0.0.1", []string{"203.0.113.3:5555"}, proxies, "203.0.113.3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ctx fasthttp.RequestCtx
			var req fasthttp.Request
			for _, v := range tc.xff {
				req.Header.Add("X-Forwarded-For", v)
			}
			ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(tc.peer), Port: 1234}, nil)
			if got := tc.ps.ClientIP(&ctx).String(); got != tc.want {
				t.Errorf("client %s, want %s", got, tc.want)
			}
		})
	}
	if _, err := ParseProxies("10.0.0.0/33"); err == nil {
		t.Error("a bad CIDR was accepted")
	}
}

func TestTrustedPeer(t *testing.T) {
	proxies, err := ParseProxies("10.0.0.0/8, 2001:db8::/32")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		peer string
		ps   Proxies
		want bool
	}{
		{"10.1.2.3", proxies, true},
		{"::ffff:10.1.2.3", proxies, true},
		{"2001:db8::7", proxies, true},
		{"198.51.100.1", proxies, false},
		{"10.1.2.3", nil, false}, // no proxies configured: none is trusted
	} {
		var ctx fasthttp.RequestCtx
		var req fasthttp.Request
		// A forwarded address that is trusted changes nothing: the TCP peer is what counts.
		req.Header.Add("X-Forwarded-For", "10.9.9.9")
		ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP(tc.peer), Port: 1234}, nil)
		if got := tc.ps.TrustedPeer(&ctx); got != tc.want {
			t.Errorf("TrustedPeer from %s (proxies %v) = %v, want %v", tc.peer, tc.ps, got, tc.want)
		}
	}
}
