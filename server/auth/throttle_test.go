package auth_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
)

// TestFailedAuthThrottled: wrong operator tokens from one address are refused with 403 up to the
// limit (10 a minute), then 429 with Retry-After for that address, even with the right token;
// the right token from another address still works. The comparison itself stays constant-time.
func TestFailedAuthThrottled(t *testing.T) {
	const token = "right-token-0123456789abcdef"
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{AdminToken: token}})
	attacker, operator := "203.0.113.66", "198.51.100.7"
	for i := range 10 {
		if r := e.DoFrom(t, attacker, "GET", "/v1/admin/whoami", nil, edgetest.Bearer("wrong-"+strconv.Itoa(i))...); r.StatusCode() != 403 {
			t.Fatalf("wrong token %d: %d %s, want 403", i, r.StatusCode(), r.Body())
		}
	}
	for _, tok := range []string{"wrong-again", token} {
		r := e.DoFrom(t, attacker, "GET", "/v1/admin/whoami", nil, edgetest.Bearer(tok)...)
		var body struct{ Error struct{ Code string } }
		_ = json.Unmarshal(r.Body(), &body)
		if ra, _ := strconv.Atoi(string(r.Header.Peek("Retry-After"))); r.StatusCode() != 429 || body.Error.Code != "auth_throttled" || ra < 1 || ra > 60 {
			t.Errorf("after 10 failures, %s: %d %s (Retry-After %q), want 429 auth_throttled", tok[:5], r.StatusCode(), r.Body(), r.Header.Peek("Retry-After"))
		}
	}
	if r := e.DoFrom(t, operator, "GET", "/v1/admin/whoami", nil, edgetest.Bearer(token)...); r.StatusCode() != 200 {
		t.Errorf("the right token from elsewhere: %d %s", r.StatusCode(), r.Body())
	}
	// A right token is never counted as a failure.
	for range 15 {
		if r := e.DoFrom(t, operator, "GET", "/v1/admin/whoami", nil, edgetest.Bearer(token)...); r.StatusCode() != 200 {
			t.Fatalf("the right token, again: %d", r.StatusCode())
		}
	}
}

// TestServerPostingNeedsFeedbackWrite: posting feedback without Origin (from a server) needs a
// token with feedback:write; any other operator token is refused, naming the scope.
func TestServerPostingNeedsFeedbackWrite(t *testing.T) {
	e := scopedEdge(t, false)
	post := func(token string) (int, string) {
		b, _ := json.Marshal(map[string]any{"partner": "demo", "page": "/server", "found": true, "elapsed_ms": 0})
		r := e.Do(t, "POST", "/v1/feedback", b, edgetest.With(edgetest.Bearer(token), "Content-Type", "application/json")...)
		return r.StatusCode(), string(r.Body())
	}
	for _, sc := range []string{auth.ScopeFeedbackRead, auth.ScopeContent, auth.ScopeNotice, auth.ScopeFollowupsExport} {
		if code, body := post(scopedTokens[sc]); code != 403 || !strings.Contains(body, "missing_scope") || !strings.Contains(body, auth.ScopeFeedbackWrite) {
			t.Errorf("a %s token posting feedback: %d %s, want 403 missing_scope naming feedback:write", sc, code, body)
		}
	}
	if code, body := post(scopedTokens[auth.ScopeFeedbackWrite]); code != 202 {
		t.Errorf("a feedback:write token: %d %s, want 202", code, body)
	}
	if code, _ := post(scopedAdminToken); code != 202 {
		t.Errorf("the admin token: %d, want 202", code)
	}
}
