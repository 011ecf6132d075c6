package feedback_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
)

// FuzzDecodeReport feeds the report decoder arbitrary bodies, seeded with valid reports and
// the ways a body goes wrong: it must never panic; a report it accepts is within the contract
// and validates again unchanged (normalizing is idempotent); every refusal is a coded fault (a
// 400 or a 422 naming its message in the catalogue, so the visitor reads it in their language).
func FuzzDecodeReport(f *testing.F) {
	for _, s := range []string{
		`{"partner":"demo","page":"/help","region":"CA-QC","locale":"en","line":"ca-988","reason":"not_working","comment":"Nobody answered","website":"","elapsed_ms":4200}`,
		`{"partner":"demo","page":"/help?q=x#top","line":"qc-appelle","reason":"wrong_hours"}`,
		`{"partner":" mhcc ","page":"/","locale":"fr-CA","line":" ca-988 ","reason":"other","comment":"  Ligne\u0000 fermée\r\n  ","elapsed_ms":null}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":"other","comment":"<img src=x onerror=alert(1)>"}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":"other","website":"http://spam.example"}`,
		// Refusals: each names its field.
		``, `null`, `[]`, `"report"`, `{`, `{"partner":"demo","partner":"x"}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":"not_working","email":"a@example.org"}`,
		`{"partner":"demo","page":"/help","line":"ca-988"}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":"bored"}`,
		`{"partner":"demo","page":"/help","line":"ca 988!","reason":"other"}`,
		`{"partner":"demo","page":"/help","line":"","reason":"other"}`,
		`{"partner":"demo","page":"help","line":"ca-988","reason":"other"}`,
		`{"partner":"demo","page":"/help","region":"Quebec","line":"ca-988","reason":"other"}`,
		`{"partner":"demo","page":"/help","locale":"xx-??","line":"ca-988","reason":"other"}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":"other","elapsed_ms":-1}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":7}`,
		`{"partner":"demo","page":"/help","line":"ca-988","reason":"other","comment":"` + strings.Repeat("é", feedback.MaxReportComment+1) + `"}`,
		"{\"partner\":\"demo\",\"page\":\"/help\",\"line\":\"ca-988\",\"reason\":\"other\",\"comment\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := feedback.DecodeReport(b)
		if err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Code == "" || fe.ID == "" {
				t.Fatalf("error of no code: %#v", err)
			}
			if fe.Kind != fault.Invalid && fe.Kind != fault.Unprocessable {
				t.Errorf("%s: kind %v, want invalid or unprocessable", fe.Code, fe.Kind)
			}
			if _, ok := answer.Messages[fe.ID]; !ok {
				t.Errorf("%s: message %q is not in the catalogue", fe.Code, fe.ID)
			}
			return
		}
		if s == nil {
			t.Fatal("nil report without error")
		}
		if s.Kind != feedback.KindLineReport {
			t.Errorf("kind %q", s.Kind)
		}
		if !slices.Contains(feedback.ReportReasons, s.Reason) {
			t.Errorf("reason %q", s.Reason)
		}
		if s.Line == "" || len(s.Line) > feedback.MaxPartnerID || s.Partner == "" || len(s.Partner) > feedback.MaxPartnerID {
			t.Errorf("line %q partner %q", s.Line, s.Partner)
		}
		if !strings.HasPrefix(s.Page, "/") || strings.ContainsAny(s.Page, "?# ") || len(s.Page) > feedback.MaxPage {
			t.Errorf("page %q", s.Page)
		}
		if utf8.RuneCountInString(s.Comment) > feedback.MaxReportComment || !utf8.ValidString(s.Comment) {
			t.Errorf("comment %q", s.Comment)
		}
		if s.Email != "" || s.Followup || s.Found != nil || s.Helpful != nil {
			t.Errorf("a report kept feedback's fields: %+v", s)
		}
		again := *s
		if err := again.Validate(); err != nil {
			t.Fatalf("an accepted report does not validate again: %v (%+v)", err, s)
		}
		if again != *s {
			t.Errorf("validating again changed the report:\n%+v\n%+v", *s, again)
		}
	})
}
