package snippets_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
	"go.yaml.in/yaml/v3"
)

func zone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func schedule(t testing.TB, zone string, weekly []string, except ...string) *snippets.Schedule {
	t.Helper()
	s, err := snippets.NewSchedule(zone, weekly, except)
	if err != nil {
		t.Fatalf("NewSchedule(%q, %q, %q): %v", zone, weekly, except, err)
	}
	return s
}

func utc(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, time.UTC)
}

// checkSlots: slots are in order, non-empty, within [from, to), and merged (a gap between each).
func checkSlots(t *testing.T, slots []snippets.Slot, from, to time.Time) {
	t.Helper()
	for i, s := range slots {
		if !s.Start.Before(s.End) || s.Start.Before(from) || s.End.After(to) {
			t.Errorf("slot %d %v-%v empty or outside [%v, %v)", i, s.Start, s.End, from, to)
		}
		if i > 0 && !slots[i-1].End.Before(s.Start) {
			t.Errorf("slots %d and %d meet or overlap: %v", i-1, i, slots)
		}
	}
}

func TestScheduleAt(t *testing.T) {
	tokyo, toronto, rome := zone(t, "Asia/Tokyo"), zone(t, "America/Toronto"), zone(t, "Europe/Rome")
	jst := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, tokyo) }
	et := func(m time.Month, d, h, min int) time.Time { return time.Date(2026, m, d, h, min, 0, 0, toronto) }

	tell := schedule(t, "Asia/Tokyo", []string{"Mo-Su 16:00-21:00"})
	tellHolidays := schedule(t, "Asia/Tokyo", []string{"Mo-Su 16:00-21:00"}, "2026-12-31 closed", "2027-01-01 10:00-14:00", "2026-12-24 16:00-18:00")
	tellNewYear := schedule(t, "Asia/Tokyo", []string{"Mo-Su 16:00-21:00"}, "2026-12-31 20:00-03:00")
	weekendNights := schedule(t, "America/Toronto", []string{"Fr,Sa 22:00-02:00"})
	nights := schedule(t, "America/Toronto", []string{"Mo-Su 22:00-02:00"}, "2026-12-25 closed")
	office := schedule(t, "America/Toronto", []string{"Mo-Su 09:00-17:00"})
	small := schedule(t, "America/Toronto", []string{"Su 01:00-03:00"})
	inGap := schedule(t, "America/Toronto", []string{"Su 02:30-04:00"})
	wholeGap := schedule(t, "America/Toronto", []string{"Su 02:15-02:45"})
	satNight := schedule(t, "America/Toronto", []string{"Sa 22:00-02:00"})
	amico := schedule(t, "Europe/Rome", []string{"Mo-Su 10:00-24:00"})
	allWeek := schedule(t, "America/Toronto", []string{"Mo-Su 00:00-24:00"})
	weekdays := schedule(t, "America/Toronto", []string{"Mo-Fr 00:00-24:00"})
	mondays := schedule(t, "Asia/Tokyo", []string{"Mo 10:00-11:00"}, "2026-06-15 closed")

	var never time.Time
	tests := []struct {
		name   string
		s      *snippets.Schedule
		at     time.Time
		open   bool
		change time.Time
	}{
		{"24/7", snippets.Always(), utc(3, 8, 7, 0), true, never},

		// TELL, Tokyo: 16:00-21:00 JST every day.
		{"tokyo 15:59", tell, jst(2026, 6, 10, 15, 59), false, jst(2026, 6, 10, 16, 0)},
		{"tokyo 16:00", tell, jst(2026, 6, 10, 16, 0), true, jst(2026, 6, 10, 21, 0)},
		{"tokyo 20:59", tell, jst(2026, 6, 10, 20, 59), true, jst(2026, 6, 10, 21, 0)},
		{"tokyo 21:00", tell, jst(2026, 6, 10, 21, 0), false, jst(2026, 6, 11, 16, 0)},

		// Friday and Saturday nights, 22:00-02:00, Toronto (2026-06-13 is a Saturday).
		{"saturday noon", weekendNights, et(6, 13, 12, 0), false, et(6, 13, 22, 0)},
		{"saturday 01:00, friday's night", weekendNights, et(6, 13, 1, 0), true, et(6, 13, 2, 0)},
		{"saturday 22:00", weekendNights, et(6, 13, 22, 0), true, et(6, 14, 2, 0)},
		{"sunday 01:00", weekendNights, et(6, 14, 1, 0), true, et(6, 14, 2, 0)},
		{"sunday 02:00", weekendNights, et(6, 14, 2, 0), false, et(6, 19, 22, 0)},
		{"sunday 22:00, not a listed night", weekendNights, et(6, 14, 22, 0), false, et(6, 19, 22, 0)},

		// Toronto springs forward on 2026-03-08, 02:00 EST -> 03:00 EDT (07:00 UTC).
		{"spring: saturday 08:00 EST", office, utc(3, 7, 13, 0), false, utc(3, 7, 14, 0)},
		{"spring: saturday 09:00 EST", office, utc(3, 7, 14, 0), true, utc(3, 7, 22, 0)},
		{"spring: sunday 08:59 EDT", office, utc(3, 8, 12, 59), false, utc(3, 8, 13, 0)},
		{"spring: sunday 09:00 EDT", office, utc(3, 8, 13, 0), true, utc(3, 8, 21, 0)},
		{"spring: 01:00-03:00 opens", small, utc(3, 8, 6, 0), true, utc(3, 8, 7, 0)},
		{"spring: 01:00-03:00 is one hour", small, utc(3, 8, 6, 59), true, utc(3, 8, 7, 0)},
		{"spring: 01:00-03:00 closed at 03:00 EDT", small, utc(3, 8, 7, 0), false, utc(3, 15, 5, 0)},
		{"spring: 02:30 opens at the end of the gap", inGap, utc(3, 8, 6, 30), false, utc(3, 8, 7, 0)},
		{"spring: 02:30-04:00 open at 03:00 EDT", inGap, utc(3, 8, 7, 0), true, utc(3, 8, 8, 0)},
		{"spring: an interval inside the gap never opens", wholeGap, utc(3, 8, 6, 0), false, utc(3, 15, 6, 15)},
		{"spring: saturday night ends at 03:00 EDT", satNight, utc(3, 8, 6, 30), true, utc(3, 8, 7, 0)},

		// Toronto falls back on 2026-11-01, 02:00 EDT -> 01:00 EST (06:00 UTC).
		{"fall: saturday 08:00 EDT", office, utc(10, 31, 12, 0), false, utc(10, 31, 13, 0)},
		{"fall: sunday 08:30 EST", office, utc(11, 1, 13, 30), false, utc(11, 1, 14, 0)},
		{"fall: sunday 09:00 EST", office, utc(11, 1, 14, 0), true, utc(11, 1, 22, 0)},
		{"fall: 01:00-03:00 opens at the first 01:00", small, utc(11, 1, 5, 0), true, utc(11, 1, 8, 0)},
		{"fall: the second 01:30 is still open", small, utc(11, 1, 6, 30), true, utc(11, 1, 8, 0)},
		{"fall: 01:00-03:00 is three hours", small, utc(11, 1, 8, 0), false, utc(11, 8, 6, 0)},

		// Telefono Amico, Rome, 10:00-24:00; clocks go forward on Sunday 2026-03-29 (01:00 UTC).
		{"rome: saturday 23:59 CET", amico, utc(3, 28, 22, 59), true, utc(3, 28, 23, 0)},
		{"rome: sunday 00:00 CET", amico, utc(3, 28, 23, 0), false, utc(3, 29, 8, 0)},
		{"rome: sunday 09:59 CEST", amico, utc(3, 29, 7, 59), false, utc(3, 29, 8, 0)},
		{"rome: sunday 10:00 CEST", amico, utc(3, 29, 8, 0), true, utc(3, 29, 22, 0)},
		{"rome: sunday 23:59 CEST", amico, utc(3, 29, 21, 59), true, utc(3, 29, 22, 0)},
		{"rome: fall back, saturday 23:59 CEST", amico, utc(10, 24, 21, 59), true, utc(10, 24, 22, 0)},
		{"rome: fall back, sunday 09:59 CET", amico, utc(10, 25, 8, 59), false, utc(10, 25, 9, 0)},

		// Exceptions.
		{"closed on new year's eve", tellHolidays, jst(2026, 12, 31, 17, 0), false, jst(2027, 1, 1, 10, 0)},
		{"the day before is as usual", tellHolidays, jst(2026, 12, 30, 20, 0), true, jst(2026, 12, 30, 21, 0)},
		{"new year's day 10:00-14:00", tellHolidays, jst(2027, 1, 1, 13, 0), true, jst(2027, 1, 1, 14, 0)},
		{"new year's day replaces the weekly hours", tellHolidays, jst(2027, 1, 1, 16, 0), false, jst(2027, 1, 2, 16, 0)},
		{"shorter on christmas eve: open", tellHolidays, jst(2026, 12, 24, 17, 0), true, jst(2026, 12, 24, 18, 0)},
		{"shorter on christmas eve: closed", tellHolidays, jst(2026, 12, 24, 18, 30), false, jst(2026, 12, 25, 16, 0)},
		{"an exception past midnight", tellNewYear, jst(2027, 1, 1, 2, 0), true, jst(2027, 1, 1, 3, 0)},
		{"an exception past midnight: not yet", tellNewYear, jst(2026, 12, 31, 19, 0), false, jst(2026, 12, 31, 20, 0)},
		{"christmas eve's night is not cut", nights, et(12, 25, 1, 0), true, et(12, 25, 2, 0)},
		{"christmas eve's night, 23:00", nights, et(12, 24, 23, 0), true, et(12, 25, 2, 0)},
		{"closed christmas night", nights, et(12, 25, 22, 0), false, et(12, 26, 22, 0)},
		{"nothing runs into boxing day", nights, et(12, 26, 1, 0), false, et(12, 26, 22, 0)},

		// Horizons.
		{"every minute of the week", allWeek, utc(3, 8, 6, 30), true, never},
		{"weekdays all day", weekdays, et(6, 10, 12, 0), true, et(6, 13, 0, 0)},
		{"weekdays all day: the weekend", weekdays, et(6, 13, 12, 0), false, et(6, 15, 0, 0)},
		{"monday 10:30", mondays, jst(2026, 6, 8, 10, 30), true, jst(2026, 6, 8, 11, 0)},
		{"closed more than 8 days", mondays, jst(2026, 6, 9, 12, 0), false, never},
		{"reopening within 8 days", mondays, jst(2026, 6, 16, 10, 0), false, jst(2026, 6, 22, 10, 0)},
	}
	views := []*time.Location{time.UTC, time.FixedZone("UTC-7", -7*3600), zone(t, "Asia/Kolkata"), rome}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			open, change := tt.s.At(tt.at)
			if open != tt.open || !change.Equal(tt.change) || change.IsZero() != tt.change.IsZero() {
				t.Fatalf("At(%v) = %v, %v; want %v, %v", tt.at.UTC(), open, change.UTC(), tt.open, tt.change.UTC())
			}
			// The same instant seen from anywhere gives the same answer.
			for _, loc := range views {
				o, c := tt.s.At(tt.at.In(loc))
				if o != open || !c.Equal(change) {
					t.Errorf("At(%v) = %v, %v; at the same instant in UTC %v, %v", tt.at.In(loc), o, c, open, change)
				}
			}
			// At agrees with Slots, and the answer changes at change and not before.
			slots := tt.s.Slots(tt.at, tt.at.Add(snippets.ScheduleHorizon))
			checkSlots(t, slots, tt.at, tt.at.Add(snippets.ScheduleHorizon))
			if got := len(slots) > 0 && slots[0].Start.Equal(tt.at); got != open {
				t.Errorf("Slots from %v begin %v, but At says open %v", tt.at, slots, open)
			}
			if !change.IsZero() {
				if o, _ := tt.s.At(change); o == open {
					t.Errorf("At(change %v) still says open %v", change, o)
				}
				if o, _ := tt.s.At(change.Add(-time.Second)); o != open {
					t.Errorf("a second before the change, open %v", o)
				}
			}
		})
	}
}

