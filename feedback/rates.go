package feedback

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/signpost/edge/internal/fault"
)

// MinAnswers is the fewest answers to a question for which a bucket's yes rate is given: below
// it the Wilson interval is so wide (8 of 9 yes is 57–98 %) that a rate would mislead more than
// it tells.
const MinAnswers = 10

// WilsonZ is the normal quantile of a two-sided 95% interval.
const WilsonZ = 1.959963984540054

// Wilson returns the Wilson score interval at 95% for yes successes out of n: unlike the
// normal approximation it stays within [0, 1] and is not zero-width at 0 or n of n, which is
// what small daily samples of "yes"/"no" answers give. n = 0 gives [0, 1].
func Wilson(yes, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	z2 := WilsonZ * WilsonZ
	nf := float64(n)
	p := float64(yes) / nf
	den := 1 + z2/nf
	center := (p + z2/(2*nf)) / den
	half := WilsonZ * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf)) / den
	return max(0, center-half), min(1, center+half)
}

// Period is the width of a rates bucket.
type Period string

// The periods.
const (
	Day  Period = "day"  // a UTC date
	Week Period = "week" // an ISO 8601 week: Monday to Sunday, UTC
)

// Valid reports whether p is Day or Week.
func (p Period) Valid() bool { return p == Day || p == Week }

// Start returns the start (UTC midnight) of the bucket holding t.
func (p Period) Start(t time.Time) time.Time {
	t = t.UTC()
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	if p == Week {
		// Monday is day 0 of an ISO week; time.Weekday counts from Sunday.
		d = d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
	}
	return d
}

// Next returns the start of the bucket after the one starting at start.
func (p Period) Next(start time.Time) time.Time {
	if p == Week {
		return start.AddDate(0, 0, 7)
	}
	return start.AddDate(0, 0, 1)
}

// Label names the bucket starting at start: "2026-11-20", or the ISO week "2026-W47" (whose
// year is the ISO year: 2024-12-30 starts 2025-W01).
func (p Period) Label(start time.Time) string {
	if p == Week {
		y, w := start.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	}
	return start.Format(time.DateOnly)
}

// MaxBuckets bounds the buckets of one rates answer: two years of days. A wider span asked
// for is refused (SpanError) rather than rendered as tables of thousands of rows; with no start
// asked for, the span is cut to the latest MaxBuckets buckets.
const MaxBuckets = 731

// SpanError is returned by ComputeRates when the filter spans more than MaxBuckets buckets: a
// 400 invalid_parameter naming the start (a span too wide can only come from a start the
// caller gave: with none, ComputeRates shows the latest MaxBuckets buckets), a fault.Error to
// errors.As (Unwrap).
type SpanError struct {
	Buckets int
	Period  Period
	// Field is the parameter the start came by: "since" when empty (a caller whose start
	// came as from= says so).
	Field string
}

func (e *SpanError) Error() string { return e.Unwrap().Error() }

// Unwrap is the error as a fault: kind Invalid, its message id and arguments.
func (e *SpanError) Unwrap() error {
	field := e.Field
	if field == "" {
		field = "since"
	}
	if e.Period == Day {
		return fault.E(fault.Invalid, "invalid_parameter", field, "invalid_parameter.span_days", e.Buckets, MaxBuckets)
	}
	return fault.E(fault.Invalid, "invalid_parameter", field, "invalid_parameter.span_weeks", e.Buckets, MaxBuckets)
}

// Rate is the yes rate of one question in one bucket. Rate, Lo and Hi are nil (null in JSON)
// and Suppressed true when fewer than MinAnswers visitors answered.
type Rate struct {
	Yes int `json:"yes"`
	// N is how many answered the question, yes or no; visitors who skipped it are not counted.
	N          int      `json:"n"`
	Rate       *float64 `json:"rate"`
	Lo         *float64 `json:"lo"`
	Hi         *float64 `json:"hi"`
	Suppressed bool     `json:"suppressed"`
}

