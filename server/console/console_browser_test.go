package console_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/snippets"
)

// Browser tests of the operator console (/admin/): a real edge with a real content store, a real
// headless Chromium, and an operator at the keyboard.

// TestConsoleSignIn: the token is asked for in a password field, kept in sessionStorage only,
// and forgotten at sign-out; a wrong token is said beside the field; each operator sees the
// views their scopes allow.
func TestConsoleSignIn(t *testing.T) {
	e := startConsoleEdge(t, server.Config{}, nil)
	browser := consoleBrowser(t)
	ctx := consoleOpen(t, browser, e.URL+"/admin/")
	consolePoll(t, ctx, `document.getElementById("sp-token")`)
	if typ := consoleEval[string](t, ctx, `document.getElementById("sp-token").type`); typ != "password" {
		t.Errorf("token field type %q, want password", typ)
	}
	if !consoleEval[bool](t, ctx, `document.activeElement.id === "sp-token"`) {
		t.Error("the sign-in form does not start with the focus in the token field")
	}

	// A wrong token: the error sits beside the field and is tied to it.
	consoleKeys(t, ctx, "not-a-token", "\r")
	consolePoll(t, ctx, `document.getElementById("sp-token").getAttribute("aria-invalid") === "true"`)
	msg := consoleEval[string](t, ctx, `(() => { const f = document.getElementById("sp-token");
	  const ids = f.getAttribute("aria-describedby").split(" "); const e = ids.map(i => document.getElementById(i)).find(n => n && n.classList.contains("err"));
	  return e && e.previousElementSibling === f ? e.textContent : "" })()`)
	if !strings.Contains(msg, "not accepted") {
		t.Errorf("wrong token: message beside the field %q", msg)
	}
	if got := consoleEval[string](t, ctx, `String(sessionStorage.getItem("signpost.token"))`); got != "null" {
		t.Errorf("a refused token was kept: %q", got)
	}

	// The right one: kept in this tab's sessionStorage, nowhere else.
	consoleEval[string](t, ctx, `document.getElementById("sp-token").value = ""`)
	consoleSignIn(t, ctx, "ben")
	if got := consoleEval[string](t, ctx, `sessionStorage.getItem("signpost.token")`); got != consoleToken(t, "ben") {
		t.Errorf("sessionStorage token %q", got)
	}
	if n := consoleEval[int](t, ctx, `localStorage.length + document.cookie.length`); n != 0 {
		t.Errorf("the console left %d bytes in localStorage or cookies", n)
	}
	if got := consoleEval[string](t, ctx, `[...document.querySelectorAll("#sp-nav [data-view]")].map(a => a.dataset.view).join()`); !strings.HasPrefix(got, "featured,resources") ||
		strings.Contains(got, "notices") || strings.Contains(got, "feedback") {
		t.Errorf("views for a content-only token: %s", got)
	}
	// A reload keeps the session (same tab); the view named in the address opens.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/?lang=en#/resources")); err != nil {
		t.Fatal(err)
	}
	consolePoll(t, ctx, `document.querySelector('[data-operator="ben"]') && document.querySelector("[data-resources] li")`)
	// A view the token cannot use says which scope it lacks.
	consoleEval[string](t, ctx, `location.hash = "#/notices"; ""`)
	consolePoll(t, ctx, `document.querySelector("main").textContent.includes("needs the scope notice")`)

	// Sign out with the keyboard: the token is gone, the form is back.
	consoleEval[string](t, ctx, `document.querySelector('[data-action="signout"]').focus(); ""`)
	consoleKeys(t, ctx, "\r")
	consolePoll(t, ctx, `document.getElementById("sp-token") && document.getElementById("sp-status").textContent.includes("Signed out")`)
	if got := consoleEval[string](t, ctx, `String(sessionStorage.getItem("signpost.token"))`); got != "null" {
		t.Errorf("token left after sign-out: %q", got)
	}
	if consoleEval[bool](t, ctx, `!!document.querySelector("[data-operator], #sp-nav nav")`) {
		t.Error("the operator's name or views remain after sign-out")
	}

	// In French, a notice-only operator: the French error, then only the notices view.
	fr := consoleOpen(t, browser, e.URL+"/admin/?lang=fr")
	consolePoll(t, fr, `document.getElementById("sp-token")`)
	consoleKeys(t, fr, "faux", "\r")
	consolePoll(t, fr, `document.querySelector(".err") && document.querySelector(".err").textContent.includes("pas accepté")`)
	consoleEval[string](t, fr, `document.getElementById("sp-token").value = ""`)
	consoleSignIn(t, fr, "nia")
	if got := consoleEval[string](t, fr, `[...document.querySelectorAll("#sp-nav [data-view]")].map(a => a.dataset.view).join()`); !strings.Contains(got, "notices") || strings.Contains(got, "featured") {
		t.Errorf("views for a notice-only token: %s", got)
	}
	consolePoll(t, fr, `document.querySelector("main h1") && document.querySelector("main h1").textContent === "Avis d'urgence"`)
	consoleClean(t, ctx)
	consoleClean(t, fr)
}

