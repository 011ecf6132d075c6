package snippets

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	// The IANA time zone database, built into every binary that uses snippets: whether a
	// line's zone exists, and so whether content is valid, must not depend on the machine
	// (a scratch or distroless image may have no zoneinfo). time.LoadLocation still reads
	// the machine's own database first, and this one for a zone the machine lacks.
	_ "time/tzdata"
)

// Schedule is when a crisis line answers, as data: always ("24/7"), or weekly hours in the
// line's own IANA time zone with dated exceptions. In YAML and JSON it is the string "24/7" or
// a mapping:
//
//	schedule:
//	  zone: Asia/Tokyo
//	  weekly: ["Mo-Su 16:00-21:00"]
//	  except: ["2026-12-31 closed", "2027-01-01 10:00-14:00"]
//
// A weekly entry is days ("Mo", "Mo-Fr", "Fr-Mo", "Sa,Su", "Mo-We,Fr") and one or more
// intervals ("Mo-Fr 09:00-12:00,13:00-17:00"); entries add up. An interval whose end is not
// after its start ends the next day ("22:00-02:00"); "24:00" is an end only ("00:00-24:00" is
// the whole day). An exception, "2026-12-25 closed" or "2026-12-31 10:00-14:00", replaces the
// weekly intervals that start on that date in the zone; an interval that began the day before
// runs to its end. "24/7" as the only weekly entry is the always-open form (Always): it takes
// no zone and no exceptions, and is written as the string "24/7".
//
// Times are the zone's wall-clock times, made instants day by day: a 16:00 opening stays 16:00
// across a change of daylight saving time, and an interval across a change lasts what the
// clocks say (in America/Toronto 01:00-03:00 is one hour on the spring-forward day, three on
// the fall-back day). A time the clock skips (02:30 when 02:00 jumps to 03:00) is taken as the
// first instant at which the clock shows it or later: the end of the gap, 03:00 new time. An
// interval that lies wholly in a gap is not open that day. A time the clock shows twice is its
// first occurrence.
//
// A Schedule is compiled when it is decoded or made by NewSchedule or Always; one built as a
// literal, or whose fields were changed since, is compiled again at each evaluation. A nil
// Schedule (the line's hours are free text only) or an invalid one (Validate reports it) is
// never open and has no slots: the views show the free-text hours instead.
type Schedule struct {
	// Zone is the line's IANA time zone ("America/Toronto"); empty for "24/7".
	Zone string `yaml:"zone,omitempty" json:"zone,omitempty"`
	// Weekly are the entries of the weekly hours ("Mo-Fr 09:00-17:00"), or just "24/7".
	Weekly []string `yaml:"weekly,omitempty" json:"weekly,omitempty"`
	// Except are the dated exceptions, in the line's zone ("2026-12-25 closed").
	Except []string `yaml:"except,omitempty" json:"except,omitempty"`

	// plan is the compiled form of the fields above, when they compile.
	plan *plan
}

// Slot is an interval of time during which a line is open: from Start, up to but not
// including End.
type Slot struct{ Start, End time.Time }

// ScheduleHorizon is how far ahead At looks for the next change.
const ScheduleHorizon = 8 * 24 * time.Hour

// always247 is the always-open schedule, as written.
const always247 = "24/7"

var alwaysPlan = &plan{always: true, srcWeekly: []string{always247}}

// Always is the "24/7" schedule: open at every instant.
func Always() *Schedule { return &Schedule{Weekly: []string{always247}, plan: alwaysPlan} }

// NewSchedule makes a compiled Schedule of a zone, weekly entries and exceptions
// (NewSchedule("", []string{"24/7"}, nil) is Always()). The error lists every problem, each
// named by its field as Validate would ("weekly[1]: ...").
func NewSchedule(zone string, weekly, except []string) (*Schedule, error) {
	s := &Schedule{Zone: zone, Weekly: slices.Clone(weekly), Except: slices.Clone(except)}
	p, problems := compile(s)
	if len(problems) > 0 {
		errs := make([]error, len(problems))
		for i, pr := range problems {
			errs[i] = errors.New(pr.String())
		}
		return nil, errors.Join(errs...)
	}
	s.plan = p
	return s, nil
}

// IsAlways reports whether s is the "24/7" schedule.
func (s *Schedule) IsAlways() bool {
	return s != nil && s.Zone == "" && len(s.Except) == 0 && len(s.Weekly) == 1 && s.Weekly[0] == always247
}

// At reports whether the line is open at t, and the next instant the answer changes: when it
// closes if open, when it opens if closed. change is zero when the answer does not change in
// the ScheduleHorizon (8 days) after t: always for "24/7" and for hours that cover every
// minute of those days, and for a line closed that long (exceptions closing a whole week:
// open is false, and when it reopens is not said). Instants are in the line's zone.
func (s *Schedule) At(t time.Time) (open bool, change time.Time) {
	p := s.compiled()
	if p == nil {
		return false, time.Time{}
	}
	if p.always {
		return true, time.Time{}
	}
	end := t.Add(ScheduleHorizon)
	var buf [32]Slot
	slots := p.appendSlots(buf[:0], t, end)
	if len(slots) == 0 {
		return false, time.Time{}
	}
	first := slots[0]
	switch {
	case first.Start.After(t):
		return false, first.Start
	case first.End.Before(end):
		return true, first.End
	default:
		return true, time.Time{}
	}
}