func (r *Rate) add(b *bool) {
	if b == nil {
		return
	}
	r.N++
	if *b {
		r.Yes++
	}
}

func (r *Rate) finish() {
	if r.N < MinAnswers {
		r.Suppressed = true
		return
	}
	p := float64(r.Yes) / float64(r.N)
	lo, hi := Wilson(r.Yes, r.N)
	r.Rate, r.Lo, r.Hi = &p, &lo, &hi
}

// RatesRow is one bucket of a series.
type RatesRow struct {
	// Bucket is the label (Period.Label); Start the UTC date the bucket starts on.
	Bucket  string `json:"bucket"`
	Start   string `json:"start"`
	N       int    `json:"n"` // records in the bucket
	Found   Rate   `json:"found"`
	Helpful Rate   `json:"helpful"`
}

// AllPages is the Page of a partner's series over all its pages. Stored pages always start with
// "/", so it names no real page.
const AllPages = "*"

// OtherPages is the Page of the series that folds together a partner's pages beyond its
// MaxPages busiest: like AllPages it cannot be a stored page, which starts with "/".
const OtherPages = "~other"

// MaxPages is how many pages of one partner get a series of their own. The page is whatever
// path a visitor's browser sent, so a spammer (or a site with a search page per query) can
// make thousands; without a bound the answer grows as pages × buckets (100 pages over two
// years of days was a 50 MB report that took over 10 s to draw).
const MaxPages = 20

// MaxCells bounds series × buckets, what the report draws a table row and a chart point for:
// a partner's 22 series (all pages, MaxPages, other pages) over two years of days fit, several
// such partners by day do not, and are refused (SizeError) rather than drawn.
const MaxCells = 20000

// SizeError is returned by ComputeRates when the answer would hold more than MaxCells rows: a
// 400 invalid_parameter naming what to change, bucket by day (week is 7 times smaller), the
// partner by week (one partner's series by week always fit); a fault.Error to errors.As
// (Unwrap).
type SizeError struct {
	Series, Buckets int
	Period          Period
}

func (e *SizeError) Error() string { return e.Unwrap().Error() }

// Unwrap is the error as a fault: kind Invalid, its message id and arguments.
func (e *SizeError) Unwrap() error {
	if e.Period == Day {
		return fault.E(fault.Invalid, "invalid_parameter", "bucket", "invalid_parameter.size_days", e.Series, e.Buckets, MaxCells)
	}
	return fault.E(fault.Invalid, "invalid_parameter", "partner", "invalid_parameter.size_weeks", e.Series, e.Buckets, MaxCells)
}

// Series is the rates of one partner and page (or AllPages, or OtherPages), one row per bucket
// of the span, empty buckets included so that charts and tables line up.
type Series struct {
	Partner string `json:"partner"`
	Page    string `json:"page"`
	N       int    `json:"n"`
	// Pages is, for OtherPages, how many pages it folds together.
	Pages int        `json:"pages,omitempty"`
	Rows  []RatesRow `json:"rows"`
}

// Rates is the answer of GET /v1/admin/feedback/rates.
type Rates struct {
	Period     Period `json:"bucket"`
	MinAnswers int    `json:"min_answers"`
	// From and To are the first and last bucket labels of the span ("" when nothing matched
	// and the filter gave no dates).
	From string `json:"from"`
	To   string `json:"to"`
	// Clipped is true when the filter gave no start and the records go back further than
	// MaxBuckets: the span is then the last MaxBuckets buckets, and older records are left out.
	Clipped bool     `json:"clipped"`
	Series  []Series `json:"series"`
}

