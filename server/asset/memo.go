package asset

import (
	"sync"
	"sync/atomic"

	"github.com/valyala/fasthttp"
)

// The compressed forms of the larger bodies New has seen, by the SHA-256 it computes anyway:
// brotli at its best level costs about 100 ms for the widget bundle (over a second under the race
// detector), and a process builds the same bytes more than once (the bundle as served and as
// pinned, the console and pages of every server it starts, a content version published back).
// Bounded: bodies from memoMin to memoMax bytes, memoEntries of them; past that, one entry goes.
const (
	memoMin     = 1 << 10
	memoMax     = 1 << 20
	memoEntries = 32
)

type compressed struct{ gz, br []byte }

var memo = struct {
	sync.Mutex
	m map[[32]byte]compressed
}{m: map[[32]byte]compressed{}}

// compress returns body in gzip and brotli, from the memo when the same bytes were compressed
// before. The slices are shared: nothing may write to them.
func compress(sum [32]byte, body []byte) compressed {
	keep := len(body) >= memoMin && len(body) <= memoMax
	if keep {
		memo.Lock()
		c, ok := memo.m[sum]
		memo.Unlock()
		if ok {
			return c
		}
	}
	c := compressAt(body, gzipBest, brotliBest)
	if keep {
		memo.Lock()
		if len(memo.m) >= memoEntries {
			for k := range memo.m {
				delete(memo.m, k)
				break
			}
		}
		memo.m[sum] = c
		memo.Unlock()
	}
	return c
}

// Made counts the compressed assets made since the process started: Best by New (from the memo
// or not: a request path that calls New is wrong even when the memo spares it the work this
// time), Request by Rendered. The tests read it to hold every request path to the request levels.
type Made struct{ Best, Request int64 }

var made struct{ best, request atomic.Int64 }

// Counted returns the assets made so far.
func Counted() Made {
	return Made{Best: made.best.Load(), Request: made.request.Load()}
}

// compressAt compresses body in gzip and brotli at the levels given.
func compressAt(body []byte, gzipLevel, brotliLevel int) compressed {
	return compressed{
		gz: fasthttp.AppendGzipBytesLevel(nil, body, gzipLevel),
		br: fasthttp.AppendBrotliBytesLevel(nil, body, brotliLevel),
	}
}
