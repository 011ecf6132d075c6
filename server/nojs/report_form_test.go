package nojs_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// reportForm is the frame page's report form of line, as the page wrote it, with changes.
func reportForm(t *testing.T, e *edgetest.Edge, query, line string, changes ...string) url.Values {
	t.Helper()
	v := form(t, e, query)
	r := url.Values{"partner": v["partner"], "page": {"/help"}, "locale": v["locale"], "region": {"CA-QC"}, "t": v["t"],
		"components": v["components"], "line": {line}, "reason": {"not_working"}, "comment": {"Nobody answered"}}
	return change(r, changes)
}

func sendReport(t *testing.T, e *edgetest.Edge, v url.Values, headers ...string) (*fasthttp.Response, string) {
	t.Helper()
	return sendTo(t, e, "/v1/reports/form", v, headers)
}

// TestReportFormInFrame: every line of the frame page has its report form, with the three
// reasons, the sentence that reports are read and not answered, and the emergency number; in
// English and French.
func TestReportFormInFrame(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for _, tc := range []struct{ query, summary, reason, readBy string }{
		{"region=CA-QC", "Report a problem with this line", "The number didn&#39;t work", "Reports are read by the content team, not answered."},
		{"region=CA-QC&locale=fr", "Signaler un problème avec cette ligne", "Le numéro n&#39;a pas fonctionné", "Les signalements sont lus par l&#39;équipe de contenu"},
	} {
		html := string(e.Do(t, "GET", "/v1/frame/demo?"+tc.query, nil).Body())
		if n := strings.Count(html, `action="/v1/reports/form"`); n != 4 {
			t.Errorf("%s: %d report forms, want one for each of CA-QC's 4 lines", tc.query, n)
		}
		for _, want := range []string{tc.summary, tc.reason, tc.readBy, `name="line" value="ca-988"`, `name="line" value="qc-appelle"`,
			`value="wrong_hours"`, `value="other"`, `name="comment" maxlength="500"`, `href="tel:911"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: the frame page lacks %q", tc.query, want)
			}
		}
		if n := strings.Count(html, `name="email"`); n > 1 {
			t.Errorf("%s: a report form asks for an email", tc.query)
		}
		if n := strings.Count(html, `href="tel:911"`); n < 1+4 {
			t.Errorf("%s: the emergency number is beside %d report forms, want 4", tc.query, n-1)
		}
	}
	// The fragment for server-side includes has no form.
	if b := string(e.Do(t, "GET", "/v1/banner/demo.html?region=CA-QC", nil).Body()); strings.Contains(b, "<form") {
		t.Error("the fragment holds a report form")
	}
}

func TestReportFormRoundTrip(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	v := reportForm(t, e, "region=CA-QC", "qc-appelle", "reason", "wrong_hours", "comment", "Closed at 9pm")
	e.Advance(20 * time.Second)
	r, html := sendReport(t, e, v)
	if r.StatusCode() != 200 || !strings.Contains(html, `<p class="signpost-st" role="status">Thank you. Your report was sent`) || !strings.Contains(html, `class="signpost-banner"`) {
		t.Fatalf("status %d, want the thanks page with the banner:\n%s", r.StatusCode(), html)
	}
	// Sent again: received once.
	if r, html := sendReport(t, e, v); r.StatusCode() != 409 || !strings.Contains(html, "This report was already sent, and it was received.") {
		t.Errorf("resend: %d\n%s", r.StatusCode(), html)
	}
	rs := e.Reports(t)
	if len(rs) != 1 || rs[0].Line != "qc-appelle" || rs[0].Reason != "wrong_hours" || rs[0].Comment != "Closed at 9pm" || rs[0].Page != "/help" || rs[0].Region != "CA-QC" {
		t.Fatalf("reports %+v", rs)
	}
	if n := len(e.Records(t)); n != 0 {
		t.Errorf("%d feedback records", n)
	}
}

func TestReportFormRefusals(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for _, tc := range []struct {
		name    string
		changes []string
		headers []string
		status  int
		says    string
	}{
		{"no reason", []string{"reason", ""}, nil, 400, "Choose what went wrong"},
		{"comment too long", []string{"comment", strings.Repeat("a", 501)}, nil, 422, "longer than 500 characters"},
		{"unknown line", []string{"line", "nope"}, nil, 422, "This line is no longer listed"},
		{"another origin", nil, []string{"Origin", "https://evil.example"}, 403, "Your report was not sent"},
		{"too fast", nil, nil, 200, "Thank you. Your report was sent"}, // a bot's answer: stored nowhere
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := reportForm(t, e, "region=CA-QC", "ca-988", tc.changes...)
			if tc.name != "too fast" {
				e.Advance(10 * time.Second)
			}
			r, html := sendReport(t, e, v, tc.headers...)
			if r.StatusCode() != tc.status || !strings.Contains(html, tc.says) || !strings.Contains(html, `class="signpost-banner"`) {
				t.Errorf("status %d, want %d saying %q with the banner:\n%s", r.StatusCode(), tc.status, tc.says, html)
			}
		})
	}
	if n := len(e.Reports(t)); n != 0 {
		t.Errorf("%d reports stored from refused forms", n)
	}
}

// TestReportFormOpened: ?report= names a line (the widget's report link): the page opens the
// banner's disclosure and that line's report form, the line with the id #report, and no other; the
// banner shows even where components leave it out. A line not shown opens nothing.
func TestReportFormOpened(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	html := string(e.Do(t, "GET", "/v1/frame/demo?region=CA-QC&locale=fr&components=feedback&report=qc-appelle", nil).Body())
	if n := strings.Count(html, ` open>`); n != 2 {
		t.Errorf("%d open disclosures, want the banner's and one report form", n)
	}
	at := strings.Index(html, `<li class="signpost-line" id="report">`)
	if at < 0 || strings.Count(html, `id="report"`) != 1 {
		t.Fatalf("no single line marked #report:\n%s", html)
	}
	if line := html[at:]; !strings.Contains(line[:strings.Index(line, "</li>")], `<details class="signpost-rep" open>`) ||
		!strings.Contains(line[:strings.Index(line, "</li>")], `name="line" value="qc-appelle"`) {
		t.Error("the line marked #report is not qc-appelle's with its form open")
	}
	if !strings.Contains(html, `<details open><summary class="signpost-b signpost-more">`) {
		t.Error("the banner's disclosure is not open")
	}
	for _, q := range []string{"region=CA-QC", "region=CA-QC&report=no-such-line", "region=CA&report=qc-appelle"} {
		if b := string(e.Do(t, "GET", "/v1/frame/demo?"+q, nil).Body()); strings.Contains(b, " open>") || strings.Contains(b, `id="report"`) {
			t.Errorf("%s: a disclosure is open", q)
		}
	}
}
