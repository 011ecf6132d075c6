package snippets_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
)

// TestSafeMessaging: each phrase the guidelines advise against, written in a text operators
// write, is one warning naming the phrase as written and the guideline's reason, in English
// and French, whatever its case, accents, apostrophes and spaces; words that only look like
// one are not. Warnings only: the content stays valid.
func TestSafeMessaging(t *testing.T) {
	for _, tc := range []struct {
		loc    snippets.Locale
		text   string
		codes  []string // the warnings' codes, in order; none for a text that is fine
		phrase string   // the first warning names it as written
	}{
		{"en", "He committed suicide last year.", []string{"unsafe_crime"}, "committed suicide"},
		{"en", "People who COMMIT  SUICIDE", []string{"unsafe_crime"}, "COMMIT  SUICIDE"},
		{"en", "to commit a suicide", []string{"unsafe_crime"}, "commit a suicide"},
		{"en", "after a successful attempt", []string{"unsafe_outcome"}, "successful attempt"},
		{"en", "Failed attempts are common.", []string{"unsafe_outcome"}, "Failed attempts"},
		{"en", "an unsuccessful suicide attempt", []string{"unsafe_outcome"}, "unsuccessful suicide attempt"},
		{"en", "A suicide epidemic among youth", []string{"unsafe_sensational"}, "suicide epidemic"},
		{"en", "Found hanging at home", []string{"unsafe_method"}, "hanging"},
		{"en", "she overdosed on pills", []string{"unsafe_method"}, "overdosed on"},
		{"en", "He jumped from a bridge", []string{"unsafe_method"}, "jumped from"},
		{"en", "committed suicide by hanging", []string{"unsafe_crime", "unsafe_method"}, "committed suicide"},
		{"fr", "Il a commis un suicide.", []string{"unsafe_crime"}, "commis un suicide"},
		{"fr", "commettre un suicide", []string{"unsafe_crime"}, "commettre un suicide"},
		{"fr", "une tentative réussie", []string{"unsafe_outcome"}, "tentative réussie"},
		{"fr", "une TENTATIVE RATÉE", []string{"unsafe_outcome"}, "TENTATIVE RATÉE"},
		{"fr", "tentatives de suicide échouées", []string{"unsafe_outcome"}, "tentatives de suicide échouées"},
		{"fr", "une tentative echouee (sans accents)", []string{"unsafe_outcome"}, "tentative echouee"},
		{"fr", "une épidémie de suicides", []string{"unsafe_sensational"}, "épidémie de suicides"},
		{"fr", "mort par pendaison", []string{"unsafe_method"}, "pendaison"},
		{"fr", "une surdose de médicaments", []string{"unsafe_method"}, "surdose de"},
		{"fr", "une surdose d’opioïdes", []string{"unsafe_method"}, "surdose d’opioïdes"},
		{"fr", "il s’est pendu", []string{"unsafe_method"}, "s’est pendu"},
		{"fr", "elle s'est jetée du pont", []string{"unsafe_method"}, "s'est jetée du"},

		// Words that only look like one.
		{"en", "Our commitment to suicide prevention", nil, ""},
		{"en", "If you attempted to call and could not get through, try again.", nil, ""},
		{"en", "A suicide attempt is a sign of distress.", nil, ""},
		{"en", "If you are thinking about suicide, call now.", nil, ""},
		{"en", "Overdose prevention sites", nil, ""},
		{"en", "Changing how we talk about suicide", nil, ""},
		{"en", "988 Suicide Crisis Helpline", nil, ""},
		{"en", "Stay on the line; do not hang up.", nil, ""},
		{"fr", "Ligne d'aide en cas de crise de suicide", nil, ""},
		{"fr", "Si vous avez des idées suicidaires, appelez.", nil, ""},
		{"fr", "une tentative de suicide", nil, ""},
		{"fr", "Nous nous engageons à prévenir le suicide.", nil, ""},
		{"fr", "prévention des surdoses", nil, ""},
		{"fr", "Il s’est suicidé l’an dernier.", nil, ""},
		// The English list is for English, the French for French.
		{"fr", "committed suicide", nil, ""},
		{"en", "tentative ratée", nil, ""},
	} {
		t.Run(string(tc.loc)+" "+tc.text, func(t *testing.T) {
			c := loadShipped(t).Content
			c.Resources[0].Summary[tc.loc] = tc.text
			r := c.Validate(snippets.ValidateOptions{Now: shippedNow})
			if len(r.Errors) != 0 {
				t.Fatalf("errors %v: safe messaging only warns", r.Errors)
			}
			path := "resources[0].summary." + string(tc.loc)
			var got []snippets.Problem
			for _, w := range r.Warnings {
				if strings.HasPrefix(w.Code, "unsafe_") {
					got = append(got, w)
				}
			}
			codes := make([]string, len(got))
			for i, w := range got {
				codes[i] = w.Code
				if w.Path != path {
					t.Errorf("warning at %s, want %s", w.Path, path)
				}
			}
			slices.Sort(codes)
			want := slices.Sorted(slices.Values(tc.codes))
			if !slices.Equal(codes, want) {
				t.Fatalf("warnings %v, want codes %v", got, tc.codes)
			}
			if len(got) == 0 {
				return
			}
			first := got[slices.IndexFunc(got, func(w snippets.Problem) bool { return w.Code == tc.codes[0] })]
			if first.Args[0] != `"`+tc.phrase+`"` {
				t.Errorf("names %s, want %q", first.Args[0], tc.phrase)
			}
			guide := "Mindframe"
			if tc.loc == snippets.French {
				guide = "Papageno"
			}
			if !strings.Contains(first.Message, guide) {
				t.Errorf("message %q does not name the guideline %s", first.Message, guide)
			}
		})
	}
}

