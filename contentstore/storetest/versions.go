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

func testGetUnknown(t *testing.T, h *harness) {
	s := h.store()
	for _, n := range []int64{0, -1, 2, 99} {
		if _, _, err := s.Get(ctx(t), n); !errors.Is(err, contentstore.ErrNotFound) {
			t.Errorf("Get(%d) err = %v, want ErrNotFound", n, err)
		}
	}
	if _, err := s.Rollback(ctx(t), 7, "alice", "", 0); !errors.Is(err, contentstore.ErrNotFound) {
		t.Errorf("Rollback to unknown version: err = %v, want ErrNotFound", err)
	}
	if _, cur := mustCurrent(t, s); cur.Number != 1 {
		t.Errorf("a failed Rollback changed current to %d", cur.Number)
	}
}

func testRollback(t *testing.T, h *harness) {
	s := h.store()
	mustPut(t, s, content(2), "alice", "", 1)
	mustPut(t, s, content(3), "alice", "", 2)
	v, err := s.Rollback(ctx(t), 2, "carol", "undo 3", 3)
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if v.Number != 4 || v.Author != "carol" || v.Note != "undo 3" || v.Digest != contentstore.Digest(content(2)) {
		t.Errorf("Rollback returned %+v, want version 4 by carol with version 2's digest", v)
	}
	src, cur := mustCurrent(t, h.second(s))
	if !bytes.Equal(src, content(2)) || !sameVersion(cur, v) {
		t.Errorf("after Rollback current = %+v %q, want %+v with version 2's content", cur, src, v)
	}
	hist := mustHistory(t, s)
	if len(hist) != 4 || hist[0].Number != 4 || hist[1].Number != 3 {
		t.Errorf("Rollback rewrote history instead of appending: %+v", hist)
	}
	if src, _, err := s.Get(ctx(t), 3); err != nil || !bytes.Equal(src, content(3)) {
		t.Errorf("version 3 after Rollback: %q, %v; want it kept", src, err)
	}
	if v, err := s.Rollback(ctx(t), 1, "carol", "", 0); err != nil || v.Number != 5 || v.Digest != contentstore.Digest(Seed) {
		t.Errorf("Rollback to the seed without ifMatch = %+v, %v; want version 5 with the seed", v, err)
	}
}

// testRollbackValidates: content valid when stored but not by today's rules never becomes
// current again.
func testRollbackValidates(t *testing.T, h *harness) {
	s := h.store()
	mustPut(t, s, []byte("partners: {}\n# LEGACY field\n"), "alice", "", 1)
	mustPut(t, s, content(3), "alice", "", 2)
	h.strict.Store(true)
	_, err := s.Rollback(ctx(t), 2, "carol", "", 3)
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("Rollback to content the rules now reject: err = %v, want the validation error", err)
	}
	if _, cur := mustCurrent(t, s); cur.Number != 3 {
		t.Errorf("a rejected Rollback moved current to %d", cur.Number)
	}
}

// next waits (bounded) for a delivery on w.
func next(t *testing.T, w <-chan contentstore.Version, what string) contentstore.Version {
	t.Helper()
	select {
	case v, ok := <-w:
		if !ok {
			t.Fatalf("%s: watch channel closed", what)
		}
		return v
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: nothing delivered within 20 s", what)
	}
	return contentstore.Version{}
}

// waitFor reads deliveries until one has number want (repeats and skipped intermediates are
// allowed; going past want is not).
func waitFor(t *testing.T, w <-chan contentstore.Version, want int64, what string) contentstore.Version {
	t.Helper()
	for {
		v := next(t, w, what)
		if v.Number == want {
			return v
		}
		if v.Number > want {
			t.Fatalf("%s: got version %d, never %d", what, v.Number, want)
		}
	}
}

func testWatchSame(t *testing.T, h *harness) {
	s := h.store()
	c := ctx(t)
	w1, w2 := s.Watch(c), s.Watch(c)
	for i, w := range []<-chan contentstore.Version{w1, w2} {
		if v := next(t, w, "first delivery"); v.Number != 1 {
			t.Errorf("watcher %d: first delivery %d, want the version current at start (1)", i, v.Number)
		}
	}
	v2 := mustPut(t, s, content(2), "alice", "", 1)
	for i, w := range []<-chan contentstore.Version{w1, w2} {
		if got := waitFor(t, w, 2, "Put on the same instance"); !sameVersion(got, v2) {
			t.Errorf("watcher %d got %+v, want %+v", i, got, v2)
		}
	}
}

