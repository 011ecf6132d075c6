package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/ulule/limiter/v3"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

const (
	testOrigin = "http://localhost:5173" // the demo partner allows http://localhost:*
	testToken  = "operator-token-0123456789"
)

// intakeEdge is a server with a real embedded store on an in-memory listener whose clients can
// choose their address, so rate limits and proxies are tested per client.
type intakeEdge struct {
	srv   *Server
	store *logstore.Store
	ln    *fasthttputil.InmemoryListener
	logs  *syncBuffer

	mu      sync.Mutex
	clients map[string]*fasthttp.Client
}

func startIntake(t testing.TB, cfg Config) *intakeEdge {
	t.Helper()
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	if cfg.Feedback == nil {
		st, err := logstore.Open(t.TempDir(), logstore.Options{Logger: cfg.Logger}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.Feedback = st
	}
	if cfg.RateLimits == nil {
		rl, err := ratelimit.New(ratelimit.Config{IPRate: "1000-M", PartnerRate: "1000-M"})
		if err != nil {
			t.Fatal(err)
		}
		cfg.RateLimits = rl
	}
	switch cfg.AdminToken {
	case "":
		cfg.AdminToken = testToken
	case "-":
		cfg.AdminToken = "" // no operator token configured
	}
	srv, err := New(cfg, shipped(t))
	if err != nil {
		t.Fatal(err)
	}
	ln := fasthttputil.NewInmemoryListener()
	e := &intakeEdge{srv: srv, ln: ln, logs: logs, clients: map[string]*fasthttp.Client{}}
	e.store, _ = cfg.Feedback.(*logstore.Store)
	go srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = ln.Close()
	})
	return e
}

// client returns a client whose connections come from ip.
func (e *intakeEdge) client(ip string) *fasthttp.Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.clients[ip]
	if c == nil {
		addr := &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}
		c = &fasthttp.Client{Dial: func(string) (net.Conn, error) { return e.ln.DialWithLocalAddr(addr) }}
		e.clients[ip] = c
	}
	return c
}

// req sends a request from ip; headers alternate name, value.
func (e *intakeEdge) req(t testing.TB, ip, method, uri string, body []byte, headers ...string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI("http://edge.test" + uri)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if body != nil {
		req.SetBody(body)
	}
	resp := &fasthttp.Response{}
	if err := e.client(ip).DoTimeout(req, resp, testRequestTimeout); err != nil {
		t.Fatalf("%s %s: %v", method, uri, err)
	}
	return resp
}

// post sends feedback the way the widget does: text/plain from a partner page.
func (e *intakeEdge) post(t testing.TB, ip string, body any, headers ...string) *fasthttp.Response {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	h := append([]string{"Content-Type", "text/plain;charset=UTF-8", "Origin", testOrigin}, headers...)
	return e.req(t, ip, "POST", "/v1/feedback", b, h...)
}

