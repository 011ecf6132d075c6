package snippets

import (
	"fmt"
	"slices"
	"strings"
)

// Safety facts that content must never contradict, from the project's research notes
// (shared/reference/crisis-lines-canada-provinces.md and crisis-lines.md, December 2026): places
// an emergency number does not reach, and numbers that were closed, replaced or reused. They
// are checked by Validate (so `edge check`, every publish and the console refuse them) and by
// the region selection, so that content which forgot them still never shows them.

// unreached lists, per region, the emergency numbers (digits) that do not serve it.
var unreached = map[string][]string{
	// Nunavut has no 9-1-1 service: the territory's Community Services Minister told the
	// legislature "At this time we don't have that capability" (nunavutnews.com; nunatsiaq.com,
	// which gives the CRTC's NG9-1-1 deadline of 31 March 2027). Residents call their community's
	// RCMP detachment or health centre.
	"CA-NU": {"911"},
}

// Unreached reports whether the emergency number n does not serve region code.
func Unreached(code, n string) bool { return slices.Contains(unreached[code], digits(n)) }

// withdrawn are numbers that must never be shown, by country (digits as dialled in that
// country, with the country code for full numbers) with why.
var withdrawn = map[string]map[string]string{
	"CA": {
		"18006675005": "the CHIMO Helpline (New Brunswick) closed on 28 March 2025",
		"18002182885": "PEI's Island Helpline was folded into the Access Line, 1-833-553-6983, on 1 January 2023",
		"18445333030": "the Yukon Distress and Support Line was disconnected in 2019 and the number reused; not checked since",
		"18006610844": "the NWT Help Line is missing from the GNWT's 2024 list and the number was reused; show it only once checked live",
		"18334564566": "Talk Suicide Canada was replaced by 988",
		"45645":       "Talk Suicide Canada's text line was replaced by 988",
		"741741":      "741741 is not confirmed for Canada since 988 texting began: show text 988, and 686868 for young people",
	},
	"US": {
		"18669033787": "a privately funded look-alike of a national line, not 988",
		"12023041200": "The Trevor Project's old text number",
	},
	"GB": {"08457909090": "Samaritans' old number, replaced by 116 123"},
	"IE": {
		"1850609090": "Samaritans Ireland's old number, replaced by 116 123",
		"0861800280": "Crisis Text Line Ireland's old number, now 50808",
	},
	"BR": {"141": "CVV's old number, replaced by 188"},
}

// Withdrawn is why the number n must not be shown to visitors in country cc, or "".
func Withdrawn(cc, n string) string {
	d := strings.TrimPrefix(digits(n), "+")
	if d == "" {
		return ""
	}
	m := withdrawn[cc]
	if why := m[d]; why != "" {
		return why
	}
	// A full number may be written without its country code, or with it.
	if cc == "CA" || cc == "US" {
		if why := m["1"+d]; why != "" && len(d) == 10 {
			return why
		}
	}
	return ""
}

// numbersIn are the numbers a text names (as numbersOf reads them, in any script), digits only.
func numbersIn(s string) []string {
	var out []string
	for _, n := range numbersOf(s) {
		if d := n.Digits; len(d) >= 2 {
			out = append(out, d)
		}
	}
	return out
}

