package console_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server"
)

// Browser tests of the feedback dashboard (/admin/feedback), driven by a feedback:read-only
// operator: its numbers against a known set of feedback, small-sample suppression, the CSV of a
// filter, a filter shared by its address, the triage queue and its audit trail, and axe-core.

// dashDay is the day the known feedback was received: long enough ago that the dashboard's first
// view (the last 30 days) does not hold it, so every number checked comes from a filter applied
// in the page.
var dashDay = time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC)

// dashFeedback is the known feedback. demo's /help has 12 records on dashDay: 9 of 12 found what
// they looked for, and only 9 answered "helpful" (a rate the dashboard must hide). Three other
// records carry comments, the crisis-flagged one the oldest (crisis first is not newest first);
// the last record is the day before, outside every filter.
func dashFeedback() []*feedback.Record {
	yes, no := true, false
	var rs []*feedback.Record
	add := func(at time.Time, partner, page, locale string, found, helpful *bool, comment string, crisis bool) {
		rs = append(rs, &feedback.Record{ReceivedAt: at, Partner: partner, Page: page, Locale: locale, Found: found, Helpful: helpful,
			Comment: comment, Crisis: crisis})
	}
	at := dashDay.Add(9 * time.Hour)
	add(at, "mhcc", "/resources", "fr", &no, nil, "Je n'en peux plus <img src=x> & je ne sais pas à qui parler", true)
	for i := range 12 {
		found, helpful := &yes, (*bool)(nil)
		if i%4 == 3 {
			found = &no
		}
		switch {
		case i < 5:
			helpful = &yes
		case i < 9:
			helpful = &no
		}
		add(at.Add(time.Duration(i+1)*time.Minute), "demo", "/help", "en", found, helpful, "", false)
	}
	add(at.Add(20*time.Minute), "demo", "/other", "en", &no, &no, "The page on apps was <b>hard</b> to find", false)
	add(dashDay.Add(30*time.Hour), "mhcc", "/resources", "en", &yes, &yes, "Very useful, thanks", false)
	add(dashDay.Add(31*time.Hour), "demo", "/other", "en", &no, nil, "", false)
	add(dashDay.Add(-15*time.Hour), "demo", "/help", "en", &no, nil, "", false)
	return rs
}

