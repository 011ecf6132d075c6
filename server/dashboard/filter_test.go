package dashboard_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/edgetest"
)

func TestDashboardRatesByDay(t *testing.T) {
	e, _ := dashEdge(t, nil, false)
	rates := dashRates(t, e, "")
	if rates.Period != feedback.Day || rates.From != "2026-11-13" || rates.To != "2026-11-16" || rates.MinAnswers != 10 {
		t.Errorf("span %s %s %s", rates.Period, rates.From, rates.To)
	}
	var series []string
	for _, s := range rates.Series {
		series = append(series, fmt.Sprintf("%s %s %d/%d", s.Partner, s.Page, s.N, len(s.Rows)))
	}
	if want := []string{"demo * 24/4", "demo /a 15/4", "demo /b 9/4", "mhcc * 16/4", "mhcc /a 16/4"}; !slices.Equal(series, want) {
		t.Errorf("series %v, want %v", series, want)
	}
	report := dashGet(t, e, "/v1/admin/feedback/report")
	cells := reportTables(t, report.Body(), "rates")
	if len(cells) != 5*4 {
		t.Errorf("%d report rows, want 20 (5 series of 4 days)", len(cells))
	}
	for _, tc := range []struct {
		key  [3]string
		want dashRow
	}{
		// demo /a on Friday: found 8 of 10 is shown (10 answers); helpful 6 of 9 is not (9).
		{[3]string{"demo", "/a", "2026-11-13"}, dashRow{10, 8, 10, "80.0", "49.0", "94.3", 6, 9, hidden, hidden, hidden}},
		{[3]string{"demo", "/b", "2026-11-13"}, dashRow{3, 2, 3, hidden, hidden, hidden, 3, 3, hidden, hidden, hidden}},
		// All of demo's pages on Friday: 13 found answers (10 yes), 12 helpful (9 yes).
		{[3]string{"demo", "*", "2026-11-13"}, dashRow{13, 10, 13, "76.9", "49.7", "91.8", 9, 12, "75.0", "46.8", "91.1"}},
		{[3]string{"demo", "*", "2026-11-14"}, dashRow{0, 0, 0, hidden, hidden, hidden, 0, 0, hidden, hidden, hidden}},
		{[3]string{"demo", "*", "2026-11-15"}, dashRow{5, 5, 5, hidden, hidden, hidden, 2, 4, hidden, hidden, hidden}},
		{[3]string{"demo", "/b", "2026-11-16"}, dashRow{6, 3, 6, hidden, hidden, hidden, 0, 0, hidden, hidden, hidden}},
		{[3]string{"mhcc", "*", "2026-11-13"}, dashRow{12, 1, 12, "8.3", "1.5", "35.4", 7, 11, "63.6", "35.4", "84.8"}},
		{[3]string{"mhcc", "/a", "2026-11-13"}, dashRow{12, 1, 12, "8.3", "1.5", "35.4", 7, 11, "63.6", "35.4", "84.8"}},
		{[3]string{"mhcc", "/a", "2026-11-16"}, dashRow{4, 2, 3, hidden, hidden, hidden, 1, 2, hidden, hidden, hidden}},
	} {
		checkRates(t, "day", rates, cells, tc.key, tc.want)
	}
	// The fragment is safe to insert under the console's CSP, and says what it shows.
	body := string(report.Body())
	if ct := edgetest.Header(report, "Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	for _, bad := range []string{"<script", "style=", "<style", "javascript:", " onload=", " onclick=", " onerror="} {
		if strings.Contains(strings.ToLower(body), bad) {
			t.Errorf("report holds %q", bad)
		}
	}
	for _, want := range []string{`<section class="sp-report" lang="en">`, `role="img"`, `viewBox="0 0 640 290"`, `font-size="16"`, "<title id=", "<desc id=",
		`aria-labelledby="sp-report-chart-0-title sp-report-chart-0-desc"`, "<circle", "<rect", "fewer than 10 answers", "100%", "0%", "2026-11-13",
		"Signpost demo", "Mental Health Commission of Canada", "All pages", "40 responses from 2026-11-13 to 2026-11-16."} {
		if !strings.Contains(body, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(body, "<svg"); n != 5 {
		t.Errorf("%d charts, want one per series (5)", n)
	}
}

func TestDashboardRatesByWeek(t *testing.T) {
	e, _ := dashEdge(t, nil, false)
	rates := dashRates(t, e, "?bucket=week")
	if rates.Period != feedback.Week || rates.From != "2026-W46" || rates.To != "2026-W47" {
		t.Errorf("span %s %s %s", rates.Period, rates.From, rates.To)
	}
	cells := reportTables(t, dashGet(t, e, "/v1/admin/feedback/report?bucket=week").Body(), "rates")
	if len(cells) != 5*2 {
		t.Errorf("%d report rows, want 10", len(cells))
	}
	for _, tc := range []struct {
		key  [3]string
		want dashRow
	}{
		// Friday and Sunday are one ISO week; Monday starts the next.
		{[3]string{"demo", "*", "2026-W46"}, dashRow{18, 15, 18, "83.3", "60.8", "94.2", 11, 16, "68.8", "44.4", "85.8"}},
		{[3]string{"demo", "/a", "2026-W46"}, dashRow{15, 13, 15, "86.7", "62.1", "96.3", 8, 13, "61.5", "35.5", "82.3"}},
		{[3]string{"demo", "*", "2026-W47"}, dashRow{6, 3, 6, hidden, hidden, hidden, 0, 0, hidden, hidden, hidden}},
		{[3]string{"demo", "/a", "2026-W47"}, dashRow{0, 0, 0, hidden, hidden, hidden, 0, 0, hidden, hidden, hidden}},
		{[3]string{"mhcc", "/a", "2026-W47"}, dashRow{4, 2, 3, hidden, hidden, hidden, 1, 2, hidden, hidden, hidden}},
	} {
		checkRates(t, "week", rates, cells, tc.key, tc.want)
	}
	// Dates narrow the weeks: Sunday alone is week 46 with demo /a's five records.
	rates = dashRates(t, e, "?bucket=week&from=2026-11-15&to=2026-11-15&partner=demo")
	if len(rates.Series) != 2 || rates.From != "2026-W46" || rates.To != "2026-W46" || rates.Series[0].Rows[0].N != 5 {
		t.Errorf("Sunday alone: %+v", rates)
	}
}

// TestDashboardSuppression: 9 answers hide a rate and its interval (null in JSON, words in the
// report, in either language); 10 show it.
func TestDashboardSuppression(t *testing.T) {
	e, _ := dashEdge(t, nil, false)
	raw := dashGet(t, e, "/v1/admin/feedback/rates?partner=demo&page=/a&to=2026-11-13").Body()
	var rates struct {
		Series []struct {
			Rows []struct {
				Found, Helpful map[string]any
			}
		}
	}
	if err := json.Unmarshal(raw, &rates); err != nil || len(rates.Series) != 2 || len(rates.Series[1].Rows) != 1 {
		t.Fatalf("%v %s", err, raw)
	}
	row := rates.Series[1].Rows[0]
	if row.Helpful["n"] != 9.0 || row.Helpful["suppressed"] != true || row.Helpful["rate"] != nil || row.Helpful["lo"] != nil || row.Helpful["hi"] != nil {
		t.Errorf("9 answers: %v", row.Helpful)
	}
	for _, k := range []string{"rate", "lo", "hi"} {
		if _, ok := row.Helpful[k]; !ok {
			t.Errorf("9 answers: %q missing (want null)", k)
		}
	}
	if row.Found["n"] != 10.0 || row.Found["suppressed"] != false || row.Found["rate"] != 0.8 {
		t.Errorf("10 answers: %v", row.Found)
	}
	fr := dashGet(t, e, "/v1/admin/feedback/report?partner=demo&page=/a&to=2026-11-13&lang=fr")
	c := reportTables(t, fr.Body(), "rates")["demo|/a|2026-11-13"]
	if c["helpful_rate"] != "moins de 10 réponses" || c["found_rate"] != "80,0" || c["found_lo"] != "49,0" || c["helpful_lo"] != "—" {
		t.Errorf("French cells %v", c)
	}
	if !strings.Contains(string(fr.Body()), `lang="fr"`) || !strings.Contains(string(fr.Body()), "Toutes les pages") || !strings.Contains(string(fr.Body()), "100 %") {
		t.Errorf("French report:\n%s", fr.Body())
	}
}

// TestDashboardFilterParams: every filter parameter on every feedback route, good and bad.
func TestDashboardFilterParams(t *testing.T) {
	e, _ := dashEdge(t, nil, false)
	routes := []string{"/v1/admin/feedback", "/v1/admin/feedback/stats", "/v1/admin/feedback/comments",
		"/v1/admin/feedback/rates", "/v1/admin/feedback/report"}
	for _, tc := range []struct {
		query, field string
		only         []string // routes that read this parameter; nil: all
	}{
		{"partner=Demo!", "partner", nil},
		{"partner=" + strings.Repeat("a", 64), "partner", nil},
		{"page=help", "page", nil},
		{"page=/a%20b", "page", nil},
		{"since=yesterday", "since", nil},
		{"from=2026-13-01", "from", nil},
		{"from=13/11/2026", "from", nil},
		{"to=20261116", "to", nil},
		{"from=2026-11-16&to=2026-11-15", "to", nil},
		{"since=2026-11-17T00:00:00Z&to=2026-11-16", "to", nil},
		{"found=maybe", "found", nil},
		{"helpful=1", "helpful", nil},
		{"crisis=true", "crisis", nil},
		{"comment=y", "comment", nil},
		{"reviewed=x", "reviewed", nil},
		{"format=xlsx", "format", []string{"/v1/admin/feedback"}},
		{"limit=0", "limit", []string{"/v1/admin/feedback/comments"}},
		{"limit=1001", "limit", []string{"/v1/admin/feedback/comments"}},
		{"limit=ten", "limit", []string{"/v1/admin/feedback/comments"}},
		{"bucket=month", "bucket", []string{"/v1/admin/feedback/rates", "/v1/admin/feedback/report"}},
		{"lang=de", "lang", []string{"/v1/admin/feedback/report"}},
		{"from=1900-01-01&to=2026-11-16", "from", []string{"/v1/admin/feedback/rates", "/v1/admin/feedback/report"}},
	} {
		for _, route := range routes {
			if tc.only != nil && !slices.Contains(tc.only, route) {
				continue
			}
			r := e.Do(t, "GET", route+"?"+tc.query, nil, edgetest.Bearer(dashReader)...)
			if r.StatusCode() != 400 {
				t.Errorf("%s?%s: %d, want 400", route, tc.query, r.StatusCode())
				continue
			}
			if code, field := edgetest.JSONError(t, r); code != "invalid_parameter" || field != tc.field {
				t.Errorf("%s?%s: %s naming %q, want invalid_parameter naming %q", route, tc.query, code, field, tc.field)
			}
		}
	}
	good := "partner=demo&page=/a&from=2026-11-13&to=2026-11-16&since=2026-11-01T00:00:00Z&found=yes&helpful=no&crisis=no&comment=no&reviewed=no" +
		"&bucket=week&lang=fr&limit=1000&format=csv"
	for _, route := range routes {
		if r := e.Do(t, "GET", route+"?"+good, nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 200 {
			t.Errorf("%s with every parameter: %d %s", route, r.StatusCode(), r.Body())
		}
		// Empty values mean "any" (what a form's "any" option sends).
		if r := e.Do(t, "GET", route+"?partner=&page=&from=&to=&found=&helpful=&crisis=&comment=&reviewed=&bucket=&lang=&limit=", nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 200 {
			t.Errorf("%s with empty values: %d %s", route, r.StatusCode(), r.Body())
		}
		if r := e.Do(t, "GET", route, nil, edgetest.Bearer(dashWriter)...); r.StatusCode() != 403 {
			t.Errorf("%s with the content scope: %d", route, r.StatusCode())
		}
		if r := e.Do(t, "GET", route, nil); r.StatusCode() != 401 {
			t.Errorf("%s without a token: %d", route, r.StatusCode())
		}
	}
	if r := e.Do(t, "POST", "/v1/admin/feedback/01M80CND6AQ3H4YJXDW7BZ6AHT/review", nil, edgetest.Bearer(dashWriter)...); r.StatusCode() != 403 {
		t.Errorf("review with the content scope: %d", r.StatusCode())
	}
}

// csvIDs exports with query and returns the ids, in order.
func csvIDs(t *testing.T, e *edgetest.Edge, query string) []string {
	t.Helper()
	rows, err := csv.NewReader(bytes.NewReader(dashGet(t, e, "/v1/admin/feedback?format=csv&"+query).Body())).ReadAll()
	if err != nil || len(rows) == 0 || rows[0][0] != "id" {
		t.Fatalf("CSV: %v %v", err, rows)
	}
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

type dashComment struct {
	ID         string     `json:"id"`
	ReceivedAt time.Time  `json:"received_at"`
	Partner    string     `json:"partner"`
	Page       string     `json:"page"`
	Locale     string     `json:"locale"`
	Found      *bool      `json:"found"`
	Comment    string     `json:"comment"`
	Crisis     bool       `json:"crisis"`
	ReviewedBy *string    `json:"reviewed_by"`
	ReviewedAt *time.Time `json:"reviewed_at"`
	Lines      []struct {
		Name, Call, Text, Keyword string
		ChatURL                   string `json:"chat_url"`
	} `json:"lines"`
}

func dashCommentsOf(t *testing.T, e *edgetest.Edge, query string) (int, []dashComment) {
	t.Helper()
	var out struct {
		Total    int           `json:"total"`
		Comments []dashComment `json:"comments"`
	}
	if err := json.Unmarshal(dashGet(t, e, "/v1/admin/feedback/comments?"+query).Body(), &out); err != nil || out.Comments == nil {
		t.Fatalf("comments: %v", err)
	}
	return out.Total, out.Comments
}

// TestDashboardCSVEqualsFilter: for one query, the CSV export, the comments and the rates select
// the same records, and as many as worked out by hand.
func TestDashboardCSVEqualsFilter(t *testing.T) {
	e, recs := dashEdge(t, nil, false)
	// Two comments reviewed, so that reviewed= selects something.
	for _, i := range []int{0, 16} { // the two crisis comments
		if r := e.Do(t, "POST", "/v1/admin/feedback/"+recs[i].ID+"/review", nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 200 {
			t.Fatalf("review: %d %s", r.StatusCode(), r.Body())
		}
	}
	for _, tc := range []struct {
		query    string
		records  int
		comments int
	}{
		{"", 40, 5},
		{"partner=demo", 24, 4},
		{"partner=demo&page=/a", 15, 3},
		{"page=/a", 31, 4},
		{"from=2026-11-15&to=2026-11-16", 15, 2},
		{"to=2026-11-13", 25, 3},
		{"since=2026-11-13T10:00:00Z&to=2026-11-15", 20, 2},
		{"found=no", 18, 1},
		{"found=yes&partner=demo", 18, 4},
		{"helpful=yes&partner=mhcc", 8, 1},
		{"helpful=no", 10, 0}, // 3+0+4+2+0+1 records, none with a comment
		{"crisis=yes", 2, 2},
		{"crisis=no&comment=yes", 3, 3},
		{"comment=no", 35, 0},
		{"reviewed=yes", 2, 2},
		{"reviewed=no&comment=yes", 3, 3},
		{"reviewed=no&partner=mhcc", 15, 0},
	} {
		ids := csvIDs(t, e, tc.query)
		if len(ids) != tc.records {
			t.Errorf("%q: CSV has %d records, want %d", tc.query, len(ids), tc.records)
		}
		// The rates count exactly the exported records (every partner's all-pages series).
		n := 0
		for _, s := range dashRates(t, e, "?"+tc.query).Series {
			if s.Page == feedback.AllPages {
				n += s.N
			}
		}
		if n != len(ids) {
			t.Errorf("%q: rates count %d records, the CSV %d", tc.query, n, len(ids))
		}
		// The comments are the exported records that have one.
		withComment := map[string]bool{}
		for _, r := range recs {
			if slices.Contains(ids, r.ID) && r.Comment != "" {
				withComment[r.ID] = true
			}
		}
		total, cs := dashCommentsOf(t, e, tc.query)
		if total != tc.comments || len(cs) != tc.comments || len(withComment) != tc.comments {
			t.Errorf("%q: %d comments listed (total %d), %d in the CSV, want %d", tc.query, len(cs), total, len(withComment), tc.comments)
		}
		for _, c := range cs {
			if !withComment[c.ID] {
				t.Errorf("%q: comment %s is not in the CSV", tc.query, c.ID)
			}
		}
		// The CSV of comment=yes is the comments, id for id.
		q := tc.query
		if !strings.Contains(q, "comment=") {
			q += "&comment=yes"
		}
		if strings.Contains(q, "comment=yes") {
			got := csvIDs(t, e, q)
			var listed []string
			for _, c := range cs {
				listed = append(listed, c.ID)
			}
			slices.Sort(got)
			slices.Sort(listed)
			if !slices.Equal(got, listed) {
				t.Errorf("%q: CSV %v, comments %v", q, got, listed)
			}
		}
	}
	// The JSON-lines export and the stats read the same filter.
	lines := strings.Split(strings.TrimSpace(string(dashGet(t, e, "/v1/admin/feedback?partner=demo&found=no").Body())), "\n")
	if len(lines) != 6 {
		t.Errorf("jsonl export of demo found=no: %d lines, want 6", len(lines))
	}
	var stats feedback.Stats
	if err := json.Unmarshal(dashGet(t, e, "/v1/admin/feedback/stats?crisis=yes").Body(), &stats); err != nil || len(stats.Rows) != 2 {
		t.Errorf("stats of crisis=yes: %+v %v", stats, err)
	}
}
