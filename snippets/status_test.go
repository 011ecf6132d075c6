package snippets_test

import (
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

// TestLineStatusValidation: a status is one of the three; a degraded line has a message
// (English required) that names only numbers of every region entry listing it, an RFC 3339
// end when it has one; no other status carries either; a region listing a retired line fails.
func TestLineStatusValidation(t *testing.T) {
	until := fixedNow.Add(2 * time.Hour).Format(time.RFC3339)
	for _, tc := range []struct {
		name    string
		line    string
		mutate  func(l *snippets.Line)
		want    string // "" for valid
		wantErr string // the problem's code
	}{
		{"active by default", "ca-988", func(l *snippets.Line) {}, "", ""},
		{"active spelled", "ca-988", func(l *snippets.Line) { l.Status = "active" }, "", ""},
		{"degraded with message", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": "Calls are failing. Text 988 instead.", "fr": "Les appels échouent. Textez le 988."}
		}, "", ""},
		{"degraded until", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage, l.StatusUntil = "degraded", snippets.Text{"en": "Calls are failing."}, until
		}, "", ""},
		{"unknown status", "ca-988", func(l *snippets.Line) { l.Status = "down" }, "lines.ca-988.status: must be one of active, degraded, retired", "not_one_of"},
		{"degraded without message", "ca-988", func(l *snippets.Line) { l.Status = "degraded" }, "lines.ca-988.status_message.en: required", "required"},
		{"degraded french only", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"fr": "Textez le 988."}
		}, "lines.ca-988.status_message.en: required", "required"},
		{"bad until", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage, l.StatusUntil = "degraded", snippets.Text{"en": "Calls are failing."}, "tomorrow"
		}, `lines.ca-988.status_until: not an RFC 3339 time: "tomorrow"`, "invalid_time"},
		{"message without degraded", "ca-988", func(l *snippets.Line) { l.StatusMessage = snippets.Text{"en": "x"} }, "lines.ca-988.status: status_message and status_until", "status_without_degraded"},
		{"until on retired", "gb-samaritans", func(l *snippets.Line) { l.Status, l.StatusUntil = "retired", until }, "lines.gb-samaritans.status: status_message", "status_without_degraded"},
		{"too long", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": strings.Repeat("Calls fail. ", 20)}
		}, "lines.ca-988.status_message.en: 240 characters", "text_too_long"},
		{"bidi control", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": "Text \u202e889 instead"}
		}, "lines.ca-988.status_message.en: contains U+202E", "bidi_control"},
		// Kids Help Phone is listed in CA, CA-QC and CA-NU: Québec's own line is not a number of CA.
		{"another region's number", "ca-kids-help-phone", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": "Calls are failing. Call 1-866-277-3553 instead."}
		}, `lines.ca-kids-help-phone.status_message.en: names "1-866-277-3553", which is not a line or emergency number of CA, CA-NU`, "status_names_other_number"},
		{"another country's number", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": "Calls are failing.", "fr": "Appelez le 116 123."}
		}, `lines.ca-988.status_message.fr: names "116 123"`, "status_names_other_number"},
		{"number in letters", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": "Call 1-800-KIDS instead."}
		}, "lines.ca-988.status_message.en: names", "unreadable_number"},
		{"the region's other line", "ca-988", func(l *snippets.Line) {
			l.Status, l.StatusMessage = "degraded", snippets.Text{"en": "Calls are failing. Text 686868 instead, or call 9-1-1 in an emergency."}
		}, "lines.ca-988.status_message: names", "unreached"},
		{"retired and listed", "gb-samaritans", func(l *snippets.Line) { l.Status = "retired" }, `regions.GB.lines[0]: line "gb-samaritans" is retired`, "line_retired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parseFixture(t)
			tc.mutate(c.Lines[tc.line])
			errs := c.Validate(snippets.ValidateOptions{Now: fixedNow}).Errors
			got := problems(errs)
			if tc.want == "" || tc.wantErr == "unreached" {
				// "the region's other line": 686868 is Kids Help Phone's, listed with 988 in
				// CA and CA-QC, but 9-1-1 does not reach Nunavut, which lists 988 too.
				if tc.wantErr == "unreached" {
					if !strings.Contains(got, "lines.ca-988.status_message.en: names 911, which does not reach this region") ||
						strings.Contains(got, "status_names_other_number") || strings.Contains(got, "686868") {
						t.Errorf("errors %s, want 911 refused for Nunavut only", got)
					}
					return
				}
				if len(errs) > 0 {
					t.Errorf("errors %s, want none", got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("errors %s, want %s", got, tc.want)
			}
			found := false
			for _, p := range errs {
				found = found || p.Code == tc.wantErr
			}
			if !found {
				t.Errorf("no problem with code %s in %s", tc.wantErr, got)
			}
		})
	}
}

