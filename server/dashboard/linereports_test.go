package dashboard_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
)

type lineReportsBody struct {
	FlagClients int `json:"flag_clients"`
	Lines       []struct {
		Line       string         `json:"line"`
		Name       string         `json:"name"`
		Reasons    map[string]int `json:"reasons"`
		Total      int            `json:"total"`
		Clients24h int            `json:"clients_24h"`
		Flagged    bool           `json:"flagged"`
		Comments   []struct {
			Reason, Comment, Region string
		} `json:"comments"`
	} `json:"lines"`
}

func getLineReports(t *testing.T, e *edgetest.Edge, query string) lineReportsBody {
	t.Helper()
	r := e.Do(t, "GET", "/v1/admin/lines/reports"+query, nil, edgetest.Bearer(dashReader)...)
	if r.StatusCode() != 200 {
		t.Fatalf("lines/reports%s: %d %s", query, r.StatusCode(), r.Body())
	}
	if strings.Contains(string(r.Body()), "ip_hash") {
		t.Error("an address hash in the operators' read")
	}
	var b lineReportsBody
	if err := json.Unmarshal(r.Body(), &b); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLineReports: counts by reason over the window, distinct clients in 24 hours, the flag at
// three of them, the latest comments, and the flagged-line gauge of /metrics.
func TestLineReports(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Operators: []auth.Operator{
		{Name: "rita", Token: dashReader, Scopes: []string{auth.ScopeFeedbackRead}},
		{Name: "carla", Token: dashWriter, Scopes: []string{auth.ScopeContent}},
	}}})
	report := func(ip string, changes ...any) {
		t.Helper()
		edgetest.MustAccept(t, e.PostReport(t, ip, edgetest.Report(changes...)))
	}
	report("192.0.2.1", "line", "qc-appelle", "reason", "other", "comment", "old news")
	e.Advance(48 * time.Hour)
	report("192.0.2.2", "comment", "")
	report("192.0.2.3", "comment", "Nobody answered")
	report("192.0.2.3", "comment", "Nobody answered") // a repeat: stored once
	e.Advance(time.Minute)
	report("192.0.2.4", "reason", "wrong_hours", "comment", "Closed at 9pm", "region", "CA-ON")
	report("192.0.2.2", "line", "qc-appelle", "reason", "not_working", "comment", "")

	b := getLineReports(t, e, "")
	if b.FlagClients != 3 || len(b.Lines) != 2 {
		t.Fatalf("body %+v", b)
	}
	l := b.Lines[0]
	if l.Line != "ca-988" || l.Name == "" || !l.Flagged || l.Clients24h != 3 || l.Total != 3 ||
		l.Reasons["not_working"] != 2 || l.Reasons["wrong_hours"] != 1 || l.Reasons["other"] != 0 {
		t.Errorf("ca-988: %+v", l)
	}
	if len(l.Comments) != 2 || l.Comments[0].Comment != "Closed at 9pm" || l.Comments[0].Region != "CA-ON" || l.Comments[1].Comment != "Nobody answered" {
		t.Errorf("ca-988 comments, newest first: %+v", l.Comments)
	}
	if q := b.Lines[1]; q.Line != "qc-appelle" || q.Flagged || q.Clients24h != 1 || q.Total != 2 || q.Reasons["other"] != 1 || len(q.Comments) != 1 {
		t.Errorf("qc-appelle: %+v", q)
	}
	if q := getLineReports(t, e, "?days=1").Lines[1]; q.Total != 1 || q.Reasons["other"] != 0 {
		t.Errorf("qc-appelle over one day: %+v", q)
	}
	metrics := func() string { return string(e.Do(t, "GET", "/metrics", nil).Body()) }
	m := metrics()
	for _, want := range []string{`signpost_line_flagged{line="ca-988"} 1`, `signpost_line_flagged{line="qc-appelle"} 0`,
		`signpost_line_reports_total{line="ca-988",reason="not_working"} 2`} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	// A day later no line is flagged any more; the week still counts the reports.
	e.Advance(25 * time.Hour)
	if m := metrics(); !strings.Contains(m, `signpost_line_flagged{line="ca-988"} 0`) {
		t.Error("ca-988 still flagged a day later")
	}
	if l := getLineReports(t, e, "").Lines; len(l) != 2 || l[0].Flagged || l[0].Clients24h != 0 || l[0].Total != 3 {
		t.Errorf("a day later: %+v", l)
	}

	for _, tc := range []struct {
		query  string
		token  []string
		status int
	}{
		{"?days=0", edgetest.Bearer(dashReader), 400},
		{"?days=91", edgetest.Bearer(dashReader), 400},
		{"", edgetest.Bearer(dashWriter), 403},
		{"", nil, 401},
	} {
		if r := e.Do(t, "GET", "/v1/admin/lines/reports"+tc.query, nil, tc.token...); r.StatusCode() != tc.status {
			t.Errorf("%s %v: %d, want %d", tc.query, tc.token, r.StatusCode(), tc.status)
		}
	}
}
