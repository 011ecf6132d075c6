package snippets

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text that reaches visitors: the characters it may hold, how long it may be, and the numbers
// a reader takes from it. Every field a visitor (or a partner, on the embed builder) reads is
// checked here by Validate, so that `edge check`, every publish, dry run and draft preview, and
// the console refuse the same things (docs/content.md, "Text shown to visitors").

// The longest text of each kind, in characters (runes): the longest shipped text of the kind,
// with headroom; beyond them a banner stops being glanceable on a phone.
const (
	// maxRegionMessage: a region's banner sentence (279 shipped, British Columbia's French).
	maxRegionMessage = 400
	// maxNoticeMessage: an emergency notice, shown above the banner to every visitor it reaches.
	maxNoticeMessage = 300
	// maxSentence: the feedback form's texts (134 shipped), resource summaries (112), the
	// unknown-region message (58).
	maxSentence = 300
	// maxLabel: line names (94 shipped), audiences (98), hours notes (65), call hints (44),
	// resource titles (92), the directory link's label (42).
	maxLabel = 160
	// maxName: region names (25 shipped) and partner names (34).
	maxName = 80
)

// Joiners a script needs between letters (Persian, Arabic, Indic scripts; emoji sequences):
// allowed there and nowhere else.
const (
	zwnj = '\u200c'
	zwj  = '\u200d'
)

// bidiControl reports whether r is an explicit bidirectional formatting character: embeddings,
// overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the marks (U+200E, U+200F, U+061C).
// An override around "988" shows it as "889".
func bidiControl(r rune) bool {
	return (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x200e || r == 0x200f || r == 0x061c
}

// unseen reports the first character of s that a visitor must not be sent: a bidirectional
// control (bidi true), or another format (Cf), control (Cc, but tab and line feed), private-use
// or default-ignorable character, a line or paragraph separator, or a byte that is not UTF-8.
// ZWJ and ZWNJ are allowed between two letters (or a letter's marks).
func unseen(s string) (r rune, bidi, found bool) {
	prev := rune(-1)
	for i, c := range s {
		switch {
		case c == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return c, false, true
			}
		case bidiControl(c):
			return c, true, true
		case c == zwj || c == zwnj:
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(c):])
			if !letterLike(prev) || !letterLike(next) {
				return c, false, true
			}
		case c == '\t' || c == '\n':
		case unicode.In(c, unicode.Cf, unicode.Cc, unicode.Co, unicode.Zl, unicode.Zp, unicode.Other_Default_Ignorable_Code_Point):
			return c, false, true
		}
		prev = c
	}
	return 0, false, false
}

func letterLike(r rune) bool { return r >= 0 && (unicode.IsLetter(r) || unicode.IsMark(r)) }

// shown checks the characters and length of text a visitor reads, in every language it has;
// limit 0 checks the characters only.
func (v *validator) shown(path string, t Text, limit int) {
	for _, loc := range sortedKeys(t) {
		v.shownString(path+"."+string(loc), t[loc], limit)
	}
}

func (v *validator) shownString(path, s string, limit int) {
	if r, bidi, ok := unseen(s); ok {
		if bidi {
			v.errorf(path, "contains %s, a bidirectional control: it can reverse what visitors read (988 shown as 889); remove it", codePoint(r))
		} else {
			v.errorf(path, "contains %s, an invisible or control character: remove it", codePoint(r))
		}
	}
	if n := utf8.RuneCountInString(s); limit > 0 && n > limit {
		v.errorf(path, "%d characters, more than the %d allowed here: shorten it", n, limit)
	}
}

func codePoint(r rune) string { return fmt.Sprintf("U+%04X", r) }

// A textNumber is a number as a reader takes it from a sentence: digits of any script joined
// by single separators ("9-1-1", "116 123", "１-９００"), with a leading + kept.
type textNumber struct {
	// Text is the number as written.
	Text string
	// Digits are its digits in ASCII, after a + when written with one.
	Digits string
	// Unreadable: the checker cannot tell which number a reader dials. The digits are joined to
	// letters ("1-800-SUICIDE", "310Mental"), letters that look like digits stand between
	// them ("9l1"), a mark sits on one ("9⃣"), they mix scripts ("9٨8"), or another kind of
	// numeral is used ("⑨①①").
	Unreadable bool
	// Keypad is, for a number written with letters, the digits a phone keypad gives
	// ("1-800-SUICIDE": 18007842433), "" when it cannot be dialled from letters.
	Keypad string
}

// runeKind classes a sentence's characters for the number scanner.
type runeKind uint8

const (
	kOther runeKind = iota
	kDigit
	kNumeral // a numeral that is not a decimal digit (No, Nl): ①, Ⅻ, ²
	kLetter
	kMark
	kSpace  // any space separator: U+0020, no-break spaces, thin spaces
	kHyphen // hyphen-minus, U+2010–U+2015 (hyphens and dashes), U+2212 minus, small and fullwidth
	kDot    // full stop, fullwidth full stop
	kPlus   // plus sign, fullwidth plus sign
)

