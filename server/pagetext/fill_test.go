package pagetext

import (
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/words"
)

// Every key in both languages with the same placeholders: words.TestCatalogue.

// TestFill: fields by name, counts by their two forms, a missing key refused.
func TestFill(t *testing.T) {
	var ok struct {
		Heading  string
		Filtered [2]string
	}
	frFiltered, _ := words.Lookup("fr", "report.Filtered.many")
	if err := Fill(&ok, "report", snippets.French); err != nil || ok.Heading != Get("report.Heading", snippets.French) ||
		ok.Heading != "Taux « trouvé » et « utile »" || ok.Filtered[1] != frFiltered {
		t.Errorf("Fill: %v %+v", err, ok)
	}
	if got := words.Format(ok.Filtered[1], 3, "2026-01-01", "2026-01-31"); got != "3 réponses du 2026-01-01 au 2026-01-31." {
		t.Errorf("Filtered.many rendered: %q", got)
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
