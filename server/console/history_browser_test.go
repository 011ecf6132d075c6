package console_test

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/snippets"
)

// Browser tests of the console's history (side-by-side diff of two versions, rollback with
// confirmation) and crisis lines (stale lines marked and counted, an edit reviewed as a diff
// before it is published) views.

// histPublish publishes a whole content document as operator, on top of version base.
func histPublish(t *testing.T, e *consoleEdge, operator, src string, base int64, note string) int64 {
	t.Helper()
	status, body, _ := e.api(t, operator, "PUT", "/v1/admin/content", src, "Content-Type", "application/yaml",
		"If-Match", `"v`+histItoa(base)+`"`, "X-Signpost-Note", note)
	var v struct {
		Version int64 `json:"version"`
	}
	if err := json.Unmarshal(body, &v); status != 200 || err != nil || v.Version != base+1 {
		t.Fatalf("publish on v%d: %d %s", base, status, body)
	}
	return v.Version
}

// histYAML is one version's document as stored.
func histYAML(t *testing.T, e *consoleEdge, v int64) string {
	t.Helper()
	status, body, _ := e.api(t, "root", "GET", "/v1/admin/content/versions/"+histItoa(v), nil, "Accept", "application/yaml")
	if status != 200 {
		t.Fatalf("version %d: %d %s", v, status, body)
	}
	return string(body)
}

func histItoa(n int64) string { return strconv.FormatInt(n, 10) }

// histCells is the text of every cell of the rows of the diff table under sel.
func histCells(t *testing.T, ctx context.Context, sel string) [][]string {
	t.Helper()
	var rows [][]string
	raw := consoleEval[string](t, ctx, `JSON.stringify([...document.querySelectorAll(`+jsQuote(sel+` tbody tr`)+`)].map(tr => [...tr.cells].map(c => c.textContent)))`)
	if err := json.Unmarshal([]byte(raw), &rows); err != nil {
		t.Fatal(err)
	}
	return rows
}

// histRow finds the diff row whose left side has old; it fails unless there is one whose right
// side has new (and not old: each text on its own side).
func histRow(t *testing.T, rows [][]string, old, new string) {
	t.Helper()
	for _, r := range rows {
		if len(r) == 4 && strings.Contains(r[1], old) {
			if !strings.Contains(r[3], new) || strings.Contains(r[1], new) || strings.Contains(r[3], old) {
				t.Errorf("diff row %q: want %q before and %q after", r, old, new)
			}
			if r[0] == "" || r[2] == "" {
				t.Errorf("diff row %q: line numbers missing", r)
			}
			return
		}
	}
	t.Errorf("no diff row with %q before (rows %q)", old, rows)
}

// histNarrow opens path at 390 px wide as operator, waits for ready, and fails if the page is
// wider than the screen (a table's hidden text escaping its scroll box widens it).
func histNarrow(t *testing.T, chrome browsertest.Page, url, operator, ready string) {
	t.Helper()
	ctx := consoleOpen(t, chrome, url)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	consoleSignIn(t, ctx, operator)
	consolePoll(t, ctx, ready)
	if w := consoleEval[int](t, ctx, `document.documentElement.scrollWidth`); w > 390 {
		t.Errorf("%s at 390 px: the page is %d px wide", url, w)
	}
	consoleClean(t, ctx)
}