func kindOf(r rune) runeKind {
	switch {
	case unicode.IsDigit(r):
		return kDigit
	case unicode.IsNumber(r):
		return kNumeral
	case unicode.IsLetter(r):
		return kLetter
	case unicode.IsMark(r):
		return kMark
	case unicode.Is(unicode.Zs, r):
		return kSpace
	case r == '-' || (r >= 0x2010 && r <= 0x2015) || r == 0x2212 || r == 0xfe63 || r == 0xff0d:
		return kHyphen
	case r == '.' || r == 0xff0e:
		return kDot
	case r == '+' || r == 0xff0b:
		return kPlus
	}
	return kOther
}

func (k runeKind) separator() bool { return k == kSpace || k == kHyphen || k == kDot }
func (k runeKind) word() bool      { return k == kDigit || k == kNumeral || k == kLetter || k == kMark }

// asciiDigit is the ASCII digit of the decimal digit r of any script (unicode.Nd), or 0. Go's
// table holds Nd as ranges of whole runs of ten from a zero (TestDigitRanges holds it to that).
func asciiDigit(r rune) (byte, rune) {
	if r >= '0' && r <= '9' {
		return byte(r), '0'
	}
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return byte('0' + (r-lo)%10), r - (r-lo)%10
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi {
			return byte('0' + (r-lo)%10), r - (r-lo)%10
		}
	}
	return 0, 0
}

// lookalike reports whether letter r passes for a digit between digits ("9l1", "1-8OO"): Latin
// letters shaped like one, and every letter of another script.
func lookalike(r rune) bool {
	return r > unicode.MaxASCII || strings.ContainsRune("OoQDIilSsBZzGgbq", r)
}

// keypad maps letters to a phone keypad's digits.
func keypad(r rune) byte {
	const keys = "22233344455566677778889999"
	switch {
	case r >= 'A' && r <= 'Z':
		return keys[r-'A']
	case r >= 'a' && r <= 'z':
		return keys[r-'a']
	}
	return 0
}

// numbersOf finds the numbers a reader takes from s. Format characters are dropped first (a
// reader does not see them; the field's character check refuses them), and times ("09:00",
// "9:30") are not numbers. A number is digits joined by single separators: any space, hyphen
// or dash, or dot. Letters joined to digits directly or by a hyphen or dot make one word with
// them: a word whose number has three digits or more, or with letters standing between its
// digits that pass for digits, is Unreadable, as is any other numeral; otherwise its numbers
// are read as they are ("COVID-19", "H1N1", "24h/24").
func numbersOf(s string) []textNumber {
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		if !unicode.Is(unicode.Cf, r) {
			rs = append(rs, r)
		}
	}
	kinds := make([]runeKind, len(rs))
	for i, r := range rs {
		kinds[i] = kindOf(r)
	}
	maskTimes(rs, kinds)
	var out []textNumber
	for i := 0; i < len(rs); {
		if !kinds[i].word() {
			i++
			continue
		}
		// The word starting at i: word characters, joined by single separators (a space only
		// between two digits).
		end := i + 1
		for end < len(rs) {
			if kinds[end].word() {
				end++
				continue
			}
			if kinds[end].separator() && end+1 < len(rs) && kinds[end+1].word() &&
				(kinds[end] != kSpace || (kinds[end-1] == kDigit && kinds[end+1] == kDigit)) {
				end += 2
				continue
			}
			break
		}
		out = append(out, wordNumbers(rs[i:end], kinds[i:end], i > 0 && kinds[i-1] == kPlus)...)
		i = end
	}
	return out
}

// maskTimes marks the characters of times ("9:30", "09:00", "17:00") as not numbers: one or
// two digits, a colon, two digits, no digit on either side.
func maskTimes(rs []rune, kinds []runeKind) {
	for i := range rs {
		if rs[i] != ':' && rs[i] != 0xff1a {
			continue
		}
		before := 0
		for before < 3 && i-before-1 >= 0 && kinds[i-before-1] == kDigit {
			before++
		}
		after := 0
		for after < 3 && i+after+1 < len(rs) && kinds[i+after+1] == kDigit {
			after++
		}
		if before >= 1 && before <= 2 && after == 2 {
			for j := i - before; j <= i+after; j++ {
				kinds[j] = kOther
			}
		}
	}
}

