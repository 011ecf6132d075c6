package snippets_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/snippets"
)

// TestDialChecks: each edit of the shipped content makes the one dialling error named (its
// field and code) and no other, or, with no path, none at all: the number shown is the number
// dialled, and every tel: and sms: target is a number of the line's country or a short code
// known there for that use.
func TestDialChecks(t *testing.T) {
	line := func(c *snippets.Content, id string) *snippets.Line { return c.Lines[id] }
	for _, tc := range []struct {
		name string
		edit func(c *snippets.Content)
		path string // "" when the edit is fine
		code string
		want string // in the message
	}{
		// The number shown is the number dialled.
		{"988 shown, the retired 1-800-273-8255 dialled", func(c *snippets.Content) { line(c, "us-988").CallTel = "+18002738255" },
			"lines.us-988.call_tel", "dial_mismatch", "dials +18002738255 but call shows 988"},
		{"a one-digit typo in call_tel", func(c *snippets.Content) { line(c, "qc-appelle").CallTel = "+18662773533" },
			"lines.qc-appelle.call_tel", "dial_mismatch", "call shows 1-866-277-3553"},
		{"a one-digit typo in call", func(c *snippets.Content) { line(c, "bc-kuu-us").Call = "1-800-588-8771" },
			"lines.bc-kuu-us.call_tel", "dial_mismatch", "dials +18005888717 but call shows 1-800-588-8771"},
		{"call without its trunk prefix", func(c *snippets.Content) { line(c, "qc-appelle").Call = "866-277-3553" }, "", "", ""},
		{"call in international form", func(c *snippets.Content) { line(c, "qc-appelle").Call = "+1 866 277 3553" }, "", "", ""},
		{"call_tel in national form", func(c *snippets.Content) { line(c, "qc-appelle").CallTel = "18662773553" }, "", "", ""},
		{"Ireland, international call_tel of a 1800 number", func(c *snippets.Content) { line(c, "ie-pieta").CallTel = "+3531800247247" }, "", "", ""},
		{"Ireland, the trunk prefix written", func(c *snippets.Content) { line(c, "ie-pieta").CallTel = "+35301800247247" },
			"lines.ie-pieta.call_tel", "dial_mismatch", ""},
		{"Australia, 0477 shown, +61 477 dialled", func(c *snippets.Content) {
			line(c, "au-lifeline").Call, line(c, "au-lifeline").CallTel = "0477 13 11 14", "+61477131114"
		}, "", "", ""},
		{"France, a short code shown, a full number dialled", func(c *snippets.Content) { line(c, "fr-3114").CallTel = "+33145394000" },
			"lines.fr-3114.call_tel", "dial_mismatch", "dials +33145394000 but call shows 3114"},

		// A full number of the line's country, of the right length and shape.
		{"another country's code", func(c *snippets.Content) {
			line(c, "gb-samaritans").Call, line(c, "gb-samaritans").CallTel = "+1 800 668 6868", "+18006686868"
		}, "lines.gb-samaritans.call_tel", "dial_other_country", "dials +18006686868, which is not a number of GB (+44)"},
		{"NANP, a digit missing", func(c *snippets.Content) {
			line(c, "mb-suicide-line").Call, line(c, "mb-suicide-line").CallTel = "1-877-435-717", "+1877435717"
		}, "lines.mb-suicide-line.call_tel", "dial_length", "want +1 then 10 digits"},
		{"NANP, a digit missing, national form", func(c *snippets.Content) { line(c, "ca-kids-help-phone").Call = "1-800-668-686" },
			"lines.ca-kids-help-phone.call", "dial_unknown_short_code", "dials 1800668686, which is neither a number of CA nor a short code known there"},
		{"NANP, an exchange starting with 1", func(c *snippets.Content) {
			line(c, "mb-suicide-line").Call, line(c, "mb-suicide-line").CallTel = "1-877-135-7170", "+18771357170"
		}, "lines.mb-suicide-line.call_tel", "dial_nanp_shape", ""},
		{"NANP, an area code starting with 0", func(c *snippets.Content) { line(c, "ca-hope-for-wellness").Call = "1-055-242-3310" },
			"lines.ca-hope-for-wellness.call", "dial_unknown_short_code", ""},
		{"France, too long", func(c *snippets.Content) {
			line(c, "fr-3114").Call, line(c, "fr-3114").CallTel = "+33 1 45 39 40 00 0", "+331453940000"
		}, "lines.fr-3114.call_tel", "dial_length", "want +33 then 9 digits"},
		{"Ireland, too long", func(c *snippets.Content) { line(c, "ie-pieta").Call = "1800 247 247 247" },
			"lines.ie-pieta.call", "dial_unknown_short_code", ""},
		{"Germany, a range of lengths", func(c *snippets.Content) {
			c.Lines["de-telefonseelsorge"] = &snippets.Line{Country: "DE", Name: snippets.Text{"en": "TelefonSeelsorge"},
				Call: "0800 111 0 111 1 1 1", Hours: snippets.Text{"en": "24/7"}, Source: "https://example.org", VerifiedOn: "2026-11-01"}
		}, "lines.de-telefonseelsorge.call", "dial_unknown_short_code", ""},
		{"Germany, the national form", func(c *snippets.Content) {
			c.Lines["de-telefonseelsorge"] = &snippets.Line{Country: "DE", Name: snippets.Text{"en": "TelefonSeelsorge"},
				Call: "0800 111 0 111", Hours: snippets.Text{"en": "24/7"}, Source: "https://example.org", VerifiedOn: "2026-11-01"}
		}, "", "", ""},

		// Short codes: known for the country, and for the use.
		{"988 outside CA and US", func(c *snippets.Content) { line(c, "gb-samaritans").Call = "988" },
			"lines.gb-samaritans.call", "dial_unknown_short_code", "dials 988, which is neither a number of GB nor a short code known there"},
		{"a short code nobody listed", func(c *snippets.Content) { line(c, "ca-kids-help-phone").Text = "686869" },
			"lines.ca-kids-help-phone.text", "dial_unknown_short_code", "add the short code with its source to shortCodes"},
		{"Samaritans has no text service", func(c *snippets.Content) { line(c, "gb-samaritans").Text = "116 123" },
			"lines.gb-samaritans.text", "dial_short_code_use", "116123 is a short code of GB for call only"},
		{"a text-only short code called", func(c *snippets.Content) { line(c, "ca-kids-help-phone").Call = "686868" },
			"lines.ca-kids-help-phone.call", "dial_short_code_use", ""},
		{"an emergency number of another country", func(c *snippets.Content) { c.Regions["AU"].Emergency = []string{"911"} },
			"regions.AU.emergency[0]", "dial_unknown_short_code", "dials 911, which is neither a number of AU"},
		{"a line's number as an emergency number", func(c *snippets.Content) { c.Regions["GB-ENG"].Emergency = []string{"111"} },
			"regions.GB-ENG.emergency[0]", "dial_short_code_use", "111 is a short code of GB for call only"},
		{"a country without a numbering plan", func(c *snippets.Content) {
			c.Lines["br-cvv"] = &snippets.Line{Country: "BR", Name: snippets.Text{"en": "CVV"}, Call: "188",
				Hours: snippets.Text{"en": "24/7"}, Source: "https://example.org", VerifiedOn: "2026-11-01"}
		}, "lines.br-cvv.call", "dial_no_plan", "no numbering plan for BR"},
		{"a chat-only line of any country dials nothing", func(c *snippets.Content) {
			c.Lines["br-chat"] = &snippets.Line{Country: "BR", Name: snippets.Text{"en": "Chat"}, ChatURL: "https://example.org/chat",
				Hours: snippets.Text{"en": "24/7"}, Source: "https://example.org", VerifiedOn: "2026-11-01"}
		}, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := loadShipped(t).Content
			tc.edit(c)
			var got []snippets.Problem
			for _, p := range errorsAt(t, c) {
				if strings.HasPrefix(p.Code, "dial_") {
					got = append(got, p)
				}
			}
			if tc.path == "" {
				if len(got) != 0 {
					t.Fatalf("errors %v, want none", got)
				}
				return
			}
			if !slices.ContainsFunc(got, func(p snippets.Problem) bool {
				return p.Path == tc.path && p.Code == tc.code && strings.Contains(p.Message, tc.want)
			}) {
				t.Fatalf("errors %v, want one at %s (%s) saying %q", got, tc.path, tc.code, tc.want)
			}
		})
	}
}

// TestShippedNumbersDialled: every line of the shipped content dials a number its country's
// checks know, and the short codes the content uses are the ones the table cites.
func TestShippedNumbersDialled(t *testing.T) {
	c := loadShipped(t).Content
	if errs := errorsAt(t, c); len(errs) != 0 {
		t.Fatalf("shipped content: %v", errs)
	}
	// A line's call_tel removed: the line still dials its call's digits, which are valid.
	for id, l := range c.Lines {
		if l.CallTel != "" {
			l.CallTel = ""
			if errs := errorsAt(t, c); len(errs) != 0 {
				t.Errorf("%s without call_tel: %v", id, errs)
			}
		}
	}
}