func TestScheduleSlots(t *testing.T) {
	toronto := zone(t, "America/Toronto")
	et := func(m time.Month, d, h int) time.Time { return time.Date(2026, m, d, h, 0, 0, 0, toronto) }
	office := schedule(t, "America/Toronto", []string{"Mo-Su 09:00-17:00"})
	small := schedule(t, "America/Toronto", []string{"Su 01:00-03:00"})
	friday := schedule(t, "America/Toronto", []string{"Fr 20:00-24:00", "Sa 00:00-02:00", "Sa 01:00-03:00"})
	amico := schedule(t, "Europe/Rome", []string{"Mo-Su 10:00-24:00"})
	romeNight := schedule(t, "Europe/Rome", []string{"Su 02:30-04:00"})
	split := schedule(t, "America/Toronto", []string{"Mo-Fr 09:00-12:00,13:00-17:00", "We 11:00-14:00"})
	slot := func(a, b time.Time) snippets.Slot { return snippets.Slot{Start: a, End: b} }
	tests := []struct {
		name     string
		s        *snippets.Schedule
		from, to time.Time
		want     []snippets.Slot
	}{
		{"spring forward: 09:00 is 14:00 UTC, then 13:00 UTC", office, utc(3, 7, 0, 0), utc(3, 9, 0, 0),
			[]snippets.Slot{slot(utc(3, 7, 14, 0), utc(3, 7, 22, 0)), slot(utc(3, 8, 13, 0), utc(3, 8, 21, 0))}},
		{"fall back: 09:00 is 13:00 UTC, then 14:00 UTC", office, utc(10, 31, 0, 0), utc(11, 2, 0, 0),
			[]snippets.Slot{slot(utc(10, 31, 13, 0), utc(10, 31, 21, 0)), slot(utc(11, 1, 14, 0), utc(11, 1, 22, 0))}},
		{"spring forward: 01:00-03:00 lasts one hour", small, utc(3, 8, 0, 0), utc(3, 9, 0, 0),
			[]snippets.Slot{slot(utc(3, 8, 6, 0), utc(3, 8, 7, 0))}},
		{"fall back: 01:00-03:00 lasts three hours", small, utc(11, 1, 0, 0), utc(11, 2, 0, 0),
			[]snippets.Slot{slot(utc(11, 1, 5, 0), utc(11, 1, 8, 0))}},
		{"rome: the short sunday", amico, utc(3, 28, 0, 0), utc(3, 30, 0, 0),
			[]snippets.Slot{slot(utc(3, 28, 9, 0), utc(3, 28, 23, 0)), slot(utc(3, 29, 8, 0), utc(3, 29, 22, 0))}},
		{"rome, clocks back: 02:30 is the first 02:30, CEST", romeNight, utc(10, 25, 0, 0), utc(10, 26, 0, 0),
			[]snippets.Slot{slot(utc(10, 25, 0, 30), utc(10, 25, 3, 0))}},
		{"rome, clocks forward: 02:30 is skipped, 03:00 CEST", romeNight, utc(3, 29, 0, 0), utc(3, 30, 0, 0),
			[]snippets.Slot{slot(utc(3, 29, 1, 0), utc(3, 29, 2, 0))}},
		{"merged across midnight and overlaps", friday, et(6, 12, 0), et(6, 14, 0),
			[]snippets.Slot{slot(et(6, 12, 20), et(6, 13, 3))}},
		{"clipped to the window", friday, et(6, 12, 21), et(6, 13, 1),
			[]snippets.Slot{slot(et(6, 12, 21), et(6, 13, 1))}},
		{"intervals of a day, entries added up", split, et(6, 10, 0), et(6, 11, 0),
			[]snippets.Slot{slot(et(6, 10, 9), et(6, 10, 17))}},
		{"a lunch break", split, et(6, 11, 0), et(6, 12, 0),
			[]snippets.Slot{slot(et(6, 11, 9), et(6, 11, 12)), slot(et(6, 11, 13), et(6, 11, 17))}},
		{"24/7", snippets.Always(), utc(3, 8, 6, 0), utc(3, 9, 0, 0), []snippets.Slot{slot(utc(3, 8, 6, 0), utc(3, 9, 0, 0))}},
		{"an empty window", office, utc(3, 8, 15, 0), utc(3, 8, 15, 0), nil},
		{"a window the wrong way round", office, utc(3, 9, 0, 0), utc(3, 8, 0, 0), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Slots(tt.from, tt.to)
			checkSlots(t, got, tt.from, tt.to)
			if len(got) != len(tt.want) {
				t.Fatalf("Slots = %v, want %v", got, tt.want)
			}
			for i := range got {
				if !got[i].Start.Equal(tt.want[i].Start) || !got[i].End.Equal(tt.want[i].End) {
					t.Errorf("slot %d = %v-%v, want %v-%v", i, got[i].Start.UTC(), got[i].End.UTC(), tt.want[i].Start.UTC(), tt.want[i].End.UTC())
				}
			}
		})
	}
	if s := office.Slots(utc(3, 7, 0, 0), utc(3, 8, 0, 0)); len(s) != 1 || s[0].Start.Location().String() != "America/Toronto" || s[0].Start.Hour() != 9 {
		t.Errorf("slots are given in the line's zone: %v", s)
	}
	var none *snippets.Schedule
	if open, change := none.At(utc(3, 8, 0, 0)); open || !change.IsZero() || none.Slots(utc(3, 8, 0, 0), utc(3, 9, 0, 0)) != nil {
		t.Error("a nil schedule is open or has slots")
	}
}

