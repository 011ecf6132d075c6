package jsonstrict

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

func TestDuplicateKey(t *testing.T) {
	for in, want := range map[string]string{
		`{"a":1,"b":2}`:                  "",
		`{"a":1,"a":2}`:                  "a",
		`{"x":{"y":1,"y":2}}`:            "y",
		`[{"k":1},{"k":2}]`:              "",
		`[{"k":1,"k":2}]`:                "k",
		`{"a":[1,{"b":true,"b":false}]}`: "b",
		`{"a":"\u0061","\u0061":1}`:      "a",
		`not json`:                       "",
		`{"a":1,`:                        "",
	} {
		got, dup := DuplicateKey([]byte(in))
		if got != want || dup != (want != "") {
			t.Errorf("DuplicateKey(%s) = %q %v, want %q", in, got, dup, want)
		}
	}
}

// FuzzDuplicateKey: on JSON, the one-pass scan finds what encoding/json's tokens show (the
// check as it was before it was made linear); on anything, it names a key only with a duplicate.
func FuzzDuplicateKey(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `[{"k":[{"k":1}]}]`, `{"a":{"b":{"c":null}}}`, `"x"`, `{`,
		`{"a\"":1,"a\u0022":2}`, "{\"\xff\":1,\"\xfe\":2}", `{"a":"}","b":"{","a":[]}`, `[1,{"x":-2.5e3,"y":true,"x":null}]`,
		`{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"ka":0,"kb":0,"kc":0,"kd":0,"ke":0,"kf":0,"kg":0,"k3":0}`,
		`{"o":{"p":1},"p":2,"q":{"p":3,"r":{"p":4}},"o":5}`, `{} {"a":1,"a":2}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		k, dup := DuplicateKey(b)
		if !dup && k != "" {
			t.Fatalf("key %q without a duplicate", k)
		}
		if json.Valid(b) {
			if wk, wdup := tokenDuplicateKey(b); k != wk || dup != wdup {
				t.Fatalf("%q: %q %v, encoding/json's tokens say %q %v", b, k, dup, wk, wdup)
			}
		}
	})
}

// TestDuplicateKeyAsTokens runs the fuzz seeds and larger objects (past smallObject, nested in
// one another) against encoding/json's tokens.
func TestDuplicateKeyAsTokens(t *testing.T) {
	var bodies []string
	for _, n := range []int{smallObject - 1, smallObject, smallObject + 1, 3 * smallObject} {
		var keys []string
		for i := range n {
			keys = append(keys, fmt.Sprintf(`"k%d":%d`, i, i))
		}
		obj := "{" + strings.Join(keys, ",") + "}"
		bodies = append(bodies, obj,
			"{"+strings.Join(keys, ",")+`,"k0":1}`,
			"{"+strings.Join(keys, ",")+fmt.Sprintf(`,"k%d":1}`, n-1),
			`{"k1":`+obj+","+strings.Join(keys[2:], ",")+`,"k1":0}`,
			`{"k1":`+obj+","+strings.Join(keys[2:], ",")+"}",
			"["+obj+","+obj+"]",
			`{"\u006b0":0,`+strings.Join(keys, ",")[len(`"k0":0,`):]+`,"k0":2}`)
	}
	for _, b := range bodies {
		got, dup := DuplicateKey([]byte(b))
		want, wdup := tokenDuplicateKey([]byte(b))
		if got != want || dup != wdup {
			t.Errorf("%.60s…: %q %v, want %q %v", b, got, dup, want, wdup)
		}
	}
}

// tokenDuplicateKey is the check as it was, on encoding/json's tokens: right, and linear, but
// some 20 times slower (an allocation or more a token).
func tokenDuplicateKey(data []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	key, dup, _ := tokenScan(dec)
	return key, dup
}

func tokenScan(dec *json.Decoder) (string, bool, error) {
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
			if key, dup, err := tokenScan(dec); dup || err != nil {
				return key, dup, err
			}
		}
	case '[':
		for dec.More() {
			if key, dup, err := tokenScan(dec); dup || err != nil {
				return key, dup, err
			}
		}
	}
	if _, err := dec.Token(); err != nil && !errors.Is(err, io.EOF) {
		return "", false, err
	}
	return "", false, nil
}

// shapes are bodies of about n bytes that make the check work hardest per byte: many keys in
// one object, many objects (a set each), deep nesting, escaped strings, many numbers.
var shapes = []struct {
	name string
	body func(n int) []byte
}{
	{"keys", func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"k":0`)
		for i := 0; b.Len() < n; i++ {
			fmt.Fprintf(&b, `,"k%d":0`, i)
		}
		return []byte(b.String() + "}")
	}},
	{"objects", func(n int) []byte { return []byte("[" + strings.Repeat(`{"a":1},`, n/8) + "{}]") }},
	{"nesting", func(n int) []byte { return []byte(strings.Repeat(`{"a":`, n/6) + "1" + strings.Repeat("}", n/6)) }},
	{"escapes", func(n int) []byte { return []byte(`{"a":"` + strings.Repeat(`\u0041`, n/6) + `","\u0061":1}`) }},
	{"numbers", func(n int) []byte { return []byte("[" + strings.Repeat(`-1.5e5,`, n/7) + "1]") }},
}

// TestDuplicateKeyLinear holds the check to linear time in the body: four times the bytes
// (4 KiB → 16 KiB, the feedback limit) cost at most eight times as much, the least of
// interleaved runs compared (a busy machine slows both sides alike).
func TestDuplicateKeyLinear(t *testing.T) {
	cost := func(b []byte) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range 3 {
			start := time.Now()
			DuplicateKey(b)
			best = min(best, time.Since(start))
		}
		return best
	}
	for _, s := range shapes {
		small, large := s.body(4<<10), s.body(16<<10)
		var cs, cl time.Duration = 1<<63 - 1, 1<<63 - 1
		for range 5 {
			cs, cl = min(cs, cost(small)), min(cl, cost(large))
		}
		if ratio := float64(cl) / float64(cs); ratio >= 8 {
			t.Errorf("%s: %d bytes %v, %d bytes %v: ×%.1f, want linear (under ×8)", s.name, len(small), cs, len(large), cl, ratio)
		} else {
			t.Logf("%s: %d bytes %v, %d bytes %v (×%.1f)", s.name, len(small), cs, len(large), cl, ratio)
		}
	}
}

// BenchmarkDuplicateKey is the check's cost on the bodies above at the feedback limit (16 KiB).
func BenchmarkDuplicateKey(b *testing.B) {
	for _, s := range shapes {
		body := s.body(16 << 10)
		b.Run(s.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				DuplicateKey(body)
			}
		})
	}
}
