package snippets_test

import (
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
)

func notice(regions []string, en string) []*snippets.Notice {
	return []*snippets.Notice{{ID: "storm", Regions: regions, Message: snippets.Text{"en": en}, ExpiresAt: "2027-01-01T00:00:00Z"}}
}

// TestNoticeSafety (issue 22, point 4): a notice passes the checks a region's sentence does. A
// number in it must be a line or emergency number of every region entry it reaches; a notice
// for every region reaches visitors of no entry too, so it names none; its characters and its
// length are limited.
func TestNoticeSafety(t *testing.T) {
	for _, tc := range []struct {
		name    string
		regions []string
		en      string
		code    string // "" accepted
		arg     string // a substring of one argument
	}{
		{"a premium-rate number, everywhere", nil, "Call 1-900-555-0199.", "notice_everywhere_number", "1-900-555-0199"},
		{"988 everywhere: not the United Kingdom's", nil, "Lines are busy: call 988.", "notice_everywhere_number", "988"},
		{"988 for Canada", []string{"CA"}, "Lines are busy: call or text 988.", "", ""},
		{"9-1-1 and 988 for Quebec", []string{"CA-QC"}, "Call 988; in an emergency, 9-1-1.", "", ""},
		{"a number for Canada that is British Columbia's", []string{"CA"}, "Call 1-800-784-2433.", "notice_names_other_number", "CA-AB"},
		{"the same for British Columbia", []string{"CA-BC"}, "Call 1-800-784-2433.", "", ""},
		{"a premium-rate number for Quebec", []string{"CA-QC"}, "Call 1-900-555-0199.", "notice_names_other_number", "CA-QC"},
		{"fullwidth digits", []string{"CA-QC"}, "Call １-９００-５５５-０１９９.", "notice_names_other_number", "１-９００-５５５-０１９９"},
		{"Arabic-Indic digits", []string{"GB"}, "Call ٠٨٠٠ ٥٥٥ ٠١٩٩.", "notice_names_other_number", "GB-ENG"},
		{"a withdrawn number in Arabic-Indic digits", []string{"GB"}, "Call ٠٨٤٥٧ ٩٠٩٠٩٠.", "withdrawn_number", "08457909090"},
		{"988 in fullwidth digits reads 988", []string{"CA-QC"}, "Appelez le ９８８.", "", ""},
		{"digits of two scripts", []string{"CA"}, "Call 9٨8.", "unreadable_number", "9٨8"},
		{"letters for digits, a line's", []string{"CA-BC"}, "Call 1-800-SUICIDE.", "number_in_letters", "1-800-784-2433"},
		{"letters for digits, no line's", []string{"CA-BC"}, "Call 1-800-HELPNOW.", "unreadable_number", "1-800-HELPNOW"},
		{"letters that pass for digits", []string{"CA"}, "Call 9l1.", "unreadable_number", "9l1"},
		{"a bidi override around 988", []string{"CA"}, "Call \u202e988\u202c.", "bidi_control", "U+202E"},
		{"a right-to-left mark", []string{"CA"}, "Call 988\u200f.", "bidi_control", "U+200F"},
		{"a zero-width space in 9-1-1", []string{"CA"}, "Call 9\u200b-1-1.", "invisible_character", "U+200B"},
		{"20,000 characters", []string{"CA"}, strings.Repeat("Lines are busy. ", 1250), "text_too_long", "20000"},
		{"300 characters", []string{"CA"}, strings.Repeat("x", 300), "", ""},
		{"hours are not numbers", []string{"CA"}, "Closed 09:00–17:00 today: call 988.", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clone(t, loadShipped(t).Content)
			c.Notices = notice(tc.regions, tc.en)
			errs := errorsAt(t, c)
			if tc.code == "" {
				if len(errs) > 0 {
					t.Fatalf("refused: %v", errs)
				}
				return
			}
			if !hasProblem(errs, "notices[0].message.en", tc.code) {
				t.Fatalf("want %s at notices[0].message.en, got %v", tc.code, errs)
			}
			if !strings.Contains(strings.Join(errs[0].Args, " "), tc.arg) {
				t.Errorf("args %q lack %q", errs[0].Args, tc.arg)
			}
		})
	}
}

// TestRegionSentenceDigits (issue 22, point 5): the region-sentence check reads digits of any
// script and any separator, and refuses what it cannot read.
func TestRegionSentenceDigits(t *testing.T) {
	for _, tc := range []struct {
		name, code, add, want string
	}{
		{"fullwidth", "CA-QC", " Call １-９００-５５５-０１９９.", "message_names_other_number"},
		{"Devanagari", "CA-QC", " Call १-९००-५५५-०१९९.", "message_names_other_number"},
		{"en dashes and no-break spaces", "CA-QC", " Call 1–900\u00a0555–0199.", "message_names_other_number"},
		{"a bidi override around 988", "CA", " Call \u202e988\u202c.", "bidi_control"},
		{"letters for the line's digits", "CA-BC", " Or call 1-800-SUICIDE.", "number_in_letters"},
		{"digits mixed with letters", "CA", " Call 9B8.", "unreadable_number"},
		{"circled digits", "CA", " Call ⑨⑧⑧.", "unreadable_number"},
		{"too long", "CA", strings.Repeat(" Call 988.", 30), "text_too_long"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clone(t, loadShipped(t).Content)
			c.Regions[tc.code].Message["en"] += tc.add
			if errs := errorsAt(t, c); !hasProblem(errs, "regions."+tc.code+".message.en", tc.want) {
				t.Errorf("want %s, got %v", tc.want, errs)
			}
		})
	}
}

