package snippets_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

func problems(ps []snippets.Problem) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// TestValidateVerifiedOnAge: a line's check is due 12 months after verified_on (or on
// next_check): within 30 days of it, and after it, a warning; more than 24 months after
// verified_on an error, so that it is re-checked before anything is published again.
func TestValidateVerifiedOnAge(t *testing.T) {
	tests := []struct {
		verified, next string
		wantErr        string // the path of the one error
		wantWarn       string // the code of the one warning
		lapsed         bool   // wantErr under Strict only: a line_lapsed warning otherwise
	}{
		{verified: "2026-11-01"},
		{verified: "2025-12-23"},                              // due 2026-12-23, in 31 days: nothing yet
		{verified: "2025-12-22", wantWarn: "recheck_due"},     // due in 30 days
		{verified: "2025-11-24", wantWarn: "recheck_due"},     // due in 2 days
		{verified: "2025-11-22", wantWarn: "recheck_overdue"}, // due today
		{verified: "2025-01-01", wantWarn: "recheck_overdue"},
		{verified: "2024-11-22", wantWarn: "recheck_overdue"},          // 24 months to the day: still a warning
		{verified: "2024-11-21", wantErr: "verified_on", lapsed: true}, // 24 months and a day: lapsed
		{verified: "2020-01-01", wantErr: "verified_on", lapsed: true},
		{verified: "2024-12-01", next: "2026-12-31"},                          // next_check given: not due yet
		{verified: "2026-11-01", next: "2026-12-01", wantWarn: "recheck_due"}, // an earlier next_check
		{verified: "2026-11-01", next: "2026-11-01", wantErr: "next_check"},   // not after verified_on
		{verified: "2026-11-01", next: "soon", wantErr: "next_check"},
		{verified: "2023-01-01", next: "2027-01-01", wantErr: "verified_on", lapsed: true}, // a late next_check does not stop the lapse
		{verified: "2026-11-23"},                                                           // tomorrow in UTC: today somewhere on Earth
		{verified: "2026-11-24", wantErr: "verified_on"},                                   // in the future everywhere
	}
	for _, tt := range tests {
		t.Run(tt.verified+" "+tt.next, func(t *testing.T) {
			c := parseFixture(t)
			c.Lines["ca-988"].VerifiedOn, c.Lines["ca-988"].NextCheck = tt.verified, tt.next
			// Strict, as `edge check`: a lapsed line is an error there.
			r := c.Validate(snippets.ValidateOptions{Now: fixedNow, Strict: true})
			if tt.lapsed {
				// Serving and publishing: the same line is a warning, never a refusal.
				lax := c.Validate(snippets.ValidateOptions{Now: fixedNow})
				if len(lax.Errors) > 0 || len(lax.Warnings) != 1 || lax.Warnings[0].Code != "line_lapsed" || lax.Warnings[0].Path != "lines.ca-988.verified_on" {
					t.Errorf("not strict: errors %v warnings %+v, want one line_lapsed warning", lax.Errors, lax.Warnings)
				}
			}
			if tt.wantErr == "" && len(r.Errors) > 0 || tt.wantErr != "" && (len(r.Errors) != 1 || r.Errors[0].Path != "lines.ca-988."+tt.wantErr) {
				t.Errorf("errors = %v, want one at %q", r.Errors, tt.wantErr)
			}
			if tt.wantWarn == "" && len(r.Warnings) > 0 || tt.wantWarn != "" && (len(r.Warnings) != 1 || r.Warnings[0].Code != tt.wantWarn || r.Warnings[0].Path != "lines.ca-988.next_check") {
				t.Errorf("warnings = %+v, want %q at lines.ca-988.next_check", r.Warnings, tt.wantWarn)
			}
		})
	}
}

