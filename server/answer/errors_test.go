package answer

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// TestStatusOf: every kind has its one status, and only statusOf says which.
func TestStatusOf(t *testing.T) {
	want := map[fault.Kind]int{
		fault.Invalid: 400, fault.Unauthorized: 401, fault.Forbidden: 403, fault.NotFound: 404,
		fault.NotAllowed: 405, fault.Timeout: 408, fault.Conflict: 409, fault.Stale: 412,
		fault.TooLarge: 413, fault.Unsupported: 415, fault.Unprocessable: 422, fault.Unconditional: 428,
		fault.TooMany: 429, fault.HeadersTooLarge: 431, fault.Internal: 500, fault.Unavailable: 503,
	}
	for _, k := range fault.Kinds() {
		if w, ok := want[k]; !ok || Status(k) != w || statusOf[k] != w {
			t.Errorf("%v: status %d, want %d", k, Status(k), w)
		}
	}
	if len(statusOf) != len(fault.Kinds()) || Status(fault.Other) != 500 {
		t.Errorf("statusOf has %d kinds of %d; Other is %d", len(statusOf), len(fault.Kinds()), Status(fault.Other))
	}
}

// decodeErr decodes feedback body b, for its error.
func decodeErr(b string) error { _, err := feedback.Decode([]byte(b)); return err }

// errorCase is an error and what the edge answers it with: status, code, field, id and args,
// and the message in English and French.
type errorCase struct {
	name            string
	err             error
	status          int
	code, field, id string
	args            []string
	en, fr          string
	retryAfter      string
	internal        bool // logged, answered as a 500 that reveals nothing
}