// TestVisitorTextFields: every field a visitor reads refuses bidi controls and invisible
// characters and has a length limit; a line's number is written with the digits 0-9.
func TestVisitorTextFields(t *testing.T) {
	const rlo = "\u202e"
	for _, tc := range []struct {
		name string
		edit func(c *snippets.Content)
		path string
		code string
	}{
		{"line name", func(c *snippets.Content) { c.Lines["ca-988"].Name["en"] = rlo + "988" }, "lines.ca-988.name.en", "bidi_control"},
		{"call hint", func(c *snippets.Content) { c.Lines["ca-988"].CallHint = snippets.Text{"fr": "puis\u2066 1"} }, "lines.ca-988.call_hint.fr", "bidi_control"},
		{"hours note", func(c *snippets.Content) { c.Lines["ca-988"].Hours["en"] = "free\u200b" }, "lines.ca-988.hours.en", "invisible_character"},
		{"audience", func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Audience["en"] = strings.Repeat("y", 161) }, "lines.ca-kids-help-phone.audience.en", "text_too_long"},
		{"region name", func(c *snippets.Content) { c.Regions["CA-QC"].Name["fr"] = "Qu\u200eébec" }, "regions.CA-QC.name.fr", "bidi_control"},
		{"emergency note", func(c *snippets.Content) { c.Regions["CA-NU"].EmergencyNote["en"] = "RCMP\ufeff" }, "regions.CA-NU.emergency_note.en", "invisible_character"},
		{"emergency note in fullwidth digits", func(c *snippets.Content) { c.Regions["CA-NU"].EmergencyNote["en"] = "Call ９１１" }, "regions.CA-NU.emergency_note.en", "emergency_note_number"},
		{"unknown-region message", func(c *snippets.Content) { c.Unknown.Message["en"] += " \u2067" }, "unknown_region.message.en", "bidi_control"},
		{"unknown-region message in Arabic-Indic digits", func(c *snippets.Content) { c.Unknown.Message["fr"] += " ١١٢" }, "unknown_region.message", "unknown_region_names_number"},
		{"directory label", func(c *snippets.Content) { c.Unknown.DirectoryLabel["en"] = strings.Repeat("z", 161) }, "unknown_region.directory_label.en", "text_too_long"},
		{"resource title", func(c *snippets.Content) { c.Resources[0].Title["en"] += rlo }, "resources[0].title.en", "bidi_control"},
		{"resource summary", func(c *snippets.Content) { c.Resources[0].Summary["fr"] = strings.Repeat("s", 301) }, "resources[0].summary.fr", "text_too_long"},
		{"feedback text", func(c *snippets.Content) { c.Feedback.Thanks["en"] += "\u200f" }, "feedback.thanks.en", "bidi_control"},
		{"feedback crisis intro naming 988", func(c *snippets.Content) { c.Feedback.CrisisIntro["en"] = "Call 988 now:" }, "feedback.crisis_intro.en", "feedback_names_number"},
		{"partner name (the embed builder)", func(c *snippets.Content) { c.Partners["mhcc"].Name += rlo }, "partners.mhcc.name", "bidi_control"},
		{"a URL", func(c *snippets.Content) { c.Lines["ca-hope-for-wellness"].ChatURL += "/" + rlo + "moc.live" }, "lines.ca-hope-for-wellness.chat_url", "bidi_control"},
		{"call in fullwidth digits", func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Call = "１-８００-６６８-６８６８" }, "lines.ca-kids-help-phone.call", "non_ascii_digits"},
		{"text in Arabic-Indic digits", func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Text = "٦٨٦٨٦٨" }, "lines.ca-kids-help-phone.text", "non_ascii_digits"},
		{"call_tel in fullwidth digits", func(c *snippets.Content) { c.Lines["qc-appelle"].CallTel = "+１８６６２７７３５５３" }, "lines.qc-appelle.call_tel", "non_ascii_digits"},
		{"emergency in fullwidth digits", func(c *snippets.Content) { c.Regions["CA"].Emergency = []string{"９１１"} }, "regions.CA.emergency[0]", "non_ascii_digits"},
		{"call with a bidi override", func(c *snippets.Content) { c.Lines["ca-988"].Call = rlo + "988" }, "lines.ca-988.call", "invalid_number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := clone(t, loadShipped(t).Content)
			tc.edit(c)
			if errs := errorsAt(t, c); !hasProblem(errs, tc.path, tc.code) {
				t.Errorf("want %s at %s, got %v", tc.code, tc.path, errs)
			}
		})
	}
	// What a language needs, and a number written with no-break spaces, is accepted.
	c := clone(t, loadShipped(t).Content)
	c.Lines["ca-kids-help-phone"].Call = "1\u00a0800\u00a0668\u20116868"
	c.Lines["ca-988"].Audience = snippets.Text{"en": "می\u200cخواهم"}
	c.Lines["ca-988"].Hours["fr"] = "gratuit, 24\u00a0h sur 24"
	if errs := errorsAt(t, c); len(errs) > 0 {
		t.Errorf("refused: %v", errs)
	}
}
