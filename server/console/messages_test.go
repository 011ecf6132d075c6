package console

import (
	"regexp"
	"testing"

	"github.com/signpost/edge/snippets"
)

// TestCatalogue: the console's sections of the catalogue load (words.TestCatalogue checks every
// key in English and French with the same places), and every key a script reads with a literal
// (t("key") in a view, SP.t("key")) is in its section or in "core".
func TestCatalogue(t *testing.T) {
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	if len(c["core"]) < 30 || len(c["shell"]) < 5 {
		t.Fatalf("catalogue too small: %d core keys, %d shell keys", len(c["core"]), len(c["shell"]))
	}
	nsOf := regexp.MustCompile(`SP\.ns\("([a-z]+)"\)`)
	call := regexp.MustCompile(`\b(SP\.t|t)\("([A-Za-z0-9_]+)"`)
	n := 0
	for _, name := range Scripts {
		src, err := Source(name)
		if err != nil {
			t.Fatal(err)
		}
		sec := "" // edit.js's t is the view's, handed in: only its SP.t are checked
		if m := nsOf.FindSubmatch(src); m != nil {
			sec = string(m[1])
			if c[sec] == nil {
				t.Errorf("%s: no section console.%s in words/en.json", name, sec)
			}
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			n++
			key := m[2]
			if _, ok := c["core"][key]; ok {
				continue
			}
			if _, ok := c[sec][key]; (ok || sec == "") && m[1] == "t" {
				continue
			}
			t.Errorf("%s: %s(%q) is not in words/en.json (section console.%s or console.core)", name, m[1], key, sec)
		}
	}
	if n < 100 {
		t.Errorf("found only %d literal keys in the scripts", n)
	}
}

// TestCatalogueChecks: a key without its French, or with other arguments, is refused: the
// catalogue's own test (words.TestCheck); a console key of another shape here.
func TestCatalogueChecks(t *testing.T) {
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	for sec, keys := range c {
		for k, tr := range keys {
			if len(tr) != 2 || tr[snippets.English] == "" || tr[snippets.French] == "" {
				t.Errorf("console.%s.%s: want English and French, got %q", sec, k, tr)
			}
		}
	}
}