// Slots returns the intervals during which the line is open within [from, to), clipped to it,
// in order, merged where they meet or overlap (22:00-24:00 and the next day's 00:00-02:00 are
// one slot), in the line's zone. "24/7" is one slot from from to to.
func (s *Schedule) Slots(from, to time.Time) []Slot {
	p := s.compiled()
	if p == nil {
		return nil
	}
	return p.appendSlots(nil, from, to)
}

// compiled is s's plan: the one made when s was decoded if s has not changed since, else a new
// one (not kept: a Schedule is read by many requests at once), nil when s does not compile.
func (s *Schedule) compiled() *plan {
	if s == nil {
		return nil
	}
	if p := s.plan; p != nil && p.zone == s.Zone && slices.Equal(p.srcWeekly, s.Weekly) && slices.Equal(p.srcExcept, s.Except) {
		return p
	}
	p, _ := compile(s)
	return p
}

// plan is a compiled Schedule.
type plan struct {
	always bool
	loc    *time.Location
	// week holds the intervals starting on each day of the week (by time.Weekday), in order.
	week [7][]span
	// except holds the exceptions by date, in order.
	except []dated
	// What the plan was compiled from.
	zone                 string
	srcWeekly, srcExcept []string
}

// span is an interval of a day, in minutes from the start of the day it starts on: 0 <= from
// < 1440, from < to <= from+1440 (past 1440, it ends the next day).
type span struct{ from, to int32 }

// dated is an exception: the intervals starting on day (days since 1970-01-01), none when closed.
type dated struct {
	day   int64
	spans []span
}

const secondsPerDay = 24 * 60 * 60

// on returns the intervals starting on local day d.
func (p *plan) on(d int64) []span {
	if i, ok := slices.BinarySearchFunc(p.except, d, func(x dated, d int64) int { return cmp.Compare(x.day, d) }); ok {
		return p.except[i].spans
	}
	return p.week[((d+4)%7+7)%7] // 1970-01-01 was a Thursday
}

// day is the date the line's clock shows at t, in days since 1970-01-01.
func (p *plan) day(t time.Time) int64 {
	_, off := t.In(p.loc).Zone()
	w := t.Unix() + int64(off)
	d := w / secondsPerDay
	if w%secondsPerDay < 0 {
		d--
	}
	return d
}

// appendSlots appends the open intervals within [from, to) to out, merged and in order.
func (p *plan) appendSlots(out []Slot, from, to time.Time) []Slot {
	if !from.Before(to) {
		return out
	}
	if p.always {
		return append(out, Slot{from, to})
	}
	n := len(out)
	// From two days before: an interval of the day before may run past from, and a clock
	// turned back across midnight may show the day before at from.
	for d, last := p.day(from)-2, p.day(to)+1; d <= last; d++ {
		for _, sp := range p.on(d) {
			start := p.instant(d*secondsPerDay + int64(sp.from)*60)
			if !start.Before(to) {
				break
			}
			end := p.instant(d*secondsPerDay + int64(sp.to)*60)
			if !end.After(from) || !end.After(start) {
				continue
			}
			if start.Before(from) {
				start = from.In(p.loc)
			}
			if end.After(to) {
				end = to.In(p.loc)
			}
			out = append(out, Slot{start, end})
		}
	}
	slots := out[n:]
	slices.SortFunc(slots, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	merged := out[:n]
	for _, sl := range slots {
		if k := len(merged) - 1; k >= n && !sl.Start.After(merged[k].End) {
			if sl.End.After(merged[k].End) {
				merged[k].End = sl.End
			}
			continue
		}
		merged = append(merged, sl)
	}
	return merged
}

// instant is the first instant at which the line's clock shows wall (a wall-clock time as
// seconds since 1970-01-01 00:00) or later: the instant it shows wall, the end of the gap when
// the clock skips wall, the first of the two when it shows wall twice.
func (p *plan) instant(wall int64) time.Time {
	_, off := time.Unix(wall, 0).In(p.loc).Zone()
	t := time.Unix(wall-int64(off), 0).In(p.loc)
	for range 8 {
		_, off = t.Zone()
		start, end := t.ZoneBounds()
		if !start.IsZero() {
			// Clocks turned back at start: the period before may have shown wall already.
			prev := start.Add(-time.Second)
			if _, poff := prev.Zone(); prev.Unix()+int64(poff) >= wall {
				t = prev
				continue
			}
		}
		c := time.Unix(wall-int64(off), 0).In(p.loc)
		if !start.IsZero() && c.Before(start) {
			c = start // wall was skipped when the clock jumped forward at start
		}
		if end.IsZero() || c.Before(end) {
			return c
		}
		t = end
	}
	return t
}

// zones caches loaded locations by name, so that schedules of one zone share one.
var zones sync.Map

// loadZone loads an IANA time zone; "Local" (the machine's) and "" (UTC) are not zone names.
func loadZone(name string) (*time.Location, error) {
	if l, ok := zones.Load(name); ok {
		return l.(*time.Location), nil
	}
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	l, _ := zones.LoadOrStore(name, loc)
	return l.(*time.Location), nil
}