// TestScheduleLiteralAndChanged: a Schedule built as a literal, or changed after it was
// compiled, is evaluated as it now reads.
func TestScheduleLiteralAndChanged(t *testing.T) {
	s := &snippets.Schedule{Zone: "Asia/Tokyo", Weekly: []string{"Mo-Su 16:00-21:00"}}
	if open, _ := s.At(time.Date(2026, 6, 10, 17, 0, 0, 0, zone(t, "Asia/Tokyo"))); !open {
		t.Error("a literal schedule is not evaluated")
	}
	c := schedule(t, "Asia/Tokyo", []string{"Mo-Su 16:00-21:00"})
	c.Weekly[0] = "Mo-Su 18:00-21:00"
	if open, _ := c.At(time.Date(2026, 6, 10, 17, 0, 0, 0, zone(t, "Asia/Tokyo"))); open {
		t.Error("a changed schedule is evaluated as it was")
	}
	c.Zone = "Nowhere/Atlantis"
	if open, change := c.At(time.Date(2026, 6, 10, 19, 0, 0, 0, zone(t, "Asia/Tokyo"))); open || !change.IsZero() {
		t.Error("an invalid schedule is open")
	}
}

func TestScheduleAtAllocatesNothing(t *testing.T) {
	s := schedule(t, "America/Toronto", []string{"Mo-Fr 09:00-12:00,13:00-17:00", "Sa 22:00-02:00"}, "2026-03-09 closed")
	at := utc(3, 7, 12, 0)
	if n := testing.AllocsPerRun(100, func() { s.At(at) }); n != 0 {
		t.Errorf("At allocates %v times", n)
	}
}

