package snippets

import (
	"slices"
	"testing"
	"unicode"
)

// TestDigitRanges: asciiDigit reads a digit of any script as (r - start of its range) % 10,
// which holds only while Go's table lists decimal digits as whole runs of ten from a zero.
func TestDigitRanges(t *testing.T) {
	for _, rg := range unicode.Nd.R16 {
		if rg.Stride != 1 || (int(rg.Hi)-int(rg.Lo)+1)%10 != 0 {
			t.Errorf("Nd range %#x-%#x stride %d is not runs of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if rg.Stride != 1 || (int(rg.Hi)-int(rg.Lo)+1)%10 != 0 {
			t.Errorf("Nd range %#x-%#x stride %d is not runs of ten", rg.Lo, rg.Hi, rg.Stride)
		}
	}
	for _, tc := range []struct {
		r    rune
		want byte
	}{{'7', '7'}, {'７', '7'}, {'٧', '7'}, {'۷', '7'}, {'७', '7'}, {'𝟕', '7'}, {'𝟭', '1'}, {'x', 0}, {'⑦', 0}} {
		if got, _ := asciiDigit(tc.r); got != tc.want {
			t.Errorf("asciiDigit(%q) = %q, want %q", tc.r, got, tc.want)
		}
	}
}

// TestNumbersOf: what the number checks read from a sentence.
func TestNumbersOf(t *testing.T) {
	type n = textNumber
	for _, tc := range []struct {
		text string
		want []textNumber
	}{
		{"call 9-1-1 or 116 123", []n{{Text: "9-1-1", Digits: "911"}, {Text: "116 123", Digits: "116123"}}},
		{"24/7, 3 to 6 months", []n{{Text: "24", Digits: "24"}, {Text: "7", Digits: "7"}, {Text: "3", Digits: "3"}, {Text: "6", Digits: "6"}}},
		// Digits of other scripts, and separators of every kind.
		{"１-９００-５５５-０１９９", []n{{Text: "１-９００-５５５-０１９９", Digits: "19005550199"}}},
		{"٩٨٨ and ९८८", []n{{Text: "٩٨٨", Digits: "988"}, {Text: "९८८", Digits: "988"}}},
		{"1\u00a0800\u202f668\u20096868", []n{{Text: "1\u00a0800\u202f668\u20096868", Digits: "18006686868"}}},
		{"1‐800–668—6868 and 9−1−1", []n{{Text: "1‐800–668—6868", Digits: "18006686868"}, {Text: "9−1−1", Digits: "911"}}},
		{"+1 877 303 2642.", []n{{Text: "+1 877 303 2642", Digits: "+18773032642"}}},
		// Format characters are not seen: a number split or reordered by them is read whole.
		{"\u202e988\u202c", []n{{Text: "988", Digits: "988"}}},
		{"9\u200b1\u00ad1", []n{{Text: "911", Digits: "911"}}},
		// Times are not numbers.
		{"closed 09:00–17:00 and 9:30", nil},
		{"Stepped Care 2.0, COVID-19, H1N1, 24h/24, 7j/7", []n{{Text: "2.0", Digits: "20"}, {Text: "19", Digits: "19"}, {Text: "1", Digits: "1"}, {Text: "1", Digits: "1"}, {Text: "24", Digits: "24"}, {Text: "24", Digits: "24"}, {Text: "7", Digits: "7"}, {Text: "7", Digits: "7"}}},
		{"HealthLine 811 and 988 Suicide", []n{{Text: "811", Digits: "811"}, {Text: "988", Digits: "988"}}},
		// What cannot be read.
		{"call 1-800-SUICIDE", []n{{Text: "1-800-SUICIDE", Digits: "1800", Unreadable: true, Keypad: "18007842433"}}},
		{"310Mental", []n{{Text: "310Mental", Digits: "310", Unreadable: true, Keypad: "310636825"}}},
		{"call 9l1", []n{{Text: "9l1", Digits: "91", Unreadable: true, Keypad: "951"}}},
		{"1-8OO-668-6868", []n{{Text: "1-8OO-668-6868", Digits: "186686868", Unreadable: true, Keypad: "18666686868"}}},
		{"9٨8", []n{{Text: "9٨8", Digits: "988", Unreadable: true}}},
		{"⑨①①", []n{{Text: "⑨①①", Unreadable: true}}},
		{"9\u20e3", []n{{Text: "9\u20e3", Digits: "9", Unreadable: true}}},
	} {
		if got := numbersOf(tc.text); !slices.Equal(got, tc.want) {
			t.Errorf("numbersOf(%q) =\n  %+v\nwant\n  %+v", tc.text, got, tc.want)
		}
	}
}

// TestUnseen: the characters refused in text shown to visitors, and the joiners a script needs.
func TestUnseen(t *testing.T) {
	for _, tc := range []struct {
		text      string
		r         rune
		bidi, bad bool
	}{
		{"Call 988.", 0, false, false},
		{"Colombie-Britannique, Québec, Île-du-Prince-Édouard", 0, false, false},
		{"tab\tand\nline feed", 0, false, false},
		{"می\u200cخواهم", 0, false, false}, // ZWNJ between Persian letters
		{"क्\u200dष", 0, false, false},     // ZWJ after a virama (a mark)
		{"\u202e988\u202c", 0x202e, true, true},
		{"988\u2066", 0x2066, true, true},
		{"a\u200fb", 0x200f, true, true},
		{"a\u061cb", 0x061c, true, true},
		{"9\u200b11", 0x200b, false, true},
		{"9\u00ad11", 0x00ad, false, true},
		{"9\u200d11", 0x200d, false, true}, // a joiner between digits
		{"end\u200c", 0x200c, false, true},
		{"\ufeffCall", 0xfeff, false, true},
		{"a\u0000b", 0, false, true},
		{"a\u2028b", 0x2028, false, true},
		{"a\ue000b", 0xe000, false, true},
		{"a\u3164b", 0x3164, false, true}, // Hangul filler: a blank letter
		{"a\xffb", 0xfffd, false, true},
	} {
		r, bidi, bad := unseen(tc.text)
		if bad != tc.bad || bidi != tc.bidi || (bad && r != tc.r) {
			t.Errorf("unseen(%q) = %U, %t, %t; want %U, %t, %t", tc.text, r, bidi, bad, tc.r, tc.bidi, tc.bad)
		}
	}
}

// TestPhoneNumber: how a line's number may be written.
func TestPhoneNumber(t *testing.T) {
	for s, want := range map[string]bool{
		"988": true, "1-800-668-6868": true, "116 123": true, "+1 877 303 2642": true, "13.11.14": true,
		"1\u00a0800\u00a0668\u00a06868": true, "1‑800‑668‑6868": true, "1–800": true,
		"1--800": false, "1-800-": false, "-1": false, "1-800-SUICIDE": false, "１-８００": false, "9\u202e11": false, "": false, "+": false, "1+1": false,
	} {
		if got := phoneNumber(s); got != want {
			t.Errorf("phoneNumber(%q) = %t, want %t", s, got, want)
		}
	}
}
