package server

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/signpost/edge/server/edition"
)

func TestRedactSecrets(t *testing.T) {
	for in, want := range map[string]string{
		`"GET / HTTP/1.1\r\nAuthorization: Bearer abc.def\r\nHost: x\r\n"`: `"GET / HTTP/1.1\r\nAuthorization: [redacted]\r\nHost: x\r\n"`,
		"cookie: a=b; c=d\nnext":                       "cookie: [redacted]\nnext",
		"GET /v1/x?partner=demo&token=abc&x=1":         "GET /v1/x?partner=demo&token=[redacted]&x=1",
		"sent Bearer abc123 twice: Basic dXNlcjpwYXNz": "sent Bearer [redacted] twice: Basic [redacted]",
		"no secret in GET /v1/widget.js":               "no secret in GET /v1/widget.js",
	} {
		if got := redactSecrets(in); got != want {
			t.Errorf("redactSecrets(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLocationInText(t *testing.T) {
	l, err := edition.ParseLocator("Signpost-Region")
	if err != nil {
		t.Fatal(err)
	}
	re := locationInText(l)
	for _, name := range []string{"CloudFront-Viewer-Country", "cloudfront-viewer-country-region", "CloudFront-Viewer-City",
		"CF-IPCountry", "cf-ipcity", "cf-region", "cf-region-code", "cf-postal-code", "cf-timezone", "X-Akamai-Edgescape", "signpost-region"} {
		in := `"GET / HTTP/1.1\r\n` + name + `: NZ-AUK\r\nHost: x\r\n"`
		if got, want := re.ReplaceAllString(in, "${1}${2}[redacted]"), `"GET / HTTP/1.1\r\n`+name+`: [redacted]\r\nHost: x\r\n"`; got != want {
			t.Errorf("%s: %s, want %s", name, got, want)
		}
	}
	if in := `"GET / HTTP/1.1\r\nAccept: NZ-AUK\r\n"`; locationInText(nil).ReplaceAllString(in, "${1}${2}[redacted]") != in {
		t.Error("a header that says nothing of location was redacted")
	}
}

func TestFasthttpLogRedactsAddresses(t *testing.T) {
	var b bytes.Buffer
	fasthttpLogger{log: slog.New(slog.NewJSONHandler(&b, nil))}.Printf("error when serving connection %q<->%q: %s",
		"127.0.0.1:8080", "203.0.113.7:41948", "GET /x HTTP/1.1\r\nX-Forwarded-For: [2001:db8::1]:443"+strings.Repeat("x", 500))
	out := b.String()
	for _, ip := range []string{"203.0.113.7", "127.0.0.1", "2001:db8::1"} {
		if strings.Contains(out, ip) {
			t.Errorf("log keeps %s: %s", ip, out)
		}
	}
	if !strings.Contains(out, "[address]") || strings.Count(out, "x") > 400 {
		t.Errorf("log %s", out)
	}
}
