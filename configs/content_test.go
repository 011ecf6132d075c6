package configs_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

// load validates the shipped content as of today: what `edge serve` does at startup.
func load(t *testing.T) *snippets.Loaded {
	t.Helper()
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatalf("shipped content does not load: %v", err)
	}
	return l
}

func TestContentValidates(t *testing.T) {
	c, err := snippets.Parse(configs.Content)
	if err != nil {
		t.Fatal(err)
	}
	r := c.Validate(snippets.ValidateOptions{Now: time.Now()})
	for _, p := range r.Errors {
		t.Errorf("error: %s", p)
	}
	for _, p := range r.Warnings {
		t.Logf("warning: %s", p)
	}
	if l := load(t); len(l.Version) == 0 {
		t.Error("loaded content has no version")
	}
}

func TestContentRegions(t *testing.T) {
	l := load(t)
	for _, code := range []string{"CA", "CA-QC", "US", "GB", "IE", "AU", "NZ", "FR"} {
		r := l.Regions[code]
		if r == nil {
			t.Errorf("no region entry for %s", code)
			continue
		}
		if len(r.Lines) == 0 {
			t.Errorf("region %s lists no line", code)
		}
		for _, loc := range snippets.Locales {
			if r.Message[loc] == "" {
				t.Errorf("region %s has no %s message", code, loc)
			}
		}
	}
}

func TestContentLinesCarrySourceAndDate(t *testing.T) {
	l := load(t)
	if len(l.Lines) == 0 {
		t.Fatal("no lines")
	}
	for id, ln := range l.Lines {
		if !strings.HasPrefix(ln.Source, "https://") {
			t.Errorf("line %s source = %q, want an https URL", id, ln.Source)
		}
		if _, err := time.Parse("2006-01-02", ln.VerifiedOn); err != nil {
			t.Errorf("line %s verified_on = %q: %v", id, ln.VerifiedOn, err)
		}
	}
}

func TestContentCABanner(t *testing.T) {
	ca := load(t).Regions["CA"]
	if ca == nil {
		t.Fatal("no CA entry")
	}
	const want = "If you are in distress, you can call or text 988 at any time. If it is an emergency, call 9-1-1 or go to your local emergency department."
	if got := ca.Message[snippets.English]; got != want {
		t.Errorf("CA message (en) = %q\nwant %q", got, want)
	}
	fr := ca.Message[snippets.French]
	if fr == "" || fr == want || !strings.Contains(fr, "988") || !strings.Contains(fr, "9-1-1") {
		t.Errorf("CA message (fr) = %q, want a French message naming 988 and 9-1-1", fr)
	}
}

func TestContentPartners(t *testing.T) {
	l := load(t)
	tests := []struct {
		id      string
		origins []string
	}{
		{"demo", []string{"http://localhost:*", "http://127.0.0.1:*"}},
		{"mhcc", []string{"https://mentalhealthcommission.ca"}},
	}
	for _, tt := range tests {
		p := l.Partners[tt.id]
		if p == nil {
			t.Errorf("no partner %s", tt.id)
			continue
		}
		for _, o := range tt.origins {
			if !slices.Contains(p.Origins, o) {
				t.Errorf("partner %s origins = %v, want %s among them", tt.id, p.Origins, o)
			}
		}
		if len(p.Featured) == 0 {
			t.Errorf("partner %s features nothing", tt.id)
		}
		if !slices.Contains(p.Components, "banner") {
			t.Errorf("partner %s components = %v, want banner", tt.id, p.Components)
		}
	}
}

func TestContentResources(t *testing.T) {
	l := load(t)
	bilingual, pdf := 0, 0
	for _, r := range l.Resources {
		if r.Title[snippets.English] != "" && r.Title[snippets.French] != "" {
			bilingual++
		}
		if r.Type == "pdf" && r.SizeBytes > 0 {
			pdf++
		}
	}
	if bilingual < 8 {
		t.Errorf("%d resources with English and French titles, want at least 8", bilingual)
	}
	if pdf == 0 {
		t.Error("no pdf resource with size_bytes")
	}
}

func TestContentFeedbackTexts(t *testing.T) {
	f := load(t).Feedback
	tests := []struct {
		field string
		text  snippets.Text
		en    string
	}{
		{"found", f.Found, "Did you find what you were looking for?"},
		{"helpful", f.Helpful, "Was this information helpful?"},
		{"followup", f.Followup, "Are you willing to be contacted within 3 to 6 months for a short follow-up survey?"},
	}
	for _, tt := range tests {
		if got := tt.text[snippets.English]; got != tt.en {
			t.Errorf("feedback.%s (en) = %q, want %q", tt.field, got, tt.en)
		}
		if fr := tt.text[snippets.French]; fr == "" || fr == tt.en {
			t.Errorf("feedback.%s (fr) = %q, want a French text", tt.field, fr)
		}
	}
	for _, loc := range snippets.Locales {
		if f.NotMonitored[loc] == "" {
			t.Errorf("feedback.not_monitored has no %s text", loc)
		}
	}
}

// TestContentNoRetiredNumbers keeps out the numbers the research notes say not to show: lines
// replaced by another and numbers that no longer exist.
func TestContentNoRetiredNumbers(t *testing.T) {
	l := load(t)
	retired := []struct{ digits, what string }{
		{"18334564566", "Talk Suicide Canada (replaced by 988)"},
		{"45645", "Talk Suicide Canada text (replaced by 988)"},
		{"08457909090", "old Samaritans UK number (replaced by 116 123)"},
		{"1850609090", "old Samaritans Ireland number (replaced by 116 123)"},
		{"0861800280", "old Crisis Text Line Ireland number (now 50808)"},
	}
	digits := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s)
	}
	for id, ln := range l.Lines {
		if strings.Contains(id, "talk-suicide") {
			t.Errorf("line %s: Talk Suicide Canada is not to be shown", id)
		}
		for _, n := range []string{ln.Call, ln.CallTel, ln.Text} {
			for _, r := range retired {
				// "833-456-4566" without the trunk prefix 1 is the same number.
				if d := digits(n); d != "" && (d == r.digits || "1"+d == r.digits) {
					t.Errorf("line %s dials %s: %s", id, n, r.what)
				}
			}
		}
	}
	for code, r := range l.Regions {
		for loc, m := range r.Message {
			for _, ret := range retired {
				if strings.Contains(digits(m), ret.digits) {
					t.Errorf("region %s message (%s) names %s: %s", code, loc, ret.digits, ret.what)
				}
			}
		}
	}
}
