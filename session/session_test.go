package session

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/internal/fault"
)

// backing opens Stores on one fresh backing (a data dir, a Redis key prefix), as several edges
// (or one edge restarted) would.
type backing struct {
	// open is another Store on the same backing; the suite closes what it opens.
	open func(t *testing.T, cfg Config) *Store
	// dump is everything the backing holds: names and contents.
	dump func(t *testing.T) string
	// ttl is the time Redis gives the session of id before expiring it (0: not Redis).
	ttl func(t *testing.T, id string) time.Duration
}

var epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the Stores of one test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

type harness struct {
	t   *testing.T
	b   backing
	clk *clock
	cfg Config
}

// store is another Store on the harness's backing and clock.
func (h *harness) store() *Store {
	h.t.Helper()
	return h.b.open(h.t, h.cfg)
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// contract is the one suite both backings run, so that they cannot drift apart.
func contract(t *testing.T, setup func(t *testing.T) backing) {
	for _, tc := range []struct {
		name string
		cfg  Config
		fn   func(t *testing.T, h *harness)
	}{
		{"CreateGet", Config{}, testCreateGet},
		{"IdleExpiry", Config{Idle: 30 * time.Minute}, testIdleExpiry},
		{"SlidingIdle", Config{Idle: 30 * time.Minute}, testSlidingIdle},
		{"AbsoluteExpiry", Config{Idle: 30 * time.Minute, Absolute: time.Hour}, testAbsoluteExpiry},
		{"EndOnEveryEdge", Config{Refresh: -1}, testEndOnEveryEdge},
		{"Restart", Config{}, testRestart},
		{"EndAll", Config{}, testEndAll},
		{"Pending", Config{PendingTTL: 10 * time.Minute}, testPending},
		{"PendingConcurrentTake", Config{}, testPendingConcurrentTake},
		{"Garbage", Config{}, testGarbage},
		{"OnlyHashesStored", Config{}, testOnlyHashesStored},
		{"TTL", Config{Idle: 30 * time.Minute, Absolute: 45 * time.Minute}, testTTL},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clk := &clock{t: epoch}
			cfg := tc.cfg
			cfg.Now = clk.Now
			tc.fn(t, &harness{t: t, b: setup(t), clk: clk, cfg: cfg})
		})
	}
}

var alice = Person{Subject: "alice-sub", Email: "alice@example.org", Name: "Alice", Provider: "keycloak",
	Scopes: []string{"content:write", "feedback:read"}}

func noSession(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, ErrNoSession) || fault.KindOf(err) != fault.Unauthorized {
		t.Errorf("%s: err = %v, want ErrNoSession (unauthorized)", what, err)
	}
}

func mustGet(t *testing.T, s *Store, id, what string) Session {
	t.Helper()
	got, err := s.Get(ctx(t), id)
	if err != nil {
		t.Fatalf("%s: Get: %v", what, err)
	}
	return got
}

func create(t *testing.T, s *Store, p Person) (string, Session) {
	t.Helper()
	id, sess, err := s.Create(ctx(t), p)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return id, sess
}