// wordNumbers reads the numbers of one word (see numbersOf); plus says a + stands before it.
func wordNumbers(rs []rune, kinds []runeKind, plus bool) []textNumber {
	var nums []textNumber
	letters, unreadable := false, false
	lastDigit, letterRun, runLooks := -1, false, false
	for i := 0; i < len(rs); i++ {
		switch kinds[i] {
		case kNumeral:
			unreadable = true
		case kMark:
			letters = true
			if i > 0 && kinds[i-1] == kDigit {
				unreadable = true // a mark on a digit ("9⃣") changes what it shows
			}
		case kLetter:
			letters = true
			if lastDigit >= 0 {
				letterRun = true
				runLooks = runLooks || lookalike(rs[i])
			}
		case kDigit:
			if letterRun && runLooks {
				unreadable = true // "9l1", "1-8OO-668-6868"
			}
			letterRun, runLooks, lastDigit = false, false, i
			// A number: this digit and those joined to it by single separators.
			if i > 0 && (kinds[i-1] == kDigit || (kinds[i-1].separator() && i > 1 && kinds[i-2] == kDigit)) {
				continue // counted with the number it belongs to
			}
			n := textNumber{}
			var zero rune
			j := i
			for j < len(rs) && (kinds[j] == kDigit || (kinds[j].separator() && j+1 < len(rs) && kinds[j+1] == kDigit && kinds[j-1] == kDigit)) {
				if kinds[j] == kDigit {
					d, z := asciiDigit(rs[j])
					if zero != 0 && z != zero {
						n.Unreadable = true // digits of two scripts: "9٨8"
					}
					zero = z
					n.Digits += string(rune(d))
				}
				j++
			}
			n.Text = string(rs[i:j])
			if i == 0 && plus {
				n.Text, n.Digits = "+"+n.Text, "+"+n.Digits
			}
			nums = append(nums, n)
		}
	}
	for _, n := range nums {
		unreadable = unreadable || n.Unreadable || (letters && len(strings.TrimPrefix(n.Digits, "+")) >= 3)
	}
	if !unreadable {
		return nums
	}
	w := textNumber{Text: string(rs), Unreadable: true}
	pad := ""
	for _, r := range rs {
		if d, _ := asciiDigit(r); d != 0 {
			w.Digits += string(rune(d))
			pad += string(rune(d))
		} else if k := keypad(r); k != 0 {
			pad += string(rune(k))
		} else if kindOf(r).word() {
			pad = "" // a letter no keypad has, or another numeral
			break
		}
	}
	if pad != "" && pad != w.Digits {
		w.Keypad = pad
	}
	return []textNumber{w}
}

// numberSet maps the digits of a region entry's numbers (its emergency numbers, and its lines'
// call, call_tel and text) to the number as the line writes it.
type numberSet map[string]string

func (c *Content) entryNumbers(code string) numberSet {
	known := numberSet{}
	add := func(n, shown string) {
		if d := digits(n); d != "" {
			if _, ok := known[d]; !ok {
				known[d] = shown
			}
		}
	}
	r := c.Regions[code]
	if r == nil {
		return known
	}
	for _, n := range r.Emergency {
		add(n, n)
	}
	for _, id := range r.Lines {
		if l := c.Lines[id]; l != nil {
			add(l.Call, l.Call)
			add(l.CallTel, l.Call)
			add(l.Text, l.Text)
		}
	}
	return known
}

// has reports whether the digits d (with or without a leading +) are one of the set's, and
// the number as written there.
func (k numberSet) has(d string) (string, bool) {
	d = strings.TrimPrefix(d, "+")
	if s, ok := k[d]; ok {
		return s, true
	}
	s, ok := k["+"+d]
	return s, ok
}

// unreadable refuses a number the checker cannot read, naming the line's digits when the
// letters spell one of known's numbers on a keypad.
func (v *validator) unreadable(path string, n textNumber, known ...numberSet) {
	if n.Keypad != "" {
		shown, all := "", len(known) > 0
		for _, k := range known {
			s, ok := k.has(n.Keypad)
			all = all && ok
			shown = s
		}
		if all {
			v.errorf(path, "names %q, which spells a number in letters: write the line's number in digits, %s", n.Text, shown)
			return
		}
	}
	v.errorf(path, "names %q, which the number check cannot read: write a number with the digits 0-9 only, joined by spaces, hyphens or dots", n.Text)
}

// lineNumber checks a line's or region's number as written, by pattern: a number in digits
// of another script that the pattern takes in 0-9 is refused with its 0-9 form; anything else
// the pattern refuses is refused with format.
func (v *validator) lineNumber(path, n string, pattern func(string) bool, format string) {
	if norm := asciiNumber(n); norm != n && pattern(norm) {
		v.errorf(path, "%q has digits other than 0-9: write %q", n, norm)
	} else if !pattern(n) {
		v.errorf(path, format, n)
	}
}

// asciiNumber writes the digits of n, of any script, as ASCII digits.
func asciiNumber(n string) string {
	return strings.Map(func(r rune) rune {
		if d, _ := asciiDigit(r); d != 0 {
			return rune(d)
		}
		if r == 0xff0b {
			return '+'
		}
		return r
	}, n)
}

// phoneNumber reports whether s is a number as a line writes it: ASCII digits joined by single
// separators (any space, hyphen or dash, dot), an optional leading +.
func phoneNumber(s string) bool {
	s = strings.TrimPrefix(s, "+")
	prevDigit := false
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			prevDigit = true
		case kindOf(r).separator() && prevDigit && i+utf8.RuneLen(r) < len(s):
			prevDigit = false
		default:
			return false
		}
	}
	return prevDigit
}

func dialable(s string) bool { return telPattern.MatchString(s) }

// The formats of a malformed number (lineNumber).
const (
	callFormat = "not a phone number (digits, spaces, dots, hyphens, optional leading +): %q"
	telFormat  = "not a dialable number (digits, optional leading +): %q"
	textFormat = "not a phone number: %q"
)
