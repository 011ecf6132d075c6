package origin

import (
	"bytes"
	"net"
	"net/netip"
	"strings"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
)

// ErrBadHost refuses a Host header that is not host[:port]: nothing that names this edge may be
// built from it.
var ErrBadHost = answer.New(fault.Invalid, "bad_host", "Host", "bad_host")

// ValidHost reports whether a Host header is host[:port]: a DNS name (labels of letters, digits
// and inner hyphens) or an IP literal (IPv6 in brackets, a real address), and a port from 1 to
// 65535. It runs on every request, so it allocates nothing.
func ValidHost(h []byte) bool {
	if len(h) == 0 || len(h) > 260 {
		return false
	}
	var port []byte
	if h[0] == '[' {
		end := bytes.IndexByte(h, ']')
		if end < 0 {
			return false
		}
		a, err := netip.ParseAddr(answer.View(h[1:end]))
		if err != nil || !a.Is6() {
			return false
		}
		if rest := h[end+1:]; len(rest) > 0 {
			if rest[0] != ':' {
				return false
			}
			port = rest[1:]
			return validPort(port)
		}
		return true
	}
	name := h
	if i := bytes.LastIndexByte(h, ':'); i >= 0 {
		name, port = h[:i], h[i+1:]
		if !validPort(port) {
			return false
		}
	}
	if len(name) > 0 && name[len(name)-1] == '.' {
		name = name[:len(name)-1]
	}
	if len(name) == 0 {
		return false
	}
	for len(name) > 0 {
		label := name
		if i := bytes.IndexByte(name, '.'); i >= 0 {
			label, name = name[:i], name[i+1:]
			if len(name) == 0 {
				return false // "a..b" or a trailing dot already taken
			}
		} else {
			name = nil
		}
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validPort reports whether p is a port number from 1 to 65535.
func validPort(p []byte) bool {
	if len(p) == 0 || len(p) > 5 {
		return false
	}
	n := 0
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n >= 1 && n <= 65535
}

// LoopbackHost reports whether host (with its port, if any) is this machine.
func LoopbackHost(host string) bool {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	h = strings.TrimSuffix(strings.Trim(h, "[]"), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.Unmap().IsLoopback()
}
