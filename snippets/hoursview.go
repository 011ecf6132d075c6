package snippets

import (
	"strings"
	"time"
)

// What a visitor reads of a line's hours. A line whose schedule is "24/7" says so ("24/7",
// "24 h/24, 7 j/7") before its note; a line with weekly hours carries its open slots for the
// next days, from which the widget says "Open now · until 21:00" or "Closed · opens 16:00" in
// the visitor's own time, and the server-rendered pages say the same at the time they are drawn,
// in the line's own zone. A line with free-text hours only shows its note.

// SlotWindow is how far ahead a snippet carries a line's open slots: the widget says when a line
// opens next within it, and a snippet is drawn again before it runs out (SlotRefresh).
const SlotWindow = 7 * 24 * time.Hour

// SlotRefresh is how long a rendering with open slots is kept: its window then still covers six
// days ahead.
const SlotRefresh = 24 * time.Hour

// HoursText are the words of a line's status in one language; "{t}" is a time.
type HoursText struct {
	Open   string `json:"open"`   // "Open now"
	Until  string `json:"until"`  // "until {t}"
	Closed string `json:"closed"` // "Closed"
	Opens  string `json:"opens"`  // "opens {t}"
}

var hoursWords = map[Locale]HoursText{
	English: {Open: "Open now", Until: "until {t}", Closed: "Closed", Opens: "opens {t}"},
	French:  {Open: "Ouvert maintenant", Until: "jusqu'à {t}", Closed: "Fermé", Opens: "ouvre à {t}"},
}

// alwaysText is how a visitor reads "24/7".
var alwaysText = Text{English: "24/7", French: "24 h/24, 7 j/7"}

// zoneTime says whose clock a server-rendered time is on; "{z}" is the zone's city.
var zoneTime = Text{English: "{z} time", French: "heure de {z}"}

var weekdays = map[Locale][7]string{
	English: {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
	French:  {"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
}

// HoursWords are the status words in loc.
func HoursWords(loc Locale) *HoursText {
	w, ok := hoursWords[loc]
	if !ok {
		w = hoursWords[English]
	}
	return &w
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

// hoursView fills v's hours at now in loc: the display text (and, for a line with weekly
// hours, its slots and status as the server says it).
func (l *Line) hoursView(v *LineView, loc Locale, now time.Time) {
	note := l.Hours.Get(loc)
	switch {
	case l.Schedule == nil:
		v.Hours = note
	case l.Schedule.IsAlways():
		v.Always = true
		v.Hours = join(alwaysText.Get(loc), note)
	default:
		v.Hours = note
		v.Slots = [][2]int64{}
		for _, s := range l.Schedule.Slots(now, now.Add(SlotWindow)) {
			v.Slots = append(v.Slots, [2]int64{s.Start.UnixMilli(), s.End.UnixMilli()})
		}
		v.Status = join(l.status(loc, now), note)
	}
}

// status is the line's status at now as a server-rendered page says it: "Open now · until 21:00
// (Tokyo time)", "Closed · opens Mon 16:00 (Tokyo time)", on the line's own clock.
func (l *Line) status(loc Locale, now time.Time) string {
	w := HoursWords(loc)
	open, change := l.Schedule.At(now)
	if change.IsZero() {
		if open {
			return w.Open
		}
		return w.Closed
	}
	zone, _ := loadZone(l.Schedule.Zone)
	if zone == nil {
		zone = time.UTC
	}
	at := change.In(zone)
	t := at.Format("15:04")
	if y1, m1, d1 := now.In(zone).Date(); func() bool { y2, m2, d2 := at.Date(); return y1 != y2 || m1 != m2 || d1 != d2 }() {
		days := weekdays[loc]
		if days[0] == "" {
			days = weekdays[English]
		}
		t = days[at.Weekday()] + " " + t
	}
	city := l.Schedule.Zone[strings.LastIndexByte(l.Schedule.Zone, '/')+1:]
	t += " (" + strings.Replace(zoneTime.Get(loc), "{z}", strings.ReplaceAll(city, "_", " "), 1) + ")"
	if open {
		return w.Open + " · " + strings.Replace(w.Until, "{t}", t, 1)
	}
	return w.Closed + " · " + strings.Replace(w.Opens, "{t}", t, 1)
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
