package snippets_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/configs"
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
	l, err := snippets.Load(out, snippets.ValidateOptions{Now: fixedNow})
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
	l2, err := snippets.Load(again, snippets.ValidateOptions{Now: fixedNow})
	if err != nil || len(l2.Notices) != 1 || l2.Notices[0].Message["en"] != "Line back" {
		t.Fatalf("replace notice: %v %+v", err, l2)
	}
	// Deleting a featured resource leaves content that validation rejects, naming the partner.
	bad, err := snippets.DeleteResource(again, "stepped-care-2-0")
	if err != nil {
		t.Fatal(err)
	}
	_, err = snippets.Load(bad, snippets.ValidateOptions{Now: fixedNow})
	var inv *snippets.InvalidError
	if !errors.As(err, &inv) || !strings.Contains(err.Error(), `partners.mhcc.featured[0]: unknown resource "stepped-care-2-0"`) {
		t.Errorf("delete of a featured resource: %v", err)
	}
	cleared, err := snippets.DeleteNotice(again, "")
	if err != nil {
		t.Fatal(err)
	}
	if l3, err := snippets.Load(cleared, snippets.ValidateOptions{Now: fixedNow}); err != nil || len(l3.Notices) != 0 {
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
