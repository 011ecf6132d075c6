package snippets

import (
	"fmt"
	"strings"
)

// The numbers a visitor's phone dials: every tel: and sms: target the widget and the
// no-JavaScript pages write (a line's TelTarget and SMSTarget, a region's emergency numbers)
// must be a number of the line's country, and a line's call_tel must dial the number its call
// shows. Both catch mistakes that reviewers miss and that the field keeps making: a page that
// shows "9-8-8" while its link dials the retired 1-800-273-8255, a one-digit typo, a number of
// another country, a short code that exists nowhere (issue 24, point 4; docs/content.md,
// "Numbers that are dialled").

// dialPlan is what the checks need of a country's numbering plan (ITU-T E.164 national plans).
type dialPlan struct {
	// cc is the country calling code, trunk the national (trunk) prefix written before a
	// national significant number at home ("0" in 020 7946 0000, "1" in 1-800-668-6868).
	cc, trunk string
	// minLen and maxLen bound the national significant number's digits, generously: the
	// check is for numbers of another country, a digit too many or too few.
	minLen, maxLen int
	// noTrunk are the starts of national significant numbers written at home without the
	// trunk prefix: Ireland's and Australia's freephone 1800 (1800 247 247, +353 1800 247 247:
	// crisis-lines.md:54).
	noTrunk []string
	// shape, when set, is a further rule on the national significant number (NANP).
	shape func(nsn string) bool
}

// nanp: the North American Numbering Plan (+1): ten digits, NPA (area code) then NXX
// (exchange), neither starting with 0 or 1.
var nanp = dialPlan{cc: "1", trunk: "1", minLen: 10, maxLen: 10,
	shape: func(n string) bool { return n[0] >= '2' && n[3] >= '2' }}

// dialPlans are the countries whose numbers are checked: those of the shipped content and of
// the research notes (shared/reference/crisis-lines.md). A line of another country fails
// until its plan is added here, with the short codes its lines use.
var dialPlans = map[string]dialPlan{
	"CA": nanp,
	"US": nanp,
	"GB": {cc: "44", trunk: "0", minLen: 7, maxLen: 10},
	"IE": {cc: "353", trunk: "0", minLen: 7, maxLen: 10, noTrunk: []string{"1800"}},
	"FR": {cc: "33", trunk: "0", minLen: 9, maxLen: 9},
	"DE": {cc: "49", trunk: "0", minLen: 6, maxLen: 11},
	"AU": {cc: "61", trunk: "0", minLen: 9, maxLen: 10, noTrunk: []string{"1800", "1300"}},
	"NZ": {cc: "64", trunk: "0", minLen: 8, maxLen: 10},
	"JP": {cc: "81", trunk: "0", minLen: 9, maxLen: 10},
}

// international is the number n (as written or as a target) in international form, country
// code first, without the plus: a number with a + is already; a national one loses its trunk
// prefix and gains the country code. Short codes get the country code too, so that two forms
// of one number compare equal and a short code never equals a full number.
func (p dialPlan) international(n string) string {
	d := digits(n)
	if strings.HasPrefix(d, "+") {
		return d[1:]
	}
	return p.cc + p.nsn(d)
}

// nsn is the national significant number of the national form d: without its trunk prefix.
// NANP's trunk 1 is dropped only from 11 digits (1-800-668-6868); elsewhere the trunk prefix
// is dropped unless what follows is too short to be a number (000, 0800 1111 keeps its 800).
func (p dialPlan) nsn(d string) string {
	if rest, ok := strings.CutPrefix(d, p.trunk); ok {
		if p.trunk == "1" && len(d) != 11 {
			return d
		}
		if len(rest) >= p.minLen {
			return rest
		}
	}
	return d
}

// valid reports whether the national significant number fits the plan.
func (p dialPlan) valid(nsn string) bool { return p.fits(nsn) && (p.shape == nil || p.shape(nsn)) }

// fits reports whether the national significant number has a length of the plan.
func (p dialPlan) fits(nsn string) bool {
	return len(nsn) >= p.minLen && len(nsn) <= p.maxLen && len(p.cc)+len(nsn) <= 15
}

// dialKind is how a target is reached: a call, a text, or the region's emergency call.
type dialKind string

const (
	dialCall      dialKind = "call"
	dialText      dialKind = "text"
	dialEmergency dialKind = "emergency"
)

// displayedDialled refuses a line whose call_tel dials another number than its call shows.
func (v *validator) displayedDialled(path string, l *Line) {
	if l.Call == "" || l.CallTel == "" || !phoneNumber(l.Call) || !dialable(l.CallTel) {
		return // a malformed number is named by its own check
	}
	p, ok := dialPlans[l.Country]
	if !ok {
		return // named by dialTargets
	}
	if p.international(l.Call) != p.international(l.CallTel) {
		v.errorf(path+".call_tel", "dials %s but call shows %s: the number visitors read must be the number their phone dials; correct call_tel or call", l.CallTel, l.Call)
	}
}

