package intake_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/ulule/limiter/v3"
	"github.com/valyala/fasthttp"
)

func TestFeedbackDedupe(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	first := edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.50", edgetest.Feedback("comment", "same words")))
	again := edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.50", edgetest.Feedback("comment", "  same words ", "found", false)))
	if again.ID != first.ID {
		t.Errorf("a repeat got a new id %s, want %s", again.ID, first.ID)
	}
	// Any of IP, page or comment differing is a new submission.
	other := []edgetest.Accepted{
		edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.51", edgetest.Feedback("comment", "same words"))),
		edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.50", edgetest.Feedback("comment", "same words", "page", "/other"))),
		edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.50", edgetest.Feedback("comment", "other words"))),
	}
	for _, o := range other {
		if o.ID == first.ID {
			t.Error("a different submission was taken for a repeat")
		}
	}
	if n := len(e.Records(t)); n != 4 {
		t.Errorf("%d records, want 4", n)
	}
	if m := string(e.DoFrom(t, "192.0.2.50", "GET", "/metrics", nil).Body()); !strings.Contains(m, "signpost_feedback_deduplicated_total 1") {
		t.Errorf("dedupe not counted:\n%s", m)
	}
}

func TestFeedbackDedupeConcurrent(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ids[i] = edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.55", edgetest.Feedback("comment", "racing"))).ID
		}()
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] {
			t.Fatalf("concurrent repeats got different ids: %v", ids)
		}
	}
	if n := len(e.Records(t)); n != 1 {
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
	if code, _ := edgetest.JSONError(t, r); code != "rate_limited" || !strings.Contains(string(r.Body()), scope) {
		t.Errorf("error %q: %s", code, r.Body())
	}
	ra, err := strconv.Atoi(edgetest.Header(r, "Retry-After"))
	if err != nil || ra < 1 || ra > 60 {
		t.Errorf("Retry-After %q", edgetest.Header(r, "Retry-After"))
	}
	if edgetest.Header(r, "X-RateLimit-Remaining") != "0" || edgetest.Header(r, "X-RateLimit-Limit") == "" || edgetest.Header(r, "X-RateLimit-Reset") == "" {
		t.Errorf("X-RateLimit headers: %s", r.Header.String())
	}
	// The widget reads Retry-After from a partner page.
	if edgetest.Header(r, "Access-Control-Allow-Origin") != edgetest.Origin || !strings.Contains(edgetest.Header(r, "Access-Control-Expose-Headers"), "Retry-After") {
		t.Errorf("CORS on 429: %s", r.Header.String())
	}
}

func TestFeedbackRateLimitPerIP(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: newLimits(t, "3-M", "100-M")}})
	for i := range 3 {
		edgetest.MustAccept(t, e.PostFeedback(t, "198.51.100.1", edgetest.Feedback("page", "/ip/"+strconv.Itoa(i))))
	}
	checkLimited(t, e.PostFeedback(t, "198.51.100.1", edgetest.Feedback("page", "/ip/4")), "ip")
	edgetest.MustAccept(t, e.PostFeedback(t, "198.51.100.2", edgetest.Feedback("page", "/ip/5"))) // another client is not limited
	// Widget and snippets are never rate-limited.
	for range 5 {
		for _, uri := range []string{"/v1/widget.js", "/v1/snippets/demo"} {
			if r := e.DoFrom(t, "198.51.100.1", "GET", uri, nil); r.StatusCode() != 200 {
				t.Fatalf("%s after the feedback limit: %d", uri, r.StatusCode())
			}
		}
	}
	if m := string(e.DoFrom(t, "198.51.100.1", "GET", "/metrics", nil).Body()); !strings.Contains(m, `signpost_ratelimit_limited_total{scope="ip"} 1`) {
		t.Errorf("429 not counted:\n%s", m)
	}
}

func TestFeedbackRateLimitPerPartner(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: newLimits(t, "100-M", "4-M")}})
	for i := range 4 {
		edgetest.MustAccept(t, e.PostFeedback(t, "198.51.100."+strconv.Itoa(10+i), edgetest.Feedback()))
	}
	checkLimited(t, e.PostFeedback(t, "198.51.100.20", edgetest.Feedback()), "partner")
}

