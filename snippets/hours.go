package snippets

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	// The IANA time zone database, built into every binary that uses snippets: whether a
	// line's zone exists, and so whether content is valid, must not depend on the machine
	// (a scratch or distroless image may have no zoneinfo). time.LoadLocation still reads
	// the machine's own database first, and this one for a zone the machine lacks.
	_ "time/tzdata"

	"go.yaml.in/yaml/v3"
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

// scheduleProblems collects what is wrong with a schedule, each named by its field ("zone",
// "weekly[2]"; "" for the schedule itself). The formats are in the catalogue (problems.go).
type scheduleProblems []Problem

func (ps *scheduleProblems) errorf(field, format string, args ...any) {
	*ps = append(*ps, problem(field, format, args...))
}

// compile parses s: its plan, or every problem found.
func compile(s *Schedule) (*plan, []Problem) {
	var ps scheduleProblems
	p := &plan{zone: s.Zone, srcWeekly: slices.Clone(s.Weekly), srcExcept: slices.Clone(s.Except)}
	if i := slices.Index(s.Weekly, always247); i >= 0 {
		if len(s.Weekly) > 1 {
			ps.errorf(fmt.Sprintf("weekly[%d]", i), `"24/7" is every hour of the week: it takes no other weekly hours`)
		}
		if s.Zone != "" {
			ps.errorf("zone", `a "24/7" schedule takes no zone: write schedule: "24/7"`)
		}
		if len(s.Except) > 0 {
			ps.errorf("except", `a "24/7" schedule takes no exceptions: give weekly hours ("Mo-Su 00:00-24:00") and a zone instead`)
		}
		if len(ps) > 0 {
			return nil, ps
		}
		p.always = true
		return p, nil
	}
	if s.Zone == "" {
		ps.errorf("zone", `required: the line's IANA time zone, such as "America/Toronto"`)
	} else if loc, err := loadZone(s.Zone); err != nil {
		ps.errorf("zone", `unknown time zone %q: want an IANA name such as "America/Toronto"`, s.Zone)
	} else {
		p.loc = loc
	}
	if len(s.Weekly) == 0 {
		ps.errorf("weekly", `required: weekly hours such as "Mo-Fr 09:00-17:00", or "24/7": without them the line is never open`)
	}
	for i, e := range s.Weekly {
		days, spans, ok := parseWeekly(&ps, fmt.Sprintf("weekly[%d]", i), e)
		if !ok {
			continue
		}
		for d, on := range days {
			if on {
				p.week[d] = append(p.week[d], spans...)
			}
		}
	}
	for d := range p.week {
		p.week[d] = mergeSpans(p.week[d])
	}
	first := map[int64]int{} // the index of each date's exception
	for i, e := range s.Except {
		field := fmt.Sprintf("except[%d]", i)
		day, spans, ok := parseExcept(&ps, field, e)
		if !ok {
			continue
		}
		if j, dup := first[day]; dup {
			ps.errorf(field, "%q: %s already has an exception (except[%d])", e, time.Unix(day*secondsPerDay, 0).UTC().Format(dateLayout), j)
			continue
		}
		first[day] = i
		p.except = append(p.except, dated{day, spans})
	}
	if len(ps) > 0 {
		return nil, ps
	}
	slices.SortFunc(p.except, func(a, b dated) int { return cmp.Compare(a.day, b.day) })
	return p, nil
}

// dayNames are the days of weekly entries, by time.Weekday.
var dayNames = [7]string{"Su", "Mo", "Tu", "We", "Th", "Fr", "Sa"}

func dayIndex(s string) int {
	for i, n := range dayNames {
		if s == n {
			return i
		}
	}
	return -1
}