// consoleTabTo presses Tab until the focused element matches the CSS selector (at most max
// presses): the way a keyboard user reaches a control.
func consoleTabTo(t *testing.T, ctx context.Context, selector string, max int) {
	t.Helper()
	for range max {
		consoleKeys(t, ctx, kb.Tab)
		if consoleEval[bool](t, ctx, `!!document.activeElement && document.activeElement.matches(`+jsQuote(selector)+`)`) {
			return
		}
	}
	t.Fatalf("%s not reached in %d Tab presses (focus on %s)", selector, max, consoleEval[string](t, ctx, consoleFocused))
}

// TestConsoleKeyboardReorder: an operator reorders a partner's featured resources with the
// keyboard only (Tab, Enter, Space), hears each move announced, keeps the focus on the moved
// item, reviews the diff and the live preview, and publishes: the API has the new order.
func TestConsoleKeyboardReorder(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	v0, c0 := e.content(t)
	before := c0.Partners["demo"].Featured
	browser := consoleBrowser(t)
	ctx := consoleOpen(t, browser, e.URL+"/admin/")
	consoleSignIn(t, ctx, "ana")
	consolePoll(t, ctx, `document.querySelector("[data-featured] li[data-id]")`)
	// Signing in lands on the first view with the focus on its heading; the partner is next.
	consoleTabTo(t, ctx, "#sp-partner", 3)
	if got := consoleEval[string](t, ctx, `document.getElementById("sp-partner").value`); got != "demo" {
		t.Fatalf("partner %q", got)
	}
	first := before[0]
	consoleTabTo(t, ctx, `[data-move="down"]`, 3)
	if got := consoleEval[string](t, ctx, consoleFocused); got != "BUTTON|down|"+first {
		t.Fatalf("focus %s", got)
	}
	consoleKeys(t, ctx, "\r") // Enter: position 2
	consolePoll(t, ctx, `document.getElementById("sp-status").textContent.includes("to position 2 of `+itoa(len(before))+`")`)
	if got := consoleEval[string](t, ctx, consoleFocused); got != "BUTTON|down|"+first {
		t.Fatalf("after Enter the focus left the moved item: %s", got)
	}
	consoleKeys(t, ctx, " ") // Space: position 3
	consolePoll(t, ctx, `document.getElementById("sp-status").textContent.includes("to position 3 of `+itoa(len(before))+`")`)
	if got := consoleEval[string](t, ctx, consoleFocused); got != "BUTTON|down|"+first {
		t.Fatalf("after Space the focus left the moved item: %s", got)
	}
	status := consoleEval[string](t, ctx, `document.getElementById("sp-status").textContent`)
	if !strings.HasPrefix(status, "Moved ") || consoleEval[string](t, ctx, `document.getElementById("sp-status").getAttribute("aria-live")`) != "polite" {
		t.Errorf("announcement %q", status)
	}
	// The top item's Move up does nothing, and says so.
	top := consoleEval[string](t, ctx, `document.querySelector("[data-featured] li[data-id]").dataset.id`)
	if consoleEval[string](t, ctx, `document.querySelector("[data-featured] li [data-move=up]").getAttribute("aria-disabled")`) != "true" {
		t.Error("Move up of the first item is not marked unavailable")
	}
	want := append([]string{before[1], before[2], first}, before[3:]...)
	if top != want[0] {
		t.Fatalf("top item %s, want %s", top, want[0])
	}
	if got := consoleEval[string](t, ctx, `[...document.querySelectorAll("[data-featured] li[data-id]")].map(li => li.dataset.id).join()`); got != strings.Join(want, ",") {
		t.Fatalf("list order %s, want %s", got, strings.Join(want, ","))
	}
	// Remove the last item and add it back from the list of the others: it returns at the end.
	last := want[len(want)-1]
	consoleEval[bool](t, ctx, `document.querySelector('[data-featured] li[data-id="`+last+`"] [data-move="remove"]').focus() || true`)
	consoleKeys(t, ctx, "\r")
	consolePoll(t, ctx, `document.getElementById("sp-status").textContent.startsWith("Removed ") && !document.querySelector('[data-featured] li[data-id="`+last+`"]')`)
	if got := consoleEval[string](t, ctx, consoleFocused); got != "BUTTON|remove|"+want[len(want)-2] {
		t.Errorf("after Remove the focus is on %s, want the next item's Remove", got)
	}
	consoleTabTo(t, ctx, "#sp-add", 3)
	consoleEval[bool](t, ctx, `(document.getElementById("sp-add").value = `+jsQuote(last)+`) && true`)
	consoleTabTo(t, ctx, `[data-action="add"]`, 2)
	consoleKeys(t, ctx, " ")
	consolePoll(t, ctx, `document.getElementById("sp-status").textContent.includes("at position `+itoa(len(want))+` of `+itoa(len(want))+`")`)
	if got := consoleEval[string](t, ctx, consoleFocused); got != "BUTTON|up|"+last {
		t.Errorf("after Add the focus is on %s, want the added item", got)
	}
	// Review (a dry run: nothing published yet), then Publish.
	consoleTabTo(t, ctx, `[data-action="review"]`, 60)
	consoleKeys(t, ctx, "\r")
	consolePoll(t, ctx, `document.querySelector("[data-review] .diff td.del") && document.querySelector("[data-review] iframe[data-preview-frame]")`)
	if v, _ := e.content(t); v != v0 {
		t.Fatalf("the review published: v%d -> v%d", v0, v)
	}
	src := consoleEval[string](t, ctx, `document.querySelector("[data-review] iframe").getAttribute("src")`)
	if !strings.HasPrefix(src, "/admin/preview/") || !strings.Contains(src, "partner=demo") {
		t.Errorf("preview frame src %q", src)
	}
	// The live preview is the draft: its featured resources come in the new order.
	titles := map[string]string{}
	for _, r := range c0.Resources {
		titles[r.ID] = r.Title["en"]
	}
	got := consoleFrame(t, ctx, "/admin/preview/", `[...document.querySelector('[data-signpost="resources"]').shadowRoot.querySelectorAll("a")].map(a => a.textContent).join("|")`)
	if !strings.HasPrefix(got, titles[want[0]]) || !strings.Contains(got, titles[first]) || strings.Index(got, titles[first]) < strings.Index(got, titles[want[1]]) {
		t.Errorf("preview resources %q, want the draft's order %v", got, want[:3])
	}
	if !consoleEval[bool](t, ctx, `document.activeElement.closest("[data-review]") !== null`) {
		t.Error("the focus did not move to the review")
	}
	// Leaving with the change unpublished asks first; declined, the view and the change stay.
	consoleEval[bool](t, ctx, `(window.__confirm = window.confirm, window.confirm = q => (window.__asked = q, false), location.hash = "#/resources", true)`)
	consolePoll(t, ctx, `window.__asked`)
	consoleEval[bool](t, ctx, `(window.confirm = window.__confirm, true)`)
	if !consoleEval[bool](t, ctx, `location.hash !== "#/resources" && !!document.querySelector("[data-review] [data-action=publish]")`) {
		t.Errorf("declining to leave did not keep the view: %s", consoleEval[string](t, ctx, `location.hash`))
	}
	// A change after the review withdraws it: the reviewed order can no longer be published,
	// and the order published is the one reviewed again.
	consoleEval[bool](t, ctx, `document.querySelector('[data-featured] li[data-id="`+last+`"] [data-move="remove"]').click() || true`)
	consolePoll(t, ctx, `!document.querySelector("[data-review]") && !document.querySelector('[data-action="publish"]')`)
	want = want[:len(want)-1]
	consoleEval[bool](t, ctx, `document.querySelector('.dirty [data-action="review"]').click() || true`)
	consolePoll(t, ctx, `document.querySelector('[data-review] [data-action="publish"]') && document.activeElement.closest("[data-review]")`)
	consoleTabTo(t, ctx, `[data-action="publish"]`, 10)
	consoleKeys(t, ctx, "\r")
	consolePoll(t, ctx, `document.getElementById("sp-status").textContent.startsWith("Published version")`)
	v1, c1 := e.content(t)
	if v1 != v0+1 || !slices.Equal(c1.Partners["demo"].Featured, want) {
		t.Fatalf("after publishing: v%d featured %v, want v%d %v", v1, c1.Partners["demo"].Featured, v0+1, want)
	}
	if !slices.Equal(c1.Partners["mhcc"].Featured, c0.Partners["mhcc"].Featured) {
		t.Error("another partner's list changed")
	}
	consolePoll(t, ctx, `!document.querySelector("[data-review]") && !document.querySelector(".dirty") && !SP.unsaved()`)
	consoleClean(t, ctx)
}

