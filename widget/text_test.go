package widget

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestWidgetText: the widget's words as the bundle builder generates them (Text, from the
// "widget.*" keys of words/en.json and fr.json) have every key in English and French,
// non-empty, with the same placeholders ({0}, {1}) in both; a list (the forms of a count) has as
// many forms in both; and the bundle holds them in place of __SIGNPOST_TEXT__.
func TestWidgetText(t *testing.T) {
	out, err := Text()
	if err != nil {
		t.Fatal(err)
	}
	var text map[string]map[string]any
	if err := json.Unmarshal(out, &text); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	en, fr := text["en"], text["fr"]
	if len(text) != 2 || len(en) < 10 {
		t.Fatalf("TEXT: want en and fr, got %d languages, %d English keys", len(text), len(en))
	}
	ph := regexp.MustCompile(`\{[0-9a-z]+\}`)
	forms := func(v any) []string {
		switch v := v.(type) {
		case string:
			return []string{v}
		case []any:
			var out []string
			for _, x := range v {
				s, _ := x.(string)
				out = append(out, s)
			}
			return out
		}
		return nil
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("TEXT.%s: no French", k)
		}
	}
	for k, v := range fr {
		e, f := forms(en[k]), forms(v)
		if len(e) == 0 || len(e) != len(f) || reflect.TypeOf(en[k]) != reflect.TypeOf(v) {
			t.Errorf("TEXT.%s: %q in English, %q in French", k, en[k], v)
			continue
		}
		for i := range e {
			if strings.TrimSpace(e[i]) == "" || strings.TrimSpace(f[i]) == "" {
				t.Errorf("TEXT.%s[%d]: empty: %q / %q", k, i, e[i], f[i])
			}
			pe, pf := ph.FindAllString(e[i], -1), ph.FindAllString(f[i], -1)
			slices.Sort(pe)
			slices.Sort(pf)
			if !slices.Equal(pe, pf) {
				t.Errorf("TEXT.%s: placeholders %v in English, %v in French", k, pe, pf)
			}
		}
	}
	// The shapes the widget reads: a list of three forms, the keyword's two places.
	if m := forms(en["more"]); len(m) != 3 || !strings.Contains(m[2], "{0}") {
		t.Errorf("TEXT.more: %q, want three forms, the last with {0}", m)
	}
	if kw, _ := en["textKw"].(string); !strings.Contains(kw, "{0}") || !strings.Contains(kw, "{1}") {
		t.Errorf("TEXT.textKw: %q, want {0} (the keyword) and {1} (the number)", kw)
	}
	src, err := sources.ReadFile("src/base.js")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte("var TEXT = "+textToken+";")) {
		t.Errorf("base.js does not take TEXT from %s", textToken)
	}
	b := build(t, []byte(testData))
	if bytes.Contains(b.JS, []byte(textToken)) || !bytes.Contains(b.JS, []byte(`"Aide en situation de crise"`)) {
		t.Error("the bundle does not hold the widget's words in place of " + textToken)
	}
}
