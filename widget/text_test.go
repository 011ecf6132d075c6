package widget

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestWidgetText: the widget's catalogue, TEXT in src/widget.js, has every key in English and
// French, non-empty, with the same placeholders ({n}, {k}) in both; a list (the forms of a
// count) has as many forms in both.
func TestWidgetText(t *testing.T) {
	src, err := os.ReadFile("src/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?ms)^  var TEXT = (\{.*?^  \});$`).FindSubmatch(src)
	if m == nil {
		t.Fatal("widget.js has no TEXT table")
	}
	f := filepath.Join(t.TempDir(), "text.js")
	if err := os.WriteFile(f, m[1], 0o644); err != nil {
		t.Fatal(err)
	}
	out := runNode(t, `console.log(JSON.stringify(eval("(" + require("fs").readFileSync(process.argv[1], "utf8") + ")")))`, f)
	var text map[string]map[string]any
	if err := json.Unmarshal(out, &text); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	en, fr := text["en"], text["fr"]
	if len(text) != 2 || len(en) < 10 {
		t.Fatalf("TEXT: want en and fr, got %d languages, %d English keys", len(text), len(en))
	}
	ph := regexp.MustCompile(`\{[a-z]+\}`)
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
}