// consoleFieldError is the visible message tied to a field (by aria-describedby, right after
// it), or "" when the field is not marked invalid.
func consoleFieldError(t *testing.T, ctx context.Context, selector string) string {
	t.Helper()
	return consoleEval[string](t, ctx, `(() => { const f = document.querySelector(`+jsQuote(selector)+`);
	  if (!f || f.getAttribute("aria-invalid") !== "true") return "";
	  const m = (f.getAttribute("aria-describedby") || "").split(" ").map(i => document.getElementById(i)).find(n => n && n.classList.contains("err"));
	  return m && m.previousElementSibling === f ? m.textContent : "" })()`)
}

// TestConsoleFieldErrors: a resource edit the API refuses (422) shows each error beside its
// input, with aria-invalid and the message tied to it; nothing is published.
func TestConsoleFieldErrors(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	v0, c0 := e.content(t)
	id, idx := c0.Resources[2].ID, 2
	browser := consoleBrowser(t)
	ctx := consoleOpen(t, browser, e.URL+"/admin/#/resources/"+id)
	consoleSignIn(t, ctx, "ben")
	url := `[data-field="resources[` + itoa(idx) + `].url.en"]`
	title := `[data-field="resources[` + itoa(idx) + `].title.en"]`
	consolePoll(t, ctx, `document.querySelector(`+jsQuote(url)+`)`)
	consoleEval[bool](t, ctx, `(() => { const u = document.querySelector(`+jsQuote(url)+`), ti = document.querySelector(`+jsQuote(title)+`);
	  u.value = "javascript:alert(1)"; ti.value = ""; return true })()`)
	consoleEval[bool](t, ctx, `document.querySelector('[data-resource] [data-action="review"]').focus() || true`)
	consoleKeys(t, ctx, "\r")
	consolePoll(t, ctx, `document.querySelector("[data-summary]")`)
	if got := consoleFieldError(t, ctx, url); !strings.Contains(got, "not an absolute http(s) URL") {
		t.Errorf("URL error beside the field: %q", got)
	}
	if got := consoleFieldError(t, ctx, title); !strings.Contains(got, "required") {
		t.Errorf("title error beside the field: %q", got)
	}
	if consoleEval[string](t, ctx, `document.querySelector('[data-field$=".summary.en"]').getAttribute("aria-invalid") || ""`) != "" {
		t.Error("a valid field is marked invalid")
	}
	if !consoleEval[bool](t, ctx, `document.activeElement.matches("[data-summary]") && document.activeElement.querySelectorAll("a").length === 2`) {
		t.Error("the summary of problems does not take the focus with a link to each field")
	}
	if v, _ := e.content(t); v != v0 {
		t.Errorf("an invalid edit was published: v%d -> v%d", v0, v)
	}
	consoleClean(t, ctx)
}

