// Package storetest is the one contract suite every contentstore.Store implementation runs, so
// the embedded and Redis stores cannot drift apart: an edge must behave the same whichever one
// cmd/edge wires in.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/contentstore"
)

// Seed is the content every backing starts from (version 1).
var Seed = []byte("partners: {}\n# shipped content\n")

// Seed metadata every store gives version 1.
const (
	SeedAuthor = "seed"
	SeedNote   = "shipped configs/content.yaml"
)

// ValidationError is what Config.Validate returns, so the suite can check that a store wraps
// the validation error (errors.As) rather than replacing it.
type ValidationError struct{ Reason string }

func (e *ValidationError) Error() string { return "invalid content: " + e.Reason }

// Config is what a backing is opened with: the suite's seed, validation rules and clock.
type Config struct {
	Seed []byte
	// Validate rejects content containing "INVALID"; once the suite tightens the rules (to see
	// that Rollback validates again) it also rejects content containing "LEGACY".
	Validate contentstore.Validate
	// Now is a clock that moves one second per call, so versions have distinct times.
	Now func() time.Time
}

// Backend opens instances of a store on one fresh backing (a data dir, a Redis key prefix).
type Backend struct {
	// Open opens another instance on the same backing. The suite closes what it opens (and may
	// close it before the test ends); it may call Open from several goroutines when Shared.
	Open func() (contentstore.Store, error)
	// Shared is true when instances can be open at the same time and see each other's changes
	// (Redis, shared by every edge). False (files, locked by one process): the suite closes one
	// instance before opening the next.
	Shared bool
}

// Run runs the contract suite. setup prepares a fresh, empty backing for each subtest.
func Run(t *testing.T, setup func(t *testing.T, cfg Config) Backend) {
	tests := []struct {
		name string
		fn   func(t *testing.T, h *harness)
	}{
		{"SeedIsVersion1", testSeed},
		{"SeedOnlyOnce", testSeedOnce},
		{"PutBecomesCurrent", testPut},
		{"StaleIfMatchConflicts", testConflict},
		{"InvalidContentNeverCurrent", testInvalid},
		{"HistoryAndGet", testHistoryGet},
		{"GetUnknown", testGetUnknown},
		{"Rollback", testRollback},
		{"RollbackValidatesAgain", testRollbackValidates},
		{"WatchSameInstance", testWatchSame},
		{"WatchOtherInstance", testWatchOther},
		{"WatchEndsWithContext", testWatchEnds},
		{"ConcurrentPutsOneWins", testConcurrentConflict},
		{"ConcurrentPutsNumbersNeverRepeat", testConcurrentNumbers},
		{"Reopen", testReopen},
		{"CloseTwice", testCloseTwice},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{t: t}
			h.cfg = Config{Seed: Seed, Validate: h.validate, Now: h.clock}
			h.b = setup(t, h.cfg)
			tc.fn(t, h)
		})
	}
}

type harness struct {
	t      *testing.T
	cfg    Config
	b      Backend
	strict atomic.Bool
	tick   atomic.Int64
	mu     sync.Mutex
	open   []contentstore.Store
}

var epoch = time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)

func (h *harness) clock() time.Time {
	return epoch.Add(time.Duration(h.tick.Add(1)) * time.Second)
}

func (h *harness) validate(src []byte) error {
	if bytes.Contains(src, []byte("INVALID")) {
		return &ValidationError{Reason: "contains INVALID"}
	}
	if h.strict.Load() && bytes.Contains(src, []byte("LEGACY")) {
		return &ValidationError{Reason: "LEGACY is no longer allowed"}
	}
	return nil
}

// store opens an instance, closed at the end of the test.
func (h *harness) store() contentstore.Store {
	h.t.Helper()
	s, err := h.b.Open()
	if err != nil {
		h.t.Fatalf("open: %v", err)
	}
	h.t.Cleanup(func() { s.Close() })
	return s
}

