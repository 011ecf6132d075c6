package snippets_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/linediff"
	"github.com/signpost/edge/snippets"
)

func TestEditsKeepCommentsAndValidate(t *testing.T) {
	src := configs.Content
	out, err := snippets.SetFeatured(src, "mhcc", []string{"stepped-care-2-0", "peer-support-guidelines"})
	if err != nil {
		t.Fatal(err)
	}
	out, err = snippets.PutResource(out, &snippets.Resource{ID: "new-webinar", Type: "webinar",
		Title: snippets.Text{"en": "A webinar"}, Summary: snippets.Text{"en": "Soon"}, URL: snippets.Text{"en": "https://example.org/w"},
		StartsOn: "2026-12-01", EndsOn: "2026-12-02"})
	if err != nil {
		t.Fatal(err)
	}
	out, err = snippets.PutNotice(out, &snippets.Notice{ID: "storm", Message: snippets.Text{"en": "Line down", "fr": "Ligne coupée"},
		Regions: []string{"CA-QC"}, ExpiresAt: "2026-12-01T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "# Left out on purpose") || !strings.Contains(string(out), "Québec lists every line itself") {
		t.Error("edits dropped the operators' comments")
	}
	l, err := snippets.Load(out, snippets.ValidateOptions{Now: shippedNow})
	if err != nil {
		t.Fatalf("edited content does not load: %v", err)
	}
	if got := l.Partners["mhcc"].Featured; !slices.Equal(got, []string{"stepped-care-2-0", "peer-support-guidelines"}) {
		t.Errorf("featured %v", got)
	}
	if len(l.Notices) != 1 || l.Notices[0].Message["fr"] != "Ligne coupée" {
		t.Errorf("notices %+v", l.Notices)
	}
	// Replacing by id does not duplicate.
	again, err := snippets.PutNotice(out, &snippets.Notice{ID: "storm", Message: snippets.Text{"en": "Line back"}, ExpiresAt: "2026-12-01T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	l2, err := snippets.Load(again, snippets.ValidateOptions{Now: shippedNow})
	if err != nil || len(l2.Notices) != 1 || l2.Notices[0].Message["en"] != "Line back" {
		t.Fatalf("replace notice: %v %+v", err, l2)
	}
	// Deleting a featured resource leaves content that validation rejects, naming the partner.
	bad, err := snippets.DeleteResource(again, "stepped-care-2-0")
	if err != nil {
		t.Fatal(err)
	}
	_, err = snippets.Load(bad, snippets.ValidateOptions{Now: shippedNow})
	var inv *snippets.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), `partners.mhcc.featured[0]: unknown resource "stepped-care-2-0"`) {
		t.Errorf("delete of a featured resource: %v", err)
	}
	cleared, err := snippets.DeleteNotice(again, "")
	if err != nil {
		t.Fatal(err)
	}
	if l3, err := snippets.Load(cleared, snippets.ValidateOptions{Now: shippedNow}); err != nil || len(l3.Notices) != 0 {
		t.Errorf("withdraw all: %v", err)
	}
	for name, f := range map[string]func() ([]byte, error){
		"partner":  func() ([]byte, error) { return snippets.SetFeatured(src, "nobody", nil) },
		"resource": func() ([]byte, error) { return snippets.DeleteResource(src, "nothing") },
		"notice":   func() ([]byte, error) { return snippets.DeleteNotice(src, "nothing") },
	} {
		if _, err := f(); !errors.Is(err, snippets.ErrNoSuch) {
			t.Errorf("%s: %v, want ErrNoSuch", name, err)
		}
	}
}

// changedRows lists the rows of the line diff from a to b that are not unchanged, as
// "op:left|right".
func changedRows(a, b []byte) []string {
	var out []string
	for _, r := range linediff.Diff(linediff.Lines(a), linediff.Lines(b)) {
		if r.Op != linediff.Same {
			out = append(out, string(r.Op)+":"+strings.TrimSpace(r.Left)+"|"+strings.TrimSpace(r.Right))
		}
	}
	return out
}

func TestEditRoundTripIsExact(t *testing.T) {
	// Setting what is already there changes nothing, blank lines included.
	out, err := snippets.SetRegionLines(configs.Content, "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"})
	if err != nil {
		t.Fatal(err)
	}
	if d := changedRows(configs.Content, out); len(d) != 0 {
		t.Errorf("a no-op edit changed %q", d)
	}
}

