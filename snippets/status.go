package snippets

// A crisis line's status (issue 24, "Line status"): active, degraded with a short message that
// gives the alternate way in ("Calls are failing. Text 988 instead."), optionally until a time,
// or retired. A retired line is never served and stays in content for history; no region may
// list it. A degraded line is served with its message beside it until status_until, judged at
// the serving clock, after which it is active again without anyone publishing.

import (
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// The statuses of a line. Absent (""), a line is active.
const (
	StatusActive   = "active"
	StatusDegraded = "degraded"
	StatusRetired  = "retired"
)

// LineStatuses are the values of a line's status.
var LineStatuses = []string{StatusActive, StatusDegraded, StatusRetired}

// maxStatusMessage is the longest status message, in characters: it sits under the line's
// name on a phone, beside the call and text buttons, so it is a sentence or two at most.
const maxStatusMessage = 160

// statusKeys are the YAML keys of a line's status: the status edit writes them and nothing
// else, and a line edit that gives no status leaves them as they are.
var statusKeys = map[string]bool{"status": true, "status_message": true, "status_until": true}

// Degraded reports whether the line is degraded at now: its message is in force, and until is
// when it ends (zero: until an operator switches it back).
func (l *Line) Degraded(now time.Time) (until time.Time, ok bool) {
	if l.Status != StatusDegraded {
		return time.Time{}, false
	}
	if l.StatusUntil == "" {
		return time.Time{}, true
	}
	t, err := time.Parse(time.RFC3339, l.StatusUntil)
	if err != nil || !now.Before(t) {
		return time.Time{}, false
	}
	return t, true
}

// Retired reports whether the line is retired: never served.
func (l *Line) Retired() bool { return l.Status == StatusRetired }

// LineStatus is a status switch of one line (SetLineStatus): the status, and for a degraded
// line its message and when it ends ("" for no end).
type LineStatus struct {
	Status  string
	Message Text
	Until   string
}

// SetLineStatus sets line id's status keys (status, status_message, status_until) and nothing
// else of the line. Active removes them all (an absent status is active); retired keeps no
// message or end. Like the other edits it does not validate: an unknown status, a degraded
// line without a message or a message naming another region's number is the store's 422.
func SetLineStatus(src []byte, id string, st LineStatus) ([]byte, error) {
	return edit(src, func(root *yaml.Node) error {
		line := mapValue(mapValue(root, "lines"), id)
		if line == nil || line.Kind != yaml.MappingNode {
			return &NoSuchError{"line", id}
		}
		s := struct {
			Status  string `yaml:"status,omitempty"`
			Message Text   `yaml:"status_message,omitempty"`
			Until   string `yaml:"status_until,omitempty"`
		}{Status: st.Status}
		switch st.Status {
		case StatusActive:
			s.Status = ""
		case StatusRetired:
		default:
			s.Message, s.Until = st.Message, st.Until
		}
		fields, err := fieldsOf(&s)
		if err != nil {
			return err
		}
		return mergeFields(line, fields, statusKeys)
	})
}

// status checks line l's status (path p is "lines.<id>"): a known value; for a degraded line
// a message in English (and French where given) with the checks of every text visitors read,
// naming only numbers of every region entry listing the line, and an RFC 3339 end; nothing of
// the kind for another status, where it would lie unseen until someone degrades the line.
func (v *validator) status(c *Content, p string, l *Line) {
	if l.Status != "" && !slices.Contains(LineStatuses, l.Status) {
		v.errorf(p+".status", "must be one of %s, got %q", strings.Join(LineStatuses, ", "), l.Status)
	}
	if l.Status != StatusDegraded {
		if len(l.StatusMessage) > 0 || l.StatusUntil != "" {
			v.errorf(p+".status", "status_message and status_until are given only with status degraded")
		}
		return
	}
	v.text(p+".status_message", l.StatusMessage, true)
	v.shown(p+".status_message", l.StatusMessage, maxStatusMessage)
	v.statusNumbers(c, p+".status_message", l)
	if l.StatusUntil != "" {
		if _, err := time.Parse(time.RFC3339, l.StatusUntil); err != nil {
			v.errorf(p+".status_until", "not an RFC 3339 time: %q", l.StatusUntil)
		}
	}
}

// statusNumbers refuses, in a degraded line's message, a number that is not a line or
// emergency number of every region entry listing the line: the message is shown beside the
// line wherever it is, so "text 988 instead" must serve each of those visitors. A number that
// does not reach an entry or was withdrawn is named by the safety check. A line no region
// lists is shown nowhere: its message is checked when a region lists it.
func (v *validator) statusNumbers(c *Content, path string, l *Line) {
	codes := c.listing(l.ID)
	sets := make([]numberSet, 0, len(codes))
	for _, code := range codes {
		sets = append(sets, c.entryNumbers(code))
	}
	for _, loc := range sortedKeys(l.StatusMessage) {
		lp := path + "." + string(loc)
		for _, num := range numbersOf(l.StatusMessage[loc]) {
			if num.Unreadable {
				v.unreadable(lp, num, sets...)
				continue
			}
			if len(strings.TrimPrefix(num.Digits, "+")) < 3 || Withdrawn(l.Country, num.Digits) != "" {
				continue
			}
			var missing []string
			for i, code := range codes {
				if _, ok := sets[i].has(num.Digits); !ok && !Unreached(code, num.Digits) {
					missing = append(missing, code)
				}
			}
			if len(missing) > 0 {
				v.errorf(lp, "names %q, which is not a line or emergency number of %s: a status message may name only numbers of every region entry listing the line", num.Text, strings.Join(missing, ", "))
			}
		}
	}
}

// listing are the region entries that list line id, sorted.
func (c *Content) listing(id string) []string {
	var out []string
	for _, code := range sortedKeys(c.Regions) {
		if r := c.Regions[code]; r != nil && slices.Contains(r.Lines, id) {
			out = append(out, code)
		}
	}
	return out
}

// retiredListed refuses a region listing a retired line (lp is the list item's path).
func (v *validator) retiredListed(lp, id string) {
	v.errorf(lp, "line %q is retired: take it out of the region (a retired line is kept for history, never shown)", id)
}
