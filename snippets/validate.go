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
	// Code names the message (problemText): what the console translates by, with Args.
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
	// Now is the time that staleness and date windows are judged at.
	Now time.Time
	// StaleAfter is the age of verified_on past which a line is reported for re-checking.
	StaleAfter time.Duration
}

// maxEmergencyNote is the longest emergency_note, in characters: two lines of the banner's
// emergency button on a 390 px phone.
const maxEmergencyNote = 48

// DefaultStaleAfter is the 365 days after which a crisis line must be re-checked.
const DefaultStaleAfter = 365 * 24 * time.Hour

var (
	idPattern      = regexp.MustCompile(IDPattern)
	regionPattern  = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	langPattern    = regexp.MustCompile(`^[a-z]{2,3}$`)
	numberPattern  = regexp.MustCompile(`^\+?[0-9]([0-9 .-]*[0-9])?$`)
	keywordPattern = regexp.MustCompile(`^[A-Za-z0-9]{1,20}$`)
	accentPattern  = regexp.MustCompile(AccentPattern)
	telPattern     = regexp.MustCompile(`^\+?[0-9]{2,15}$`)
	// numberInText finds numbers in a banner message, digits joined by single separators
	// ("9-1-1", "116 123"); runs of fewer than three digits are times and counts ("24/7").
	numberInText = regexp.MustCompile(`[0-9](?:[ .-]?[0-9])*`)
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
	if opts.StaleAfter == 0 {
		opts.StaleAfter = DefaultStaleAfter
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
	return v.r
}

func (v *validator) notices(c *Content) {
	ids := map[string]bool{}
	for i, n := range c.Notices {
		p := fmt.Sprintf("notices[%d]", i)
		if n == nil {
			v.errorf(p, "empty notice")
			continue
		}
		if !idPattern.MatchString(n.ID) {
			v.errorf(p+".id", "required: lower-case letters, digits and hyphens, got %q", n.ID)
		} else if ids[n.ID] {
			v.errorf(p+".id", "duplicate notice id %q", n.ID)
		}
		ids[n.ID] = true
		v.text(p+".message", n.Message, true)
		v.url(p+".url", n.URL, false)
		for j, id := range n.Partners {
			if c.Partners[id] == nil {
				v.errorf(fmt.Sprintf("%s.partners[%d]", p, j), "unknown partner %q", id)
			}
		}
		for j, code := range n.Regions {
			rp := fmt.Sprintf("%s.regions[%d]", p, j)
			switch {
			case !regionPattern.MatchString(code):
				v.errorf(rp, "not an ISO 3166 code (\"CA\" or \"CA-QC\"): %q", code)
			case len(code) > 2 && c.Regions[code] == nil:
				v.errorf(rp, "no region entry %s: its visitors are served by %s, so name that", code, code[:2])
			}
		}
		if n.ExpiresAt == "" {
			v.errorf(p+".expires_at", "required: an RFC 3339 time after which the notice is no longer shown")
		} else if _, err := time.Parse(time.RFC3339, n.ExpiresAt); err != nil {
			v.errorf(p+".expires_at", "not an RFC 3339 time: %q", n.ExpiresAt)
		}
	}
	v.overlaps(c.Notices)
}

// overlaps refuses two active notices for the same visitors: a banner shows one notice, so the
// second would be published, listed as active, and seen by nobody. The operator withdraws the
// first or narrows the partners or regions instead.
func (v *validator) overlaps(ns []*Notice) {
	active := func(n *Notice) bool {
		exp, err := time.Parse(time.RFC3339, n.ExpiresAt)
		return n != nil && err == nil && v.opts.Now.Before(exp)
	}
	for j, b := range ns {
		if b == nil || !active(b) {
			continue
		}
		for _, a := range ns[:j] {
			if a == nil || !active(a) || !overlap(a.Partners, b.Partners, func(x, y string) bool { return x == y }) ||
				!overlap(a.Regions, b.Regions, func(x, y string) bool { return x == y || sameCountry(x, y) }) {
				continue
			}
			field := fmt.Sprintf("notices[%d].regions", j)
			if len(a.Regions) == 0 && len(b.Regions) == 0 {
				field = fmt.Sprintf("notices[%d].partners", j)
			}
			v.errorf(field, "shown to the same visitors as notice %q (until %s): a banner shows one notice, so withdraw %q first or narrow the partners or regions", a.ID, a.ExpiresAt, a.ID)
			break
		}
	}
}

// overlap reports whether two audience lists share someone: an empty list is everyone.
func overlap(a, b []string, same func(x, y string) bool) bool {
	if len(a) == 0 || len(b) == 0 {
		return true
	}
	for _, x := range a {
		for _, y := range b {
			if same(x, y) {
				return true
			}
		}
	}
	return false
}

// sameCountry: a country's notice reaches its subdivisions' visitors ("CA" and "CA-QC").
func sameCountry(x, y string) bool {
	return (len(x) == 2 && strings.HasPrefix(y, x+"-")) || (len(y) == 2 && strings.HasPrefix(x, y+"-"))
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
	}
}