// TestConsoleNewResource: in the French console an operator makes a new resource. Its
// identifier is checked before anything is sent (a malformed one, then one already taken, each
// said beside the field); the types read in French while the API gets its own values; the
// review publishes it and the API has it, with the type chosen.
func TestConsoleNewResource(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	v0, c0 := e.content(t)
	browser := consoleBrowser(t)
	ctx := consoleOpen(t, browser, e.URL+"/admin/?lang=fr#/resources/new")
	consoleSignIn(t, ctx, "ben")
	idx := len(c0.Resources)
	field := func(name string) string { return `[data-field="resources[` + itoa(idx) + `].` + name + `"]` }
	consolePoll(t, ctx, `document.querySelector(`+jsQuote(field("id"))+`)`)
	if got := consoleEval[string](t, ctx, `[...document.querySelectorAll("select[name=type] option")].map(o => o.value + "=" + o.textContent).join()`); !strings.Contains(got, "video=vidéo") || !strings.Contains(got, "toolkit=trousse d'outils") {
		t.Errorf("type options: %s", got)
	}
	set := func(name, value string) {
		consoleEval[bool](t, ctx, `(() => { const f = document.querySelector(`+jsQuote(field(name))+`); f.value = `+jsQuote(value)+`; return true })()`)
	}
	review := func() {
		consoleEval[bool](t, ctx, `document.querySelector('[data-resource] [data-action="review"]').click() || true`)
	}
	for _, c := range []struct{ id, want string }{{"Guide de survie!", "lettres minuscules"}, {c0.Resources[0].ID, "porte déjà cet identifiant"}} {
		set("id", c.id)
		review()
		consolePoll(t, ctx, `document.querySelector("[data-summary]")`)
		if got := consoleFieldError(t, ctx, field("id")); !strings.Contains(got, c.want) {
			t.Errorf("id %q: error beside the field %q, want %q", c.id, got, c.want)
		}
	}
	set("id", "guide-survie")
	consoleEval[bool](t, ctx, `(() => { const s = document.querySelector("select[name=type]"); s.value = "toolkit"; return true })()`)
	set("title.en", "Survival guide")
	set("title.fr", "Guide de survie")
	set("summary.en", "Steps for a hard night.")
	set("url.en", "https://example.org/guide")
	review()
	consolePoll(t, ctx, `document.querySelector('[data-review] [data-action="publish"]')`)
	if v, _ := e.content(t); v != v0 {
		t.Fatalf("the review published: v%d -> v%d", v0, v)
	}
	consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="publish"]').click() || true`)
	consolePoll(t, ctx, `document.getElementById("sp-status").textContent.includes("`+strconv.FormatInt(v0+1, 10)+`")`)
	_, c1 := e.content(t)
	if len(c1.Resources) != idx+1 {
		t.Fatalf("%d resources after publishing, want %d", len(c1.Resources), idx+1)
	}
	if r := c1.Resources[idx]; r.ID != "guide-survie" || r.Type != "toolkit" || r.Title["fr"] != "Guide de survie" || r.URL["en"] != "https://example.org/guide" {
		t.Errorf("published resource: %+v", r)
	}
	consoleClean(t, ctx)
}

