package asset

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/valyala/fasthttp"
)

// TestCompressedOnce: the same larger bytes are compressed once a process, each asset still
// serving its own bytes, and the memo stays within its bound.
func TestCompressedOnce(t *testing.T) {
	a := New(largeBody, testContentType, testCacheControl)
	b := New(bytes.Clone(largeBody), "text/plain", "no-store")
	for _, e := range []Encoding{Gzip, Brotli} {
		if len(a.Body(e)) == 0 || &a.Body(e)[0] != &b.Body(e)[0] {
			t.Errorf("encoding %d: the same body was compressed twice", e)
		}
		if a.ETag(e) != b.ETag(e) {
			t.Errorf("encoding %d: ETags %s and %s for the same bytes", e, a.ETag(e), b.ETag(e))
		}
	}
	if got, err := fasthttp.AppendGunzipBytes(nil, b.Body(Gzip)); err != nil || !bytes.Equal(got, largeBody) {
		t.Errorf("gzip from the memo: %v", err)
	}
	if got, err := fasthttp.AppendUnbrotliBytes(nil, b.Body(Brotli)); err != nil || !bytes.Equal(got, largeBody) {
		t.Errorf("brotli from the memo: %v", err)
	}
	// Full, it gives one entry up for the next (entries filled in here: compressing this many
	// bodies would cost seconds under the race detector).
	memo.Lock()
	for i := 0; len(memo.m) < memoEntries; i++ {
		memo.m[sha256.Sum256(fmt.Appendf(nil, "filler %d", i))] = compressed{}
	}
	memo.Unlock()
	New(append(bytes.Clone(largeBody), " "...), testContentType, testCacheControl)
	memo.Lock()
	n := len(memo.m)
	memo.Unlock()
	if n != memoEntries {
		t.Errorf("memo holds %d entries, bound %d", n, memoEntries)
	}
}