func (v *validator) languages(path string, langs []string) {
	for i, l := range langs {
		switch {
		case !langPattern.MatchString(l):
			v.errorf(fmt.Sprintf("%s[%d]", path, i), "not an ISO 639 language code: %q", l)
		case languageNames[l] == nil && strings.HasPrefix(path, "lines."):
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
		if !countryPattern.MatchString(l.Country) {
			v.errorf(p+".country", "required: an ISO 3166-1 alpha-2 code, got %q", l.Country)
		}
		if l.Call == "" && l.Text == "" && l.ChatURL == "" {
			v.errorf(p, "a line needs at least one of call, text, chat_url")
		}
		if l.Call != "" && !numberPattern.MatchString(l.Call) {
			v.errorf(p+".call", "not a phone number (digits, spaces, dots, hyphens, optional leading +): %q", l.Call)
		}
		if l.CallTel != "" {
			if l.Call == "" {
				v.errorf(p+".call_tel", "given without call")
			}
			if !telPattern.MatchString(l.CallTel) {
				v.errorf(p+".call_tel", "not a dialable number (digits, optional leading +): %q", l.CallTel)
			}
		}
		v.text(p+".call_hint", l.CallHint, false)
		if l.Text != "" && !numberPattern.MatchString(l.Text) {
			v.errorf(p+".text", "not a phone number: %q", l.Text)
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
		if l.Schedule == nil {
			v.warnf(p+".schedule", "hours are free text: give schedule (\"24/7\" or weekly hours) so that visitors see whether the line is open now")
		} else {
			v.schedule(p+".schedule", l.Schedule)
		}
		v.text(p+".audience", l.Audience, false)
		v.languages(p+".languages", l.Languages)
		v.languages(p+".languages_on_request", l.LanguagesOnRequest)
		for i, a := range l.Access {
			if _, ok := AccessKinds[a]; !ok {
				v.errorf(fmt.Sprintf("%s.access[%d]", p, i), "must be one of %s, got %q", strings.Join(sortedKeys(AccessKinds), ", "), a)
			}
		}
		v.url(p+".source", l.Source, true)
		v.verified(p+".verified_on", l.VerifiedOn)
	}
}

func (v *validator) verified(path, s string) {
	if s == "" {
		v.errorf(path, "required: the date the line was last checked against its source")
		return
	}
	d, err := time.Parse(dateLayout, s)
	if err != nil {
		v.errorf(path, "not a date (want YYYY-MM-DD): %q", s)
		return
	}
	switch age := v.opts.Now.Sub(d); {
	case age < -24*time.Hour:
		v.errorf(path, "%s is in the future", s)
	case age > v.opts.StaleAfter:
		v.warnf(path, "last checked %s, more than %d days ago: re-check the line against its source", s, int(v.opts.StaleAfter.Hours()/24))
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
		v.text(p+".emergency_note", r.EmergencyNote, len(r.Emergency) == 0 && len(r.EmergencyNote) > 0)
		switch {
		case len(r.Emergency) == 0 && len(r.EmergencyNote) == 0:
			v.errorf(p+".emergency", "required: the region's emergency number (or, where none serves the whole region, emergency_note saying whom to call)")
		case len(r.Emergency) > 0 && len(r.EmergencyNote) > 0:
			v.errorf(p+".emergency_note", "only where the region has no emergency number: the button names %s", r.Emergency[0])
		}
		for _, loc := range sortedKeys(r.EmergencyNote) {
			if m := numberInText.FindString(r.EmergencyNote[loc]); m != "" {
				v.errorf(p+".emergency_note."+string(loc), "names %q: the note says whom to call, a number goes in emergency", m)
			} else if n := len([]rune(r.EmergencyNote[loc])); n > maxEmergencyNote {
				v.errorf(p+".emergency_note."+string(loc), "%d characters: at most %d fit in the emergency button's place on a phone", n, maxEmergencyNote)
			}
		}
		known := map[string]bool{}
		for i, n := range r.Emergency {
			if !telPattern.MatchString(n) {
				v.errorf(fmt.Sprintf("%s.emergency[%d]", p, i), "not a phone number: %q", n)
			}
			known[digits(n)] = true
		}
		v.text(p+".message", r.Message, true)
		seen := map[string]bool{}
		for i, id := range r.Lines {
			lp := fmt.Sprintf("%s.lines[%d]", p, i)
			l, ok := c.Lines[id]
			switch {
			case !ok || l == nil:
				v.errorf(lp, "unknown line %q", id)
				continue
			case seen[id]:
				v.errorf(lp, "line %q listed twice", id)
			case len(code) >= 2 && l.Country != code[:2]:
				v.errorf(lp, "line %q serves %s, not %s", id, l.Country, code[:2])
			}
			seen[id] = true
			known[digits(l.Call)] = true
			known[digits(l.CallTel)] = true
			known[digits(l.Text)] = true
		}
		// A number in the message that is not one of the region's own is a copy error of the
		// most dangerous kind: it would send a visitor to a line that does not serve them.
		for _, loc := range Locales {
			for _, m := range numberInText.FindAllString(r.Message[loc], -1) {
				// A number that does not reach the region at all is named by the safety check.
				if d := digits(m); len(d) >= 3 && !known[d] && !known["+"+d] && !Unreached(code, d) {
					v.errorf(p+".message."+string(loc), "names %q, which is not an emergency number or line of this region", m)
				}
			}
		}
	}
}

// digits keeps the digits of a number and a leading plus.
func digits(s string) string {
	var b strings.Builder
	for i, r := range s {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (v *validator) unknown(u *UnknownRegion) {
	v.text("unknown_region.message", u.Message, true)
	if m := numberInText.FindString(u.Message[English] + " " + u.Message[French]); m != "" {
		v.errorf("unknown_region.message", "names %q: the unknown-region message must not name any number", m)
	}
	v.url("unknown_region.directory_url", u.DirectoryURL, true)
	v.text("unknown_region.directory_label", u.DirectoryLabel, true)
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
		v.text(p+".summary", r.Summary, true)
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
	v.text("feedback.found", f.Found, true)
	v.text("feedback.helpful", f.Helpful, true)
	v.text("feedback.comment", f.Comment, true)
	v.text("feedback.followup", f.Followup, true)
	v.text("feedback.email", f.Email, true)
	v.text("feedback.not_monitored", f.NotMonitored, true)
	v.text("feedback.thanks", f.Thanks, true)
	v.text("feedback.yes", f.Yes, true)
	v.text("feedback.no", f.No, true)
	v.text("feedback.send", f.Send, true)
	v.text("feedback.answer_required", f.AnswerRequired, true)
	v.text("feedback.email_invalid", f.EmailInvalid, true)
	v.text("feedback.crisis_intro", f.CrisisIntro, true)
	v.text("feedback.rate_limited", f.RateLimited, true)
	for _, loc := range sortedKeys(f.RateLimited) {
		if !strings.Contains(f.RateLimited[loc], "{seconds}") {
			v.errorf("feedback.rate_limited."+string(loc), "must say when to retry with {seconds}")
		}
	}
	v.text("feedback.send_failed", f.SendFailed, true)
}
