package server

// What a request must be before any handler reads it: one value per parameter that takes one,
// unambiguous framing, and the JSON answer to what fasthttp could not read at all.

import (
	"bytes"
	"hash/maphash"
	"sync"

	"github.com/signpost/edge/server/answer"
	"github.com/valyala/fasthttp"
)

// multiValued is the query parameter that may repeat (the builder's components).
var multiValued = []byte("components")

// smallQuery is how many names duplicateParam compares pairwise, on the stack: every query the
// widget, the pages and the builder send (the builder's has nine names). Past it, a hash set.
const smallQuery = 16

// duplicateParam finds a query parameter given twice that may appear once, in one pass: linear
// in the names, whatever their number (bounded only by maxRequestHead: 1,354 distinct names),
// allocation-free (up to smallQuery names by pairs, past it in a pooled set).
func duplicateParam(args *fasthttp.Args) (string, bool) {
	n := args.Len()
	if n < 2 {
		return "", false
	}
	if n > smallQuery {
		set := nameSets.Get().(*nameSet)
		defer nameSets.Put(set)
		set.reset(n)
		defer set.release()
		for k := range args.All() {
			if set.add(k) && !bytes.Equal(k, multiValued) {
				return string(k), true
			}
		}
		return "", false
	}
	var seen [smallQuery][]byte
	i := 0
	for k := range args.All() {
		for _, s := range seen[:i] {
			if bytes.Equal(s, k) && !bytes.Equal(k, multiValued) {
				return string(k), true
			}
		}
		seen[i] = k
		i++
	}
	return "", false
}

// nameSets keeps the sets of long queries for the next.
var nameSets = sync.Pool{New: func() any { return &nameSet{seed: maphash.MakeSeed()} }}

// nameSet is a set of a query's names: open addressing over the names' hashes, keyed by a seed
// of its own (a client cannot choose names that collide), at most half full.
type nameSet struct {
	seed  maphash.Seed
	slots []int32  // 1 + the index in names of the name in the slot; 0: empty
	names [][]byte // views of the query, released before the set is put back
}

// reset empties the set for n names.
func (s *nameSet) reset(n int) {
	size := 64
	for size < 2*n {
		size *= 2
	}
	if cap(s.slots) < size {
		s.slots = make([]int32, size)
	}
	s.slots = s.slots[:size]
	clear(s.slots)
}

// release lets go of the query's bytes.
func (s *nameSet) release() {
	clear(s.names)
	s.names = s.names[:0]
}

// add puts k in the set and reports whether it was there already.
func (s *nameSet) add(k []byte) bool {
	mask := uint64(len(s.slots) - 1)
	for i := maphash.Bytes(s.seed, k) & mask; ; i = (i + 1) & mask {
		j := s.slots[i]
		if j == 0 {
			s.names = append(s.names, k)
			s.slots[i] = int32(len(s.names))
			return false
		}
		if bytes.Equal(s.names[j-1], k) {
			return true
		}
	}
}

var (
	nameTransferEncoding = []byte("Transfer-Encoding")
	nameContentLength    = []byte("Content-Length")
	codingChunked        = []byte("chunked")
)

// ambiguousFraming finds in a request's head what fasthttp reads one way and a proxy in front
// of the edge may read another, so that the two disagree on where the request ends (request
// smuggling): a Transfer-Encoding other than chunked alone (fasthttp ignores "identity"), a
// Content-Length beside Transfer-Encoding (fasthttp goes by the chunks), a header line folded
// onto the one before (obs-fold, which fasthttp joins), and a line ending in a bare LF (which
// fasthttp takes for CRLF). It names the header at fault ("" for a line's shape). What fasthttp
// refuses itself (two Content-Lengths, one that is not digits, two Transfer-Encodings, a coding
// it does not know, chunked in HTTP/1.0) never reaches the handler. The head as received is
// read (fasthttp forgets chunked once an empty body is read): one pass, looking into the lines
// whose name has the length of one of the two only.
func ambiguousFraming(h *fasthttp.RequestHeader) (string, bool) {
	raw := h.RawHeaders()
	te, cl := false, false
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			break // fasthttp read the head whole: it ends in a blank line
		}
		if i == 0 || raw[i-1] != '\r' {
			return "", true
		}
		line := raw[:i-1]
		raw = raw[i+1:]
		if len(line) == 0 {
			break
		}
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			return "", true
		}
		switch {
		case len(line) > len(nameTransferEncoding) && line[len(nameTransferEncoding)] == ':' &&
			bytes.EqualFold(line[:len(nameTransferEncoding)], nameTransferEncoding):
			if !bytes.EqualFold(bytes.Trim(line[len(nameTransferEncoding)+1:], " \t"), codingChunked) {
				return string(nameTransferEncoding), true
			}
			te = true
		case len(line) > len(nameContentLength) && line[len(nameContentLength)] == ':' &&
			bytes.EqualFold(line[:len(nameContentLength)], nameContentLength):
			cl = true
		}
	}
	if te && cl {
		return string(nameContentLength), true
	}
	return "", false
}

// requestError answers requests fasthttp could not read, in the same JSON error shape.
func (s *Server) requestError(ctx *fasthttp.RequestCtx, err error) {
	answer.Write(ctx, s.log, answer.ReadError(err, s.cfg.MaxBodySize))
	ctx.SetConnectionClose()
}
