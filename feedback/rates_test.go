package feedback_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/internal/fault"
)

func TestWilson(t *testing.T) {
	// Reference values of the Wilson score interval at 95% (z = 1.95996...), as published
	// tables and statsmodels' proportion_confint(method="wilson") give them.
	for _, tc := range []struct {
		yes, n int
		lo, hi float64
	}{
		{8, 10, 0.490162, 0.943318},
		{0, 10, 0, 0.277533},
		{10, 10, 0.722467, 1},
		{50, 100, 0.403832, 0.596168},
		{1, 12, 0.014865, 0.353880},
		{7, 11, 0.353801, 0.848335},
	} {
		lo, hi := feedback.Wilson(tc.yes, tc.n)
		if math.Abs(lo-tc.lo) > 1e-6 || math.Abs(hi-tc.hi) > 1e-6 {
			t.Errorf("Wilson(%d, %d) = [%.6f, %.6f], want [%.6f, %.6f]", tc.yes, tc.n, lo, hi, tc.lo, tc.hi)
		}
		if lo < 0 || hi > 1 || lo > float64(tc.yes)/float64(tc.n) || hi < float64(tc.yes)/float64(tc.n) {
			t.Errorf("Wilson(%d, %d) = [%f, %f] does not hold the rate within [0, 1]", tc.yes, tc.n, lo, hi)
		}
	}
	if lo, hi := feedback.Wilson(0, 0); lo != 0 || hi != 1 {
		t.Errorf("Wilson(0, 0) = [%f, %f], want [0, 1]", lo, hi)
	}
}

func TestPeriods(t *testing.T) {
	for _, tc := range []struct {
		at    string
		p     feedback.Period
		start string
		label string
		next  string
	}{
		{"2026-11-20T23:59:59Z", feedback.Day, "2026-11-20", "2026-11-20", "2026-11-21"},
		{"2026-11-20T23:30:00-05:00", feedback.Day, "2026-11-21", "2026-11-21", "2026-11-22"}, // UTC day
		{"2026-11-16T00:00:00Z", feedback.Week, "2026-11-16", "2026-W47", "2026-11-23"},       // a Monday
		{"2026-11-22T23:59:59Z", feedback.Week, "2026-11-16", "2026-W47", "2026-11-23"},       // its Sunday
		{"2026-11-23T00:00:00Z", feedback.Week, "2026-11-23", "2026-W48", "2026-11-30"},
		{"2025-01-01T12:00:00Z", feedback.Week, "2024-12-30", "2025-W01", "2025-01-06"}, // ISO year
		{"2027-01-03T12:00:00Z", feedback.Week, "2026-12-28", "2026-W53", "2027-01-04"},
	} {
		at, err := time.Parse(time.RFC3339, tc.at)
		if err != nil {
			t.Fatal(err)
		}
		start := tc.p.Start(at)
		if got := start.Format(time.DateOnly); got != tc.start || start.Location() != time.UTC || start.Hour() != 0 {
			t.Errorf("%s %s: start %v, want %s", tc.p, tc.at, start, tc.start)
		}
		if got := tc.p.Label(start); got != tc.label {
			t.Errorf("%s %s: label %s, want %s", tc.p, tc.at, got, tc.label)
		}
		if got := tc.p.Next(start).Format(time.DateOnly); got != tc.next {
			t.Errorf("%s %s: next %s, want %s", tc.p, tc.at, got, tc.next)
		}
	}
	if feedback.Period("month").Valid() || !feedback.Day.Valid() || !feedback.Week.Valid() {
		t.Error("Valid")
	}
}