func testWatchOther(t *testing.T, h *harness) {
	if !h.b.Shared {
		t.Skip("one instance at a time on this backing: WatchSameInstance covers it")
	}
	a, b := h.store(), h.store()
	c := ctx(t)
	w := a.Watch(c)
	if v := next(t, w, "first delivery"); v.Number != 1 {
		t.Errorf("first delivery %d, want 1", v.Number)
	}
	v2 := mustPut(t, b, content(2), "alice", "from the other edge", 1)
	if got := waitFor(t, w, 2, "Put on another instance"); !sameVersion(got, v2) {
		t.Errorf("watch delivered %+v, want %+v", got, v2)
	}
	v3, err := b.Rollback(c, 1, "alice", "", 2)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, v3.Number, "Rollback on another instance")
}

func testWatchEnds(t *testing.T, h *harness) {
	s := h.store()
	c, cancel := context.WithCancel(ctx(t))
	w := s.Watch(c)
	next(t, w, "first delivery")
	cancel()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case _, ok := <-w:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel still open 20 s after its context ended")
		}
	}
}

func testConcurrentConflict(t *testing.T, h *harness) {
	s1 := h.store()
	s2 := h.second(s1)
	_, cur := mustCurrent(t, s1)
	const n = 8
	var wins, conflicts atomic.Int32
	var winner atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		wg.Go(func() {
			v, err := s.Put(context.Background(), content(100+i), "racer", "", cur.Number)
			switch {
			case err == nil:
				wins.Add(1)
				winner.Store(int64(100 + i))
				if v.Number != cur.Number+1 {
					errs <- fmt.Errorf("winner got version %d, want %d", v.Number, cur.Number+1)
				}
			case errors.Is(err, contentstore.ErrConflict):
				conflicts.Add(1)
			default:
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if wins.Load() != 1 || conflicts.Load() != n-1 {
		t.Fatalf("%d concurrent Puts on ifMatch %d: %d won, %d conflicted; want 1 and %d", n, cur.Number, wins.Load(), conflicts.Load(), n-1)
	}
	src, v := mustCurrent(t, s1)
	if v.Number != cur.Number+1 || !bytes.Equal(src, content(int(winner.Load()))) {
		t.Errorf("current = %d %q, want the winner's content as %d", v.Number, src, cur.Number+1)
	}
	if hist := mustHistory(t, s2); len(hist) != int(cur.Number)+1 {
		t.Errorf("history has %d versions, want %d", len(hist), cur.Number+1)
	}
}

func testConcurrentNumbers(t *testing.T, h *harness) {
	s1 := h.store()
	s2 := h.second(s1)
	const n = 10
	var wg sync.WaitGroup
	var mu sync.Mutex
	got := map[int64]string{}
	for i := range n {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		wg.Go(func() {
			v, err := s.Put(context.Background(), content(200+i), "racer", "", 0)
			if err != nil {
				t.Errorf("Put without ifMatch: %v", err)
				return
			}
			mu.Lock()
			defer mu.Unlock()
			if prev, dup := got[v.Number]; dup {
				t.Errorf("version %d given twice (%s and %s)", v.Number, prev, v.Digest)
			}
			got[v.Number] = v.Digest
		})
	}
	wg.Wait()
	for i := int64(2); i <= n+1; i++ {
		if _, ok := got[i]; !ok {
			t.Errorf("no Put got version %d: %v", i, got)
		}
	}
	for num, digest := range got {
		if _, v, err := s1.Get(ctx(t), num); err != nil || v.Digest != digest {
			t.Errorf("Get(%d) = %+v, %v; want digest %s", num, v, err, digest)
		}
	}
}

// testReopen: everything survives closing every instance and opening a new one, and the seed
// is not applied again.
func testReopen(t *testing.T, h *harness) {
	s := h.store()
	mustPut(t, s, content(2), "alice", "", 1)
	v3 := mustPut(t, s, content(3), "bob", "b", 2)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	r := h.store()
	src, cur := mustCurrent(t, r)
	if !bytes.Equal(src, content(3)) || !sameVersion(cur, v3) {
		t.Errorf("after reopening current = %+v %q, want %+v", cur, src, v3)
	}
	if hist := mustHistory(t, r); len(hist) != 3 {
		t.Errorf("after reopening history has %d versions, want 3", len(hist))
	}
	if v := mustPut(t, r, content(4), "carol", "", 3); v.Number != 4 {
		t.Errorf("Put after reopening made version %d, want 4", v.Number)
	}
}

func testCloseTwice(t *testing.T, h *harness) {
	s := h.store()
	w := s.Watch(ctx(t))
	next(t, w, "first delivery")
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	deadline := time.After(20 * time.Second)
	for {
		select {
		case _, ok := <-w:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("watch channel still open 20 s after Close")
		}
	}
}
