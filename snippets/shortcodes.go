package snippets

import "strings"

// shortCode is a number with no E.164 form that a country's phones dial as it is, and the
// ways it is used there.
type shortCode struct {
	name  string
	kinds []dialKind
}

func (s shortCode) has(k dialKind) bool {
	for _, x := range s.kinds {
		if x == k {
			return true
		}
	}
	return false
}

// uses names the ways the short code is used ("call and text").
func (s shortCode) uses() string {
	out := make([]string, len(s.kinds))
	for i, k := range s.kinds {
		out[i] = string(k)
	}
	return strings.Join(out, " and ")
}

var (
	onlyCall      = []dialKind{dialCall}
	onlyText      = []dialKind{dialText}
	callText      = []dialKind{dialCall, dialText}
	onlyEmergency = []dialKind{dialEmergency}
	emergencySMS  = []dialKind{dialEmergency, dialText}
)

// shortCodes are the short codes known per country (digits as dialled), each with the line
// of the research notes that grades it VERIFIED: shared/reference/crisis-lines.md (cl),
// crisis-lines-canada-provinces.md (clp). Only VERIFIED facts are here, and every short code a
// shipped line dials (configs/content.yaml) is one of them. A short code of one country is
// unknown in every other: 988 is for CA and US only, 741741 is withdrawn in CA (safety.go).
// Texting an emergency number needs registration where it exists at all (cl:69), so the
// emergency numbers are for calls, but France's 114 (cl:39).
var shortCodes = map[string]map[string]shortCode{
	"CA": {
		"911":     {"9-1-1", onlyEmergency},                                  // cl:6
		"988":     {"988 Suicide Crisis Helpline", callText},                 // cl:7; clp:44
		"686868":  {"Kids Help Phone", onlyText},                             // cl:8; clp:72
		"535353":  {"Québec suicide prevention line", onlyText},              // cl:10
		"211":     {"211 Alberta", callText},                                 // clp:24, clp:154 ("Call or text 2-1-1")
		"811":     {"HealthLine 811 (SK), 811 (NT)", onlyCall},               // clp:26, clp:41
		"3106789": {"310Mental Health Support (BC, no area code)", onlyCall}, // clp:19, clp:120
	},
	"US": {
		"911":    {"911", onlyEmergency},                      // cl:13
		"988":    {"988 Suicide & Crisis Lifeline", callText}, // cl:14
		"838255": {"Veterans Crisis Line", onlyText},          // cl:15
		"741741": {"Crisis Text Line", onlyText},              // cl:16
	},
	"GB": {
		"999":    {"999", onlyEmergency},          // cl:19
		"112":    {"112", onlyEmergency},          // cl:19
		"116123": {"Samaritans", onlyCall},        // cl:20 (no text service since Feb 2020)
		"85258":  {"Shout", onlyText},             // cl:21
		"111":    {"NHS 111 (England)", onlyCall}, // cl:22
	},
	"IE": {
		"112":    {"112", onlyEmergency},   // cl:27
		"999":    {"999", onlyEmergency},   // cl:27
		"116123": {"Samaritans", onlyCall}, // cl:28
		"50808":  {"50808", onlyText},      // cl:29
		"51444":  {"Pieta", onlyText},      // cl:30
	},
	"AU": {
		"000":    {"000", onlyEmergency},           // cl:33
		"112":    {"112 (mobiles)", onlyEmergency}, // cl:33
		"106":    {"106 (TTY)", onlyEmergency},     // cl:33
		"131114": {"Lifeline", onlyCall},           // cl:34 (13 11 14)
	},
	"NZ": {
		"111":  {"111", onlyEmergency},            // cl:36
		"1737": {"1737, Need to talk?", callText}, // cl:37
	},
	"FR": {
		"15":   {"15 (SAMU)", onlyEmergency},    // cl:39
		"17":   {"17 (police)", onlyEmergency},  // cl:39
		"18":   {"18 (fire)", onlyEmergency},    // cl:39
		"112":  {"112", onlyEmergency},          // cl:39
		"114":  {"114 (by text)", emergencySMS}, // cl:39
		"3114": {"3114", onlyCall},              // cl:40
	},
	"DE": {
		"112":    {"112", onlyEmergency},            // cl:42
		"110":    {"110 (police)", onlyEmergency},   // cl:42
		"116111": {"Nummer gegen Kummer", onlyCall}, // cl:44
	},
}
