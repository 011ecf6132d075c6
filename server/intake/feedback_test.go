package intake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/edgetest"
)

// badInputs is every kind of bad submission with its answer; FuzzDecode is seeded from it.
var badInputs = []struct {
	name        string
	contentType string // "" -> text/plain;charset=UTF-8; "-" -> none
	origin      string // "" -> edgetest.Origin; "-" -> none
	auth        string
	body        string
	status      int
	code, field string
}{
	{"xml content type", "application/xml", "", "", `{"partner":"demo"}`, 415, "unsupported_media_type", ""},
	{"no content type", "-", "", "", `{"partner":"demo"}`, 415, "unsupported_media_type", ""},
	{"form content type", "application/x-www-form-urlencoded", "", "", `partner=demo`, 415, "unsupported_media_type", ""},
	{"latin-1 charset", "text/plain; charset=iso-8859-1", "", "", `{"partner":"demo"}`, 415, "unsupported_media_type", ""},
	{"body over 16 KiB", "", "", "", `{"partner":"demo","page":"/","found":true,"comment":"` + strings.Repeat("a", 17<<10) + `"}`, 413, "body_too_large", ""},
	{"not JSON", "", "", "", `hello`, 400, "invalid_json", ""},
	{"empty body", "", "", "", ``, 400, "invalid_json", ""},
	{"JSON array", "", "", "", `[{"partner":"demo"}]`, 400, "invalid_json", ""},
	{"JSON null", "", "", "", `null`, 400, "invalid_json", ""},
	{"two objects", "", "", "", `{"partner":"demo"}{"partner":"demo"}`, 400, "invalid_json", ""},
	{"truncated JSON", "", "", "", `{"partner":"demo","page":"/`, 400, "invalid_json", ""},
	{"unknown field", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"rating":5}`, 400, "unknown_field", "rating"},
	{"partner missing", "", "", "", `{"page":"/","found":true,"elapsed_ms":4000}`, 400, "required", "partner"},
	{"partner unknown", "", "", "", `{"partner":"nope","page":"/","found":true,"elapsed_ms":4000}`, 400, "unknown_partner", "partner"},
	{"partner not a string", "", "", "", `{"partner":5,"page":"/","found":true,"elapsed_ms":4000}`, 400, "invalid_type", "partner"},
	{"partner with a slash", "", "", "", `{"partner":"de/mo","page":"/","found":true,"elapsed_ms":4000}`, 400, "invalid_partner", "partner"},
	{"page missing", "", "", "", `{"partner":"demo","found":true,"elapsed_ms":4000}`, 400, "required", "page"},
	{"page only a query", "", "", "", `{"partner":"demo","page":"?q=x","found":true,"elapsed_ms":4000}`, 400, "required", "page"},
	{"page an absolute URL", "", "", "", `{"partner":"demo","page":"https://example.org/x","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page protocol-relative", "", "", "", `{"partner":"demo","page":"//evil.example/x","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a space", "", "", "", `{"partner":"demo","page":"/a b","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a right-to-left override", "", "", "", `{"partner":"demo","page":"/help\u202egnp.exe","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a zero-width space", "", "", "", `{"partner":"demo","page":"/he\u200blp","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a soft hyphen", "", "", "", `{"partner":"demo","page":"/he\u00adlp","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page too long", "", "", "", `{"partner":"demo","page":"/` + strings.Repeat("p", 2048) + `","found":true,"elapsed_ms":4000}`, 400, "page_too_long", "page"},
	{"locale malformed", "", "", "", `{"partner":"demo","page":"/","locale":"x","found":true,"elapsed_ms":4000}`, 400, "invalid_locale", "locale"},
	{"no answer", "", "", "", `{"partner":"demo","page":"/","comment":"hi","elapsed_ms":4000}`, 400, "no_answer", "found"},
	{"answers both null", "", "", "", `{"partner":"demo","page":"/","found":null,"helpful":null,"elapsed_ms":4000}`, 400, "no_answer", "found"},
	{"found a string", "", "", "", `{"partner":"demo","page":"/","found":"yes","elapsed_ms":4000}`, 400, "invalid_type", "found"},
	{"helpful a number", "", "", "", `{"partner":"demo","page":"/","helpful":1,"elapsed_ms":4000}`, 400, "invalid_type", "helpful"},
	{"comment too long", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"comment":"` + strings.Repeat("é", 1001) + `"}`, 400, "comment_too_long", "comment"},
	{"comment not a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"comment":["a"]}`, 400, "invalid_type", "comment"},
	{"comment invalid UTF-8", "", "", "", "{\"partner\":\"demo\",\"page\":\"/\",\"found\":true,\"elapsed_ms\":4000,\"comment\":\"bad \xff\xfe\"}", 400, "invalid_utf8", "comment"},
	{"email without followup", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"email":"a@example.org"}`, 400, "email_without_followup", "email"},
	{"email invalid", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":true,"email":"not-an-email"}`, 400, "invalid_email", "email"},
	{"email with a name", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":true,"email":"Ann <a@example.org>"}`, 400, "invalid_email", "email"},
	{"email too long", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":true,"email":"` + strings.Repeat("a", 250) + `@example.org"}`, 400, "email_too_long", "email"},
	{"followup a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":"yes"}`, 400, "invalid_type", "followup"},
	{"website not a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"website":false}`, 400, "invalid_type", "website"},
	{"elapsed negative", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":-5}`, 400, "invalid_type", "elapsed_ms"},
	{"elapsed a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":"4000"}`, 400, "invalid_type", "elapsed_ms"},
	{"origin not allowed", "", "https://evil.example", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"origin of another partner", "", "https://mentalhealthcommission.ca", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"origin null", "", "null", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"no origin, no token", "", "-", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_required", ""},
	// A token is for a server, which sends no Origin; an opaque origin is a browser's, refused.
	{"origin null, with a feedback:write token", "", "null", "Bearer " + edgetest.Token, `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"no origin, wrong token", "", "-", "Bearer not-the-token", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "forbidden", ""},
	{"bad field from a foreign origin is 403", "", "https://evil.example", "", `{"partner":"demo","page":"nope","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
}

func TestFeedbackBadInputs(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			switch tc.contentType {
			case "":
				h = append(h, "Content-Type", "text/plain;charset=UTF-8")
			case "-":
			default:
				h = append(h, "Content-Type", tc.contentType)
			}
			switch tc.origin {
			case "":
				h = append(h, "Origin", edgetest.Origin)
			case "-":
			default:
				h = append(h, "Origin", tc.origin)
			}
			if tc.auth != "" {
				h = append(h, "Authorization", tc.auth)
			}
			r := e.DoFrom(t, "192.0.2.10", "POST", "/v1/feedback", []byte(tc.body), h...)
			if r.StatusCode() != tc.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode(), tc.status, r.Body())
			}
			code, field := edgetest.JSONError(t, r)
			if code != tc.code || field != tc.field {
				t.Errorf("error %q field %q, want %q field %q: %s", code, field, tc.code, tc.field, r.Body())
			}
			// Only a partner's page may read the answer.
			acao := edgetest.Header(r, "Access-Control-Allow-Origin")
			if tc.origin == "" && acao != edgetest.Origin {
				t.Errorf("Access-Control-Allow-Origin %q for an allowed origin", acao)
			}
			if tc.origin != "" && acao != "" {
				t.Errorf("Access-Control-Allow-Origin %q for a foreign or missing origin", acao)
			}
		})
	}
	if n := len(e.Records(t)); n != 0 {
		t.Errorf("%d records stored from bad inputs", n)
	}
	if len(badInputs) < 25 {
		t.Errorf("only %d bad inputs", len(badInputs))
	}
}

func TestFeedbackAccepted(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	cases := []struct {
		name    string
		body    map[string]any
		headers []string
		check   func(t *testing.T, r *feedback.Record)
	}{
		{"query and fragment dropped", edgetest.Feedback("page", "/help/line?q=suicide+help#top"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Page != "/help/line" {
				t.Errorf("page %q", r.Page)
			}
		}},
		{"empty email is absent", edgetest.Feedback("email", "", "followup", false, "page", "/e"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Followup {
				t.Error("followup recorded")
			}
		}},
		{"control characters removed, lines kept", edgetest.Feedback("comment", "  line one\r\nline\u0000 two\u202e\t!  ", "page", "/c"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Comment != "line one\nline two !" {
				t.Errorf("comment %q", r.Comment)
			}
		}},
		{"locale tag normalized", edgetest.Feedback("locale", "fr-CA", "page", "/l"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Locale != "fr" {
				t.Errorf("locale %q", r.Locale)
			}
		}},
		{"locale defaults to the partner's", edgetest.Feedback("locale", nil, "page", "/d"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Locale != "en" {
				t.Errorf("locale %q", r.Locale)
			}
		}},
		{"only helpful answered", edgetest.Feedback("found", nil, "helpful", true, "page", "/h"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Found != nil || r.Helpful == nil || !*r.Helpful {
				t.Errorf("answers %v %v", r.Found, r.Helpful)
			}
		}},
		{"application/json", edgetest.Feedback("page", "/j"), []string{"Content-Type", "application/json"}, nil},
		{"any localhost port", edgetest.Feedback("page", "/p"), []string{"Origin", "http://localhost:61234"}, nil},
		{"operator without origin, timing not applied", edgetest.Feedback("page", "/o", "elapsed_ms", nil), []string{"Origin", "", "Authorization", "Bearer " + edgetest.Token}, nil},
		{"comment of exactly 1000 characters after trimming", edgetest.Feedback("comment", "  "+strings.Repeat("ç", 1000)+"\n", "page", "/1000"), nil, func(t *testing.T, r *feedback.Record) {
			if n := len([]rune(r.Comment)); n != 1000 {
				t.Errorf("%d characters", n)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.PostFeedback(t, "192.0.2.20", tc.body, tc.headers...)
			a := edgetest.MustAccept(t, r)
			var got *feedback.Record
			for _, rec := range e.Records(t) {
				if rec.ID == a.ID {
					got = rec
				}
			}
			if got == nil {
				t.Fatalf("id %s not stored", a.ID)
			}
			if got.Partner != "demo" || got.IPHash == "" || strings.Contains(got.IPHash, "192.0.2.20") {
				t.Errorf("record %+v", got)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestFeedbackCrisisAndFollowup(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	a := edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.30", edgetest.Feedback("comment", "Je veux MOURIR, aidez-moi", "followup", true, "email", "visitor@example.org")))
	if !a.Crisis {
		t.Error("a French crisis phrase was not flagged")
	}
	b := edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.30", edgetest.Feedback("comment", "The PDF link is broken", "page", "/x")))
	if b.Crisis {
		t.Error("an ordinary comment was flagged")
	}
	recs := e.Records(t)
	if len(recs) != 2 || !recs[0].Crisis || recs[1].Crisis || !recs[0].Followup {
		t.Fatalf("records %+v", recs)
	}
	raw, _ := json.Marshal(recs)
	if bytes.Contains(raw, []byte("visitor@example.org")) {
		t.Error("the email is stored with the comment")
	}
	var fus []*feedback.Followup
	e.Config.Feedback.Followups(context.Background(), time.Time{}, func(f *feedback.Followup) error { fus = append(fus, f); return nil })
	if len(fus) != 1 || fus[0].ID != a.ID || fus[0].Email != "visitor@example.org" {
		t.Errorf("follow-ups %+v", fus)
	}
	m := string(e.DoFrom(t, "192.0.2.30", "GET", "/metrics", nil).Body())
	for _, want := range []string{"signpost_feedback_accepted_total 2", "signpost_feedback_crisis_flagged_total 1", "signpost_feedback_store_seconds_count 2"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestFeedbackSpam(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"honeypot", edgetest.Feedback("website", "http://spam.example")},
		{"too fast", edgetest.Feedback("elapsed_ms", 900)},
		{"no time on form", edgetest.Feedback("elapsed_ms", nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.40", tc.body))
			if a.Crisis {
				t.Error("crisis for a plain comment")
			}
		})
	}
	if n := len(e.Records(t)); n != 0 {
		t.Errorf("%d spam records stored", n)
	}
	m := string(e.DoFrom(t, "192.0.2.40", "GET", "/metrics", nil).Body())
	for _, want := range []string{`signpost_feedback_spam_total{reason="honeypot"} 1`, `signpost_feedback_spam_total{reason="too_fast"} 2`, "signpost_feedback_accepted_total 0"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	// Right at the threshold is a person.
	edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.40", edgetest.Feedback("elapsed_ms", feedback.MinElapsedMS)))
	if n := len(e.Records(t)); n != 1 {
		t.Errorf("%d records after a submission at %d ms", n, feedback.MinElapsedMS)
	}
}
