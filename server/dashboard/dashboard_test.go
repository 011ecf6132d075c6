package dashboard_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/tdewolff/parse/v2"
	tdhtml "github.com/tdewolff/parse/v2/html"
	"github.com/valyala/fasthttp"
)

// The dashboard API against a known set of feedback: 40 records over two partners, two pages and
// three days (Friday 13, Sunday 15 and Monday 16 November 2026: the last starts an ISO week).
// Every expected number below was worked out by hand from dashGroups (the Wilson bounds with
// the formula in feedback.Wilson, rounded to one decimal).

const (
	dashReader = "reader-token-0123456789ab" // feedback:read only, named rita
	dashWriter = "content-token-0123456789ab"
)

// dashGroup is a run of records of one partner, page and day: found and helpful answers are
// handed out yes first, then no, then (the rest) unanswered.
type dashGroup struct {
	partner, page string
	at            time.Time
	total         int
	foundYes      int
	foundNo       int
	helpfulYes    int
	helpfulNo     int
}

var (
	dashD1 = time.Date(2026, 11, 13, 9, 0, 0, 0, time.UTC) // a Friday, ISO week 46
	dashD2 = time.Date(2026, 11, 15, 9, 0, 0, 0, time.UTC) // the Sunday that ends it
	dashD3 = time.Date(2026, 11, 16, 9, 0, 0, 0, time.UTC) // Monday, week 47
)

var dashGroups = []dashGroup{
	{"demo", "/a", dashD1, 10, 8, 2, 6, 3}, // found 8/10 is shown; helpful 6/9 is not
	{"demo", "/b", dashD1.Add(time.Hour), 3, 2, 1, 3, 0},
	{"mhcc", "/a", dashD1.Add(2 * time.Hour), 12, 1, 11, 7, 4},
	{"demo", "/a", dashD2, 5, 5, 0, 2, 2},
	{"demo", "/b", dashD3, 6, 3, 3, 0, 0},
	{"mhcc", "/a", dashD3.Add(time.Hour), 4, 2, 1, 1, 1},
}

// The comments among them (by group and index): two crisis-flagged, the rest not.
var dashComments = map[[2]int]struct {
	text   string
	crisis bool
}{
	{0, 0}: {"I don't want to be here anymore", true},
	{0, 4}: {"Could not find the PDF", false},
	{2, 3}: {"Je veux mourir", true},
	{3, 1}: {"Thanks, <b>useful</b> & clear", false},
	{4, 2}: {"Page is slow", false},
}

func dashSeed(t *testing.T, st feedback.Store) []*feedback.Record {
	t.Helper()
	ids := feedback.NewIDs()
	yes, no := true, false
	var recs []*feedback.Record
	for g, gr := range dashGroups {
		for i := range gr.total {
			at := gr.at.Add(time.Duration(i) * time.Minute)
			r := &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: gr.partner, Page: gr.page, Locale: "en",
				IPHash: fmt.Sprintf("ip-%d-%d", g, i)}
			switch {
			case i < gr.foundYes:
				r.Found = &yes
			case i < gr.foundYes+gr.foundNo:
				r.Found = &no
			}
			switch {
			case i < gr.helpfulYes:
				r.Helpful = &yes
			case i < gr.helpfulYes+gr.helpfulNo:
				r.Helpful = &no
			}
			if c, ok := dashComments[[2]int{g, i}]; ok {
				r.Comment, r.Crisis = c.text, c.crisis
			}
			if g == 2 {
				r.Locale = "fr"
			}
			if _, dup, err := st.Add(context.Background(), r, nil); err != nil || dup {
				t.Fatalf("seed: %v %v", dup, err)
			}
			recs = append(recs, r)
		}
	}
	if len(recs) != 40 {
		t.Fatalf("%d records, want 40", len(recs))
	}
	return recs
}

