package intake_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// What a visitor's browser would carry with a beacon: none of it may be kept.
const (
	visitorIP      = "203.0.113.77"
	visitorUA      = "BeaconProbe/9.9 (privacy-test)"
	visitorReferer = "https://partner.example/secret-page?q=private"
	visitorCookie  = "sid=visitor-session-42"
)

// beacon posts a beacon the way navigator.sendBeacon does from a partner page.
func beacon(t *testing.T, e *edgetest.Edge, body string, headers ...string) *fasthttp.Response {
	t.Helper()
	h := append([]string{"Content-Type", "text/plain", "Origin", edgetest.Origin, "User-Agent", visitorUA,
		"Referer", visitorReferer, "Cookie", visitorCookie}, headers...)
	return e.DoFrom(t, visitorIP, "POST", "/v1/beacon", []byte(body), h...)
}

func usageRows(t *testing.T, e *edgetest.Edge, query string) []usage.Row {
	t.Helper()
	r := e.DoFrom(t, "192.0.2.1", "GET", "/v1/admin/usage"+query, nil, "Authorization", "Bearer "+edgetest.Token)
	if r.StatusCode() != 200 {
		t.Fatalf("GET usage%s: %d %s", query, r.StatusCode(), r.Body())
	}
	var out struct {
		Rows []usage.Row `json:"rows"`
	}
	if err := json.Unmarshal(r.Body(), &out); err != nil || out.Rows == nil {
		t.Fatalf("usage body: %v %s", err, r.Body())
	}
	return out.Rows
}

