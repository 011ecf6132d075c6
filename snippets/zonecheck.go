package snippets

import (
	"slices"
	"strings"
	"sync"

	"github.com/signpost/edge/configs"
)

// A line's weekly hours are kept in its own time zone (schedule.zone), and visitors see "open
// now" by it: a zone of another country, or of a province other than the ones the line serves,
// shows them the wrong hours, an hour or more off, in silence. The zones are those of
// configs/timezones.tsv (from the tz database's zone1970.tab by scripts/tzgen: each zone's
// country, and its subdivision where it lies in exactly one).

// ShippedTimeZones is configs/timezones.tsv, read once: what the zone checks compare with and
// what an edge places visitors by unless its Config names another table. Read only.
var ShippedTimeZones = sync.OnceValue(func() TimeZones {
	tz, err := ParseTimeZones(configs.TimeZones)
	if err != nil {
		panic("configs/timezones.tsv: " + err.Error()) // embedded and checked by its own test
	}
	return tz
})

// zoneChecks checks each line's schedule zone: a zone that places nobody (UTC, Etc/*: no
// daylight saving time, so the hours are an hour off half the year) is an error; a zone of
// another country than the line's, or of one subdivision when the line is listed in others (a
// line serving Alberta with hours in America/Vancouver), is a warning, since a line may keep
// the clock of the place that runs it (a call centre across a border).
func (v *validator) zoneChecks(c *Content) {
	tz := ShippedTimeZones()
	for _, id := range sortedKeys(c.Lines) {
		l := c.Lines[id]
		if l == nil || l.Schedule == nil || l.Schedule.Zone == "" || !countryPattern.MatchString(l.Country) {
			continue
		}
		path := "lines." + id + ".schedule.zone"
		if slices.ContainsFunc(v.r.Errors, func(p Problem) bool { return p.Path == path }) {
			continue // not a zone at all ("Local", a typo): the schedule's own check said so
		}
		place, known := tz[l.Schedule.Zone]
		switch {
		case !known:
			v.errorf(path, "%s places no visitor in a country (UTC, Etc/*, or not in configs/timezones.tsv): give the zone of a place the line serves, such as %q", l.Schedule.Zone, "America/Toronto")
			continue
		case place[:2] != l.Country:
			v.warnf(path, "%s is a zone of %s, not of %s, the line's country: its hours would be read on another country's clock", l.Schedule.Zone, place[:2], l.Country)
			continue
		case len(place) == 2:
			continue // the zone spans subdivisions: nothing finer to compare
		}
		var served []string
		for _, code := range sortedKeys(c.Regions) {
			if r := c.Regions[code]; r != nil && len(code) > 2 && slices.Contains(r.Lines, id) {
				served = append(served, code)
			}
		}
		if len(served) > 0 && !slices.Contains(served, place) {
			v.warnf(path, "%s is the clock of %s, but the line is listed in %s: check that its hours are kept in the zone of a place it serves", l.Schedule.Zone, place, strings.Join(served, ", "))
		}
	}
}
