package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/storetest"
	"github.com/signpost/edge/internal/redistest"
)

// wait bounds every wait in these tests: long enough for a loaded CI machine, short enough
// that a hang fails rather than stalls.
const wait = 20 * time.Second

// instance is a Store with its own client, as one edge has: Close closes both.
type instance struct {
	*Store
	client redis.UniversalClient
}

func (i instance) Close() error {
	err := i.Store.Close()
	i.client.Close()
	return err
}

// prefixes gives each contract subtest its own keyspace on a shared server.
var prefixes atomic.Int64

func contract(t *testing.T, newClient func() redis.UniversalClient) {
	storetest.Run(t, func(t *testing.T, cfg storetest.Config) storetest.Backend {
		prefix := fmt.Sprintf("signpost-test-%d:", prefixes.Add(1))
		return storetest.Backend{Shared: true, Open: func() (contentstore.Store, error) {
			c := newClient()
			s, err := Open(context.Background(), c, prefix, cfg.Seed, cfg.Validate, cfg.Now, WithPollInterval(500*time.Millisecond))
			if err != nil {
				c.Close()
				return nil, err
			}
			return instance{s, c}, nil
		}}
	})
}

func TestContract(t *testing.T) {
	srv := redistest.Start(t)
	contract(t, func() redis.UniversalClient {
		return redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	})
}

// TestContractCluster runs the suite on a three-master Redis Cluster: every script touches
// keys of one slot, or Cluster refuses it (CROSSSLOT), and pub/sub reaches subscribers on
// other nodes.
func TestContractCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	contract(t, func() redis.UniversalClient {
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ContextTimeoutEnabled: true})
	})
}

func validate(src []byte) error {
	if bytes.Contains(src, []byte("INVALID")) {
		return errors.New("contains INVALID")
	}
	return nil
}

var seed = []byte("seed content\n")

func open(t *testing.T, addr string, opts ...Option) *Store {
	t.Helper()
	return openClient(t, redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true, MaxRetries: 1}), opts...)
}

func openClient(t *testing.T, c redis.UniversalClient, opts ...Option) *Store {
	t.Helper()
	t.Cleanup(func() { c.Close() })
	s, err := Open(context.Background(), c, "", seed, validate, nil, append([]Option{WithTimeout(time.Second)}, opts...)...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// within runs fn and fails the test if it does not return within wait.
func within(t *testing.T, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	select {
	case <-done:
	case <-time.After(wait):
		t.Fatalf("%s: still running after %v", what, wait)
	}
}

func next(t *testing.T, w <-chan contentstore.Version, what string) contentstore.Version {
	t.Helper()
	select {
	case v, ok := <-w:
		if !ok {
			t.Fatalf("%s: watch channel closed", what)
		}
		return v
	case <-time.After(wait):
		t.Fatalf("%s: nothing delivered within %v", what, wait)
	}
	return contentstore.Version{}
}

func TestKeysUnderOnePrefixAndEvent(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.Addr())
	raw := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer raw.Close()
	ctx := context.Background()
	sub := raw.Subscribe(ctx, "signpost:events")
	defer sub.Close()
	if _, err := sub.Receive(ctx); err != nil { // subscription confirmed before the Put
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, []byte("two"), "alice", "", 1); err != nil {
		t.Fatal(err)
	}
	msgCtx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	msg, err := sub.ReceiveMessage(msgCtx)
	if err != nil {
		t.Fatal(err)
	}
	if msg.Channel != "signpost:events" || msg.Payload != `{"version":2}` {
		t.Errorf("event = %s %q, want signpost:events {\"version\":2}", msg.Channel, msg.Payload)
	}
	keys, err := raw.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"signpost:{content}:current": true, "signpost:{content}:seq": true, "signpost:{content}:history": true,
		"signpost:{content}:v:1": true, "signpost:{content}:v:2": true}
	for _, k := range keys {
		if !want[k] {
			t.Errorf("unexpected key %q (every key is signpost:{content}:…)", k)
		}
		delete(want, k)
	}
	for k := range want {
		t.Errorf("key %q missing", k)
	}
	// The audit log's key (signpost:{content}:audit) is auditlog's: its TestRedisKey.
}