func TestBeaconValidation(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Now: func() time.Time { return edgetest.Now }}})
	big := `{"partner":"demo","region":"CA","event":"shown"` + strings.Repeat(" ", 1024) + `}`
	for _, tc := range []struct {
		name    string
		body    string
		headers []string
		status  int
		code    string
		field   string
	}{
		{"shown", `{"partner":"demo","region":"CA","event":"shown"}`, nil, 204, "", ""},
		{"shown, no region entry", `{"partner":"demo","region":"","event":"shown"}`, nil, 204, "", ""},
		{"shown, region absent", `{"partner":"demo","event":"shown"}`, nil, 204, "", ""},
		{"tel", `{"partner":"demo","region":"CA","event":"tel","line":"ca-988"}`, nil, 204, "", ""},
		{"sms", `{"partner":"demo","region":"CA","event":"sms","line":"ca-kids-help-phone"}`, nil, 204, "", ""},
		{"chat", `{"partner":"demo","region":"CA","event":"chat","line":"ca-hope-for-wellness"}`, nil, 204, "", ""},
		{"tel in Québec", `{"partner":"demo","region":"CA-QC","event":"tel","line":"qc-appelle"}`, nil, 204, "", ""},
		{"application/json", `{"partner":"demo","region":"CA","event":"shown"}`, []string{"Content-Type", "application/json"}, 204, "", ""},
		{"no Origin (not a browser)", `{"partner":"demo","region":"CA","event":"shown"}`, []string{"Origin", ""}, 204, "", ""},

		{"not JSON", `partner=demo`, nil, 400, "invalid_json", ""},
		{"truncated", `{"partner":"demo"`, nil, 400, "invalid_json", ""},
		{"two values", `{"partner":"demo","event":"shown"}{}`, nil, 400, "invalid_json", ""},
		{"an extra field", `{"partner":"demo","region":"CA","event":"shown","visitor":"abc"}`, nil, 400, "invalid_json", ""},
		{"array", `[]`, nil, 400, "invalid_json", ""},
		{"wrong type", `{"partner":1,"event":"shown"}`, nil, 400, "invalid_json", ""},
		{"no partner", `{"region":"CA","event":"shown"}`, nil, 400, "unknown_partner", "partner"},
		{"unknown partner", `{"partner":"nobody","region":"CA","event":"shown"}`, nil, 400, "unknown_partner", "partner"},
		{"unknown event", `{"partner":"demo","region":"CA","event":"click"}`, nil, 400, "invalid_event", "event"},
		{"no event", `{"partner":"demo","region":"CA"}`, nil, 400, "invalid_event", "event"},
		{"unknown region", `{"partner":"demo","region":"XX","event":"shown"}`, nil, 400, "unknown_region", "region"},
		{"a code, not an entry", `{"partner":"demo","region":"US-NY","event":"shown"}`, nil, 400, "unknown_region", "region"},
		{"tel without line", `{"partner":"demo","region":"CA","event":"tel"}`, nil, 400, "line_required", "line"},
		{"unknown line", `{"partner":"demo","region":"CA","event":"tel","line":"nope"}`, nil, 400, "unknown_line", "line"},
		{"line of another region", `{"partner":"demo","region":"CA","event":"tel","line":"us-988"}`, nil, 400, "unknown_line", "line"},
		{"line without region", `{"partner":"demo","region":"","event":"tel","line":"ca-988"}`, nil, 400, "unknown_line", "line"},
		{"chat on a line without chat", `{"partner":"demo","region":"CA","event":"chat","line":"ca-988"}`, nil, 400, "unknown_line", "line"},
		{"sms on a line without text", `{"partner":"demo","region":"GB","event":"sms","line":"gb-samaritans"}`, nil, 400, "unknown_line", "line"},
		{"shown with a line", `{"partner":"demo","region":"CA","event":"shown","line":"ca-988"}`, nil, 400, "invalid_line", "line"},
		{"too large", big, nil, 413, "body_too_large", ""},
		{"form type", `{"partner":"demo","region":"CA","event":"shown"}`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", ""},
		{"another site's page", `{"partner":"demo","region":"CA","event":"shown"}`, []string{"Origin", "https://evil.example"}, 403, "origin_not_allowed", ""},
		{"another partner's page", `{"partner":"mhcc","region":"CA","event":"shown"}`, nil, 403, "origin_not_allowed", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := beacon(t, e, tc.body, tc.headers...)
			if r.StatusCode() != tc.status {
				t.Fatalf("%d %s, want %d", r.StatusCode(), r.Body(), tc.status)
			}
			if len(r.Header.Peek("Set-Cookie")) > 0 {
				t.Error("a beacon answer sets a cookie")
			}
			if tc.status == 204 {
				if len(r.Body()) != 0 {
					t.Errorf("204 with a body: %s", r.Body())
				}
				return
			}
			if code, field := edgetest.JSONError(t, r); code != tc.code || field != tc.field {
				t.Errorf("error %s (field %q), want %s (field %q)", code, field, tc.code, tc.field)
			}
			if strings.Contains(string(r.Body()), "feedback") {
				t.Errorf("a beacon's error speaks of feedback: %s", r.Body())
			}
		})
	}
	if r := e.DoFrom(t, visitorIP, "GET", "/v1/beacon", nil); r.StatusCode() != 405 {
		t.Errorf("GET /v1/beacon: %d", r.StatusCode())
	}

	// Exactly the accepted beacons were counted.
	want := []usage.Row{
		{Day: "2026-12-07", Partner: "demo", Region: "", Shown: 2},
		{Day: "2026-12-07", Partner: "demo", Region: "CA", Shown: 3},
		{Day: "2026-12-07", Partner: "demo", Region: "CA", Line: "ca-988", Tel: 1},
		{Day: "2026-12-07", Partner: "demo", Region: "CA", Line: "ca-hope-for-wellness", Chat: 1},
		{Day: "2026-12-07", Partner: "demo", Region: "CA", Line: "ca-kids-help-phone", SMS: 1},
		{Day: "2026-12-07", Partner: "demo", Region: "CA-QC", Line: "qc-appelle", Tel: 1},
	}
	if got := usageRows(t, e, ""); !reflect.DeepEqual(got, want) {
		t.Errorf("counts:\n got %+v\nwant %+v", got, want)
	}
	if got := usageRows(t, e, "?partner=mhcc"); len(got) != 0 {
		t.Errorf("mhcc: %+v", got)
	}
	if got := usageRows(t, e, "?since=2026-12-08"); len(got) != 0 {
		t.Errorf("since tomorrow: %+v", got)
	}
	if got := usageRows(t, e, "?since=2026-11-01&partner=demo"); len(got) != len(want) {
		t.Errorf("since the 1st, demo: %+v", got)
	}
	for _, q := range []string{"?since=yesterday", "?since=2026-13-01", "?until=2026-11"} {
		r := e.DoFrom(t, "192.0.2.1", "GET", "/v1/admin/usage"+q, nil, "Authorization", "Bearer "+edgetest.Token)
		if code, field := edgetest.JSONError(t, r); r.StatusCode() != 400 || code != "invalid_parameter" || field != strings.Split(q[1:], "=")[0] {
			t.Errorf("%s: %d %s %s", q, r.StatusCode(), code, field)
		}
	}
	if r := e.DoFrom(t, "192.0.2.1", "GET", "/v1/admin/usage", nil); r.StatusCode() != 401 {
		t.Errorf("usage without a token: %d", r.StatusCode())
	}
}