// TestConsoleConflict: two operators in two tabs start from the same version. Ana publishes a
// new featured order; Ben, editing a resource, is told on review that Ana changed the content,
// sees her name and the diff, re-applies his edit on top and publishes: both changes hold.
func TestConsoleConflict(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	v0, c0 := e.content(t)
	res := c0.Resources[1]
	browser := consoleBrowser(t)
	a := consoleOpen(t, browser, e.URL+"/admin/#/featured/mhcc")
	b := consoleOpen(t, browser, e.URL+"/admin/#/resources/"+res.ID)
	consoleSignIn(t, a, "ana")
	consoleSignIn(t, b, "ben")
	consolePoll(t, a, `document.querySelector("[data-featured] li[data-id] [data-move=down]") && document.getElementById("sp-partner").value === "mhcc"`)
	summary := `[data-field="resources[1].summary.fr"]`
	consolePoll(t, b, `document.querySelector(`+jsQuote(summary)+`)`)

	// Ana: the first item down one place, published.
	consoleEval[bool](t, a, `document.querySelector("[data-featured] li[data-id] [data-move=down]").click() || true`)
	consoleEval[bool](t, a, `document.querySelector('[data-action="review"]').click() || true`)
	consolePoll(t, a, `document.querySelector('[data-review] [data-action="publish"]')`)
	consoleEval[bool](t, a, `document.querySelector('[data-review] [data-action="publish"]').click() || true`)
	consolePoll(t, a, `document.getElementById("sp-status").textContent.includes("Published version `+strconv.FormatInt(v0+1, 10)+`")`)

	// Ben, still on v0: a new French summary. The review meets the conflict.
	newSummary := "Résumé revu par Ben."
	consoleEval[bool](t, b, `(() => { const f = document.querySelector(`+jsQuote(summary)+`); f.value = `+jsQuote(newSummary)+`; return true })()`)
	consoleEval[bool](t, b, `document.querySelector('[data-resource] [data-action="review"]').click() || true`)
	consolePoll(t, b, `document.querySelector("[data-conflict] [data-action=reapply]")`)
	conflict := consoleEval[string](t, b, `document.querySelector("[data-conflict]").textContent`)
	if !strings.Contains(conflict, "by ana") || !strings.Contains(conflict, "v"+strconv.FormatInt(v0+1, 10)) {
		t.Errorf("the conflict does not say who changed what: %q", conflict)
	}
	if !consoleEval[bool](t, b, `!!document.querySelector("[data-conflict] .diff table caption") && document.querySelectorAll("[data-conflict] .diff td.del, [data-conflict] .diff td.add").length > 0`) {
		t.Error("the conflict shows no diff of Ana's change")
	}
	if !consoleEval[bool](t, b, `document.activeElement.id === "sp-conflict-h"`) {
		t.Error("the focus did not move to the conflict")
	}
	if v, _ := e.content(t); v != v0+1 {
		t.Fatalf("version %d after the conflict, want %d", v, v0+1)
	}
	// Re-apply on top: reviewed again against Ana's version, then published.
	consoleEval[bool](t, b, `document.querySelector("[data-conflict] [data-action=reapply]").click() || true`)
	consolePoll(t, b, `!document.querySelector("[data-conflict]") && document.querySelector('[data-review] [data-action="publish"]')`)
	consoleEval[bool](t, b, `document.querySelector('[data-review] [data-action="publish"]').click() || true`)
	consolePoll(t, b, `document.getElementById("sp-status").textContent.includes("Published version `+strconv.FormatInt(v0+2, 10)+`")`)

	v2, c2 := e.content(t)
	wantOrder := append([]string{c0.Partners["mhcc"].Featured[1], c0.Partners["mhcc"].Featured[0]}, c0.Partners["mhcc"].Featured[2:]...)
	if v2 != v0+2 || !slices.Equal(c2.Partners["mhcc"].Featured, wantOrder) {
		t.Errorf("Ana's order lost: v%d %v, want %v", v2, c2.Partners["mhcc"].Featured, wantOrder)
	}
	if got := c2.Resources[1].Summary["fr"]; got != newSummary || c2.Resources[1].ID != res.ID {
		t.Errorf("Ben's edit lost: %s summary.fr %q", c2.Resources[1].ID, got)
	}
	if got := c2.Resources[1].Title["en"]; got != res.Title["en"] {
		t.Errorf("Ben's re-applied edit changed the title: %q", got)
	}
	consoleClean(t, a)
	consoleClean(t, b)
}

