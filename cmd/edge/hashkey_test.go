package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/feedback/keycheck"
	"github.com/signpost/edge/internal/redistest"
)

// TestEdgesWithAnotherHashKey: edges sharing one Redis compare their client-address keys. An
// edge started without EDGE_IP_HASH_KEY (so with a key of its own) beside edges that have one
// answers /readyz 503 naming the cause and the fix; the edges with the deployment's key stay
// ready, and say so in /readyz's warnings, in GET /v1/admin/whoami (the console) and in
// /metrics. An edge with the same key is ready with no warning once the odd one has stopped.
func TestEdgesWithAnotherHashKey(t *testing.T) {
	t.Parallel()
	r := redistest.Start(t)
	a := startSoEdge(t, "edge-a", soEnv(r.URL()), t.TempDir())
	a.waitReady(t, http.StatusOK)

	var own []string // soEnv without EDGE_IP_HASH_KEY: the edge makes a key in its data dir
	for _, kv := range soEnv(r.URL()) {
		if !strings.HasPrefix(kv, "EDGE_IP_HASH_KEY=") {
			own = append(own, kv)
		}
	}
	b := startSoEdge(t, "edge-b", own, t.TempDir())
	body := b.waitReady(t, http.StatusServiceUnavailable)
	var ready struct {
		Status   string   `json:"status"`
		Degraded []string `json:"degraded"`
		Warnings []struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(body), &ready); err != nil {
		t.Fatalf("readyz %q: %v", body, err)
	}
	if len(ready.Degraded) != 1 || !strings.Contains(ready.Degraded[0], "EDGE_IP_HASH_KEY") ||
		!strings.Contains(ready.Degraded[0], "set the same EDGE_IP_HASH_KEY on every edge and restart this one") {
		t.Errorf("edge-b readyz %s: want one reason naming EDGE_IP_HASH_KEY and the fix", body)
	}
	if !strings.Contains(b.stderr.String(), "EDGE_IP_HASH_KEY") {
		t.Errorf("edge-b logged nothing about its key:\n%s", b.stderr)
	}

	// edge-a sees the other key on its next beat (keycheck.Interval): ready, with a warning.
	deadline := soWait + keycheck.Interval
	var aBody string
	if !waitFor(deadline, func() bool {
		code, s := a.ready(t)
		aBody = s
		return code == http.StatusOK && strings.Contains(s, `"code":"`+keycheck.WarningCode+`"`)
	}) {
		t.Fatalf("edge-a readyz %s: want 200 with the warning %s", aBody, keycheck.WarningCode)
	}
	if !strings.Contains(aBody, "EDGE_IP_HASH_KEY") {
		t.Errorf("edge-a's warning does not say what to set: %s", aBody)
	}
	if code, who, _ := a.admin(t, "GET", "v1/admin/whoami", "", nil); code != http.StatusOK || !strings.Contains(string(who), `"warnings":["`+keycheck.WarningCode+`"]`) {
		t.Errorf("edge-a whoami %d %s: want the warning for the console", code, who)
	}
	if _, m, _, err := a.do(soClient, "GET", "metrics", nil); err != nil || !strings.Contains(string(m), `signpost_warning{code="`+keycheck.WarningCode+`"} 1`) {
		t.Errorf("edge-a /metrics does not count the warning (err %v)", err)
	}

	// The odd edge stops (it withdraws its key); an edge with the deployment's key is ready
	// without a warning.
	if err := b.stop(t); err != nil {
		t.Errorf("edge-b: %v", err)
	}
	c := startSoEdge(t, "edge-c", soEnv(r.URL()), t.TempDir())
	if s := c.waitReady(t, http.StatusOK); strings.Contains(s, "warnings") {
		t.Errorf("edge-c, with the deployment's key after edge-b stopped: %s", s)
	}
}

// waitFor polls ok every 50 ms until it holds (true) or the deadline passes (false): a
// deadline, not an assertion on speed.
func waitFor(deadline time.Duration, ok func() bool) bool {
	end := time.Now().Add(deadline)
	for !ok() {
		if time.Now().After(end) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
