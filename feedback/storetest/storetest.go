// Package storetest is the contract every feedback.Store keeps, run against the embedded store
// (feedback/logstore) and the Redis store (feedback/redisstore) alike: what a store acknowledges
// it returns, in order, filtered, deduplicated within the window, follow-ups kept apart and
// purged, reviews recorded once. A store's own tests add what only it does (a torn line, a
// spool).
package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
)

// Open makes an empty store whose clock is now(); the suite closes it.
type Open func(t *testing.T, now func() time.Time) feedback.Store

var base = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

func yes() *bool { b := true; return &b }
func no() *bool  { b := false; return &b }

// Run runs the contract against stores open makes.
func Run(t *testing.T, open Open) {
	t.Run("acknowledged records come back, oldest first, filtered", func(t *testing.T) { records(t, open) })
	t.Run("a repeat within the window is stored once", func(t *testing.T) { dedupe(t, open) })
	t.Run("follow-ups are kept apart and purged", func(t *testing.T) { followups(t, open) })
	t.Run("a review is recorded once, by its first reviewer", func(t *testing.T) { reviews(t, open) })
	t.Run("line reports are kept apart from feedback", func(t *testing.T) { lineReports(t, open) })
}

// lineReports: a line report (a record of kind feedback.KindLineReport) comes back with its
// fields, only to a filter of its kind; it is no repeat of feedback with the same comment, nor
// of a report of another line, and a repeat of itself within the window is stored once.
func lineReports(t *testing.T, open Open) {
	now := base
	st := open(t, func() time.Time { return now })
	gen := feedback.NewIDs()
	fb := &feedback.Record{ID: gen.New(now), ReceivedAt: now, Partner: "demo", Page: "/x", Locale: "en", Found: yes(), IPHash: "h1"}
	add(t, st, fb, nil)
	report := func(line, reason string, at time.Time) *feedback.Record {
		return &feedback.Record{ID: gen.New(at), ReceivedAt: at, Partner: "demo", Page: "/x", Locale: "en", IPHash: "h1",
			Kind: feedback.KindLineReport, Line: line, Reason: reason, Region: "CA-QC"}
	}
	r1 := report("ca-988", feedback.ReasonNotWorking, now.Add(time.Second))
	if id, dup := add(t, st, r1, nil); dup || id != r1.ID {
		t.Fatalf("a report after feedback with the same comment: id %s dup %v", id, dup)
	}
	if id, dup := add(t, st, report("ca-988", feedback.ReasonNotWorking, now.Add(time.Minute)), nil); !dup || id != r1.ID {
		t.Errorf("a repeated report: id %s dup %v, want %s", id, dup, r1.ID)
	}
	r2 := report("qc-appelle", feedback.ReasonNotWorking, now.Add(2*time.Minute))
	if _, dup := add(t, st, r2, nil); dup {
		t.Error("a report of another line was taken for a repeat")
	}
	if got := ids(all(t, st, feedback.Filter{})); !slices.Equal(got, []string{fb.ID}) {
		t.Errorf("feedback read %v, want only %s", got, fb.ID)
	}
	got := all(t, st, feedback.Filter{Kind: feedback.KindLineReport})
	if !slices.Equal(ids(got), []string{r1.ID, r2.ID}) {
		t.Fatalf("reports %v, want %s %s", ids(got), r1.ID, r2.ID)
	}
	if g := got[0]; g.Line != "ca-988" || g.Reason != feedback.ReasonNotWorking || g.Region != "CA-QC" || g.Kind != feedback.KindLineReport {
		t.Errorf("report read back: %+v", g)
	}
}

func add(t *testing.T, st feedback.Store, r *feedback.Record, fu *feedback.Followup) (string, bool) {
	t.Helper()
	id, dup, err := st.Add(context.Background(), r, fu)
	if err != nil {
		t.Fatalf("Add %s: %v", r.ID, err)
	}
	return id, dup
}

func all(t *testing.T, st feedback.Store, f feedback.Filter) []*feedback.Record {
	t.Helper()
	var out []*feedback.Record
	if err := st.Records(context.Background(), f, func(r *feedback.Record) error { out = append(out, r); return nil }); err != nil {
		t.Fatalf("Records: %v", err)
	}
	return out
}

func ids(rs []*feedback.Record) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	return out
}

func records(t *testing.T, open Open) {
	now := base
	st := open(t, func() time.Time { return now })
	gen := feedback.NewIDs()
	var want []*feedback.Record
	for i, p := range []struct {
		partner, page, comment string
		found                  *bool
		crisis                 bool
	}{
		{"demo", "/a", "useful", yes(), false},
		{"mhcc", "/b", "", no(), false},
		{"demo", "/c", "I want to die", nil, true},
		{"demo", "/a", "", yes(), false},
	} {
		at := base.Add(time.Duration(i) * time.Hour)
		r := &feedback.Record{ID: gen.New(at), ReceivedAt: at, Partner: p.partner, Page: p.page, Locale: "en",
			Found: p.found, Comment: p.comment, Crisis: p.crisis, IPHash: "h" + string(rune('a'+i))}
		if id, dup := add(t, st, r, nil); dup || id != r.ID {
			t.Fatalf("Add %d: id %s dup %v", i, id, dup)
		}
		want = append(want, r)
	}
	got := all(t, st, feedback.Filter{})
	if !slices.Equal(ids(got), ids(want)) {
		t.Fatalf("records %v, want %v in order", ids(got), ids(want))
	}
	if g := got[2]; g.Partner != "demo" || g.Page != "/c" || !g.Crisis || g.Comment != "I want to die" || g.IPHash != "hc" || !g.ReceivedAt.Equal(want[2].ReceivedAt) {
		t.Errorf("record read back: %+v", g)
	}
	for name, tc := range map[string]struct {
		f    feedback.Filter
		want []string
	}{
		"partner":    {feedback.Filter{Partner: "mhcc"}, ids(want[1:2])},
		"since":      {feedback.Filter{Since: base.Add(2 * time.Hour)}, ids(want[2:])},
		"until":      {feedback.Filter{Until: base.Add(time.Hour)}, ids(want[:1])},
		"found yes":  {feedback.Filter{Found: yes()}, []string{want[0].ID, want[3].ID}},
		"crisis":     {feedback.Filter{Crisis: yes()}, ids(want[2:3])},
		"page":       {feedback.Filter{Page: "/a"}, []string{want[0].ID, want[3].ID}},
		"no records": {feedback.Filter{Partner: "nobody"}, nil},
	} {
		if got := ids(all(t, st, tc.f)); !slices.Equal(got, tc.want) {
			t.Errorf("filter %s: %v, want %v", name, got, tc.want)
		}
	}
	// fn's error stops the scan and comes back.
	stop := errors.New("stop")
	n := 0
	if err := st.Records(context.Background(), feedback.Filter{}, func(*feedback.Record) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
		t.Errorf("Records with a failing fn: %v after %d", err, n)
	}
}

