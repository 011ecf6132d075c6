package words

import (
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"maps"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var write = flag.Bool("write", false, "rewrite en.json and fr.json in their canonical form (go generate ./words)")

var (
	placeholder = regexp.MustCompile(`\{\d+\}`)
	// printfVerb is a fmt verb (%s, %d, %q, %%): the catalogue's places are {0}, {1}, ...
	printfVerb = regexp.MustCompile(`%[-+#0-9.]*[a-zA-Z%]`)
	// named is a named placeholder ({n}, {k}); literalNamed are the names a message cites as
	// they are, since an operator writes them in content (the feedback form's {seconds}).
	named        = regexp.MustCompile(`\{[A-Za-z_][A-Za-z0-9_]*\}`)
	literalNamed = []string{"{seconds}"}
	keyShape     = regexp.MustCompile(`^[a-z]+(\.[A-Za-z0-9_-]+)+$`)
)

// placeholders lists the {N} of a template, sorted, each once.
func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.SortFunc(p, func(a, b string) int { // by number: {2} before {10}
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	})
	return slices.Compact(p)
}

// TestCatalogue: both files have exactly the same keys, each of the shape "<section>.<key>",
// with a non-empty value in both, the same placeholders {N} in both (numbered from {0} without
// a gap), no printf verb and no named placeholder.
func TestCatalogue(t *testing.T) {
	en, fr := catalogue["en"], catalogue["fr"]
	if len(en) < 500 {
		t.Fatalf("only %d English keys", len(en))
	}
	for _, p := range check(en, fr) {
		t.Error(p)
	}
}

// TestCheck: what TestCatalogue refuses, each naming its key.
func TestCheck(t *testing.T) {
	for _, c := range []struct{ en, fr map[string]string }{
		{map[string]string{"core.x": "Hello"}, map[string]string{}},
		{map[string]string{}, map[string]string{"core.x": "Bonjour"}},
		{map[string]string{"core.x": "Hello"}, map[string]string{"core.x": " "}},
		{map[string]string{"core.x": "Hello {0}"}, map[string]string{"core.x": "Bonjour"}},
		{map[string]string{"core.x": "Hello {1}"}, map[string]string{"core.x": "Bonjour {1}"}},
		{map[string]string{"core.x": "Hello %s"}, map[string]string{"core.x": "Bonjour %s"}},
		{map[string]string{"core.x": "Hello {n}"}, map[string]string{"core.x": "Bonjour {n}"}},
		{map[string]string{"core.x": "95%% sure"}, map[string]string{"core.x": "sûr à 95 %%"}},
	} {
		if p := check(c.en, c.fr); len(p) == 0 || !strings.Contains(p[0], "core.x") {
			t.Errorf("%q / %q: %q, want a problem naming core.x", c.en, c.fr, p)
		}
	}
	if p := check(map[string]string{"x": "Hello"}, map[string]string{"x": "Bonjour"}); len(p) == 0 {
		t.Error("a key without a section passes")
	}
	if p := check(map[string]string{"core.x": "Retry in {seconds}: {0}, 95% sure"},
		map[string]string{"core.x": "Réessayez dans {seconds}\u00a0: {0}, sûr à 95 %"}); len(p) != 0 {
		t.Errorf("a good key refused: %q", p)
	}
}

// check lists the problems of a catalogue: see TestCatalogue.
func check(en, fr map[string]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(en)) {
		if _, ok := fr[k]; !ok {
			out = append(out, k+": in en.json, not in fr.json")
		}
	}
	for _, k := range slices.Sorted(maps.Keys(fr)) {
		if _, ok := en[k]; !ok {
			out = append(out, k+": in fr.json, not in en.json")
			continue
		}
		if !keyShape.MatchString(k) {
			out = append(out, fmt.Sprintf("%q: want <section>.<key>", k))
		}
		e, f := en[k], fr[k]
		if strings.TrimSpace(e) == "" || strings.TrimSpace(f) == "" {
			out = append(out, fmt.Sprintf("%s: empty: %q / %q", k, e, f))
		}
		pe, pf := placeholders(e), placeholders(f)
		if !slices.Equal(pe, pf) {
			out = append(out, fmt.Sprintf("%s: placeholders %v in English, %v in French", k, pe, pf))
		}
		for i, p := range pe {
			if p != "{"+strconv.Itoa(i)+"}" {
				out = append(out, fmt.Sprintf("%s: placeholders %v: want {0}, {1}, ... without a gap", k, pe))
				break
			}
		}
		for _, l := range []struct{ lang, s string }{{"en", e}, {"fr", f}} {
			if v := printfVerb.FindString(l.s); v != "" {
				out = append(out, fmt.Sprintf("%s (%s): %q is a printf verb: write {0}, {1}, ...", k, l.lang, v))
			}
			for _, n := range named.FindAllString(l.s, -1) {
				if !slices.Contains(literalNamed, n) {
					out = append(out, fmt.Sprintf("%s (%s): %s is a named placeholder: write {0}, {1}, ...", k, l.lang, n))
				}
			}
		}
	}
	return out
}

// TestCanonical: each file is as Canonical writes it (keys sorted, one a line).
// `go generate ./words` (go test -run TestCanonical -args -write) rewrites them so.
func TestCanonical(t *testing.T) {
	for _, l := range Languages {
		m, err := read(l)
		if err != nil {
			t.Fatal(err)
		}
		want, err := Canonical(m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(l + ".json")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(got, want) {
			continue
		}
		if *write {
			if err := os.WriteFile(l+".json", want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s.json is not in its canonical form (keys sorted, one a line): run go generate ./words", l)
	}
}

// TestRender: places by number, repeated or out of order; a missing argument, a brace around
// anything else, and a lone brace stay as written.
func TestRender(t *testing.T) {
	for _, c := range []struct {
		tpl  string
		args []string
		want string
	}{
		{"no places", nil, "no places"},
		{"{1} before {0}, {0} again", []string{"a", "b"}, "b before a, a again"},
		{"{0} and {1}", []string{"a"}, "a and {1}"},
		{"retry in {seconds} {0}", []string{"s"}, "retry in {seconds} s"},
		{"{ display: block } {-1} {+0} {", []string{"x"}, "{ display: block } {-1} {+0} {"},
	} {
		if got := Render(c.tpl, c.args); got != c.want {
			t.Errorf("Render(%q, %q) = %q, want %q", c.tpl, c.args, got, c.want)
		}
	}
	if got := Format("{0} of {1}", 3, "x"); got != "3 of x" {
		t.Errorf("Format: %q", got)
	}
}

// TestLookup: T renders, a missing id is "", an unknown language is English; Section strips
// its prefix.
func TestLookup(t *testing.T) {
	if got := T("fr", "widget.textKw", "AIDE", "686868"); got != "Textez AIDE au 686868" {
		t.Errorf("T fr widget.textKw: %q", got)
	}
	if got := T("de", "widget.crisis"); got != "Crisis support" {
		t.Errorf("T de: %q", got)
	}
	if got := T("en", "no.such"); got != "" {
		t.Errorf("T of a missing id: %q", got)
	}
	if _, ok := Lookup("en", "no.such"); ok {
		t.Error("Lookup of a missing id: ok")
	}
	s := Section("en", "widget")
	if s["crisis"] != "Crisis support" || s["more.1"] != "1 more line" {
		t.Errorf("Section widget: %v", slices.Sorted(maps.Keys(s)))
	}
	if _, ok := Section("en", "widge")["t.crisis"]; ok {
		t.Error("Section matched a key by a prefix that is not a section")
	}
}
