package snippets_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/snippets"
)

// fixedNow is the time every fixture test judges staleness and date windows at: after the
// fixture's verified_on dates and before its December resource window.
var fixedNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func readFixture(t testing.TB) []byte {
	t.Helper()
	src, err := os.ReadFile("testdata/valid.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// parseFixture returns a fresh copy of the fixture, so that a test may mutate it.
func parseFixture(t testing.TB) *snippets.Content {
	t.Helper()
	c, err := snippets.Parse(readFixture(t))
	if err != nil {
		t.Fatalf("Parse(testdata/valid.yaml): %v", err)
	}
	return c
}

func loadFixture(t testing.TB) *snippets.Loaded {
	t.Helper()
	l, err := snippets.Load(readFixture(t), snippets.ValidateOptions{Now: fixedNow})
	if err != nil {
		t.Fatalf("Load(testdata/valid.yaml): %v", err)
	}
	return l
}

func TestValidateFixtureIsValid(t *testing.T) {
	r := parseFixture(t).Validate(snippets.ValidateOptions{Now: fixedNow})
	if len(r.Errors) != 0 {
		t.Errorf("errors in the valid fixture: %v", r.Errors)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings in the valid fixture: %v", r.Warnings)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(c *snippets.Content)
		path   string   // the one error's path
		msg    string   // a substring of its message
		exact  string   // when set, the whole of Problem.String()
		also   []string // the paths of the errors that follow from the first, in order
	}{
		{
			name:   "featured resource unknown",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Featured[2] = "x" },
			path:   "partners.acme.featured[2]",
			msg:    `unknown resource "x"`,
			exact:  `partners.acme.featured[2]: unknown resource "x"`,
		},
		{
			name:   "partner serves a region with no entry",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Regions = []string{"CA-QC", "US"} },
			path:   "partners.acme.regions[1]",
			msg:    `no region entry "US"`,
		},
		{
			name:   "featured twice",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Featured[2] = "acme-page" },
			path:   "partners.acme.featured[2]",
			msg:    `resource "acme-page" featured twice`,
		},
		{
			name: "988 listed in GB",
			mutate: func(c *snippets.Content) {
				c.Regions["GB"].Lines = append(c.Regions["GB"].Lines, "ca-988")
			},
			path: "regions.GB.lines[1]",
			msg:  `line "ca-988" serves CA, not GB`,
		},
		{
			name:   "Canadian line listed in a Canadian subdivision is fine, a British one is not",
			mutate: func(c *snippets.Content) { c.Regions["CA-QC"].Lines[2] = "gb-samaritans" },
			path:   "regions.CA-QC.lines[2]",
			msg:    `line "gb-samaritans" serves GB, not CA`,
		},
		{
			name:   "region lists an unknown line",
			mutate: func(c *snippets.Content) { c.Regions["CA"].Lines[1] = "nope" },
			path:   "regions.CA.lines[1]",
			msg:    `unknown line "nope"`,
		},
		{
			name: "region lists a line twice",
			mutate: func(c *snippets.Content) {
				c.Regions["CA"].Lines = append(c.Regions["CA"].Lines, "ca-988")
			},
			path: "regions.CA.lines[2]",
			msg:  `line "ca-988" listed twice`,
		},
		{
			name:   "region without emergency number",
			mutate: func(c *snippets.Content) { c.Regions["CA"].Emergency = nil },
			path:   "regions.CA.emergency",
			msg:    "required",
			// The message names 9-1-1, which is no longer one of the region's numbers.
			also: []string{"regions.CA.message.en", "regions.CA.message.fr"},
		},
		{
			name:   "emergency number with spaces",
			mutate: func(c *snippets.Content) { c.Regions["CA"].Emergency = []string{"9 1 1"} },
			path:   "regions.CA.emergency[0]",
			msg:    `not a phone number: "9 1 1"`,
		},
		{
			name:   "line without source",
			mutate: func(c *snippets.Content) { c.Lines["gb-samaritans"].Source = "" },
			path:   "lines.gb-samaritans.source",
			msg:    "required",
		},
		{
			name:   "line source not http",
			mutate: func(c *snippets.Content) { c.Lines["gb-samaritans"].Source = "ftp://www.samaritans.org" },
			path:   "lines.gb-samaritans.source",
			msg:    "not an absolute http(s) URL",
		},
		{
			name:   "line source relative",
			mutate: func(c *snippets.Content) { c.Lines["gb-samaritans"].Source = "www.samaritans.org" },
			path:   "lines.gb-samaritans.source",
			msg:    "not an absolute http(s) URL",
		},
		{
			name:   "line without verified_on",
			mutate: func(c *snippets.Content) { c.Lines["ca-988"].VerifiedOn = "" },
			path:   "lines.ca-988.verified_on",
			msg:    "required",
		},
		{
			name:   "verified_on not a date",
			mutate: func(c *snippets.Content) { c.Lines["ca-988"].VerifiedOn = "01/11/2026" },
			path:   "lines.ca-988.verified_on",
			msg:    `not a date (want YYYY-MM-DD): "01/11/2026"`,
		},
		{
			name:   "verified_on in the future",
			mutate: func(c *snippets.Content) { c.Lines["ca-988"].VerifiedOn = "2027-01-15" },
			path:   "lines.ca-988.verified_on",
			msg:    "2027-01-15 is in the future",
		},
		{
			name: "line with no call, text or chat",
			mutate: func(c *snippets.Content) {
				l := c.Lines["ca-kids-help-phone"]
				l.Call, l.Text, l.Keyword = "", "", ""
			},
			path: "lines.ca-kids-help-phone",
			msg:  "at least one of call, text, chat_url",
		},
		{
			name:   "keyword without text number",
			mutate: func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Text = "" },
			path:   "lines.ca-kids-help-phone.keyword",
			msg:    "a keyword needs a text number",
		},
		{
			name:   "keyword with a space",
			mutate: func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Keyword = "CONNECT NOW" },
			path:   "lines.ca-kids-help-phone.keyword",
			msg:    "must be letters and digits",
		},
		{
			name:   "call not a phone number",
			mutate: func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Call = "1-800-KIDS" },
			path:   "lines.ca-kids-help-phone.call",
			msg:    `not a phone number (digits, spaces, dots, hyphens, optional leading +): "1-800-KIDS"`,
		},
		{
			name:   "text not a phone number",
			mutate: func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Text = "68686a" },
			path:   "lines.ca-kids-help-phone.text",
			msg:    "not a phone number",
		},
		{
			name:   "call_tel with spaces",
			mutate: func(c *snippets.Content) { c.Lines["qc-appelle"].CallTel = "+1 866 277 3553" },
			path:   "lines.qc-appelle.call_tel",
			msg:    "not a dialable number",
		},
		{
			name:   "line country not a country code",
			mutate: func(c *snippets.Content) { c.Lines["gb-samaritans"].Country = "UK!" },
			path:   "lines.gb-samaritans.country",
			msg:    "ISO 3166-1 alpha-2",
			also:   []string{"regions.GB.lines[0]"},
		},
		{
			name:   "line language not ISO 639",
			mutate: func(c *snippets.Content) { c.Lines["ca-988"].Languages = []string{"en", "French"} },
			path:   "lines.ca-988.languages[1]",
			msg:    `not an ISO 639 language code: "French"`,
		},
		{
			name: "line without English name",
			mutate: func(c *snippets.Content) {
				c.Lines["gb-samaritans"].Name = snippets.Text{snippets.French: "Samaritains"}
			},
			path: "lines.gb-samaritans.name.en",
			msg:  "required",
		},
		{
			// The hours are required where they are all there is (hours.go: with a schedule,
			// they are an optional note).
			name: "line hours blank in English, no schedule",
			mutate: func(c *snippets.Content) {
				c.Lines["gb-samaritans"].Hours[snippets.English] = "  "
				c.Lines["gb-samaritans"].Schedule = nil
			},
			path: "lines.gb-samaritans.hours.en",
			msg:  "required",
		},
		{
			name:   "unsupported locale in a text",
			mutate: func(c *snippets.Content) { c.Lines["gb-samaritans"].Hours["de"] = "rund um die Uhr" },
			path:   "lines.gb-samaritans.hours.de",
			msg:    "unsupported locale",
		},
		{
			name: "region key malformed",
			mutate: func(c *snippets.Content) {
				c.Regions["GBR"] = c.Regions["GB"]
				delete(c.Regions, "GB")
			},
			path: "regions.GBR",
			msg:  "not an ISO 3166 code",
		},
		{
			name: "region message names a number of another region",
			mutate: func(c *snippets.Content) {
				c.Regions["GB"].Message[snippets.English] += " You can also call or text 988."
			},
			path: "regions.GB.message.en",
			msg:  `names "988", which is not an emergency number or line of this region`,
		},
		{
			name: "region French message names a number the English one does not",
			mutate: func(c *snippets.Content) {
				c.Regions["CA"].Message[snippets.French] = "Appelez le 1-833-456-4566."
			},
			path: "regions.CA.message.fr",
			msg:  `names "1-833-456-4566"`,
		},
		{
			name: "unknown-region message names a number",
			mutate: func(c *snippets.Content) {
				c.Unknown.Message[snippets.French] = "Si vous êtes en danger, composez le 112."
			},
			path: "unknown_region.message",
			msg:  `names "112"`,
		},
		{
			name:   "unknown-region directory missing",
			mutate: func(c *snippets.Content) { c.Unknown.DirectoryURL = "" },
			path:   "unknown_region.directory_url",
			msg:    "required",
		},
		{
			name:   "resource type unknown",
			mutate: func(c *snippets.Content) { c.Resources[2].Type = "podcast" },
			path:   "resources[2].type",
			msg:    `must be one of pdf, video, webinar, toolkit, page, course, got "podcast"`,
		},
		{
			name:   "pdf without size",
			mutate: func(c *snippets.Content) { c.Resources[0].SizeBytes = 0 },
			path:   "resources[0].size_bytes",
			msg:    "required for a pdf",
		},
		{
			name:   "negative size",
			mutate: func(c *snippets.Content) { c.Resources[2].SizeBytes = -1 },
			path:   "resources[2].size_bytes",
			msg:    "must not be negative",
		},
		{
			name:   "duplicate resource id",
			mutate: func(c *snippets.Content) { c.Resources[2].ID = "acme-guide" },
			path:   "resources[2].id",
			msg:    `duplicate resource id "acme-guide"`,
			also:   []string{"partners.acme.featured[0]"}, // acme-page is gone
		},
		{
			name:   "resource url not http",
			mutate: func(c *snippets.Content) { c.Resources[0].URL[snippets.French] = "javascript:alert(1)" },
			path:   "resources[0].url.fr",
			msg:    "not an absolute http(s) URL",
		},
		{
			name:   "ends_on before starts_on",
			mutate: func(c *snippets.Content) { c.Resources[1].EndsOn = "2026-11-15" },
			path:   "resources[1].ends_on",
			msg:    "must be after starts_on",
		},
		{
			name:   "starts_on not a date",
			mutate: func(c *snippets.Content) { c.Resources[1].StartsOn = "December 1st" },
			path:   "resources[1].starts_on",
			msg:    "not a date (YYYY-MM-DD) or RFC 3339 time",
		},
		{
			name:   "origin without scheme",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Origins[1] = "localhost:8080" },
			path:   "partners.acme.origins[1]",
			msg:    `an origin starts with http:// or https://: "localhost:8080"`,
		},
		{
			name:   "origin with a path",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Origins[0] = "https://acme.example/health" },
			path:   "partners.acme.origins[0]",
			msg:    "scheme://host[:port] in lower case",
		},
		{
			name:   "origin in upper case",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Origins[0] = "https://Acme.example" },
			path:   "partners.acme.origins[0]",
			msg:    "scheme://host[:port] in lower case",
		},
		{
			name:   "components without banner",
			mutate: func(c *snippets.Content) { c.Partners["globex"].Components = []string{"resources"} },
			path:   "partners.globex.components",
			msg:    "must include banner",
		},
		{
			name: "unknown component",
			mutate: func(c *snippets.Content) {
				c.Partners["globex"].Components = append(c.Partners["globex"].Components, "chat")
			},
			path: "partners.globex.components[2]",
			msg:  `got "chat"`,
		},
		{
			name:   "exit component without exit_url",
			mutate: func(c *snippets.Content) { c.Partners["acme"].ExitURL = "" },
			path:   "partners.acme.exit_url",
			msg:    "required",
		},
		{
			name:   "accent not #rrggbb",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Accent = "#12ab9" },
			path:   "partners.acme.accent",
			msg:    `not a #rrggbb colour: "#12ab9"`,
		},
		{
			name:   "partner locale unsupported",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Locale = "de" },
			path:   "partners.acme.locale",
			msg:    `unsupported locale "de"`,
		},
		{
			name:   "partner region malformed",
			mutate: func(c *snippets.Content) { c.Partners["acme"].Region = "Quebec" },
			path:   "partners.acme.region",
			msg:    "not an ISO 3166 code",
		},
		{
			name:   "partner without name",
			mutate: func(c *snippets.Content) { c.Partners["globex"].Name = " " },
			path:   "partners.globex.name",
			msg:    "required",
		},
		{
			name:   "feedback text missing",
			mutate: func(c *snippets.Content) { c.Feedback.Thanks = nil },
			path:   "feedback.thanks.en",
			msg:    "required",
		},
		{
			name:   "feedback text only in French",
			mutate: func(c *snippets.Content) { c.Feedback.Found = snippets.Text{snippets.French: "Avez-vous trouvé?"} },
			path:   "feedback.found.en",
			msg:    "required",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := parseFixture(t)
			tt.mutate(c)
			r := c.Validate(snippets.ValidateOptions{Now: fixedNow})
			if len(r.Errors) != 1+len(tt.also) {
				t.Fatalf("got %d errors, want %d, the first at %s:\n%s", len(r.Errors), 1+len(tt.also), tt.path, problems(r.Errors))
			}
			for i, p := range tt.also {
				if r.Errors[1+i].Path != p {
					t.Errorf("error %d at %q, want %q", 1+i, r.Errors[1+i].Path, p)
				}
			}
			got := r.Errors[0]
			if got.Path != tt.path {
				t.Errorf("path = %q, want %q (%s)", got.Path, tt.path, got)
			}
			if !strings.Contains(got.Message, tt.msg) {
				t.Errorf("message = %q, want it to contain %q", got.Message, tt.msg)
			}
			if tt.exact != "" && got.String() != tt.exact {
				t.Errorf("String() = %q, want %q", got.String(), tt.exact)
			}
		})
	}
}
