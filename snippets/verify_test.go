package snippets_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/linediff"
	"github.com/signpost/edge/snippets"
)

// TestShippedVerificationRecord: every shipped line says how it was checked and by whom, and
// none is due at the time the shipped content is judged.
func TestShippedVerificationRecord(t *testing.T) {
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: shippedNow})
	if err != nil {
		t.Fatal(err)
	}
	for id, line := range l.Lines {
		if line.VerifiedHow == "" || line.VerifiedBy == "" || !strings.Contains(line.VerifiedBy, "shared/reference/") {
			t.Errorf("%s: verified_how %q, verified_by %q", id, line.VerifiedHow, line.VerifiedBy)
		}
	}
	if q := snippets.RecheckQueue(l.Content, snippets.ValidateOptions{Now: shippedNow}); len(q) != 0 {
		t.Errorf("shipped lines due: %+v", q)
	}
}

// TestRecheckQueue: lapsed, overdue and due-soon lines, soonest due first, with their record;
// lines not due are left out.
func TestRecheckQueue(t *testing.T) {
	c := parseFixture(t)                                                                                 // every line verified on 2026-11-01; fixedNow is 2026-11-22
	c.Lines["ca-988"].VerifiedOn = "2025-12-10"                                                          // due 2026-12-10: in 18 days
	c.Lines["gb-samaritans"].VerifiedOn, c.Lines["gb-samaritans"].NextCheck = "2026-01-01", "2026-11-01" // overdue
	c.Lines["qc-appelle"].VerifiedOn = "2024-10-01"                                                      // lapsed
	c.Lines["gb-samaritans"].VerifiedHow, c.Lines["gb-samaritans"].VerifiedBy = "official_page", "alice"
	q := snippets.RecheckQueue(c, snippets.ValidateOptions{Now: fixedNow})
	var got []string
	for _, r := range q {
		got = append(got, r.ID+" "+r.State+" "+r.Due)
	}
	want := []string{"qc-appelle lapsed 2025-10-01", "gb-samaritans overdue 2026-11-01", "ca-988 due 2026-12-10"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("queue %q, want %q", got, want)
	}
	if q[1].Days != -21 || q[2].Days != 18 || q[1].VerifiedBy != "alice" || q[1].VerifiedHow != "official_page" || q[1].NextCheck != "2026-11-01" {
		t.Errorf("records %+v", q)
	}
	if q := snippets.RecheckQueue(c, snippets.ValidateOptions{Now: fixedNow, DueWithin: 24 * time.Hour}); len(q) != 2 {
		t.Errorf("with a one-day window: %+v", q)
	}
}

// TestRecordCheck: "checked today" sets the record and nothing else of the line: keys it lacks
// go after verified_on, quoted as it is; an earlier note goes; the result validates.
func TestRecordCheck(t *testing.T) {
	on := time.Date(2026, 12, 7, 23, 30, 0, 0, time.FixedZone("EST", -5*3600)) // 2026-12-08 in UTC
	out, err := snippets.RecordCheck(configs.Content, "ca-988", snippets.Check{How: "official_page", Source: "https://988.ca", By: "alice", On: on})
	if err != nil {
		t.Fatal(err)
	}
	var changes []string
	for _, r := range linediff.Diff(linediff.Lines(configs.Content), linediff.Lines(out)) {
		if r.Op != linediff.Same {
			changes = append(changes, string(r.Op)+":"+strings.TrimSpace(r.Left)+"|"+strings.TrimSpace(r.Right))
		}
	}
	want := []string{
		`change:source: "https://crtc.gc.ca/eng/archive/2025/2025-317.htm"|source: "https://988.ca"`,
		`change:verified_on: "2026-11-01"|verified_on: "2026-12-08"`,
		`change:verified_how: other|verified_how: official_page`,
		`change:verified_note: "The regulator's decision (CRTC 2025-317)"|verified_by: "alice"`,
		`change:verified_by: "Signpost research, shared/reference/crisis-lines.md"|next_check: "2027-12-08"`,
	}
	if strings.Join(changes, "\n") != strings.Join(want, "\n") {
		t.Errorf("changes:\n%s\nwant:\n%s", strings.Join(changes, "\n"), strings.Join(want, "\n"))
	}
	l, err := snippets.Load(out, snippets.ValidateOptions{Now: on})
	if err != nil {
		t.Fatalf("the recorded check does not load: %v\n%q", err, changes)
	}
	got := l.Lines["ca-988"]
	if got.VerifiedOn != "2026-12-08" || got.VerifiedHow != "official_page" || got.VerifiedNote != "" || got.VerifiedBy != "alice" ||
		got.NextCheck != "2027-12-08" || got.Source != "https://988.ca" || got.Call != "988" {
		t.Errorf("line after the check: %+v\n%q", got, changes)
	}

	// A line without the record's keys gets them after verified_on; no source keeps the line's.
	bare := strings.Replace(string(configs.Content), "    verified_how: official_page\n    verified_by: \"Signpost research, shared/reference/crisis-lines.md\"\n  us-veterans-crisis-line:", "  us-veterans-crisis-line:", 1)
	if bare == string(configs.Content) {
		t.Fatal("the shipped us-988 changed shape: update this test")
	}
	out, err = snippets.RecordCheck([]byte(bare), "us-988", snippets.Check{How: "other", Note: "Phoned the service", By: "bob", On: on})
	if err != nil {
		t.Fatal(err)
	}
	if want := "    source: \"https://988lifeline.org/get-help/what-to-expect\"\n    verified_on: \"2026-12-08\"\n    verified_how: \"other\"\n" +
		"    verified_note: \"Phoned the service\"\n    verified_by: \"bob\"\n    next_check: \"2027-12-08\"\n  us-veterans-crisis-line:"; !strings.Contains(string(out), want) {
		t.Errorf("a bare line's record:\n%s", out)
	}
	if _, err := snippets.RecordCheck(configs.Content, "nope", snippets.Check{How: "other", On: on}); !errors.Is(err, snippets.ErrNoSuch) {
		t.Errorf("an unknown line: %v", err)
	}
}
