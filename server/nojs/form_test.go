package nojs_test

import (
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
)

// The frame's form without script: stored once like the widget's feedback, answered with a page.
func TestFeedbackFormRoundTrip(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	v := form(t, e, "region=CA", "helpful", "no", "comment", "Found the number I needed", "followup", "yes", "email", "a@example.org")
	e.Advance(20 * time.Second)
	r, html := send(t, e, v)
	if r.StatusCode() != 200 || !strings.Contains(html, `<p class="signpost-st" role="status">Thank you for your feedback.</p>`) {
		t.Fatalf("status %d, want the thanks page:\n%s", r.StatusCode(), html)
	}
	if strings.Contains(html, "signpost-crisis") || !strings.Contains(html, `class="signpost-banner"`) {
		t.Errorf("thanks page: want the banner, no crisis box:\n%s", html)
	}
	// A second send of the same form (a second press, the browser's resend of a POST) is not
	// taken again: its token is spent. The page says it was received, keeps what was entered,
	// and holds a new token.
	r, html = send(t, e, v)
	if r.StatusCode() != 409 || !strings.Contains(html, "This form was already sent, and it was received.") ||
		!strings.Contains(html, ">Found the number I needed</textarea>") || reToken.FindStringSubmatch(html)[1] == v.Get("t") {
		t.Errorf("resend: %d, want 409 saying it was received, the comment kept and a new token:\n%s", r.StatusCode(), html)
	}
	rs := e.Records(t)
	if len(rs) != 1 {
		t.Fatalf("%d records, want 1", len(rs))
	}
	rec := rs[0]
	if rec.Partner != "demo" || rec.Page != "/help" || rec.Locale != "en" || rec.Found == nil || !*rec.Found ||
		rec.Helpful == nil || *rec.Helpful || rec.Comment != "Found the number I needed" || !rec.Followup || rec.Crisis {
		t.Errorf("record %+v", rec)
	}
	// In the export operators read, like any other.
	csv := string(e.DoFrom(t, "192.0.2.9", "GET", "/v1/admin/feedback?format=csv", nil, "Authorization", "Bearer "+edgetest.Token).Body())
	if strings.Count(csv, "Found the number I needed") != 1 {
		t.Errorf("export:\n%s", csv)
	}
}

func TestFeedbackFormCrisisAnswer(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	v := form(t, e, "region=CA-QC&locale=fr", "locale", "fr", "region", "CA-QC", "comment", "je veux mourir")
	e.Advance(10 * time.Second)
	r, html := send(t, e, v)
	if r.StatusCode() != 200 {
		t.Fatalf("status %d:\n%s", r.StatusCode(), html)
	}
	crisis, thanks := strings.Index(html, `class="signpost-crisis" role="alert"`), strings.Index(html, "Merci de vos commentaires.")
	if crisis < 0 || thanks < 0 || crisis > thanks {
		t.Fatalf("want the crisis lines first, then thanks, in French:\n%s", html)
	}
	if !strings.Contains(html, `href="tel:&#43;18662773553"`) || !strings.Contains(html, `<html lang="fr">`) {
		t.Errorf("the crisis answer lacks Quebec's line or French:\n%s", html)
	}
	if rs := e.Records(t); len(rs) != 1 || !rs[0].Crisis {
		t.Errorf("records %+v, want one flagged crisis", rs)
	}
}