// dashEdge is an edge with the known feedback in st (a logstore when nil) and, withAudit, a
// file content store whose audit log records reviews.
func dashEdge(t *testing.T, st feedback.Store, withAudit bool) (*edgetest.Edge, []*feedback.Record) {
	t.Helper()
	now := func() time.Time { return edgetest.Now }
	if st == nil {
		ls, err := logstore.Open(t.TempDir(), logstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ls.Close() })
		st = ls
	}
	recs := dashSeed(t, st)
	cfg := server.Config{Feedback: st, Operators: []auth.Operator{
		{Name: "alice", Token: edgetest.AliceToken},
		{Name: "rita", Token: dashReader, Scopes: []string{auth.ScopeFeedbackRead}},
		{Name: "carla", Token: dashWriter, Scopes: []string{auth.ScopeContent}},
	}}
	if withAudit {
		cfg.AuditLog = edgetest.AuditLog(t, t.TempDir())
	}
	e := edgetest.Start(t, edgetest.Options{Config: cfg})
	if withAudit {
		if err := e.Server.ApplyCurrent(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	return e, recs
}

func dashGet(t *testing.T, e *edgetest.Edge, uri string) *fasthttp.Response {
	t.Helper()
	r := e.Do(t, "GET", uri, nil, edgetest.Bearer(dashReader)...)
	if r.StatusCode() != 200 {
		t.Fatalf("GET %s: %d %s", uri, r.StatusCode(), r.Body())
	}
	return r
}

func dashRates(t *testing.T, e *edgetest.Edge, query string) feedback.Rates {
	t.Helper()
	var out feedback.Rates
	if err := json.Unmarshal(dashGet(t, e, "/v1/admin/feedback/rates"+query).Body(), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// dashRow is what one rates row shows, as the report prints it ("" for a hidden rate).
type dashRow struct {
	n, foundYes, foundN               int
	foundRate, foundLo, foundHi       string
	helpfulYes, helpfulN              int
	helpfulRate, helpfulLo, helpfulHi string
}

const hidden = ""

// pct prints a JSON rate the way the report does, "" for null.
func pct(v *float64) string {
	if v == nil {
		return hidden
	}
	return strconv.FormatFloat(*v*100, 'f', 1, 64)
}

// reportTables reads the tables marked data-report=kind from a report: for each data row,
// keyed "partner|page|bucket" (rates) or "partner|line" (usage), its data-col cells' text.
func reportTables(t *testing.T, body []byte, kind string) map[string]map[string]string {
	t.Helper()
	out := map[string]map[string]string{}
	l := tdhtml.NewLexer(parse.NewInputBytes(body))
	var tag string
	attrs := map[string]string{}
	inTable, row, col := false, "", ""
	var text strings.Builder
	for {
		tt, data := l.Next()
		switch tt {
		case tdhtml.ErrorToken:
			if l.Err() != io.EOF {
				t.Fatalf("report is not HTML: %v", l.Err())
			}
			return out
		case tdhtml.StartTagToken:
			tag, attrs = string(l.Text()), map[string]string{}
		case tdhtml.AttributeToken:
			v := string(l.AttrVal())
			if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
				v = v[1 : len(v)-1]
			}
			attrs[string(l.AttrKey())] = html.UnescapeString(v)
		case tdhtml.StartTagCloseToken, tdhtml.StartTagVoidToken:
			switch {
			case tag == "table":
				inTable = attrs["data-report"] == kind
			case tag == "tr" && inTable:
				row = ""
				if _, ok := attrs["data-partner"]; ok {
					if kind == "usage" {
						row = attrs["data-partner"] + "|" + attrs["data-line"]
					} else {
						row = attrs["data-partner"] + "|" + attrs["data-page"] + "|" + attrs["data-bucket"]
					}
					if out[row] != nil {
						t.Fatalf("row %s twice", row)
					}
					out[row] = map[string]string{}
				}
			case tag == "td" && row != "":
				col = attrs["data-col"]
				text.Reset()
			}
		case tdhtml.TextToken:
			if col != "" {
				text.Write(data)
			}
		case tdhtml.EndTagToken:
			switch string(l.Text()) {
			case "td":
				if col != "" {
					out[row][col] = html.UnescapeString(text.String())
				}
				col = ""
			case "tr":
				row = ""
			case "table":
				inTable = false
			}
		}
	}
}

// checkRates compares a rates series row (JSON) and the report's cells (HTML) with want.
func checkRates(t *testing.T, label string, rates feedback.Rates, cells map[string]map[string]string, key [3]string, want dashRow) {
	t.Helper()
	var got *feedback.RatesRow
	for _, s := range rates.Series {
		if s.Partner == key[0] && s.Page == key[1] {
			for i := range s.Rows {
				if s.Rows[i].Bucket == key[2] {
					got = &s.Rows[i]
				}
			}
		}
	}
	if got == nil {
		t.Errorf("%s %v: no such row in the JSON", label, key)
		return
	}
	js := dashRow{got.N, got.Found.Yes, got.Found.N, pct(got.Found.Rate), pct(got.Found.Lo), pct(got.Found.Hi),
		got.Helpful.Yes, got.Helpful.N, pct(got.Helpful.Rate), pct(got.Helpful.Lo), pct(got.Helpful.Hi)}
	if js != want {
		t.Errorf("%s %v JSON:\n got %+v\nwant %+v", label, key, js, want)
	}
	for _, q := range []struct {
		r    feedback.Rate
		name string
	}{{got.Found, "found"}, {got.Helpful, "helpful"}} {
		if q.r.Suppressed != (q.r.N < 10) || (q.r.Rate == nil) != q.r.Suppressed || (q.r.Lo == nil) != q.r.Suppressed {
			t.Errorf("%s %v %s: suppressed %v with %d answers", label, key, q.name, q.r.Suppressed, q.r.N)
		}
	}
	c := cells[strings.Join(key[:], "|")]
	if c == nil {
		t.Errorf("%s %v: no such row in the report", label, key)
		return
	}
	show := func(s string) string {
		if s == hidden {
			return "fewer than 10 answers"
		}
		return s
	}
	dash := func(s string) string {
		if s == hidden {
			return "—"
		}
		return s
	}
	wantCells := map[string]string{
		"n": strconv.Itoa(want.n), "found_yes": strconv.Itoa(want.foundYes), "found_n": strconv.Itoa(want.foundN),
		"found_rate": show(want.foundRate), "found_lo": dash(want.foundLo), "found_hi": dash(want.foundHi),
		"helpful_yes": strconv.Itoa(want.helpfulYes), "helpful_n": strconv.Itoa(want.helpfulN),
		"helpful_rate": show(want.helpfulRate), "helpful_lo": dash(want.helpfulLo), "helpful_hi": dash(want.helpfulHi),
	}
	for col, w := range wantCells {
		if c[col] != w {
			t.Errorf("%s %v report cell %s = %q, want %q", label, key, col, c[col], w)
		}
	}
	if len(c) != len(wantCells) {
		t.Errorf("%s %v: report cells %v", label, key, c)
	}
}
