package jsonstrict

import "testing"

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

func FuzzDuplicateKey(f *testing.F) {
	for _, s := range []string{`{"a":1,"a":2}`, `[{"k":[{"k":1}]}]`, `{"a":{"b":{"c":null}}}`, `"x"`, `{`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if k, dup := DuplicateKey(b); !dup && k != "" {
			t.Fatalf("key %q without a duplicate", k)
		}
	})
}
