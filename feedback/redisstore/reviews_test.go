package redisstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/redistest"
)

// TestReviews: marks go into one Redis hash, the first reviewer wins (also across edges racing),
// unknown ids are refused, and another store on the same Redis (another edge, or the CLI's
// reader) sees them.
func TestReviews(t *testing.T) {
	r := redistest.Start(t)
	c := newClient(t, r)
	ctx := context.Background()
	s, err := Open(c, Options{SpoolDir: filepath.Join(t.TempDir(), "spool"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := feedback.NewIDs()
	a, b := rec(ids, "/a", "one"), rec(ids, "/b", "two")
	for _, x := range []*feedback.Record{a, b} {
		if _, _, err := s.Add(ctx, x, nil); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 11, 22, 12, 0, 0, 123456789, time.UTC)
	rv, first, err := s.MarkReviewed(ctx, a.ID, "alice", at)
	if err != nil || !first || rv.ID != a.ID || rv.ReviewedBy != "alice" || !rv.ReviewedAt.Equal(at) {
		t.Fatalf("first mark: %+v %v %v", rv, first, err)
	}
	rv, first, err = s.MarkReviewed(ctx, a.ID, "bob", at.Add(time.Hour))
	if err != nil || first || rv.ReviewedBy != "alice" || !rv.ReviewedAt.Equal(at) {
		t.Errorf("second mark must keep the first: %+v %v %v", rv, first, err)
	}
	for _, id := range []string{"01M80CND6AQ3H4YJXDW7BZ6AHT", "nope", "{x}"} {
		if _, _, err := s.MarkReviewed(ctx, id, "alice", at); !errors.Is(err, feedback.ErrNotFound) {
			t.Errorf("unknown id %q: %v", id, err)
		}
	}

	// Two "edges" (stores on the same Redis) race to mark b.
	other := OpenReader(c, "")
	var wg sync.WaitGroup
	results := make([]feedback.Review, 8)
	firsts := make([]bool, 8)
	for i := range 8 {
		st := s
		if i%2 == 1 {
			st = other
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			results[i], firsts[i], err = st.MarkReviewed(ctx, b.ID, fmt.Sprintf("op%d", i), at)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	winners := 0
	for i := range 8 {
		if firsts[i] {
			winners++
		}
		if results[i].ReviewedBy != results[0].ReviewedBy {
			t.Errorf("racing marks disagree: %v", results)
		}
	}
	if winners != 1 {
		t.Errorf("%d first marks, want 1", winners)
	}

	got, err := other.Reviews(ctx)
	if err != nil || len(got) != 2 || got[a.ID].ReviewedBy != "alice" || !got[a.ID].ReviewedAt.Equal(at) || got[b.ID].ReviewedBy != results[0].ReviewedBy {
		t.Fatalf("reviews read by another store: %+v %v", got, err)
	}
	if n, err := c.HLen(ctx, "{"+DefaultPrefix+"}:reviews").Result(); err != nil || n != 2 {
		t.Errorf("reviews hash holds %d fields (%v), want 2", n, err)
	}

	// With Redis away a mark fails (the handler answers 503), and reading does too.
	r.Stop()
	if _, _, err := s.MarkReviewed(ctx, b.ID, "alice", at); err == nil || errors.Is(err, feedback.ErrNotFound) {
		t.Errorf("mark with Redis down: %v", err)
	}
	if _, err := s.Reviews(ctx); err == nil {
		t.Error("reviews read with Redis down")
	}
}