func TestValidateSchedule(t *testing.T) {
	tests := []struct {
		name string
		s    *snippets.Schedule
		want []string // every error, as Problem.String()
	}{
		{"24/7", snippets.Always(), nil},
		{"weekly hours", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Fr 09:00-12:00, 13:00-17:00", "Sa,Su 10:00-14:00", "Fr-Mo 22:00-02:00", "Mo-We,Fr 00:00-24:00"},
			Except: []string{"2026-12-31 closed", "2027-01-01 10:00-14:00"}}, nil},
		{"bad day", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Su 16:00-21:00", "Mo-Sx 16:00-21:00"}},
			[]string{`lines.ca-988.schedule.weekly[1]: "Mo-Sx 16:00-21:00": "Sx" is not a day (Mo Tu We Th Fr Sa Su)`}},
		{"day in lower case", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"mo 16:00-21:00"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "mo 16:00-21:00": "mo" is not a day (Mo Tu We Th Fr Sa Su)`}},
		{"25:00", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Fr 09:00-25:00"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-Fr 09:00-25:00": "25:00" is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)`}},
		{"one digit hour", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Fr 9:00-17:00"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-Fr 9:00-17:00": "9:00" is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)`}},
		{"24:30", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Fr 22:00-24:30"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-Fr 22:00-24:30": "24:30" is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)`}},
		{"24:00 as a start", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo 24:00-02:00"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo 24:00-02:00": 24:00 only ends an interval: start the day at 00:00`}},
		{"no interval", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Fr 0900"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-Fr 0900": "0900" is not an interval (want HH:MM-HH:MM)`}},
		{"no hours", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Fr"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-Fr": want days and hours, such as "Mo-Fr 09:00-17:00"`}},
		{"a day twice", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-We,Tu 10:00-12:00"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-We,Tu 10:00-12:00": Tu is named twice`}},
		{"a range of one day", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Mo 10:00-12:00"}},
			[]string{`lines.ca-988.schedule.weekly[0]: "Mo-Mo 10:00-12:00": a range of days needs two different days, got "Mo-Mo"`}},
		{"missing zone", &snippets.Schedule{Weekly: []string{"Mo-Fr 09:00-17:00"}},
			[]string{`lines.ca-988.schedule.zone: required: the line's IANA time zone, such as "America/Toronto"`}},
		{"unknown zone", &snippets.Schedule{Zone: "America/Montreall", Weekly: []string{"Mo-Fr 09:00-17:00"}},
			[]string{`lines.ca-988.schedule.zone: unknown time zone "America/Montreall": want an IANA name such as "America/Toronto"`}},
		{"the machine's zone", &snippets.Schedule{Zone: "Local", Weekly: []string{"Mo-Fr 09:00-17:00"}},
			[]string{`lines.ca-988.schedule.zone: unknown time zone "Local": want an IANA name such as "America/Toronto"`}},
		{"24/7 with weekly hours", &snippets.Schedule{Weekly: []string{"Mo-Fr 09:00-17:00", "24/7"}},
			[]string{`lines.ca-988.schedule.weekly[1]: "24/7" is every hour of the week: it takes no other weekly hours`}},
		{"24/7 with a zone", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"24/7"}},
			[]string{`lines.ca-988.schedule.zone: a "24/7" schedule takes no zone: write schedule: "24/7"`}},
		{"24/7 with exceptions", &snippets.Schedule{Weekly: []string{"24/7"}, Except: []string{"2026-12-25 closed"}},
			[]string{`lines.ca-988.schedule.except: a "24/7" schedule takes no exceptions: give weekly hours ("Mo-Su 00:00-24:00") and a zone instead`}},
		{"never open", &snippets.Schedule{Zone: "America/Toronto", Except: []string{"2026-12-25 10:00-14:00"}},
			[]string{`lines.ca-988.schedule.weekly: required: weekly hours such as "Mo-Fr 09:00-17:00", or "24/7": without them the line is never open`}},
		{"empty", &snippets.Schedule{}, []string{
			`lines.ca-988.schedule.zone: required: the line's IANA time zone, such as "America/Toronto"`,
			`lines.ca-988.schedule.weekly: required: weekly hours such as "Mo-Fr 09:00-17:00", or "24/7": without them the line is never open`}},
		{"not a date", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Su 16:00-21:00"}, Except: []string{"2026-02-30 closed"}},
			[]string{`lines.ca-988.schedule.except[0]: "2026-02-30 closed": "2026-02-30" is not a date (want YYYY-MM-DD)`}},
		{"an exception without hours", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Su 16:00-21:00"}, Except: []string{"2026-12-25"}},
			[]string{`lines.ca-988.schedule.except[0]: "2026-12-25": want a date and "closed" or hours, such as "2026-12-25 closed" or "2026-12-31 10:00-14:00"`}},
		{"an exception's bad hours", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Su 16:00-21:00"}, Except: []string{"2026-12-25 10-14"}},
			[]string{`lines.ca-988.schedule.except[0]: "2026-12-25 10-14": "10" is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)`}},
		{"a date twice", &snippets.Schedule{Zone: "America/Toronto", Weekly: []string{"Mo-Su 16:00-21:00"}, Except: []string{"2026-12-25 closed", "2026-12-26 closed", "2026-12-25 10:00-12:00"}},
			[]string{`lines.ca-988.schedule.except[2]: "2026-12-25 10:00-12:00": 2026-12-25 already has an exception (except[0])`}},
		{"every problem, in order", &snippets.Schedule{Zone: "Asia/Tokio", Weekly: []string{"Mo-Fr 09:00-17:00", "Sa 10:00"}, Except: []string{"2026-12-25 closed", "25/12/2026 closed"}}, []string{
			`lines.ca-988.schedule.zone: unknown time zone "Asia/Tokio": want an IANA name such as "America/Toronto"`,
			`lines.ca-988.schedule.weekly[1]: "Sa 10:00": "10:00" is not an interval (want HH:MM-HH:MM)`,
			`lines.ca-988.schedule.except[1]: "25/12/2026 closed": "25/12/2026" is not a date (want YYYY-MM-DD)`}},
	}
	french := snippets.ProblemTemplates()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseFixture(t)
			c.Lines["ca-988"].Schedule = tt.s
			r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
			var got []string
			for _, p := range r.Errors {
				got = append(got, p.String())
				if p.Code == "invalid" || french[p.Code][snippets.French] == "" {
					t.Errorf("%s: code %q has no French", p, p.Code)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
			if len(r.Warnings) != 0 {
				t.Errorf("warnings: %v", r.Warnings)
			}
			_, err := snippets.NewSchedule(tt.s.Zone, tt.s.Weekly, tt.s.Except)
			if (err != nil) != (tt.want != nil) {
				t.Errorf("NewSchedule: %v", err)
			}
			if err != nil && !strings.Contains(err.Error(), strings.TrimPrefix(tt.want[0], "lines.ca-988.schedule.")) {
				t.Errorf("NewSchedule's error %q does not name %q", err, tt.want[0])
			}
		})
	}
}

