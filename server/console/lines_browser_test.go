package console_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
)

// Browser tests of the crisis line form and the fields of a line beyond its numbers: hours as
// data, languages on request, interpreters, accessible ways in. PUT /v1/admin/lines/{id} removes
// every field its body leaves out, so a save from the console must send every field the line
// has, those it edits as the operator left them and the others as they were.

// linesOpenForm opens the console in lang at the lines as ben, and the form of line id.
func linesOpenForm(t *testing.T, e *consoleEdge, chrome browsertest.Page, lang, id string) context.Context {
	t.Helper()
	ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang="+lang+"#/lines")
	consoleSignIn(t, ctx, "ben")
	consolePoll(t, ctx, `document.querySelector('[data-edit="`+id+`"]')`)
	consoleEval[bool](t, ctx, `document.querySelector('[data-edit="`+id+`"]').click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-line-form="`+id+`"]')`)
	return ctx
}

// linesReviewSave reviews the form's change and saves it; it fails unless version v is
// published.
func linesReviewSave(t *testing.T, ctx context.Context, v int64) {
	t.Helper()
	consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-review] [data-action="save"]')`)
	consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="save"]').click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-saved="`+histItoa(v)+`"]')`)
}

// TestLinesFieldsBrowser: saving a line from the console keeps every field of the line, those
// the form edits and those it does not know.
func TestLinesFieldsBrowser(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	// Hope for Wellness, given every field a line can have: 24/7, languages on request,
	// interpreters and a TTY.
	_, c := e.content(t)
	hope := *c.Lines["ca-hope-for-wellness"]
	if !hope.Schedule.IsAlways() || len(hope.LanguagesOnRequest) == 0 {
		t.Fatalf("the shipped content changed: Hope for Wellness is %+v", hope)
	}
	hope.Interpreters, hope.Access = true, []string{"tty"}
	if status, body, _ := e.api(t, "root", "PUT", "/v1/admin/lines/ca-hope-for-wellness", hope, "If-Match", `"v1"`); status != 200 {
		t.Fatalf("setting up Hope for Wellness: %d %s", status, body)
	}
	chrome := consoleBrowser(t)

	t.Run("a name changed keeps the hours, languages and ways in", func(t *testing.T) {
		v0, c0 := e.content(t)
		was := *c0.Lines["ca-hope-for-wellness"]
		ctx := linesOpenForm(t, e, chrome, "en", "ca-hope-for-wellness")
		consoleType(t, ctx, `[data-line-form] [name="name.en"]`, "Hope for Wellness Help Line (Canada)")
		linesReviewSave(t, ctx, v0+1)
		_, c := e.content(t)
		l := c.Lines["ca-hope-for-wellness"]
		if l.Name["en"] != "Hope for Wellness Help Line (Canada)" {
			t.Errorf("name not saved: %q", l.Name["en"])
		}
		if !l.Schedule.IsAlways() || !slices.Equal(l.LanguagesOnRequest, was.LanguagesOnRequest) || !l.Interpreters ||
			!slices.Equal(l.Access, []string{"tty"}) || !slices.Equal(l.Languages, was.Languages) || l.ChatURL != was.ChatURL {
			t.Errorf("after a name change the stored line is %+v (schedule %+v), want %+v's other fields as they were", *l, l.Schedule, was)
		}
		if doc := histYAML(t, e, v0+1); !strings.Contains(doc, "languages_on_request: [cr, oj, iu]") {
			t.Errorf("the stored document lost the languages on request:\n%s", doc)
		}
		consoleClean(t, ctx)
	})

	t.Run("the form shows them", func(t *testing.T) {
		ctx := linesOpenForm(t, e, chrome, "fr", "ca-hope-for-wellness")
		f := `[data-line-form="ca-hope-for-wellness"] `
		got := consoleEval[string](t, ctx, `JSON.stringify({
			schedule: document.querySelector(`+jsQuote(f+`input[name=schedule]:checked`)+`).value,
			weeklyHidden: document.querySelector(`+jsQuote(f+`[data-weekly]`)+`).hidden,
			onRequest: document.querySelector(`+jsQuote(f+`[name=languages_on_request]`)+`).value,
			interpreters: document.querySelector(`+jsQuote(f+`[name=interpreters]`)+`).checked,
			access: [...document.querySelectorAll(`+jsQuote(f+`[name=access]`)+`)].map(c => (c.checked ? "+" : "-") + c.value + " " + c.labels[0].textContent).join("|")})`)
		want := `{"schedule":"24/7","weeklyHidden":true,"onRequest":"cr, oj, iu","interpreters":true,` +
			`"access":"-asl ASL par vidéophone|-lsq LSQ par vidéophone|+tty ATS (téléscripteur)|-vrs service de relais vidéo"}`
		if got != want {
			t.Errorf("the form shows\n%s\nwant\n%s", got, want)
		}
		consoleClean(t, ctx)
	})

	t.Run("weekly hours with a zone and an exception are saved as a mapping", func(t *testing.T) {
		v0, _ := e.content(t)
		ctx := linesOpenForm(t, e, chrome, "en", "ca-kids-help-phone")
		f := `[data-line-form="ca-kids-help-phone"] `
		consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`input[name=schedule][value=weekly]`)+`).click(), true`)
		consolePoll(t, ctx, `!document.querySelector(`+jsQuote(f+`[data-weekly]`)+`).hidden`)
		consoleType(t, ctx, f+`[name="schedule.zone"]`, "America/Toronto")
		consoleType(t, ctx, f+`[name="schedule.weekly"]`, "Mo-Fr 09:00-17:00\n\n  Sa,Su 10:00-14:00 ")
		consoleType(t, ctx, f+`[name="schedule.except"]`, "2026-12-25 closed")
		consoleType(t, ctx, f+`[name="hours.en"]`, "free")
		consoleAxe(t, ctx, "line form with weekly hours, en")
		linesReviewSave(t, ctx, v0+1)
		_, c := e.content(t)
		s := c.Lines["ca-kids-help-phone"].Schedule
		if s == nil || s.IsAlways() || s.Zone != "America/Toronto" || !slices.Equal(s.Weekly, []string{"Mo-Fr 09:00-17:00", "Sa,Su 10:00-14:00"}) ||
			!slices.Equal(s.Except, []string{"2026-12-25 closed"}) {
			t.Errorf("stored schedule %+v", s)
		}
		doc := histYAML(t, e, v0+1)
		at := strings.Index(doc, "\n  ca-kids-help-phone:\n")
		block := doc[at+1:]
		block = block[:strings.Index(block, "\n  ca-hope-for-wellness:")]
		if !strings.Contains(block, "\n    schedule:\n      zone: America/Toronto\n      weekly: [") || !strings.Contains(block, `except: ["2026-12-25 closed"]`) {
			t.Errorf("the stored line is not a schedule mapping:\n%s", block)
		}
		// The list says the hours as they now are.
		consolePoll(t, ctx, `document.querySelector('tr[data-line="ca-kids-help-phone"] [data-hours]')`)
		if got := consoleEval[string](t, ctx, `[...document.querySelector('tr[data-line="ca-kids-help-phone"]').querySelectorAll("[data-hours]")].map(li => li.textContent).join("|")`); got != "Mo-Fr 09:00-17:00|Sa,Su 10:00-14:00|Time zone: America/Toronto|Except: 2026-12-25 closed|free" {
			t.Errorf("the list shows the hours %q", got)
		}
		if got := consoleEval[string](t, ctx, `document.querySelector('tr[data-line="ca-988"] [data-hours]').textContent`); got != "24/7" {
			t.Errorf("the list shows 988's hours as %q", got)
		}
		consoleClean(t, ctx)
	})

	t.Run("malformed hours, a language code and an unknown way in refused beside their fields, in French", func(t *testing.T) {
		v0, _ := e.content(t)
		ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/lines")
		consoleSignIn(t, ctx, "ben")
		consolePoll(t, ctx, `document.querySelector('[data-edit="ca-988"]')`)
		// A way in the edge does not know (no valid content has one): shown as it is, and sent.
		consoleEval[bool](t, ctx, `(SP.last.content.lines["ca-988"].access = ["braille"]), document.querySelector('[data-edit="ca-988"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-line-form="ca-988"]')`)
		f := `[data-line-form="ca-988"] `
		consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`input[name=schedule][value=weekly]`)+`).click(), true`)
		consoleType(t, ctx, f+`[name="schedule.zone"]`, "America/Toronto")
		consoleType(t, ctx, f+`[name="schedule.weekly"]`, "Mo-Fr 09:00-17:00\nLundi 9h-17h")
		consoleType(t, ctx, f+`[name=languages_on_request]`, "cr, Cri")
		consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector(`+jsQuote(f+`[data-summary]`)+`)`)
		if got := consoleFieldError(t, ctx, f+`[name="schedule.weekly"]`); !strings.Contains(got, "\"Lundi 9h-17h\"\u00a0: \"Lundi\" n'est pas un jour (Mo Tu We Th Fr Sa Su)") {
			t.Errorf("beside the weekly hours: %q", got)
		}
		if got := consoleFieldError(t, ctx, f+`[name=languages_on_request]`); !strings.Contains(got, "ce n'est pas un code de langue ISO 639\u00a0: \"Cri\"") {
			t.Errorf("beside the languages on request: %q", got)
		}
		if got := consoleEval[string](t, ctx, `(document.querySelector(`+jsQuote(f+`fieldset[data-field="lines.ca-988.access"] > .err`)+`) || {}).textContent || ""`); !strings.Contains(got, `reçu "braille"`) {
			t.Errorf("beside the ways in: %q", got)
		}
		links := consoleEval[string](t, ctx, `[...document.querySelectorAll(`+jsQuote(f+`[data-summary] a`)+`)].map(a => a.textContent).join("|")`)
		if !strings.Contains(links, "Heures, Heures hebdomadaires, une entrée par ligne\u00a0: ") {
			t.Errorf("the summary names the fields %q", links)
		}
		if consoleEval[bool](t, ctx, `!!document.querySelector(`+jsQuote(f+`[name="schedule.zone"][aria-invalid]`)+`)`) {
			t.Error("the valid zone is marked invalid")
		}
		consoleAxe(t, ctx, "line form with errors in the hours, languages and ways in, fr")
		if v, _ := e.content(t); v != v0 {
			t.Errorf("a refused line published: v%d -> v%d", v0, v)
		}
		consoleClean(t, ctx)
	})

	t.Run("a key the form does not know goes back as it came", func(t *testing.T) {
		// A field snippets.Line may gain later, which the console does not show: the body of the
		// save carries it as the content had it (the API, which does not know it either, refuses
		// the body: what matters is that the console does not drop it).
		ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/lines")
		consoleSignIn(t, ctx, "ben")
		consolePoll(t, ctx, `document.querySelector('[data-edit="us-988"]')`)
		consoleEval[bool](t, ctx, `(() => { SP.last.content.lines["us-988"].x_future = {en: "kept", n: [1, 2]};
			window.__puts = []; const f = window.fetch;
			window.fetch = (u, o) => { if (o && o.method === "PUT") window.__puts.push(o.body); return f(u, o) };
			document.querySelector('[data-edit="us-988"]').click(); return true })()`)
		consolePoll(t, ctx, `document.querySelector('[data-line-form="us-988"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
		consolePoll(t, ctx, `window.__puts.length > 0`)
		raw := consoleEval[string](t, ctx, `window.__puts[0]`)
		var sent map[string]json.RawMessage
		if err := json.Unmarshal([]byte(raw), &sent); err != nil {
			t.Fatal(err)
		}
		if got := string(sent["x_future"]); got != `{"en":"kept","n":[1,2]}` {
			t.Errorf("the body carries x_future as %q; body %s", got, raw)
		}
		if got := string(sent["access"]); got != `["asl"]` {
			t.Errorf("the body carries access as %s", got)
		}
	})
}
