package intake_test

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
)

// TestRateLimitKeysHoldNoAddress: in Redis mode the limiter's counters are keyed by the keyed
// hash of the client's address (its /64 for IPv6), never the address itself.
func TestRateLimitKeysHoldNoAddress(t *testing.T) {
	r := redistest.Start(t)
	o, err := redis.ParseURL(r.URL())
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	rl, err := ratelimit.New(ratelimit.Config{IPRate: "10-M", PartnerRate: "100-M", Redis: c, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: rl}})
	edgetest.MustAccept(t, e.PostFeedback(t, "127.0.40.40", edgetest.Feedback("page", "/k1")))
	edgetest.MustAccept(t, e.PostFeedback(t, "2001:db8:aa:bb::7", edgetest.Feedback("page", "/k2")))
	keys, err := c.Keys(context.Background(), "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	joined := strings.Join(keys, " ")
	if len(keys) < 3 {
		t.Fatalf("counters in Redis: %v, want two clients and the partner", keys)
	}
	for _, raw := range []string{"127.0.40.40", "2001:db8", "127.0.40", ":40.40"} {
		if strings.Contains(joined, raw) {
			t.Errorf("a limiter key holds the client's address %q: %v", raw, keys)
		}
	}
	if want := e.Config.IPHasher.HashText("127.0.40.40"); !strings.Contains(joined, want) {
		t.Errorf("no key carries the keyed hash %s: %v", want, keys)
	}
}

// TestBotsDoNotUsePartnerBudget: submissions the intake drops as bots (honeypot filled, sent
// too fast) and malformed ones, from many addresses, count against each address's limit only:
// a real visitor from a fresh address is still accepted once they exceed the partner's budget.
func TestBotsDoNotUsePartnerBudget(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{RateLimits: newLimits(t, "10-M", "5-M")}})
	for i := range 12 {
		ip := "198.51.100." + strconv.Itoa(100+i)
		var b map[string]any
		switch i % 3 {
		case 0:
			b = edgetest.Feedback("website", "http://spam.example")
		case 1:
			b = edgetest.Feedback("elapsed_ms", 0)
		default:
			b = edgetest.Feedback("email", "not-an-email", "followup", true)
		}
		if r := e.PostFeedback(t, ip, b); r.StatusCode() == 429 {
			t.Fatalf("bot %d limited by the partner's budget: %s", i, r.Body())
		}
	}
	edgetest.MustAccept(t, e.PostFeedback(t, "203.0.113.200", edgetest.Feedback("page", "/real")))
	if n := len(e.Records(t)); n != 1 {
		t.Errorf("%d records stored, want only the real visitor's", n)
	}
	// The client's own limit still holds a bot back.
	for range 10 {
		e.PostFeedback(t, "198.51.100.250", edgetest.Feedback("website", "http://spam.example"))
	}
	checkLimited(t, e.PostFeedback(t, "198.51.100.250", edgetest.Feedback("website", "http://spam.example")), "ip")
}
