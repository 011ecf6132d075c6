package server

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/serving"
)

// TestLogsKeepNoSecrets sends requests fasthttp cannot parse (a header line without a colon,
// two Content-Length headers, a broken request line), each carrying an operator's token, a
// cookie and a token in the query, over a real connection: fasthttp quotes such a request in its
// error log, and no line the edge logs may hold any of them.
func TestLogsKeepNoSecrets(t *testing.T) {
	e := startEdge(t, shipped(t), Config{})
	const token = "op-token-7f3c9a1e5b2d4c6f8a0b"
	secrets := []string{token, "session=c00k1e-s3cr3t", "q-t0ken-9911"}
	for _, raw := range []string{
		"GET /v1/admin/content?token=q-t0ken-9911 HTTP/1.1\r\nHost: edge\r\nAuthorization: Bearer " + token + "\r\nCookie: session=c00k1e-s3cr3t\r\nBroken header line\r\n\r\n",
		"POST /v1/admin/content?access_token=q-t0ken-9911 HTTP/1.1\r\nHost: edge\r\nAuthorization: Bearer " + token + "\r\nCookie: session=c00k1e-s3cr3t\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
		"G\x00T /x?token=q-t0ken-9911 HTTP/1.1\r\nAuthorization: Bearer " + token + "\r\nCookie: session=c00k1e-s3cr3t\r\n\r\n",
	} {
		if status := rawStatus(t, e, raw); !strings.Contains(status, " 400 ") {
			t.Errorf("malformed request answered %q, want 400", status)
		}
	}
	// fasthttp logs after answering: wait for its lines, then look for the secrets.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(e.logs.String(), `"source":"fasthttp"`) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"source":"fasthttp"`) {
		t.Fatalf("fasthttp logged nothing: the case was not tested\n%s", logs)
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q:\n%s", s, logs)
		}
	}
	if !strings.Contains(logs, "[redacted]") {
		t.Errorf("nothing was redacted: did fasthttp quote the request?\n%s", logs)
	}
}

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

// TestLogsKeepNoLocation: a request fasthttp cannot parse, quoted in its error log, loses what
// a CDN's location headers said of the visitor: the CDNs' own, and the one the operator named.
func TestLogsKeepNoLocation(t *testing.T) {
	l, err := serving.ParseLocator("Signpost-Region")
	if err != nil {
		t.Fatal(err)
	}
	e := startEdge(t, shipped(t), Config{LocationHeader: l})
	places := []string{"NZ-AUK", "Auckland", "country_code=NZ", "QLD-77", "NZ-WKO"}
	raw := "GET /v1/snippets/demo HTTP/1.1\r\nHost: edge\r\nSignpost-Region: NZ-AUK\r\nCloudFront-Viewer-City: Auckland\r\n" +
		"X-Akamai-Edgescape: georegion=1,country_code=NZ\r\ncf-region-code: QLD-77\r\ncloudfront-viewer-country-region: NZ-WKO\r\nBroken header line\r\n\r\n"
	if status := rawStatus(t, e, raw); !strings.Contains(status, " 400 ") {
		t.Errorf("malformed request answered %q, want 400", status)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(e.logs.String(), `"source":"fasthttp"`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"source":"fasthttp"`) || !strings.Contains(logs, "[redacted]") {
		t.Fatalf("fasthttp logged nothing redacted: the case was not tested\n%s", logs)
	}
	for _, p := range places {
		if strings.Contains(logs, p) {
			t.Errorf("the log holds %q:\n%s", p, logs)
		}
	}
}

func TestLocationInText(t *testing.T) {
	l, err := serving.ParseLocator("Signpost-Region")
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

// rawStatus writes raw to a new connection to the edge and returns its status line.
func rawStatus(t *testing.T, e *edge, raw string) string {
	t.Helper()
	c, err := e.dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
	status, _ := bufio.NewReader(c).ReadString('\n')
	return status
}
