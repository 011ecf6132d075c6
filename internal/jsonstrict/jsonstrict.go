// Package jsonstrict finds what encoding/json lets through silently: an object that names the
// same key twice (encoding/json keeps the last value, so two readers of one body can disagree
// about what it says).
package jsonstrict

import (
	"encoding/json"
	"strings"
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
	var s scanner
	return s.run(data)
}

// frame is an object or array being read.
type frame struct {
	object bool
	serial int // the object's number, for the keys it put in big
	keys   int // where its keys start in scanner.keys
	count  int // how many keys it has
}

// bigKey is a key of an object with more than smallObject keys.
type bigKey struct {
	serial int
	key    string
}

type scanner struct {
	stack []frame
	// keys are the keys of the objects being read (each object's after its parent's), decoded.
	keys    []string
	big     map[bigKey]struct{}
	objects int
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
			s.stack = append(s.stack, frame{object: c == '{', serial: s.objects, keys: len(s.keys)})
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
		if s.big == nil {
			s.big = make(map[bigKey]struct{})
		}
		for _, k := range s.keys[f.keys:] {
			s.big[bigKey{f.serial, k}] = struct{}{}
		}
		return false
	default:
		k := bigKey{f.serial, key}
		if _, dup := s.big[k]; dup {
			return true
		}
		s.big[k] = struct{}{}
		return false
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
