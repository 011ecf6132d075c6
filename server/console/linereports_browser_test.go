package console_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
)

// reportXSS is a visitor's comment that is markup: the console must show it as these characters.
const reportXSS = `<img src=x onerror="window.__xss=1">`

// startReportsEdge is a console edge taking reports into a real feedback store, with ca-988
// and qc-appelle checked today (not due), us-988 overdue; visitors at three addresses report
// ca-988 (flagged), one reports qc-appelle. It returns the edge and the version after the
// setup.
func startReportsEdge(t *testing.T) (*consoleEdge, int64) {
	t.Helper()
	st, err := logstore.Open(t.TempDir(), logstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := startConsoleEdge(t, server.Config{Feedback: st}, nil)
	today := time.Now().UTC()
	_, c := e.content(t)
	fresh, overdue, quebec := *c.Lines["ca-988"], *c.Lines["us-988"], *c.Lines["qc-appelle"]
	fresh.VerifiedOn, quebec.VerifiedOn = today.Format("2006-01-02"), today.Format("2006-01-02")
	fresh.NextCheck, quebec.NextCheck = "", ""
	overdue.VerifiedOn = today.AddDate(0, -13, 0).Format("2006-01-02")
	for id, l := range map[string]any{"ca-988": fresh, "us-988": overdue, "qc-appelle": quebec} {
		if status, body, _ := e.api(t, "root", "PUT", "/v1/admin/lines/"+id, l); status != 200 {
			t.Fatalf("setting up %s: %d %s", id, status, body)
		}
	}
	v, _ := e.content(t)
	// The edge applies a version as it watches the store: a report names a line it serves.
	report := func(ip string, changes ...any) {
		t.Helper()
		edgetest.MustAccept(t, e.Edge.PostReport(t, ip, edgetest.Report(changes...)))
	}
	report("192.0.2.1", "reason", "not_working", "comment", "Nobody answered")
	report("192.0.2.2", "reason", "wrong_hours", "comment", reportXSS)
	report("192.0.2.3", "reason", "not_working", "comment", "")
	report("192.0.2.4", "line", "qc-appelle", "reason", "other", "comment", "Closed at 9pm")
	return e, v
}

// TestLineReportsBrowser: to an operator who reads feedback, the re-check queue puts ca-988,
// reported from three addresses today, first and marked flagged with its count, though its
// check is not due, with its reports by reason and its comments as text (markup shown as
// characters, never run); the line reported once follows the queue in a section of its own.
// From the queue the flagged line is checked today and its status switched. ben, who may not
// read feedback, sees the queue without reports. English and French, axe clean, 390 px wide.
func TestLineReportsBrowser(t *testing.T) {
	t.Parallel() // a browser and an edge of its own: it waits on them, not on the CPU
	e, v0 := startReportsEdge(t)
	today := time.Now().UTC().Format("2006-01-02")
	chrome := consoleBrowser(t)

	ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/recheck")
	consoleSignIn(t, ctx, "root")
	consolePoll(t, ctx, `document.querySelector('[data-reported-line="qc-appelle"]')`)
	order := consoleEval[string](t, ctx, `[...document.querySelectorAll("[data-due-line]")].map(s => s.dataset.dueLine).join(" ")`)
	if !strings.HasPrefix(order, "ca-988 us-988") {
		t.Errorf("the queue's order: %q, want the flagged ca-988 first, then the overdue us-988", order)
	}
	q := `[data-due-line="ca-988"] `
	got := consoleEval[string](t, ctx, `[document.querySelector("[data-flagged-count]").textContent,
		document.querySelector(`+jsQuote(q+`[data-flag]`)+`).dataset.flag, document.querySelector(`+jsQuote(q+`[data-flag]`)+`).textContent,
		document.querySelector(`+jsQuote(q+`[data-due-when]`)+`).textContent,
		...[...document.querySelectorAll(`+jsQuote(q+`[data-reason]`)+`)].map(li => li.textContent),
		document.querySelector(`+jsQuote(q+`.reports > p`)+`).textContent].join("|")`)
	want := "1 line is flagged by visitors' reports (from 3 or more different addresses in 24 hours): it comes first.|3|" +
		"Flagged: reported from 3 different addresses in the last 24 hours.|Not due for a re-check: last checked " + today + ".|" +
		"The number didn't work: 2|The hours are wrong: 1|Something else: 0|3 reports. From 3 different addresses in the last 24 hours."
	if got != want {
		t.Errorf("ca-988 in the queue reads\n%s\nwant\n%s", got, want)
	}
	// Comments, newest first, as text: the markup is its characters, no element, nothing run.
	said := consoleEval[string](t, ctx, `JSON.stringify([...document.querySelectorAll(`+jsQuote(q+`[data-report-comment] .said`)+`)].map(p => p.textContent))`)
	var comments []string
	if err := json.Unmarshal([]byte(said), &comments); err != nil || len(comments) != 2 || comments[0] != reportXSS || comments[1] != "Nobody answered" {
		t.Errorf("ca-988's comments: %s (%v)", said, err)
	}
	if n := consoleEval[int](t, ctx, `document.querySelectorAll("main img").length + (window.__xss ? 100 : 0)`); n != 0 {
		t.Errorf("a comment's markup became %d elements (or ran)", n)
	}
	other := consoleEval[string](t, ctx, `(() => { const s = document.querySelector('[data-reports-other] [data-reported-line="qc-appelle"]');
		return [s.querySelector("h3").textContent, s.querySelector('[data-reason="other"]').textContent, s.querySelector(".said").textContent,
			s.querySelector("[data-reports]").hasAttribute("data-flagged"), !!document.querySelector('[data-due-line="qc-appelle"]')].join("|") })()`)
	if !strings.HasSuffix(other, "qc-appelle|Something else: 1|Closed at 9pm|false|false") {
		t.Errorf("qc-appelle, reported once, reads %q", other)
	}
	consoleAxe(t, ctx, "re-check queue with reports, en")

	// Checked today from the queue: still flagged (the reports stand), now checked by root.
	consoleEval[bool](t, ctx, `(() => { const s = document.querySelector(`+jsQuote(`[data-check-form="ca-988"] select[name=how]`)+`); s.value = "official_page";
		s.dispatchEvent(new Event("change", {bubbles: true})); return true })()`)
	consoleEval[bool](t, ctx, `document.querySelector('[data-check-form="ca-988"] [data-action="checked"]').click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-recorded="`+histItoa(v0+1)+`"]') && document.querySelector(`+jsQuote(q+`[data-flag="3"]`)+`)`)
	if _, c := e.content(t); c.Lines["ca-988"].VerifiedBy != "root" || c.Lines["ca-988"].VerifiedHow != "official_page" {
		t.Errorf("ca-988 after the check: %+v", c.Lines["ca-988"])
	}
	// Its status switched from the queue: the form, then the queue again, the line marked.
	consoleEval[bool](t, ctx, `document.querySelector('[data-status-edit="ca-988"]').click(), true`)
	f := `[data-status-form="ca-988"] `
	consolePoll(t, ctx, `document.querySelector(`+jsQuote(f)+`)`)
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`input[value=degraded]`)+`).click(), true`)
	consoleType(t, ctx, f+`textarea[lang=en]`, "Calls are failing. Text 988 instead.")
	consoleType(t, ctx, f+`textarea[lang=fr]`, "Les appels échouent. Textez le 988.")
	consoleEval[bool](t, ctx, `document.querySelector(`+jsQuote(f+`[data-action="set-status"]`)+`).click(), true`)
	consolePoll(t, ctx, `document.querySelector('[data-recorded="`+histItoa(v0+2)+`"]') && document.querySelector(`+jsQuote(q+`[data-line-status="degraded"]`)+`)`)
	if st := consoleEval[string](t, ctx, `document.querySelector(`+jsQuote(q+`[data-line-status]`)+`).textContent`); st != "Status: Degraded: Calls are failing. Text 988 instead." {
		t.Errorf("ca-988's status in the queue: %q", st)
	}
	if _, c := e.content(t); c.Lines["ca-988"].Status != "degraded" {
		t.Errorf("ca-988 after the switch: %+v", c.Lines["ca-988"])
	}
	consoleClean(t, ctx)

	ctx = consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/recheck")
	consoleSignIn(t, ctx, "root")
	consolePoll(t, ctx, `document.querySelector('[data-reported-line="qc-appelle"]')`)
	got = consoleEval[string](t, ctx, `[document.querySelector(`+jsQuote(q+`[data-flag]`)+`).textContent,
		document.querySelector(`+jsQuote(q+`[data-reason="not_working"]`)+`).textContent, document.querySelector(`+jsQuote(q+`.said`)+`).textContent].join("|")`)
	if want := "Signalée\u00a0: des visiteurs l'ont signalée depuis 3 adresses différentes dans les dernières 24\u00a0heures.|Le numéro n'a pas fonctionné\u00a0: 2|" + reportXSS; got != want {
		t.Errorf("the French queue reads\n%q\nwant\n%q", got, want)
	}
	consoleAxe(t, ctx, "re-check queue with reports, fr")
	consoleClean(t, ctx)

	// ben (content, not feedback:read): the queue as it was, no reports, no flag.
	ctx = consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/recheck")
	consoleSignIn(t, ctx, "ben")
	consolePoll(t, ctx, `document.querySelector('[data-due-line="us-988"]')`)
	if n := consoleEval[int](t, ctx, `document.querySelectorAll('[data-reports],[data-reports-other],[data-flagged-count],[data-flag],[data-due-line="ca-988"]').length`); n != 0 {
		t.Errorf("ben sees %d report elements", n)
	}
	consoleClean(t, ctx)

	histNarrow(t, chrome, e.URL+"/admin/?lang=fr#/recheck", "root", `document.querySelector('[data-reported-line="qc-appelle"]')`)
}
