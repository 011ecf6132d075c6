package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/feedback/redisstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
)

func dashAudit(t *testing.T, e *edgetest.Edge) []auditlog.Entry {
	t.Helper()
	var log struct{ Entries []auditlog.Entry }
	if err := json.Unmarshal(dashGet(t, e, "/v1/admin/audit?limit=1000").Body(), &log); err != nil {
		t.Fatal(err)
	}
	var out []auditlog.Entry
	for _, en := range log.Entries {
		if en.Action == "feedback.review" {
			out = append(out, en)
		}
	}
	return out
}

// TestDashboardTriage: the queue's order, the crisis lines beside each comment, and marking
// reviewed (idempotent, 404 for an unknown id, audit-logged with the operator's name).
func TestDashboardTriage(t *testing.T) {
	e, recs := dashEdge(t, nil, true)
	comment := func(g, i int) *feedback.Record {
		n := 0
		for _, gr := range dashGroups[:g] {
			n += gr.total
		}
		return recs[n+i]
	}
	crisisOld, crisisNew := comment(0, 0), comment(2, 3)
	pdf, thanks, slow := comment(0, 4), comment(3, 1), comment(4, 2)
	order := func(cs []dashComment) []string {
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		return ids
	}
	// Crisis first, newest first within each kind.
	total, cs := dashCommentsOf(t, e, "")
	if want := []string{crisisNew.ID, crisisOld.ID, slow.ID, thanks.ID, pdf.ID}; total != 5 || !slices.Equal(order(cs), want) {
		t.Fatalf("queue %v, want %v", order(cs), want)
	}
	c := cs[0]
	if c.Comment != "Je veux mourir" || !c.Crisis || c.Partner != "mhcc" || c.Page != "/a" || c.Locale != "fr" || c.ReviewedBy != nil || c.ReviewedAt != nil ||
		!c.ReceivedAt.Equal(crisisNew.ReceivedAt) || c.Found == nil || *c.Found {
		t.Errorf("first comment %+v", c)
	}
	// The partner's default region is CA: its crisis lines, in the record's language.
	if len(c.Lines) != 3 || c.Lines[0].Name != "988 Ligne d'aide en cas de crise de suicide" || c.Lines[0].Call != "988" ||
		c.Lines[1].Keyword != "CONNECT" || c.Lines[1].Text != "686868" || c.Lines[2].ChatURL != "https://hopeforwellness.ca" {
		t.Errorf("lines beside a French comment: %+v", c.Lines)
	}
	if l := cs[1].Lines; len(l) != 3 || l[0].Name != "988 Suicide Crisis Helpline" {
		t.Errorf("lines beside an English comment: %+v", l)
	}
	if _, few := dashCommentsOf(t, e, "limit=2"); len(few) != 2 || few[0].ID != crisisNew.ID {
		t.Errorf("limit=2: %v", order(few))
	}

	// Rita reviews the newer crisis comment and one other: reviewed ones go after unreviewed.
	review := func(token, id string) (int, map[string]any) {
		r := e.Do(t, "POST", "/v1/admin/feedback/"+id+"/review", nil, edgetest.Bearer(token)...)
		var out map[string]any
		_ = json.Unmarshal(r.Body(), &out)
		return r.StatusCode(), out
	}
	status, out := review(dashReader, crisisNew.ID)
	want := map[string]any{"id": crisisNew.ID, "reviewed_by": "rita", "reviewed_at": edgetest.Now.Format(time.RFC3339)}
	if status != 200 || fmt.Sprint(out) != fmt.Sprint(want) {
		t.Errorf("review: %d %v, want %v", status, out, want)
	}
	if status, _ := review(dashReader, slow.ID); status != 200 {
		t.Errorf("review: %d", status)
	}
	// Again, by someone else: the first review stands, and nothing more is audited.
	if status, out := review(edgetest.AliceToken, crisisNew.ID); status != 200 || out["reviewed_by"] != "rita" {
		t.Errorf("second review: %d %v", status, out)
	}
	for _, id := range []string{"01M80CND6AQ3H4YJXDW7BZ6AHT", "not-an-id", "%3Cscript%3E"} {
		r := e.Do(t, "POST", "/v1/admin/feedback/"+id+"/review", nil, edgetest.Bearer(dashReader)...)
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 404 || code != "not_found" {
			t.Errorf("review of %s: %d %s", id, r.StatusCode(), code)
		}
	}
	_, cs = dashCommentsOf(t, e, "")
	if want := []string{crisisOld.ID, crisisNew.ID, thanks.ID, pdf.ID, slow.ID}; !slices.Equal(order(cs), want) {
		t.Errorf("queue after reviews %v, want %v", order(cs), want)
	}
	if cs[1].ReviewedBy == nil || *cs[1].ReviewedBy != "rita" || cs[1].ReviewedAt == nil || !cs[1].ReviewedAt.Equal(edgetest.Now) {
		t.Errorf("reviewed comment %+v", cs[1])
	}
	if _, cs := dashCommentsOf(t, e, "reviewed=yes"); !slices.Equal(order(cs), []string{crisisNew.ID, slow.ID}) {
		t.Errorf("reviewed=yes: %v", order(cs))
	}

	audit := dashAudit(t, e)
	var got []string
	for _, en := range audit {
		got = append(got, en.Actor+" "+en.Target)
	}
	slices.Sort(got)
	wantAudit := []string{"rita " + crisisNew.ID, "rita " + slow.ID}
	slices.Sort(wantAudit)
	if !slices.Equal(got, wantAudit) {
		t.Errorf("audit %v, want %v", got, wantAudit)
	}
}