func TestFilterMatch(t *testing.T) {
	yes, no := true, false
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	r := &feedback.Record{ID: "R1", ReceivedAt: at, Partner: "demo", Page: "/a", Found: &yes, Helpful: nil, Comment: "hi", Crisis: true}
	reviewed := func(id string) bool { return id == "R1" }
	for _, tc := range []struct {
		name string
		f    feedback.Filter
		want bool
	}{
		{"empty", feedback.Filter{}, true},
		{"partner", feedback.Filter{Partner: "demo"}, true},
		{"other partner", feedback.Filter{Partner: "mhcc"}, false},
		{"page", feedback.Filter{Page: "/a"}, true},
		{"other page", feedback.Filter{Page: "/a/"}, false},
		{"since equal", feedback.Filter{Since: at}, true},
		{"since after", feedback.Filter{Since: at.Add(time.Nanosecond)}, false},
		{"until equal", feedback.Filter{Until: at}, false},
		{"until after", feedback.Filter{Until: at.Add(time.Nanosecond)}, true},
		{"found yes", feedback.Filter{Found: &yes}, true},
		{"found no", feedback.Filter{Found: &no}, false},
		{"helpful yes (unanswered)", feedback.Filter{Helpful: &yes}, false},
		{"helpful no (unanswered)", feedback.Filter{Helpful: &no}, false},
		{"crisis yes", feedback.Filter{Crisis: &yes}, true},
		{"crisis no", feedback.Filter{Crisis: &no}, false},
		{"comment yes", feedback.Filter{Comment: &yes}, true},
		{"comment no", feedback.Filter{Comment: &no}, false},
		{"reviewed yes", feedback.Filter{Reviewed: &yes, IsReviewed: reviewed}, true},
		{"reviewed no", feedback.Filter{Reviewed: &no, IsReviewed: reviewed}, false},
		{"reviewed yes without reviews", feedback.Filter{Reviewed: &yes}, false},
		{"reviewed no without reviews", feedback.Filter{Reviewed: &no}, true},
	} {
		if got := tc.f.Match(r); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestComputeRates counts a small set in a real log store: per partner and page, an all-pages
// series first, empty buckets inside the span, suppression below MinAnswers.
func TestComputeRates(t *testing.T) {
	st, err := logstore.Open(t.TempDir(), logstore.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ids := feedback.NewIDs()
	yes, no := true, false
	day1 := time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC)
	add := func(at time.Time, page string, found *bool) {
		r := &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: "demo", Page: page, Found: found, IPHash: ids.New(at)}
		if _, _, err := st.Add(context.Background(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 10 {
		b := &yes
		if i >= 7 {
			b = &no
		}
		add(day1.Add(time.Duration(i)*time.Minute), "/a", b)
	}
	add(day1.AddDate(0, 0, 2), "/b", &yes)
	add(day1.AddDate(0, 0, 2).Add(time.Minute), "/b", nil)

	rates, err := feedback.ComputeRates(context.Background(), st, feedback.Filter{}, feedback.Day)
	if err != nil {
		t.Fatal(err)
	}
	if rates.From != "2026-11-13" || rates.To != "2026-11-15" || rates.MinAnswers != 10 || len(rates.Series) != 3 {
		t.Fatalf("rates %+v", rates)
	}
	for i, want := range [][2]string{{"demo", "*"}, {"demo", "/a"}, {"demo", "/b"}} {
		if s := rates.Series[i]; s.Partner != want[0] || s.Page != want[1] || len(s.Rows) != 3 {
			t.Errorf("series %d: %s %s with %d rows, want %v and 3", i, s.Partner, s.Page, len(s.Rows), want)
		}
	}
	all := rates.Series[0]
	if all.N != 12 || all.Rows[0].N != 10 || all.Rows[1].N != 0 || all.Rows[2].N != 2 || all.Rows[1].Bucket != "2026-11-14" {
		t.Errorf("all pages: %+v", all)
	}
	f := all.Rows[0].Found
	if f.Yes != 7 || f.N != 10 || f.Suppressed || f.Rate == nil || *f.Rate != 0.7 || f.Lo == nil || f.Hi == nil {
		t.Fatalf("found on day 1: %+v", f)
	}
	if lo, hi := feedback.Wilson(7, 10); *f.Lo != lo || *f.Hi != hi {
		t.Errorf("interval [%f, %f]", *f.Lo, *f.Hi)
	}
	if h := all.Rows[0].Helpful; h.N != 0 || !h.Suppressed || h.Rate != nil {
		t.Errorf("helpful unanswered: %+v", h)
	}
	if r := all.Rows[2].Found; r.Yes != 1 || r.N != 1 || !r.Suppressed || r.Rate != nil || r.Lo != nil || r.Hi != nil {
		t.Errorf("one answer: %+v", r)
	}

	// The filter's dates make the span, even where nothing was received.
	from := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	rates, err = feedback.ComputeRates(context.Background(), st, feedback.Filter{Since: from, Until: from.AddDate(0, 0, 13)}, feedback.Week)
	if err != nil {
		t.Fatal(err)
	}
	if rates.From != "2026-W46" || rates.To != "2026-W47" || len(rates.Series[0].Rows) != 2 || rates.Series[0].Rows[0].N != 12 {
		t.Errorf("weeks: %+v", rates)
	}
	// Nothing matches, no dates: no series, no span.
	rates, err = feedback.ComputeRates(context.Background(), st, feedback.Filter{Partner: "nobody"}, feedback.Day)
	if err != nil || len(rates.Series) != 0 || rates.From != "" || rates.Series == nil {
		t.Errorf("empty: %+v %v", rates, err)
	}
	// A span of centuries is refused, not drawn.
	_, err = feedback.ComputeRates(context.Background(), st, feedback.Filter{Since: time.Date(2, 1, 1, 0, 0, 0, 0, time.UTC), Until: from}, feedback.Day)
	var span *feedback.SpanError
	if !errors.As(err, &span) || span.Buckets < 700000 {
		t.Errorf("wide span: %v", err)
	}
	if _, err := feedback.ComputeRates(context.Background(), st, feedback.Filter{Since: from, Until: from.AddDate(0, 0, feedback.MaxBuckets)}, feedback.Day); err != nil {
		t.Errorf("%d days: %v", feedback.MaxBuckets, err)
	}
	if _, err := feedback.ComputeRates(context.Background(), st, feedback.Filter{Since: from, Until: from.AddDate(0, 0, feedback.MaxBuckets+1)}, feedback.Day); !errors.As(err, &span) {
		t.Errorf("%d days: %v", feedback.MaxBuckets+1, err)
	}
}

// ratesStore is a log store holding recs.
func ratesStore(t *testing.T, recs []*feedback.Record) feedback.Store {
	t.Helper()
	st, err := logstore.Open(t.TempDir(), logstore.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, r := range recs {
		if _, dup, err := st.Add(context.Background(), r, nil); err != nil || dup {
			t.Fatalf("add: %v %v", dup, err)
		}
	}
	return st
}

// ratesRecords builds records: n per (partner, page, day), found yes on every other one.
type ratesGroup struct {
	partner, page string
	day           time.Time
	n             int
}

func ratesRecords(groups []ratesGroup) []*feedback.Record {
	ids := feedback.NewIDs()
	yes, no := true, false
	var recs []*feedback.Record
	for g, gr := range groups {
		for i := range gr.n {
			at := gr.day.Add(time.Duration(i) * time.Second)
			found := &yes
			if i%2 == 1 {
				found = &no
			}
			recs = append(recs, &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: gr.partner, Page: gr.page, Found: found,
				IPHash: fmt.Sprintf("%d-%d", g, i)})
		}
	}
	return recs
}

// TestComputeRatesFoldsPages: 100 distinct pages of one partner give its all-pages series, its
// 20 busiest pages (ties by path) and one "other pages" series adding up exactly the other 80;
// another partner's few pages are untouched.
func TestComputeRatesFoldsPages(t *testing.T) {
	d1 := time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC)
	d2 := d1.AddDate(0, 0, 1)
	var groups []ratesGroup
	count := map[string]int{}
	for i := range 100 {
		page := fmt.Sprintf("/p%02d", 99-i) // stored busiest-last, so that store order decides nothing
		n := 1
		switch {
		case page == "/p97":
			n = 5
		case (99-i)%4 == 0:
			n = 3 // 25 pages tie at 3: the 19 with the smallest paths are kept beside /p97
		}
		groups = append(groups, ratesGroup{"demo", page, d1, n}, ratesGroup{"demo", page, d2, 1})
		count[page] = n + 1
	}
	groups = append(groups, ratesGroup{"mhcc", "/a", d1, 2}, ratesGroup{"mhcc", "/b", d2, 1})
	st := ratesStore(t, ratesRecords(groups))

	rates, err := feedback.ComputeRates(context.Background(), st, feedback.Filter{}, feedback.Day)
	if err != nil {
		t.Fatal(err)
	}
	var demo []feedback.Series
	for _, s := range rates.Series {
		if s.Partner == "demo" {
			demo = append(demo, s)
		}
	}
	wantKept := []string{"/p97"}
	for i := 0; len(wantKept) < feedback.MaxPages; i += 4 {
		wantKept = append(wantKept, fmt.Sprintf("/p%02d", i))
	}
	slices.Sort(wantKept)
	var pages []string
	for _, s := range demo {
		pages = append(pages, s.Page)
	}
	want := append(append([]string{feedback.AllPages}, wantKept...), feedback.OtherPages)
	if !slices.Equal(pages, want) || len(demo) != 22 {
		t.Fatalf("demo's series %v, want %v", pages, want)
	}
	if wantKept[len(wantKept)-1] != "/p97" || !slices.Contains(wantKept, "/p72") || slices.Contains(wantKept, "/p76") {
		t.Fatalf("test's own expectation is off: %v", wantKept)
	}
	// The fold: every count of every row is the sum over the folded pages.
	other, all := demo[21], demo[0]
	folded, sumN := 0, 0
	for page, n := range count {
		if !slices.Contains(wantKept, page) {
			folded++
			sumN += n
		}
	}
	if other.Pages != 80 || folded != 80 || other.N != sumN {
		t.Errorf("other pages: %d pages, %d records; want 80 and %d", other.Pages, other.N, sumN)
	}
	for b := range 2 {
		var n, yes, answers int
		for _, s := range demo[1:21] {
			n += s.Rows[b].N
			yes += s.Rows[b].Found.Yes
			answers += s.Rows[b].Found.N
		}
		o := other.Rows[b]
		if o.N+n != all.Rows[b].N || o.Found.Yes+yes != all.Rows[b].Found.Yes || o.Found.N+answers != all.Rows[b].Found.N {
			t.Errorf("day %d: other %+v plus the kept pages (%d, %d of %d) is not all pages %+v", b, o, n, yes, answers, all.Rows[b])
		}
	}
	if other.Rows[1].N != 80 || other.Rows[1].Found.Yes != 80 || other.Rows[1].Found.Rate == nil || *other.Rows[1].Found.Rate != 1 {
		t.Errorf("other pages on day 2 (one yes per page): %+v", other.Rows[1])
	}
	if all.N != 154+100 || all.N != sumN+func() int {
		n := 0
		for _, s := range demo[1:21] {
			n += s.N
		}
		return n
	}() {
		t.Errorf("all pages: %d records", all.N)
	}
	// mhcc's two pages keep their own series, with no fold.
	var mhcc []string
	for _, s := range rates.Series {
		if s.Partner == "mhcc" {
			mhcc = append(mhcc, fmt.Sprintf("%s %d", s.Page, s.N))
		}
	}
	if !slices.Equal(mhcc, []string{"* 3", "/a 2", "/b 1"}) {
		t.Errorf("mhcc %v", mhcc)
	}
	// The page filter selects one page: it is then its partner's only page.
	rates, err = feedback.ComputeRates(context.Background(), st, feedback.Filter{Page: "/p50"}, feedback.Day)
	if err != nil || len(rates.Series) != 2 || rates.Series[1].Page != "/p50" || rates.Series[1].N != 2 {
		t.Errorf("page=/p50: %+v %v", rates, err)
	}
}

// TestComputeRatesLegacyPages: records whose page is not a path (legacy data, written before
// pages were checked) keep their partner's all-pages series first, and the reserved names
// "*" and "~other" fold rather than pose as (or double) the computed series.
func TestComputeRatesLegacyPages(t *testing.T) {
	d := time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC)
	st := ratesStore(t, ratesRecords([]ratesGroup{
		{"demo", "", d, 1}, {"demo", "x", d, 2}, {"demo", "/a", d, 3}, {"demo", "*", d, 4}, {"demo", "~other", d, 5},
	}))
	rates, err := feedback.ComputeRates(context.Background(), st, feedback.Filter{}, feedback.Day)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range rates.Series {
		got = append(got, fmt.Sprintf("%s %q %d/%d", s.Partner, s.Page, s.N, s.Pages))
	}
	if want := []string{`demo "*" 15/0`, `demo "" 1/0`, `demo "/a" 3/0`, `demo "x" 2/0`, `demo "~other" 9/2`}; !slices.Equal(got, want) {
		t.Errorf("series %v, want %v", got, want)
	}
}

// TestComputeRatesClipsSpan: with no start asked for, records older than MaxBuckets buckets
// before the end are left out (Clipped) instead of the whole answer being refused; a start
// asked for is still refused when too early.
func TestComputeRatesClipsSpan(t *testing.T) {
	last := time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC)
	firstShown := last.AddDate(0, 0, -(feedback.MaxBuckets - 1))
	st := ratesStore(t, ratesRecords([]ratesGroup{
		{"demo", "/a", last.AddDate(-3, 0, 0), 4},       // three years back: left out
		{"demo", "/a", firstShown.AddDate(0, 0, -1), 1}, // the day before the span
		{"demo", "/a", firstShown, 2},
		{"demo", "/b", last, 3},
	}))
	ctx := context.Background()
	for _, f := range []feedback.Filter{{}, {Until: last.AddDate(0, 0, 1).Truncate(24 * time.Hour)}} {
		rates, err := feedback.ComputeRates(ctx, st, f, feedback.Day)
		if err != nil {
			t.Fatalf("%+v: %v", f, err)
		}
		s := rates.Series
		if !rates.Clipped || rates.From != firstShown.Format(time.DateOnly) || rates.To != "2026-11-13" || len(s) != 3 ||
			len(s[0].Rows) != feedback.MaxBuckets || s[0].N != 5 || s[1].N != 2 || s[2].N != 3 || s[0].Rows[0].N != 2 {
			t.Errorf("%+v: clipped %v %s..%s, %d series: %d %d %d, %d rows, first %d", f, rates.Clipped, rates.From, rates.To, len(s), s[0].N, s[1].N, s[2].N, len(s[0].Rows), s[0].Rows[0].N)
		}
	}
	// By week, the same data fits: nothing is clipped.
	rates, err := feedback.ComputeRates(ctx, st, feedback.Filter{}, feedback.Week)
	if err != nil || rates.Clipped || rates.Series[0].N != 10 {
		t.Errorf("weeks: %v %+v", err, rates)
	}
	// Asked for, an early start is refused.
	var span *feedback.SpanError
	if _, err := feedback.ComputeRates(ctx, st, feedback.Filter{Since: last.AddDate(-3, 0, 0)}, feedback.Day); !errors.As(err, &span) {
		t.Errorf("since 3 years back: %v", err)
	}
	// Weeks clip too, at MaxBuckets weeks.
	old := ratesStore(t, ratesRecords([]ratesGroup{{"demo", "/a", last.AddDate(-20, 0, 0), 1}, {"demo", "/a", last, 1}}))
	rates, err = feedback.ComputeRates(ctx, old, feedback.Filter{}, feedback.Week)
	if err != nil || !rates.Clipped || len(rates.Series[0].Rows) != feedback.MaxBuckets || rates.Series[0].N != 1 || rates.To != "2026-W46" {
		t.Errorf("20 years by week: %v %+v", err, rates)
	}
}

// TestComputeRatesCellBudget: more than MaxCells rows (series × buckets) are refused, by day;
// the same selection by week fits.
func TestComputeRatesCellBudget(t *testing.T) {
	d := time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC)
	var groups []ratesGroup
	for i := range 25 {
		groups = append(groups, ratesGroup{"demo", fmt.Sprintf("/p%d", i), d, 1})
	}
	for i := range 5 {
		groups = append(groups, ratesGroup{"mhcc", fmt.Sprintf("/q%d", i), d, 1})
	}
	st := ratesStore(t, ratesRecords(groups))
	// 731 days: demo's 22 series alone fit (16,082 rows); with mhcc's 6 they do not (20,468).
	f := feedback.Filter{Since: d.AddDate(0, 0, -730).Truncate(24 * time.Hour), Until: d.AddDate(0, 0, 1).Truncate(24 * time.Hour)}
	ctx := context.Background()
	var size *feedback.SizeError
	_, err := feedback.ComputeRates(ctx, st, f, feedback.Day)
	// A 400 naming bucket, whose message (the catalogue's, server/answer) says to use bucket=week.
	if f := fault.As(err); !errors.As(err, &size) || size.Series != 28 || size.Buckets != 731 || f == nil ||
		f.Kind != fault.Invalid || f.Field != "bucket" || f.ID != "invalid_parameter.size_days" {
		t.Errorf("two partners by day: %v", err)
	}
	f.Partner = "demo"
	if rates, err := feedback.ComputeRates(ctx, st, f, feedback.Day); err != nil || len(rates.Series) != 22 {
		t.Errorf("one partner by day: %v", err)
	}
	f.Partner = ""
	if rates, err := feedback.ComputeRates(ctx, st, f, feedback.Week); err != nil || len(rates.Series) != 28 {
		t.Errorf("two partners by week: %v", err)
	}
}
