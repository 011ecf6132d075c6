package nojs_test

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// Issue 22, point 3: the no-JavaScript form is taken only from the frame page itself (the
// edge's own origin in Origin), and each form it renders once (its token is spent).

// postForm posts v as the frame's form from ip with origin in Origin ("" sends no Origin). It
// may run on any goroutine.
func postForm(e *edgetest.Edge, ip string, v url.Values, origin string) (int, string, error) {
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod("POST")
	req.SetRequestURI("http://edge.test/v1/feedback/form")
	req.Header.SetContentType("application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	req.SetBodyString(v.Encode())
	resp := &fasthttp.Response{}
	if err := e.Client(ip).DoTimeout(req, resp, edgetest.RequestTimeout); err != nil {
		return 0, "", err
	}
	return resp.StatusCode(), string(resp.Body()), nil
}

// TestFeedbackFormOrigin: a form whose Origin is not the edge's own is refused with a page in the
// visitor's language that says the feedback was not sent and still shows the region's crisis
// lines: "null" (a sandboxed frame, a no-referrer page), none (a script), another site's.
func TestFeedbackFormOrigin(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	const (
		hidden   = "Your feedback was not sent: the page holding this form hides where it comes from"
		foreign  = "Your feedback was not sent: this form can only be sent from its own page."
		hiddenFR = "Vos commentaires n&#39;ont pas été envoyés\u00a0: la page qui contient ce formulaire cache sa provenance"
	)
	for _, c := range []struct {
		name, origin, query string
		status              int
		want                []string
	}{
		{"null", "null", "region=CA", 403, []string{hidden, `href="tel:988"`}},
		{"none", "", "region=CA", 403, []string{hidden, `href="tel:988"`}},
		{"null, in French", "null", "region=CA-QC&locale=fr", 403, []string{hiddenFR, `<html lang="fr">`, `href="tel:&#43;18662773553"`}},
		{"another site", "https://evil.example", "region=CA", 403, []string{foreign, `href="tel:988"`}},
		{"a host ending like the edge's", "https://evil-edge.test", "region=CA", 403, []string{foreign}},
		{"the edge's host on another port", "http://edge.test:8443", "region=CA", 403, []string{foreign}},
		{"not an origin", "edge.test", "region=CA", 403, []string{foreign}},
		{"the frame page's own", "http://edge.test", "region=CA", 200, []string{"Thank you for your feedback."}},
		// The host is the proof; the scheme is whatever a TLS-ending proxy left.
		{"its own, over https", "https://edge.test", "region=CA", 200, []string{"Thank you for your feedback."}},
	} {
		v := form(t, e, c.query, "comment", "from "+c.name)
		if strings.Contains(c.query, "fr") {
			v.Set("locale", "fr")
			v.Set("region", "CA-QC")
		}
		e.Advance(5 * time.Second)
		code, html, err := postForm(e, "192.0.2.40", v, c.origin)
		if err != nil {
			t.Fatal(err)
		}
		if code != c.status {
			t.Errorf("%s: status %d, want %d:\n%s", c.name, code, c.status, html)
		}
		for _, w := range c.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s: the page lacks %q:\n%s", c.name, w, html)
			}
		}
		if c.status == 403 && (!strings.Contains(html, `role="alert"`) || !strings.Contains(html, `class="signpost-banner"`) || strings.Contains(html, "<form")) {
			t.Errorf("%s: want the refusal in an alert, the banner, and no form to send from there again:\n%s", c.name, html)
		}
	}
	rs := e.Records(t)
	if len(rs) != 2 {
		t.Fatalf("%d records, want the 2 sent from the frame page's own origin", len(rs))
	}
	for _, r := range rs {
		if !strings.HasPrefix(r.Comment, "from the frame page's own") && !strings.HasPrefix(r.Comment, "from its own") {
			t.Errorf("stored: %q", r.Comment)
		}
	}
	m := string(e.DoFrom(t, "192.0.2.41", "GET", "/metrics", nil).Body())
	for _, w := range []string{`signpost_feedback_rejected_total{reason="origin_required"} 3`, `signpost_feedback_rejected_total{reason="origin_not_allowed"} 4`} {
		if !strings.Contains(m, w) {
			t.Errorf("metrics lack %s", w)
		}
	}
}