func TestFeedbackFormProblems(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	cases := []struct {
		name    string
		changes []string
		headers []string
		status  int
		want    []string
	}{
		{"no answer", []string{"found", "", "comment", "kept words"}, nil, 400,
			[]string{"Please answer at least one question.", `href="#signpost-found"`, ">kept words</textarea>", "<title>There is a problem: "}},
		{"email without consent", []string{"email", "a@example.org"}, nil, 400,
			[]string{"Tick the box above to be contacted", `value="a@example.org"`, `aria-invalid="true"`}},
		{"bad email", []string{"followup", "yes", "email", "not-an-address"}, nil, 400,
			[]string{"Enter a valid email address", `name="followup" value="yes" checked`}},
		{"foreign origin", nil, []string{"Origin", "https://evil.example"}, 403, []string{"only be sent from its own page"}},
		{"json", nil, []string{"Content-Type", "application/json"}, 415, []string{"could not be read"}},
		{"unknown partner", []string{"partner", "nobody"}, nil, 404, []string{"not available"}},
		{"twice", []string{}, nil, 400, []string{"could not be read"}},
	}
	for _, c := range cases {
		v := form(t, e, "region=CA", c.changes...)
		if c.name == "twice" {
			v.Add("found", "no")
		}
		e.Advance(5 * time.Second)
		r, html := send(t, e, v, c.headers...)
		if r.StatusCode() != c.status || !strings.HasPrefix(string(r.Header.ContentType()), "text/html") {
			t.Errorf("%s: status %d %s, want %d page", c.name, r.StatusCode(), r.Header.ContentType(), c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s: page lacks %q:\n%s", c.name, w, html)
			}
		}
	}
	if rs := e.Records(t); len(rs) != 0 {
		t.Errorf("%d records stored from refused forms", len(rs))
	}
}

// The bot checks without script: the signed render time gives the time on form.
func TestFeedbackFormBots(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for name, v := range map[string]func() []string{
		"too fast":  func() []string { return nil },
		"no time":   func() []string { return []string{"t", ""} },
		"forged":    func() []string { return []string{"t", "mxacqcap.00"} },
		"honeypot":  func() []string { return []string{"website", "http://spam.example"} },
		"other key": func() []string { return []string{"partner", "demo"} },
	} {
		f := form(t, e, "region=CA", v()...)
		if name == "other key" {
			// A time signed for another partner is not this one's.
			f.Set("t", strings.Replace(f.Get("t"), ".", ".0", 1))
		}
		if name != "too fast" {
			e.Advance(10 * time.Second)
		}
		r, html := send(t, e, f)
		if r.StatusCode() != 200 || !strings.Contains(html, "Thank you") {
			t.Errorf("%s: %d, want a bot answered as accepted", name, r.StatusCode())
		}
	}
	if rs := e.Records(t); len(rs) != 0 {
		t.Errorf("%d bot records stored", len(rs))
	}
	// A form left open past TokenTTL is sent again, with what was entered and a new time.
	f := form(t, e, "region=CA", "comment", "still here")
	e.Advance(25 * time.Hour)
	r, html := send(t, e, f)
	if r.StatusCode() != 400 || !strings.Contains(html, "open for too long") || !strings.Contains(html, ">still here</textarea>") {
		t.Fatalf("expired form: %d\n%s", r.StatusCode(), html)
	}
	f.Set("t", reToken.FindStringSubmatch(html)[1])
	e.Advance(30 * time.Second)
	if r, _ := send(t, e, f); r.StatusCode() != 200 || len(e.Records(t)) != 1 {
		t.Errorf("sent again with the new time: %d, %d records", r.StatusCode(), len(e.Records(t)))
	}
}

func TestFeedbackFormRateLimited(t *testing.T) {
	rl, err := ratelimit.New(ratelimit.Config{IPRate: "2-M", PartnerRate: "1000-M"})
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: rl}})
	var last string
	var status int
	for i := range 3 {
		v := form(t, e, "region=CA", "comment", "try "+strings.Repeat("x", i))
		e.Advance(5 * time.Second)
		r, html := send(t, e, v)
		status, last = r.StatusCode(), html
		if i == 2 && r.Header.Peek("Retry-After") == nil {
			t.Error("429 page without Retry-After")
		}
	}
	if status != 429 || !strings.Contains(last, "try xx</textarea>") {
		t.Errorf("third form: %d, want 429 with the comment kept:\n%s", status, last)
	}
}
