package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server/ratelimit"
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
	// A token is for a server, which sends no Origin; an opaque origin is a browser's, refused.
	{"origin null, with a feedback:write token", "", "null", "Bearer " + testToken, `{"partner":"demo","page":"/","found":true,"elapsed_ms":4000}`, 403, "origin_not_allowed", ""},
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