// TestValidateHoursAndSchedule: without a schedule the free-text hours are required and a
// warning asks for one; with one, the hours are an optional note.
func TestValidateHoursAndSchedule(t *testing.T) {
	c := parseFixture(t)
	c.Lines["ca-988"].Schedule = nil
	r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
	if len(r.Errors) != 0 || len(r.Warnings) != 1 {
		t.Fatalf("errors %v, warnings %v; want one warning", r.Errors, r.Warnings)
	}
	const want = `lines.ca-988.schedule: hours are free text: give schedule ("24/7" or weekly hours) so that visitors see whether the line is open now`
	if w := r.Warnings[0]; w.String() != want || w.Code != "hours_free_text" {
		t.Errorf("warning %s (%s), want %s", w, w.Code, want)
	}
	c.Lines["ca-988"].Hours = nil
	if r := c.Validate(snippets.ValidateOptions{Now: fixedNow}); len(r.Errors) != 1 || r.Errors[0].Path != "lines.ca-988.hours.en" {
		t.Errorf("no schedule and no hours: %v", r.Errors)
	}
	c.Lines["ca-988"].Schedule = snippets.Always()
	if r := c.Validate(snippets.ValidateOptions{Now: fixedNow}); len(r.Errors) != 0 || len(r.Warnings) != 0 {
		t.Errorf("a schedule and no hours: %v %v", r.Errors, r.Warnings)
	}
}

