package snippets

import (
	"fmt"

	"github.com/signpost/edge/words"
)

// problemCode names the message of each format the validator writes (the English, with fmt
// verbs): its code, one code for one message. The words are in the one catalogue (words/en.json
// and words/fr.json) under "problem.<code>", each verb of the format at {0}, {1}, ... in order.
// A Problem carries the code and its arguments formatted, so that the console translates by
// code (ProblemTemplates) rather than by matching English text. To add a problem: the format
// here with its code, and "problem.<code>" in both files. TestProblemCatalogue fails on a format
// of validate.go missing here, a code used twice, or a catalogue's English that is not the
// format's.
var problemCode = map[string]string{
	"empty notice":             "empty_notice",
	"empty line":               "empty_line",
	"empty region":             "empty_region",
	"empty resource":           "empty_resource",
	"empty partner":            "empty_partner",
	"required":                 "required",
	"duplicate notice id %q":   "duplicate_notice_id",
	"duplicate resource id %q": "duplicate_resource_id",
	"required: lower-case letters, digits and hyphens, got %q": "id_required",
	"id must be lower-case letters, digits and hyphens":        "invalid_id",
	"unknown partner %q":                                                   "unknown_partner",
	"unknown resource %q":                                                  "unknown_resource",
	"unknown line %q":                                                      "unknown_line",
	"not an ISO 3166 code (\"CA\" or \"CA-QC\"): %q":                       "invalid_region",
	"not an ISO 3166 code (\"CA\" or \"CA-QC\")":                           "invalid_region_key",
	"no region entry %s: its visitors are served by %s, so name that":      "region_served_by_country",
	"no region entry %q: list entries of regions":                          "unknown_region",
	"required: an RFC 3339 time after which the notice is no longer shown": "expiry_required",
	"not an RFC 3339 time: %q":                                             "invalid_time",
	"shown to the same visitors as notice %q (until %s): a banner shows one notice, so withdraw %q first or narrow the partners or regions": "notice_overlap",
	"unsupported locale (want one of en, fr)":           "unsupported_locale_key",
	"unsupported locale %q (want en or fr)":             "unsupported_locale",
	"not an absolute http(s) URL: %q":                   "invalid_url",
	"not an ISO 639 language code: %q":                  "invalid_language",
	"required: at least one crisis line":                "required_lines",
	"required: at least one region":                     "required_regions",
	"required: at least one partner":                    "required_partners",
	"required: an ISO 3166-1 alpha-2 code, got %q":      "country_required",
	"a line needs at least one of call, text, chat_url": "line_unreachable",
	callFormat:                       "invalid_number",
	textFormat:                       "invalid_text_number",
	"given without call":             "tel_without_call",
	telFormat:                        "invalid_tel",
	"a keyword needs a text number":  "keyword_without_text",
	"must be letters and digits: %q": "invalid_keyword",
	"required: the date the line was last checked against its source": "verified_on_required",
	"not a date (want YYYY-MM-DD): %q":                                "invalid_date",
	"%s is in the future":                                             "future_date",
	"last checked %s, more than %d months ago: re-check the line against its source (or take it out) before publishing":    "line_lapsed",
	"re-check overdue since %s: check the line against its source and record it":                                           "recheck_overdue",
	"re-check due on %s: check the line against its source and record it":                                                  "recheck_due",
	"required when verified_how is other: say how the line was checked":                                                    "verified_note_required",
	"must be after verified_on (%s)":                                                                                       "next_check_order",
	"required: the region's emergency number (or, where none serves the whole region, emergency_note saying whom to call)": "emergency_required",
	"only where the region has no emergency number: the button names %s":                                                   "emergency_note_with_number",
	"names %q: the note says whom to call, a number goes in emergency":                                                     "emergency_note_number",
	"%d characters: at most %d fit in the emergency button's place on a phone":                                             "emergency_note_long",
	"visitors read %q as it is: give the language its English and French names in snippets (ways.go)":                      "language_unnamed",
	"%s does not reach this region: %s":                                                                                    "emergency_unreached",
	"line %q dials %s, which does not reach this region: %s":                                                               "line_unreached",
	"names %s, which does not reach this region: %s":                                                                       "names_unreached",
	"%s must not be shown: %s": "withdrawn_number",
	"no entry %s: its visitors get the neutral banner, since %s's %s does not reach them; add the entry with its own lines":                  "unreached_entry_missing",
	"line %q is retired: take it out of the region (a retired line is kept for history, never shown)":                                        "line_retired",
	"status_message and status_until are given only with status degraded":                                                                    "status_without_degraded",
	"names %q, which is not a line or emergency number of %s: a status message may name only numbers of every region entry listing the line": "status_names_other_number",
	"resource %q featured twice": "resource_twice",
	"line %q listed twice":       "line_twice",
	"line %q serves %s, not %s":  "line_wrong_country",
	"names %q, which is not an emergency number or line of this region":   "message_names_other_number",
	"names %q: the unknown-region message must not name any number":       "unknown_region_names_number",
	"must be one of %s, got %q":                                           "not_one_of",
	"must not be negative":                                                "negative",
	"required for a pdf: visitors are told the size before they download": "size_required",
	"must be after starts_on":                                             "ends_before_start",
	"not a date (YYYY-MM-DD) or RFC 3339 time: %q":                        "invalid_date_or_time",
	"must include banner: the crisis banner is never left out":            "banner_required",
	"not a #rrggbb colour: %q":                                            "invalid_colour",
	"must say when to retry with {seconds}":                               "missing_seconds",
	originNoScheme:                                                        "origin_scheme",
	originShape:                                                           "origin_shape",
	originInvalid:                                                         "invalid_origin",

	// Text shown to visitors, and the numbers in it (text.go).
	"contains %s, a bidirectional control: it can reverse what visitors read (988 shown as 889); remove it":                                                                                        "bidi_control",
	"contains %s, an invisible or control character: remove it":                                                                                                                                    "invisible_character",
	"%d characters, more than the %d allowed here: shorten it":                                                                                                                                     "text_too_long",
	"%q has digits other than 0-9: write %q":                                                                                                                                                       "non_ascii_digits",
	"names %q, which spells a number in letters: write the line's number in digits, %s":                                                                                                            "number_in_letters",
	"names %q, which the number check cannot read: write a number with the digits 0-9 only, joined by spaces, hyphens or dots":                                                                     "unreadable_number",
	"names %q, which is not a line or emergency number of %s: a notice may name only numbers of every region entry it reaches":                                                                     "notice_names_other_number",
	"names %q, but a notice for every region also reaches visitors placed in no region entry, whose banner names no number: no number serves every visitor, so name the regions the notice is for": "notice_everywhere_number",
	"names %q: the feedback form is shown in every region and where there is none, so it names no number; the banner above it has the region's lines":                                              "feedback_names_number",

	// The schedule of a line (hours.go).
	"hours are free text: give schedule (\"24/7\" or weekly hours) so that visitors see whether the line is open now": "hours_free_text",
	`required: the line's IANA time zone, such as "America/Toronto"`:                                                  "schedule_zone_required",
	`unknown time zone %q: want an IANA name such as "America/Toronto"`:                                               "schedule_unknown_zone",
	`required: weekly hours such as "Mo-Fr 09:00-17:00", or "24/7": without them the line is never open`:              "schedule_never_open",
	`"24/7" is every hour of the week: it takes no other weekly hours`:                                                "schedule_always_weekly",
	`a "24/7" schedule takes no zone: write schedule: "24/7"`:                                                         "schedule_always_zone",
	`a "24/7" schedule takes no exceptions: give weekly hours ("Mo-Su 00:00-24:00") and a zone instead`:               "schedule_always_except",
	`%q: want days and hours, such as "Mo-Fr 09:00-17:00"`:                                                            "schedule_weekly_shape",
	"%q: %q is not a day (Mo Tu We Th Fr Sa Su)":                                                                      "schedule_bad_day",
	"%q: a range of days needs two different days, got %q":                                                            "schedule_day_range",
	"%q: %s is named twice": "schedule_day_twice",
	`%q: want a date and "closed" or hours, such as "2026-12-25 closed" or "2026-12-31 10:00-14:00"`: "schedule_except_shape",
	"%q: %q is not a date (want YYYY-MM-DD)":                                                         "schedule_bad_date",
	"%q: %s already has an exception (except[%d])":                                                   "schedule_date_twice",
	"%q: %q is not an interval (want HH:MM-HH:MM)":                                                   "schedule_bad_interval",
	"%q: %q is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)":                      "schedule_bad_time",
	"%q: 24:00 only ends an interval: start the day at 00:00":                                        "schedule_starts_2400",

	// The numbers a visitor's phone dials (dialcheck.go).
	"dials %s but call shows %s: the number visitors read must be the number their phone dials; correct call_tel or call":                                                                  "dial_mismatch",
	"%s cannot be checked: snippets has no numbering plan for %s; add the country to dialPlans (snippets/dialcheck.go) and its short codes, from the research notes, to shortCodes":        "dial_no_plan",
	"%s places no visitor in a country (UTC, Etc/*, or not in configs/timezones.tsv): give the zone of a place the line serves, such as %q":                                                "zone_no_place",
	"%s is a zone of %s, not of %s, the line's country: its hours would be read on another country's clock":                                                                                "zone_other_country",
	"%s is the clock of %s, but the line is listed in %s: check that its hours are kept in the zone of a place it serves":                                                                  "zone_other_region",
	"dials %s, which is not a number of %s (+%s): a line dials numbers of its own country":                                                                                                 "dial_other_country",
	"dials %s, which is not a valid number of %s: want +%s then %d digits":                                                                                                                 "dial_length",
	"dials %s, which is not a valid number of %s: want +%s then %d to %d digits":                                                                                                           "dial_length_range",
	"dials %s, which is not a valid number of %s: in +1 numbers the area code and the exchange do not start with 0 or 1":                                                                   "dial_nanp_shape",
	"%s is a short code of %s for %s only: check the line's source, or add this use with its source to shortCodes (snippets/shortcodes.go)":                                                "dial_short_code_use",
	"dials %s, which is neither a number of %s nor a short code known there: write the full number (+%s...), or add the short code with its source to shortCodes (snippets/shortcodes.go)": "dial_unknown_short_code",

	// Safe messaging (safemessaging.go): warnings.
	unsafeCrime:       "unsafe_crime",
	unsafeOutcome:     "unsafe_outcome",
	unsafeSensational: "unsafe_sensational",
	unsafeMethod:      "unsafe_method",
}