// sendVisits posts what a few visits would: banners shown, taps on lines.
func sendVisits(t *testing.T, e *edgetest.Edge) {
	t.Helper()
	for _, b := range []string{
		`{"partner":"demo","region":"CA","event":"shown"}`,
		`{"partner":"demo","region":"CA","event":"shown"}`,
		`{"partner":"demo","region":"CA","event":"tel","line":"ca-988"}`,
		`{"partner":"demo","region":"GB","event":"sms","line":"gb-shout"}`,
		`{"partner":"demo","region":"CA","event":"nope","visitor":"` + visitorIP + `"}`, // refused
	} {
		beacon(t, e, b)
	}
}

var visitsWant = []usage.Row{
	{Day: "2026-12-07", Partner: "demo", Region: "CA", Shown: 2},
	{Day: "2026-12-07", Partner: "demo", Region: "CA", Line: "ca-988", Tel: 1},
	{Day: "2026-12-07", Partner: "demo", Region: "GB", Line: "gb-shout", SMS: 1},
}

// noVisitorData fails when text holds anything of the visitor's request.
func noVisitorData(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{visitorIP, "203.0.113", visitorUA, "BeaconProbe", "secret-page", "partner.example", "visitor-session", "localhost:5173"} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds %q:\n%s", what, s, text)
		}
	}
}

// TestBeaconStoresNothingPerVisitorFile: embedded mode. The counts persist in one JSON file of
// rows (day, partner, region, line, four counts) and nothing else; the logs hold nothing of
// the visitor either.
func TestBeaconStoresNothingPerVisitorFile(t *testing.T) {
	dir := t.TempDir()
	st, err := usage.OpenFile(filepath.Join(dir, usage.FileName), usage.Options{Now: func() time.Time { return edgetest.Now }, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Usage: st, Now: func() time.Time { return edgetest.Now }}})
	sendVisits(t, e)
	if got := usageRows(t, e, ""); !reflect.DeepEqual(got, visitsWant) {
		t.Errorf("counts:\n got %+v\nwant %+v", got, visitsWant)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != usage.FileName {
		t.Errorf("data dir holds %v, want only %s", entries, usage.FileName)
	}
	b, err := os.ReadFile(filepath.Join(dir, usage.FileName))
	if err != nil {
		t.Fatal(err)
	}
	noVisitorData(t, "the counts file", string(b))
	var f struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.Rows) != len(visitsWant) {
		t.Fatalf("counts file: %v %s", err, b)
	}
	for _, r := range f.Rows {
		for k := range r {
			if !strings.Contains(" day partner region line shown tel sms chat ", " "+k+" ") {
				t.Errorf("the counts file holds a field %q", k)
			}
		}
	}
	// Reopened (a restart): the counts are back.
	again, err := usage.OpenFile(filepath.Join(dir, usage.FileName), usage.Options{Now: func() time.Time { return edgetest.Now }, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if rs, _ := again.Rows(context.Background(), usage.Query{}); !reflect.DeepEqual(rs, visitsWant) {
		t.Errorf("after a restart: %+v", rs)
	}
	noVisitorData(t, "the logs", e.Logs.String())
}

// TestBeaconStoresNothingPerVisitorRedis: Redis mode. Redis holds one hash per day of
// partner|region|line|event fields with counts, and no other key.
func TestBeaconStoresNothingPerVisitorRedis(t *testing.T) {
	_, rdb := edgetest.Redis(t, redis.Options{})
	st := usage.OpenRedis(rdb, "signpost:", usage.Options{Now: func() time.Time { return edgetest.Now }, Interval: time.Hour})
	t.Cleanup(func() { st.Close() })
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{Usage: st, Now: func() time.Time { return edgetest.Now }}})
	sendVisits(t, e)
	if got := usageRows(t, e, ""); !reflect.DeepEqual(got, visitsWant) { // reading flushes
		t.Errorf("counts:\n got %+v\nwant %+v", got, visitsWant)
	}
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(keys, []string{"signpost:usage:2026-12-07"}) {
		t.Errorf("Redis keys %v, want only the day's counts", keys)
	}
	h, err := rdb.HGetAll(ctx, "signpost:usage:2026-12-07").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"demo|CA||shown": "2", "demo|CA|ca-988|tel": "1", "demo|GB|gb-shout|sms": "1"}
	if !reflect.DeepEqual(h, want) {
		t.Errorf("the day's hash %v, want %v", h, want)
	}
	if ttl, err := rdb.TTL(ctx, "signpost:usage:2026-12-07").Result(); err != nil || ttl <= 0 {
		t.Errorf("the day's hash does not expire: %v %v", ttl, err)
	}
	dump, _ := json.Marshal(h)
	noVisitorData(t, "Redis", string(dump)+strings.Join(keys, " "))
	noVisitorData(t, "the logs", e.Logs.String())
}