func TestPutLine(t *testing.T) {
	src := configs.Content
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: shippedNow})
	if err != nil {
		t.Fatal(err)
	}
	// Replace: only what changed changes, in the style it was written in.
	ca := *l.Lines["ca-988"]
	ca.VerifiedOn = "2026-11-20"
	ca.Hours = snippets.Text{"en": "free of charge", "fr": "gratuit"}
	ca.Text = ""
	out, err := snippets.PutLine(src, "ca-988", &ca)
	if err != nil {
		t.Fatal(err)
	}
	got := changedRows(src, out)
	// The diff of the text line's removal and the new hours and date: compare as a set of
	// removed and added lines, which is what the operator reads.
	removed, added := map[string]bool{}, map[string]bool{}
	for _, r := range linediff.Diff(linediff.Lines(src), linediff.Lines(out)) {
		if r.Op == linediff.Del || r.Op == linediff.Change {
			removed[strings.TrimSpace(r.Left)] = true
		}
		if r.Op == linediff.Add || r.Op == linediff.Change {
			added[strings.TrimSpace(r.Right)] = true
		}
	}
	for _, line := range []string{`text: "988"`, `hours: {en: "free", fr: "gratuit"}`, `verified_on: "2026-11-01"`} {
		if !removed[line] {
			t.Errorf("%s not removed; diff %q", line, got)
		}
	}
	for _, line := range []string{`hours: {en: "free of charge", fr: "gratuit"}`, `verified_on: "2026-11-20"`} {
		if !added[line] {
			t.Errorf("%s not added; diff %q", line, got)
		}
	}
	if len(removed) != 3 || len(added) != 2 {
		t.Errorf("more changed than the edit: %q", got)
	}
	l2, err := snippets.Load(out, snippets.ValidateOptions{Now: shippedNow})
	if err != nil {
		t.Fatalf("edited content does not load: %v", err)
	}
	if got := l2.Lines["ca-988"]; got.Text != "" || got.VerifiedOn != "2026-11-20" || got.Hours["en"] != "free of charge" || got.Call != "988" || got.Schedule == nil || !got.Schedule.IsAlways() {
		t.Errorf("ca-988 after PutLine: %+v", got)
	}

	// Create, then list it in a region (flow style and neighbouring comments kept).
	nl := &snippets.Line{Name: snippets.Text{"en": "Test line", "fr": "Ligne d'essai"}, Country: "CA", Call: "1-800-555-0100",
		Hours: snippets.Text{"en": "9 to 5"}, Source: "https://example.org/line", VerifiedOn: "2026-11-02", ID: "ignored"}
	before := out
	out, err = snippets.PutLine(out, "ca-test", nl)
	if err != nil {
		t.Fatal(err)
	}
	// A new line is only added lines: the blank line after the last line stays where it was.
	for _, r := range linediff.Diff(linediff.Lines(before), linediff.Lines(out)) {
		if r.Op != linediff.Same && r.Op != linediff.Add {
			t.Errorf("adding a line changed more than it added: %+v", r)
		}
	}
	out, err = snippets.SetRegionLines(out, "CA-QC", []string{"qc-appelle", "ca-test", "ca-988"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "    lines: [qc-appelle, ca-test, ca-988]\n") {
		t.Error("region lines lost their flow style")
	}
	for _, c := range []string{"# Québec lists every line itself", "# NHS 111 is an England service", "# Left out on purpose"} {
		if !strings.Contains(string(out), c) {
			t.Errorf("comment %q dropped", c)
		}
	}
	l3, err := snippets.Load(out, snippets.ValidateOptions{Now: shippedNow})
	if err != nil {
		t.Fatalf("content with the new line does not load: %v", err)
	}
	if got := l3.Lines["ca-test"]; got == nil || got.Name["fr"] != "Ligne d'essai" || got.Call != "1-800-555-0100" || got.Text != "" {
		t.Errorf("new line: %+v", got)
	}
	if got := l3.Regions["CA-QC"].Lines; !slices.Equal(got, []string{"qc-appelle", "ca-test", "ca-988"}) {
		t.Errorf("CA-QC lines %v", got)
	}
	if strings.Count(string(out), "call_tel:") != strings.Count(string(configs.Content), "call_tel:") || strings.Contains(string(out), "ignored") {
		t.Error("empty fields or the body's id were written")
	}

	// A bad date is the validator's to report, at the line's field path.
	bad := *nl
	bad.VerifiedOn = "22/11/2026"
	out, err = snippets.PutLine(out, "ca-test", &bad)
	if err != nil {
		t.Fatal(err)
	}
	_, err = snippets.Load(out, snippets.ValidateOptions{Now: shippedNow})
	var inv *snippets.InvalidError
	if !errors.As(err, &inv) || len(inv.Problems) != 1 || inv.Problems[0].Path != "lines.ca-test.verified_on" {
		t.Errorf("bad verified_on: %v", err)
	}

	if _, err := snippets.SetRegionLines(src, "AQ", []string{"x"}); !errors.Is(err, snippets.ErrNoSuch) {
		t.Errorf("unknown region: %v, want ErrNoSuch", err)
	}
}