// ComputeRates reads the records of st passing f and counts them per partner, page and bucket
// of p. The span runs from f.Since (else the first record, but at most MaxBuckets buckets
// before the end) to f.Until (else the last record). Each partner gets a series over all its
// pages first, then one for each of its MaxPages pages with the most records in the span (in
// page order), then one folding the rest together (OtherPages), if any.
func ComputeRates(ctx context.Context, st Store, f Filter, p Period) (*Rates, error) {
	c, err := countRecords(ctx, st, f, p)
	if err != nil {
		return nil, err
	}
	out := &Rates{Period: p, MinAnswers: MinAnswers, Series: []Series{}}
	sp, ok, err := rateSpan(c, f, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return out, nil
	}
	out.Clipped = sp.clipped
	series, into := planSeries(c, sp)
	nb := sp.buckets()
	if int64(len(series))*nb > MaxCells {
		return nil, &SizeError{Series: len(series), Buckets: int(nb), Period: p}
	}
	fillSeries(series, into, c, sp)
	out.From, out.To = p.Label(sp.first), p.Label(sp.last)
	out.Series = append(out.Series, series...)
	return out, nil
}

// rateKey is one (partner, page, bucket) count; start is the bucket's start in Unix seconds.
type rateKey struct {
	partner, page string
	start         int64
}

// pageKey names one page of one partner.
type pageKey struct{ partner, page string }

// rateCounts is what one pass over the records found: a row per (partner, page, bucket), and
// the first and last buckets holding a record (when seen).
type rateCounts struct {
	rows        map[rateKey]*RatesRow
	first, last time.Time
	seen        bool
}

