package spent_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/internal/redistest"
)

var (
	ctx   = context.Background()
	t0    = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	quiet = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// contract is what every Store does: a key is taken once until it expires, and a released key
// may be taken again.
func contract(t *testing.T, s spent.Store) {
	t.Helper()
	exp := t0.Add(time.Hour)
	if !s.Spend(ctx, "a", t0, exp) {
		t.Fatal("a fresh key was refused")
	}
	for _, at := range []time.Time{t0, t0.Add(59 * time.Minute)} {
		if s.Spend(ctx, "a", at, exp) {
			t.Errorf("a spent key was taken again at %v", at.Sub(t0))
		}
	}
	if !s.Spend(ctx, "b", t0, exp) {
		t.Error("another key was refused")
	}
	s.Release(ctx, "b")
	if !s.Spend(ctx, "b", t0.Add(time.Minute), exp) {
		t.Error("a released key was refused")
	}
	if s.Spend(ctx, "b", t0.Add(2*time.Minute), exp) {
		t.Error("a released key, spent again, was taken a third time")
	}
}

func TestMemory(t *testing.T) {
	m := spent.NewMemory(0, quiet)
	contract(t, m)
	// Past its expiry a key is forgotten (the form refuses the token as expired by then).
	if !m.Spend(ctx, "a", t0.Add(time.Hour), t0.Add(2*time.Hour)) {
		t.Error("an expired key is still held")
	}
	if m.Spend(ctx, "c", t0.Add(3*time.Hour), t0.Add(4*time.Hour)); m.Len() != 1 {
		t.Errorf("%d keys held, want the one live key", m.Len())
	}
}

// TestMemoryBounded: a full Memory forgets the key spent longest ago, and only it.
func TestMemoryBounded(t *testing.T) {
	m := spent.NewMemory(3, quiet)
	exp := t0.Add(time.Hour)
	for _, k := range []string{"a", "b", "c", "d"} {
		if !m.Spend(ctx, k, t0, exp) {
			t.Fatalf("%s refused", k)
		}
	}
	if m.Len() != 3 || m.Evictions() != 1 {
		t.Errorf("%d keys, %d evictions; want 3 and 1", m.Len(), m.Evictions())
	}
	for _, k := range []string{"b", "c", "d"} {
		if m.Spend(ctx, k, t0, exp) {
			t.Errorf("%s was forgotten, want a (the oldest)", k)
		}
	}
	if !m.Spend(ctx, "a", t0, exp) {
		t.Error("a, the oldest, is still held")
	}
	for i := range 10000 {
		m.Spend(ctx, string(rune('A'+i%26))+time.Duration(i).String(), t0, exp)
	}
	if m.Len() != 3 {
		t.Errorf("%d keys held, capacity 3", m.Len())
	}
}

func openRedis(t *testing.T, srv *redistest.Server, now func() time.Time) (*spent.Redis, *redis.Client) {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: 1, DialTimeout: 500 * time.Millisecond})
	s := spent.OpenRedis(rdb, "signpost:", spent.Options{Logger: quiet, Now: now, Interval: 50 * time.Millisecond})
	t.Cleanup(func() {
		s.Close()
		rdb.Close()
	})
	return s, rdb
}

// TestRedis: the contract; then two edges share what is spent, each key with the token's time
// left as its TTL.
func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	now := func() time.Time { return t0 }
	a, rdb := openRedis(t, srv, now)
	b, _ := openRedis(t, srv, now)
	contract(t, a)
	if b.Spend(ctx, "a", t0, t0.Add(time.Hour)) {
		t.Error("a key spent on one edge was taken on another")
	}
	if !b.Spend(ctx, "fresh", t0, t0.Add(30*time.Minute)) || a.Spend(ctx, "fresh", t0, t0.Add(30*time.Minute)) {
		t.Error("a key spent on b: want it taken once, there")
	}
	ttl, err := rdb.TTL(ctx, "signpost:form:spent:fresh").Result()
	if err != nil || ttl < 29*time.Minute || ttl > 30*time.Minute {
		t.Errorf("TTL %v %v, want the 30 minutes the token has left", ttl, err)
	}
}

// TestRedisOutage: while Redis is away an edge takes a token once from its own memory; once Redis
// is back, what it took during the outage is spent on every edge.
func TestRedisOutage(t *testing.T) {
	srv := redistest.Start(t)
	now := func() time.Time { return t0 }
	a, _ := openRedis(t, srv, now)
	b, _ := openRedis(t, srv, now)
	exp := t0.Add(time.Hour)
	if !a.Spend(ctx, "before", t0, exp) {
		t.Fatal("refused before the outage")
	}
	srv.Stop()
	if !a.Spend(ctx, "during", t0, exp) {
		t.Fatal("a fresh token was refused while Redis is away: the form must keep taking feedback")
	}
	if a.Spend(ctx, "during", t0, exp) {
		t.Error("a token spent during the outage was taken twice on the same edge")
	}
	if a.Pending() != 1 {
		t.Errorf("%d tokens wait for Redis, want 1", a.Pending())
	}
	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for a.Pending() != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the token spent during the outage never reached Redis (%d pending)", a.Pending())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if b.Spend(ctx, "during", t0, exp) {
		t.Error("a token spent on a during the outage was taken on b after it")
	}
	if a.Spend(ctx, "during", t0, exp) {
		t.Error("a token spent during the outage was taken again on a after it")
	}
}

// TestRedisBackBeforeResync: a token spent from memory during an outage stays spent on that edge
// when Redis is back before the token has been written there.
func TestRedisBackBeforeResync(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: 1, DialTimeout: 500 * time.Millisecond})
	a := spent.OpenRedis(rdb, "signpost:", spent.Options{Logger: quiet, Interval: time.Hour})
	t.Cleanup(func() {
		a.Close()
		rdb.Close()
	})
	exp := t0.Add(time.Hour)
	srv.Stop()
	if !a.Spend(ctx, "during", t0, exp) {
		t.Fatal("refused while Redis is away")
	}
	srv.Restart()
	if a.Pending() != 1 {
		t.Fatalf("%d pending, want 1 (no resync yet)", a.Pending())
	}
	if a.Spend(ctx, "during", t0, exp) {
		t.Error("taken again once Redis was back, before the resync")
	}
}