// TestPollBackstop: a change that came with no message (one missed while disconnected) is
// still delivered, by the poll.
func TestPollBackstop(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.Addr(), WithPollInterval(100*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, err := s.Put(ctx, []byte("two"), "alice", "", 1); err != nil {
		t.Fatal(err)
	}
	w := s.Watch(ctx)
	if v := next(t, w, "first delivery"); v.Number != 2 {
		t.Fatalf("first delivery %d, want 2", v.Number)
	}
	// Version 3 written straight into Redis, with no PUBLISH: only the poll can see it.
	raw := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer raw.Close()
	three := []byte("three")
	if err := raw.HSet(ctx, "signpost:{content}:v:3", "content", three, "author", "bob", "note", "",
		"created_at", formatTime(time.Now()), "digest", contentstore.Digest(three)).Err(); err != nil {
		t.Fatal(err)
	}
	if err := raw.Set(ctx, "signpost:{content}:seq", 3, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := raw.Set(ctx, "signpost:{content}:current", 3, 0).Err(); err != nil {
		t.Fatal(err)
	}
	if v := next(t, w, "silent change"); v.Number != 3 || v.Author != "bob" {
		t.Errorf("poll delivered %+v, want version 3", v)
	}
}

// TestPubSubWithoutPoll: with the poll effectively off, a Put on another edge still arrives:
// the message is what carries it (on Cluster too, where the subscriber may sit on another node
// than the one the script publishes from).
func TestPubSubWithoutPoll(t *testing.T) {
	t.Run("single", func(t *testing.T) {
		srv := redistest.Start(t)
		client := func() redis.UniversalClient {
			return redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
		}
		pubSubWithoutPoll(t, client)
	})
	t.Run("cluster", func(t *testing.T) {
		cl := redistest.StartCluster(t, 3)
		client := func() redis.UniversalClient {
			return redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ContextTimeoutEnabled: true})
		}
		pubSubWithoutPoll(t, client)
	})
}

