package server

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// nameAlphabet makes distinct two-byte parameter names: 62² of them.
const nameAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// queryOfNames is a query of n distinct two-byte names without values, "aa&ab&ac…": the
// densest query of distinct names a request can carry (3 bytes a name).
func queryOfNames(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteByte(nameAlphabet[i/len(nameAlphabet)%len(nameAlphabet)])
		b.WriteByte(nameAlphabet[i%len(nameAlphabet)])
	}
	return b.String()
}

// TestDuplicateParam checks the one-pass check against the obvious one (a map of every name)
// on queries either side of smallQuery: the first name given twice is found, wherever the two
// are; components may repeat; a name is never taken for another.
func TestDuplicateParam(t *testing.T) {
	reference := func(args *fasthttp.Args) (string, bool) {
		seen := map[string]bool{}
		for k := range args.All() {
			if seen[string(k)] && string(k) != "components" {
				return string(k), true
			}
			seen[string(k)] = true
		}
		return "", false
	}
	var queries []string
	for _, n := range []int{2, smallQuery - 1, smallQuery, smallQuery + 1, 3 * smallQuery, 500} {
		names := strings.Split(queryOfNames(n), "&")
		queries = append(queries, strings.Join(names, "&"),
			strings.Join(names, "&")+"&components=a&components=b",
			"components&"+strings.Join(names, "&components&"),
			strings.Join(names, "&")+"&"+names[0],
			strings.Join(names, "&")+"&"+names[n-1]+"=x",
			names[n/2]+"=1&"+strings.Join(names, "&"),
			strings.Join(names, "=v&")+"&=v&=w",
			strings.Join(names, "&")+"&"+names[n-1]+"x")
	}
	for _, q := range queries {
		var args fasthttp.Args
		args.Parse(q)
		want, wantDup := reference(&args)
		if got, dup := duplicateParam(&args); got != want || dup != wantDup {
			t.Errorf("%d names (%.40q…): %q %v, want %q %v", args.Len(), q, got, dup, want, wantDup)
		}
	}
	// Past smallQuery the set is pooled: a query's names are not kept once checked.
	var args fasthttp.Args
	args.Parse(queryOfNames(100))
	if n := testing.AllocsPerRun(100, func() { duplicateParam(&args) }); n != 0 && !raceDetector {
		t.Errorf("100 names: %v allocations per check, want 0", n)
	}
}

// BenchmarkAmbiguousFraming is the check's cost on the head a browser sends for the widget
// (fasthttp's own parse of it is not counted).
func BenchmarkAmbiguousFraming(b *testing.B) {
	head := "GET /v1/widget.js HTTP/1.1\r\nHost: edge.example\r\nConnection: keep-alive\r\n" +
		"sec-ch-ua-platform: \"Linux\"\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n" +
		"sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"\r\nsec-ch-ua-mobile: ?0\r\nAccept: */*\r\n" +
		"Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Dest: script\r\n" +
		"Referer: https://partner.example/\r\nAccept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: fr-CA,fr;q=0.9,en;q=0.8\r\n\r\n"
	var h fasthttp.RequestHeader
	if err := h.Read(bufio.NewReader(strings.NewReader(head))); err != nil {
		b.Fatal(err)
	}
	if _, bad := ambiguousFraming(&h); bad || len(h.RawHeaders()) < 450 {
		b.Fatalf("a browser's head (%d bytes) taken for ambiguous", len(h.RawHeaders()))
	}
	b.ReportAllocs()
	for b.Loop() {
		ambiguousFraming(&h)
	}
}
