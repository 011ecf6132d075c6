package console_test

import (
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server"
)

// TestRecheckQueueBrowser: the re-check queue lists the lines due, soonest first, in words; an
// operator records "checked today" with a method, a source and a note, the errors shown beside
// their fields; the check is published under their name and the line leaves the queue. In
// English and French, axe clean.
func TestRecheckQueueBrowser(t *testing.T) {
	t.Parallel() // a browser and an edge of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	// The edge judges by the wall clock: ca-988 is made overdue (checked 13 months ago), us-988
	// due in 10 days.
	today := time.Now().UTC()
	_, c := e.content(t)
	overdue, soon := *c.Lines["ca-988"], *c.Lines["us-988"]
	overdue.VerifiedOn = today.AddDate(0, -13, 0).Format("2006-01-02")
	soon.VerifiedOn = today.AddDate(0, -12, 10).Format("2006-01-02")
	for i, l := range map[string]any{"ca-988": overdue, "us-988": soon} {
		if status, body, _ := e.api(t, "root", "PUT", "/v1/admin/lines/"+i, l); status != 200 {
			t.Fatalf("setting up %s: %d %s", i, status, body)
		}
	}
	v0, _ := e.content(t)
	chrome := consoleBrowser(t)

	ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/recheck")
	consoleSignIn(t, ctx, "ben")
	consolePoll(t, ctx, `document.querySelector('[data-due-line="us-988"]')`)
	got := consoleEval[string](t, ctx, `[document.querySelector("[data-due-count]").textContent,
		...[...document.querySelectorAll("[data-due-line]")].map(s => s.dataset.dueLine + " " + s.dataset.state + ": " + s.querySelector("[data-due-when]").textContent)].join("|")`)
	want := "2 lines are due for a re-check (overdue, or due within 30 days).|ca-988 overdue: Overdue since " +
		today.AddDate(0, -1, 0).Format("2006-01-02") + " ("
	if !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "|us-988 due: Due on "+today.AddDate(0, 0, 10).Format("2006-01-02")+", in 10 days.") {
		t.Errorf("the queue reads\n%s\nwant it to start\n%s", got, want)
	}
	if rec := consoleEval[string](t, ctx, `document.querySelector('[data-due-line="ca-988"] dl').innerText`); !strings.Contains(rec, "other") && !strings.Contains(rec, "Other") {
		t.Errorf("ca-988's record: %q", rec)
	}
	consoleAxe(t, ctx, "re-check queue, en")

	f := `[data-check-form="ca-988"] `
	// No method chosen: said beside the select, nothing sent.
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="checked"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector(`+jsQuote(f+`select[name=how][aria-invalid="true"]`)+`)`)
	// Other without a note: the edge's 422, beside the note.
	consoleEval[bool](t, ctx, `(() => { const s = document.querySelector(`+jsQuote(f+`select[name=how]`)+`); s.value = "other"; s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="checked"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector(`+jsQuote(f+`input[name=note][aria-invalid="true"]`)+`)`)
	if msg := consoleEval[string](t, ctx, `document.querySelector(`+jsQuote(f+`.err`)+`).textContent`); !strings.Contains(msg, "required when verified_how is other") {
		t.Errorf("the note's error: %q", msg)
	}
	consoleAxe(t, ctx, "re-check form with errors, en")
	if v, _ := e.content(t); v != v0 {
		t.Fatalf("refused checks published: v%d", v)
	}
	consoleType(t, ctx, f+`input[name=note]`, "Phoned the service")
	consoleType(t, ctx, f+`input[name=source]`, "https://988.ca")
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="checked"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-recorded="`+histItoa(v0+1)+`"]') && !document.querySelector('[data-due-line="ca-988"]')`)
	if focused := consoleEval[string](t, ctx, `document.activeElement.getAttribute("data-recorded") || ""`); focused != histItoa(v0+1) {
		t.Errorf("focus after recording is on %q, want the outcome", focused)
	}
	_, c = e.content(t)
	l := c.Lines["ca-988"]
	// (the day may have turned since the test began)
	if l.VerifiedOn != today.Format("2006-01-02") && l.VerifiedOn != time.Now().UTC().Format("2006-01-02") || l.VerifiedHow != "other" ||
		l.VerifiedNote != "Phoned the service" || l.VerifiedBy != "ben" || l.Source != "https://988.ca" {
		t.Errorf("ca-988 after the check: %+v", l)
	}
	consoleClean(t, ctx)

	ctx = consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/recheck")
	consoleSignIn(t, ctx, "ben")
	consolePoll(t, ctx, `document.querySelector('[data-due-line="us-988"]')`)
	got = consoleEval[string](t, ctx, `document.querySelector("h1").textContent + "|" + document.querySelector("[data-due-count]").textContent + "|" +
		document.querySelector('[data-due-line="us-988"] [data-due-when]').textContent + "|" + document.querySelector('[data-check-form="us-988"] [data-action="checked"]').textContent`)
	if want := "File de revérification|1 ligne à revérifier (en retard, ou prévue d'ici 30 jours).|Prévue le " + today.AddDate(0, 0, 10).Format("2006-01-02") +
		", dans 10\u00a0jours.|Vérifiée aujourd'hui"; !strings.HasPrefix(got, want) {
		t.Errorf("the French queue reads\n%q\nwant\n%q", got, want)
	}
	consoleAxe(t, ctx, "re-check queue, fr")
	consoleClean(t, ctx)
}
