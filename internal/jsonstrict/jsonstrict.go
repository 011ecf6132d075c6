// Package jsonstrict finds what encoding/json lets through silently: an object that names the
// same key twice (encoding/json keeps the last value, so two readers of one body can disagree
// about what it says).
package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// DuplicateKey returns the first key named twice in one object of data, and true; data that is
// not JSON is left for the caller's decoder to refuse ("", false).
func DuplicateKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	key, dup, _ := scan(dec)
	return key, dup
}

// scan reads one value; for an object it checks its keys and scans each member.
func scan(dec *json.Decoder) (string, bool, error) {
	tok, err := dec.Token()
	if err != nil {
		return "", false, err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return "", false, nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return "", false, err
			}
			k, _ := t.(string)
			if seen[k] {
				return k, true, nil
			}
			seen[k] = true
			if key, dup, err := scan(dec); dup || err != nil {
				return key, dup, err
			}
		}
	case '[':
		for dec.More() {
			if key, dup, err := scan(dec); dup || err != nil {
				return key, dup, err
			}
		}
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	return "", false, nil
}
