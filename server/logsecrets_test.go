package server_test

import (
	"bufio"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/edition"
)

// TestLogsKeepNoSecrets sends requests fasthttp cannot parse (a header line without a colon,
// two Content-Length headers, a broken request line), each carrying an operator's token, a
// cookie and a token in the query, over a real connection: fasthttp quotes such a request in its
// error log, and no line the edge logs may hold any of them.
func TestLogsKeepNoSecrets(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
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
	for strings.Count(e.Logs.String(), `"source":"fasthttp"`) < 2 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := e.Logs.String()
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

// TestLogsKeepNoLocation: a request fasthttp cannot parse, quoted in its error log, loses what
// a CDN's location headers said of the visitor: the CDNs' own, and the one the operator named.
func TestLogsKeepNoLocation(t *testing.T) {
	l, err := edition.ParseLocator("Signpost-Region")
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{LocationHeader: l}})
	places := []string{"NZ-AUK", "Auckland", "country_code=NZ", "QLD-77", "NZ-WKO"}
	raw := "GET /v1/snippets/demo HTTP/1.1\r\nHost: edge\r\nSignpost-Region: NZ-AUK\r\nCloudFront-Viewer-City: Auckland\r\n" +
		"X-Akamai-Edgescape: georegion=1,country_code=NZ\r\ncf-region-code: QLD-77\r\ncloudfront-viewer-country-region: NZ-WKO\r\nBroken header line\r\n\r\n"
	if status := rawStatus(t, e, raw); !strings.Contains(status, " 400 ") {
		t.Errorf("malformed request answered %q, want 400", status)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(e.Logs.String(), `"source":"fasthttp"`) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	logs := e.Logs.String()
	if !strings.Contains(logs, `"source":"fasthttp"`) || !strings.Contains(logs, "[redacted]") {
		t.Fatalf("fasthttp logged nothing redacted: the case was not tested\n%s", logs)
	}
	for _, p := range places {
		if strings.Contains(logs, p) {
			t.Errorf("the log holds %q:\n%s", p, logs)
		}
	}
}

// rawStatus writes raw to a new connection to the edge and returns its status line.
func rawStatus(t *testing.T, e *edgetest.Edge, raw string) string {
	t.Helper()
	c, err := e.Dial()
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
