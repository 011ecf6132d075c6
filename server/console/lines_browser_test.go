package console_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
)

// Browser tests of the crisis line form and the fields of a line beyond its numbers: hours as
// data, languages on request, interpreters, accessible ways in. PUT /v1/admin/lines/{id} removes
// every field its body leaves out, so a save from the console must send every field the line
// has, those it edits as the operator left them and the others as they were.

// linesOpenForm opens the console in lang at the lines as ben, and the form of line id.
func linesOpenForm(t *testing.T, e *consoleEdge, chrome context.Context, lang, id string) context.Context {
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