func testCreateGet(t *testing.T, h *harness) {
	s := h.store()
	id, sess := create(t, s, alice)
	if !validID(id) || !validID(sess.CSRF) || sess.CSRF == id {
		t.Errorf("id %q, CSRF %q: want two different 43-character base64url tokens", id, sess.CSRF)
	}
	if !sess.Created.Equal(epoch) || !sess.Seen.Equal(epoch) {
		t.Errorf("Created %v, Seen %v; want both %v", sess.Created, sess.Seen, epoch)
	}
	got := mustGet(t, h.store(), id, "another edge")
	if !reflect.DeepEqual(got.Person, alice) || got.CSRF != sess.CSRF || !got.Created.Equal(epoch) {
		t.Errorf("Get = %+v, want %+v with CSRF %q", got, alice, sess.CSRF)
	}
	if got.Partners != nil {
		t.Errorf("Partners = %#v, want nil (every partner) to stay nil", got.Partners)
	}
	// An empty partner list (no partner) must not come back as nil (every partner).
	limited := alice
	limited.Subject, limited.Partners = "bob-sub", []string{}
	lid, _ := create(t, s, limited)
	if got := mustGet(t, s, lid, "no partners"); got.Partners == nil || len(got.Partners) != 0 {
		t.Errorf("Partners = %#v, want an empty non-nil list (no partner)", got.Partners)
	}
	limited.Partners = []string{"mhcc", "cmha"}
	lid, _ = create(t, s, limited)
	if got := mustGet(t, s, lid, "two partners"); !reflect.DeepEqual(got.Partners, limited.Partners) {
		t.Errorf("Partners = %v, want %v", got.Partners, limited.Partners)
	}
	if id2, _ := create(t, s, alice); id2 == id {
		t.Error("two Creates gave one id")
	}
	for _, p := range []Person{{}, {Subject: "  "}, {Subject: strings.Repeat("s", 2000)}} {
		if _, _, err := s.Create(ctx(t), p); !errors.Is(err, ErrInvalidPerson) || fault.KindOf(err) != fault.Invalid {
			t.Errorf("Create(%.20q): err = %v, want ErrInvalidPerson", p.Subject, err)
		}
	}
}

func testIdleExpiry(t *testing.T, h *harness) {
	s := h.store()
	id, _ := create(t, s, alice)
	h.clk.Add(30*time.Minute - time.Second)
	mustGet(t, s, id, "a second before the idle end")
	h.clk.Add(30 * time.Minute)
	_, err := s.Get(ctx(t), id)
	noSession(t, "Get after 30 minutes idle", err)
	h.clk.Add(-30 * time.Minute) // removed, not merely refused: the clock going back does not revive it
	_, err = s.Get(ctx(t), id)
	noSession(t, "Get of an idle-expired session, clock set back", err)
}

func testSlidingIdle(t *testing.T, h *harness) {
	s := h.store()
	id, _ := create(t, s, alice)
	for i := range 4 { // 80 minutes in all, never 30 idle
		h.clk.Add(20 * time.Minute)
		got := mustGet(t, h.store(), id, fmt.Sprintf("after %d minutes", 20*(i+1)))
		if !got.Seen.Equal(h.clk.Now()) {
			t.Errorf("Seen = %v, want now %v", got.Seen, h.clk.Now())
		}
	}
	h.clk.Add(31 * time.Minute)
	_, err := s.Get(ctx(t), id)
	noSession(t, "Get after 31 idle minutes", err)
}

func testAbsoluteExpiry(t *testing.T, h *harness) {
	s := h.store()
	id, _ := create(t, s, alice)
	h.clk.Add(20 * time.Minute)
	mustGet(t, s, id, "at 20 minutes")
	h.clk.Add(20 * time.Minute)
	mustGet(t, s, id, "at 40 minutes")
	h.clk.Add(20 * time.Minute) // seen 20 minutes ago, but an hour old
	_, err := s.Get(ctx(t), id)
	noSession(t, "Get at the absolute end, seen 20 minutes before", err)
}

// testEndOnEveryEdge: a sign-out on one edge ends the session on another, and another edge's
// recording of Seen (at every Get here) does not bring it back.
func testEndOnEveryEdge(t *testing.T, h *harness) {
	e1, e2 := h.store(), h.store()
	id, _ := create(t, e1, alice)
	other, _ := create(t, e1, alice)
	mustGet(t, e2, id, "edge 2 before sign-out")
	if err := e2.End(ctx(t), id); err != nil {
		t.Fatalf("End: %v", err)
	}
	h.clk.Add(time.Second)
	_, err := e1.Get(ctx(t), id)
	noSession(t, "edge 1 after sign-out on edge 2", err)
	_, err = e2.Get(ctx(t), id)
	noSession(t, "edge 2 after its sign-out", err)
	mustGet(t, e1, other, "the person's other session")
	// A Get that read the session just before the sign-out records Seen after it: the
	// session stays ended.
	if err := e1.b.touch(ctx(t), hashKey(id), Session{Person: alice}, time.Hour); !errors.Is(err, ErrNoSession) {
		t.Errorf("recording Seen of an ended session: err = %v, want ErrNoSession", err)
	}
	_, err = e2.Get(ctx(t), id)
	noSession(t, "edge 2 after a late recording of Seen on edge 1", err)
	for _, v := range []string{id, "", "not-an-id", NewToken()} {
		if err := e1.End(ctx(t), v); err != nil {
			t.Errorf("End(%q) of no session: %v, want nil", v, err)
		}
	}
}