// parseWeekly reads a weekly entry: "Mo-Fr 09:00-12:00,13:00-17:00".
func parseWeekly(ps *scheduleProblems, field, entry string) (days [7]bool, spans []span, ok bool) {
	spec, hours, found := cutSpace(entry)
	if !found {
		ps.errorf(field, `%q: want days and hours, such as "Mo-Fr 09:00-17:00"`, entry)
		return days, nil, false
	}
	for item := range strings.SplitSeq(spec, ",") {
		a, b, isRange := strings.Cut(item, "-")
		from := dayIndex(a)
		if from < 0 {
			ps.errorf(field, "%q: %q is not a day (Mo Tu We Th Fr Sa Su)", entry, a)
			return days, nil, false
		}
		to := from
		if isRange {
			if to = dayIndex(b); to < 0 {
				ps.errorf(field, "%q: %q is not a day (Mo Tu We Th Fr Sa Su)", entry, b)
				return days, nil, false
			}
			if to == from {
				ps.errorf(field, "%q: a range of days needs two different days, got %q", entry, item)
				return days, nil, false
			}
		}
		for d := from; ; d = (d + 1) % 7 {
			if days[d] {
				ps.errorf(field, "%q: %s is named twice", entry, dayNames[d])
				return days, nil, false
			}
			days[d] = true
			if d == to {
				break
			}
		}
	}
	spans, ok = parseSpans(ps, field, entry, hours)
	return days, spans, ok
}

// parseExcept reads an exception: "2026-12-25 closed" or "2026-12-31 10:00-14:00".
func parseExcept(ps *scheduleProblems, field, entry string) (day int64, spans []span, ok bool) {
	date, hours, found := cutSpace(entry)
	if !found {
		ps.errorf(field, `%q: want a date and "closed" or hours, such as "2026-12-25 closed" or "2026-12-31 10:00-14:00"`, entry)
		return 0, nil, false
	}
	d, err := time.Parse(dateLayout, date)
	if err != nil {
		ps.errorf(field, "%q: %q is not a date (want YYYY-MM-DD)", entry, date)
		return 0, nil, false
	}
	day = d.Unix() / secondsPerDay // a midnight in UTC: exact
	if hours == "closed" {
		return day, nil, true
	}
	spans, ok = parseSpans(ps, field, entry, hours)
	return day, spans, ok
}

// cutSpace splits an entry at its first run of spaces: both halves non-empty.
func cutSpace(entry string) (head, tail string, ok bool) {
	entry = strings.TrimSpace(entry)
	i := strings.IndexFunc(entry, unicode.IsSpace)
	if i < 0 {
		return entry, "", false
	}
	head, tail = entry[:i], strings.TrimSpace(entry[i:])
	return head, tail, head != "" && tail != ""
}

// parseSpans reads intervals: "09:00-12:00,13:00-17:00", "22:00-02:00", "00:00-24:00".
func parseSpans(ps *scheduleProblems, field, entry, s string) ([]span, bool) {
	var out []span
	for iv := range strings.SplitSeq(s, ",") {
		iv = strings.TrimSpace(iv)
		a, b, ok := strings.Cut(iv, "-")
		if !ok {
			ps.errorf(field, "%q: %q is not an interval (want HH:MM-HH:MM)", entry, iv)
			return nil, false
		}
		a, b = strings.TrimSpace(a), strings.TrimSpace(b)
		from, okA := clock(a)
		if !okA {
			ps.errorf(field, "%q: %q is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)", entry, a)
			return nil, false
		}
		to, okB := clock(b)
		if !okB {
			ps.errorf(field, "%q: %q is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)", entry, b)
			return nil, false
		}
		if from == 24*60 {
			ps.errorf(field, "%q: 24:00 only ends an interval: start the day at 00:00", entry)
			return nil, false
		}
		if to <= from {
			to += 24 * 60
		}
		out = append(out, span{from, to})
	}
	return mergeSpans(out), true
}

// clock reads "HH:MM", 00:00 to 24:00, as minutes.
func clock(s string) (int32, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range [4]int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int32(s[0]-'0')*10 + int32(s[1]-'0')
	m := int32(s[3]-'0')*10 + int32(s[4]-'0')
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, false
	}
	return h*60 + m, true
}

// mergeSpans sorts spans and joins those that meet or overlap.
func mergeSpans(spans []span) []span {
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.from, b.from) })
	out := spans[:0]
	for _, sp := range spans {
		if k := len(out) - 1; k >= 0 && sp.from <= out[k].to {
			out[k].to = max(out[k].to, sp.to)
			continue
		}
		out = append(out, sp)
	}
	return out
}

// Validation: lines.<id>.schedule and the fields under it.
func (v *validator) schedule(path string, s *Schedule) {
	_, problems := compile(s)
	for _, pr := range problems {
		if pr.Path == "" {
			pr.Path = path
		} else {
			pr.Path = path + "." + pr.Path
		}
		v.r.Errors = append(v.r.Errors, pr)
	}
}

