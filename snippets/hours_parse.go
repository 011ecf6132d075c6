package snippets

// Reading a schedule: its entries parsed and compiled into a plan, each problem named by its
// field, and the validator's check of a line's schedule.

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

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
