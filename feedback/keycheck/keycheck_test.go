package keycheck_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback/keycheck"
	"github.com/signpost/edge/internal/redistest"
)

// clock is the edges' shared injected clock: staleness without waiting.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func beat(t *testing.T, c *keycheck.Check) *keycheck.State {
	t.Helper()
	st, err := c.Beat(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestFingerprint(t *testing.T) {
	a, b := []byte("deployment-key-0123456789"), []byte("deployment-key-0123456780")
	fa := keycheck.Fingerprint(a)
	if len(fa) != 16 || strings.Trim(fa, "0123456789abcdef") != "" {
		t.Errorf("fingerprint %q: want 16 hex digits", fa)
	}
	if keycheck.Fingerprint(a) != fa || keycheck.Fingerprint(b) == fa {
		t.Error("the fingerprint must be the same for one key and differ between keys")
	}
	if strings.Contains(fa, "deployment") {
		t.Error("the fingerprint shows the key")
	}
}

func TestEdgesAgree(t *testing.T) {
	r := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr()})
	t.Cleanup(func() { _ = rdb.Close() })
	clk := &clock{t: time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)}
	opts := keycheck.Options{Prefix: "test:", Now: clk.now}
	k1, k2 := keycheck.Fingerprint([]byte("the deployment's key, shared")), keycheck.Fingerprint([]byte("a key this edge made itself"))

	a, b := keycheck.New(rdb, k1, opts), keycheck.New(rdb, k1, opts)
	if a.State() != nil || a.Problem() != "" || a.Warnings() != nil {
		t.Fatal("before its first beat a check knows nothing and reports nothing")
	}
	beat(t, a)
	clk.add(time.Second)
	if st := beat(t, b); st.Mismatch() || st.Agreed != k1 || !st.Since.Equal(clk.now().Add(-time.Second)) {
		t.Fatalf("two edges with one key: %+v, want agreement on %s since the first beat", st, k1)
	}

	// An edge joins with a key of its own: it is the odd one, the others warn.
	odd := keycheck.New(rdb, k2, opts)
	clk.add(time.Second)
	st := beat(t, odd)
	if !st.Odd() || st.Agreed != k1 {
		t.Fatalf("the edge with another key: %+v, want odd, the agreed key %s", st, k1)
	}
	for _, want := range []string{"EDGE_IP_HASH_KEY", k1, k2, "set the same EDGE_IP_HASH_KEY on every edge", "2026-12-06T21:00:00Z"} {
		if !strings.Contains(odd.Problem(), want) {
			t.Errorf("problem %q does not name %q", odd.Problem(), want)
		}
	}
	if st := beat(t, a); !st.Mismatch() || st.Odd() || a.Problem() != "" || len(a.Warnings()) != 1 || a.Warnings()[0] != keycheck.WarningCode {
		t.Errorf("an edge with the agreed key: %+v problem %q warnings %v, want a warning and no problem", st, a.Problem(), a.Warnings())
	}

	// The odd edge stops (Close): the others no longer see it.
	if err := odd.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := beat(t, a); st.Mismatch() || a.Warnings() != nil {
		t.Errorf("after the odd edge stopped: %+v warnings %v", st, a.Warnings())
	}

	// An edge that dies without Close is forgotten once StaleAfter has passed without its beat.
	crashed := keycheck.New(rdb, k2, opts)
	beat(t, crashed)
	clk.add(keycheck.StaleAfter - time.Second)
	if st := beat(t, a); !st.Mismatch() {
		t.Errorf("within StaleAfter the silent edge still counts: %+v", st)
	}
	beat(t, b) // the agreed edges keep beating
	clk.add(2 * time.Second)
	if st := beat(t, a); st.Mismatch() {
		t.Errorf("after StaleAfter without a beat the edge is forgotten: %+v", st)
	}

	// Every edge of the agreed key restarts with a new one (Close, then new processes): the new
	// key is the deployment's at once, nobody is odd.
	for _, c := range []*keycheck.Check{a, b} {
		if err := c.Close(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	a2, b2 := keycheck.New(rdb, k2, opts), keycheck.New(rdb, k2, opts)
	beat(t, a2)
	if st := beat(t, b2); st.Mismatch() || st.Agreed != k2 {
		t.Errorf("after a rotation by restart: %+v, want agreement on %s", st, k2)
	}
}

func TestRedisAway(t *testing.T) {
	r := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: r.Addr(), MaxRetries: -1, DialTimeout: time.Second})
	t.Cleanup(func() { _ = rdb.Close() })
	clk := &clock{t: time.Date(2026, 12, 6, 21, 0, 0, 0, time.UTC)}
	opts := keycheck.Options{Prefix: "test:", Now: clk.now}
	a := keycheck.New(rdb, keycheck.Fingerprint([]byte("the deployment's key, shared")), opts)
	odd := keycheck.New(rdb, keycheck.Fingerprint([]byte("a key this edge made itself")), opts)
	beat(t, a)
	beat(t, odd)
	r.Stop()
	clk.add(keycheck.Interval)
	if _, err := odd.Beat(context.Background()); err == nil {
		t.Fatal("a beat with Redis stopped did not fail")
	}
	if odd.Problem() == "" {
		t.Error("the last state is kept while Redis is briefly away")
	}
	clk.add(keycheck.StaleAfter)
	if _, err := odd.Beat(context.Background()); err == nil || odd.State() != nil || odd.Problem() != "" {
		t.Errorf("after StaleAfter without Redis the state is unknown: %+v", odd.State())
	}
}