// scheduleFields is a Schedule's object form in JSON.
type scheduleFields struct {
	Zone   string   `json:"zone,omitempty"`
	Weekly []string `json:"weekly,omitempty"`
	Except []string `json:"except,omitempty"`
}

// MarshalYAML writes "24/7" as the string, any other schedule as a mapping whose short lists
// are on one line: `weekly: ["Mo-Fr 09:00-17:00"]`.
func (s Schedule) MarshalYAML() (any, error) {
	str := func(v string, style yaml.Style) *yaml.Node {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v, Style: style}
	}
	if s.IsAlways() {
		return str(always247, yaml.DoubleQuotedStyle), nil
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	if s.Zone != "" {
		m.Content = append(m.Content, str("zone", 0), str(s.Zone, 0))
	}
	for _, f := range [...]struct {
		key  string
		list []string
	}{{"weekly", s.Weekly}, {"except", s.Except}} {
		if len(f.list) == 0 {
			continue
		}
		seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		width := 0
		for _, e := range f.list {
			seq.Content = append(seq.Content, str(e, yaml.DoubleQuotedStyle))
			width += len(e) + 4
		}
		if width <= 64 {
			seq.Style = yaml.FlowStyle
		}
		m.Content = append(m.Content, str(f.key, 0), seq)
	}
	return m, nil
}

// UnmarshalYAML reads "24/7" or a mapping of zone, weekly and except, strictly: another key is
// an error, as anywhere in content. The entries themselves are Validate's to check.
func (s *Schedule) UnmarshalYAML(n *yaml.Node) error {
	*s = Schedule{}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	fail := func(n *yaml.Node, format string, args ...any) error {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: schedule: ", n.Line) + fmt.Sprintf(format, args...)}}
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!str" && n.Value == always247 {
			*s = *Always()
			return nil
		}
		return fail(n, `want "24/7" or a mapping of zone, weekly and except, got %q`, n.Value)
	case yaml.MappingNode:
	default:
		return fail(n, `want "24/7" or a mapping of zone, weekly and except`)
	}
	var errs []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch {
		case seen[k.Value]:
			err = fail(k, "%s given twice", k.Value)
		case k.Value == "zone":
			if v.Kind != yaml.ScalarNode {
				err = fail(v, "zone: want an IANA time zone name")
			} else {
				err = v.Decode(&s.Zone)
			}
		case k.Value == "weekly" || k.Value == "except":
			list, example := &s.Weekly, "Mo-Fr 09:00-17:00"
			if k.Value == "except" {
				list, example = &s.Except, "2026-12-25 closed"
			}
			if v.Kind != yaml.SequenceNode && v.ShortTag() != "!!null" {
				err = fail(v, "%s: want a list, such as [%q]", k.Value, example)
			} else {
				err = v.Decode(list)
			}
		default:
			err = fail(k, "unknown key %q (want zone, weekly, except)", k.Value)
		}
		seen[k.Value] = true
		var te *yaml.TypeError
		switch {
		case errors.As(err, &te):
			errs = append(errs, te.Errors...)
		case err != nil:
			errs = append(errs, fmt.Sprintf("line %d: schedule: %v", v.Line, err))
		}
	}
	if len(errs) > 0 {
		return &yaml.TypeError{Errors: errs}
	}
	s.plan, _ = compile(s)
	return nil
}

// MarshalJSON writes "24/7" as the string, any other schedule as an object.
func (s Schedule) MarshalJSON() ([]byte, error) {
	if s.IsAlways() {
		return json.Marshal(always247)
	}
	return json.Marshal(scheduleFields{s.Zone, s.Weekly, s.Except})
}

// UnmarshalJSON reads "24/7" or an object of zone, weekly and except; another key is an error.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	*s = Schedule{}
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return nil
	case len(b) > 0 && b[0] == '"':
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		if str != always247 {
			return fmt.Errorf(`schedule: want "24/7" or an object of zone, weekly and except, got %q`, str)
		}
		*s = *Always()
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f scheduleFields
	if err := dec.Decode(&f); err != nil {
		return fmt.Errorf("schedule: %w", err)
	}
	s.Zone, s.Weekly, s.Except = f.Zone, f.Weekly, f.Except
	s.plan, _ = compile(s)
	return nil
}
