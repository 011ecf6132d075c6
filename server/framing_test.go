package server_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// exchange writes raw to a new connection to the edge and reads the answers until the edge
// closes it, or until want answers have come (the connection is then left open).
func exchange(t *testing.T, e *edgetest.Edge, raw string, want int) (answers []*fasthttp.Response, closed bool) {
	t.Helper()
	c, err := e.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	go func() { _, _ = io.WriteString(c, raw) }()
	br := bufio.NewReader(c)
	for len(answers) < want {
		_ = c.SetReadDeadline(time.Now().Add(10 * time.Second))
		r := &fasthttp.Response{}
		if err := r.Read(br); err != nil {
			if err == io.EOF {
				return answers, true
			}
			t.Fatalf("reading answer %d: %v", len(answers)+1, err)
		}
		answers = append(answers, r)
	}
	return answers, false
}

// TestAmbiguousFramingClosesTheConnection sends requests whose end a proxy in front of the edge
// may place elsewhere than fasthttp does, each followed on the same connection by a request a
// smuggler would hide in the body: each gets 400 with the JSON error and Connection: close, and
// nothing after it is read (no second answer). The cases fasthttp refuses itself are here too,
// so that a fasthttp upgrade that lets one through fails this test. Requests with one framing
// keep their connection: the next request is answered.
func TestAmbiguousFramingClosesTheConnection(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	body := `{"partner":"demo","region":"CA","event":"shown"}`
	chunk := fmt.Sprintf("%x\r\n%s\r\n0\r\n\r\n", len(body), body)
	next := "GET /healthz HTTP/1.1\r\nHost: edge\r\n\r\n"
	beacon := "POST /v1/beacon HTTP/1.1\r\nHost: edge\r\nContent-Type: text/plain\r\nOrigin: http://localhost:8080\r\n"
	cl := fmt.Sprintf("Content-Length: %d\r\n", len(body))
	for _, tc := range []struct {
		name, raw string
		code      string // ambiguous_framing: the edge's refusal; bad_request: fasthttp's
	}{
		// What fasthttp let through before the edge looked (each was answered, then what
		// followed read as a request of its own).
		{"Transfer-Encoding and Content-Length", beacon + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + next, "ambiguous_framing"},
		{"Content-Length then Transfer-Encoding, empty chunked body", beacon + fmt.Sprintf("Content-Length: %d\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 5+len(next)) + next, "ambiguous_framing"},
		{"GET with both", "GET /healthz HTTP/1.1\r\nHost: edge\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + next, "ambiguous_framing"},
		{"Transfer-Encoding: identity", beacon + "Transfer-Encoding: identity\r\n\r\n" + body + next, "ambiguous_framing"},
		{"Transfer-Encoding: identity with Content-Length", beacon + "Transfer-Encoding: identity\r\n" + cl + "\r\n" + body + next, "ambiguous_framing"},
		{"GET with Transfer-Encoding: identity", "GET /healthz HTTP/1.1\r\nHost: edge\r\nTransfer-Encoding: identity\r\n\r\n" + next, "ambiguous_framing"},
		{"Transfer-Encoding folded (obs-fold)", beacon + "Transfer-Encoding:\r\n chunked\r\n\r\n" + chunk + next, "ambiguous_framing"},
		{"Transfer-Encoding hidden in a folded line", beacon + "X-A: b\r\n Transfer-Encoding: chunked\r\n\r\n" + chunk + next, "ambiguous_framing"},
		{"Content-Length folded (obs-fold)", beacon + fmt.Sprintf("Content-Length:\r\n\t%d\r\n\r\n", len(body)) + body + next, "ambiguous_framing"},
		{"header lines ending in a bare LF", strings.ReplaceAll(beacon+cl, "\r\n", "\n") + "\n" + body + next, "ambiguous_framing"},
		{"one header line ending in a bare LF", beacon + "X-A: b\nX-B: c\r\n" + cl + "\r\n" + body + next, "ambiguous_framing"},
		// What fasthttp refuses itself.
		{"two Content-Lengths, different", beacon + cl + "Content-Length: 4\r\n\r\n" + body + next, "bad_request"},
		{"two Content-Lengths, the same", beacon + cl + cl + "\r\n" + body + next, "bad_request"},
		{"Content-Length as a list", beacon + fmt.Sprintf("Content-Length: %d, %d\r\n\r\n", len(body), len(body)) + body + next, "bad_request"},
		{"Content-Length with a sign", beacon + fmt.Sprintf("Content-Length: +%d\r\n\r\n", len(body)) + body + next, "bad_request"},
		{"Content-Length negative", beacon + "Content-Length: -1\r\n\r\n" + body + next, "bad_request"},
		{"Content-Length with a space inside", beacon + "Content-Length: 4 8\r\n\r\n" + body + next, "bad_request"},
		{"Content-Length in hex", beacon + "Content-Length: 0x30\r\n\r\n" + body + next, "bad_request"},
		{"Content-Length past int64", beacon + "Content-Length: 99999999999999999999999\r\n\r\n" + body + next, "bad_request"},
		{"space before the colon", beacon + "Transfer-Encoding : chunked\r\n\r\n" + chunk + next, "bad_request"},
		{"chunked not last", beacon + "Transfer-Encoding: chunked, gzip\r\n\r\n" + chunk + next, "bad_request"},
		{"chunked after another coding", beacon + "Transfer-Encoding: gzip, chunked\r\n\r\n" + chunk + next, "bad_request"},
		{"chunked twice in one", beacon + "Transfer-Encoding: chunked, chunked\r\n\r\n" + chunk + next, "bad_request"},
		{"two Transfer-Encodings", beacon + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + next, "bad_request"},
		{"an unknown coding", beacon + "Transfer-Encoding: xchunked\r\n\r\n" + chunk + next, "bad_request"},
		{"an empty Transfer-Encoding", beacon + "Transfer-Encoding: \r\n\r\n" + body + next, "bad_request"},
		{"chunked in HTTP/1.0", strings.Replace(beacon, "HTTP/1.1", "HTTP/1.0", 1) + "Transfer-Encoding: chunked\r\n\r\n" + chunk + next, "bad_request"},
		{"a vertical tab before chunked", beacon + "Transfer-Encoding: \x0bchunked\r\n\r\n" + chunk + next, "bad_request"},
		{"a bare CR in a header line", beacon + "X-A: b\rTransfer-Encoding: chunked\r\n" + cl + "\r\n" + body + next, "bad_request"},
		{"a Content-Length trailer", beacon + "Transfer-Encoding: chunked\r\n\r\n" + strings.TrimSuffix(chunk, "\r\n") + "Content-Length: 5\r\n\r\n" + next, "bad_request"},
		{"a chunk ending in a bare LF", beacon + "Transfer-Encoding: chunked\r\n\r\n" + fmt.Sprintf("%x\n%s\n0\n\n", len(body), body) + next, "bad_request"},
	} {
		answers, closed := exchange(t, e, tc.raw, 2)
		if len(answers) != 1 || !closed {
			statuses := []int{}
			for _, a := range answers {
				statuses = append(statuses, a.StatusCode())
			}
			t.Errorf("%s: answers %v, closed %v; want one 400 and the connection closed", tc.name, statuses, closed)
			continue
		}
		r := answers[0]
		var got struct{ Error struct{ Code string } }
		if err := json.Unmarshal(r.Body(), &got); err != nil || r.StatusCode() != 400 || got.Error.Code != tc.code {
			t.Errorf("%s: %d %s, want 400 %s", tc.name, r.StatusCode(), r.Body(), tc.code)
		}
		if !r.ConnectionClose() {
			t.Errorf("%s: the answer does not say Connection: close", tc.name)
		}
	}
	// One framing, however spelled (a case, spaces around the value, leading zeros, a chunk
	// extension, a trailer): answered, and the connection goes on.
	for _, raw := range []string{
		beacon + cl + "\r\n" + body,
		beacon + "Transfer-Encoding: chunked\r\n\r\n" + chunk,
		beacon + "transfer-encoding:\tCHUNKED \r\n\r\n" + chunk,
		beacon + fmt.Sprintf("content-length:  000%d \r\n\r\n", len(body)) + body,
		beacon + "Transfer-Encoding: chunked\r\n\r\n" + fmt.Sprintf("%x;ext=1\r\n%s\r\n0\r\nX-Trailer: 1\r\n\r\n", len(body), body),
		"GET /healthz HTTP/1.1\r\nHost: edge\r\nContent-Length: 5\r\n\r\nhello",
	} {
		answers, closed := exchange(t, e, raw+next, 2)
		if len(answers) != 2 || closed || answers[0].StatusCode() >= 300 || answers[1].StatusCode() != 200 {
			t.Errorf("%q: %d answers (closed %v), want a success and the next request's 200", raw, len(answers), closed)
			for _, a := range answers {
				t.Logf("%d %s", a.StatusCode(), a.Body())
			}
		}
	}
}
