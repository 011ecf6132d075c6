package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/redistest"
)

// TestMainLifecycle runs a Redis-mode edge in-process through Run, Wait and Close: one Redis
// client serves the feedback, content, usage and form-token stores, and Close closes it (after
// them: Close's order).
func TestMainLifecycle(t *testing.T) {
	rs := redistest.Start(t)
	var stdout, stderr bytes.Buffer
	m := NewMain(env(map[string]string{"EDGE_REDIS_URL": rs.URL(), "EDGE_IP_HASH_KEY": strings.Repeat("k", 32)}), &stdout, &stderr)
	if err := m.ParseFlags([]string{"--addr", "127.0.0.1:0", "--data-dir", t.TempDir(), "--content", "../../configs/content.yaml"}); err != nil {
		t.Fatal(err)
	}
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := m.Run(ctx); err != nil {
		t.Fatalf("run: %v; log: %s", err, stderr.String())
	}
	if m.rdb == nil || m.feedback.rs == nil || m.formTokens == nil {
		t.Fatalf("Redis mode without its client or stores: %+v", m)
	}
	if d := m.health(ctx); len(d) != 0 {
		t.Errorf("degraded: %v", d)
	}
	if !strings.HasPrefix(stdout.String(), "Signpost edge is running: open http://127.0.0.1:") {
		t.Errorf("stdout: %q", stdout.String())
	}
	cancel()
	if err := m.Wait(ctx); err != nil {
		t.Errorf("wait: %v", err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if err := m.rdb.Ping(context.Background()).Err(); !errors.Is(err, redis.ErrClosed) {
		t.Errorf("Redis client after Close: %v, want closed", err)
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) {
		t.Errorf("log: %s", stderr.String())
	}
}