// startDashboardEdge is a console edge whose feedback store (a real logstore) holds recs, written
// straight into it with their own times and ids.
func startDashboardEdge(t *testing.T, recs []*feedback.Record) *consoleEdge {
	t.Helper()
	st, err := logstore.Open(t.TempDir(), logstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ids := feedback.NewIDs()
	for i, r := range recs {
		r.ID = ids.New(r.ReceivedAt)
		r.IPHash = fmt.Sprintf("hash-%03d", i) // distinct clients: no record is a duplicate of another
		if _, dup, err := st.Add(context.Background(), r, nil); err != nil || dup {
			t.Fatalf("add record %d: dup %v, %v", i, dup, err)
		}
	}
	return startConsoleEdge(t, server.Config{Feedback: st}, nil)
}

// dashWait waits for the dashboard's report and comment list.
func dashWait(t *testing.T, ctx context.Context) {
	t.Helper()
	consolePoll(t, ctx, `document.querySelector("[data-report-box] section") && document.querySelector("[data-comments] [data-total]")`)
}

// dashApply sets the filter form's fields (checkboxes take "yes" or ""), presses Apply and waits
// for the answers: report and comments are emptied first, so what then shows is the filter's.
func dashApply(t *testing.T, ctx context.Context, fields map[string]string) {
	t.Helper()
	b, _ := json.Marshal(fields)
	consoleEval[bool](t, ctx, `(() => { const f = document.querySelector("form.filters"), v = `+string(b)+`;
		for (const k in v) { const el = f.elements[k]; if (el.type === "checkbox") el.checked = v[k] === "yes"; else el.value = v[k];
			el.dispatchEvent(new Event("change", {bubbles: true})) }
		document.querySelector("[data-report-box]").textContent = ""; document.querySelector("[data-comments]").textContent = "";
		f.querySelector('[data-action="apply"]').click(); return true })()`)
	dashWait(t, ctx)
}

// dashCells is the text of each data-col cell of the rates row of partner, page and bucket.
func dashCells(t *testing.T, ctx context.Context, partner, page, bucket string) map[string]string {
	t.Helper()
	raw := consoleEval[string](t, ctx, `JSON.stringify(Object.fromEntries([...document.querySelectorAll('[data-report="rates"] tr[data-partner=`+
		jsQuote(partner)+`][data-page=`+jsQuote(page)+`][data-bucket=`+jsQuote(bucket)+`] td[data-col]')].map(td => [td.dataset.col, td.textContent.trim()])))`)
	var cells map[string]string
	if err := json.Unmarshal([]byte(raw), &cells); err != nil {
		t.Fatal(err)
	}
	if len(cells) == 0 {
		t.Fatalf("no rates row for %s %s %s; report: %s", partner, page, bucket,
			consoleEval[string](t, ctx, `document.querySelector("[data-report-box]").innerText.slice(0, 1000)`))
	}
	return cells
}

var dashNumber = regexp.MustCompile(`\d+(?:[.,]\d+)?`)

// dashPercent reads a percentage as the report writes it ("75.0 %", "75,0 %").
func dashPercent(t *testing.T, cell string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(strings.Replace(dashNumber.FindString(cell), ",", ".", 1), 64)
	if err != nil {
		t.Fatalf("not a percentage: %q", cell)
	}
	return f
}

// wilson is the Wilson score interval at 95% in percent, computed here from its formula rather
// than taken from the package under test.
func wilson(yes, n int) (lo, hi float64) {
	const z = 1.959963984540054
	p, nf := float64(yes)/float64(n), float64(n)
	c := (p + z*z/(2*nf)) / (1 + z*z/nf)
	d := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / (1 + z*z/nf)
	return 100 * (c - d), 100 * (c + d)
}

// TestDashboardBrowser drives the dashboard as fay, whose token has feedback:read only.
func TestDashboardBrowser(t *testing.T) {
	t.Parallel() // a browser and edges of its own: it waits on them, not on the CPU
	recs := dashFeedback()
	e := startDashboardEdge(t, recs)
	chrome := consoleBrowser(t)
	ctx := consoleOpen(t, chrome, e.URL+"/admin/feedback?lang=en")
	consoleSignIn(t, ctx, "fay")
	dashWait(t, ctx)
	day, next := dashDay.Format(time.DateOnly), dashDay.AddDate(0, 0, 1).Format(time.DateOnly)
	// The partner select is filled from the feedback itself: fay cannot read the content.
	consolePoll(t, ctx, `document.querySelector('form.filters [name=partner] option[value="mhcc"]')`)

	t.Run("numbers equal the known feedback", func(t *testing.T) {
		dashApply(t, ctx, map[string]string{"partner": "demo", "from": day, "to": day, "bucket": "day"})
		c := dashCells(t, ctx, "demo", "/help", day)
		for col, v := range map[string]string{"n": "12", "found_yes": "9", "found_n": "12", "helpful_yes": "5", "helpful_n": "9"} {
			if c[col] != v {
				t.Errorf("%s = %q, want %s (row %v)", col, c[col], v, c)
			}
		}
		if !strings.Contains(c["found_rate"], "75.0") {
			t.Errorf("found_rate %q, want 75.0 %%", c["found_rate"])
		}
		lo, hi := wilson(9, 12)
		for col, v := range map[string]float64{"found_lo": lo, "found_hi": hi} {
			if got := dashPercent(t, c[col]); math.Abs(got-v) > 0.051 {
				t.Errorf("%s = %q, want %.1f", col, c[col], v)
			}
		}
		if consoleEval[bool](t, ctx, `!!document.querySelector('[data-report="rates"] tr[data-page="/help"][data-bucket="`+dashDay.AddDate(0, 0, -1).Format(time.DateOnly)+`"]')`) {
			t.Error("the day before the filter's first day has a row")
		}
		// By ISO week: the same 12 (the record of the day before is in the same week, but
		// not in the filter's days).
		dashApply(t, ctx, map[string]string{"bucket": "week"})
		y, w := dashDay.ISOWeek()
		if c := dashCells(t, ctx, "demo", "/help", fmt.Sprintf("%d-W%02d", y, w)); c["n"] != "12" || c["found_yes"] != "9" {
			t.Errorf("week row %v, want n 12, found_yes 9", c)
		}
	})

	t.Run("nine answers are too few for a rate", func(t *testing.T) {
		dashApply(t, ctx, map[string]string{"partner": "demo", "from": day, "to": day, "bucket": "day"})
		c := dashCells(t, ctx, "demo", "/help", day)
		if !strings.Contains(c["helpful_rate"], "fewer than 10") || strings.Contains(c["helpful_rate"], "%") {
			t.Errorf("helpful_rate of 9 answers %q: want it hidden, saying fewer than 10 answers", c["helpful_rate"])
		}
		for _, col := range []string{"helpful_lo", "helpful_hi"} {
			if dashNumber.MatchString(c[col]) {
				t.Errorf("%s of 9 answers shows a number: %q", col, c[col])
			}
		}
	})

	t.Run("CSV holds exactly the filtered records", func(t *testing.T) {
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
			BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil { // the test's own, under a shared browser
			t.Fatal(err)
		}
		dashApply(t, ctx, map[string]string{"partner": "", "page": "", "from": day, "to": next, "found": "no", "bucket": "day"})
		var want []string
		for _, r := range recs {
			if !r.ReceivedAt.Before(dashDay) && r.ReceivedAt.Before(dashDay.AddDate(0, 0, 2)) && r.Found != nil && !*r.Found {
				want = append(want, r.ID)
			}
		}
		consoleEval[bool](t, ctx, `document.querySelector('[data-action="csv"]').click(), true`)
		var file string
		deadline := time.Now().Add(30 * time.Second)
		for file == "" && time.Now().Before(deadline) {
			m, _ := filepath.Glob(filepath.Join(dir, "*.csv"))
			if len(m) == 1 {
				file = m[0]
			}
			time.Sleep(25 * time.Millisecond)
		}
		if file == "" {
			t.Fatal("no CSV downloaded within 30 s")
		}
		f, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatalf("downloaded CSV: %v", err)
		}
		if len(rows) == 0 || rows[0][0] != "id" || !slices.Contains(rows[0], "found") {
			t.Fatalf("CSV header %v", rows)
		}
		var got []string
		col := slices.Index(rows[0], "found")
		for _, row := range rows[1:] {
			got = append(got, row[0])
			if row[col] != "no" {
				t.Errorf("CSV row %v: found %q outside the filter", row, row[col])
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if len(want) != 6 || !slices.Equal(got, want) {
			t.Errorf("CSV records %v, want the %d filtered: %v", got, len(want), want)
		}
	})

	t.Run("the filter is in the address", func(t *testing.T) {
		hash := consoleEval[string](t, ctx, `location.hash`)
		q, err := url.ParseQuery(strings.TrimPrefix(mustUnescape(t, hash), "#/feedback/"))
		if err != nil || q.Get("found") != "no" || q.Get("from") != day || q.Get("to") != next {
			t.Fatalf("address %s does not hold the filter (%v)", hash, q)
		}
		// Another operator opening the address gets the same view.
		other := consoleOpen(t, chrome, e.URL+"/admin/feedback?lang=en"+hash)
		consoleSignIn(t, other, "root")
		dashWait(t, other)
		form := consoleEval[string](t, other, `(() => { const f = document.querySelector("form.filters").elements; return [f.found.value, f.from.value, f.to.value].join(" ") })()`)
		if form != "no "+day+" "+next {
			t.Errorf("shared address opened with the filter %q", form)
		}
		if n := consoleEval[string](t, other, `document.querySelector("[data-total]").dataset.total`); n != "2" {
			t.Errorf("shared view lists %s comments, want the 2 with found=no", n)
		}
		consoleClean(t, other)
	})

	t.Run("triage", func(t *testing.T) {
		dashApply(t, ctx, map[string]string{"found": "", "comment": "yes", "from": day, "to": next})
		raw := consoleEval[string](t, ctx, `JSON.stringify([...document.querySelectorAll(".triage > li")].map(li => ({id: li.dataset.id, crisis: li.dataset.crisis,
			text: li.querySelector("blockquote").textContent, lines: (li.querySelector(".lines") || {}).textContent || "", markup: !!li.querySelector("blockquote img, blockquote b")})))`)
		var items []struct {
			ID, Crisis, Text, Lines string
			Markup                  bool
		}
		if err := json.Unmarshal([]byte(raw), &items); err != nil {
			t.Fatal(err)
		}
		if len(items) != 3 || items[0].Crisis != "yes" || items[0].ID != recs[0].ID {
			t.Fatalf("triage queue %+v: want 3 comments, the crisis-flagged one (%s) first", items, recs[0].ID)
		}
		if items[0].Text != recs[0].Comment || items[1].Text != "Very useful, thanks" || !strings.Contains(items[2].Text, "<b>hard</b>") {
			t.Errorf("comments shown %+v: want them as text, crisis first then newest first", items)
		}
		for _, it := range items {
			if it.Markup {
				t.Errorf("comment %s rendered as markup", it.ID)
			}
		}
		if !strings.Contains(items[0].Lines, "988") {
			t.Errorf("the crisis comment does not show the partner's crisis lines: %q", items[0].Lines)
		}
		id := recs[0].ID
		consoleEval[bool](t, ctx, `document.querySelector('[data-review="`+id+`"]').click(), true`)
		consolePoll(t, ctx, `document.activeElement && document.activeElement.dataset.reviewedBy === "fay"`)
		if txt := consoleEval[string](t, ctx, `document.querySelector('li[data-id="`+id+`"] [data-reviewed-by]').textContent`); !strings.HasPrefix(txt, "Reviewed by fay at ") {
			t.Errorf("after marking: %q", txt)
		}
		status, body, _ := e.api(t, "fay", "GET", "/v1/admin/audit", nil)
		var audit struct {
			Entries []struct{ Actor, Action, Target string }
		}
		if err := json.Unmarshal(body, &audit); status != 200 || err != nil {
			t.Fatalf("audit log: %d %s", status, body)
		}
		if !slices.ContainsFunc(audit.Entries, func(a struct{ Actor, Action, Target string }) bool {
			return a.Action == "feedback.review" && a.Actor == "fay" && a.Target == id
		}) {
			t.Errorf("no feedback.review entry by fay for %s in %+v", id, audit.Entries)
		}
		// Reviewed: after a reload, reviewed=no leaves it out and reviewed=yes shows who.
		dashApply(t, ctx, map[string]string{"reviewed": "no"})
		if consoleEval[bool](t, ctx, `!!document.querySelector('li[data-id="`+id+`"]')`) {
			t.Error("a reviewed comment is listed under reviewed=no")
		}
		dashApply(t, ctx, map[string]string{"reviewed": "yes"})
		if !consoleEval[bool](t, ctx, `!!document.querySelector('li[data-id="`+id+`"] [data-reviewed-by="fay"]')`) {
			t.Error("reviewed=yes does not list the reviewed comment with its reviewer")
		}
		consoleClean(t, ctx)
	})

	t.Run("triage first, UTC days, unwrapped suppressed cells, plurals", func(t *testing.T) {
		dashApply(t, ctx, map[string]string{"partner": "mhcc", "page": "", "found": "", "comment": "yes", "reviewed": "", "from": next, "to": next, "bucket": "day"})
		if !consoleEval[bool](t, ctx, `!!(document.querySelector("[data-comments]").compareDocumentPosition(document.querySelector("[data-report-box]")) & Node.DOCUMENT_POSITION_FOLLOWING)`) {
			t.Error("the report comes before the triage queue")
		}
		if txt := consoleEval[string](t, ctx, `document.querySelector("[data-total]").textContent`); txt != "1 comment matches." {
			t.Errorf("one comment: %q", txt)
		}
		if txt := consoleEval[string](t, ctx, `document.querySelector(".sp-report-summary").textContent`); !strings.HasPrefix(txt, "1 response from ") {
			t.Errorf("one response: %q", txt)
		}
		if meta := consoleEval[string](t, ctx, `document.querySelector(".triage .meta").textContent`); !strings.Contains(meta, "(UTC day "+next+")") {
			t.Errorf("comment time %q lacks its UTC day", meta)
		}
		labels := consoleEval[string](t, ctx, `[...document.querySelectorAll("form.filters label")].map(l => l.textContent).join("|") + "|" + document.querySelector("[data-utc]").textContent`)
		if strings.Count(labels, "UTC") < 3 {
			t.Errorf("filter labels %q: From and To should say UTC", labels)
		}
		if ws := consoleEval[string](t, ctx, `getComputedStyle(document.querySelector("td.sp-report-suppressed")).whiteSpace`); ws != "nowrap" {
			t.Errorf("suppressed cell white-space %q", ws)
		}
		consoleClean(t, ctx)
	})

	t.Run("axe", func(t *testing.T) {
		for _, lang := range []string{"en", "fr"} {
			hash := "#/feedback/" + url.PathEscape(url.Values{"from": {day}, "to": {next}, "partner": {""}}.Encode())
			// A new query (not only a new hash): a page load in the operator's language, signed in
			// again from the tab's sessionStorage.
			if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/admin/feedback?axe=1&lang="+lang+hash)); err != nil {
				t.Fatal(err)
			}
			dashWait(t, ctx)
			consolePoll(t, ctx, `document.querySelector("[data-review]")`)
			if lang == "fr" {
				c := dashCells(t, ctx, "demo", "/help", day)
				if !strings.Contains(c["helpful_rate"], "moins de 10") {
					t.Errorf("fr: helpful_rate %q, want « moins de 10 réponses »", c["helpful_rate"])
				}
			}
			consoleAxe(t, ctx, "dashboard "+lang)
			consoleClean(t, ctx)
		}
	})
}

func mustUnescape(t *testing.T, s string) string {
	t.Helper()
	u, err := url.PathUnescape(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