// The formats of a partner origin's problems (checkOrigin).
const (
	originNoScheme = "an origin starts with http:// or https://: %q"
	originShape    = "an origin is scheme://host[:port] in lower case, with :* for any port: %q"
	originInvalid  = "not a valid origin: %q"
)

// problem makes the Problem of a format and its arguments: the English message, the code, and
// each argument formatted by its verb.
func problem(path, format string, args ...any) Problem {
	p := Problem{Path: path, Message: fmt.Sprintf(format, args...), Code: "invalid"}
	if c, ok := problemCode[format]; ok {
		p.Code = c
	}
	verbs := formatVerbs(format)
	for i, a := range args {
		v := "v"
		if i < len(verbs) {
			v = verbs[i]
		}
		p.Args = append(p.Args, fmt.Sprintf("%"+v, a))
	}
	return p
}

// formatVerbs lists the verbs of a format in order ("%q %s %d" -> q, s, d); "%%" is none.
func formatVerbs(format string) []string {
	var out []string
	for i := 0; i < len(format)-1; i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if format[i] == '%' {
			continue
		}
		out = append(out, string(format[i]))
	}
	return out
}

// ProblemTemplates is what the console translates problems with: for each code, the message in
// each language, its arguments at {0}, {1}, ... (Problem.Args, formatted as the English has
// them): the "problem.<code>" keys of the one catalogue.
func ProblemTemplates() map[string]map[Locale]string {
	out := make(map[string]map[Locale]string, len(problemCode))
	for _, code := range problemCode {
		t := map[Locale]string{}
		for _, l := range Locales {
			t[l], _ = words.Lookup(string(l), "problem."+code)
		}
		out[code] = t
	}
	return out
}
