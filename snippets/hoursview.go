package snippets

import (
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/words"
)

// What a visitor reads of a line's hours. A line whose schedule is "24/7" says so ("24/7",
// "24 h/24, 7 j/7") before its note; a line with weekly hours says whether it is open at the
// time the answer is drawn ("Open now · until 21:00", "Closed · opens Mon 16:00") on the
// visitor's clock when the request gives their time zone (the widget sends it), else on the
// line's own, named ("16:00 (Tokyo time)"); a line with free-text hours only shows its note.
// An answer is drawn again when a status changes (BannerView.Until).

// hoursWord is a word of hours in loc: the "hours.*" keys of words/en.json and fr.json ("Open
// now", "until {0}", "{0} time", "24/7", the days hours.day.0 (Sunday) to hours.day.6).
func hoursWord(loc Locale, id string, args ...string) string {
	return words.T(string(loc), "hours."+id, args...)
}

// openNow reports whether the line answers at now as far as its schedule says (a line without
// one counts as open: nothing says it is closed), and when that next changes (zero: not within
// the ScheduleHorizon, or no schedule).
func (l *Line) openNow(now time.Time) (bool, time.Time) {
	if l.Schedule == nil || l.Schedule.IsAlways() {
		return true, time.Time{}
	}
	return l.Schedule.At(now)
}

// hoursText is what a visitor reads of the line's hours at now in loc, on the clock of zone
// (nil: the line's own, named).
func (l *Line) hoursText(loc Locale, now time.Time, zone *time.Location) string {
	note := l.Hours.Get(loc)
	switch {
	case l.Schedule == nil:
		return note
	case l.Schedule.IsAlways():
		return join(hoursWord(loc, "always"), note)
	default:
		return join(l.status(loc, now, zone), note)
	}
}

// status is the line's status at now: "Open now · until 21:00", "Closed · opens Mon 16:00" on
// the clock of zone, or with zone nil on the line's own, named: "16:00 (Tokyo time)".
func (l *Line) status(loc Locale, now time.Time, zone *time.Location) string {
	open, change := l.Schedule.At(now)
	if change.IsZero() {
		if open {
			return hoursWord(loc, "open")
		}
		return hoursWord(loc, "closed")
	}
	named := zone == nil
	if named {
		if zone, _ = loadZone(l.Schedule.Zone); zone == nil {
			zone = time.UTC
		}
	}
	at := change.In(zone)
	t := at.Format("15:04")
	if y, m, d := now.In(zone).Date(); at.Day() != d || at.Month() != m || at.Year() != y {
		t = hoursWord(loc, "day."+strconv.Itoa(int(at.Weekday()))) + " " + t
	}
	if named {
		city := strings.ReplaceAll(l.Schedule.Zone[strings.LastIndexByte(l.Schedule.Zone, '/')+1:], "_", " ")
		t += " (" + hoursWord(loc, "zone", city) + ")"
	}
	if open {
		return hoursWord(loc, "open") + " · " + hoursWord(loc, "until", t)
	}
	return hoursWord(loc, "closed") + " · " + hoursWord(loc, "opens", t)
}

// Scheduled reports whether entry key lists a line with weekly hours: what its banner says
// depends on the time and on the visitor's clock.
func (c *Content) Scheduled(key string) bool {
	if r := c.Regions[key]; r != nil {
		for _, id := range r.Lines {
			if l := c.Lines[id]; l != nil && l.Schedule != nil && !l.Schedule.IsAlways() {
				return true
			}
		}
	}
	return false
}

// join joins the non-empty parts with " · ".
func join(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}