func testRestart(t *testing.T, h *harness) {
	s := h.store()
	id, sess := create(t, s, alice)
	if err := s.PutPending(ctx(t), "state-before-restart-0123456789", Pending{Verifier: "v", Nonce: "n"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	r := h.store()
	if got := mustGet(t, r, id, "after restart"); got.CSRF != sess.CSRF || got.Subject != alice.Subject {
		t.Errorf("after restart Get = %+v, want the session made before", got)
	}
	if p, err := r.TakePending(ctx(t), "state-before-restart-0123456789"); err != nil || p.Verifier != "v" {
		t.Errorf("TakePending after restart = %+v, %v", p, err)
	}
}

func testEndAll(t *testing.T, h *harness) {
	e1, e2 := h.store(), h.store()
	a1, _ := create(t, e1, alice)
	a2, _ := create(t, e2, alice)
	bob := alice
	bob.Subject, bob.Email = "bob-sub", "bob@example.org"
	b1, _ := create(t, e1, bob)
	if err := e2.EndAll(ctx(t), alice.Subject); err != nil {
		t.Fatalf("EndAll: %v", err)
	}
	for _, id := range []string{a1, a2} {
		_, err := e1.Get(ctx(t), id)
		noSession(t, "alice's session after EndAll", err)
	}
	mustGet(t, e1, b1, "bob's session after alice's EndAll")
	a3, _ := create(t, e1, alice) // a new sign-in after signing out everywhere works
	mustGet(t, e2, a3, "alice signed in again")
	if err := e1.EndAll(ctx(t), "nobody"); err != nil {
		t.Errorf("EndAll of nobody: %v", err)
	}
	if err := e1.EndAll(ctx(t), alice.Subject); err != nil {
		t.Fatal(err)
	}
	_, err := e2.Get(ctx(t), a3)
	noSession(t, "alice's new session after a second EndAll", err)
}

func testPending(t *testing.T, h *harness) {
	e1, e2 := h.store(), h.store()
	state := NewToken()
	want := Pending{Verifier: NewToken(), Nonce: "nonce-1", Binding: "b", Return: "/admin/feedback"}
	if err := e1.PutPending(ctx(t), state, want); err != nil {
		t.Fatalf("PutPending: %v", err)
	}
	got, err := e2.TakePending(ctx(t), state)
	want.Created = epoch
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("TakePending on another edge = %+v, %v; want %+v", got, err, want)
	}
	for _, s := range []*Store{e1, e2} {
		if _, err := s.TakePending(ctx(t), state); !errors.Is(err, ErrNoPending) || fault.KindOf(err) != fault.Forbidden {
			t.Errorf("second TakePending: err = %v, want ErrNoPending", err)
		}
	}
	late := NewToken()
	if err := e1.PutPending(ctx(t), late, Pending{Verifier: "v"}); err != nil {
		t.Fatal(err)
	}
	h.clk.Add(10 * time.Minute)
	if _, err := e2.TakePending(ctx(t), late); !errors.Is(err, ErrNoPending) {
		t.Errorf("TakePending after 10 minutes: err = %v, want ErrNoPending", err)
	}
	// A Created given by the caller does not stretch the record's life.
	future := NewToken()
	if err := e1.PutPending(ctx(t), future, Pending{Created: h.clk.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	h.clk.Add(10 * time.Minute)
	if _, err := e2.TakePending(ctx(t), future); !errors.Is(err, ErrNoPending) {
		t.Errorf("TakePending 10 minutes after a put with a future Created: err = %v, want ErrNoPending", err)
	}
}

func testPendingConcurrentTake(t *testing.T, h *harness) {
	stores := []*Store{h.store(), h.store()}
	for round := range 5 {
		state := NewToken()
		if err := stores[0].PutPending(ctx(t), state, Pending{Verifier: "v", Nonce: fmt.Sprint(round)}); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins, losses := 0, 0
		start := make(chan struct{})
		for i := range 8 {
			wg.Go(func() {
				<-start
				p, err := stores[i%2].TakePending(ctx(t), state)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil && p.Nonce == fmt.Sprint(round):
					wins++
				case errors.Is(err, ErrNoPending):
					losses++
				default:
					t.Errorf("TakePending: %+v, %v", p, err)
				}
			})
		}
		close(start)
		wg.Wait()
		if wins != 1 || losses != 7 {
			t.Errorf("round %d: %d takers won and %d lost, want 1 and 7", round, wins, losses)
		}
	}
}

// garbage are cookie and state values from the wild.
var garbage = []string{"", "x", "null", strings.Repeat("!", 43), strings.Repeat("A", 129),
	strings.Repeat("A", 42) + "=", "../../../etc/passwd", strings.Repeat("é", 43),
	strings.Repeat("A", 42) + "\x00", strings.Repeat("a", 1<<20), "AAAA\r\nSET x y"}

func testGarbage(t *testing.T, h *harness) {
	s := h.store()
	create(t, s, alice)
	for _, g := range garbage {
		_, err := s.Get(ctx(t), g)
		noSession(t, fmt.Sprintf("Get(%.20q)", g), err)
		if err := s.End(ctx(t), g); err != nil {
			t.Errorf("End(%.20q): %v", g, err)
		}
		if err := s.PutPending(ctx(t), g, Pending{}); !errors.Is(err, ErrNoPending) {
			t.Errorf("PutPending(%.20q): %v, want ErrNoPending", g, err)
		}
		if _, err := s.TakePending(ctx(t), g); !errors.Is(err, ErrNoPending) {
			t.Errorf("TakePending(%.20q): %v, want ErrNoPending", g, err)
		}
	}
	for _, g := range []string{strings.Repeat("A", 44), NewToken()[:42], NewToken() + "A", NewToken()} {
		_, err := s.Get(ctx(t), g)
		noSession(t, fmt.Sprintf("Get(%q)", g), err)
	}
	if _, err := s.TakePending(ctx(t), NewToken()); !errors.Is(err, ErrNoPending) {
		t.Errorf("TakePending of an unknown state: %v", err)
	}
}

// testOnlyHashesStored: neither an id nor a state can be read back from the backing.
func testOnlyHashesStored(t *testing.T, h *harness) {
	s := h.store()
	id, sess := create(t, s, alice)
	state := NewToken()
	if err := s.PutPending(ctx(t), state, Pending{Verifier: "v"}); err != nil {
		t.Fatal(err)
	}
	dump := h.b.dump(t)
	if !strings.Contains(dump, hashKey(id)) || !strings.Contains(dump, hashKey(state)) || !strings.Contains(dump, sess.CSRF) {
		t.Fatalf("the backing's dump lacks the hashes or the CSRF token (a broken dump?):\n%s", dump)
	}
	if strings.Contains(dump, id) || strings.Contains(dump, state) {
		t.Errorf("the backing holds a raw session id or state:\n%s", dump)
	}
}

// testTTL: Redis expires a session when the Store would: the sooner of idle and absolute.
func testTTL(t *testing.T, h *harness) {
	if h.b.ttl == nil {
		t.Skip("not Redis")
	}
	s := h.store()
	id, _ := create(t, s, alice)
	near := func(what string, want time.Duration) {
		t.Helper()
		if got := h.b.ttl(t, id); got > want || got < want-5*time.Second {
			t.Errorf("%s: TTL %v, want %v", what, got, want)
		}
	}
	near("new", 30*time.Minute)
	h.clk.Add(20 * time.Minute)
	mustGet(t, s, id, "at 20 minutes")
	near("seen at 20 minutes, absolute end at 45", 25*time.Minute)
}