// errorCases are errors of every origin. A function: the domain's messages join the catalogue
// in init, after this package's variables are set.
func errorCases() []errorCase {
	return []errorCase{
		{name: "handler's", err: New(fault.Unsupported, "unsupported_media_type", "", "unsupported_media_type.form"),
			status: 415, code: "unsupported_media_type", id: "unsupported_media_type.form",
			en: "send the form as application/x-www-form-urlencoded (UTF-8)", fr: "envoyez le formulaire en application/x-www-form-urlencoded (UTF-8)"},
		{name: "domain fault", err: fault.E(fault.NotFound, "not_found", "id", "not_found.feedback"),
			status: 404, code: "not_found", field: "id", id: "not_found.feedback",
			en: "no feedback record with this id", fr: "aucune réponse ne porte cet identifiant"},
		{name: "wrapped fault", err: errors.Join(errors.New("context"), fault.E(fault.Stale, "version_conflict", "", "version_conflict", 4)),
			status: 412, code: "version_conflict", id: "version_conflict", args: []string{"4"},
			en: "content changed since v4", fr: "le contenu a changé depuis la v4"},
		{name: "parameter", err: snippets.ParamErr("region", "invalid_parameter.region", `"X!"`),
			status: 400, code: "invalid_parameter", field: "region", id: "invalid_parameter.region", args: []string{`"X!"`},
			en: `malformed region "X!" (want an ISO 3166 code such as CA or CA-QC)`, fr: `région mal formée "X!" (code ISO 3166 attendu, comme CA ou CA-QC)`},
		{name: "locale", err: func() error { _, _, err := snippets.ParseLocale("fr--CA"); return err }(),
			status: 400, code: "invalid_parameter", field: "locale", id: "invalid_parameter.locale", args: []string{`"fr--CA"`},
			en: `malformed locale "fr--CA" (want a language tag such as en or fr-CA)`, fr: `locale mal formée "fr--CA" (étiquette de langue attendue, comme en ou fr-CA)`},
		{name: "field", err: decodeErr(`{"partner":"demo","page":"/help","comment":"` + strings.Repeat("a", 1001) + `","found":true}`),
			status: 400, code: "comment_too_long", field: "comment", id: "comment_too_long", args: []string{"1001", "1000"},
			en: "1001 characters, at most 1000", fr: "1001 caractères, au plus 1000"},
		{name: "no answer", err: decodeErr(`{"partner":"demo","page":"/help"}`),
			status: 400, code: "no_answer", field: "found", id: "no_answer",
			en: "answer found or helpful (or both)", fr: "répondez à found ou à helpful (ou aux deux)"},
		{name: "unknown field", err: decodeErr(`{"partner":"demo","colour":"red"}`),
			status: 400, code: "unknown_field", field: "colour", id: "unknown_field", args: []string{`"colour"`},
			en: `unknown field "colour"`, fr: "champ inconnu\u00a0: \"colour\""},
		{name: "not JSON", err: decodeErr(`null`),
			status: 400, code: "invalid_json", id: "invalid_json.feedback_object",
			en: "body is not one JSON object", fr: "le corps n'est pas un objet JSON"},
		{name: "span", err: &feedback.SpanError{Buckets: 800, Period: feedback.Day, Field: "from"},
			status: 400, code: "invalid_parameter", field: "from", id: "invalid_parameter.span_days", args: []string{"800", "731"},
			en: "this selection spans 800 days, more than 731: narrow from and to, or use bucket=week",
			fr: "cette sélection couvre 800 jours, plus de 731\u00a0: resserrez les dates ou regroupez par semaine"},
		{name: "span by week, no field", err: &feedback.SpanError{Buckets: 800, Period: feedback.Week},
			status: 400, code: "invalid_parameter", field: "since", id: "invalid_parameter.span_weeks", args: []string{"800", "731"},
			en: "this selection spans 800 weeks, more than 731: narrow from and to",
			fr: "cette sélection couvre 800 semaines, plus de 731\u00a0: resserrez les dates"},
		{name: "size", err: &feedback.SizeError{Series: 28, Buckets: 731, Period: feedback.Day},
			status: 400, code: "invalid_parameter", field: "bucket", id: "invalid_parameter.size_days", args: []string{"28", "731", "20000"},
			en: "this selection is 28 series of 731 days, more than 20000 rows: use bucket=week, narrow from and to, or pick one partner",
			fr: "cette sélection fait 28 séries de 731 jours, plus de 20000 lignes\u00a0: regroupez par semaine, resserrez les dates ou choisissez un partenaire"},
		{name: "size by week", err: &feedback.SizeError{Series: 40, Buckets: 600, Period: feedback.Week},
			status: 400, code: "invalid_parameter", field: "partner", id: "invalid_parameter.size_weeks", args: []string{"40", "600", "20000"},
			en: "this selection is 40 series of 600 weeks, more than 20000 rows: pick one partner, or narrow from and to",
			fr: "cette sélection fait 40 séries de 600 semaines, plus de 20000 lignes\u00a0: choisissez un partenaire ou resserrez les dates"},
		{name: "content model", err: &snippets.NoSuchError{Kind: "region", ID: "CA-XX"},
			status: 404, code: "not_found", id: "not_found.region", args: []string{`"CA-XX"`},
			en: `no such item: region "CA-XX"`, fr: "région introuvable\u00a0: \"CA-XX\""},
		{name: "read error", err: ReadError(fasthttp.ErrBodyTooLarge, 1024),
			status: 413, code: "body_too_large", id: "body_too_large", args: []string{"1024"},
			en: "request body is larger than 1024 bytes", fr: "le corps de la requête dépasse 1024 octets"},
		{name: "retry", err: func() error {
			e := New(fault.TooMany, "rate_limited", "", "rate_limited", "ip", 30)
			e.RetryAfter = 30
			return e
		}(), status: 429, code: "rate_limited", id: "rate_limited", args: []string{"ip", "30"}, retryAfter: "30",
			en: "too many submissions (ip limit); retry after 30 s", fr: "trop d'envois (limite ip); réessayez dans 30 s"},
		{name: "unknown", err: errors.New("disk on fire at /srv/secret"), internal: true,
			status: 500, code: "internal", id: "internal", en: "internal error", fr: "erreur interne"},
	}
}