// TestFramePageReferrerPolicy: the frame page sends no referrer to other origins and its own
// origin with its form (under no-referrer a browser would send "Origin: null" to its own origin).
func TestFramePageReferrerPolicy(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	r := e.DoFrom(t, "192.0.2.42", "GET", "/v1/frame/demo?region=CA", nil)
	html := string(r.Body())
	if rp := edgetest.Header(r, "Referrer-Policy"); rp != "same-origin" {
		t.Errorf("Referrer-Policy %q, want same-origin", rp)
	}
	if !strings.Contains(html, `<meta name="referrer" content="same-origin">`) || strings.Contains(html, "no-referrer") {
		t.Errorf("the page's referrer policy:\n%s", html)
	}
	// The form's answers are the same page, with the same policy.
	v := form(t, e, "region=CA")
	e.Advance(5 * time.Second)
	if r, html := send(t, e, v); edgetest.Header(r, "Referrer-Policy") != "same-origin" || !strings.Contains(html, `content="same-origin"`) {
		t.Errorf("answer: Referrer-Policy %q", edgetest.Header(r, "Referrer-Policy"))
	}
}

// TestFeedbackFormTokenOnce: each form the frame page renders is taken once. Spent when its
// submission is about to be stored; a form refused for a field to correct keeps its token.
func TestFeedbackFormTokenOnce(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	// Two forms rendered in the same millisecond (this clock stands still) hold two tokens.
	a := form(t, e, "region=CA", "comment", "first form")
	b := form(t, e, "region=CA", "comment", "second form")
	if a.Get("t") == b.Get("t") {
		t.Fatalf("two forms, one token %s", a.Get("t"))
	}
	e.Advance(10 * time.Second)
	// Refused for a missing answer, then corrected and sent with the same token: taken.
	c := form(t, e, "region=CA", "found", "", "comment", "corrected")
	e.Advance(10 * time.Second)
	if r, _ := send(t, e, c); r.StatusCode() != 400 {
		t.Fatalf("no answer: %d", r.StatusCode())
	}
	c.Set("found", "no")
	if r, html := send(t, e, c); r.StatusCode() != 200 {
		t.Fatalf("corrected, with the same token: %d, want 200:\n%s", r.StatusCode(), html)
	}
	for _, v := range []url.Values{a, b} {
		if r, html := send(t, e, v); r.StatusCode() != 200 {
			t.Fatalf("%s: %d\n%s", v.Get("comment"), r.StatusCode(), html)
		}
	}
	// The same token again, with other words: refused, not stored; the page keeps them.
	a.Set("comment", "the same form, other words")
	r, html := send(t, e, a)
	if r.StatusCode() != 409 || !strings.Contains(html, "This form was already sent") || !strings.Contains(html, ">the same form, other words</textarea>") ||
		!strings.Contains(html, `class="signpost-banner"`) {
		t.Errorf("replay: %d, want 409 with the comment kept and the banner:\n%s", r.StatusCode(), html)
	}
	// A replayed comment that reads like a crisis still brings the crisis lines first.
	a.Set("comment", "I want to die")
	r, html = send(t, e, a)
	if i, j := strings.Index(html, `class="signpost-crisis"`), strings.Index(html, "This form was already sent"); r.StatusCode() != 409 || i < 0 || j < 0 {
		t.Errorf("crisis replay: %d, crisis box at %d, message at %d:\n%s", r.StatusCode(), i, j, html)
	}
	if n := len(e.Records(t)); n != 3 {
		t.Fatalf("%d records, want 3", n)
	}

	// One token sent eight times at once, each with its own words: taken once.
	d := form(t, e, "region=CA")
	e.Advance(10 * time.Second)
	var wg sync.WaitGroup
	codes := make([]int, 8)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v := url.Values{}
			for k, vs := range d {
				v[k] = vs
			}
			v.Set("comment", "at once "+strconv.Itoa(i))
			code, _, err := postForm(e, "192.0.2."+strconv.Itoa(100+i), v, "http://edge.test")
			if err != nil {
				t.Error(err)
			}
			codes[i] = code
		}()
	}
	wg.Wait()
	taken, refused := 0, 0
	for _, c := range codes {
		switch c {
		case 200:
			taken++
		case 409:
			refused++
		}
	}
	if taken != 1 || refused != 7 {
		t.Errorf("one token sent 8 times at once: %v, want one 200 and seven 409", codes)
	}
	if n := len(e.Records(t)); n != 4 {
		t.Errorf("%d records, want 4", n)
	}
	if m := string(e.DoFrom(t, "192.0.2.41", "GET", "/metrics", nil).Body()); !strings.Contains(m, `signpost_feedback_rejected_total{reason="form_already_sent"} 9`) {
		t.Error("replays not counted by their code")
	}
}

// flakyStore fails the next Add when asked.
type flakyStore struct {
	feedback.Store
	fail atomic.Bool
}

func (s *flakyStore) Add(ctx context.Context, rec *feedback.Record, fu *feedback.Followup) (string, bool, error) {
	if s.fail.Swap(false) {
		return "", false, errors.New("disk on fire")
	}
	return s.Store.Add(ctx, rec, fu)
}

