// Package jsonstrict finds what encoding/json lets through silently: an object that names the
// same key twice (encoding/json keeps the last value, so two readers of one body can disagree
// about what it says).
package jsonstrict

import (
	"encoding/json"
	"hash/maphash"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// smallObject is how many keys an object's keys are compared with one by one; past it, they go
// into a set.
const smallObject = 16

// DuplicateKey returns the first key named twice in one object of the first JSON value in data,
// and true. It reads data once, in time linear in its length whatever its shape (keys, objects,
// nesting). Keys are compared as encoding/json decodes them ("\u0061" is "a"; invalid UTF-8 is
// U+FFFD). Data that is not JSON is the caller's decoder's to refuse: it gets ("", false), or
// the duplicate found before the data went wrong.
func DuplicateKey(data []byte) (string, bool) {
	s := scanners.Get().(*scanner)
	defer s.release()
	return s.run(data)
}

// scanners keeps scanners' stacks for the next body: deep nesting reuses warm memory instead of
// asking for more.
var scanners = sync.Pool{New: func() any { return &scanner{big: keySet{seed: maphash.MakeSeed()}} }}

// keep bounds what a pooled scanner keeps: frames, keys, slots (a 1 MiB body could nest
// 500,000 deep).
const keep = 1 << 14

// release empties s (it holds views of the body) and pools it, unless it grew past keep.
func (s *scanner) release() {
	clear(s.keys)
	clear(s.big.entries)
	s.keys, s.stack, s.objects = s.keys[:0], s.stack[:0], 0
	s.big.entries, s.big.slots = s.big.entries[:0], s.big.slots[:0]
	if cap(s.stack) <= keep && cap(s.keys) <= keep && cap(s.big.slots) <= keep {
		scanners.Put(s)
	}
}

// frame is an object or array being read.
type frame struct {
	object bool
	serial int32 // the object's number, for the keys it put in big
	keys   int32 // where its keys start in scanner.keys
	count  int32 // how many keys it has
}

// bigKey is a key of an object with more than smallObject keys.
type bigKey struct {
	serial int32
	key    string
}

type scanner struct {
	stack []frame
	// keys are the keys of the objects being read (each object's after its parent's), decoded.
	keys    []string
	big     keySet
	objects int32
}

// keySet holds the keys of objects with more than smallObject keys: open addressing over the
// keys' hashes, keyed by a seed of its own (a client cannot choose keys that collide), at most
// half full, grown by doubling.
type keySet struct {
	seed    maphash.Seed
	slots   []int32 // 1 + the index in entries of the key in the slot; 0: empty
	entries []bigKey
}

func (ks *keySet) hash(k bigKey) uint64 {
	return maphash.String(ks.seed, k.key) ^ uint64(k.serial)*0x9e3779b97f4a7c15
}

// add puts k in the set and reports whether it was there already.
func (ks *keySet) add(k bigKey) bool {
	if 2*(len(ks.entries)+1) > len(ks.slots) {
		ks.grow()
	}
	mask := uint64(len(ks.slots) - 1)
	for i := ks.hash(k) & mask; ; i = (i + 1) & mask {
		j := ks.slots[i]
		if j == 0 {
			ks.entries = append(ks.entries, k)
			ks.slots[i] = int32(len(ks.entries))
			return false
		}
		if ks.entries[j-1] == k {
			return true
		}
	}
}

// grow doubles the slots (64 at first) and puts the entries back.
func (ks *keySet) grow() {
	size := max(64, 2*len(ks.slots))
	if cap(ks.slots) < size {
		ks.slots = make([]int32, size)
	}
	ks.slots = ks.slots[:size]
	clear(ks.slots)
	mask := uint64(size - 1)
	for n, k := range ks.entries {
		i := ks.hash(k) & mask
		for ks.slots[i] != 0 {
			i = (i + 1) & mask
		}
		ks.slots[i] = int32(n + 1)
	}
}

func (s *scanner) run(data []byte) (string, bool) {
	wantKey := false // the next string in the object on top is a key
	for i := 0; i < len(data); {
		c := data[i]
		switch c {
		case ' ', '\t', '\r', '\n', ':':
			i++
			continue
		case ',':
			wantKey = len(s.stack) > 0 && s.stack[len(s.stack)-1].object
			i++
			continue
		case '{', '[':
			s.objects++
			s.stack = append(s.stack, frame{object: c == '{', serial: s.objects, keys: int32(len(s.keys))})
			wantKey = c == '{'
			i++
			continue
		case '}', ']':
			if len(s.stack) == 0 || s.stack[len(s.stack)-1].object != (c == '}') {
				return "", false
			}
			f := s.stack[len(s.stack)-1]
			s.stack = s.stack[:len(s.stack)-1]
			clear(s.keys[f.keys:])
			s.keys = s.keys[:f.keys]
			wantKey = false
			i++
		case '"':
			end, escaped := stringEnd(data, i)
			if end < 0 {
				return "", false
			}
			if wantKey {
				wantKey = false
				key, ok := decodeKey(data[i:end], escaped)
				if !ok {
					return "", false
				}
				if s.add(key) {
					return strings.Clone(key), true
				}
			}
			i = end
		default:
			// A number or a literal: to the next delimiter.
			for i < len(data) && !delimiter(data[i]) {
				i++
			}
		}
		if len(s.stack) == 0 {
			return "", false // the first value is whole
		}
	}
	return "", false
}

// add puts key in the object on top and reports whether it was there already.
func (s *scanner) add(key string) bool {
	f := &s.stack[len(s.stack)-1]
	f.count++
	switch {
	case f.count <= smallObject:
		for _, k := range s.keys[f.keys:] {
			if k == key {
				return true
			}
		}
		s.keys = append(s.keys, key)
		if f.count < smallObject {
			return false
		}
		// The object is large: its keys go into the set from now on.
		for _, k := range s.keys[f.keys:] {
			s.big.add(bigKey{f.serial, k})
		}
		return false
	default:
		return s.big.add(bigKey{f.serial, key})
	}
}

// stringEnd returns the index just past the string starting at data[i] (a quote), -1 when it is
// not closed, and whether it holds an escape.
func stringEnd(data []byte, i int) (int, bool) {
	escaped := false
	for j := i + 1; j < len(data); j++ {
		switch data[j] {
		case '"':
			return j + 1, escaped
		case '\\':
			escaped = true
			j++
		}
	}
	return -1, false
}

// decodeKey returns the key a quoted string decodes to, as encoding/json decodes it. A key
// with no escape and only valid UTF-8 is a view of data, which does not change during the scan.
func decodeKey(quoted []byte, escaped bool) (string, bool) {
	if raw := quoted[1 : len(quoted)-1]; !escaped && utf8.Valid(raw) {
		return unsafe.String(unsafe.SliceData(raw), len(raw)), true
	}
	var k string
	if err := json.Unmarshal(quoted, &k); err != nil {
		return "", false
	}
	return k, true
}

// delimiter reports whether c ends a number or a literal.
func delimiter(c byte) bool {
	switch c {
	case ',', ']', '}', ':', ' ', '\t', '\r', '\n', '"', '{', '[':
		return true
	}
	return false
}