// TestWrite: any error becomes its status and its JSON body, with its code, field, id and args
// and the catalogue's English; an error of no known kind reveals nothing.
func TestWrite(t *testing.T) {
	for _, c := range errorCases() {
		t.Run(c.name, func(t *testing.T) {
			var logs strings.Builder
			log := slog.New(slog.NewTextHandler(&logs, nil))
			var ctx fasthttp.RequestCtx
			Write(&ctx, log, c.err)
			var body ErrorBody
			if err := json.Unmarshal(ctx.Response.Body(), &body); err != nil {
				t.Fatalf("%s: %v", ctx.Response.Body(), err)
			}
			b := body.Error
			if ctx.Response.StatusCode() != c.status || b.Code != c.code || b.Field != c.field || b.ID != c.id ||
				!slices.Equal(b.Args, c.args) || b.Message != c.en {
				t.Errorf("%d %+v, want %d %s %q %s %q %q", ctx.Response.StatusCode(), b, c.status, c.code, c.field, c.id, c.args, c.en)
			}
			if got := string(ctx.Response.Header.Peek("Retry-After")); got != c.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, c.retryAfter)
			}
			if string(ctx.Response.Header.ContentType()) != "application/json" || string(ctx.Response.Header.Peek("Cache-Control")) != "no-store" {
				t.Errorf("headers: %s", ctx.Response.Header.String())
			}
			if leaked := strings.Contains(string(ctx.Response.Body()), "secret"); leaked || c.internal != strings.Contains(logs.String(), "internal error") {
				t.Errorf("logged %q, body %s", logs.String(), ctx.Response.Body())
			}
		})
	}
}

// TestLocalize: the same errors on a page: the same status, the catalogue's message in the
// visitor's language, about the error's field.
func TestLocalize(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range errorCases() {
		for _, lang := range []snippets.Locale{snippets.English, snippets.French} {
			var ctx fasthttp.RequestCtx
			a := Localize(&ctx, log, c.err, lang, nil)
			want := map[snippets.Locale]string{snippets.English: c.en, snippets.French: c.fr}[lang]
			if a.Status != c.status || a.Text != want || a.Field != c.field || a.ID != c.id {
				t.Errorf("%s, %s: %d %q about %q (%s), want %d %q about %q", c.name, lang, a.Status, a.Text, a.Field, a.ID, c.status, want, c.field)
			}
		}
	}
}

// TestLocalizeWords: a page's own words: for the message's id (about its field), else for any
// refusal, else for the edge's failure; a page without words for a case gets the catalogue's.
func TestLocalizeWords(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	words := &Words{ByID: map[string]string{"no_answer": "Please answer at least one question."},
		Refused: "This form could not be read.", Failed: "Your feedback could not be sent."}
	for _, c := range []struct {
		err          error
		w            *Words
		status       int
		text, field  string
		lang         snippets.Locale
		wantCategory string
	}{
		{decodeErr(`{"partner":"demo","page":"/help"}`), words, 400, "Please answer at least one question.", "found", snippets.English, "by id"},
		{decodeErr(`{"partner":"demo","page":"/help","found":"yes"}`), words, 400, "This form could not be read.", "", snippets.English, "refused"},
		{New(fault.TooMany, "rate_limited", "", "rate_limited", "ip", 3), words, 429, "This form could not be read.", "", snippets.French, "refused"},
		{errors.New("store away"), words, 500, "Your feedback could not be sent.", "", snippets.English, "failed"},
		{New(fault.Unavailable, "store_unavailable", "", "store_unavailable.intake"), words, 503, "Your feedback could not be sent.", "", snippets.English, "failed"},
		{New(fault.Unavailable, "store_unavailable", "", "store_unavailable.intake"), &Words{Refused: "x"}, 503,
			"la rétroaction n'a pas pu être enregistrée; réessayez", "", snippets.French, "catalogue"},
	} {
		var ctx fasthttp.RequestCtx
		a := Localize(&ctx, log, c.err, c.lang, c.w)
		if a.Status != c.status || a.Text != c.text || a.Field != c.field {
			t.Errorf("%s (%v): %d %q about %q, want %d %q about %q", c.wantCategory, c.err, a.Status, a.Text, a.Field, c.status, c.text, c.field)
		}
	}
}

// TestUnusedMessages: every refusal in the catalogue (words/*.json, "error.*") is made
// somewhere, so the catalogue holds no words no one reads (TestMessages checks the other way,
// both languages and their placeholders), and the console's French has them all.
func TestUnusedMessages(t *testing.T) {
	used := usedIDs(t, "../..")
	for id := range Messages {
		if _, ok := used[id]; !ok {
			t.Errorf("%s: no error is made with this id", id)
		}
	}
	if fr := FrenchMessages(); fr["no_answer"] != Messages["no_answer"].FR || fr["no_answer"] == "" {
		t.Error("the console's French lacks the domain's messages")
	}
}