// countRecords counts every (partner, page, bucket) in one pass: the fold into OtherPages needs
// each page's total over the span, which is known only at the end, and a second read could see
// records the first did not (so "other" would not add up).
func countRecords(ctx context.Context, st Store, f Filter, p Period) (*rateCounts, error) {
	c := &rateCounts{rows: map[rateKey]*RatesRow{}}
	err := st.Records(ctx, f, func(r *Record) error {
		start := p.Start(r.ReceivedAt)
		if !c.seen || start.Before(c.first) {
			c.first = start
		}
		if !c.seen || start.After(c.last) {
			c.last = start
		}
		c.seen = true
		k := rateKey{r.Partner, r.Page, start.Unix()}
		row := c.rows[k]
		if row == nil {
			row = &RatesRow{}
			c.rows[k] = row
		}
		row.N++
		row.Found.add(r.Found)
		row.Helpful.add(r.Helpful)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// span is the buckets a rates answer shows, first to last (bucket starts, UTC).
type span struct {
	p           Period
	first, last time.Time
	// clipped: no start was asked for and the records went back further than MaxBuckets.
	clipped bool
}

// buckets counts the span's buckets. Unix seconds, not Sub: a span of centuries
// (from=0001-01-01) overflows a Duration.
func (s span) buckets() int64 {
	days := (s.last.Unix()-s.first.Unix())/86400 + 1
	if s.p == Week {
		days = (days + 6) / 7
	}
	return days
}

// rateSpan settles the span from the filter's dates and the records seen; ok is false when
// neither gives one (nothing matched and no dates were asked for). A span asked for that is
// wider than MaxBuckets is a SpanError; one taken from the records is cut to the latest
// MaxBuckets.
func rateSpan(c *rateCounts, f Filter, p Period) (span, bool, error) {
	s := span{p: p, first: c.first, last: c.last}
	switch {
	case !f.Since.IsZero() && !f.Until.IsZero():
		s.first, s.last = p.Start(f.Since), p.Start(f.Until.Add(-time.Nanosecond))
	case !f.Since.IsZero():
		s.first = p.Start(f.Since)
		if !c.seen {
			s.last = s.first
		}
	case !f.Until.IsZero():
		s.last = p.Start(f.Until.Add(-time.Nanosecond))
		if !c.seen {
			s.first = s.last
		}
	case !c.seen:
		return s, false, nil
	}
	if s.last.Before(s.first) {
		s.last = s.first
	}
	if n := s.buckets(); n > MaxBuckets {
		if !f.Since.IsZero() {
			return s, false, &SpanError{Buckets: int(min(n, math.MaxInt32)), Period: p}
		}
		// No start was asked for: show the latest MaxBuckets buckets rather than refuse, or a
		// dashboard opened with no filter would fail once the store holds over two years.
		step := 1
		if p == Week {
			step = 7
		}
		s.first = s.last.AddDate(0, 0, -(MaxBuckets-1)*step)
		s.clipped = true
	}
	return s, true, nil
}

// planSeries lays out each partner's series (all pages, its busiest pages, the rest folded),
// without rows yet; into says which two series a page's counts go to (its partner's all-pages
// series, and its own or the fold).
func planSeries(c *rateCounts, s span) ([]Series, map[pageKey][2]int) {
	// Each partner's records per page within the span.
	lo, hi := s.first.Unix(), s.last.Unix()
	totals := map[pageKey]int{}
	for k, row := range c.rows {
		if k.start >= lo && k.start <= hi {
			totals[pageKey{k.partner, k.page}] += row.N
		}
	}
	byPartner := map[string][]string{}
	for k := range totals {
		byPartner[k.partner] = append(byPartner[k.partner], k.page)
	}
	var series []Series
	into := map[pageKey][2]int{}
	partners := make([]string, 0, len(byPartner))
	for id := range byPartner {
		partners = append(partners, id)
	}
	slices.Sort(partners)
	for _, id := range partners {
		pages := byPartner[id]
		n := func(page string) int { return totals[pageKey{id, page}] }
		// The busiest first, ties by path; the reserved names cannot have a series of their own
		// (a legacy record's page could be "*"), so they always fold.
		slices.SortFunc(pages, func(a, b string) int {
			if ra, rb := reservedPage(a), reservedPage(b); ra != rb {
				if rb {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(n(b), n(a)); c != 0 {
				return c
			}
			return strings.Compare(a, b)
		})
		keep := 0
		for keep < len(pages) && keep < MaxPages && !reservedPage(pages[keep]) {
			keep++
		}
		all := len(series)
		series = append(series, Series{Partner: id, Page: AllPages})
		own := slices.Clone(pages[:keep])
		slices.Sort(own)
		for _, page := range own {
			into[pageKey{id, page}] = [2]int{all, len(series)}
			series = append(series, Series{Partner: id, Page: page})
		}
		if rest := pages[keep:]; len(rest) > 0 {
			for _, page := range rest {
				into[pageKey{id, page}] = [2]int{all, len(series)}
			}
			series = append(series, Series{Partner: id, Page: OtherPages, Pages: len(rest)})
		}
	}
	return series, into
}

// fillSeries gives every series one row per bucket of the span, empty buckets included, adds
// the counts into them and works out each row's rates.
func fillSeries(series []Series, into map[pageKey][2]int, c *rateCounts, s span) {
	// Bucket starts by Unix second, so that each count finds its row.
	nb := s.buckets()
	index := make(map[int64]int, nb)
	starts := make([]time.Time, 0, nb)
	for t := s.first; !t.After(s.last); t = s.p.Next(t) {
		index[t.Unix()] = len(starts)
		starts = append(starts, t)
	}
	for i := range series {
		series[i].Rows = make([]RatesRow, len(starts))
	}
	for k, row := range c.rows {
		b, ok := index[k.start]
		if !ok {
			continue // before a clipped span
		}
		to, ok := into[pageKey{k.partner, k.page}]
		if !ok {
			continue
		}
		for _, si := range to {
			series[si].N += row.N
			series[si].Rows[b].merge(row)
		}
	}
	for i := range series {
		for b, t := range starts {
			row := &series[i].Rows[b]
			row.Bucket, row.Start = s.p.Label(t), t.Format(time.DateOnly)
			row.Found.finish()
			row.Helpful.finish()
		}
	}
}

// reservedPage reports whether page is one of the names ComputeRates gives its own series.
func reservedPage(page string) bool { return page == AllPages || page == OtherPages }

// merge adds the counts of c to r.
func (r *RatesRow) merge(c *RatesRow) {
	r.N += c.N
	r.Found.Yes += c.Found.Yes
	r.Found.N += c.Found.N
	r.Helpful.Yes += c.Helpful.Yes
	r.Helpful.N += c.Helpful.N
}
