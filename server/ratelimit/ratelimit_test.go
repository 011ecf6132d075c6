package ratelimit

import (
	"context"
	"io"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/redistest"
)

func TestKeyGroupsIPv6By64(t *testing.T) {
	a, b := mustAddr("2001:db8:1:2::1"), mustAddr("2001:db8:1:2:ffff::9")
	if Key(a) != Key(b) || Key(a) == Key(mustAddr("2001:db8:1:3::1")) {
		t.Errorf("keys %s %s", Key(a), Key(b))
	}
	if Key(mustAddr("192.0.2.1")) != "192.0.2.1" {
		t.Error("IPv4 key")
	}
}

func TestParseRate(t *testing.T) {
	for s, ok := range map[string]bool{"10-M": true, "600-M": true, "5-S": true, "1-D": true, "0-M": false, "10": false, "ten-M": false, "10-W": false} {
		if _, err := ParseRate(s); (err == nil) != ok {
			t.Errorf("ParseRate(%q): %v", s, err)
		}
	}
}

// TestRedisSharedThenMemoryWhenDown runs two limiters (two edges) on one real Redis: the count is
// shared. With Redis stopped, counting goes on in memory and the limiter says so; with Redis
// back, it returns to Redis.
func TestRedisSharedThenMemoryWhenDown(t *testing.T) {
	r := redistest.Start(t)
	newLimiter := func() *Limiter {
		o, _ := redis.ParseURL(r.URL())
		o.MaxRetries = -1
		c := redis.NewClient(o)
		t.Cleanup(func() { c.Close() })
		l, err := New(Config{IPRate: "3-M", PartnerRate: "100-M", Redis: c, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	a, b := newLimiter(), newLimiter()
	ctx := context.Background()
	for i, l := range []*Limiter{a, b, a} {
		if res := l.Allow(ctx, ScopeIP, "192.0.2.1"); res.Reached || res.Failed || res.Remaining != int64(2-i) {
			t.Fatalf("request %d: %+v", i, res)
		}
	}
	if res := b.Allow(ctx, ScopeIP, "192.0.2.1"); !res.Reached {
		t.Fatalf("the 4th request across two edges was not limited: %+v", res)
	}
	r.Stop()
	res := a.Allow(ctx, ScopeIP, "192.0.2.9")
	if res.Failed || res.Reached || res.Limit != 3 {
		t.Fatalf("with Redis down: %+v", res)
	}
	for range 3 {
		res = a.Allow(ctx, ScopeIP, "192.0.2.9")
	}
	if !res.Reached {
		t.Error("limits are not enforced in memory while Redis is down")
	}
	if st := a.Stats(); !st.Degraded || st.StoreErrors == 0 {
		t.Errorf("stats while down: %+v", st)
	}
	r.Restart()
	for deadline := time.Now().Add(15 * time.Second); a.Stats().Degraded && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		a.Allow(ctx, ScopeIP, "192.0.2.10")
	}
	if a.Stats().Degraded {
		t.Error("still counting in memory after Redis came back")
	}
}

// TestRedisDownAtStartup: limiter's Redis store cannot be built while Redis is down; the limiter
// starts anyway, counts in memory, and builds the store once Redis answers.
func TestRedisDownAtStartup(t *testing.T) {
	r := redistest.Start(t)
	r.Stop()
	o, _ := redis.ParseURL(r.URL())
	o.MaxRetries = -1
	c := redis.NewClient(o)
	defer c.Close()
	l, err := New(Config{IPRate: "2-M", Redis: c, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("New with Redis down: %v", err)
	}
	if res := l.Allow(context.Background(), ScopeIP, "k"); res.Failed || res.Limit != 2 {
		t.Errorf("counting in memory: %+v", res)
	}
	r.Restart()
	for deadline := time.Now().Add(15 * time.Second); l.Stats().Degraded && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		l.Allow(context.Background(), ScopeIP, "k2")
	}
	if l.Stats().Degraded {
		t.Fatal("the Redis store was never built after Redis came up")
	}
	if res := l.Allow(context.Background(), ScopeIP, "k3"); res.Failed || res.Remaining != 1 {
		t.Errorf("first count in Redis: %+v", res)
	}
	if n, err := c.Keys(context.Background(), DefaultPrefix+":*").Result(); err != nil || len(n) == 0 {
		t.Errorf("no counters in Redis: %v %v", n, err)
	}
}

func mustAddr(s string) netip.Addr { return netip.MustParseAddr(s) }
