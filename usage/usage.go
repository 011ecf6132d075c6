// Package usage counts how the widget is used, without tracking anyone: a crisis banner shown,
// a line's tel:, sms: or chat link followed. A count is keyed by partner, region entry, line and
// UTC day, and that is all there is: no address, no user agent, no page, no identifier, nothing
// that tells one visitor from another or links two events together.
//
// Two stores keep the counters: Memory, in memory and (with a file) persisted as one small JSON
// document under the data dir, for embedded mode; Redis, a hash per day shared by every edge,
// for Redis mode. Add never waits for a disk or for Redis: both stores flush in the background.
package usage

import (
	"context"
	"fmt"
	"sort"
	"time"
)

// Event is what a beacon reports.
type Event string

// The events.
const (
	Shown Event = "shown" // the crisis banner rendered
	Tel   Event = "tel"   // a line's tel: link followed
	SMS   Event = "sms"   // a line's sms: link followed
	Chat  Event = "chat"  // a line's chat link followed
)

// Events lists every event, in the order of a Row's counts.
var Events = []Event{Shown, Tel, SMS, Chat}

// index is the event's place in counts, -1 for an unknown event.
func (e Event) index() int {
	switch e {
	case Shown:
		return 0
	case Tel:
		return 1
	case SMS:
		return 2
	case Chat:
		return 3
	}
	return -1
}

// Valid reports whether e is one of Events.
func (e Event) Valid() bool { return e.index() >= 0 }

// DayLayout is the format of a day: a UTC date.
const DayLayout = "2006-01-02"

// RetentionDays is how long counts are kept: a little over a year, so that a year's figures can
// be compared with the year before's.
const RetentionDays = 400

// Day returns the UTC day of t.
func Day(t time.Time) string { return t.UTC().Format(DayLayout) }

// Key is what one counter counts for. Line is "" for Shown (a banner, not a line); Region is the
// region entry whose lines were shown ("CA" for a visitor in CA-ON), "" for none.
type Key struct {
	Day, Partner, Region, Line string
}

// counts holds one Key's counters, by Event index.
type counts [4]int64

// Row is the counts of one Key.
type Row struct {
	Day     string `json:"day"`
	Partner string `json:"partner"`
	Region  string `json:"region"`
	Line    string `json:"line"`
	Shown   int64  `json:"shown"`
	Tel     int64  `json:"tel"`
	SMS     int64  `json:"sms"`
	Chat    int64  `json:"chat"`
}

func (r Row) key() Key { return Key{r.Day, r.Partner, r.Region, r.Line} }

func (r Row) counts() counts { return counts{r.Shown, r.Tel, r.SMS, r.Chat} }

func row(k Key, c counts) Row {
	return Row{Day: k.Day, Partner: k.Partner, Region: k.Region, Line: k.Line, Shown: c[0], Tel: c[1], SMS: c[2], Chat: c[3]}
}

// Query selects rows: days from Since to Until (inclusive, "YYYY-MM-DD"; "" leaves that end
// open), and one partner when Partner is set.
type Query struct {
	Since, Until string
	Partner      string
}

func (q Query) match(k Key) bool {
	return (q.Since == "" || k.Day >= q.Since) && (q.Until == "" || k.Day <= q.Until) && (q.Partner == "" || k.Partner == q.Partner)
}

// Store keeps the counters.
type Store interface {
	// Add counts one event. It never blocks on I/O.
	Add(k Key, e Event)
	// Rows returns the counts the query selects, ordered by day, partner, region and line.
	Rows(ctx context.Context, q Query) ([]Row, error)
	// Flush writes what was counted to the store's backing (file or Redis) now.
	Flush(ctx context.Context) error
	// Close stops the background flushing after a last flush.
	Close() error
}

// DefaultInterval is how often counts are flushed in the background.
const DefaultInterval = 5 * time.Second

func sortRows(rs []Row) {
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Day != b.Day {
			return a.Day < b.Day
		}
		if a.Partner != b.Partner {
			return a.Partner < b.Partner
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Line < b.Line
	})
}

// ParseDay checks a "YYYY-MM-DD" day.
func ParseDay(s string) (time.Time, error) {
	t, err := time.Parse(DayLayout, s)
	if err != nil {
		return t, fmt.Errorf("day %q: want YYYY-MM-DD", s)
	}
	return t, nil
}
