package snippets

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Problem is one validation finding, named by its field path
// (`partners.mhcc.featured[2]: unknown resource "x"`).
type Problem struct {
	Path    string `json:"field"`
	Message string `json:"message"`
	// Code names the message (problemCode; "problem.<code>" in words/en.json and fr.json):
	// what the console translates by, with Args.
	Code string   `json:"code,omitempty"`
	Args []string `json:"args,omitempty"`
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Report is the outcome of Validate: errors make content unusable, warnings do not.
type Report struct {
	Errors   []Problem
	Warnings []Problem
}

// ValidateOptions sets what validation compares against.
type ValidateOptions struct {
	// Now is the time that re-check dates and date windows are judged at.
	Now time.Time
	// DueWithin is how long before a line's next check (next_check, else verified_on plus
	// CheckEveryMonths) it is reported as due, a warning like a check overdue; 0 means
	// DefaultDueWithin.
	DueWithin time.Duration
	// LapseAfterMonths is the age in months of verified_on past which a line has lapsed; 0
	// means DefaultLapseAfterMonths. A lapsed line is a warning (line_lapsed: the console's
	// re-check queue and every publish show it), and an error under Strict.
	LapseAfterMonths int
	// Strict makes a lapsed line an error: `edge check`, the gate a content change passes
	// before it is proposed. Serving, publishing and applying a version leave it a warning: a
	// version valid yesterday must not become one that edges refuse at startup or that blocks
	// an emergency notice today, because a date passed.
	Strict bool
}

// maxEmergencyNote is the longest emergency_note, in characters: two lines of the banner's
// emergency button on a 390 px phone.
const maxEmergencyNote = 48

var (
	idPattern      = regexp.MustCompile(IDPattern)
	regionPattern  = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	langPattern    = regexp.MustCompile(`^[a-z]{2,3}$`)
	keywordPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,20}$`)
	accentPattern  = regexp.MustCompile(AccentPattern)
	telPattern     = regexp.MustCompile(`^\+?[0-9]{2,15}$`)
)

type validator struct {
	opts ValidateOptions
	r    Report
}

func (v *validator) errorf(path, format string, args ...any) {
	v.r.Errors = append(v.r.Errors, problem(path, format, args...))
}

func (v *validator) warnf(path, format string, args ...any) {
	v.r.Warnings = append(v.r.Warnings, problem(path, format, args...))
}

// Validate checks every rule of the content model and returns every problem found, in the order
// of the document's sections with map keys sorted, so that the output is stable.
func (c *Content) Validate(opts ValidateOptions) Report {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.DueWithin == 0 {
		opts.DueWithin = DefaultDueWithin
	}
	if opts.LapseAfterMonths == 0 {
		opts.LapseAfterMonths = DefaultLapseAfterMonths
	}
	v := &validator{opts: opts}
	v.lines(c)
	v.regions(c)
	v.unknown(&c.Unknown)
	resources := v.resources(c.Resources)
	v.partners(c, resources)
	v.feedback(&c.Feedback)
	v.notices(c)
	v.safety(c)
	v.dialChecks(c)
	v.zoneChecks(c)
	v.safeMessaging(c)
	return v.r
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}

func (v *validator) text(path string, t Text, required bool) {
	for _, loc := range sortedKeys(t) {
		if !slices.Contains(Locales, loc) {
			v.errorf(path+"."+string(loc), "unsupported locale (want one of en, fr)")
		}
	}
	if required && strings.TrimSpace(t[English]) == "" {
		v.errorf(path+".en", "required")
	}
}

func (v *validator) url(path, s string, required bool) {
	if s == "" {
		if required {
			v.errorf(path, "required")
		}
		return
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		v.errorf(path, "not an absolute http(s) URL: %q", s)
		return
	}
	v.shownString(path, s, 0)
}

func (v *validator) languages(path string, langs []string) {
	for i, l := range langs {
		switch {
		case !langPattern.MatchString(l):
			v.errorf(fmt.Sprintf("%s[%d]", path, i), "not an ISO 639 language code: %q", l)
		case !hasLanguageName(l) && strings.HasPrefix(path, "lines."):
			v.warnf(fmt.Sprintf("%s[%d]", path, i), "visitors read %q as it is: give the language its English and French names in snippets (ways.go)", l)
		}
	}
}

func (v *validator) lines(c *Content) {
	if len(c.Lines) == 0 {
		v.errorf("lines", "required: at least one crisis line")
	}
	for _, id := range sortedKeys(c.Lines) {
		p := "lines." + id
		l := c.Lines[id]
		if l == nil {
			v.errorf(p, "empty line")
			continue
		}
		if !idPattern.MatchString(id) {
			v.errorf(p, "id must be lower-case letters, digits and hyphens")
		}
		v.text(p+".name", l.Name, true)
		v.shown(p+".name", l.Name, maxLabel)
		if !countryPattern.MatchString(l.Country) {
			v.errorf(p+".country", "required: an ISO 3166-1 alpha-2 code, got %q", l.Country)
		}
		if l.Call == "" && l.Text == "" && l.ChatURL == "" {
			v.errorf(p, "a line needs at least one of call, text, chat_url")
		}
		if l.Call != "" {
			v.lineNumber(p+".call", l.Call, phoneNumber, callFormat)
		}
		if l.CallTel != "" {
			if l.Call == "" {
				v.errorf(p+".call_tel", "given without call")
			}
			v.lineNumber(p+".call_tel", l.CallTel, dialable, telFormat)
		}
		v.text(p+".call_hint", l.CallHint, false)
		v.shown(p+".call_hint", l.CallHint, maxLabel)
		if l.Text != "" {
			v.lineNumber(p+".text", l.Text, phoneNumber, textFormat)
		}
		if l.Keyword != "" {
			if l.Text == "" {
				v.errorf(p+".keyword", "a keyword needs a text number")
			}
			if !keywordPattern.MatchString(l.Keyword) {
				v.errorf(p+".keyword", "must be letters and digits: %q", l.Keyword)
			}
		}
		v.url(p+".chat_url", l.ChatURL, false)
		v.text(p+".hours", l.Hours, l.Schedule == nil)
		v.shown(p+".hours", l.Hours, maxLabel)
		if l.Schedule == nil {
			v.warnf(p+".schedule", "hours are free text: give schedule (\"24/7\" or weekly hours) so that visitors see whether the line is open now")
		} else {
			v.schedule(p+".schedule", l.Schedule)
		}
		v.text(p+".audience", l.Audience, false)
		v.shown(p+".audience", l.Audience, maxLabel)
		v.languages(p+".languages", l.Languages)
		v.languages(p+".languages_on_request", l.LanguagesOnRequest)
		for i, a := range l.Access {
			if _, ok := AccessKinds[a]; !ok {
				v.errorf(fmt.Sprintf("%s.access[%d]", p, i), "must be one of %s, got %q", strings.Join(sortedKeys(AccessKinds), ", "), a)
			}
		}
		v.url(p+".source", l.Source, true)
		v.verified(p, l)
		v.status(c, p, l)
	}
}

// verified checks line l's verification record (verify.go): how and by whom it was checked,
// and when. A check due within DueWithin, or overdue, is a warning; a line last checked more
// than LapseAfterMonths ago is a warning that `edge check` (Strict) makes an error, so that a
// number nobody has looked at for two years does not pass review unseen.
func (v *validator) verified(p string, l *Line) {
	switch {
	case l.VerifiedHow == "":
	case !slices.Contains(VerifyMethods, l.VerifiedHow):
		v.errorf(p+".verified_how", "must be one of %s, got %q", strings.Join(VerifyMethods, ", "), l.VerifiedHow)
	case l.VerifiedHow == VerifiedOther && strings.TrimSpace(l.VerifiedNote) == "":
		v.errorf(p+".verified_note", "required when verified_how is other: say how the line was checked")
	}
	v.shownString(p+".verified_note", l.VerifiedNote, maxVerifiedNote)
	v.shownString(p+".verified_by", l.VerifiedBy, maxVerifiedBy)
	path, s := p+".verified_on", l.VerifiedOn
	if s == "" {
		v.errorf(path, "required: the date the line was last checked against its source")
		return
	}
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		v.errorf(path, "not a date (want YYYY-MM-DD): %q", s)
		return
	}
	if v.opts.Now.Sub(d) < -24*time.Hour {
		v.errorf(path, "%s is in the future", s)
		return
	}
	next, err := nextCheck(l, d)
	if err != nil {
		if err == errNextCheckOrder {
			v.errorf(p+".next_check", "must be after verified_on (%s)", s)
		} else {
			v.errorf(p+".next_check", "not a date (want YYYY-MM-DD): %q", l.NextCheck)
		}
		return
	}
	switch due := next.Format(dateLayout); {
	case !v.opts.Now.Before(lapsesOn(d, v.opts.LapseAfterMonths)):
		report := v.warnf
		if v.opts.Strict {
			report = v.errorf
		}
		report(path, "last checked %s, more than %d months ago: re-check the line against its source (or take it out) before publishing", s, v.opts.LapseAfterMonths)
	case !v.opts.Now.Before(next):
		v.warnf(p+".next_check", "re-check overdue since %s: check the line against its source and record it", due)
	case next.Sub(v.opts.Now) <= v.opts.DueWithin:
		v.warnf(p+".next_check", "re-check due on %s: check the line against its source and record it", due)
	}
}

func (v *validator) regions(c *Content) {
	if len(c.Regions) == 0 {
		v.errorf("regions", "required: at least one region")
	}
	for _, code := range sortedKeys(c.Regions) {
		p := "regions." + code
		r := c.Regions[code]
		if r == nil {
			v.errorf(p, "empty region")
			continue
		}
		if !regionPattern.MatchString(code) {
			v.errorf(p, "not an ISO 3166 code (\"CA\" or \"CA-QC\")")
		}
		v.text(p+".name", r.Name, false)
		v.shown(p+".name", r.Name, maxName)
		v.text(p+".emergency_note", r.EmergencyNote, len(r.Emergency) == 0 && len(r.EmergencyNote) > 0)
		v.shown(p+".emergency_note", r.EmergencyNote, 0)
		switch {
		case len(r.Emergency) == 0 && len(r.EmergencyNote) == 0:
			v.errorf(p+".emergency", "required: the region's emergency number (or, where none serves the whole region, emergency_note saying whom to call)")
		case len(r.Emergency) > 0 && len(r.EmergencyNote) > 0:
			v.errorf(p+".emergency_note", "only where the region has no emergency number: the button names %s", r.Emergency[0])
		}
		for _, loc := range sortedKeys(r.EmergencyNote) {
			if ns := numbersOf(r.EmergencyNote[loc]); len(ns) > 0 {
				v.errorf(p+".emergency_note."+string(loc), "names %q: the note says whom to call, a number goes in emergency", ns[0].Text)
			} else if n := len([]rune(r.EmergencyNote[loc])); n > maxEmergencyNote {
				v.errorf(p+".emergency_note."+string(loc), "%d characters: at most %d fit in the emergency button's place on a phone", n, maxEmergencyNote)
			}
		}
		for i, n := range r.Emergency {
			v.lineNumber(fmt.Sprintf("%s.emergency[%d]", p, i), n, dialable, textFormat)
		}
		v.text(p+".message", r.Message, true)
		v.shown(p+".message", r.Message, maxRegionMessage)
		seen := map[string]bool{}
		for i, id := range r.Lines {
			lp := fmt.Sprintf("%s.lines[%d]", p, i)
			l, ok := c.Lines[id]
			switch {
			case !ok || l == nil:
				v.errorf(lp, "unknown line %q", id)
				continue
			case l.Retired():
				v.retiredListed(lp, id)
			case seen[id]:
				v.errorf(lp, "line %q listed twice", id)
			case len(code) >= 2 && l.Country != code[:2]:
				v.errorf(lp, "line %q serves %s, not %s", id, l.Country, code[:2])
			}
			seen[id] = true
		}
		// A number in the message that is not one of the region's own is a copy error of the
		// most dangerous kind: it would send a visitor to a line that does not serve them.
		known := c.entryNumbers(code)
		for _, loc := range Locales {
			for _, n := range numbersOf(r.Message[loc]) {
				// A number that does not reach the region at all is named by the safety check.
				if n.Unreadable {
					v.unreadable(p+".message."+string(loc), n, known)
				} else if _, ok := known.has(n.Digits); !ok && len(strings.TrimPrefix(n.Digits, "+")) >= 3 && !Unreached(code, n.Digits) {
					v.errorf(p+".message."+string(loc), "names %q, which is not an emergency number or line of this region", n.Text)
				}
			}
		}
	}
}

// digits keeps the digits of a number, of any script written as ASCII, and a leading plus.
func digits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if d, _ := asciiDigit(r); d != 0 {
			b.WriteByte(d)
		} else if r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (v *validator) unknown(u *UnknownRegion) {
	v.text("unknown_region.message", u.Message, true)
	v.shown("unknown_region.message", u.Message, maxSentence)
	if ns := numbersOf(u.Message[English] + " " + u.Message[French]); len(ns) > 0 {
		v.errorf("unknown_region.message", "names %q: the unknown-region message must not name any number", ns[0].Text)
	}
	v.url("unknown_region.directory_url", u.DirectoryURL, true)
	v.text("unknown_region.directory_label", u.DirectoryLabel, true)
	v.shown("unknown_region.directory_label", u.DirectoryLabel, maxLabel)
}

func (v *validator) resources(rs []*Resource) map[string]bool {
	ids := map[string]bool{}
	for i, r := range rs {
		p := fmt.Sprintf("resources[%d]", i)
		if r == nil {
			v.errorf(p, "empty resource")
			continue
		}
		if !idPattern.MatchString(r.ID) {
			v.errorf(p+".id", "required: lower-case letters, digits and hyphens, got %q", r.ID)
		} else if ids[r.ID] {
			v.errorf(p+".id", "duplicate resource id %q", r.ID)
		}
		ids[r.ID] = true
		if !slices.Contains(ResourceTypes, r.Type) {
			v.errorf(p+".type", "must be one of %s, got %q", strings.Join(ResourceTypes, ", "), r.Type)
		}
		v.text(p+".title", r.Title, true)
		v.shown(p+".title", r.Title, maxLabel)
		v.text(p+".summary", r.Summary, true)
		v.shown(p+".summary", r.Summary, maxSentence)
		v.text(p+".url", r.URL, true)
		for _, loc := range Locales {
			v.url(p+".url."+string(loc), r.URL[loc], false)
		}
		if r.SizeBytes < 0 {
			v.errorf(p+".size_bytes", "must not be negative")
		}
		if r.Type == "pdf" && r.SizeBytes == 0 {
			v.errorf(p+".size_bytes", "required for a pdf: visitors are told the size before they download")
		}
		v.languages(p+".languages", r.Languages)
		start, okStart := v.when(p+".starts_on", r.StartsOn, parseWhen)
		end, okEnd := v.when(p+".ends_on", r.EndsOn, parseEnd)
		if okStart && okEnd && !end.After(start) {
			v.errorf(p+".ends_on", "must be after starts_on")
		}
	}
	return ids
}

func (v *validator) when(path, s string, parse func(string) (time.Time, bool)) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, ok := parse(s)
	if !ok {
		v.errorf(path, "not a date (YYYY-MM-DD) or RFC 3339 time: %q", s)
	}
	return t, ok
}

func (v *validator) partners(c *Content, resources map[string]bool) {
	if len(c.Partners) == 0 {
		v.errorf("partners", "required: at least one partner")
	}
	for _, id := range sortedKeys(c.Partners) {
		p := "partners." + id
		pt := c.Partners[id]
		if pt == nil {
			v.errorf(p, "empty partner")
			continue
		}
		if !idPattern.MatchString(id) {
			v.errorf(p, "id must be lower-case letters, digits and hyphens")
		}
		if strings.TrimSpace(pt.Name) == "" {
			v.errorf(p+".name", "required")
		}
		// Shown on the embed builder, a public page.
		v.shownString(p+".name", pt.Name, maxName)
		for i, o := range pt.Origins {
			if err := checkOrigin(o); err != "" {
				v.errorf(fmt.Sprintf("%s.origins[%d]", p, i), err, o)
			}
		}
		if pt.Region != "" && !regionPattern.MatchString(pt.Region) {
			v.errorf(p+".region", "not an ISO 3166 code (\"CA\" or \"CA-QC\"): %q", pt.Region)
		}
		for i, code := range pt.Regions {
			if c.Regions[code] == nil {
				v.errorf(fmt.Sprintf("%s.regions[%d]", p, i), "no region entry %q: list entries of regions", code)
			}
		}
		if pt.Locale != "" && !slices.Contains(Locales, pt.Locale) {
			v.errorf(p+".locale", "unsupported locale %q (want en or fr)", pt.Locale)
		}
		seen := map[string]bool{}
		for i, rid := range pt.Featured {
			fp := fmt.Sprintf("%s.featured[%d]", p, i)
			switch {
			case !resources[rid]:
				v.errorf(fp, "unknown resource %q", rid)
			case seen[rid]:
				v.errorf(fp, "resource %q featured twice", rid)
			}
			seen[rid] = true
		}
		for i, comp := range pt.Components {
			if !slices.Contains(Components, comp) {
				v.errorf(fmt.Sprintf("%s.components[%d]", p, i), "must be one of %s, got %q", strings.Join(Components, ", "), comp)
			}
		}
		if len(pt.Components) > 0 && !slices.Contains(pt.Components, "banner") {
			v.errorf(p+".components", "must include banner: the crisis banner is never left out")
		}
		if pt.Accent != "" && !accentPattern.MatchString(pt.Accent) {
			v.errorf(p+".accent", "not a #rrggbb colour: %q", pt.Accent)
		}
		v.url(p+".exit_url", pt.ExitURL, slices.Contains(pt.Components, "exit"))
	}
}

// checkOrigin accepts "scheme://host[:port]" and "scheme://host:*"; it returns what is wrong.
func checkOrigin(o string) string {
	host := o
	switch {
	case strings.HasPrefix(o, "https://"):
		host = o[len("https://"):]
	case strings.HasPrefix(o, "http://"):
		host = o[len("http://"):]
	default:
		return originNoScheme
	}
	host = strings.TrimSuffix(host, ":*")
	if host == "" || strings.ContainsAny(host, "/?#@* ") || strings.ToLower(host) != host {
		return originShape
	}
	if _, err := url.Parse(strings.TrimSuffix(o, ":*")); err != nil {
		return originInvalid
	}
	return ""
}

func (v *validator) feedback(f *FeedbackPrompt) {
	for _, t := range []struct {
		key  string
		text Text
	}{
		{"found", f.Found}, {"helpful", f.Helpful}, {"comment", f.Comment}, {"followup", f.Followup},
		{"email", f.Email}, {"not_monitored", f.NotMonitored}, {"thanks", f.Thanks}, {"yes", f.Yes},
		{"no", f.No}, {"send", f.Send}, {"answer_required", f.AnswerRequired},
		{"email_invalid", f.EmailInvalid}, {"crisis_intro", f.CrisisIntro},
		{"rate_limited", f.RateLimited}, {"send_failed", f.SendFailed},
	} {
		p := "feedback." + t.key
		v.text(p, t.text, true)
		v.shown(p, t.text, maxSentence)
		// The form is the same in every region and where there is none: a number in it would
		// reach visitors it does not serve ("call 988" in the United Kingdom).
		for _, loc := range sortedKeys(t.text) {
			for _, n := range numbersOf(t.text[loc]) {
				if n.Unreadable || len(strings.TrimPrefix(n.Digits, "+")) >= 3 {
					v.errorf(p+"."+string(loc), "names %q: the feedback form is shown in every region and where there is none, so it names no number; the banner above it has the region's lines", n.Text)
					break
				}
			}
		}
	}
	for _, loc := range sortedKeys(f.RateLimited) {
		if !strings.Contains(f.RateLimited[loc], "{seconds}") {
			v.errorf("feedback.rate_limited."+string(loc), "must say when to retry with {seconds}")
		}
	}
}