func pubSubWithoutPoll(t *testing.T, client func() redis.UniversalClient) {
	a := openClient(t, client(), WithPollInterval(time.Hour))
	b := openClient(t, client())
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	w := a.Watch(ctx)
	next(t, w, "first delivery")
	// The subscription is set up asynchronously: Put until one is delivered (by its message,
	// or by the read that follows the subscription's confirmation).
	for subscribed := false; !subscribed; {
		v, err := b.Put(ctx, []byte(fmt.Sprint(time.Now().UnixNano())), "bob", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-w:
			if got.Number < 2 || got.Number > v.Number {
				t.Fatalf("delivered %d, want a version from 2 to %d (no repeats)", got.Number, v.Number)
			}
			subscribed = true
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("no Put delivered by pub/sub")
		}
	}
	// Subscribed: with the poll off, only the message can bring the next one.
	for range 2 {
		v, err := b.Put(ctx, []byte(fmt.Sprint(time.Now().UnixNano())), "bob", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := next(t, w, "Put once subscribed"); got.Number != v.Number {
			t.Fatalf("delivered %d, want %d", got.Number, v.Number)
		}
	}
}

// TestRedisDownAndBack: while Redis is stopped every call fails with ErrUnavailable within a
// bound and watchers stay open; when it is back (empty: persistence is off) the newest version
// this edge knew is restored with its number, numbering goes on, and pub/sub delivers again.
func TestRedisDownAndBack(t *testing.T) {
	srv := redistest.Start(t)
	s := open(t, srv.Addr(), WithPollInterval(time.Hour)) // deliveries after the restart come by pub/sub
	ctx, cancel := context.WithTimeout(context.Background(), 3*wait)
	defer cancel()
	v2, err := s.Put(ctx, []byte("two"), "alice", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	w := s.Watch(ctx)
	if v := next(t, w, "first delivery"); v.Number != 2 {
		t.Fatalf("first delivery %d, want 2", v.Number)
	}

	srv.Stop()
	within(t, "calls while Redis is down", func() {
		_, _, err := s.Current(ctx)
		check := func(op string, err error) {
			if !errors.Is(err, contentstore.ErrUnavailable) {
				t.Errorf("%s while Redis is down: err = %v, want ErrUnavailable", op, err)
			}
		}
		check("Current", err)
		_, err = s.Put(ctx, []byte("three"), "alice", "", 2)
		check("Put", err)
		_, err = s.Rollback(ctx, 1, "alice", "", 2)
		check("Rollback", err)
		_, err = s.History(ctx)
		check("History", err)
		_, _, err = s.Get(ctx, 1)
		check("Get", err)
	})
	select {
	case v, ok := <-w:
		t.Fatalf("watch delivered %+v (open %v) while Redis was down", v, ok)
	default:
	}

	srv.Restart()
	src, cur, err := s.Current(ctx)
	if err != nil {
		t.Fatalf("Current after Redis came back: %v", err)
	}
	if cur.Number != 2 || string(src) != "two" || cur.Author != v2.Author || !cur.CreatedAt.Equal(v2.CreatedAt) {
		t.Errorf("after Redis came back empty current = %+v %q, want version 2 restored as it was", cur, src)
	}
	other := open(t, srv.Addr())
	for {
		v, err := other.Put(ctx, []byte(fmt.Sprint("after ", time.Now().UnixNano())), "bob", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if v.Number <= 2 {
			t.Fatalf("Put after the restore made version %d: numbers repeat", v.Number)
		}
		select {
		case got, ok := <-w:
			if !ok {
				t.Fatal("watch channel closed")
			}
			if got.Number == 2 {
				continue // a repeat is allowed
			}
			if got.Number < 3 || got.Number > v.Number {
				t.Fatalf("delivered %d, want a version from 3 to %d", got.Number, v.Number)
			}
			return
		case <-time.After(200 * time.Millisecond):
		case <-ctx.Done():
			t.Fatal("watch never delivered again after Redis came back")
		}
	}
}

// TestRestartWithData: a Redis that keeps its data across a restart comes back as it was, and
// the watcher's poll resyncs to a change made while this edge was cut off.
func TestRestartWithData(t *testing.T) {
	srv := redistest.StartWith(t, redistest.Options{Persist: true})
	s := open(t, srv.Addr(), WithPollInterval(200*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), 3*wait)
	defer cancel()
	for i := int64(1); i <= 2; i++ {
		if _, err := s.Put(ctx, []byte(fmt.Sprint("v", i+1)), "alice", "", i); err != nil {
			t.Fatal(err)
		}
	}
	w := s.Watch(ctx)
	if v := next(t, w, "first delivery"); v.Number != 3 {
		t.Fatalf("first delivery %d, want 3", v.Number)
	}
	srv.Restart()
	fresh := open(t, srv.Addr()) // knows nothing: sees what Redis kept
	hist, err := fresh.History(ctx)
	if err != nil || len(hist) != 3 || hist[0].Number != 3 {
		t.Fatalf("history after a restart with data = %+v, %v; want 3 versions", hist, err)
	}
	v4, err := fresh.Put(ctx, []byte("v4"), "bob", "", 3)
	if err != nil {
		t.Fatal(err)
	}
	for {
		if v := next(t, w, "after the restart"); v.Number == v4.Number {
			break
		} else if v.Number != 3 {
			t.Fatalf("delivered %d, want 4", v.Number)
		}
	}
}

// TestOpenWhileDown: an edge can start while Redis is down; the seed goes in once it is back.
func TestOpenWhileDown(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	var s *Store
	within(t, "Open while Redis is down", func() { s = open(t, srv.Addr()) })
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if _, _, err := s.Current(ctx); !errors.Is(err, contentstore.ErrUnavailable) {
		t.Fatalf("Current while down: err = %v, want ErrUnavailable", err)
	}
	srv.Restart()
	src, v, err := s.Current(ctx)
	if err != nil || v.Number != 1 || !bytes.Equal(src, seed) || v.Author != SeedAuthor {
		t.Fatalf("Current once Redis is up = %+v %q, %v; want the seed as version 1", v, src, err)
	}
}

func TestOpenRefuses(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	ctx := context.Background()
	if _, err := Open(ctx, c, "", []byte("INVALID"), validate, nil); err == nil {
		t.Error("Open accepted a seed its validate rejects")
	}
	if _, err := Open(ctx, c, "", seed, nil, nil); err == nil {
		t.Error("Open without a validate func succeeded")
	}
	// A key of the wrong type is a bug, not an outage: not ErrUnavailable.
	if err := c.HSet(ctx, "broken:{content}:current", "x", "y").Err(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(ctx, c, "broken:", seed, validate, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Current(ctx); err == nil || errors.Is(err, contentstore.ErrUnavailable) {
		t.Errorf("Current on a damaged key: err = %v, want an error that is not ErrUnavailable", err)
	}
	if keys, _ := c.Keys(ctx, "*").Result(); strings.Contains(strings.Join(keys, " "), "signpost:") {
		t.Errorf("refused Opens left keys: %v", keys)
	}
}

// TestKnownVersionBeatsSeed: an edge that started on its last-known-good snapshot (v2) while
// Redis was down, and then sees Redis come back empty, restores v2 with its number, not the
// seed: published content is never silently undone, and version numbers never repeat.
func TestKnownVersionBeatsSeed(t *testing.T) {
	srv := redistest.Start(t)
	srv.Stop()
	lkg := append(bytes.Clone(seed), []byte("\n# published by an operator\n")...)
	known := contentstore.Version{Number: 2, Author: "alice", Note: "v2", CreatedAt: time.Now().UTC(), Digest: contentstore.Digest(lkg)}
	var s *Store
	within(t, "Open while Redis is down", func() { s = open(t, srv.Addr(), WithKnown(lkg, known)) })
	srv.Restart() // empty: persistence off
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	src, v, err := s.Current(ctx)
	if err != nil || v.Number != 2 || !bytes.Equal(src, lkg) {
		t.Fatalf("Current after Redis came back empty = v%d %q, %v; want the known v2", v.Number, src, err)
	}
	next, err := s.Put(ctx, append(bytes.Clone(lkg), '\n'), "bob", "v3", 2)
	if err != nil || next.Number != 3 {
		t.Errorf("Put on top of the restored version: v%d, %v; want v3", next.Number, err)
	}
}

// TestNewestKnownWinsAfterDataLoss: two edges, one that knew v2 and one that knew only the
// seed; Redis comes back empty and the seed edge restores first. The v2 edge puts v2 back on
// its next read instead of following the older content, and everyone converges on v2.
func TestNewestKnownWinsAfterDataLoss(t *testing.T) {
	srv := redistest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	a := open(t, srv.Addr())
	lkg := append(bytes.Clone(seed), []byte("\n# v2\n")...)
	v2, err := a.Put(ctx, lkg, "alice", "v2", 1)
	if err != nil || v2.Number != 2 {
		t.Fatalf("Put v2: %v %v", v2, err)
	}
	if _, _, err := a.Current(ctx); err != nil { // a now knows v2
		t.Fatal(err)
	}
	srv.Restart()            // empty
	b := open(t, srv.Addr()) // knows nothing: seeds v1
	if _, v, err := b.Current(ctx); err != nil || v.Number != 1 {
		t.Fatalf("the seed edge: v%d %v", v.Number, err)
	}
	src, v, err := a.Current(ctx)
	if err != nil || v.Number != 2 || !bytes.Equal(src, lkg) {
		t.Fatalf("the edge that knew v2 reads v%d (%v): want v2 restored", v.Number, err)
	}
	if _, v, err := b.Current(ctx); err != nil || v.Number != 2 {
		t.Errorf("the seed edge after the restore: v%d %v, want v2", v.Number, err)
	}
}