func TestFeedbackTrustedProxies(t *testing.T) {
	proxies, err := clientaddr.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: newLimits(t, "2-M", "100-M"), TrustedProxies: proxies}})
	t.Run("untrusted peer: spoofed X-Forwarded-For ignored", func(t *testing.T) {
		edgetest.MustAccept(t, e.PostFeedback(t, "203.0.113.9", edgetest.Feedback("page", "/u1"), "X-Forwarded-For", "1.1.1.1"))
		edgetest.MustAccept(t, e.PostFeedback(t, "203.0.113.9", edgetest.Feedback("page", "/u2"), "X-Forwarded-For", "2.2.2.2"))
		checkLimited(t, e.PostFeedback(t, "203.0.113.9", edgetest.Feedback("page", "/u3"), "X-Forwarded-For", "3.3.3.3"), "ip")
	})
	t.Run("trusted proxy: rightmost untrusted hop is the client", func(t *testing.T) {
		// The client forges a leftmost hop; the proxies at 10.x append what they saw.
		xff := "7.7.7.7, 192.0.2.77, 10.1.1.1"
		edgetest.MustAccept(t, e.PostFeedback(t, "10.0.0.1", edgetest.Feedback("page", "/t1"), "X-Forwarded-For", xff))
		edgetest.MustAccept(t, e.PostFeedback(t, "10.0.0.2", edgetest.Feedback("page", "/t2"), "X-Forwarded-For", "8.8.8.8, 192.0.2.77"))
		checkLimited(t, e.PostFeedback(t, "10.0.0.1", edgetest.Feedback("page", "/t3"), "X-Forwarded-For", "9.9.9.9, 192.0.2.77"), "ip")
		// Another client behind the same proxy is counted apart.
		edgetest.MustAccept(t, e.PostFeedback(t, "10.0.0.1", edgetest.Feedback("page", "/t4"), "X-Forwarded-For", "192.0.2.78"))
	})
	recs := e.Records(t)
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
			logs := &edgetest.Logs{}
			rl, err := ratelimit.New(ratelimit.Config{IPRate: "1-M", PartnerRate: "1-M", Store: failingStore{panics},
				Logger: slog.New(slog.NewJSONHandler(logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: rl}})
			for i := range 3 { // over the 1-M limits: they cannot be counted, so all pass
				edgetest.MustAccept(t, e.PostFeedback(t, "198.51.100.99", edgetest.Feedback("page", "/f/"+strconv.Itoa(i))))
			}
			if !strings.Contains(logs.String(), "fail open") {
				t.Errorf("no warning logged: %s", logs.String())
			}
			if m := string(e.DoFrom(t, "198.51.100.99", "GET", "/metrics", nil).Body()); !strings.Contains(m, "signpost_ratelimit_store_errors_total 6") {
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
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Feedback: brokenStore{}}})
	r := e.PostFeedback(t, "192.0.2.60", edgetest.Feedback())
	if r.StatusCode() != fasthttp.StatusServiceUnavailable {
		t.Fatalf("status %d: %s", r.StatusCode(), r.Body())
	}
	if code, _ := edgetest.JSONError(t, r); code != "store_unavailable" || strings.Contains(string(r.Body()), "fire") {
		t.Errorf("error body %s", r.Body())
	}
	if m := string(e.DoFrom(t, "192.0.2.60", "GET", "/metrics", nil).Body()); !strings.Contains(m, "signpost_feedback_store_errors_total 1") {
		t.Errorf("store error not counted")
	}
}

func TestFeedbackPreflight(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	r := e.DoFrom(t, "192.0.2.70", "OPTIONS", "/v1/feedback", nil, "Origin", edgetest.Origin,
		"Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type")
	if r.StatusCode() != fasthttp.StatusNoContent || edgetest.Header(r, "Access-Control-Allow-Origin") != edgetest.Origin ||
		!strings.Contains(edgetest.Header(r, "Access-Control-Allow-Methods"), "POST") || !strings.Contains(edgetest.Header(r, "Access-Control-Allow-Headers"), "Content-Type") {
		t.Errorf("preflight from a partner: %d %s", r.StatusCode(), r.Header.String())
	}
	r = e.DoFrom(t, "192.0.2.70", "OPTIONS", "/v1/feedback", nil, "Origin", "https://evil.example", "Access-Control-Request-Method", "POST")
	if r.StatusCode() != fasthttp.StatusForbidden || edgetest.Header(r, "Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from a stranger: %d %s", r.StatusCode(), r.Header.String())
	}
	// Success answers carry CORS for the partner's origin only, never "*".
	ok := e.PostFeedback(t, "192.0.2.70", edgetest.Feedback())
	if edgetest.Header(ok, "Access-Control-Allow-Origin") != edgetest.Origin || edgetest.Header(ok, "Vary") != "Origin" {
		t.Errorf("202 CORS: %s", ok.Header.String())
	}
}