// TestValidateVerificationRecord: verified_how is one of the methods, "other" says how in
// verified_note, and the record's free text is short and visible.
func TestValidateVerificationRecord(t *testing.T) {
	for _, tt := range []struct {
		how, note, by string
		wantErr       string
	}{
		{how: "official_page", by: "alice"},
		{how: "service_confirmed", note: "Email from the service, 2026-11-01"},
		{how: "other", note: "CRTC decision 2025-317"},
		{},
		{how: "other", wantErr: "lines.ca-988.verified_note"},
		{how: "other", note: "  ", wantErr: "lines.ca-988.verified_note"},
		{how: "Official page", wantErr: "lines.ca-988.verified_how"},
		{how: "official_page", note: strings.Repeat("x", 201), wantErr: "lines.ca-988.verified_note"},
		{how: "official_page", by: "al\u202eice", wantErr: "lines.ca-988.verified_by"},
		{how: "official_page", by: strings.Repeat("x", 101), wantErr: "lines.ca-988.verified_by"},
	} {
		c := parseFixture(t)
		l := c.Lines["ca-988"]
		l.VerifiedHow, l.VerifiedNote, l.VerifiedBy = tt.how, tt.note, tt.by
		r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
		if tt.wantErr == "" && len(r.Errors) > 0 || tt.wantErr != "" && (len(r.Errors) != 1 || r.Errors[0].Path != tt.wantErr) {
			t.Errorf("%+v: errors %v, want one at %q", tt, r.Errors, tt.wantErr)
		}
	}
}

func TestValidateRecheckOptions(t *testing.T) {
	c := parseFixture(t)
	// Every fixture line was verified on 2026-11-01, three weeks before fixedNow: due on
	// 2027-11-01, which a 400-day window reaches.
	r := c.Validate(snippets.ValidateOptions{Now: fixedNow, DueWithin: 400 * 24 * time.Hour})
	if len(r.Errors) != 0 {
		t.Fatalf("errors: %v", r.Errors)
	}
	if len(r.Warnings) != len(c.Lines) {
		t.Errorf("got %d warnings with a 400-day window, want one per line (%d):\n%s", len(r.Warnings), len(c.Lines), problems(r.Warnings))
	}
	for _, w := range r.Warnings {
		if w.Code != "recheck_due" || !strings.Contains(w.Message, "2027-11-01") {
			t.Errorf("warning %q does not name the due date", w)
		}
	}
	// A one-month lapse makes every line an error under Strict, each saying so; a warning
	// otherwise.
	r = c.Validate(snippets.ValidateOptions{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), LapseAfterMonths: 1, Strict: true})
	if len(r.Errors) != len(c.Lines) || !strings.Contains(r.Errors[0].Message, "more than 1 months ago") || r.Errors[0].Code != "line_lapsed" {
		t.Errorf("with a 1-month lapse: %v", r.Errors)
	}
	r = c.Validate(snippets.ValidateOptions{Now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC), LapseAfterMonths: 1})
	if len(r.Errors) != 0 || len(r.Warnings) != len(c.Lines) || r.Warnings[0].Code != "line_lapsed" {
		t.Errorf("with a 1-month lapse, not strict: errors %v warnings %v", r.Errors, r.Warnings)
	}
}

// breakMany makes errors in every section and under several map keys of each.
func breakMany(c *snippets.Content) {
	c.Lines["qc-appelle"].Source = ""
	c.Lines["ca-988"].VerifiedOn = ""
	c.Lines["gb-samaritans"].Hours = nil // required: the line has no schedule
	c.Lines["gb-samaritans"].Schedule = nil
	c.Regions["GB"].Emergency = nil
	c.Regions["CA-QC"].Lines[0] = "nope"
	c.Regions["CA"].Emergency = []string{"nine-one-one"}
	c.Unknown.DirectoryLabel = nil
	c.Resources[2].Type = ""
	c.Resources[0].SizeBytes = 0
	c.Partners["globex"].Accent = "red"
	c.Partners["acme"].Featured[0] = "x"
	c.Feedback.Email = nil
	c.Feedback.Comment = nil
}