func dedupe(t *testing.T, open Open) {
	now := base
	st := open(t, func() time.Time { return now })
	gen := feedback.NewIDs()
	first := &feedback.Record{ID: gen.New(now), ReceivedAt: now, Partner: "demo", Page: "/x", Locale: "en", Found: yes(), Comment: "same", IPHash: "h1"}
	add(t, st, first, nil)
	again := *first
	again.ID, again.ReceivedAt = gen.New(now.Add(time.Minute)), now.Add(time.Minute)
	if id, dup := add(t, st, &again, nil); !dup || id != first.ID {
		t.Errorf("a repeat a minute later: id %s dup %v, want the first's id and dup", id, dup)
	}
	other := again
	other.ID, other.IPHash = gen.New(now.Add(2*time.Minute)), "h2"
	if _, dup := add(t, st, &other, nil); dup {
		t.Error("another client's same comment was taken for a repeat")
	}
	if n := len(all(t, st, feedback.Filter{})); n != 2 {
		t.Errorf("%d records, want 2", n)
	}
}

func followups(t *testing.T, open Open) {
	now := base
	st := open(t, func() time.Time { return now })
	gen := feedback.NewIDs()
	var fus []string
	for i, at := range []time.Time{base, base.Add(48 * time.Hour), base.Add(96 * time.Hour)} {
		r := &feedback.Record{ID: gen.New(at), ReceivedAt: at, Partner: "demo", Page: "/f", Locale: "fr", Found: yes(), Followup: true, IPHash: "f" + string(rune('a'+i))}
		add(t, st, r, &feedback.Followup{ID: r.ID, ReceivedAt: at, Partner: "demo", Email: "v" + string(rune('a'+i)) + "@example.org"})
		fus = append(fus, r.ID)
	}
	for _, r := range all(t, st, feedback.Filter{}) {
		if !r.Followup {
			t.Errorf("record %s lost its follow-up flag", r.ID)
		}
	}
	read := func(since time.Time) []string {
		var out []string
		if err := st.Followups(context.Background(), since, func(f *feedback.Followup) error { out = append(out, f.ID+" "+f.Email); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	if got := read(base.Add(24 * time.Hour)); len(got) != 2 || got[0] != fus[1]+" vb@example.org" {
		t.Errorf("follow-ups since a day in: %v", got)
	}
	n, err := st.PurgeFollowups(context.Background(), base.Add(72*time.Hour))
	if err != nil || n != 2 {
		t.Errorf("purge: %d, %v, want 2", n, err)
	}
	if got := read(time.Time{}); len(got) != 1 || got[0] != fus[2]+" vc@example.org" {
		t.Errorf("follow-ups after the purge: %v", got)
	}
	if len(all(t, st, feedback.Filter{})) != 3 {
		t.Error("purging follow-ups touched the records")
	}
}

func reviews(t *testing.T, open Open) {
	now := base
	st := open(t, func() time.Time { return now })
	rv, ok := st.(feedback.Reviewer)
	if !ok {
		t.Fatalf("%T does not record reviews", st)
	}
	gen := feedback.NewIDs()
	r := &feedback.Record{ID: gen.New(now), ReceivedAt: now, Partner: "demo", Page: "/r", Locale: "en", Found: no(), Comment: "hard to find", IPHash: "r1"}
	add(t, st, r, nil)
	first, isFirst, err := rv.MarkReviewed(context.Background(), r.ID, "rita", now.Add(time.Minute))
	if err != nil || !isFirst {
		t.Fatalf("first review: %v first %v", err, isFirst)
	}
	second, isFirst, err := rv.MarkReviewed(context.Background(), r.ID, "ben", now.Add(2*time.Minute))
	if err != nil || isFirst {
		t.Fatalf("second review: %v first %v", err, isFirst)
	}
	if first.ReviewedBy != "rita" || second.ReviewedBy != "rita" || !second.ReviewedAt.Equal(first.ReviewedAt) {
		t.Errorf("reviews: first %+v, second %+v, want the first kept", first, second)
	}
	all, err := rv.Reviews(context.Background())
	if err != nil || len(all) != 1 || all[r.ID].ReviewedBy != "rita" {
		t.Errorf("Reviews: %v %v", all, err)
	}
	if _, _, err := rv.MarkReviewed(context.Background(), "01JDZZZZZZZZZZZZZZZZZZZZZZ", "rita", now); !errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("review of an unknown record: %v, want ErrNotFound", err)
	}
}