// TestHistoryBrowser: v2 and v3 are published through the API; in the console, ben (scope
// content) compares versions side by side and rolls back to v2 after confirming.
func TestHistoryBrowser(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	v1 := string(configs.Content)
	// v2 has an active notice (storm) and an expired one (flood); v3 withdraws both and
	// publishes another (ottawa). Rolling back to v2 publishes storm again and withdraws ottawa;
	// flood, expired, is neither.
	future := time.Now().Add(30 * 24 * time.Hour).UTC().Format(time.RFC3339)
	notice := func(id, partner, en, expires string) string {
		return "  - id: " + id + "\n    partners: [" + partner + "]\n    message: {en: \"" + en + "\", fr: \"" + en + " (fr)\"}\n    expires_at: \"" + expires + "\"\n"
	}
	v2 := strings.Replace(v1, `hours: {en: "free", fr:`, `hours: {en: "no charge", fr:`, 1) + "\nnotices:\n" +
		notice("storm", "demo", "Storm: the chat line is closed", future) + notice("flood", "mhcc", "Flood over", "2020-01-01T00:00:00Z")
	v3 := strings.Replace(v2, `accent: "#00558c"`, `accent: "#7a1f5c"`, 1)
	v3 = v3[:strings.Index(v3, "\nnotices:\n")] + "\nnotices:\n" + notice("ottawa", "mhcc", "Ottawa office closed", future)
	if !strings.Contains(v2, `"no charge"`) || !strings.Contains(v3, `"#7a1f5c"`) {
		t.Fatal("the shipped content changed: the edits below no longer apply")
	}
	histPublish(t, e, "ana", v2, 1, "988 hours reworded")
	histPublish(t, e, "ana", v3, 2, "demo accent")
	chrome := consoleBrowser(t)
	ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/history")
	consoleSignIn(t, ctx, "ben")
	consolePoll(t, ctx, `document.querySelectorAll("[data-history] tbody tr").length === 3`)

	t.Run("side-by-side diff", func(t *testing.T) {
		consoleEval[bool](t, ctx, `document.querySelector('[data-compare="2"]').click(), true`)
		consolePoll(t, ctx, `document.activeElement && document.activeElement.closest('[data-diff="1-2"]')`)
		rows := histCells(t, ctx, `[data-diff="1-2"]`)
		histRow(t, rows, `"free"`, `"no charge"`)
		for _, r := range rows {
			if strings.Contains(strings.Join(r, " "), "#7a1f5c") {
				t.Errorf("v3's change is in the diff of v1 and v2: %q", r)
			}
		}
		// Any two: v1 against v3, chosen in the selects.
		consoleEval[bool](t, ctx, `(() => { const f = document.querySelector("form.compare"); f.elements.from.value = "1"; f.elements.to.value = "3";
			f.querySelector('[data-action="compare"]').click(); return true })()`)
		consolePoll(t, ctx, `document.querySelector('[data-diff="1-3"]')`)
		rows = histCells(t, ctx, `[data-diff="1-3"]`)
		histRow(t, rows, `"free"`, `"no charge"`)
		histRow(t, rows, `"#00558c"`, `"#7a1f5c"`)
		consoleAxe(t, ctx, "history with a diff, en")
		consoleClean(t, ctx)
	})

	t.Run("axe fr", func(t *testing.T) {
		fr := consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/history")
		consoleSignIn(t, fr, "ben")
		consolePoll(t, fr, `document.querySelector('[data-compare="3"]')`)
		consoleEval[bool](t, fr, `document.querySelector('[data-compare="3"]').click(), true`)
		consolePoll(t, fr, `document.querySelector('[data-diff="2-3"] table')`)
		if cap := consoleEval[string](t, fr, `document.querySelector("[data-history] caption").textContent`); !strings.Contains(cap, "Versions du contenu") {
			t.Errorf("fr caption %q", cap)
		}
		consoleAxe(t, fr, "history with a diff, fr")
		consoleClean(t, fr)
	})

	t.Run("390 px", func(t *testing.T) {
		histNarrow(t, chrome, e.URL+"/admin/?lang=fr#/history", "ben", `document.querySelectorAll("[data-history] tbody tr").length === 3`)
	})

	t.Run("rollback with confirmation", func(t *testing.T) {
		// Asked, then cancelled: nothing happens and focus returns to the button.
		consoleEval[bool](t, ctx, `document.querySelector('[data-rollback="2"]').click(), true`)
		consolePoll(t, ctx, `document.activeElement && document.activeElement.closest('[data-confirm="2"]')`)
		ask := consoleEval[string](t, ctx, `document.querySelector('[data-confirm="2"]').textContent`)
		for _, want := range []string{"Roll back to version 2?", "ana", "version 3"} {
			if !strings.Contains(ask, want) {
				t.Errorf("confirmation %q lacks %q (the version, its author and the current one)", ask, want)
			}
		}
		// It shows what changes, from the current version to v2, and which notices start or stop.
		rows := histCells(t, ctx, `[data-confirm="2"] .diff`)
		histRow(t, rows, `"#7a1f5c"`, `"#00558c"`)
		for _, want := range []string{"Notice “storm” will be published again: Storm: the chat line is closed",
			"Notice “ottawa” will be withdrawn: Ottawa office closed"} {
			if !strings.Contains(ask, want) {
				t.Errorf("confirmation %q lacks %q", ask, want)
			}
		}
		if ns := consoleEval[string](t, ctx, `document.querySelector('[data-confirm="2"] [data-notices]').textContent`); strings.Contains(ns, "flood") {
			t.Errorf("notice changes %q name the expired notice flood", ns)
		}
		if txt := consoleEval[string](t, ctx, `document.querySelector('[data-confirm="2"] [data-action="cancel"]').textContent`); txt != "Cancel" {
			t.Errorf("cancel button %q", txt)
		}
		consoleAxe(t, ctx, "history, rollback confirmation, en")
		consoleEval[bool](t, ctx, `document.querySelector('[data-confirm="2"] [data-action="cancel"]').click(), true`)
		consolePoll(t, ctx, `!document.querySelector("[data-confirm]") && document.activeElement.dataset.rollback === "2"`)
		if v, _ := e.content(t); v != 3 {
			t.Fatalf("cancelled rollback changed the content: now v%d", v)
		}
		// Asked and confirmed with the keyboard.
		consoleEval[bool](t, ctx, `document.querySelector('[data-rollback="2"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-confirm="2"] [data-action="confirm-rollback"]')`)
		if err := chromedp.Do(ctx, chromedp.Focus(chromedp.CSS(`[data-action="confirm-rollback"]`)), chromedp.KeyEvent("\r")); err != nil {
			t.Fatal(err)
		}
		consolePoll(t, ctx, `document.activeElement && document.activeElement.dataset.rolled === "4"`)
		if msg := consoleEval[string](t, ctx, `document.activeElement.textContent`); msg != "Rolled back: now v4." {
			t.Errorf("outcome %q", msg)
		}
		if v, c := e.content(t); v != 4 || c.Lines["ca-988"].Hours["en"] != "no charge" || c.Partners["demo"].Accent != "#00558c" {
			t.Errorf("after rollback: v%d, 988 hours %q, demo accent %q; want v4 with v2's content", v, c.Lines["ca-988"].Hours["en"], c.Partners["demo"].Accent)
		}
		if histYAML(t, e, 4) != histYAML(t, e, 2) {
			t.Error("v4 is not v2's content")
		}
		top := consoleEval[string](t, ctx, `document.querySelector("[data-history] tbody tr").textContent`)
		if !strings.Contains(top, "v4") || !strings.Contains(top, "ben") || !strings.Contains(top, "rollback to v2") {
			t.Errorf("history's newest row %q: want v4 by ben, rollback to v2", top)
		}
		consoleClean(t, ctx)
	})
}