// TestDashboardReviewLoggedWithoutStore: with no audit log a review is in
// the server log with the operator's name.
func TestDashboardReviewLoggedWithoutStore(t *testing.T) {
	e, recs := dashEdge(t, nil, false)
	if r := e.Do(t, "POST", "/v1/admin/feedback/"+recs[0].ID+"/review", nil, edgetest.Bearer(edgetest.AliceToken)...); r.StatusCode() != 200 {
		t.Fatalf("review: %d %s", r.StatusCode(), r.Body())
	}
	found := false
	for _, line := range strings.Split(e.Logs.String(), "\n") {
		if strings.Contains(line, `"action":"feedback.review"`) && strings.Contains(line, `"actor":"alice"`) && strings.Contains(line, recs[0].ID) {
			found = true
		}
	}
	if !found {
		t.Errorf("review not logged:\n%s", e.Logs.String())
	}
}

// TestDashboardReviewsPersist: reviews outlive the edge: the log store reopened on its
// directory, and the Redis store read by a new edge.
func TestDashboardReviewsPersist(t *testing.T) {
	t.Run("logstore", func(t *testing.T) {
		dir := t.TempDir()
		st, err := logstore.Open(dir, logstore.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e, recs := dashEdge(t, st, false)
		if r := e.Do(t, "POST", "/v1/admin/feedback/"+recs[5].ID+"/review", nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 200 {
			t.Fatalf("review: %d %s", r.StatusCode(), r.Body())
		}
		st.Close()
		again, err := logstore.Open(dir, logstore.Options{}, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		e2 := edgetest.Start(t, edgetest.Options{Config: server.Config{Feedback: again, Operators: []auth.Operator{{Name: "rita", Token: dashReader, Scopes: []string{auth.ScopeFeedbackRead}}}}})
		if ids := csvIDs(t, e2, "reviewed=yes"); !slices.Equal(ids, []string{recs[5].ID}) {
			t.Errorf("reviewed after reopening: %v", ids)
		}
	})
	t.Run("redisstore", func(t *testing.T) {
		rs, rdb := edgetest.Redis(t, redis.Options{MaxRetries: -1})
		st, err := redisstore.Open(rdb, redisstore.Options{SpoolDir: filepath.Join(t.TempDir(), "spool")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		e, recs := dashEdge(t, st, true)
		if r := e.Do(t, "POST", "/v1/admin/feedback/"+recs[0].ID+"/review", nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 200 {
			t.Fatalf("review: %d %s", r.StatusCode(), r.Body())
		}
		if r := e.Do(t, "POST", "/v1/admin/feedback/01M80CND6AQ3H4YJXDW7BZ6AHT/review", nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 404 {
			t.Errorf("unknown id on Redis: %d", r.StatusCode())
		}
		// Another edge on the same Redis sees the review.
		e2 := edgetest.Start(t, edgetest.Options{Config: server.Config{Feedback: redisstore.OpenReader(rdb, ""), Operators: []auth.Operator{{Name: "rita", Token: dashReader, Scopes: []string{auth.ScopeFeedbackRead}}}}})
		if _, cs := dashCommentsOf(t, e2, "reviewed=yes"); len(cs) != 1 || cs[0].ID != recs[0].ID || cs[0].ReviewedBy == nil || *cs[0].ReviewedBy != "rita" {
			t.Errorf("reviewed on another edge: %+v", cs)
		}
		if audit := dashAudit(t, e); len(audit) != 1 || audit[0].Actor != "rita" || audit[0].Target != recs[0].ID {
			t.Errorf("audit %+v", audit)
		}
		// Redis away: the dashboard says the store cannot be read, not 500.
		rs.Stop()
		for _, uri := range []string{"/v1/admin/feedback/comments", "/v1/admin/feedback/rates", "/v1/admin/feedback/report", "/v1/admin/feedback/stats"} {
			r := e.Do(t, "GET", uri, nil, edgetest.Bearer(dashReader)...)
			if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 503 || code != "store_unavailable" {
				t.Errorf("%s with Redis down: %d %s", uri, r.StatusCode(), code)
			}
		}
		r := e.Do(t, "POST", "/v1/admin/feedback/"+recs[1].ID+"/review", nil, edgetest.Bearer(dashReader)...)
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 503 || code != "store_unavailable" {
			t.Errorf("review with Redis down: %d %s", r.StatusCode(), code)
		}
	})
}

// TestDashboardUsage: the report's usage tables hold what beacons counted, summed per line.
func TestDashboardUsage(t *testing.T) {
	e, _ := dashEdge(t, nil, false)
	for _, b := range []struct {
		body  string
		times int
	}{
		{`{"partner":"demo","region":"CA","event":"shown"}`, 3},
		{`{"partner":"demo","region":"CA-QC","event":"shown"}`, 1},
		{`{"partner":"demo","region":"CA","event":"tel","line":"ca-988"}`, 2},
		{`{"partner":"demo","region":"CA","event":"sms","line":"ca-kids-help-phone"}`, 1},
		{`{"partner":"demo","region":"CA","event":"chat","line":"ca-hope-for-wellness"}`, 1},
		{`{"partner":"demo","region":"CA-QC","event":"chat","line":"qc-appelle"}`, 1},
		{`{"partner":"mhcc","region":"CA","event":"shown"}`, 2},
		{`{"partner":"mhcc","region":"CA","event":"tel","line":"ca-988"}`, 1},
	} {
		for range b.times {
			if r := e.Do(t, "POST", "/v1/beacon", []byte(b.body), "Content-Type", "text/plain"); r.StatusCode() != 204 {
				t.Fatalf("beacon %s: %d %s", b.body, r.StatusCode(), r.Body())
			}
		}
	}
	type counts struct{ shown, tel, sms, chat string }
	want := map[string]counts{
		"demo|*":                    {"4", "2", "1", "2"},
		"demo|ca-988":               {"4", "2", "0", "0"},
		"demo|ca-kids-help-phone":   {"4", "0", "1", "0"},
		"demo|ca-hope-for-wellness": {"4", "0", "0", "1"},
		"demo|qc-appelle":           {"1", "0", "0", "1"},
		"mhcc|*":                    {"2", "1", "0", "0"},
		"mhcc|ca-988":               {"2", "1", "0", "0"},
		"mhcc|ca-kids-help-phone":   {"2", "0", "0", "0"},
		"mhcc|ca-hope-for-wellness": {"2", "0", "0", "0"},
	}
	check := func(query string, keep func(string) bool) {
		t.Helper()
		body := dashGet(t, e, "/v1/admin/feedback/report"+query).Body()
		got := reportTables(t, body, "usage")
		n := 0
		for k, w := range want {
			if !keep(k) {
				continue
			}
			n++
			c := got[k]
			if g := (counts{c["shown"], c["tel"], c["sms"], c["chat"]}); g != w {
				t.Errorf("%s usage %s: %+v, want %+v", query, k, g, w)
			}
		}
		if len(got) != n {
			t.Errorf("%s: usage rows %v, want %d", query, got, n)
		}
	}
	all := func(string) bool { return true }
	check("", all)
	check("?from=2026-12-07&to=2026-12-07", all)
	check("?partner=demo", func(k string) bool { return strings.HasPrefix(k, "demo|") })
	check("?from=2026-12-08", func(string) bool { return false })
	check("?to=2026-12-06", func(string) bool { return false })
	body := string(dashGet(t, e, "/v1/admin/feedback/report?partner=mhcc").Body())
	for _, s := range []string{"988 Suicide Crisis Helpline", "Crisis banner (all lines)", `data-report="usage"`, "sp-report-usage-mhcc-title"} {
		if !strings.Contains(body, s) {
			t.Errorf("usage block lacks %q", s)
		}
	}
	if fr := string(dashGet(t, e, "/v1/admin/feedback/report?partner=demo&lang=fr").Body()); !strings.Contains(fr, "988 Ligne d&#39;aide en cas de crise de suicide") {
		t.Errorf("French line names missing")
	}
	if empty := string(dashGet(t, e, "/v1/admin/feedback/report?from=2026-12-08").Body()); !strings.Contains(empty, "No banner views or line taps") {
		t.Errorf("no usage: not said")
	}
}

// TestDashboardReportEscapes: visitor text (a page path) and operator text (a partner name) are
// text in the report, never markup.
func TestDashboardReportEscapes(t *testing.T) {
	st, err := logstore.Open(t.TempDir(), logstore.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	yes := true
	ids := feedback.NewIDs()
	hostile := `/x"><script>alert(1)</script><svg onload=alert(2)>`
	for i := range 12 {
		r := &feedback.Record{ID: ids.New(edgetest.Now), ReceivedAt: edgetest.Now, Partner: "demo", Page: hostile, Found: &yes, IPHash: strconv.Itoa(i)}
		if _, _, err := st.Add(context.Background(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
	content := edgetest.Shipped(t)
	content.Partners["demo"].Name = `Demo <img src=x onerror=alert(3)> & "co"`
	e := edgetest.Start(t, edgetest.Options{Content: content, Config: server.Config{Feedback: st, Operators: []auth.Operator{{Name: "rita", Token: dashReader, Scopes: []string{auth.ScopeFeedbackRead}}}}})
	body := string(dashGet(t, e, "/v1/admin/feedback/report").Body())
	for _, bad := range []string{"<script", "<img", "<svg onload", "style="} {
		if strings.Contains(body, bad) {
			t.Errorf("report holds %q:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, "Demo &lt;img src=x onerror=alert(3)&gt; &amp; &#34;co&#34;") || !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("hostile text not escaped as text:\n%s", body)
	}
	cells := reportTables(t, []byte(body), "rates")
	if c := cells["demo|"+hostile+"|2026-12-07"]; c["found_rate"] != "100.0" || c["n"] != "12" {
		t.Errorf("row keyed by the hostile page: %v", c)
	}
}

// dashStoreEdge is an edge whose feedback store (a log store) holds recs, with rita's token.
func dashStoreEdge(t *testing.T, recs []*feedback.Record) *edgetest.Edge {
	t.Helper()
	st, err := logstore.Open(t.TempDir(), logstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func() time.Time { return edgetest.Now })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for _, r := range recs {
		if _, dup, err := st.Add(context.Background(), r, nil); err != nil || dup {
			t.Fatalf("add: %v %v", dup, err)
		}
	}
	return edgetest.Start(t, edgetest.Options{Config: server.Config{Feedback: st, Operators: []auth.Operator{{Name: "rita", Token: dashReader, Scopes: []string{auth.ScopeFeedbackRead}}}}})
}

// dashSpam makes n records for each of pages of partner on day, found yes on the first.
func dashSpam(ids *feedback.IDs, partner string, pages []string, day time.Time, n int) []*feedback.Record {
	yes, no := true, false
	var out []*feedback.Record
	for p, page := range pages {
		for i := range n {
			at := day.Add(time.Duration(p*n+i) * time.Second)
			found := &no
			if i == 0 {
				found = &yes
			}
			out = append(out, &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: partner, Page: page, Locale: "en", Found: found,
				IPHash: fmt.Sprintf("%s-%d-%d-%d", partner, p, i, day.Unix())})
		}
	}
	return out
}

func dashPages(prefix string, n int) []string {
	var out []string
	for i := range n {
		out = append(out, fmt.Sprintf("%s%03d", prefix, i))
	}
	return out
}

// TestDashboardRatesFoldPages: a partner's 100 distinct pages (what spam sends) give at most 22
// series: all pages, the 20 busiest, and "other pages" holding exactly the other 80; the report
// names that series in words, in either language.
func TestDashboardRatesFoldPages(t *testing.T) {
	ids := feedback.NewIDs()
	pages := dashPages("/spam/", 100)
	recs := dashSpam(ids, "demo", pages, dashD1, 1)
	recs = append(recs, dashSpam(ids, "demo", pages[60:80], dashD2, 2)...) // the busiest 20: 3 records each
	e := dashStoreEdge(t, recs)

	rates := dashRates(t, e, "")
	var got []string
	bySeries := map[string]feedback.Series{}
	for _, s := range rates.Series {
		got = append(got, s.Page)
		bySeries[s.Page] = s
	}
	want := append(append([]string{feedback.AllPages}, pages[60:80]...), feedback.OtherPages)
	if !slices.Equal(got, want) {
		t.Fatalf("series %v, want %v", got, want)
	}
	other, all := bySeries[feedback.OtherPages], bySeries[feedback.AllPages]
	if other.N != 80 || other.Pages != 80 || all.N != 140 || bySeries[pages[60]].N != 3 {
		t.Errorf("other pages %d records of %d pages, all pages %d: want 80 of 80, 140", other.N, other.Pages, all.N)
	}
	// Day 1: every page's one record (found yes); day 2 (the 15th): only the kept pages.
	if r := other.Rows[0]; r.N != 80 || r.Found.Yes != 80 || r.Found.N != 80 || other.Rows[2].N != 0 {
		t.Errorf("other pages by day: %+v", other.Rows)
	}

	body := dashGet(t, e, "/v1/admin/feedback/report").Body()
	cells := reportTables(t, body, "rates")
	if len(cells) != 22*3 {
		t.Errorf("%d report rows, want 66 (22 series of 3 days)", len(cells))
	}
	if c := cells["demo|~other|2026-11-13"]; c["n"] != "80" || c["found_rate"] != "100.0" {
		t.Errorf("other pages' row: %v", c)
	}
	for _, s := range []string{"<h4>80 other pages</h4>", "Signpost demo, other pages: yes rates per day"} {
		if !strings.Contains(string(body), s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if fr := string(dashGet(t, e, "/v1/admin/feedback/report?lang=fr").Body()); !strings.Contains(fr, "<h4>80 autres pages</h4>") {
		t.Errorf("French report lacks the other pages' heading")
	}
	// The worst the bound allows: one partner over two years of days, 22 series of 731 rows.
	start := time.Now()
	big := dashGet(t, e, "/v1/admin/feedback/report?from=2024-11-15&to=2026-11-15").Body()
	took := time.Since(start)
	if n := strings.Count(string(big), "<tr data-partner="); n != 22*731 {
		t.Errorf("two years: %d rows, want %d", n, 22*731)
	}
	t.Logf("report of 100 pages: %d bytes over 3 days, %d bytes over 731 days (%v)", len(body), len(big), took)
}

// TestDashboardRatesCellBudget: an answer of more than feedback.MaxCells rows is a 400 naming
// bucket (by day: week is 7 times smaller) or partner (by week), on both routes; what fits is
// served.
func TestDashboardRatesCellBudget(t *testing.T) {
	ids := feedback.NewIDs()
	var recs []*feedback.Record
	// Eight partners of 21 pages: 22 series each (all, 20 pages, other), 176 in all: 128,656
	// rows over two years of days, 18,480 by its 105 weeks, 128,656 again over 14 years of weeks.
	for p := range 8 {
		recs = append(recs, dashSpam(ids, fmt.Sprintf("p%d", p), dashPages("/", 21), dashD1, 1)...)
	}
	e := dashStoreEdge(t, recs)
	twoYears := "from=2024-11-15&to=2026-11-15" // 731 days
	for _, tc := range []struct {
		query, field, says string
	}{
		{twoYears, "bucket", "bucket=week"},
		{twoYears + "&bucket=day", "bucket", "bucket=week"},
		{"from=2012-11-20&to=2026-11-15&bucket=week", "partner", "pick one partner"},
	} {
		for _, route := range []string{"/v1/admin/feedback/rates", "/v1/admin/feedback/report"} {
			r := e.Do(t, "GET", route+"?"+tc.query, nil, edgetest.Bearer(dashReader)...)
			if r.StatusCode() != 400 {
				t.Errorf("%s?%s: %d, want 400", route, tc.query, r.StatusCode())
				continue
			}
			if code, field := edgetest.JSONError(t, r); code != "invalid_parameter" || field != tc.field || !strings.Contains(string(r.Body()), tc.says) {
				t.Errorf("%s?%s: %s", route, tc.query, r.Body())
			}
		}
	}
	if rates := dashRates(t, e, "?"+twoYears+"&bucket=week"); len(rates.Series) != 8*22 || len(rates.Series[0].Rows) != 105 {
		t.Errorf("by week: %d series of %d weeks", len(rates.Series), len(rates.Series[0].Rows))
	}
	if rates := dashRates(t, e, "?"+twoYears+"&partner=p3"); len(rates.Series) != 22 || len(rates.Series[0].Rows) != 731 {
		t.Errorf("one partner by day: %d series", len(rates.Series))
	}
}

// TestDashboardRatesClipped: with over two years of feedback and no start asked for, the rates
// and the report show the latest 731 days (and say so) rather than refuse; a start asked for
// that is too early is refused naming the parameter given.
func TestDashboardRatesClipped(t *testing.T) {
	ids := feedback.NewIDs()
	recs := dashSpam(ids, "demo", []string{"/a"}, dashD1.AddDate(-3, 0, 0), 4)
	recs = append(recs, dashSpam(ids, "demo", []string{"/a"}, dashD1, 2)...)
	e := dashStoreEdge(t, recs)
	for _, q := range []string{"", "?to=2026-11-13", "?partner=demo&page=/a"} {
		rates := dashRates(t, e, q)
		if !rates.Clipped || rates.From != "2024-11-13" || rates.To != "2026-11-13" || len(rates.Series) != 2 || rates.Series[0].N != 2 ||
			len(rates.Series[0].Rows) != 731 {
			t.Errorf("%q: clipped %v, %s to %s, %d series", q, rates.Clipped, rates.From, rates.To, len(rates.Series))
		}
	}
	body := string(dashGet(t, e, "/v1/admin/feedback/report").Body())
	for _, s := range []string{"Older responses are left out: with no start date the report covers the latest 731 days, from 2024-11-13 to 2026-11-13.",
		"2 responses from 2024-11-13 to 2026-11-13."} {
		if !strings.Contains(body, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	if fr := string(dashGet(t, e, "/v1/admin/feedback/report?lang=fr").Body()); !strings.Contains(fr, "le rapport couvre 731 jours, du 2024-11-13 au 2026-11-13") {
		t.Errorf("French report lacks the clipped note")
	}
	// By week the whole span fits: nothing is left out.
	if rates := dashRates(t, e, "?bucket=week"); rates.Clipped || rates.Series[0].N != 6 {
		t.Errorf("by week: clipped %v, %d records", rates.Clipped, rates.Series[0].N)
	}
	if body := string(dashGet(t, e, "/v1/admin/feedback/report?from=2026-01-01").Body()); strings.Contains(body, "Older responses are left out") {
		t.Errorf("a start given: the report says records are left out")
	}
	for _, tc := range []struct{ query, field string }{
		{"from=2023-11-13", "from"},
		{"since=2023-11-13T00:00:00Z", "since"},
		{"since=2023-11-13T00:00:00Z&from=2023-11-14", "from"},
	} {
		r := e.Do(t, "GET", "/v1/admin/feedback/rates?"+tc.query, nil, edgetest.Bearer(dashReader)...)
		if code, field := edgetest.JSONError(t, r); r.StatusCode() != 400 || code != "invalid_parameter" || field != tc.field {
			t.Errorf("%s: %d %s naming %q, want %q", tc.query, r.StatusCode(), code, field, tc.field)
		}
	}
}

// TestDashboardCommentsLimit: the queue picked with a bounded heap is, for every limit, the first
// limit of the whole queue in the same order, and total counts them all.
func TestDashboardCommentsLimit(t *testing.T) {
	ids := feedback.NewIDs()
	var recs []*feedback.Record
	for i := range 40 {
		// Every fourth pair shares a millisecond, so that ids settle some ties.
		at := dashD1.Add(time.Duration(i/2) * time.Minute)
		r := &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: "demo", Page: "/a", Locale: "en", IPHash: strconv.Itoa(i),
			Comment: fmt.Sprintf("comment %d", i), Crisis: i%5 == 0}
		if i%7 == 3 {
			r.Comment = "" // no comment: not in the queue
		}
		recs = append(recs, r)
	}
	e := dashStoreEdge(t, recs)
	for _, i := range []int{0, 1, 2, 10, 11, 30} {
		if r := e.Do(t, "POST", "/v1/admin/feedback/"+recs[i].ID+"/review", nil, edgetest.Bearer(dashReader)...); r.StatusCode() != 200 {
			t.Fatalf("review: %d %s", r.StatusCode(), r.Body())
		}
	}
	reviewed := map[string]bool{recs[0].ID: true, recs[1].ID: true, recs[2].ID: true, recs[10].ID: true, recs[11].ID: true, recs[30].ID: true}
	withComment := 0
	for _, r := range recs {
		if r.Comment != "" {
			withComment++
		}
	}
	total, full := dashCommentsOf(t, e, "limit=1000")
	if total != withComment || len(full) != withComment || withComment != 34 {
		t.Fatalf("total %d, %d listed, want %d", total, len(full), withComment)
	}
	// The queue's order, checked pair by pair: crisis, then unreviewed, then newest, then id.
	rank := func(c dashComment) int {
		n := 0
		if !c.Crisis {
			n += 2
		}
		if reviewed[c.ID] {
			n++
		}
		return n
	}
	for i := 1; i < len(full); i++ {
		a, b := full[i-1], full[i]
		ok := rank(a) < rank(b) || rank(a) == rank(b) && (a.ReceivedAt.After(b.ReceivedAt) || a.ReceivedAt.Equal(b.ReceivedAt) && a.ID > b.ID)
		if !ok {
			t.Errorf("queue out of order at %d: %s (rank %d, %v) before %s (rank %d, %v)", i, a.ID, rank(a), a.ReceivedAt, b.ID, rank(b), b.ReceivedAt)
		}
	}
	if !full[0].Crisis || full[0].ReviewedBy != nil || full[len(full)-1].Crisis || full[len(full)-1].ReviewedBy == nil {
		t.Errorf("queue ends: %+v ... %+v", full[0], full[len(full)-1])
	}
	idsOf := func(cs []dashComment) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	for _, limit := range []int{1, 2, 3, 7, 8, 20, 33, 34, 35} {
		total, cs := dashCommentsOf(t, e, "limit="+strconv.Itoa(limit))
		if want := idsOf(full[:min(limit, len(full))]); total != 34 || !slices.Equal(idsOf(cs), want) {
			t.Errorf("limit=%d: total %d, %v, want %v", limit, total, idsOf(cs), want)
		}
	}
	// With a filter, total counts the filtered comments only.
	if total, cs := dashCommentsOf(t, e, "crisis=yes&limit=3"); total != 7 || len(cs) != 3 || !cs[2].Crisis {
		t.Errorf("crisis=yes&limit=3: total %d, %d listed", total, len(cs))
	}
}

// TestDashboardLegacyPages: records whose page is not a path ("", "x", and the reserved "*"),
// written straight into the store as older data could be, are reported under their partner.
func TestDashboardLegacyPages(t *testing.T) {
	ids := feedback.NewIDs()
	recs := dashSpam(ids, "demo", []string{"", "x", "*", "/a"}, dashD1, 1)
	recs = append(recs, dashSpam(ids, "mhcc", []string{""}, dashD1, 1)...)
	e := dashStoreEdge(t, recs)
	var got []string
	for _, s := range dashRates(t, e, "").Series {
		got = append(got, fmt.Sprintf("%s %q %d", s.Partner, s.Page, s.N))
	}
	if want := []string{`demo "*" 4`, `demo "" 1`, `demo "/a" 1`, `demo "x" 1`, `demo "~other" 1`, `mhcc "*" 1`, `mhcc "" 1`}; !slices.Equal(got, want) {
		t.Errorf("series %v, want %v", got, want)
	}
	body := dashGet(t, e, "/v1/admin/feedback/report").Body()
	cells := reportTables(t, body, "rates")
	for _, k := range []string{"demo||2026-11-13", "demo|x|2026-11-13", "demo|*|2026-11-13", "mhcc||2026-11-13", "demo|~other|2026-11-13"} {
		if cells[k]["n"] == "" {
			t.Errorf("report lacks row %s", k)
		}
	}
	if n := strings.Count(string(body), `<section class="sp-report-partner"`); n != 2 {
		t.Errorf("%d partner sections, want 2", n)
	}
}