// TestSafeMessagingEveryText: every kind of text operators write is read, and the warning
// names its field.
func TestSafeMessagingEveryText(t *testing.T) {
	const phrase = "committed suicide"
	for _, tc := range []struct {
		path string
		edit func(c *snippets.Content)
	}{
		{"regions.CA.message.en", func(c *snippets.Content) { c.Regions["CA"].Message["en"] += " Nobody " + phrase + " here." }},
		{"regions.CA-NU.emergency_note.en", func(c *snippets.Content) { c.Regions["CA-NU"].EmergencyNote["en"] = phrase }},
		{"lines.ca-988.name.en", func(c *snippets.Content) { c.Lines["ca-988"].Name["en"] += " " + phrase }},
		{"lines.ca-988.hours.en", func(c *snippets.Content) { c.Lines["ca-988"].Hours["en"] = phrase }},
		{"lines.ca-kids-help-phone.audience.en", func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Audience["en"] = phrase }},
		{"lines.us-988.call_hint.en", func(c *snippets.Content) { c.Lines["us-988"].CallHint["en"] = phrase }},
		{"resources[1].title.en", func(c *snippets.Content) { c.Resources[1].Title["en"] = phrase }},
		{"unknown_region.message.en", func(c *snippets.Content) { c.Unknown.Message["en"] = phrase }},
		{"feedback.crisis_intro.en", func(c *snippets.Content) { c.Feedback.CrisisIntro["en"] = phrase }},
		{"notices[0].message.en", func(c *snippets.Content) {
			c.Notices = []*snippets.Notice{{ID: "n", Message: snippets.Text{"en": phrase}, Regions: []string{"CA"}, ExpiresAt: "2027-01-01T00:00:00Z"}}
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			c := loadShipped(t).Content
			tc.edit(c)
			r := c.Validate(snippets.ValidateOptions{Now: shippedNow})
			if !hasProblem(r.Warnings, tc.path, "unsafe_crime") {
				t.Errorf("warnings %v, want unsafe_crime at %s", r.Warnings, tc.path)
			}
		})
	}
}