// TestLinesBrowser: a line last verified long ago is marked and counted; editing it shows the
// diff of what will change (and a 422 beside its field) before anything is published, and saving
// publishes it.
func TestLinesBrowser(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	e := startConsoleEdge(t, server.Config{}, nil)
	src := string(configs.Content)
	at := strings.Index(src, "\n  ca-kids-help-phone:\n")
	old := `verified_on: "2026-11-01"`
	j := strings.Index(src[at:], old)
	if at < 0 || j < 0 {
		t.Fatal("the shipped content changed: the edit below no longer applies")
	}
	src = src[:at+j] + `verified_on: "2025-06-01"` + src[at+j+len(old):]
	histPublish(t, e, "ana", src, 1, "kids help phone last checked in June 2025")
	_, content := e.content(t)
	stale := 0
	for _, l := range content.Lines {
		// Due for a re-check: within 30 days of 12 months after verified_on (or next_check).
		next, err := time.Parse(time.DateOnly, l.NextCheck)
		if d, derr := time.Parse(time.DateOnly, l.VerifiedOn); err != nil && derr == nil {
			next, err = d.AddDate(0, 12, 0), nil
		}
		if err != nil || time.Until(next) <= 30*24*time.Hour {
			stale++
		}
	}
	if stale == 0 {
		t.Fatal("no stale line to see")
	}
	chrome := consoleBrowser(t)
	ctx := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/lines")
	consoleSignIn(t, ctx, "ben")
	consolePoll(t, ctx, `document.querySelector("[data-stale-count]")`)
	row := `tr[data-line="ca-kids-help-phone"]`

	t.Run("stale lines marked and counted", func(t *testing.T) {
		if n := consoleEval[string](t, ctx, `document.querySelector("[data-stale-count]").dataset.staleCount`); n != histItoa(int64(stale)) {
			t.Errorf("count %s, want %d", n, stale)
		}
		if txt := consoleEval[string](t, ctx, `document.querySelector(`+jsQuote(row+` [data-stale]`)+`).textContent`); txt != "needs re-checking" {
			t.Errorf("stale line marked %q", txt)
		}
		if consoleEval[bool](t, ctx, `!!document.querySelector('tr[data-line="ca-988"] [data-stale]')`) {
			t.Error("a line verified this month is marked")
		}
		if href := consoleEval[string](t, ctx, `document.querySelector(`+jsQuote(row+` a[href^="https://kidshelpphone.ca"]`)+`).href`); href != "https://kidshelpphone.ca/text-about-it" {
			t.Errorf("source link %q", href)
		}
		consoleAxe(t, ctx, "lines, en")
	})

	t.Run("edit: 422 beside the field, diff before saving, save publishes", func(t *testing.T) {
		consoleEval[bool](t, ctx, `document.querySelector('[data-edit="ca-kids-help-phone"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-line-form="ca-kids-help-phone"]')`)
		set := func(name, value string) { consoleType(t, ctx, `[data-line-form] [name=`+jsQuote(name)+`]`, value) }
		review := func() {
			consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
		}
		set("call", "call us")
		review()
		consolePoll(t, ctx, `document.querySelector('[data-line-form] [name=call]').getAttribute("aria-invalid") === "true"`)
		msg := consoleEval[string](t, ctx, `(() => { const el = document.querySelector('[data-line-form] [name=call]');
			return document.getElementById(el.getAttribute("aria-describedby").split(" ").pop()).textContent })()`)
		if !strings.Contains(msg, "not a phone number") {
			t.Errorf("message beside the call field: %q", msg)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		set("call", "1-800-668-6868")
		set("verified_on", today)
		set("hours.en", "free")
		review()
		consolePoll(t, ctx, `document.activeElement && document.activeElement.closest("[data-review]")`)
		rows := histCells(t, ctx, `[data-review]`)
		histRow(t, rows, `2025-06-01`, today)
		// The note is added beside the schedule, which stays.
		hours, added, kept := false, false, false
		for _, r := range rows {
			// (the new date's record, by ben without a how, may pair the diff's rows otherwise)
			hours = hours || len(r) == 4 && strings.HasSuffix(r[3], " hours:")
			added = added || hours && len(r) == 4 && r[1] == "" && strings.HasSuffix(r[3], " en: free")
			kept = kept || len(r) == 4 && strings.Contains(r[1], `schedule: "24/7"`) && r[1] == r[3]
		}
		if !added || !kept {
			t.Errorf("the review's diff does not add the note and keep the schedule: %q", rows)
		}
		if consoleEval[bool](t, ctx, `!!document.querySelector('[data-line-form] [aria-invalid="true"]')`) {
			t.Error("the fixed field is still marked invalid")
		}
		if src := consoleEval[string](t, ctx, `document.querySelector("[data-review] [data-preview-frame]").getAttribute("src")`); !strings.HasPrefix(src, "/admin/preview/") {
			t.Errorf("preview frame src %q", src)
		}
		if v, _ := e.content(t); v != 2 {
			t.Fatalf("reviewing published: now v%d", v)
		}
		consoleAxe(t, ctx, "lines, review, en")
		consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="save"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-saved="3"]')`)
		v, c := e.content(t)
		l := c.Lines["ca-kids-help-phone"]
		// A new verified date is a new check: by ben, the old check's how gone.
		if v != 3 || l.VerifiedOn != today || l.Hours["en"] != "free" || !l.Schedule.IsAlways() || l.Call != "1-800-668-6868" || l.Keyword != "CONNECT" ||
			l.VerifiedBy != "ben" || l.VerifiedHow != "" || l.NextCheck != "" {
			t.Errorf("after save: v%d, line %+v", v, l)
		}
		consolePoll(t, ctx, `document.querySelector(`+jsQuote(row)+`) && !document.querySelector(`+jsQuote(row+` [data-stale]`)+`)`)
		if n := consoleEval[string](t, ctx, `document.querySelector("[data-stale-count]").dataset.staleCount`); n != histItoa(int64(stale-1)) {
			t.Errorf("count after the re-check %s, want %d", n, stale-1)
		}
		consoleClean(t, ctx)
	})

	t.Run("a number changed under the same date needs confirming; an old date is flagged", func(t *testing.T) {
		consolePoll(t, ctx, `document.querySelector('[data-edit="ca-988"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-edit="ca-988"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-line-form="ca-988"]')`)
		set := func(name, value string) { consoleType(t, ctx, `[data-line-form] [name=`+jsQuote(name)+`]`, value) }
		review := func() {
			consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
			consolePoll(t, ctx, `document.activeElement && document.activeElement.closest("[data-review]")`)
		}
		set("text", "613-555-0199")
		review()
		if w := consoleEval[string](t, ctx, `(document.querySelector("[data-review] [data-number-warning]") || {}).textContent || ""`); !strings.Contains(w, "You changed a number but not the verified date") {
			t.Errorf("number warning %q", w)
		}
		if !consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="save"]').disabled`) {
			t.Error("Save is enabled before the changed number is confirmed")
		}
		consoleAxe(t, ctx, "lines, number warning, en")
		consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="number-checked"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector("[data-review]") && !document.querySelector('[data-review] [data-action="save"]').disabled`)
		// 13 months ago: overdue, still valid (more than 24 months would be a 422).
		old := time.Now().UTC().AddDate(0, -13, 0).Format(time.DateOnly)
		set("verified_on", old)
		review()
		if consoleEval[bool](t, ctx, `!!document.querySelector("[data-review] [data-number-warning]")`) {
			t.Error("number warning shown though the verified date changed")
		}
		if w := consoleEval[string](t, ctx, `(document.querySelector("[data-review] [data-review-stale]") || {}).textContent || ""`); !strings.Contains(w, "needs re-checking") || !strings.Contains(w, old) {
			t.Errorf("stale warning %q", w)
		}
		if v, _ := e.content(t); v != 3 {
			t.Errorf("reviewing published: now v%d", v)
		}
		consoleClean(t, ctx)
	})

	t.Run("a new line, then added to a region's list with the keyboard", func(t *testing.T) {
		v0, _ := e.content(t)
		consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="back"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-action="new-line"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-action="new-line"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-line-form="+new"] [name=id]')`)
		set := func(name, value string) { consoleType(t, ctx, `[data-line-form] [name=`+jsQuote(name)+`]`, value) }
		review := func() {
			consoleEval[bool](t, ctx, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
		}
		beside := func(sel string) string {
			return consoleEval[string](t, ctx, `(() => { const el = document.querySelector(`+jsQuote(sel)+`); const n = el && el.tagName === "FIELDSET" ? el.querySelector(".err") : el && el.nextElementSibling;
				return n && n.classList.contains("err") ? n.textContent : "" })()`)
		}
		// The identifier is checked first: its form, then that it is not taken.
		set("id", "CA 988")
		review()
		consolePoll(t, ctx, `document.querySelector('[data-line-form] [name=id]').getAttribute("aria-invalid") === "true"`)
		if msg := beside(`[data-line-form] [name=id]`); !strings.Contains(msg, "lower-case letters") {
			t.Errorf("beside a malformed id: %q", msg)
		}
		set("id", "ca-988")
		review()
		consolePoll(t, ctx, `(document.querySelector('[data-line-form] [name=id] + .err') || {}).textContent?.includes("exists already")`)
		// A line with no way to reach it: the API's 422 names lines.ca-test-line, shown beside
		// the numbers, whose path follows the identifier typed.
		set("id", "ca-test-line")
		set("name.en", "Test line")
		set("name.fr", "Ligne d'essai")
		set("country", "CA")
		set("hours.en", "9 to 5")
		set("languages", "en, fr")
		set("source", "https://example.org/test-line")
		today := time.Now().UTC().Format(time.DateOnly)
		set("verified_on", today)
		review()
		consolePoll(t, ctx, `!!document.querySelector('fieldset[data-field="lines.ca-test-line"] .err')`)
		if msg := beside(`fieldset[data-field="lines.ca-test-line"]`); msg == "" {
			t.Error("no message beside the numbers")
		}
		set("call", "1-800-555-0100")
		review()
		consolePoll(t, ctx, `document.activeElement && document.activeElement.closest("[data-review]")`)
		if consoleEval[bool](t, ctx, `!!document.querySelector("[data-review] [data-number-warning]")`) {
			t.Error("a new line asks to confirm a changed number")
		}
		added := false
		for _, r := range histCells(t, ctx, `[data-review]`) {
			added = added || len(r) == 4 && r[0] == "" && r[1] == "" && strings.HasSuffix(r[3], " ca-test-line:")
		}
		if !added {
			t.Errorf("the review's diff does not add the line ca-test-line: %q", histCells(t, ctx, `[data-review]`))
		}
		if v, _ := e.content(t); v != v0 {
			t.Fatalf("reviewing published: now v%d", v)
		}
		consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="save"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-saved="`+histItoa(v0+1)+`"]')`)
		if msg := consoleEval[string](t, ctx, `document.querySelector("[data-saved]").textContent`); !strings.Contains(msg, "No region lists the new line yet") {
			t.Errorf("saved message %q", msg)
		}
		if !consoleEval[bool](t, ctx, `!!document.querySelector('section[data-region=""] tr[data-line="ca-test-line"]')`) {
			t.Error("the new line is not among the lines no region lists")
		}
		_, c := e.content(t)
		if l, ok := c.Lines["ca-test-line"]; !ok || l.Call != "1-800-555-0100" || l.VerifiedOn != today || l.Name["fr"] != "Ligne d'essai" {
			t.Fatalf("new line in the content: %+v", l)
		}
		before := c.Regions["CA"].Lines

		// The CA list, with the keyboard: Add the new line (it lands last), Move it up once.
		consoleEval[bool](t, ctx, `document.querySelector('[data-order="CA"]').focus(), true`)
		consoleKeys(t, ctx, "\r")
		consolePoll(t, ctx, `document.activeElement && document.activeElement.matches('[data-order-form="CA"] h2')`)
		consoleAxe(t, ctx, "lines, region order, en")
		consoleTabTo(t, ctx, `[data-order-form="CA"] select`, 3*len(before)+2)
		if !consoleEval[bool](t, ctx, `[...document.querySelector('[data-order-form="CA"] select').options].some(o => o.value === "ca-test-line")`) {
			t.Fatal("the new line is not among the lines to add")
		}
		consoleEval[bool](t, ctx, `(document.querySelector('[data-order-form="CA"] select').value = "ca-test-line") && true`)
		consoleTabTo(t, ctx, `[data-order-form="CA"] [data-action="add"]`, 2)
		consoleKeys(t, ctx, " ")
		n := len(before) + 1
		consolePoll(t, ctx, `document.getElementById("sp-status").textContent.includes("at position `+histItoa(int64(n))+` of `+histItoa(int64(n))+`")`)
		consoleKeys(t, ctx, "\r") // focus is on the added line's Move up
		consolePoll(t, ctx, `document.getElementById("sp-status").textContent.includes("to position `+histItoa(int64(n-1))+` of `+histItoa(int64(n))+`")`)
		want := append(append(append([]string{}, before[:n-2]...), "ca-test-line"), before[n-2])
		if got := consoleEval[string](t, ctx, `[...document.querySelectorAll('[data-region-order="CA"] li[data-id]')].map(li => li.dataset.id).join()`); got != strings.Join(want, ",") {
			t.Fatalf("order on screen %s, want %s", got, strings.Join(want, ","))
		}
		consoleTabTo(t, ctx, `[data-order-form="CA"] [data-action="review"]`, 12)
		consoleKeys(t, ctx, "\r")
		consolePoll(t, ctx, `document.activeElement && document.activeElement.closest("[data-review]")`)
		if src := consoleEval[string](t, ctx, `document.querySelector("[data-review] [data-preview-frame]").getAttribute("src")`); !strings.Contains(src, "region=CA") {
			t.Errorf("preview frame src %q", src)
		}
		if v, _ := e.content(t); v != v0+1 {
			t.Fatalf("reviewing published: now v%d", v)
		}
		consoleEval[bool](t, ctx, `document.querySelector('[data-review] [data-action="publish"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-saved="`+histItoa(v0+2)+`"]') && document.activeElement && document.activeElement.matches('[data-order="CA"]')`)
		if _, c := e.content(t); strings.Join(c.Regions["CA"].Lines, ",") != strings.Join(want, ",") {
			t.Errorf("CA lists %v, want %v", c.Regions["CA"].Lines, want)
		}
		if consoleEval[bool](t, ctx, `!!document.querySelector('section[data-region=""] tr[data-line="ca-test-line"]')`) {
			t.Error("the line CA lists now is still among the unlisted")
		}
		// Discard: a removal undone, nothing sent, the focus on Back to the lines.
		consoleKeys(t, ctx, "\r")
		consolePoll(t, ctx, `document.querySelector('[data-region-order="CA"] li[data-id="ca-test-line"] [data-move="remove"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-region-order="CA"] li[data-id="ca-test-line"] [data-move="remove"]').click(), true`)
		consolePoll(t, ctx, `document.querySelector('[data-order-form="CA"] [data-action="discard"]')`)
		consoleEval[bool](t, ctx, `document.querySelector('[data-order-form="CA"] [data-action="discard"]').click(), true`)
		consolePoll(t, ctx, `!document.querySelector('[data-order-form="CA"] [data-action="discard"]') && document.activeElement.matches('[data-action="back"]')`)
		if got := consoleEval[string](t, ctx, `[...document.querySelectorAll('[data-region-order="CA"] li[data-id]')].map(li => li.dataset.id).join()`); got != strings.Join(want, ",") {
			t.Errorf("after Discard the list is %s, want %s", got, strings.Join(want, ","))
		}
		if v, _ := e.content(t); v != v0+2 {
			t.Errorf("discarding published: now v%d", v)
		}
		consoleClean(t, ctx)
	})

	t.Run("a number the banners name changes with their sentences, in French", func(t *testing.T) {
		v0, _ := e.content(t)
		fr := consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/lines")
		consoleSignIn(t, fr, "ben")
		consolePoll(t, fr, `document.querySelector('[data-edit="ab-mental-health-help-line"]')`)
		consoleEval[bool](t, fr, `document.querySelector('[data-edit="ab-mental-health-help-line"]').click(), true`)
		consolePoll(t, fr, `document.querySelector('[data-line-form="ab-mental-health-help-line"]')`)
		set := func(name, value string) { consoleType(t, fr, `[data-line-form] [name=`+jsQuote(name)+`]`, value) }
		set("call", "1-800-555-0100")
		set("call_tel", "+18005550100")
		set("text", "613-555-0110")
		set("verified_on", time.Now().UTC().Format(time.DateOnly))
		consoleEval[bool](t, fr, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
		// The 422 names the sentences of CA-AB, the one entry naming this number: the form shows
		// them, errors beside them.
		consolePoll(t, fr, `document.querySelectorAll("[data-region-msg]").length === 1 && document.querySelector("[data-summary]")`)
		en := `[name="regions.CA-AB.message.en"]`
		if got := consoleFieldError(t, fr, en); !strings.Contains(got, `nomme "1-877-303-2642", qui n'est ni un numéro d'urgence ni une ligne de cette région`) {
			t.Errorf("error beside the CA-AB sentence: %q", got)
		}
		if got := consoleEval[string](t, fr, `document.querySelector(`+jsQuote(en)+`).value`); !strings.Contains(got, "Mental Health Help Line at 1-877-303-2642") {
			t.Errorf("the CA-AB sentence is not the published one: %q", got)
		}
		if got := consoleEval[string](t, fr, `document.querySelector("[data-summary] a").textContent`); !strings.HasPrefix(got, "Phrase du bandeau pour CA-AB, anglais") {
			t.Errorf("summary names the field %q", got)
		}
		consoleAxe(t, fr, "lines, banner sentences with errors, fr")
		sentences := map[string]string{
			"regions.CA-AB.message.en": "Call or text 988, or call 1-800-555-0100 or text 613-555-0110, at any time. If it is an emergency, call 9-1-1.",
			"regions.CA-AB.message.fr": "Appelez ou textez le 988, ou appelez le 1-800-555-0100 ou textez le 613-555-0110, en tout temps. En cas d'urgence, composez le 9-1-1.",
		}
		for name, text := range sentences {
			set(name, text)
		}
		consoleEval[bool](t, fr, `document.querySelector('[data-line-form] [data-action="review"]').click(), true`)
		consolePoll(t, fr, `document.querySelector('[data-review] [data-action="save"]')`)
		if v, _ := e.content(t); v != v0 {
			t.Fatalf("reviewing published: v%d -> v%d", v0, v)
		}
		consoleEval[bool](t, fr, `document.querySelector('[data-review] [data-action="save"]').click(), true`)
		consolePoll(t, fr, `document.querySelector('[data-saved="`+histItoa(v0+1)+`"]')`)
		v, c := e.content(t)
		if l := c.Lines["ab-mental-health-help-line"]; v != v0+1 || l.Call != "1-800-555-0100" || l.CallTel != "+18005550100" || l.Text != "613-555-0110" {
			t.Errorf("after saving: v%d, line %+v", v, l)
		}
		for name, text := range sentences {
			parts := strings.Split(name, ".") // regions, code, message, locale
			if got := c.Regions[parts[1]].Message[snippets.Locale(parts[3])]; got != text {
				t.Errorf("%s = %q, want %q", name, got, text)
			}
		}
		consoleClean(t, fr)
	})

	t.Run("a region's list refused: the error names the list and leads to it", func(t *testing.T) {
		v0, _ := e.content(t)
		fr := consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/lines")
		consoleSignIn(t, fr, "ben")
		consolePoll(t, fr, `document.querySelector('[data-order="CA"]')`)
		consoleEval[bool](t, fr, `document.querySelector('[data-order="CA"]').click(), true`)
		consolePoll(t, fr, `document.querySelector('[data-order-form="CA"] [data-action="add"]')`)
		consoleEval[bool](t, fr, `(() => { const f = document.querySelector('[data-order-form="CA"]');
			f.querySelector("select").value = "gb-shout"; f.querySelector('[data-action="add"]').click();
			f.querySelector('[data-action="review"]').click(); return true })()`)
		consolePoll(t, fr, `document.querySelector('[data-order-form="CA"] [data-summary] a')`)
		if got := consoleEval[string](t, fr, `document.querySelector('[data-order-form="CA"] [data-summary] a').textContent`); !strings.HasPrefix(got, "Lignes affichées pour CA") || !strings.Contains(got, `la ligne "gb-shout" sert GB, pas CA`) {
			t.Errorf("summary: %q", got)
		}
		consoleEval[bool](t, fr, `document.querySelector('[data-order-form="CA"] [data-summary] a').click(), true`)
		if !consoleEval[bool](t, fr, `document.activeElement.matches('[data-region-order="CA"]')`) {
			t.Errorf("the summary's link leads to %s, not the list", consoleEval[string](t, fr, consoleFocused))
		}
		if v, _ := e.content(t); v != v0 {
			t.Errorf("a refused list published: v%d -> v%d", v0, v)
		}
		consoleClean(t, fr)
	})

	t.Run("a line taken out of a region with the sentence that named it", func(t *testing.T) {
		v0, c0 := e.content(t)
		en := consoleOpen(t, chrome, e.URL+"/admin/?lang=en#/lines")
		consoleSignIn(t, en, "ben")
		consolePoll(t, en, `document.querySelector('[data-order="CA"]')`)
		consoleEval[bool](t, en, `document.querySelector('[data-order="CA"]').click(), true`)
		consolePoll(t, en, `document.querySelector('[data-region-order="CA"] li[data-id="ca-988"] [data-move="remove"]')`)
		if got := consoleEval[string](t, en, `document.querySelector('[name="regions.CA.message.en"]').value`); got != c0.Regions["CA"].Message["en"] {
			t.Errorf("the sentence box does not hold the published sentence: %q", got)
		}
		consoleEval[bool](t, en, `document.querySelector('[data-region-order="CA"] li[data-id="ca-988"] [data-move="remove"]').click(), true`)
		consoleEval[bool](t, en, `document.querySelector('[data-order-form="CA"] [data-action="review"]').click(), true`)
		consolePoll(t, en, `document.querySelector('[data-order-form="CA"] [data-summary]')`)
		// (The sentence names the numbers the subtest before gave the line.)
		if got := consoleFieldError(t, en, `[name="regions.CA.message.en"]`); !strings.Contains(got, "which is not an emergency number or line of this region") {
			t.Errorf("error beside the sentence: %q", got)
		}
		sentences := map[string]string{
			"en": "If you are in distress, call Kids Help Phone at any time. If it is an emergency, call 9-1-1.",
			"fr": "Si vous êtes en détresse, appelez Jeunesse, J'écoute en tout temps. En cas d'urgence, composez le 9-1-1.",
		}
		for l, text := range sentences {
			consoleType(t, en, `[name="regions.CA.message.`+l+`"]`, text)
		}
		consoleEval[bool](t, en, `document.querySelector('[data-order-form="CA"] [data-action="review"]').click(), true`)
		consolePoll(t, en, `document.querySelector('[data-review] [data-action="publish"]')`)
		if v, _ := e.content(t); v != v0 {
			t.Fatalf("reviewing published: v%d -> v%d", v0, v)
		}
		consoleEval[bool](t, en, `document.querySelector('[data-review] [data-action="publish"]').click(), true`)
		consolePoll(t, en, `document.querySelector('[data-saved="`+histItoa(v0+1)+`"]')`)
		_, c := e.content(t)
		if slices.Contains(c.Regions["CA"].Lines, "ca-988") || c.Regions["CA"].Message["en"] != sentences["en"] || c.Regions["CA"].Message["fr"] != sentences["fr"] {
			t.Errorf("CA after publishing: %+v", c.Regions["CA"])
		}
		consoleClean(t, en)
	})

	t.Run("390 px", func(t *testing.T) {
		histNarrow(t, chrome, e.URL+"/admin/?lang=fr#/lines", "ben", `document.querySelector("[data-stale-count]")`)
	})

	t.Run("axe fr", func(t *testing.T) {
		fr := consoleOpen(t, chrome, e.URL+"/admin/?lang=fr#/lines")
		consoleSignIn(t, fr, "ben")
		consolePoll(t, fr, `document.querySelector("[data-stale-count]")`)
		if h := consoleEval[string](t, fr, `document.querySelector("h1").textContent`); h != "Lignes de crise" {
			t.Errorf("fr heading %q", h)
		}
		consoleAxe(t, fr, "lines, fr")
		consoleClean(t, fr)
	})
}
