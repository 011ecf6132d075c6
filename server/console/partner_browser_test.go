package console_test

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/server"
)

// TestPartnerLimitedConsole signs in as pia, whose token (content and feedback:read) is
// limited to partner demo: the console offers the dashboard and the featured resources alone,
// the dashboard's partners and comments are demo's only, the featured editor lists demo alone
// and publishes its order, a view pia may not use says so instead of failing, and axe finds
// nothing, in English and French.
func TestPartnerLimitedConsole(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startDashboardEdge(t, dashFeedback())
	chrome := consoleBrowser(t)
	ctx := consoleOpen(t, chrome, e.URL+"/admin/feedback?lang=en")
	consoleSignIn(t, ctx, "pia")
	day, next := dashDay.Format(time.DateOnly), dashDay.AddDate(0, 0, 1).Format(time.DateOnly)

	if got := consoleEval[string](t, ctx, `[...document.querySelectorAll("#sp-nav [data-view]")].map(a => a.dataset.view).sort().join(" ")`); got != "featured feedback" {
		t.Errorf("views offered %q, want the dashboard and featured resources alone", got)
	}
	if got := consoleEval[string](t, ctx, `(document.querySelector("[data-partners]")||{}).textContent || ""`); !strings.Contains(got, "demo") {
		t.Errorf("the session line %q does not say pia is limited to demo", got)
	}

	t.Run("dashboard holds demo alone", func(t *testing.T) {
		dashWait(t, ctx)
		consolePoll(t, ctx, `document.querySelector('form.filters [name=partner] option[value="demo"]')`)
		if got := consoleEval[string](t, ctx, `[...document.querySelectorAll("form.filters [name=partner] option")].map(o => o.value).filter(Boolean).join(" ")`); got != "demo" {
			t.Errorf("partner options %q, want demo alone", got)
		}
		dashApply(t, ctx, map[string]string{"partner": "", "from": day, "to": next, "bucket": "day"})
		txt := consoleEval[string](t, ctx, `document.querySelector("main").innerText`)
		if !strings.Contains(txt, "hard") || strings.Contains(txt, "Very useful") || strings.Contains(txt, "Je n'en peux plus") {
			t.Errorf("the dashboard shows another partner's comments or lacks demo's: %s", txt)
		}
		if consoleEval[bool](t, ctx, `!!document.querySelector('[data-report="rates"] tr[data-partner="mhcc"]')`) {
			t.Error("the report has a row of mhcc")
		}
		consoleClean(t, ctx)
	})

	t.Run("featured resources of demo", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/?lang=en#/featured")); err != nil {
			t.Fatal(err)
		}
		consolePoll(t, ctx, `document.querySelector("#sp-partner") && document.querySelector("[data-featured] li")`)
		if got := consoleEval[string](t, ctx, `[...document.querySelectorAll("#sp-partner option")].map(o => o.value).join(" ")`); got != "demo" {
			t.Errorf("featured partners %q, want demo alone", got)
		}
		before, _ := e.content(t)
		// Move the second resource up, review, publish: the edge takes it from pia.
		consoleEval[bool](t, ctx, `document.querySelectorAll("[data-featured] li")[1].querySelector('[data-move="up"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-action="review"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-action="review"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-action="publish"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-action="publish"]').click(), true`)
		deadline := time.Now().Add(30 * time.Second)
		for {
			if v, _ := e.content(t); v > before {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("pia's featured order was not published: %s", consoleEval[string](t, ctx, `document.querySelector("main").innerText`))
			}
			time.Sleep(50 * time.Millisecond)
		}
		status, body, _ := e.api(t, "root", "GET", "/v1/admin/audit", nil)
		if status != 200 || !strings.Contains(string(body), `"actor":"pia","action":"partner.featured","target":"partners.demo"`) {
			t.Errorf("audit log: %d %s", status, body)
		}
		consoleClean(t, ctx)
	})

	t.Run("a view pia may not use says so", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/?lang=en#/lines")); err != nil {
			t.Fatal(err)
		}
		consolePoll(t, ctx, `document.querySelector("main .notice")`)
		if got := consoleEval[string](t, ctx, `document.querySelector("main .notice").textContent`); !strings.Contains(got, "limited to some partners") {
			t.Errorf("lines view as pia: %q", got)
		}
	})

	t.Run("axe", func(t *testing.T) {
		for _, lang := range []string{"en", "fr"} {
			hash := "#/feedback/" + url.PathEscape(url.Values{"from": {day}, "to": {next}}.Encode())
			if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/feedback?axe=1&lang="+lang+hash)); err != nil {
				t.Fatal(err)
			}
			dashWait(t, ctx)
			consoleAxe(t, ctx, "partner dashboard "+lang)
			if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/?axe=1&lang="+lang+"#/featured")); err != nil {
				t.Fatal(err)
			}
			consolePoll(t, ctx, `document.querySelector("[data-featured] li")`)
			consoleAxe(t, ctx, "partner featured "+lang)
			consoleClean(t, ctx)
		}
	})
}

// TestAuditLogView: the console's audit log names who did what: a person (an entry with their
// subject, email and provider, as a session writes it) by email and provider, a token by its
// name; fay (feedback:read) reads it, pia (limited to a partner) is not offered it; axe finds
// nothing in English and French.
func TestAuditLogView(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	audit, err := auditlog.OpenFile(filepath.Join(t.TempDir(), auditlog.FileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { audit.Close() })
	e := startConsoleEdge(t, server.Config{AuditLog: audit}, nil)
	if err := audit.Append(context.Background(), auditlog.Entry{Time: time.Now().Add(-time.Minute), Actor: "Ada Lovelace", Subject: "f3c1-77",
		Email: "ada@example.org", Provider: "Keycloak", Action: "notice.put", Target: "notices.storm", Version: 2}); err != nil {
		t.Fatal(err)
	}
	if status, body, _ := e.api(t, "pia", "PUT", "/v1/admin/partners/demo/featured", map[string][]string{"featured": {"stepped-care-2-0"}}); status != 200 {
		t.Fatalf("pia's featured edit: %d %s", status, body)
	}
	chrome := consoleBrowser(t)
	ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/audit")
	consoleSignIn(t, ctx, "fay")
	consolePoll(t, ctx, `document.querySelectorAll("[data-audit] tbody tr").length >= 2`)
	rows := consoleEval[string](t, ctx, `[...document.querySelectorAll("[data-audit] tbody tr")].map(r => r.dataset.action + "=" + r.querySelector("th").textContent).join("|")`)
	if !strings.Contains(rows, "partner.featured=pia") || !strings.Contains(rows, "notice.put=ada@example.org (Keycloak)") {
		t.Errorf("audit rows %q: want pia's edit by name and Ada's by email and provider", rows)
	}
	for _, lang := range []string{"en", "fr"} {
		if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/?axe=1&lang="+lang+"#/audit")); err != nil {
			t.Fatal(err)
		}
		consolePoll(t, ctx, `document.querySelector("[data-audit] tbody tr")`)
		consoleAxe(t, ctx, "audit log "+lang)
		consoleClean(t, ctx)
	}
	pia := consoleOpen(t, chrome, e.URL+"/admin/?lang=en")
	consoleSignIn(t, pia, "pia")
	if consoleEval[bool](t, pia, `!!document.querySelector('#sp-nav [data-view="audit"]')`) {
		t.Error("a partner-limited token is offered the audit log")
	}
}