// records returns what the store holds.
func (e *intakeEdge) records(t testing.TB) []*feedback.Record {
	t.Helper()
	var rs []*feedback.Record
	if err := e.srv.cfg.Feedback.Records(context.Background(), feedback.Filter{}, func(r *feedback.Record) error {
		rs = append(rs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rs
}

// body is a valid submission as a map, to be changed per case.
func body(changes ...any) map[string]any {
	m := map[string]any{"partner": "demo", "page": "/help", "locale": "en", "found": true, "helpful": false,
		"comment": "Useful page", "followup": false, "email": "", "website": "", "elapsed_ms": 4200}
	for i := 0; i+1 < len(changes); i += 2 {
		k := changes[i].(string)
		if changes[i+1] == nil {
			delete(m, k)
		} else {
			m[k] = changes[i+1]
		}
	}
	return m
}

type accepted struct {
	ID     string `json:"id"`
	Crisis bool   `json:"crisis"`
}

func mustAccept(t testing.TB, r *fasthttp.Response) accepted {
	t.Helper()
	if r.StatusCode() != fasthttp.StatusAccepted {
		t.Fatalf("status %d, want 202: %s", r.StatusCode(), r.Body())
	}
	var a accepted
	if err := json.Unmarshal(r.Body(), &a); err != nil || !feedback.ValidID(a.ID) {
		t.Fatalf("202 body %s: %v", r.Body(), err)
	}
	return a
}

// badInputs is every kind of bad submission with its answer; FuzzDecode is seeded from it.
var badInputs = []struct {
	name        string
	contentType string // "" -> text/plain;charset=UTF-8; "-" -> none
	origin      string // "" -> testOrigin; "-" -> none
	auth        string
	body        string
	status      int
	code, field string
}{
	{"xml content type", "application/xml", "", "", `{"partner":"demo"}`, 415, "unsupported_media_type", ""},
	{"no content type", "-", "", "", `{"partner":"demo"}`, 415, "unsupported_media_type", ""},
	{"form content type", "application/x-www-form-urlencoded", "", "", `partner=demo`, 415, "unsupported_media_type", ""},
	{"latin-1 charset", "text/plain; charset=iso-8859-1", "", "", `{"partner":"demo"}`, 415, "unsupported_media_type", ""},
	{"body over 16 KiB", "", "", "", `{"partner":"demo","page":"/","found":true,"comment":"` + strings.Repeat("a", 17<<10) + `"}`, 413, "body_too_large", ""},
	{"not JSON", "", "", "", `hello`, 400, "invalid_json", ""},
	{"empty body", "", "", "", ``, 400, "invalid_json", ""},
	{"JSON array", "", "", "", `[{"partner":"demo"}]`, 400, "invalid_json", ""},
	{"JSON null", "", "", "", `null`, 400, "invalid_json", ""},
	{"two objects", "", "", "", `{"partner":"demo"}{"partner":"demo"}`, 400, "invalid_json", ""},
	{"truncated JSON", "", "", "", `{"partner":"demo","page":"/`, 400, "invalid_json", ""},
	{"unknown field", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"rating":5}`, 400, "unknown_field", "rating"},
	{"partner missing", "", "", "", `{"page":"/","found":true,"elapsed_ms":4000}`, 400, "required", "partner"},
	{"partner unknown", "", "", "", `{"partner":"nope","page":"/","found":true,"elapsed_ms":4000}`, 400, "unknown_partner", "partner"},
	{"partner not a string", "", "", "", `{"partner":5,"page":"/","found":true,"elapsed_ms":4000}`, 400, "invalid_type", "partner"},
	{"partner with a slash", "", "", "", `{"partner":"de/mo","page":"/","found":true,"elapsed_ms":4000}`, 400, "invalid_partner", "partner"},
	{"page missing", "", "", "", `{"partner":"demo","found":true,"elapsed_ms":4000}`, 400, "required", "page"},
	{"page only a query", "", "", "", `{"partner":"demo","page":"?q=x","found":true,"elapsed_ms":4000}`, 400, "required", "page"},
	{"page an absolute URL", "", "", "", `{"partner":"demo","page":"https://example.org/x","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page protocol-relative", "", "", "", `{"partner":"demo","page":"//evil.example/x","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a space", "", "", "", `{"partner":"demo","page":"/a b","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a right-to-left override", "", "", "", `{"partner":"demo","page":"/help\u202egnp.exe","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a zero-width space", "", "", "", `{"partner":"demo","page":"/he\u200blp","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page with a soft hyphen", "", "", "", `{"partner":"demo","page":"/he\u00adlp","found":true,"elapsed_ms":4000}`, 400, "invalid_page", "page"},
	{"page too long", "", "", "", `{"partner":"demo","page":"/` + strings.Repeat("p", 2048) + `","found":true,"elapsed_ms":4000}`, 400, "page_too_long", "page"},
	{"locale malformed", "", "", "", `{"partner":"demo","page":"/","locale":"x","found":true,"elapsed_ms":4000}`, 400, "invalid_locale", "locale"},
	{"no answer", "", "", "", `{"partner":"demo","page":"/","comment":"hi","elapsed_ms":4000}`, 400, "no_answer", "found"},
	{"answers both null", "", "", "", `{"partner":"demo","page":"/","found":null,"helpful":null,"elapsed_ms":4000}`, 400, "no_answer", "found"},
	{"found a string", "", "", "", `{"partner":"demo","page":"/","found":"yes","elapsed_ms":4000}`, 400, "invalid_type", "found"},
	{"helpful a number", "", "", "", `{"partner":"demo","page":"/","helpful":1,"elapsed_ms":4000}`, 400, "invalid_type", "helpful"},
	{"comment too long", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"comment":"` + strings.Repeat("é", 1001) + `"}`, 400, "comment_too_long", "comment"},
	{"comment not a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"comment":["a"]}`, 400, "invalid_type", "comment"},
	{"comment invalid UTF-8", "", "", "", "{\"partner\":\"demo\",\"page\":\"/\",\"found\":true,\"elapsed_ms\":4000,\"comment\":\"bad \xff\xfe\"}", 400, "invalid_utf8", "comment"},
	{"email without followup", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"email":"a@example.org"}`, 400, "email_without_followup", "email"},
	{"email invalid", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":true,"email":"not-an-email"}`, 400, "invalid_email", "email"},
	{"email with a name", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":true,"email":"Ann <a@example.org>"}`, 400, "invalid_email", "email"},
	{"email too long", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":true,"email":"` + strings.Repeat("a", 250) + `@example.org"}`, 400, "email_too_long", "email"},
	{"followup a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"followup":"yes"}`, 400, "invalid_type", "followup"},
	{"website not a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000,"website":false}`, 400, "invalid_type", "website"},
	{"elapsed negative", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":-5}`, 400, "invalid_type", "elapsed_ms"},
	{"elapsed a string", "", "", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":"4000"}`, 400, "invalid_type", "elapsed_ms"},
	{"origin not allowed", "", "https://evil.example", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"origin of another partner", "", "https://mentalhealthcommission.ca", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"origin null", "", "null", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
	{"no origin, no token", "", "-", "", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_required", ""},
	{"no origin, wrong token", "", "-", "Bearer not-the-token", `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "forbidden", ""},
	{"bad field from a foreign origin is 403", "", "https://evil.example", "", `{"partner":"demo","page":"nope","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
}

func TestFeedbackBadInputs(t *testing.T) {
	e := startIntake(t, Config{})
	for _, tc := range badInputs {
		t.Run(tc.name, func(t *testing.T) {
			var h []string
			switch tc.contentType {
			case "":
				h = append(h, "Content-Type", "text/plain;charset=UTF-8")
			case "-":
			default:
				h = append(h, "Content-Type", tc.contentType)
			}
			switch tc.origin {
			case "":
				h = append(h, "Origin", testOrigin)
			case "-":
			default:
				h = append(h, "Origin", tc.origin)
			}
			if tc.auth != "" {
				h = append(h, "Authorization", tc.auth)
			}
			r := e.req(t, "192.0.2.10", "POST", "/v1/feedback", []byte(tc.body), h...)
			if r.StatusCode() != tc.status {
				t.Fatalf("status %d, want %d: %s", r.StatusCode(), tc.status, r.Body())
			}
			code, field := jsonError(t, r)
			if code != tc.code || field != tc.field {
				t.Errorf("error %q field %q, want %q field %q: %s", code, field, tc.code, tc.field, r.Body())
			}
			// Only a partner's page may read the answer.
			acao := header(r, "Access-Control-Allow-Origin")
			if tc.origin == "" && acao != testOrigin {
				t.Errorf("Access-Control-Allow-Origin %q for an allowed origin", acao)
			}
			if tc.origin != "" && acao != "" {
				t.Errorf("Access-Control-Allow-Origin %q for a foreign or missing origin", acao)
			}
		})
	}
	if n := len(e.records(t)); n != 0 {
		t.Errorf("%d records stored from bad inputs", n)
	}
	if len(badInputs) < 25 {
		t.Errorf("only %d bad inputs", len(badInputs))
	}
}

func TestFeedbackAccepted(t *testing.T) {
	e := startIntake(t, Config{})
	cases := []struct {
		name    string
		body    map[string]any
		headers []string
		check   func(t *testing.T, r *feedback.Record)
	}{
		{"query and fragment dropped", body("page", "/help/line?q=suicide+help#top"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Page != "/help/line" {
				t.Errorf("page %q", r.Page)
			}
		}},
		{"empty email is absent", body("email", "", "followup", false, "page", "/e"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Followup {
				t.Error("followup recorded")
			}
		}},
		{"control characters removed, lines kept", body("comment", "  line one\r\nline\u0000 two\u202e\t!  ", "page", "/c"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Comment != "line one\nline two !" {
				t.Errorf("comment %q", r.Comment)
			}
		}},
		{"locale tag normalized", body("locale", "fr-CA", "page", "/l"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Locale != "fr" {
				t.Errorf("locale %q", r.Locale)
			}
		}},
		{"locale defaults to the partner's", body("locale", nil, "page", "/d"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Locale != "en" {
				t.Errorf("locale %q", r.Locale)
			}
		}},
		{"only helpful answered", body("found", nil, "helpful", true, "page", "/h"), nil, func(t *testing.T, r *feedback.Record) {
			if r.Found != nil || r.Helpful == nil || !*r.Helpful {
				t.Errorf("answers %v %v", r.Found, r.Helpful)
			}
		}},
		{"application/json", body("page", "/j"), []string{"Content-Type", "application/json"}, nil},
		{"any localhost port", body("page", "/p"), []string{"Origin", "http://localhost:61234"}, nil},
		{"operator without origin, timing not applied", body("page", "/o", "elapsed_ms", nil), []string{"Origin", "", "Authorization", "Bearer " + testToken}, nil},
		{"comment of exactly 1000 characters after trimming", body("comment", "  "+strings.Repeat("ç", 1000)+"\n", "page", "/1000"), nil, func(t *testing.T, r *feedback.Record) {
			if n := len([]rune(r.Comment)); n != 1000 {
				t.Errorf("%d characters", n)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.post(t, "192.0.2.20", tc.body, tc.headers...)
			a := mustAccept(t, r)
			var got *feedback.Record
			for _, rec := range e.records(t) {
				if rec.ID == a.ID {
					got = rec
				}
			}
			if got == nil {
				t.Fatalf("id %s not stored", a.ID)
			}
			if got.Partner != "demo" || got.IPHash == "" || strings.Contains(got.IPHash, "192.0.2.20") {
				t.Errorf("record %+v", got)
			}
			if tc.check != nil {
				tc.check(t, got)
			}
		})
	}
}

func TestFeedbackCrisisAndFollowup(t *testing.T) {
	e := startIntake(t, Config{})
	a := mustAccept(t, e.post(t, "192.0.2.30", body("comment", "Je veux MOURIR, aidez-moi", "followup", true, "email", "visitor@example.org")))
	if !a.Crisis {
		t.Error("a French crisis phrase was not flagged")
	}
	b := mustAccept(t, e.post(t, "192.0.2.30", body("comment", "The PDF link is broken", "page", "/x")))
	if b.Crisis {
		t.Error("an ordinary comment was flagged")
	}
	recs := e.records(t)
	if len(recs) != 2 || !recs[0].Crisis || recs[1].Crisis || !recs[0].Followup {
		t.Fatalf("records %+v", recs)
	}
	raw, _ := json.Marshal(recs)
	if bytes.Contains(raw, []byte("visitor@example.org")) {
		t.Error("the email is stored with the comment")
	}
	var fus []*feedback.Followup
	e.srv.cfg.Feedback.Followups(context.Background(), time.Time{}, func(f *feedback.Followup) error { fus = append(fus, f); return nil })
	if len(fus) != 1 || fus[0].ID != a.ID || fus[0].Email != "visitor@example.org" {
		t.Errorf("follow-ups %+v", fus)
	}
	m := string(e.req(t, "192.0.2.30", "GET", "/metrics", nil).Body())
	for _, want := range []string{"signpost_feedback_accepted_total 2", "signpost_feedback_crisis_flagged_total 1", "signpost_feedback_store_seconds_count 2"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func TestFeedbackSpam(t *testing.T) {
	e := startIntake(t, Config{})
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"honeypot", body("website", "http://spam.example")},
		{"too fast", body("elapsed_ms", 900)},
		{"no time on form", body("elapsed_ms", nil)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := mustAccept(t, e.post(t, "192.0.2.40", tc.body))
			if a.Crisis {
				t.Error("crisis for a plain comment")
			}
		})
	}
	if n := len(e.records(t)); n != 0 {
		t.Errorf("%d spam records stored", n)
	}
	m := string(e.req(t, "192.0.2.40", "GET", "/metrics", nil).Body())
	for _, want := range []string{`signpost_feedback_spam_total{reason="honeypot"} 1`, `signpost_feedback_spam_total{reason="too_fast"} 2`, "signpost_feedback_accepted_total 0"} {
		if !strings.Contains(m, want) {
			t.Errorf("metrics lack %q:\n%s", want, m)
		}
	}
	// Right at the threshold is a person.
	mustAccept(t, e.post(t, "192.0.2.40", body("elapsed_ms", feedback.MinElapsedMS)))
	if n := len(e.records(t)); n != 1 {
		t.Errorf("%d records after a submission at %d ms", n, feedback.MinElapsedMS)
	}
}

func TestFeedbackDedupe(t *testing.T) {
	e := startIntake(t, Config{})
	first := mustAccept(t, e.post(t, "192.0.2.50", body("comment", "same words")))
	again := mustAccept(t, e.post(t, "192.0.2.50", body("comment", "  same words ", "found", false)))
	if again.ID != first.ID {
		t.Errorf("a repeat got a new id %s, want %s", again.ID, first.ID)
	}
	// Any of IP, page or comment differing is a new submission.
	other := []accepted{
		mustAccept(t, e.post(t, "192.0.2.51", body("comment", "same words"))),
		mustAccept(t, e.post(t, "192.0.2.50", body("comment", "same words", "page", "/other"))),
		mustAccept(t, e.post(t, "192.0.2.50", body("comment", "other words"))),
	}
	for _, o := range other {
		if o.ID == first.ID {
			t.Error("a different submission was taken for a repeat")
		}
	}
	if n := len(e.records(t)); n != 4 {
		t.Errorf("%d records, want 4", n)
	}
	if m := string(e.req(t, "192.0.2.50", "GET", "/metrics", nil).Body()); !strings.Contains(m, "signpost_feedback_deduplicated_total 1") {
		t.Errorf("dedupe not counted:\n%s", m)
	}
}

func TestFeedbackDedupeConcurrent(t *testing.T) {
	e := startIntake(t, Config{})
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = mustAccept(t, e.post(t, "192.0.2.55", body("comment", "racing"))).ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent repeats got different ids: %v", ids)
		}
	}
	if n := len(e.records(t)); n != 1 {
		t.Errorf("%d records from concurrent repeats, want 1", n)
	}
}

func newLimits(t testing.TB, ip, partner string) *ratelimit.Limiter {
	t.Helper()
	rl, err := ratelimit.New(ratelimit.Config{IPRate: ip, PartnerRate: partner})
	if err != nil {
		t.Fatal(err)
	}
	return rl
}

func checkLimited(t *testing.T, r *fasthttp.Response, scope string) {
	t.Helper()
	if r.StatusCode() != fasthttp.StatusTooManyRequests {
		t.Fatalf("status %d, want 429: %s", r.StatusCode(), r.Body())
	}
	if code, _ := jsonError(t, r); code != "rate_limited" || !strings.Contains(string(r.Body()), scope) {
		t.Errorf("error %q: %s", code, r.Body())
	}
	ra, err := strconv.Atoi(header(r, "Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", header(r, "Retry-After"))
	}
	if header(r, "X-RateLimit-Remaining") != "0" || header(r, "X-RateLimit-Limit") == "" || header(r, "X-RateLimit-Reset") == "" {
		t.Errorf("X-RateLimit headers: %s", r.Header.String())
	}
	// The widget reads Retry-After from a partner page.
	if header(r, "Access-Control-Allow-Origin") != testOrigin || !strings.Contains(header(r, "Access-Control-Expose-Headers"), "Retry-After") {
		t.Errorf("CORS on 429: %s", r.Header.String())
	}
}

func TestFeedbackRateLimitPerIP(t *testing.T) {
	e := startIntake(t, Config{RateLimits: newLimits(t, "3-M", "100-M")})
	for i := range 3 {
		mustAccept(t, e.post(t, "198.51.100.1", body("page", "/ip/"+strconv.Itoa(i))))
	}
	checkLimited(t, e.post(t, "198.51.100.1", body("page", "/ip/4")), "ip")
	mustAccept(t, e.post(t, "198.51.100.2", body("page", "/ip/5"))) // another client is not limited
	// Widget and snippets are never rate-limited.
	for range 5 {
		for _, uri := range []string{"/v1/widget.js", "/v1/snippets/demo"} {
			if r := e.req(t, "198.51.100.1", "GET", uri, nil); r.StatusCode() != 200 {
				t.Fatalf("%s after the feedback limit: %d", uri, r.StatusCode())
			}
		}
	}
	if m := string(e.req(t, "198.51.100.1", "GET", "/metrics", nil).Body()); !strings.Contains(m, `signpost_ratelimit_limited_total{scope="ip"} 1`) {
		t.Errorf("429 not counted:\n%s", m)
	}
}

func TestFeedbackRateLimitPerPartner(t *testing.T) {
	e := startIntake(t, Config{RateLimits: newLimits(t, "100-M", "4-M")})
	for i := range 4 {
		mustAccept(t, e.post(t, "198.51.100."+strconv.Itoa(10+i), body()))
	}
	checkLimited(t, e.post(t, "198.51.100.20", body()), "partner")
}

func TestFeedbackTrustedProxies(t *testing.T) {
	proxies, err := ratelimit.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	e := startIntake(t, Config{RateLimits: newLimits(t, "2-M", "100-M"), TrustedProxies: proxies})
	t.Run("untrusted peer: spoofed X-Forwarded-For ignored", func(t *testing.T) {
		mustAccept(t, e.post(t, "203.0.113.9", body("page", "/u1"), "X-Forwarded-For", "1.1.1.1"))
		mustAccept(t, e.post(t, "203.0.113.9", body("page", "/u2"), "X-Forwarded-For", "2.2.2.2"))
		checkLimited(t, e.post(t, "203.0.113.9", body("page", "/u3"), "X-Forwarded-For", "3.3.3.3"), "ip")
	})
	t.Run("trusted proxy: rightmost untrusted hop is the client", func(t *testing.T) {
		// The client forges a leftmost hop; the proxies at 10.x append what they saw.
		xff := "7.7.7.7, 192.0.2.77, 10.1.1.1"
		mustAccept(t, e.post(t, "10.0.0.1", body("page", "/t1"), "X-Forwarded-For", xff))
		mustAccept(t, e.post(t, "10.0.0.2", body("page", "/t2"), "X-Forwarded-For", "8.8.8.8, 192.0.2.77"))
		checkLimited(t, e.post(t, "10.0.0.1", body("page", "/t3"), "X-Forwarded-For", "9.9.9.9, 192.0.2.77"), "ip")
		// Another client behind the same proxy is counted apart.
		mustAccept(t, e.post(t, "10.0.0.1", body("page", "/t4"), "X-Forwarded-For", "192.0.2.78"))
	})
	recs := e.records(t)
	hashes := map[string]int{}
	for _, r := range recs {
		hashes[r.IPHash]++
	}
	if len(recs) != 5 || len(hashes) != 2+1 {
		t.Errorf("%d records from %d hashed clients, want 5 from 3 (203.0.113.9, 192.0.2.77, 192.0.2.78)", len(recs), len(hashes))
	}
}

// failingStore is a rate-limit store that fails or panics: a fault a real store cannot be made
// to produce on demand.
type failingStore struct{ panics bool }

func (f failingStore) fail() (limiter.Context, error) {
	if f.panics {
		panic("store exploded")
	}
	return limiter.Context{}, errors.New("store unreachable")
}
func (f failingStore) Get(context.Context, string, limiter.Rate) (limiter.Context, error) {
	return f.fail()
}
func (f failingStore) Peek(context.Context, string, limiter.Rate) (limiter.Context, error) {
	return f.fail()
}
func (f failingStore) Reset(context.Context, string, limiter.Rate) (limiter.Context, error) {
	return f.fail()
}
func (f failingStore) Increment(context.Context, string, int64, limiter.Rate) (limiter.Context, error) {
	return f.fail()
}

func TestFeedbackRateLimitStoreErrorFailsOpen(t *testing.T) {
	for _, panics := range []bool{false, true} {
		t.Run("panics="+strconv.FormatBool(panics), func(t *testing.T) {
			logs := &syncBuffer{}
			rl, err := ratelimit.New(ratelimit.Config{IPRate: "1-M", PartnerRate: "1-M", Store: failingStore{panics},
				Logger: slog.New(slog.NewJSONHandler(logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			e := startIntake(t, Config{RateLimits: rl})
			for i := range 3 { // over the 1-M limits: they cannot be counted, so all pass
				mustAccept(t, e.post(t, "198.51.100.99", body("page", "/f/"+strconv.Itoa(i))))
			}
			if !strings.Contains(logs.String(), "fail open") {
				t.Errorf("no warning logged: %s", logs.String())
			}
			if m := string(e.req(t, "198.51.100.99", "GET", "/metrics", nil).Body()); !strings.Contains(m, "signpost_ratelimit_store_errors_total 6") {
				t.Errorf("store errors not counted:\n%s", m)
			}
		})
	}
}

// brokenStore is a feedback store whose disk has failed.
type brokenStore struct{ feedback.Store }

func (brokenStore) Add(context.Context, *feedback.Record, *feedback.Followup) (string, bool, error) {
	return "", false, errors.New("disk on fire")
}

func TestFeedbackStoreErrorIs503(t *testing.T) {
	e := startIntake(t, Config{Feedback: brokenStore{}})
	r := e.post(t, "192.0.2.60", body())
	if r.StatusCode() != fasthttp.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", r.StatusCode(), r.Body())
	}
	if code, _ := jsonError(t, r); code != "store_unavailable" || strings.Contains(string(r.Body()), "fire") {
		t.Errorf("error body %s", r.Body())
	}
	if m := string(e.req(t, "192.0.2.60", "GET", "/metrics", nil).Body()); !strings.Contains(m, "signpost_feedback_store_errors_total 1") {
		t.Errorf("store error not counted")
	}
}

func TestFeedbackPreflight(t *testing.T) {
	e := startIntake(t, Config{})
	r := e.req(t, "192.0.2.70", "OPTIONS", "/v1/feedback", nil, "Origin", testOrigin,
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if r.StatusCode() != fasthttp.StatusNoContent || header(r, "Access-Control-Allow-Origin") != testOrigin ||
		!strings.Contains(header(r, "Access-Control-Allow-Methods"), "POST") || !strings.Contains(header(r, "Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight from a partner: %d %s", r.StatusCode(), r.Header.String())
	}
	r = e.req(t, "192.0.2.70", "OPTIONS", "/v1/feedback", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if r.StatusCode() != fasthttp.StatusForbidden || header(r, "Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from a stranger: %d %s", r.StatusCode(), r.Header.String())
	}
	// Success answers carry CORS for the partner's origin only, never "*".
	ok := e.post(t, "192.0.2.70", body())
	if header(ok, "Access-Control-Allow-Origin") != testOrigin || header(ok, "Vary") != "Origin" {
		t.Errorf("202 CORS: %s", ok.Header.String())
	}
}

func TestAdminAuth(t *testing.T) {
	e := startIntake(t, Config{})
	for _, uri := range []string{"/v1/admin/feedback", "/v1/admin/feedback/stats", "/v1/admin/feedback/followups"} {
		for _, tc := range []struct {
			auth   string
			status int
			code   string
		}{
			{"", 401, "unauthorized"},
			{"Basic dXNlcjpwYXNz", 401, "unauthorized"},
			{"Bearer wrong-token-0123456789", 403, "forbidden"},
			{"Bearer " + testToken + "x", 403, "forbidden"},
			{"Bearer " + testToken, 200, ""},
			{"bearer " + testToken, 200, ""},
		} {
			var h []string
			if tc.auth != "" {
				h = []string{"Authorization", tc.auth}
			}
			r := e.req(t, "192.0.2.80", "GET", uri, nil, h...)
			if r.StatusCode() != tc.status {
				t.Errorf("%s with %q: %d, want %d", uri, tc.auth, r.StatusCode(), tc.status)
				continue
			}
			if tc.code != "" {
				if code, _ := jsonError(t, r); code != tc.code {
					t.Errorf("%s with %q: code %q", uri, tc.auth, code)
				}
			}
			if tc.status == 401 && !strings.HasPrefix(header(r, "WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate")
			}
		}
	}
	// With no token configured, nothing gets in.
	off := startIntake(t, Config{AdminToken: "-"})
	r := off.req(t, "192.0.2.80", "GET", "/v1/admin/feedback", nil, "Authorization", "Bearer "+testToken)
	if code, _ := jsonError(t, r); r.StatusCode() != 403 || code != "admin_disabled" {
		t.Errorf("no token configured: %d %s", r.StatusCode(), code)
	}
}

// seed stores a known set of records directly, with fixed times.
func seed(t *testing.T, st feedback.Store) []*feedback.Record {
	t.Helper()
	yes, no := true, false
	day1 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	day2 := time.Date(2026, 11, 21, 15, 30, 0, 0, time.UTC)
	ids := feedback.NewIDs()
	recs := []*feedback.Record{
		{Partner: "demo", Page: "/a", ReceivedAt: day1, Found: &yes, Helpful: &yes, Comment: `He said "call 988", then left`},
		{Partner: "demo", Page: "/a", ReceivedAt: day1.Add(time.Hour), Found: &no, Helpful: nil, Comment: "line one\nline two, with a comma", Crisis: true},
		{Partner: "demo", Page: "/a", ReceivedAt: day2, Found: &yes, Helpful: &no},
		{Partner: "demo", Page: "/b", ReceivedAt: day2, Found: nil, Helpful: &yes, Comment: "=HYPERLINK(\"http://x\")"},
		{Partner: "mhcc", Page: "/a", ReceivedAt: day2.Add(time.Minute), Found: &no, Helpful: &no, Comment: "", Crisis: false},
	}
	for i, r := range recs {
		r.ID = ids.New(r.ReceivedAt)
		r.Locale = "en"
		r.IPHash = strconv.Itoa(i)
		if _, dup, err := st.Add(context.Background(), r, nil); err != nil || dup {
			t.Fatal(err, dup)
		}
	}
	return recs
}

func TestAdminExportCSV(t *testing.T) {
	e := startIntake(t, Config{})
	recs := seed(t, e.srv.cfg.Feedback)
	auth := []string{"Authorization", "Bearer " + testToken}
	r := e.req(t, "192.0.2.90", "GET", "/v1/admin/feedback?format=csv", nil, auth...)
	if r.StatusCode() != 200 || !strings.HasPrefix(header(r, "Content-Type"), "text/csv") {
		t.Fatalf("%d %s", r.StatusCode(), header(r, "Content-Type"))
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body())).ReadAll()
	if err != nil {
		t.Fatalf("export is not valid CSV: %v\n%s", err, r.Body())
	}
	if len(rows) != len(recs)+1 || strings.Join(rows[0], ",") != "id,received_at,partner,page,locale,found,helpful,comment,crisis,followup,ip_hash" {
		t.Fatalf("rows %q", rows)
	}
	want := []struct{ found, helpful, comment, crisis string }{
		{"yes", "yes", `He said "call 988", then left`, "false"},
		{"no", "", "line one\nline two, with a comma", "true"},
		{"yes", "no", "", "false"},
		{"", "yes", `'=HYPERLINK("http://x")`, "false"},
		{"no", "no", "", "false"},
	}
	for i, w := range want {
		row := rows[i+1]
		if row[0] != recs[i].ID || row[5] != w.found || row[6] != w.helpful || row[7] != w.comment || row[8] != w.crisis {
			t.Errorf("row %d: %q, want %+v", i, row, w)
		}
	}
	// Filters: partner and since.
	r = e.req(t, "192.0.2.90", "GET", "/v1/admin/feedback?partner=demo&since=2026-11-21T00:00:00Z", nil, auth...)
	lines := strings.Split(strings.TrimSpace(string(r.Body())), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], recs[2].ID) || !strings.Contains(lines[1], recs[3].ID) {
		t.Errorf("filtered jsonl export: %s", r.Body())
	}
	for _, bad := range []string{"?since=yesterday", "?format=xlsx"} {
		if r := e.req(t, "192.0.2.90", "GET", "/v1/admin/feedback"+bad, nil, auth...); r.StatusCode() != 400 {
			t.Errorf("%s: %d", bad, r.StatusCode())
		}
	}
}

func TestAdminStats(t *testing.T) {
	e := startIntake(t, Config{})
	seed(t, e.srv.cfg.Feedback)
	r := e.req(t, "192.0.2.91", "GET", "/v1/admin/feedback/stats", nil, "Authorization", "Bearer "+testToken)
	var got feedback.Stats
	if err := json.Unmarshal(r.Body(), &got); err != nil {
		t.Fatalf("%v: %s", err, r.Body())
	}
	want := []feedback.StatsRow{
		{Day: "2026-11-20", Partner: "demo", Page: "/a", Total: 2, FoundYes: 1, FoundNo: 1, HelpfulYes: 1, Comments: 2, Crisis: 1},
		{Day: "2026-11-21", Partner: "demo", Page: "/a", Total: 1, FoundYes: 1, HelpfulNo: 1},
		{Day: "2026-11-21", Partner: "demo", Page: "/b", Total: 1, HelpfulYes: 1, Comments: 1},
		{Day: "2026-11-21", Partner: "mhcc", Page: "/a", Total: 1, FoundNo: 1, HelpfulNo: 1},
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("rows %+v", got.Rows)
	}
	for i := range want {
		if got.Rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got.Rows[i], want[i])
		}
	}
	r = e.req(t, "192.0.2.91", "GET", "/v1/admin/feedback/stats?partner=mhcc", nil, "Authorization", "Bearer "+testToken)
	if err := json.Unmarshal(r.Body(), &got); err != nil || len(got.Rows) != 1 || got.Rows[0].Partner != "mhcc" {
		t.Errorf("partner filter: %s", r.Body())
	}
}

// FuzzDecode feeds the decoder arbitrary bodies, seeded with the bad-input table: it must never
// panic, and whatever it accepts must be within the contract's limits.
func FuzzDecode(f *testing.F) {
	for _, tc := range badInputs {
		f.Add([]byte(tc.body))
	}
	good, _ := json.Marshal(body("comment", "ok\nfine", "followup", true, "email", "a@example.org"))
	f.Add(good)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := feedback.Decode(b)
		if err != nil {
			var fe *feedback.FieldError
			if !errors.As(err, &fe) || fe.Code == "" {
				t.Fatalf("error of no kind: %v", err)
			}
			return
		}
		if s == nil {
			t.Fatal("nil submission without error")
		}
		if !strings.HasPrefix(s.Page, "/") || strings.ContainsAny(s.Page, "?# ") || len(s.Page) > feedback.MaxPage {
			t.Errorf("page %q", s.Page)
		}
		if len([]rune(s.Comment)) > feedback.MaxComment || s.Comment != strings.TrimSpace(s.Comment) {
			t.Errorf("comment %q", s.Comment)
		}
		for _, r := range s.Comment {
			if r != '\n' && (r < 0x20 || r == 0x7f) {
				t.Errorf("control character %U kept", r)
			}
		}
		if s.Email != "" && (!s.Followup || !feedback.ValidEmail(s.Email) || len(s.Email) > feedback.MaxEmail) {
			t.Errorf("email %q followup %v", s.Email, s.Followup)
		}
		if s.Found == nil && s.Helpful == nil {
			t.Error("no answer accepted")
		}
		if s.Locale != "" && s.Locale != "en" && s.Locale != "fr" {
			t.Errorf("locale %q", s.Locale)
		}
		if s.Partner == "" || len(s.Partner) > feedback.MaxPartnerID {
			t.Errorf("partner %q", s.Partner)
		}
	})
}