func TestPutLineKeepsFieldComments(t *testing.T) {
	src := []byte(`# top
lines:
  x:
    # the line's country, from its site
    country: CA
    name: {en: X}
    call: "1-800-000-0000" # checked by phone
    # hours were read on the poster
    hours: {en: "24/7"}
    source: "https://example.org"
    verified_on: "2026-11-01"
regions: {}
`)
	out, err := snippets.PutLine(src, "x", &snippets.Line{Country: "CA", Name: snippets.Text{"en": "X"}, Call: "1-800-000-0001",
		Source: "https://example.org", VerifiedOn: "2026-11-01"})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	for _, want := range []string{`call: "1-800-000-0001" # checked by phone`, "# hours were read on the poster", "# the line's country, from its site\n    country: CA"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if strings.Contains(s, "hours:") {
		t.Errorf("hours left empty but kept:\n%s", s)
	}
	// No lines mapping yet: one is made.
	out, err = snippets.PutLine([]byte("regions: {}\n"), "y", &snippets.Line{Country: "GB", Call: "116 123"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := snippets.Parse(out)
	if err != nil || c.Lines["y"] == nil || c.Lines["y"].Call != "116 123" {
		t.Errorf("new lines mapping: %v\n%s", err, out)
	}
}

// TestEditsRefuseAliases: in content sharing entries through YAML anchors, an edit of one entry
// could change another unseen (or change nothing): edits refuse it and name where.
func TestEditsRefuseAliases(t *testing.T) {
	src := []byte("regions:\n  CA: &ca\n    lines: [a]\n  US: *ca\nlines:\n  a: {name: {en: A}}\n")
	if _, err := snippets.SetRegionLines(src, "US", []string{"b"}); !errors.Is(err, snippets.ErrAliased) || !strings.Contains(err.Error(), "regions.CA") {
		t.Errorf("edit through an alias: %v", err)
	}
	merged := []byte("lines:\n  a:\n    <<: {country: CA}\n    name: {en: A}\n")
	if _, err := snippets.PutLine(merged, "a", &snippets.Line{Name: snippets.Text{"en": "B"}}); !errors.Is(err, snippets.ErrAliased) || !strings.Contains(err.Error(), "lines.a.<<") {
		t.Errorf("edit of a merged entry: %v", err)
	}
	if _, err := snippets.SetFeatured(configs.Content, "mhcc", []string{"stepped-care-2-0"}); err != nil {
		t.Errorf("shipped content (no aliases) refused: %v", err)
	}
}

// TestPutResourceChangesOnlyWhatChanged: a resource or a notice put back with one field changed
// changes that one line of the document; a put of what is there changes nothing.
func TestPutResourceChangesOnlyWhatChanged(t *testing.T) {
	src := configs.Content
	c, err := snippets.Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range c.Resources {
		out, err := snippets.PutResource(src, r)
		if err != nil {
			t.Fatal(err)
		}
		if d := changedRows(src, out); len(d) != 0 {
			t.Errorf("resource %d put back as it is: %q", i, d)
		}
	}
	r := *c.Resources[1]
	r.Summary = snippets.Text{"en": "A new summary.", "fr": r.Summary["fr"]}
	out, err := snippets.PutResource(src, &r)
	if err != nil {
		t.Fatal(err)
	}
	if d := changedRows(src, out); len(d) != 1 || !strings.HasPrefix(d[0], "change:en:") || !strings.HasSuffix(d[0], `|en: "A new summary."`) {
		t.Errorf("one summary changed: %q", d)
	}
	// A notice: withdrawn regions go, the rest stays.
	n := &snippets.Notice{ID: "storm", Message: snippets.Text{"en": "Line down", "fr": "Ligne coupée"}, Regions: []string{"CA-QC"}, ExpiresAt: "2026-12-01T00:00:00Z"}
	with, err := snippets.PutNotice(src, n)
	if err != nil {
		t.Fatal(err)
	}
	n.Regions = nil
	without, err := snippets.PutNotice(with, n)
	if err != nil {
		t.Fatal(err)
	}
	if d := changedRows(with, without); len(d) == 0 || !strings.HasPrefix(strings.Join(d, " "), "del:regions:") || strings.Count(strings.Join(d, " "), "del:") != len(d) {
		t.Errorf("a notice's regions withdrawn: %q", d)
	}
	if _, err := snippets.Load(without, snippets.ValidateOptions{Now: shippedNow}); err != nil {
		t.Errorf("edited content does not load: %v", err)
	}
	// Every notice withdrawn ("notices: []"), then a new one: written as a block, a field a line.
	cleared, err := snippets.DeleteNotice(without, "")
	if err != nil {
		t.Fatal(err)
	}
	again, err := snippets.PutNotice(cleared, n)
	if err != nil {
		t.Fatal(err)
	}
	if d := changedRows(cleared, again); len(d) < 4 || !strings.Contains(string(again), "\n  - id: storm\n") {
		t.Errorf("a notice after all were withdrawn: %q", d)
	}
	// No notices key at all: the new list holds only the fields given.
	if strings.Contains(string(src), "\nnotices:") {
		t.Fatal("the shipped content has notices: the case below needs a document without")
	}
	fresh, err := snippets.PutNotice(src, n)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(fresh), "{}") || strings.Contains(string(fresh), `url: ""`) {
		t.Errorf("a first notice writes empty fields:\n%s", fresh[strings.Index(string(fresh), "notices:"):])
	}
}