// second returns another instance on the same backing when the backend is shared, else first
// itself (a file store has one writer).
func (h *harness) second(first contentstore.Store) contentstore.Store {
	h.t.Helper()
	if !h.b.Shared {
		return first
	}
	return h.store()
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func content(i int) []byte { return []byte(fmt.Sprintf("partners: {}\n# change %d\n", i)) }

func mustPut(t *testing.T, s contentstore.Store, src []byte, author, note string, ifMatch int64) contentstore.Version {
	t.Helper()
	v, err := s.Put(ctx(t), src, author, note, ifMatch)
	if err != nil {
		t.Fatalf("Put(ifMatch %d): %v", ifMatch, err)
	}
	return v
}

func mustCurrent(t *testing.T, s contentstore.Store) ([]byte, contentstore.Version) {
	t.Helper()
	src, v, err := s.Current(ctx(t))
	if err != nil {
		t.Fatalf("Current: %v", err)
	}
	return src, v
}

func mustHistory(t *testing.T, s contentstore.Store) []contentstore.Version {
	t.Helper()
	hist, err := s.History(ctx(t))
	if err != nil {
		t.Fatalf("History: %v", err)
	}
	return hist
}

// sameVersion compares versions field by field (times with Equal: a store may keep another
// location or lose the monotonic reading).
func sameVersion(a, b contentstore.Version) bool {
	return a.Number == b.Number && a.Author == b.Author && a.Note == b.Note &&
		a.CreatedAt.Equal(b.CreatedAt) && a.Digest == b.Digest
}

func testSeed(t *testing.T, h *harness) {
	s := h.store()
	src, v := mustCurrent(t, s)
	if !bytes.Equal(src, Seed) {
		t.Errorf("current content = %q, want the seed", src)
	}
	if v.Number != 1 || v.Author != SeedAuthor || v.Note != SeedNote {
		t.Errorf("seed version = %+v, want number 1 by %q, note %q", v, SeedAuthor, SeedNote)
	}
	if v.Digest != contentstore.Digest(Seed) {
		t.Errorf("seed digest = %q, want the SHA-256 of the seed %q", v.Digest, contentstore.Digest(Seed))
	}
	if v.CreatedAt.IsZero() {
		t.Error("seed version has no created_at")
	}
	if hist := mustHistory(t, s); len(hist) != 1 || !sameVersion(hist[0], v) {
		t.Errorf("history = %+v, want only the seed version", hist)
	}
}

// testSeedOnce opens the store again (several at once when shared): the seed is stored once.
func testSeedOnce(t *testing.T, h *harness) {
	if h.b.Shared {
		const n = 6
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Go(func() {
				s, err := h.b.Open()
				if err != nil {
					errs <- err
					return
				}
				h.mu.Lock()
				h.open = append(h.open, s)
				h.mu.Unlock()
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() {
			for _, s := range h.open {
				s.Close()
			}
		})
		for _, s := range h.open {
			if _, v := mustCurrent(t, s); v.Number != 1 {
				t.Errorf("current after concurrent opens = %d, want 1", v.Number)
			}
		}
		if hist := mustHistory(t, h.open[0]); len(hist) != 1 {
			t.Errorf("history after %d concurrent opens has %d versions, want 1: %+v", n, len(hist), hist)
		}
		return
	}
	s := h.store()
	mustCurrent(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = h.store()
	if hist := mustHistory(t, s); len(hist) != 1 || hist[0].Number != 1 {
		t.Errorf("history after reopening = %+v, want the seed only", hist)
	}
}

func testPut(t *testing.T, h *harness) {
	s := h.store()
	v2 := mustPut(t, s, content(2), "alice", "feature the clinic", 1)
	if v2.Number != 2 || v2.Author != "alice" || v2.Note != "feature the clinic" || v2.Digest != contentstore.Digest(content(2)) {
		t.Errorf("Put returned %+v, want version 2 by alice with the content's digest", v2)
	}
	if !v2.CreatedAt.After(epoch) {
		t.Errorf("created_at %v does not come from the store's clock (after %v)", v2.CreatedAt, epoch)
	}
	src, cur := mustCurrent(t, s)
	if !bytes.Equal(src, content(2)) || !sameVersion(cur, v2) {
		t.Errorf("current = %+v %q, want %+v %q", cur, src, v2, content(2))
	}
	v3 := mustPut(t, s, content(3), "bob", "", 0) // 0: no check
	if v3.Number != 3 {
		t.Errorf("Put without ifMatch made version %d, want 3", v3.Number)
	}
	if _, cur := mustCurrent(t, h.second(s)); cur.Number != 3 {
		t.Errorf("another instance sees current %d, want 3", cur.Number)
	}
}

func testConflict(t *testing.T, h *harness) {
	s := h.store()
	mustPut(t, s, content(2), "alice", "", 1)
	for _, ifMatch := range []int64{1, 5} { // stale, and one never issued
		_, err := s.Put(ctx(t), content(9), "bob", "stale", ifMatch)
		if !errors.Is(err, contentstore.ErrConflict) {
			t.Errorf("Put(ifMatch %d) with current 2: err = %v, want ErrConflict", ifMatch, err)
		}
		_, err = s.Rollback(ctx(t), 1, "bob", "stale", ifMatch)
		if !errors.Is(err, contentstore.ErrConflict) {
			t.Errorf("Rollback(ifMatch %d) with current 2: err = %v, want ErrConflict", ifMatch, err)
		}
	}
	src, cur := mustCurrent(t, s)
	if cur.Number != 2 || !bytes.Equal(src, content(2)) {
		t.Errorf("after conflicts current = %d %q, want 2 unchanged", cur.Number, src)
	}
	if hist := mustHistory(t, s); len(hist) != 2 {
		t.Errorf("after conflicts history has %d versions, want 2", len(hist))
	}
}

func testInvalid(t *testing.T, h *harness) {
	s := h.store()
	_, err := s.Put(ctx(t), []byte("partners: INVALID\n"), "alice", "", 1)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Put of invalid content: err = %v, want the validation error (errors.As)", err)
	}
	if errors.Is(err, contentstore.ErrConflict) || errors.Is(err, contentstore.ErrUnavailable) {
		t.Errorf("validation error also reads as %v", err)
	}
	src, cur := mustCurrent(t, s)
	if cur.Number != 1 || !bytes.Equal(src, Seed) {
		t.Errorf("after an invalid Put current = %d %q, want the seed", cur.Number, src)
	}
	if hist := mustHistory(t, s); len(hist) != 1 {
		t.Errorf("an invalid Put left a version in history: %+v", hist)
	}
	// The next valid Put still gets the next number: nothing was allocated.
	if v := mustPut(t, s, content(2), "alice", "", 1); v.Number != 2 {
		t.Errorf("Put after an invalid one made version %d, want 2", v.Number)
	}
}

func testHistoryGet(t *testing.T, h *harness) {
	s := h.store()
	want := map[int64][]byte{1: Seed}
	var puts []contentstore.Version
	for i := int64(2); i <= 5; i++ {
		v := mustPut(t, s, content(int(i)), fmt.Sprintf("op%d", i), fmt.Sprintf("note %d", i), i-1)
		want[i] = content(int(i))
		puts = append(puts, v)
	}
	hist := mustHistory(t, h.second(s))
	if len(hist) != 5 {
		t.Fatalf("history has %d versions, want 5: %+v", len(hist), hist)
	}
	for i, v := range hist {
		if v.Number != int64(5-i) {
			t.Fatalf("history is not newest first: %+v", hist)
		}
		if i > 0 && !v.CreatedAt.Before(hist[i-1].CreatedAt) {
			t.Errorf("version %d created at %v, not before version %d at %v", v.Number, v.CreatedAt, hist[i-1].Number, hist[i-1].CreatedAt)
		}
		if v.Digest != contentstore.Digest(want[v.Number]) || v.CreatedAt.IsZero() {
			t.Errorf("history entry %+v: wrong digest or no created_at", v)
		}
		if v.Number >= 2 {
			if p := puts[v.Number-2]; !sameVersion(v, p) {
				t.Errorf("history entry %+v differs from what Put returned %+v", v, p)
			}
		}
		src, got, err := h.second(s).Get(ctx(t), v.Number)
		if err != nil {
			t.Fatalf("Get(%d): %v", v.Number, err)
		}
		if !bytes.Equal(src, want[v.Number]) || !sameVersion(got, v) {
			t.Errorf("Get(%d) = %+v %q, want %+v %q", v.Number, got, src, v, want[v.Number])
		}
	}
}