func TestScheduleDecodingIsStrict(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{`{zone: Asia/Tokyo, weekly: ["Mo-Su 16:00-21:00"], hours: "4 to 9"}`, `line 4: schedule: unknown key "hours" (want zone, weekly, except)`},
		{`"24/8"`, `line 4: schedule: want "24/7" or a mapping of zone, weekly and except, got "24/8"`},
		{`["24/7"]`, `line 4: schedule: want "24/7" or a mapping of zone, weekly and except`},
		{`{zone: Asia/Tokyo, weekly: "Mo-Su 16:00-21:00"}`, `line 4: schedule: weekly: want a list, such as ["Mo-Fr 09:00-17:00"]`},
		{`{zone: Asia/Tokyo, zone: Asia/Seoul, weekly: ["Mo-Su 16:00-21:00"]}`, `line 4: schedule: zone given twice`},
		{`{zone: [Asia/Tokyo], weekly: ["Mo-Su 16:00-21:00"]}`, `line 4: schedule: zone: want an IANA time zone name`},
		{`{zone: Asia/Tokyo, except: [{date: 2026-12-25}], weekly: ["Mo-Su 16:00-21:00"]}`, "line 4: cannot unmarshal !!map into string"},
	} {
		src := "lines:\n  jp-tell:\n    hours: {en: x}\n    schedule: " + tt.yaml + "\n"
		_, err := snippets.Parse([]byte(src))
		var inv *snippets.InvalidError
		if !errors.As(err, &inv) || len(inv.Problems) != 1 || inv.Problems[0].Path != "content" || inv.Problems[0].Message != tt.want {
			t.Errorf("schedule: %s\n  got %v\n want content: %s", tt.yaml, err, tt.want)
		}
	}
	for _, tt := range []struct{ json, want string }{
		{`{"zone":"Asia/Tokyo","weekly":["Mo-Su 16:00-21:00"],"hours":"x"}`, `schedule: json: unknown field "hours"`},
		{`"24/8"`, `schedule: want "24/7" or an object of zone, weekly and except, got "24/8"`},
		{`{"zone":"Asia/Tokyo","weekly":"Mo-Su 16:00-21:00"}`, "schedule: json: cannot unmarshal string into Go struct field"},
	} {
		var l snippets.Line
		err := json.Unmarshal([]byte(`{"schedule":`+tt.json+`}`), &l)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("schedule: %s\n  got %v\n want %s", tt.json, err, tt.want)
		}
	}
}

