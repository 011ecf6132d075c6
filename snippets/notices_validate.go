package snippets

// Validation of operators' emergency notices: their shape, the numbers they may name (those of
// every region entry they reach), and two notices never shown to the same visitors.

import (
	"fmt"
	"strings"
	"time"
)

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
		v.shown(p+".message", n.Message, maxNoticeMessage)
		v.noticeNumbers(c, p+".message", n)
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

// noticeNumbers refuses, in a notice, a number that is not a line or emergency number of every
// region entry the notice reaches (a notice for CA reaches CA and every CA-xx entry), as a
// region's own sentence may name only its own. A notice for every region also reaches visitors
// placed in no entry, whose banner names no number: it may name none. Numbers that do not reach
// a region or were withdrawn are named by the safety check (safety.go).
func (v *validator) noticeNumbers(c *Content, path string, n *Notice) {
	codes, everywhere := n.entries(c)
	sets := make([]numberSet, 0, len(codes)+1)
	for _, code := range codes {
		sets = append(sets, c.entryNumbers(code))
	}
	if everywhere {
		sets = append(sets, numberSet{})
	}
	for _, loc := range sortedKeys(n.Message) {
		lp := path + "." + string(loc)
		for _, num := range numbersOf(n.Message[loc]) {
			if num.Unreadable {
				v.unreadable(lp, num, sets...)
				continue
			}
			if len(strings.TrimPrefix(num.Digits, "+")) < 3 || n.refusedForSafety(c, codes, num.Digits) {
				continue
			}
			if everywhere {
				v.errorf(lp, "names %q, but a notice for every region also reaches visitors placed in no region entry, whose banner names no number: no number serves every visitor, so name the regions the notice is for", num.Text)
				continue
			}
			var missing []string
			for i, code := range codes {
				if _, ok := sets[i].has(num.Digits); !ok {
					missing = append(missing, code)
				}
			}
			if len(missing) > 0 {
				v.errorf(lp, "names %q, which is not a line or emergency number of %s: a notice may name only numbers of every region entry it reaches", num.Text, strings.Join(missing, ", "))
			}
		}
	}
}

// entries are the region entries whose visitors the notice reaches, sorted, and whether it
// reaches visitors of no entry too (it names no region).
func (n *Notice) entries(c *Content) (codes []string, everywhere bool) {
	for _, code := range sortedKeys(c.Regions) {
		if len(code) >= 2 && n.reaches(code) {
			codes = append(codes, code)
		}
	}
	return codes, len(n.Regions) == 0
}

// refusedForSafety reports whether the safety check refuses digits d in the notice already: a
// number that does not reach one of its entries, or was withdrawn in one of its countries.
func (n *Notice) refusedForSafety(c *Content, codes []string, d string) bool {
	for _, code := range codes {
		if Unreached(code, d) {
			return true
		}
	}
	for sub := range unreached {
		if n.reaches(sub) && Unreached(sub, d) {
			return true
		}
	}
	for _, cc := range n.countries(c) {
		if Withdrawn(cc, d) != "" {
			return true
		}
	}
	return false
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
