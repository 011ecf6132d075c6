package auditlog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/redistest"
)

// backend opens logs on one fresh backing (a file, a Redis key prefix).
type backend struct {
	// open opens another log on the same backing; the suite closes what it opens.
	open func(now func() time.Time) (Log, error)
	// shared: logs may be open at once and see each other's entries (Redis, shared by every
	// edge). False (a file, one per edge): the suite closes one before opening the next.
	shared bool
}

var epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// contract is the one suite both logs run, so that they cannot drift apart.
func contract(t *testing.T, setup func(t *testing.T) backend) {
	for _, tc := range []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"Audit", testAudit},
		{"Reopen", testReopen},
		{"CloseTwice", testCloseTwice},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{t: t, b: setup(t)}
			tc.fn(t, h)
		})
	}
}

type harness struct {
	t    *testing.T
	b    backend
	tick atomic.Int64
}

// clock moves one second per call.
func (h *harness) clock() time.Time { return epoch.Add(time.Duration(h.tick.Add(1)) * time.Second) }

func (h *harness) log() Log {
	h.t.Helper()
	l, err := h.b.open(h.clock)
	if err != nil {
		h.t.Fatalf("open: %v", err)
	}
	h.t.Cleanup(func() { l.Close() })
	return l
}

// second is another log on the same backing when it is shared, else first itself.
func (h *harness) second(first Log) Log {
	if !h.b.shared {
		return first
	}
	return h.log()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func testAudit(t *testing.T, h *harness) {
	s := h.log()
	if log, err := s.List(ctx(t), 10); err != nil || len(log) != 0 {
		t.Fatalf("empty audit log = %+v, %v; want none", log, err)
	}
	var want []Entry
	for i := range 5 {
		e := Entry{Time: epoch.Add(time.Duration(i) * time.Minute), Actor: fmt.Sprintf("op%d", i),
			Action: "content.put", Target: "content", Version: int64(i + 1), Note: strings.Repeat("n", i)}
		if err := s.Append(ctx(t), e); err != nil {
			t.Fatalf("Append: %v", err)
		}
		want = append(want, e)
	}
	stamped := Entry{Actor: "op5", Action: "notice.put"} // no time: the log's clock
	if err := h.second(s).Append(ctx(t), stamped); err != nil {
		t.Fatal(err)
	}
	all, err := h.second(s).List(ctx(t), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 6 {
		t.Fatalf("List(0) has %d entries, want all 6: %+v", len(all), all)
	}
	if all[0].Actor != "op5" || all[0].Action != "notice.put" || !all[0].Time.After(epoch) {
		t.Errorf("newest entry = %+v, want op5's with a time from the log's clock", all[0])
	}
	for i, e := range all[1:] {
		w := want[len(want)-1-i]
		if e.Actor != w.Actor || e.Action != w.Action || e.Target != w.Target || e.Version != w.Version ||
			e.Note != w.Note || !e.Time.Equal(w.Time) {
			t.Errorf("List entry %d = %+v, want %+v (newest first)", i+1, e, w)
		}
	}
	two, err := s.List(ctx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(two) != 2 || two[0].Actor != "op5" || two[1].Actor != "op4" {
		t.Errorf("List(2) = %+v, want the newest two (op5, op4)", two)
	}
}

// testReopen: entries survive closing the log and opening it again.
func testReopen(t *testing.T, h *harness) {
	s := h.log()
	if err := s.Append(ctx(t), Entry{Actor: "bob", Action: "content.put", Version: 3}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r := h.log()
	if log, err := r.List(ctx(t), 0); err != nil || len(log) != 1 || log[0].Actor != "bob" {
		t.Errorf("after reopening audit log = %+v, %v; want bob's entry", log, err)
	}
}

func testCloseTwice(t *testing.T, h *harness) {
	s := h.log()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestFileContract(t *testing.T) {
	contract(t, func(t *testing.T) backend {
		path := filepath.Join(t.TempDir(), FileName)
		return backend{open: func(now func() time.Time) (Log, error) { return OpenFile(path, now) }}
	})
}

// prefixes gives each contract subtest its own keyspace on a shared server.
var prefixes atomic.Int64

// redisLog is a Redis log with its own client, as one edge has: Close closes both.
type redisLog struct {
	*Redis
	client redis.UniversalClient
}

func (l redisLog) Close() error {
	err := l.Redis.Close()
	l.client.Close()
	return err
}

func redisContract(t *testing.T, newClient func() redis.UniversalClient) {
	contract(t, func(t *testing.T) backend {
		prefix := fmt.Sprintf("signpost-test-%d:", prefixes.Add(1))
		return backend{shared: true, open: func(now func() time.Time) (Log, error) {
			c := newClient()
			l, err := OpenRedis(c, RedisOptions{Prefix: prefix, Now: now})
			if err != nil {
				c.Close()
				return nil, err
			}
			return redisLog{l, c}, nil
		}}
	})
}

func TestRedisContract(t *testing.T) {
	srv := redistest.Start(t)
	redisContract(t, func() redis.UniversalClient {
		return redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	})
}

// TestRedisContractCluster runs the suite on a three-master Redis Cluster.
func TestRedisContractCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	redisContract(t, func() redis.UniversalClient {
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ContextTimeoutEnabled: true})
	})
}

// TestFileLayout: the log is audit.log, one JSON line an entry, as when the content store kept it.
func TestFileLayout(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenFile(filepath.Join(dir, FileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Append(context.Background(), Entry{Actor: "alice", Action: "content.put"}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "audit.log")); err != nil || !bytes.HasSuffix(b, []byte("}\n")) || !bytes.Contains(b, []byte(`"actor":"alice"`)) {
		t.Errorf("audit.log = %q, %v; want one JSON line", b, err)
	}
}

// TestFileTornLine: a torn last line (a crash mid-write) is cut at open, and the next entry
// starts on a line of its own.
func TestFileTornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	l, err := OpenFile(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), Entry{Actor: "alice", Action: "content.put"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"actor":"torn","act`)
	f.Close()

	if l, err = OpenFile(path, nil); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Append(context.Background(), Entry{Actor: "bob", Action: "content.put"}); err != nil {
		t.Fatal(err)
	}
	log, err := l.List(context.Background(), 0)
	if err != nil || len(log) != 2 || log[0].Actor != "bob" || log[1].Actor != "alice" {
		t.Errorf("audit log after a torn line = %+v, %v; want bob then alice", log, err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Append(context.Background(), Entry{Actor: "carol"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Append after Close: %v, want ErrClosed", err)
	}
}

// TestRedisKey: the log is the stream "signpost:{content}:audit", the key the content store
// kept it under, and nothing else.
func TestRedisKey(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	l, err := OpenRedis(c, RedisOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := l.Append(ctx, Entry{Actor: "alice", Action: "content.put"}); err != nil {
		t.Fatal(err)
	}
	keys, err := c.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "signpost:{content}:audit" || l.Key() != keys[0] {
		t.Errorf("keys = %q, want only signpost:{content}:audit", keys)
	}
	if typ, _ := c.Type(ctx, "signpost:{content}:audit").Result(); typ != "stream" {
		t.Errorf("audit key is a %q, want a stream", typ)
	}
}

// TestRedisDown: while Redis is away both calls fail with ErrUnavailable within a bound.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true, MaxRetries: 1})
	defer c.Close()
	l, err := OpenRedis(c, RedisOptions{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := l.Append(ctx, Entry{Actor: "alice", Action: "x"}); !errors.Is(err, ErrUnavailable) {
			t.Errorf("Append while Redis is down: err = %v, want ErrUnavailable", err)
		}
		if _, err := l.List(ctx, 1); !errors.Is(err, ErrUnavailable) {
			t.Errorf("List while Redis is down: err = %v, want ErrUnavailable", err)
		}
	}()
	select {
	case <-done:
	case <-ctx.Done():
		t.Fatal("calls while Redis is down: still running after 20s")
	}
}
