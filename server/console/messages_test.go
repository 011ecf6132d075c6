package console

import (
	"regexp"
	"strings"
	"testing"
)

// TestCatalogue: messages.json loads (every key in English and French, the same number of %s
// in both), and every key a script reads with a literal (t("key") in a view, SP.t("key")) is
// in its section or in "core".
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
				t.Errorf("%s: no section %q in messages.json", name, sec)
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
			t.Errorf("%s: %s(%q) is not in messages.json (section %q or core)", name, m[1], key, sec)
		}
	}
	if n < 100 {
		t.Errorf("found only %d literal keys in the scripts", n)
	}
}

// TestCatalogueChecks: a key without its French, or with other arguments, is refused.
func TestCatalogueChecks(t *testing.T) {
	old := messagesJSON
	defer func() { messagesJSON = old }()
	for _, bad := range []string{
		`{"core": {"x": {"en": "Hello"}}}`,
		`{"core": {"x": {"en": "Hello %s", "fr": "Bonjour"}}}`,
		`{"core": {"x": {"en": "Hello", "fr": "Bonjour", "de": "Hallo"}}}`,
	} {
		messagesJSON = []byte(bad)
		if _, err := loadCatalogue(); err == nil || !strings.Contains(err.Error(), "core.x") {
			t.Errorf("%s: err %v, want one naming core.x", bad, err)
		}
	}
}