// safety checks content against the facts above.
func (v *validator) safety(c *Content) {
	for _, code := range sortedKeys(c.Regions) {
		r := c.Regions[code]
		if r == nil || len(code) < 2 {
			continue
		}
		p := "regions." + code
		cc := code[:2]
		for i, n := range r.Emergency {
			if Unreached(code, n) {
				v.errorf(fmt.Sprintf("%s.emergency[%d]", p, i), "%s does not reach this region: %s", n, unreachedWhy(code))
			}
		}
		// A withdrawn number in a region's sentence is not one of its lines' (those are checked
		// below): the sentence check already refuses it.
		for _, loc := range sortedKeys(r.Message) {
			for _, d := range numbersIn(r.Message[loc]) {
				if Unreached(code, d) {
					v.errorf(p+".message."+string(loc), "names %s, which does not reach this region: %s", d, unreachedWhy(code))
				}
			}
		}
		for _, loc := range sortedKeys(r.EmergencyNote) {
			v.numbersReach(p+".emergency_note."+string(loc), code, cc, r.EmergencyNote[loc])
		}
		for i, id := range r.Lines {
			l := c.Lines[id]
			if l == nil {
				continue
			}
			for _, n := range []string{l.Call, l.CallTel, l.Text} {
				if n != "" && Unreached(code, n) {
					v.errorf(fmt.Sprintf("%s.lines[%d]", p, i), "line %q dials %s, which does not reach this region: %s", id, n, unreachedWhy(code))
				}
			}
			for _, loc := range sortedKeys(l.CallHint) {
				for _, d := range numbersIn(l.CallHint[loc]) {
					if Unreached(code, d) {
						v.errorf(fmt.Sprintf("%s.lines[%d]", p, i), "line %q dials %s, which does not reach this region: %s", id, d, unreachedWhy(code))
					}
				}
			}
		}
	}
	for _, id := range sortedKeys(c.Lines) {
		l := c.Lines[id]
		if l == nil {
			continue
		}
		// A status message is read beside the line in every entry listing it.
		for _, loc := range sortedKeys(l.StatusMessage) {
			p := "lines." + id + ".status_message." + string(loc)
			for _, d := range numbersIn(l.StatusMessage[loc]) {
				if why := Withdrawn(l.Country, d); why != "" {
					v.errorf(p, "%s must not be shown: %s", d, why)
				}
				for _, code := range c.listing(id) {
					if Unreached(code, d) {
						v.errorf(p, "names %s, which does not reach this region: %s", d, unreachedWhy(code))
					}
				}
			}
		}
		for _, f := range []struct{ path, n string }{{"call", l.Call}, {"call_tel", l.CallTel}, {"text", l.Text}} {
			if why := Withdrawn(l.Country, f.n); why != "" {
				v.errorf("lines."+id+"."+f.path, "%s must not be shown: %s", f.n, why)
			}
		}
	}
	// A region's entry that is missing while its country's emergency number does not reach it
	// would show that number to its visitors; the selection shows them the neutral banner
	// instead (RegionEntry), which names no number at all.
	for sub := range unreached {
		if country := c.Regions[sub[:2]]; country != nil && c.Regions[sub] == nil {
			for _, n := range country.Emergency {
				if Unreached(sub, n) {
					v.warnf("regions", "no entry %s: its visitors get the neutral banner, since %s's %s does not reach them; add the entry with its own lines", sub, sub[:2], n)
					break
				}
			}
		}
	}
	for i, n := range c.Notices {
		if n == nil {
			continue
		}
		for _, loc := range sortedKeys(n.Message) {
			p := fmt.Sprintf("notices[%d].message.%s", i, loc)
			for sub := range unreached {
				if n.reaches(sub) {
					v.numbersReach(p, sub, sub[:2], n.Message[loc])
				}
			}
			for _, d := range numbersIn(n.Message[loc]) {
				for _, cc := range n.countries(c) {
					if why := Withdrawn(cc, d); why != "" {
						v.errorf(p, "%s must not be shown: %s", d, why)
					}
				}
			}
		}
	}
}

// numbersReach refuses, in text shown to visitors of region code (country cc), a number that
// does not reach them or was withdrawn.
func (v *validator) numbersReach(path, code, cc, text string) {
	for _, d := range numbersIn(text) {
		switch {
		case Unreached(code, d):
			v.errorf(path, "names %s, which does not reach this region: %s", d, unreachedWhy(code))
		case Withdrawn(cc, d) != "":
			v.errorf(path, "%s must not be shown: %s", d, Withdrawn(cc, d))
		}
	}
}

func unreachedWhy(code string) string {
	if code == "CA-NU" {
		return "Nunavut has no 9-1-1 service; tell visitors to call their community's RCMP detachment or health centre"
	}
	return "no such service there"
}

// reaches reports whether the notice is shown to visitors of region entry code: it names no
// region, the code, or the code's country.
func (n *Notice) reaches(code string) bool {
	return len(n.Regions) == 0 || slices.Contains(n.Regions, code) || slices.Contains(n.Regions, code[:2])
}

// countries are the countries whose visitors the notice reaches: those of its regions, or of
// every region entry when it names none.
func (n *Notice) countries(c *Content) []string {
	set := map[string]bool{}
	if len(n.Regions) == 0 {
		for code := range c.Regions {
			if len(code) >= 2 {
				set[code[:2]] = true
			}
		}
	}
	for _, r := range n.Regions {
		if len(r) >= 2 {
			set[r[:2]] = true
		}
	}
	return sortedKeys(set)
}