// TestLineStatusBanner: the banner carries a degraded line's message in the visitor's language
// while it is in force, re-renders at its end, and never shows a retired line; the emergency
// number and the line's ways in stay.
func TestLineStatusBanner(t *testing.T) {
	end := fixedNow.Add(2 * time.Hour)
	for _, tc := range []struct {
		name      string
		status    string
		until     string
		now       time.Time
		loc       snippets.Locale
		want      string // the 988 line's status message; "-" when the line is not shown
		wantUntil time.Time
	}{
		{"active", "", "", fixedNow, "en", "", time.Time{}},
		{"degraded en", "degraded", "", fixedNow, "en", "Calls are failing. Text 988 instead.", time.Time{}},
		{"degraded fr", "degraded", "", fixedNow, "fr", "Les appels échouent. Textez le 988.", time.Time{}},
		{"before its end", "degraded", end.Format(time.RFC3339), fixedNow, "en", "Calls are failing. Text 988 instead.", end},
		{"just before its end", "degraded", end.Format(time.RFC3339), end.Add(-time.Second), "fr", "Les appels échouent. Textez le 988.", end},
		{"at its end", "degraded", end.Format(time.RFC3339), end, "en", "", time.Time{}},
		{"after its end", "degraded", end.Format(time.RFC3339), end.Add(time.Hour), "en", "", time.Time{}},
		{"retired", "retired", "", fixedNow, "en", "-", time.Time{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parseFixture(t)
			l := c.Lines["ca-988"]
			l.Status, l.StatusUntil = tc.status, tc.until
			if tc.status == "degraded" {
				l.StatusMessage = snippets.Text{"en": "Calls are failing. Text 988 instead.", "fr": "Les appels échouent. Textez le 988."}
			}
			b := c.BannerFor("CA", tc.loc, tc.now, nil)
			if len(b.Emergency) == 0 || b.Emergency[0] != "911" {
				t.Errorf("emergency %v, want 911 first", b.Emergency)
			}
			var got *snippets.LineView
			for i := range b.Lines {
				if b.Lines[i].ID == "ca-988" {
					got = &b.Lines[i]
				}
			}
			switch {
			case tc.want == "-":
				if got != nil {
					t.Fatalf("retired line served: %+v", got)
				}
				if len(b.Lines) != 1 || b.Lines[0].ID != "ca-kids-help-phone" {
					t.Errorf("lines %+v, want Kids Help Phone alone", b.Lines)
				}
			case got == nil:
				t.Fatal("988 not in the banner")
			default:
				if got.StatusMessage != tc.want || (tc.want != "") != (got.Status == "degraded") {
					t.Errorf("status %q %q, want message %q", got.Status, got.StatusMessage, tc.want)
				}
				if got.Tel != "988" || got.SMS != "988" {
					t.Errorf("ways in hidden: tel %q sms %q", got.Tel, got.SMS)
				}
			}
			if !b.Until.Equal(tc.wantUntil) {
				t.Errorf("until %v, want %v", b.Until, tc.wantUntil)
			}
		})
	}
}

// TestSetLineStatus: the switch writes the status keys and nothing else; active removes them;
// a line edit without a status leaves them.
func TestSetLineStatus(t *testing.T) {
	src := readFixture(t)
	out, err := snippets.SetLineStatus(src, "ca-988", snippets.LineStatus{
		Status: "degraded", Message: snippets.Text{"en": "Calls are failing. Text 988 instead."}, Until: "2026-11-23T00:00:00Z"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := snippets.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lines["ca-988"]
	if l.Status != "degraded" || l.StatusMessage["en"] != "Calls are failing. Text 988 instead." || l.StatusUntil != "2026-11-23T00:00:00Z" {
		t.Fatalf("line after switch: %+v", l)
	}
	if r := c.Validate(snippets.ValidateOptions{Now: fixedNow}); len(r.Errors) > 0 {
		t.Fatalf("errors %s", problems(r.Errors))
	}
	// A line edit that says nothing of the status keeps it.
	kept := *l
	kept.Status, kept.StatusMessage, kept.StatusUntil = "", nil, ""
	edited, err := snippets.PutLine(out, "ca-988", &kept)
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := snippets.Parse(edited); c.Lines["ca-988"].Status != "degraded" {
		t.Errorf("line edit dropped the status: %+v", c.Lines["ca-988"])
	}
	for _, st := range []string{"retired", "active"} {
		back, err := snippets.SetLineStatus(out, "ca-988", snippets.LineStatus{Status: st, Message: snippets.Text{"en": "ignored"}, Until: "2026-11-23T00:00:00Z"})
		if err != nil {
			t.Fatal(err)
		}
		if st == "active" && string(back) != string(src) {
			t.Errorf("active did not restore the document:\n%s", back)
		}
		c, _ := snippets.Parse(back)
		if l := c.Lines["ca-988"]; l.StatusMessage != nil || l.StatusUntil != "" || (st == "retired") != (l.Status == "retired") {
			t.Errorf("%s: line %+v", st, l)
		}
	}
	if _, err := snippets.SetLineStatus(src, "nope", snippets.LineStatus{Status: "retired"}); err == nil {
		t.Error("unknown line: no error")
	}
}