func TestValidateOrderIsStable(t *testing.T) {
	want := []string{
		"lines.ca-988.verified_on",
		"lines.gb-samaritans.hours.en",
		"lines.qc-appelle.source",
		"regions.CA.emergency[0]",
		"regions.CA.message.en", // names 9-1-1, no longer one of its numbers
		"regions.CA.message.fr",
		"regions.CA-QC.lines[0]",
		"regions.CA-QC.message.en", // names 1-866-277-3553, no longer one of its lines
		"regions.CA-QC.message.fr",
		"regions.GB.emergency",
		"regions.GB.message.en", // names 999
		"regions.GB.message.en", // names 112
		"unknown_region.directory_label.en",
		"resources[0].size_bytes",
		"resources[2].type",
		"partners.acme.featured[0]",
		"partners.globex.accent",
		"feedback.comment.en",
		"feedback.email.en",
	}
	var first []snippets.Problem
	for i := range 20 {
		c := parseFixture(t)
		breakMany(c)
		r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
		if i == 0 {
			first = r.Errors
			var paths []string
			for _, p := range r.Errors {
				paths = append(paths, p.Path)
			}
			if !reflect.DeepEqual(paths, want) {
				t.Fatalf("error paths:\n  %s\nwant:\n  %s", strings.Join(paths, "\n  "), strings.Join(want, "\n  "))
			}
			continue
		}
		if !reflect.DeepEqual(r.Errors, first) {
			t.Fatalf("run %d gave different errors:\n%s\nfirst run:\n%s", i, problems(r.Errors), problems(first))
		}
	}
}