// TestFeedbackFormTokenKeptWhenNotStored: a submission the store could not take leaves its token
// unspent, so sending the same form again works.
func TestFeedbackFormTokenKeptWhenNotStored(t *testing.T) {
	st, err := logstore.Open(t.TempDir(), logstore.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fs := &flakyStore{Store: st}
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Feedback: fs}})
	v := form(t, e, "region=CA", "comment", "sent when the disk failed")
	e.Advance(10 * time.Second)
	fs.fail.Store(true)
	if r, _ := send(t, e, v); r.StatusCode() != 503 {
		t.Fatalf("store failing: %d, want 503", r.StatusCode())
	}
	if r, html := send(t, e, v); r.StatusCode() != 200 {
		t.Fatalf("sent again: %d, want 200 (the token was not spent):\n%s", r.StatusCode(), html)
	}
	if n := len(e.Records(t)); n != 1 {
		t.Errorf("%d records, want 1", n)
	}
}

// TestFeedbackFormLegacyToken: a form rendered by the release before (its token has no nonce)
// and sent after a deploy is taken, once.
func TestFeedbackFormLegacyToken(t *testing.T) {
	h, err := feedback.NewIPHasher([]byte("legacy-token-test-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{IPHasher: h}})
	v := form(t, e, "region=CA", "comment", "open across a deploy")
	ms := strconv.FormatInt(edgetest.Now.UnixMilli(), 36)
	v.Set("t", ms+"."+h.HashText("signpost form\x00demo\x00"+ms))
	e.Advance(time.Minute)
	if r, html := send(t, e, v); r.StatusCode() != 200 || !strings.Contains(html, "Thank you") || len(e.Records(t)) != 1 {
		t.Fatalf("legacy token: %d, %d records\n%s", r.StatusCode(), len(e.Records(t)), html)
	}
	v.Set("comment", "again")
	if r, _ := send(t, e, v); r.StatusCode() != 409 {
		t.Errorf("legacy token again: %d, want 409", r.StatusCode())
	}
}

// TestFeedbackFormTokenOnceRedis: Redis mode, two edges sharing one redis-server: a token taken
// on one is refused on the other. While Redis is away an edge keeps taking forms (once each,
// from its memory), and what it took is spent on every edge once Redis is back.
func TestFeedbackFormTokenOnceRedis(t *testing.T) {
	srv := redistest.Start(t)
	h, err := feedback.NewIPHasher([]byte("shared-ip-hash-key-0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	open := func() *spent.Redis {
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: 1, DialTimeout: 300 * time.Millisecond})
		st := spent.OpenRedis(rdb, "signpost:", spent.Options{Logger: slog.New(slog.DiscardHandler),
			Now: func() time.Time { return edgetest.Now }, Interval: 50 * time.Millisecond})
		t.Cleanup(func() {
			st.Close()
			rdb.Close()
		})
		return st
	}
	ta, tb := open(), open()
	a := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{IPHasher: h, FormTokens: ta}})
	b := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{IPHasher: h, FormTokens: tb}})
	advance := func() {
		a.Advance(10 * time.Second)
		b.Advance(10 * time.Second)
	}
	send := func(e *edgetest.Edge, v url.Values, comment string) int {
		t.Helper()
		v.Set("comment", comment)
		code, _, err := postForm(e, "192.0.2.50", v, "http://edge.test")
		if err != nil {
			t.Fatal(err)
		}
		return code
	}

	f := form(t, a, "region=CA")
	g := form(t, b, "region=CA")
	advance()
	if code := send(a, f, "f on a"); code != 200 {
		t.Fatalf("f on a: %d", code)
	}
	if code := send(b, f, "f again, on b"); code != 409 {
		t.Errorf("f replayed on b: %d, want 409", code)
	}
	if code := send(b, g, "g on b"); code != 200 {
		t.Fatalf("g on b: %d", code)
	}
	if code := send(a, g, "g again, on a"); code != 409 {
		t.Errorf("g replayed on a: %d, want 409", code)
	}

	srv.Stop()
	d := form(t, a, "region=CA")
	advance()
	if code := send(a, d, "d on a, Redis away"); code != 200 {
		t.Fatalf("a form sent while Redis is away: %d, want 200 (the form keeps taking feedback)", code)
	}
	if code := send(a, d, "d again on a, Redis away"); code != 409 {
		t.Errorf("replayed on the same edge while Redis is away: %d, want 409", code)
	}
	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for ta.Pending() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the token spent during the outage never reached Redis")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := send(b, d, "d on b, Redis back"); code != 409 {
		t.Errorf("a token spent on a during the outage, on b after it: %d, want 409", code)
	}
	if na, nb := len(a.Records(t)), len(b.Records(t)); na != 2 || nb != 1 {
		t.Errorf("records: a %d, b %d; want 2 and 1", na, nb)
	}
}
