package snippets_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

func TestNoticeValidation(t *testing.T) {
	for _, tc := range []struct {
		name   string
		notice *snippets.Notice
		path   string
	}{
		{"no expiry", &snippets.Notice{ID: "n", Message: snippets.Text{"en": "x"}}, "notices[0].expires_at: required"},
		{"bad expiry", &snippets.Notice{ID: "n", Message: snippets.Text{"en": "x"}, ExpiresAt: "tomorrow"}, "notices[0].expires_at: not an RFC 3339"},
		{"no message", &snippets.Notice{ID: "n", ExpiresAt: "2026-12-01T00:00:00Z"}, "notices[0].message.en: required"},
		{"bad id", &snippets.Notice{ID: "N!", Message: snippets.Text{"en": "x"}, ExpiresAt: "2026-12-01T00:00:00Z"}, "notices[0].id"},
		{"unknown partner", &snippets.Notice{ID: "n", Message: snippets.Text{"en": "x"}, ExpiresAt: "2026-12-01T00:00:00Z", Partners: []string{"nobody"}}, `notices[0].partners[0]: unknown partner "nobody"`},
		{"subdivision without entry", &snippets.Notice{ID: "n", Message: snippets.Text{"en": "x"}, ExpiresAt: "2026-12-01T00:00:00Z", Regions: []string{"CA-ON"}}, "notices[0].regions[0]: no region entry CA-ON"},
		{"bad url", &snippets.Notice{ID: "n", Message: snippets.Text{"en": "x"}, ExpiresAt: "2026-12-01T00:00:00Z", URL: "javascript:alert(1)"}, "notices[0].url"},
	} {
		c := parseFixture(t)
		c.Notices = []*snippets.Notice{tc.notice}
		got := problems(c.Validate(snippets.ValidateOptions{Now: fixedNow}).Errors)
		if !strings.Contains(got, tc.path) {
			t.Errorf("%s: errors %s, want %s", tc.name, got, tc.path)
		}
	}
}

func TestNoticeSelection(t *testing.T) {
	c := parseFixture(t)
	exp := fixedNow.Add(2 * time.Hour)
	c.Notices = []*snippets.Notice{
		{ID: "old", Message: snippets.Text{"en": "expired"}, ExpiresAt: fixedNow.Add(-time.Hour).Format(time.RFC3339)},
		{ID: "quebec", Message: snippets.Text{"en": "Québec only", "fr": "Québec seulement"}, Regions: []string{"CA-QC"}, ExpiresAt: exp.Format(time.RFC3339)},
		{ID: "canada", Message: snippets.Text{"en": "All of Canada"}, Regions: []string{"CA"}, Partners: []string{"acme"}, ExpiresAt: exp.Add(time.Hour).Format(time.RFC3339)},
	}
	for _, tc := range []struct {
		partner, key, want string
	}{
		{"acme", "CA-QC", "quebec"},
		{"acme", "CA", "canada"},
		{"globex", "CA", ""},
		{"globex", "CA-QC", "quebec"},
		{"acme", "GB", ""},
		{"acme", "", ""},
	} {
		n, until := c.NoticeFor(tc.partner, tc.key, fixedNow)
		got := ""
		if n != nil {
			got = n.ID
		}
		if got != tc.want {
			t.Errorf("NoticeFor(%s, %q) = %q, want %q", tc.partner, tc.key, got, tc.want)
		}
		if got != "" && until.IsZero() {
			t.Errorf("NoticeFor(%s, %q): no expiry returned", tc.partner, tc.key)
		}
	}
	if n, _ := c.NoticeFor("acme", "CA-QC", exp.Add(time.Minute)); n == nil || n.ID != "canada" {
		t.Errorf("after the Québec notice expires, want the Canada one, got %+v", n)
	}
	// Rendered: the banner part carries the notice in the visitor's language, and the render
	// must be renewed when it expires.
	l := loadFixture(t)
	l.Notices = c.Notices
	b, until, err := l.Render(l.Partners["acme"], snippets.French, "CA-QC", snippets.Banner, fixedNow, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	var v struct{ Notice *snippets.NoticeView }
	if err := json.Unmarshal(b, &v); err != nil || v.Notice == nil || v.Notice.Message != "Québec seulement" {
		t.Fatalf("rendered notice %+v (%v) in %s", v.Notice, err, b)
	}
	if !until.Equal(exp) {
		t.Errorf("render valid until %v, want the notice's expiry %v", until, exp)
	}
}

// TestNoticeOverlap: two active notices for the same visitors are refused (the banner shows one,
// the other would be listed as active and seen by nobody); disjoint audiences and an expired
// notice are not in the way.
func TestNoticeOverlap(t *testing.T) {
	exp := fixedNow.Add(2 * time.Hour).Format(time.RFC3339)
	n := func(id string, partners, regions []string, expires string) *snippets.Notice {
		return &snippets.Notice{ID: id, Message: snippets.Text{"en": id}, Partners: partners, Regions: regions, ExpiresAt: expires}
	}
	for _, tc := range []struct {
		name string
		ns   []*snippets.Notice
		want string
	}{
		{"everyone twice", []*snippets.Notice{n("a", nil, nil, exp), n("b", nil, nil, exp)}, `notices[1].partners: shown to the same visitors as notice "a"`},
		{"country and its subdivision", []*snippets.Notice{n("a", nil, []string{"CA"}, exp), n("b", []string{"acme"}, []string{"CA-QC"}, exp)}, `notices[1].regions: shown to the same visitors as notice "a"`},
		{"everyone and one region", []*snippets.Notice{n("a", nil, nil, exp), n("b", nil, []string{"GB"}, exp)}, `notices[1].regions`},
		{"other regions", []*snippets.Notice{n("a", nil, []string{"CA"}, exp), n("b", nil, []string{"GB"}, exp)}, ""},
		{"other partners", []*snippets.Notice{n("a", []string{"acme"}, nil, exp), n("b", []string{"globex"}, nil, exp)}, ""},
		{"first expired", []*snippets.Notice{n("a", nil, nil, fixedNow.Add(-time.Minute).Format(time.RFC3339)), n("b", nil, nil, exp)}, ""},
	} {
		c := parseFixture(t)
		c.Notices = tc.ns
		got := problems(c.Validate(snippets.ValidateOptions{Now: fixedNow}).Errors)
		if tc.want == "" && strings.Contains(got, "same visitors") {
			t.Errorf("%s: refused: %s", tc.name, got)
		}
		if tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: errors %s, want %s", tc.name, got, tc.want)
		}
	}
}
