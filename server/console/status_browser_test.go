package console_test

import (
	"context"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
)

// TestLineStatusBrowser: from the crisis lines, an operator degrades 988 with a message: a
// message naming another region's number is refused beside the English box, nothing
// published; the fixed one is published at once, the list marks the line in words and the
// outcome takes the focus; in French, the line is switched back to active. Axe clean.
func TestLineStatusBrowser(t *testing.T) {
	t.Parallel()
	e := startConsoleEdge(t, server.Config{}, nil)
	v0, _ := e.content(t)
	chrome := consoleBrowser(t)
	f := `[data-status-form="ca-988"] `
	open := func(lang string) context.Context {
		ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang="+lang+"#/lines")
		consoleSignIn(t, ctx, "ben")
		consolePoll(t, ctx, `document.querySelector('[data-status-edit="ca-988"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-status-edit="ca-988"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector(`+jsQuote(f)+`)`)
		return ctx
	}
	ctx := open("en")
	if hidden := consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`textarea[lang=en]`)+`).closest("fieldset").hidden`); !hidden {
		t.Error("the message boxes show for an active line")
	}
	consoleEval[bool](t, ctx, `(() => { const r = document.querySelector(`+jsQuote(f+`input[value=degraded]`)+`); r.click(); return true })()`)
	consoleType(t, ctx, f+`textarea[lang=en]`, "Calls are failing. Call 116 123 instead.")
	consoleAxe(t, ctx, "status form, en")
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="set-status"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector(`+jsQuote(f+`textarea[lang=en][aria-invalid="true"]`)+`)`)
	if msg := consoleEval[string](t, ctx, `document.querySelector(`+jsQuote(f+`.err`)+`).textContent`); !strings.Contains(msg, "116 123") {
		t.Errorf("the message's error: %q", msg)
	}
	consoleAxe(t, ctx, "status form with errors, en")
	if v, _ := e.content(t); v != v0 {
		t.Fatalf("a refused status was published: v%d", v)
	}
	consoleType(t, ctx, f+`textarea[lang=en]`, "Calls are failing. Text 988 instead.")
	consoleType(t, ctx, f+`textarea[lang=fr]`, "Les appels échouent. Textez le 988.")
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="set-status"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-status-saved="`+histItoa(v0+1)+`"]')`)
	if focused := consoleEval[string](t, ctx, `document.activeElement.getAttribute("data-status-saved") || ""`); focused != histItoa(v0+1) {
		t.Errorf("focus after the switch is on %q, want the outcome", focused)
	}
	if mark := consoleEval[string](t, ctx, `document.querySelector('[data-line="ca-988"] [data-line-status]').textContent`); mark != "Degraded: Calls are failing. Text 988 instead." {
		t.Errorf("the list marks 988 %q", mark)
	}
	_, c := e.content(t)
	if l := c.Lines["ca-988"]; l.Status != "degraded" || l.StatusMessage["fr"] != "Les appels échouent. Textez le 988." || l.StatusUntil != "" {
		t.Errorf("ca-988 after the switch: %+v", l)
	}
	consoleAxe(t, ctx, "lines with a degraded line, en")
	consoleClean(t, ctx)

	ctx = open("fr")
	if msg := consoleEval[string](t, ctx, `document.querySelector(`+jsQuote(f+`textarea[lang=fr]`)+`).value`); msg != "Les appels échouent. Textez le 988." {
		t.Errorf("the French box holds %q", msg)
	}
	consoleAxe(t, ctx, "status form, fr")
	consoleEval[bool](t, ctx, `(() => { const r = document.querySelector(`+jsQuote(f+`input[value=active]`)+`); r.click(); return true })()`)
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="set-status"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-status-saved="`+histItoa(v0+2)+`"]')`)
	if got := consoleEval[string](t, ctx, `document.querySelector('[data-status-saved]').textContent`); !strings.Contains(got, "Active") || !strings.Contains(got, "publiée") {
		t.Errorf("the French outcome reads %q", got)
	}
	_, c = e.content(t)
	if l := c.Lines["ca-988"]; l.Status != "" || l.StatusMessage != nil {
		t.Errorf("ca-988 after active: %+v", l)
	}
	consoleClean(t, ctx)
}