func TestScheduleRoundTrip(t *testing.T) {
	tokyo := schedule(t, "Asia/Tokyo", []string{"Mo-Su 16:00-21:00"}, "2026-12-31 closed", "2027-01-01 10:00-14:00")
	long := schedule(t, "America/Toronto", []string{"Mo-Fr 09:00-12:00,13:00-17:00", "Sa 10:00-14:00", "Su 12:00-16:00"})
	type doc struct {
		Schedule *snippets.Schedule `yaml:"schedule" json:"schedule"`
	}
	for _, tt := range []struct {
		name       string
		s          *snippets.Schedule
		yaml, json string
	}{
		{"24/7", snippets.Always(), "schedule: \"24/7\"\n", `{"schedule":"24/7"}`},
		{"weekly and exceptions", tokyo,
			"schedule:\n    zone: Asia/Tokyo\n    weekly: [\"Mo-Su 16:00-21:00\"]\n    except: [\"2026-12-31 closed\", \"2027-01-01 10:00-14:00\"]\n",
			`{"schedule":{"zone":"Asia/Tokyo","weekly":["Mo-Su 16:00-21:00"],"except":["2026-12-31 closed","2027-01-01 10:00-14:00"]}}`},
		{"a long list, one entry a line", long,
			"schedule:\n    zone: America/Toronto\n    weekly:\n        - \"Mo-Fr 09:00-12:00,13:00-17:00\"\n        - \"Sa 10:00-14:00\"\n        - \"Su 12:00-16:00\"\n",
			`{"schedule":{"zone":"America/Toronto","weekly":["Mo-Fr 09:00-12:00,13:00-17:00","Sa 10:00-14:00","Su 12:00-16:00"]}}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			y, err := yaml.Marshal(doc{tt.s})
			if err != nil || string(y) != tt.yaml {
				t.Errorf("YAML %v\n%s\nwant\n%s", err, y, tt.yaml)
			}
			var back doc
			if err := yaml.Unmarshal(y, &back); err != nil || !reflect.DeepEqual(back.Schedule, tt.s) {
				t.Errorf("YAML back: %v %+v, want %+v", err, back.Schedule, tt.s)
			}
			j, err := json.Marshal(doc{tt.s})
			if err != nil || string(j) != tt.json {
				t.Errorf("JSON %v %s, want %s", err, j, tt.json)
			}
			back = doc{}
			if err := json.Unmarshal(j, &back); err != nil || !reflect.DeepEqual(back.Schedule, tt.s) {
				t.Errorf("JSON back: %v %+v, want %+v", err, back.Schedule, tt.s)
			}
		})
	}
	// The mapping form of 24/7 reads as 24/7 and is written as the string.
	var d doc
	if err := yaml.Unmarshal([]byte("schedule: {weekly: [\"24/7\"]}"), &d); err != nil || !d.Schedule.IsAlways() {
		t.Fatalf("weekly [24/7]: %v %+v", err, d.Schedule)
	}
	if y, _ := yaml.Marshal(d); string(y) != "schedule: \"24/7\"\n" {
		t.Errorf("weekly [24/7] written as %s", y)
	}
	// A line without a schedule has none in JSON.
	if j, _ := json.Marshal(snippets.Line{Call: "988"}); strings.Contains(string(j), "schedule") {
		t.Errorf("no schedule written as %s", j)
	}
}

// TestPutLineWithSchedule: the admin API's PutLine writes a line's schedule in the content's
// own form, and what it writes parses back to the same schedule.
func TestPutLineWithSchedule(t *testing.T) {
	src := readFixture(t)
	tokyo := schedule(t, "Asia/Tokyo", []string{"Mo-Su 16:00-21:00"}, "2026-12-31 closed", "2027-01-01 10:00-14:00")
	tell := &snippets.Line{Name: snippets.Text{"en": "TELL Lifeline"}, Country: "JP", Call: "03-5774-0992",
		Source: "https://telljp.com/lifeline/", VerifiedOn: "2026-11-01", Schedule: tokyo}
	out, err := snippets.PutLine(src, "jp-tell", tell)
	if err != nil {
		t.Fatal(err)
	}
	const block = "    schedule:\n      zone: Asia/Tokyo\n      weekly: [\"Mo-Su 16:00-21:00\"]\n      except: [\"2026-12-31 closed\", \"2027-01-01 10:00-14:00\"]\n"
	if !strings.Contains(string(out), block) {
		t.Errorf("PutLine wrote\n%s\nwant it to hold\n%s", out, block)
	}
	l, err := snippets.Load(out, snippets.ValidateOptions{Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Warnings) != 0 {
		t.Errorf("warnings: %v", l.Warnings)
	}
	if got := l.Lines["jp-tell"].Schedule; !reflect.DeepEqual(got, tokyo) {
		t.Errorf("schedule back %+v, want %+v", got, tokyo)
	}
	// Putting the line as it was read changes nothing.
	again, err := snippets.PutLine(out, "jp-tell", l.Lines["jp-tell"])
	if err != nil {
		t.Fatal(err)
	}
	if d := changedRows(out, again); len(d) != 0 {
		t.Errorf("putting the line unchanged changed %q", d)
	}
	// 24/7 -> weekly hours -> none -> 24/7 on a line of the fixture.
	ca := *l.Lines["ca-988"]
	ca.Schedule = schedule(t, "America/Toronto", []string{"Mo-Fr 09:00-17:00"})
	out, err = snippets.PutLine(out, "ca-988", &ca)
	if err != nil {
		t.Fatal(err)
	}
	if d := changedRows(again, out); len(d) != 3 || !strings.Contains(d[0], `schedule: "24/7"|schedule:`) {
		t.Errorf("24/7 to weekly hours: %q", d)
	}
	if l, err := snippets.Load(out, snippets.ValidateOptions{Now: fixedNow}); err != nil || !reflect.DeepEqual(l.Lines["ca-988"].Schedule, ca.Schedule) {
		t.Errorf("weekly hours back: %v", err)
	}
	ca.Schedule = nil
	if out, err = snippets.PutLine(out, "ca-988", &ca); err != nil || strings.Contains(string(out), "America/Toronto") {
		t.Fatalf("schedule removed: %v\n%s", err, out)
	}
	ca.Schedule = snippets.Always()
	if out, err = snippets.PutLine(out, "ca-988", &ca); err != nil {
		t.Fatal(err)
	}
	// (The key comes back at the end of the line's mapping, as any field a put adds.)
	if d := changedRows(src, out); !slices.Contains(d, `del:schedule: "24/7"|`) || !slices.Contains(d, `add:|schedule: "24/7"`) {
		t.Errorf("back to 24/7: %q", d)
	}
	if l, err := snippets.Load(out, snippets.ValidateOptions{Now: fixedNow}); err != nil || !l.Lines["ca-988"].Schedule.IsAlways() || len(l.Warnings) != 0 {
		t.Errorf("24/7 back: %v", err)
	}
}

// FuzzScheduleParse: no weekly entry, exception or zone makes the parser or the evaluation
// panic; what compiles gives slots in order within their window, and At agrees with them.
func FuzzScheduleParse(f *testing.F) {
	for _, s := range []string{
		"Mo-Fr 09:00-17:00", "Mo-Su 16:00-21:00", "Fr-Mo 22:00-02:00", "Sa,Su 00:00-24:00", "Mo-We,Fr 09:00-12:00,13:00-17:00",
		"Su 02:30-04:00", "Su 01:00-03:00", "Mo 09:00-09:00", "24/7", "", " ", "Mo", "Mo-", "-Mo 10:00-11:00", "Mo,,Tu 10:00-11:00",
		"Mo 24:00-24:00", "Mo 23:59-00:00", "Mo 99:99-00:00", "Mo 10:00-", "Mo -10:00", "Mo 10:00--11:00", "Mo 10:00-11:00,",
		"2026-12-25 closed", "2026-03-08 02:00-03:00", "2026-02-30 closed", "0000-01-01 closed", "9999-12-31 23:00-01:00",
		"2026-12-25", "closed", "Mo\t10:00-11:00", "Mo 10:00\u201311:00", "Ｍo 10:00-11:00", "\xff\xfe", "America/Toronto", "Local", "../etc/passwd",
	} {
		f.Add(s)
	}
	probe := []time.Time{utc(3, 7, 12, 0), utc(3, 8, 6, 30), utc(11, 1, 5, 30), utc(12, 31, 23, 0)}
	f.Fuzz(func(t *testing.T, entry string) {
		for _, c := range []struct {
			zone           string
			weekly, except []string
		}{
			{"America/Toronto", []string{entry}, nil},
			{"Europe/Rome", []string{"Mo-Su 10:00-24:00"}, []string{entry}},
			{entry, []string{"Mo-Fr 09:00-17:00"}, nil},
		} {
			s, err := snippets.NewSchedule(c.zone, c.weekly, c.except)
			if err != nil {
				if s != nil {
					t.Errorf("NewSchedule(%q, %q, %q) gave a schedule and %v", c.zone, c.weekly, c.except, err)
				}
				continue
			}
			for _, at := range probe {
				to := at.Add(snippets.ScheduleHorizon)
				slots := s.Slots(at, to)
				checkSlots(t, slots, at, to)
				open, change := s.At(at)
				if open != (len(slots) > 0 && slots[0].Start.Equal(at)) {
					t.Errorf("%q at %v: At says open %v, slots %v", entry, at, open, slots)
				}
				if !change.IsZero() && (!change.After(at) || !change.Before(to)) {
					t.Errorf("%q at %v: change %v outside the horizon", entry, at, change)
				}
			}
		}
		var s snippets.Schedule
		_ = json.Unmarshal([]byte(entry), &s)
		_ = yaml.Unmarshal([]byte(entry), &s)
		_ = yaml.Unmarshal([]byte("{weekly: ["+entry+"]}"), &s)
	})
}
