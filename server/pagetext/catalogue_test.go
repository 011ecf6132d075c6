package pagetext

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
)

var verb = regexp.MustCompile(`%[-+#0-9.]*[a-zA-Z%]`)

// TestCatalogue: every key has an English and a French, with the same verbs in the same order.
func TestCatalogue(t *testing.T) {
	if len(Catalogue) < 100 {
		t.Fatalf("only %d keys", len(Catalogue))
	}
	for k, s := range Catalogue {
		if strings.TrimSpace(s.EN) == "" || strings.TrimSpace(s.FR) == "" {
			t.Errorf("%s: want both languages, got %q / %q", k, s.EN, s.FR)
		}
		if en, fr := verb.FindAllString(s.EN, -1), verb.FindAllString(s.FR, -1); !slices.Equal(en, fr) {
			t.Errorf("%s: verbs %q in English, %q in French", k, en, fr)
		}
	}
}

// TestFill: fields by name, counts by their two forms, a missing key refused.
func TestFill(t *testing.T) {
	var ok struct {
		Heading  string
		Filtered [2]string
	}
	if err := Fill(&ok, "report", snippets.French); err != nil || ok.Heading != Catalogue["report.Heading"].FR ||
		ok.Filtered[1] != Catalogue["report.Filtered.many"].FR {
		t.Errorf("Fill: %v %+v", err, ok)
	}
	var bad struct{ Nope string }
	if err := Fill(&bad, "report", snippets.English); err == nil || !strings.Contains(err.Error(), "report.Nope") {
		t.Errorf("Fill of a missing key: %v", err)
	}
	for _, c := range []struct {
		l    snippets.Locale
		n    int
		want int
	}{{snippets.English, 0, 1}, {snippets.English, 1, 0}, {snippets.English, 2, 1}, {snippets.French, 0, 0}, {snippets.French, 1, 0}, {snippets.French, 2, 1}} {
		if got := Plural(c.l, c.n); got != c.want {
			t.Errorf("Plural(%s, %d) = %d, want %d", c.l, c.n, got, c.want)
		}
	}
}