func TestAdminAuth(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	for _, uri := range []string{"/v1/admin/feedback", "/v1/admin/feedback/stats", "/v1/admin/feedback/followups"} {
		for _, tc := range []struct {
			auth   string
			status int
			code   string
		}{
			{"", 401, "unauthorized"},
			{"Basic dXNlcjpwYXNz", 401, "unauthorized"},
			{"Bearer wrong-token-0123456789", 403, "forbidden"},
			{"Bearer " + edgetest.Token + "x", 403, "forbidden"},
			{"Bearer " + edgetest.Token, 200, ""},
			{"bearer " + edgetest.Token, 200, ""},
		} {
			var h []string
			if tc.auth != "" {
				h = []string{"Authorization", tc.auth}
			}
			r := e.DoFrom(t, "192.0.2.80", "GET", uri, nil, h...)
			if r.StatusCode() != tc.status {
				t.Errorf("%s with %q: %d, want %d", uri, tc.auth, r.StatusCode(), tc.status)
				continue
			}
			if tc.code != "" {
				if code, _ := edgetest.JSONError(t, r); code != tc.code {
					t.Errorf("%s with %q: code %q", uri, tc.auth, code)
				}
			}
			if tc.status == 401 && !strings.HasPrefix(edgetest.Header(r, "WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without WWW-Authenticate")
			}
		}
	}
	// With no token configured, nothing gets in.
	off := edgetest.Start(t, edgetest.Options{Intake: true, NoToken: true})
	r := off.DoFrom(t, "192.0.2.80", "GET", "/v1/admin/feedback", nil, "Authorization", "Bearer "+edgetest.Token)
	if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 403 || code != "admin_disabled" {
		t.Errorf("no token configured: %d %s", r.StatusCode(), code)
	}
}

// seed stores a known set of records directly, with fixed times.
func seed(t *testing.T, st feedback.Store) []*feedback.Record {
	t.Helper()
	yes, no := true, false
	day1 := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	day2 := time.Date(2026, 12, 6, 15, 30, 0, 0, time.UTC)
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
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	recs := seed(t, e.Config.Feedback)
	auth := []string{"Authorization", "Bearer " + edgetest.Token}
	r := e.DoFrom(t, "192.0.2.90", "GET", "/v1/admin/feedback?format=csv", nil, auth...)
	if r.StatusCode() != 200 || !strings.HasPrefix(edgetest.Header(r, "Content-Type"), "text/csv") {
		t.Fatalf("%d %s", r.StatusCode(), edgetest.Header(r, "Content-Type"))
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
	r = e.DoFrom(t, "192.0.2.90", "GET", "/v1/admin/feedback?partner=demo&since=2026-12-06T00:00:00Z", nil, auth...)
	lines := strings.Split(strings.TrimSpace(string(r.Body())), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], recs[2].ID) || !strings.Contains(lines[1], recs[3].ID) {
		t.Errorf("filtered jsonl export: %s", r.Body())
	}
	for _, bad := range []string{"?since=yesterday", "?format=xlsx"} {
		if r := e.DoFrom(t, "192.0.2.90", "GET", "/v1/admin/feedback"+bad, nil, auth...); r.StatusCode() != 400 {
			t.Errorf("%s: %d", bad, r.StatusCode())
		}
	}
}

func TestAdminStats(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true})
	seed(t, e.Config.Feedback)
	r := e.DoFrom(t, "192.0.2.91", "GET", "/v1/admin/feedback/stats", nil, "Authorization", "Bearer "+edgetest.Token)
	var got feedback.Stats
	if err := json.Unmarshal(r.Body(), &got); err != nil {
		t.Fatalf("%v: %s", err, r.Body())
	}
	want := []feedback.StatsRow{
		{Day: "2026-12-05", Partner: "demo", Page: "/a", Total: 2, FoundYes: 1, FoundNo: 1, HelpfulYes: 1, Comments: 2, Crisis: 1},
		{Day: "2026-12-06", Partner: "demo", Page: "/a", Total: 1, FoundYes: 1, HelpfulNo: 1},
		{Day: "2026-12-06", Partner: "demo", Page: "/b", Total: 1, HelpfulYes: 1, Comments: 1},
		{Day: "2026-12-06", Partner: "mhcc", Page: "/a", Total: 1, FoundNo: 1, HelpfulNo: 1},
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("rows %+v", got.Rows)
	}
	for i := range want {
		if got.Rows[i] != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, got.Rows[i], want[i])
		}
	}
	r = e.DoFrom(t, "192.0.2.91", "GET", "/v1/admin/feedback/stats?partner=mhcc", nil, "Authorization", "Bearer "+edgetest.Token)
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
	good, _ := json.Marshal(edgetest.Feedback("comment", "ok\nfine", "followup", true, "email", "a@example.org"))
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
