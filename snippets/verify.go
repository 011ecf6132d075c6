package snippets

import (
	"errors"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// A crisis line's verification record: where its facts come from (source), when (verified_on),
// how (verified_how, with verified_note when "other"), by whom (verified_by) and when it is due
// again (next_check). Validate warns when a check is due within DueWithin or overdue, and
// refuses a line last checked more than LapseAfterMonths ago; RecheckQueue lists the lines due;
// RecordCheck is the edit of "checked today" (POST /v1/admin/lines/{id}/checked).

// The ways a line's facts are checked (verified_how).
const (
	// VerifiedOfficialPage: the service's own page (or its operator's) says so.
	VerifiedOfficialPage = "official_page"
	// VerifiedServiceConfirmed: the service confirmed it (by email, by phone).
	VerifiedServiceConfirmed = "service_confirmed"
	// VerifiedOther: anything else, said in verified_note (a regulator's decision, a news
	// release, a directory).
	VerifiedOther = "other"
)

// VerifyMethods are the values of verified_how.
var VerifyMethods = []string{VerifiedOfficialPage, VerifiedServiceConfirmed, VerifiedOther}

const (
	// CheckEveryMonths is how long a check holds when next_check does not say.
	CheckEveryMonths = 12
	// DefaultDueWithin is how long before its next check a line is reported as due.
	DefaultDueWithin = 30 * 24 * time.Hour
	// DefaultLapseAfterMonths is the age of a check past which the line may not be published.
	DefaultLapseAfterMonths = 24

	// maxVerifiedNote and maxVerifiedBy bound the record's free text: a sentence, a name.
	maxVerifiedNote = 200
	maxVerifiedBy   = 100
)

var errNextCheckOrder = errors.New("next_check is not after verified_on")

// nextCheck is when line l, last checked on verifiedOn, is due again: next_check, else
// CheckEveryMonths later.
func nextCheck(l *Line, verifiedOn time.Time) (time.Time, error) {
	if l.NextCheck == "" {
		return verifiedOn.AddDate(0, CheckEveryMonths, 0), nil
	}
	n, err := time.Parse(dateLayout, l.NextCheck)
	if err != nil {
		return time.Time{}, err
	}
	if !n.After(verifiedOn) {
		return time.Time{}, errNextCheckOrder
	}
	return n, nil
}

// lapsesOn is the first day a line last checked on verifiedOn is more than months old.
func lapsesOn(verifiedOn time.Time, months int) time.Time {
	return verifiedOn.AddDate(0, months, 1)
}

// The states of a line in the re-check queue.
const (
	RecheckLapsed  = "lapsed"  // last checked more than LapseAfterMonths ago: an error
	RecheckOverdue = "overdue" // its next check has passed
	RecheckDue     = "due"     // its next check is within DueWithin
)

// Recheck is one line of the re-check queue, with its verification record.
type Recheck struct {
	ID      string `json:"id"`
	Name    Text   `json:"name"`
	Country string `json:"country"`
	State   string `json:"state"`
	// Due is the date of the next check (next_check, or verified_on plus 12 months); Days how
	// many days from now, negative when overdue.
	Due          string `json:"due"`
	Days         int    `json:"days"`
	Source       string `json:"source"`
	VerifiedOn   string `json:"verified_on"`
	VerifiedHow  string `json:"verified_how,omitempty"`
	VerifiedNote string `json:"verified_note,omitempty"`
	VerifiedBy   string `json:"verified_by,omitempty"`
	NextCheck    string `json:"next_check,omitempty"`
}

// RecheckQueue lists the lines of c whose check has lapsed, is overdue or is due within opts'
// DueWithin at opts' Now, the soonest due first (then by id). A line whose dates do not parse
// is left to Validate, which names it.
func RecheckQueue(c *Content, opts ValidateOptions) []Recheck {
	if opts.DueWithin == 0 {
		opts.DueWithin = DefaultDueWithin
	}
	if opts.LapseAfterMonths == 0 {
		opts.LapseAfterMonths = DefaultLapseAfterMonths
	}
	out := []Recheck{}
	for _, id := range sortedKeys(c.Lines) {
		l := c.Lines[id]
		if l == nil {
			continue
		}
		on, err := time.Parse(dateLayout, l.VerifiedOn)
		if err != nil {
			continue
		}
		next, err := nextCheck(l, on)
		if err != nil {
			continue
		}
		state := ""
		switch {
		case !opts.Now.Before(lapsesOn(on, opts.LapseAfterMonths)):
			state = RecheckLapsed
		case !opts.Now.Before(next):
			state = RecheckOverdue
		case next.Sub(opts.Now) <= opts.DueWithin:
			state = RecheckDue
		default:
			continue
		}
		out = append(out, Recheck{ID: id, Name: l.Name, Country: l.Country, State: state,
			Due: next.Format(dateLayout), Days: daysUntil(opts.Now, next),
			Source: l.Source, VerifiedOn: l.VerifiedOn, VerifiedHow: l.VerifiedHow,
			VerifiedNote: l.VerifiedNote, VerifiedBy: l.VerifiedBy, NextCheck: l.NextCheck})
	}
	slices.SortStableFunc(out, func(a, b Recheck) int { return strings.Compare(a.Due, b.Due) })
	return out
}

// daysUntil counts the calendar days (UTC) from now to day: 0 on the day, -1 the day after.
func daysUntil(now, day time.Time) int {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return int(day.Sub(today).Hours() / 24)
}

// Check is one re-check of a crisis line: how (VerifyMethods), against what (Source, "" keeps
// the line's), with what note, by whom and on which day.
type Check struct {
	How, Source, Note, By string
	On                    time.Time
}

// RecordCheck records check c of line id: verified_on (c.On's date in UTC), verified_how,
// verified_note (removed when c.Note is empty: an earlier check's note would misdescribe this
// one), verified_by, next_check (CheckEveryMonths on) and, when given, source. Keys the line
// lacks are written after verified_on; nothing else of the line changes. Like the other edits
// it does not validate (an unknown how, "other" without a note are the store's 422).
func RecordCheck(src []byte, id string, c Check) ([]byte, error) {
	on := c.On.UTC()
	day := time.Date(on.Year(), on.Month(), on.Day(), 0, 0, 0, 0, time.UTC)
	return edit(src, func(root *yaml.Node) error {
		line := mapValue(mapValue(root, "lines"), id)
		if line == nil || line.Kind != yaml.MappingNode {
			return &NoSuchError{"line", id}
		}
		set := []struct{ key, value string }{
			{"source", c.Source},
			{"verified_on", day.Format(dateLayout)},
			{"verified_how", c.How},
			{"verified_note", c.Note},
			{"verified_by", c.By},
			{"next_check", day.AddDate(0, CheckEveryMonths, 0).Format(dateLayout)},
		}
		after := "verified_on"
		for _, f := range set {
			switch {
			case f.value == "" && f.key == "verified_note":
				if err := mergeFields(line, nil, map[string]bool{f.key: true}); err != nil {
					return err
				}
				continue
			case f.value == "":
				continue
			}
			if err := setAfter(line, after, f.key, f.value); err != nil {
				return err
			}
			if f.key != "source" {
				after = f.key
			}
		}
		return nil
	})
}

// setAfter sets key of mapping m to value: in place when m has it (keeping its comments and
// quoting), else inserted after key after (or at the end), quoted as that key's value is.
func setAfter(m *yaml.Node, after, key, value string) error {
	n, err := encode(value)
	if err != nil {
		return err
	}
	if keyIndex(m, key) >= 0 {
		return mergeFields(m, []field{{key, n, value}}, nil)
	}
	i := keyIndex(m, after)
	if i < 0 {
		m.Content = append(m.Content, keyNode(key), n)
		return nil
	}
	restyle(n, m.Content[i+1])
	m.Content = slices.Insert(m.Content, i+2, keyNode(key), n)
	return nil
}
