// Package configs ships Signpost's default configuration inside the binary, so that `edge serve`
// runs with no files beside it.
package configs

import _ "embed"

// Content is configs/content.yaml as built into the binary.
//
//go:embed content.yaml
var Content []byte

// CrisisPhrases is configs/crisis-phrases.txt: the phrases that make a feedback comment read
// like a crisis, shared by the widget and the feedback intake.
//
//go:embed crisis-phrases.txt
var CrisisPhrases []byte

// TimeZones is configs/timezones.tsv: time zone to region (country, or CA-XX where a Canadian
// zone lies in one province or territory), for the widget's region guess; scripts/tzgen makes it.
//
//go:embed timezones.tsv
var TimeZones []byte
