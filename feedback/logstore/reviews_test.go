package logstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
)

// TestReviews: a mark is kept (the first reviewer wins, also when several race), unknown ids are
// refused, and the reviews survive a restart, a torn last line included.
func TestReviews(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	s, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := feedback.NewIDs()
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	var recs []*feedback.Record
	for i := range 3 {
		r := record(ids, now.Add(time.Duration(i)*time.Second), fmt.Sprintf("/%d", i), "")
		// A comment quoting another record's id must not make that id "found".
		if i == 2 {
			r.Comment = `"id":"` + recs[0].ID + `"`
		}
		if _, _, err := s.Add(ctx, r, nil); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}

	at := now.Add(time.Hour)
	rv, first, err := s.MarkReviewed(ctx, recs[0].ID, "alice", at)
	if err != nil || !first || rv.ID != recs[0].ID || rv.ReviewedBy != "alice" || !rv.ReviewedAt.Equal(at) {
		t.Fatalf("first mark: %+v %v %v", rv, first, err)
	}
	rv, first, err = s.MarkReviewed(ctx, recs[0].ID, "bob", at.Add(time.Hour))
	if err != nil || first || rv.ReviewedBy != "alice" || !rv.ReviewedAt.Equal(at) {
		t.Errorf("second mark must keep the first: %+v %v %v", rv, first, err)
	}
	for _, id := range []string{"01M80CND6AQ3H4YJXDW7BZ6AHT", "nope", ""} {
		if _, _, err := s.MarkReviewed(ctx, id, "alice", at); !errors.Is(err, feedback.ErrNotFound) {
			t.Errorf("unknown id %q: %v", id, err)
		}
	}

	// Eight operators mark the same record at once: one wins, all see the winner.
	var wg sync.WaitGroup
	results := make([]feedback.Review, 8)
	firsts := make([]bool, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			results[i], firsts[i], err = s.MarkReviewed(ctx, recs[1].ID, fmt.Sprintf("op%d", i), at)
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
	winner := results[0].ReviewedBy

	got, err := s.Reviews(ctx)
	if err != nil || len(got) != 2 || got[recs[0].ID].ReviewedBy != "alice" || got[recs[1].ID].ReviewedBy != winner {
		t.Fatalf("reviews %+v %v", got, err)
	}
	// A read-only store beside the running one reads the same.
	if ro, err := OpenReadOnly(dir).Reviews(ctx); err != nil || len(ro) != 2 || ro[recs[0].ID].ReviewedBy != "alice" {
		t.Errorf("read-only reviews %+v %v", ro, err)
	}
	if _, _, err := OpenReadOnly(dir).MarkReviewed(ctx, recs[2].ID, "alice", at); err == nil {
		t.Error("a read-only store marked a review")
	}
	s.Close()

	// A crash mid-append leaves a torn line: the next open cuts it, the reviews before stay.
	path := filepath.Join(dir, ReviewsDir, ReviewsPrefix+"-00000001.jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(`{"id":"` + recs[2].ID + `","reviewed_by":"ca`); err != nil {
		t.Fatal(err)
	}
	f.Close()
	s, err = Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Repaired() == 0 {
		t.Error("the torn review line was not cut")
	}
	got, err = s.Reviews(ctx)
	if err != nil || len(got) != 2 || got[recs[0].ID].ReviewedBy != "alice" || !got[recs[0].ID].ReviewedAt.Equal(at) || got[recs[1].ID].ReviewedBy != winner {
		t.Fatalf("after reopening: %+v %v", got, err)
	}
	// The torn mark was never acknowledged: the record can be marked now.
	if rv, first, err := s.MarkReviewed(ctx, recs[2].ID, "carla", at); err != nil || !first || rv.ReviewedBy != "carla" {
		t.Errorf("mark after repair: %+v %v %v", rv, first, err)
	}
	if _, first, _ := s.MarkReviewed(ctx, recs[0].ID, "bob", at); first {
		t.Error("after reopening, a second mark replaced the first")
	}
}