// consolePartnerPage loads a partner's page (the demo page) and waits until the widget has
// rendered the snippet it fetched (the featured resources), so that the banner shows what the
// edge serves now. It returns the banner's text.
func consolePartnerPage(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	consolePoll(t, ctx, `document.querySelector('[data-signpost="resources"]').shadowRoot.querySelector("a")`)
	return consoleEval[string](t, ctx, consoleBanner)
}

const consoleBanner = `(() => { const h = document.querySelector('[data-signpost="banner"]'); return h && h.shadowRoot && h.shadowRoot.textContent || "" })()`

// TestConsoleNoticeAcrossEdges: a notice published in the console on one edge reaches a partner
// page served by another edge sharing the Redis content store (the time it takes is logged; a
// busy machine only makes it slower, so the test waits generously), and is gone from that edge's
// page once its expiry has passed on the edge's clock (injected: the test moves it on rather than
// waiting; the open page dropping a notice by itself at its expiry is the widget's
// TestNoticeLeavesAtExpiry). Active notices are listed in the console, expired ones are not, and
// Withdraw takes one down at once.
func TestConsoleNoticeAcrossEdges(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	rs := redistest.Start(t)
	e1 := startConsoleEdge(t, server.Config{}, consoleRedisStore(t, rs))
	var later atomic.Int64 // edge 2's clock runs this far ahead of the real one
	e2 := startConsoleEdge(t, server.Config{Now: func() time.Time { return time.Now().Add(time.Duration(later.Load())) }},
		consoleRedisStore(t, rs))
	browser := consoleBrowser(t)
	con := consoleOpen(t, browser, e1.URL+"/admin/#/notices")
	consoleSignIn(t, con, "nia")
	consolePoll(t, con, `document.querySelector("[data-notice-form] textarea[lang=en]") && document.querySelector("[data-notices] [data-empty]")`)

	// The visitor's tab: caching off, since what is measured is the edges, not the browser's
	// cache (which may keep a snippet for its max-age, 60 s).
	site := consoleOpen(t, browser, "about:blank")
	if _, err := chromedp.Call(site, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(site, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		t.Fatal(err)
	}
	msg := "Test notice: the chat service is closed today."
	if text := consolePartnerPage(t, site, e2.URL+"/"); strings.Contains(text, msg) || !strings.Contains(text, "988") {
		t.Fatalf("banner before the notice: %q", text)
	}

	// The form: both languages, the demo partner, an expiry two hours ahead in the browser's own
	// zone. First with a mistake in the English, corrected after the preview.
	typo := "Test notice: the chat service is clsoed today."
	consoleEval[bool](t, con, `(() => {
	  const f = document.querySelector("[data-notice-form]");
	  f.querySelector("textarea[lang=en]").value = `+jsQuote(typo)+`;
	  f.querySelector("textarea[lang=fr]").value = "Avis de test : le clavardage est fermé aujourd'hui.";
	  f.querySelector('input[name=partners][value=demo]').click();
	  const d = new Date(Date.now() + 2 * 3600 * 1000), p = n => String(n).padStart(2, "0");
	  const w = f.querySelector("input[type=datetime-local]");
	  w.value = d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" + p(d.getMinutes()) + ":" + p(d.getSeconds());
	  w.dispatchEvent(new Event("input"));
	  window.__expiry = new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace(/\.\d+Z$/, "Z");
	  return true })()`)
	expiry := consoleEval[string](t, con, `window.__expiry`)
	if got := consoleEval[string](t, con, `document.querySelector("[data-utc]").textContent`); !strings.Contains(got, expiry) {
		t.Errorf("the form does not say the UTC time it sends: %q, want %s", got, expiry)
	}
	if got := consoleEval[string](t, con, `document.querySelector("[data-notice-form]").textContent`); !strings.Contains(got, "your time zone") {
		t.Error("the expiry field does not state its time zone")
	}
	consoleEval[bool](t, con, `document.querySelector('[data-notice-form] [data-action="preview"]').click() || true`)
	consolePoll(t, con, `document.querySelector('[data-review] [data-action="publish"]') && document.querySelector("[data-review] iframe[data-preview-frame]")`)
	src := consoleEval[string](t, con, `document.querySelector("[data-review] iframe").getAttribute("src")`)
	if !strings.Contains(src, "partner=demo") {
		t.Errorf("the preview is not the partner's banner: %s", src)
	}
	// The preview is the real widget built from the draft: the notice is in its banner.
	consoleFrame(t, con, "/admin/preview/", `(b => b.includes(`+jsQuote(typo)+`) ? b : "")(`+consoleBanner+`)`)
	// The correction withdraws the preview and its Publish (it would publish the typo), and
	// says so; a new preview shows the corrected text.
	consoleEval[bool](t, con, `(() => { const m = document.querySelector("[data-notice-form] textarea[lang=en]");
	  m.value = `+jsQuote(msg)+`; m.dispatchEvent(new Event("input", { bubbles: true })); return true })()`)
	consolePoll(t, con, `!document.querySelector("[data-review]") && !document.querySelector('[data-action="publish"]') && document.getElementById("sp-status").textContent.startsWith("Changed since the review")`)
	consoleEval[bool](t, con, `document.querySelector('[data-notice-form] [data-action="preview"]').click() || true`)
	consolePoll(t, con, `document.querySelector('[data-review] [data-action="publish"]')`)
	consoleFrame(t, con, "/admin/preview/", `(b => b.includes(`+jsQuote(msg)+`) ? b : "")(`+consoleBanner+`)`)
	exp, err := time.Parse(time.RFC3339, expiry)
	if err != nil {
		t.Fatal(err)
	}

	// Published means edge 1 has answered the publish (its own copy is then current): edge 2's
	// partner page then shows it as soon as the store's change reaches it. Both times are logged
	// from the click (make bench measures propagation; here only that it happens).
	start := time.Now()
	consoleEval[bool](t, con, `(window.__t0 = performance.now()) && document.querySelector('[data-review] [data-action="publish"]').click() || true`)
	answer := `(e => e ? e.responseEnd - window.__t0 : 0)(performance.getEntriesByType("resource").filter(e => e.name.endsWith("/v1/admin/notice")).pop())`
	var shown time.Duration
	var answered float64
	for {
		if answered == 0 {
			answered = consoleEval[float64](t, con, answer)
		}
		if strings.Contains(consolePartnerPage(t, site, e2.URL+"/"), msg) {
			shown = time.Since(start)
			break
		}
		if time.Since(start) > 20*time.Second {
			t.Fatalf("the notice published on edge 1 (answered %.0f ms after the click) did not reach edge 2's partner page in 20 s", answered)
		}
	}
	if answered == 0 {
		answered = consoleEval[float64](t, con, answer)
	}
	t.Logf("notice published: edge 1 answered %.0f ms after the click; edge 2's partner page showed it %v after the click (%v after the answer)",
		answered, shown.Round(time.Millisecond), (shown - time.Duration(answered*float64(time.Millisecond))).Round(time.Millisecond))
	_, c := e2.content(t)
	if len(c.Notices) != 1 || c.Notices[0].ExpiresAt != expiry || c.Notices[0].Message["en"] != msg || !slices.Equal(c.Notices[0].Partners, []string{"demo"}) || c.Notices[0].Message["fr"] == "" {
		t.Errorf("stored notice %+v, want expiry %s for demo", c.Notices[0], expiry)
	}
	consolePoll(t, con, `document.querySelector("[data-notices] li[data-id]") && document.querySelector("[data-notices] [data-left]").textContent.includes("Expires")`)

	// Expiry on edge 2's clock: a reload no longer shows the notice (the snippet is rendered anew
	// once the notice's expiry has passed; the browser's cache is off).
	if !strings.Contains(consoleEval[string](t, site, consoleBanner), msg) {
		t.Fatal("the notice left the page before its expiry")
	}
	later.Store(int64(time.Until(exp) + time.Second))
	if text := consolePartnerPage(t, site, e2.URL+"/"); strings.Contains(text, msg) || !strings.Contains(text, "988") {
		t.Errorf("after expiry a reload shows %q: want the banner without the notice", text)
	}
	// The console lists active notices only, by the browser's clock: the console tab's is moved
	// past the expiry too, then back for what follows.
	ahead := (time.Until(exp) + time.Second).Milliseconds()
	consoleEval[bool](t, con, `(() => { const real = Date.now; window.__realNow = real; Date.now = () => real() + `+strconv.FormatInt(ahead, 10)+`; return true })()`)
	consoleEval[bool](t, con, `SP.route() || true`)
	consolePoll(t, con, `document.querySelector("[data-notices] [data-empty]")`)
	consoleEval[bool](t, con, `(Date.now = window.__realNow) && true`)
	later.Store(0)

	// Withdraw: an active notice, taken down from its button.
	v, _ := e1.content(t)
	// (Another partner's: the first notice, still in force for two hours on the real clock, holds
	// the demo partner's banner.)
	long := map[string]any{"id": "storm", "message": map[string]string{"en": "Storm: offices closed."}, "partners": []string{"mhcc"}, "expires_at": time.Now().Add(3 * time.Hour).UTC().Format(time.RFC3339)}
	if status, body, _ := e1.api(t, "nia", "PUT", "/v1/admin/notice", long, "If-Match", `"v`+strconv.FormatInt(v, 10)+`"`); status != 200 {
		t.Fatalf("PUT notice: %d %s", status, body)
	}
	consoleEval[bool](t, con, `SP.route() || true`)
	consolePoll(t, con, `document.querySelector('[data-notices] li[data-id="storm"] [data-action="withdraw"]')`)
	if left := consoleEval[string](t, con, `document.querySelector('[data-notices] li[data-id="storm"] [data-left]').textContent`); !strings.Contains(left, "2 h 59 min") && !strings.Contains(left, "3 h") {
		t.Errorf("time left %q", left)
	}
	consoleEval[bool](t, con, `document.querySelector('[data-notices] li[data-id="storm"] [data-action="withdraw"]').click() || true`)
	consolePoll(t, con, `document.getElementById("sp-status").textContent.includes("Notice withdrawn") && !document.querySelector('[data-notices] li[data-id="storm"]')`)
	if _, c := e1.content(t); slices.ContainsFunc(c.Notices, func(n *snippets.Notice) bool { return n.ID == "storm" }) {
		t.Error("the withdrawn notice is still in the content")
	}
	consoleClean(t, con)
}

// TestConsoleAxe runs axe-core over the console in English and French: the sign-in form (with
// its error shown), the featured view with a change under review (diff table, live preview),
// a resource edit form with a 422 shown beside its fields, and the notices view with an active
// notice. Zero violations.
func TestConsoleAxe(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	// The deployment has a warning (edges sharing Redis with different IP hash keys): every
	// view below shows it, above the view, in the console's language.
	warn := "ip_hash_key_mismatch"
	e := startConsoleEdge(t, server.Config{Warnings: func() []string { return []string{warn} }}, nil)
	v, _ := e.content(t)
	notice := map[string]any{"id": "axe", "message": map[string]string{"en": "Line closed for maintenance.", "fr": "Ligne fermée pour entretien."},
		"regions": []string{"CA"}, "expires_at": time.Now().Add(26 * time.Hour).UTC().Format(time.RFC3339)}
	if status, body, _ := e.api(t, "root", "PUT", "/v1/admin/notice", notice, "If-Match", `"v`+strconv.FormatInt(v, 10)+`"`); status != 200 {
		t.Fatalf("PUT notice: %d %s", status, body)
	}
	browser := consoleBrowser(t)
	for _, lang := range []string{"en", "fr"} {
		ctx := consoleOpen(t, browser, e.URL+"/admin/?lang="+lang)
		consolePoll(t, ctx, `document.getElementById("sp-token")`)
		consoleKeys(t, ctx, "wrong", "\r")
		consolePoll(t, ctx, `document.querySelector(".err")`)
		consoleAxe(t, ctx, lang+" sign-in with an error")
		consoleEval[string](t, ctx, `document.getElementById("sp-token").value = ""`)
		consoleSignIn(t, ctx, "root")
		shown := consoleEval[string](t, ctx, `(document.querySelector('#sp-nav [data-warning="`+warn+`"]') || {}).textContent || ""`)
		if want := map[string]string{"en": "Set the same EDGE_IP_HASH_KEY on every edge", "fr": "Donnez la même EDGE_IP_HASH_KEY à chaque serveur"}[lang]; !strings.Contains(shown, want) {
			t.Errorf("%s console: warning %q, want it to say %q", lang, shown, want)
		}

		consolePoll(t, ctx, `document.querySelector("[data-featured] li[data-id] [data-move=down]")`)
		consoleEval[bool](t, ctx, `document.querySelector("[data-featured] li[data-id] [data-move=down]").click() || true`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-action="review"]').click() || true`)
		consolePoll(t, ctx, `document.querySelector("[data-review] .diff td.add") && document.querySelector("[data-review] iframe")`)
		consoleAxe(t, ctx, lang+" featured, under review")

		consoleEval[string](t, ctx, `location.hash = "#/resources/peer-support-guidelines"; ""`)
		consolePoll(t, ctx, `document.querySelector('[data-field="resources[0].url.en"]')`)
		consoleEval[bool](t, ctx, `(() => { document.querySelector('[data-field="resources[0].url.en"]').value = "javascript:alert(1)";
		  document.querySelector('[data-resource] [data-action="review"]').click(); return true })()`)
		consolePoll(t, ctx, `document.querySelector('[data-field="resources[0].url.en"][aria-invalid="true"]')`)
		consoleAxe(t, ctx, lang+" resource edit with a 422")
		if lang == "fr" {
			if got := consoleFieldErrorFR(t, ctx); !strings.Contains(got, "adresse") {
				t.Errorf("French error message %q", got)
			}
		}

		consoleEval[string](t, ctx, `location.hash = "#/notices"; ""`)
		consolePoll(t, ctx, `document.querySelector('[data-notices] li[data-id="axe"]') && document.querySelector("[data-notice-form]")`)
		consoleAxe(t, ctx, lang+" notices")
		if lang == "fr" && !strings.Contains(consoleEval[string](t, ctx, `document.querySelector("main").textContent`), "Ligne fermée pour entretien.") {
			t.Error("the French console does not show the notice in French")
		}
		consoleClean(t, ctx)
	}
}

func consoleFieldErrorFR(t *testing.T, ctx context.Context) string {
	return consoleFieldError(t, ctx, `[data-field="resources[0].url.en"]`)
}

func itoa(n int) string { return strconv.Itoa(n) }