// dialTargets checks every tel: and sms: target of a line: a number of its country in E.164
// form, a national form of one (1-800-668-6868 dials tel:18006686868, which every phone of the
// country dials), or a short code known for the country for that use.
func (v *validator) dialTargets(path string, l *Line) {
	if !countryPattern.MatchString(l.Country) {
		return // named by the line's own check
	}
	call, callOK := "call", phoneNumber(l.Call)
	if l.CallTel != "" {
		call, callOK = "call_tel", dialable(l.CallTel)
	}
	for _, t := range []struct {
		field, target string
		ok            bool
		kind          dialKind
	}{
		{call, l.TelTarget(), callOK, dialCall},
		{"text", l.SMSTarget(), phoneNumber(l.Text), dialText},
	} {
		// Nothing dialled, or a malformed number, which its own check names.
		if t.target != "" && t.ok {
			v.dialTarget(path+"."+t.field, l.Country, t.target, t.kind)
		}
	}
}

// dialTarget checks one target of country cc used for kind.
func (v *validator) dialTarget(path, cc, target string, kind dialKind) {
	p, ok := dialPlans[cc]
	if !ok {
		v.errorf(path, "%s cannot be checked: snippets has no numbering plan for %s; add the country to dialPlans (snippets/dialcheck.go) and its short codes, from the research notes, to shortCodes", target, cc)
		return
	}
	if d, ok := strings.CutPrefix(target, "+"); ok {
		switch {
		case !strings.HasPrefix(d, p.cc):
			v.errorf(path, "dials %s, which is not a number of %s (+%s): a line dials numbers of its own country", target, cc, p.cc)
		case !p.fits(d[len(p.cc):]) && p.minLen == p.maxLen:
			v.errorf(path, "dials %s, which is not a valid number of %s: want +%s then %d digits", target, cc, p.cc, p.minLen)
		case !p.fits(d[len(p.cc):]):
			v.errorf(path, "dials %s, which is not a valid number of %s: want +%s then %d to %d digits", target, cc, p.cc, p.minLen, p.maxLen)
		case !p.valid(d[len(p.cc):]):
			v.errorf(path, "dials %s, which is not a valid number of %s: in +1 numbers the area code and the exchange do not start with 0 or 1", target, cc)
		}
		return
	}
	if known := shortCodes[cc][target]; known.has(kind) {
		return
	} else if known.name != "" {
		v.errorf(path, "%s is a short code of %s for %s only: check the line's source, or add this use with its source to shortCodes (snippets/shortcodes.go)", target, cc, known.uses())
		return
	}
	if p.nationalForm(target) {
		return
	}
	v.errorf(path, "dials %s, which is neither a number of %s nor a short code known there: write the full number (+%s...), or add the short code with its source to shortCodes (snippets/shortcodes.go)", target, cc, p.cc)
}

// nationalForm reports whether the target d (digits, no plus) is a valid number of the plan
// written as at home: with its trunk prefix, or without it where the plan writes it so
// (NANP's ten digits, Ireland's 1800).
func (p dialPlan) nationalForm(d string) bool {
	if rest, ok := strings.CutPrefix(d, p.trunk); ok && p.valid(rest) {
		return true
	}
	if p.trunk == "1" && p.valid(d) {
		return true
	}
	for _, s := range p.noTrunk {
		if strings.HasPrefix(d, s) && p.valid(d) {
			return true
		}
	}
	return false
}

// emergencyTargets checks a region's emergency numbers, which the banner's emergency button
// dials (tel:), against its country's known emergency numbers.
func (v *validator) emergencyTargets(path, code string, r *Region) {
	if !regionPattern.MatchString(code) {
		return // named by the region's own check
	}
	for i, n := range r.Emergency {
		if dialable(n) {
			v.dialTarget(fmt.Sprintf("%s.emergency[%d]", path, i), code[:2], n, dialEmergency)
		}
	}
}

// dialChecks runs the checks of this file on every line and region entry.
func (v *validator) dialChecks(c *Content) {
	for _, id := range sortedKeys(c.Lines) {
		if l := c.Lines[id]; l != nil {
			v.displayedDialled("lines."+id, l)
			v.dialTargets("lines."+id, l)
		}
	}
	for _, code := range sortedKeys(c.Regions) {
		if r := c.Regions[code]; r != nil {
			v.emergencyTargets("regions."+code, code, r)
		}
	}
}