func TestLoad(t *testing.T) {
	src := readFixture(t)
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Version) != 16 || strings.Trim(l.Version, "0123456789abcdef") != "" {
		t.Errorf("Version = %q, want 16 hex digits", l.Version)
	}
	again, err := snippets.Load(src, snippets.ValidateOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if again.Version != l.Version {
		t.Errorf("same bytes gave versions %q and %q", l.Version, again.Version)
	}
	edited := append(append([]byte{}, src...), "\n# an edit\n"...)
	other, err := snippets.Load(edited, snippets.ValidateOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if other.Version == l.Version {
		t.Errorf("different bytes gave the same version %q", l.Version)
	}

	overdue, err := snippets.Load(src, snippets.ValidateOptions{Now: fixedNow.AddDate(1, 0, 0)})
	if err != nil {
		t.Fatalf("lines overdue for a check must not stop loading: %v", err)
	}
	if len(overdue.Warnings) != len(overdue.Lines) {
		t.Errorf("got %d warnings a year on, want one per line (%d)", len(overdue.Warnings), len(overdue.Lines))
	}
	// Two years on, every line's check has lapsed: an edge still loads the content (a version
	// valid yesterday is not refused at startup today), each line warned of; `edge check`
	// (Strict) refuses it, each line named.
	lapsed, err := snippets.Load(src, snippets.ValidateOptions{Now: fixedNow.AddDate(2, 0, 0)})
	if err != nil || len(lapsed.Warnings) != len(lapsed.Lines) || lapsed.Warnings[0].Code != "line_lapsed" {
		t.Fatalf("two years on, serving: %v, want the content loaded with one line_lapsed warning per line", err)
	}
	_, err = snippets.Load(src, snippets.ValidateOptions{Now: fixedNow.AddDate(2, 0, 0), Strict: true})
	var invalid *snippets.InvalidError
	if !errors.As(err, &invalid) || len(invalid.Problems) != len(overdue.Lines) || invalid.Problems[0].Code != "line_lapsed" {
		t.Errorf("two years on: %v, want one line_lapsed error per line", err)
	}
}

func TestLoadListsEveryError(t *testing.T) {
	src := string(readFixture(t))
	for _, r := range [][2]string{
		{"size_bytes: 123456", "size_bytes: 0"},
		{`accent: "#12ab9f"`, `accent: "teal"`},
		{"featured: [acme-page, acme-guide, acme-webinar]", "featured: [acme-page, acme-guide, x]"},
	} {
		if !strings.Contains(src, r[0]) {
			t.Fatalf("fixture has no %q", r[0])
		}
		src = strings.Replace(src, r[0], r[1], 1)
	}
	l, err := snippets.Load([]byte(src), snippets.ValidateOptions{Now: fixedNow})
	if l != nil {
		t.Errorf("Load returned content with errors")
	}
	var inv *snippets.InvalidError
	if !errors.As(err, &inv) {
		t.Fatalf("err = %v (%T), want *InvalidError", err, err)
	}
	want := []string{
		"resources[0].size_bytes: required for a pdf: visitors are told the size before they download",
		`partners.acme.featured[2]: unknown resource "x"`,
		`partners.acme.accent: not a #rrggbb colour: "teal"`,
	}
	var got []string
	for _, p := range inv.Problems {
		got = append(got, p.String())
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	msg := err.Error()
	if !strings.Contains(msg, "(3 errors)") {
		t.Errorf("Error() = %q, want it to count 3 errors", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("Error() does not list %q", w)
		}
	}
}

func TestParse(t *testing.T) {
	valid := string(readFixture(t))
	tests := []struct {
		name string
		src  string
		want string // substring of the error
	}{
		{
			name: "misspelt field",
			src:  strings.Replace(valid, "verified_on:", "verifed_on:", 1),
			want: "verifed_on",
		},
		{
			name: "unknown top-level section",
			src:  valid + "\nannouncements: []\n",
			want: "announcements",
		},
		{
			name: "two documents",
			src:  valid + "\n---\n" + valid,
			want: "more than one YAML document",
		},
		{
			name: "a second, empty-looking document",
			src:  valid + "\n---\nregions: {}\n",
			want: "more than one YAML document",
		},
		{name: "empty", src: "", want: "content is empty"},
		{name: "only a comment", src: "# nothing yet\n", want: "content is empty"},
		{
			name: "wrong shape",
			src:  "regions: [CA, US]\n",
			want: "cannot unmarshal !!seq",
		},
		{
			name: "not YAML",
			src:  "regions: {CA: [\n",
			want: "not valid YAML",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := snippets.Parse([]byte(tt.src))
			if err == nil {
				t.Fatalf("Parse succeeded (%d regions), want an error containing %q", len(c.Regions), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
			// Every unreadable document is a validation error (the admin API answers 422).
			var inv *snippets.InvalidError
			if !errors.As(err, &inv) || len(inv.Problems) == 0 {
				t.Errorf("err %T is not an *InvalidError with problems", err)
			}
		})
	}
}

func TestParseFillsKeys(t *testing.T) {
	c := parseFixture(t)
	for k, r := range c.Regions {
		if r.Code != k {
			t.Errorf("regions[%q].Code = %q", k, r.Code)
		}
	}
	for k, l := range c.Lines {
		if l.ID != k {
			t.Errorf("lines[%q].ID = %q", k, l.ID)
		}
	}
	for k, p := range c.Partners {
		if p.ID != k {
			t.Errorf("partners[%q].ID = %q", k, p.ID)
		}
	}
	if len(c.Regions) != 4 || len(c.Lines) != 4 || len(c.Partners) != 2 || len(c.Resources) != 3 {
		t.Errorf("fixture parsed to %d regions, %d lines, %d partners, %d resources; want 4, 4, 2, 3",
			len(c.Regions), len(c.Lines), len(c.Partners), len(c.Resources))
	}
}

// TestMessageNumbersAcrossPunctuation: numbers separated by a full stop and a space are two
// numbers, not one, so a sentence ending in an emergency number followed by "24/7" is accepted,
// while a foreign number right next to a known one is still caught.
func TestMessageNumbersAcrossPunctuation(t *testing.T) {
	for _, tc := range []struct {
		message string
		bad     string
	}{
		{"If it is an emergency, call 911. 24/7 support is free.", ""},
		{"Call 911 or 988. Text 686868.", ""},
		{"Call 911. Or call 1-833-456-4566.", "1-833-456-4566"},
	} {
		c := parseFixture(t)
		c.Regions["CA"].Message = snippets.Text{"en": tc.message}
		r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
		got := problems(r.Errors)
		if tc.bad == "" && got != "" {
			t.Errorf("%q: unexpected errors %s", tc.message, got)
		}
		if tc.bad != "" && !strings.Contains(got, tc.bad) {
			t.Errorf("%q: want an error naming %s, got %s", tc.message, tc.bad, got)
		}
	}
}
