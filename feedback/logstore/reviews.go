package logstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/segmentlog"
)

func (s *Store) reviewsDir() string { return filepath.Join(s.dataDir, ReviewsDir) }

// loadReviews reads the reviews log: one JSON review per line, appended once per record. A
// torn last line is skipped (OpenLog has already cut it off when opening for writing): it was
// never acknowledged. A line that does not decode is skipped with a warning, like a damaged
// record line.
func (s *Store) loadReviews() (map[string]feedback.Review, error) {
	m := map[string]feedback.Review{}
	bad := 0
	err := segmentlog.ReadAll(s.reviewsDir(), ReviewsPrefix, func(line []byte) error {
		var rv feedback.Review
		if json.Unmarshal(line, &rv) != nil || rv.ID == "" {
			bad++
			return nil
		}
		if _, seen := m[rv.ID]; !seen { // the first review stands
			m[rv.ID] = rv
		}
		return nil
	})
	if bad > 0 {
		s.log.Warn("reviews log: skipped lines that are not reviews", "count", bad, "dir", s.reviewsDir())
	}
	return m, err
}

// Reviews implements feedback.Reviewer. A read-only store reads the log afresh, since the
// running edge beside it may have appended since.
func (s *Store) Reviews(ctx context.Context) (map[string]feedback.Review, error) {
	if s.reviews == nil {
		return s.loadReviews()
	}
	s.reviewMu.Lock()
	defer s.reviewMu.Unlock()
	return maps.Clone(s.reviewed), nil
}

// MarkReviewed implements feedback.Reviewer: the review is appended (and fsynced) before it is
// acknowledged. Marks are serialized, so of two operators marking at once the first written
// wins and the second gets it back.
func (s *Store) MarkReviewed(ctx context.Context, id, by string, at time.Time) (feedback.Review, bool, error) {
	if s.reviews == nil {
		return feedback.Review{}, false, errors.New("feedback store opened read-only")
	}
	s.reviewMu.Lock()
	defer s.reviewMu.Unlock()
	if rv, ok := s.reviewed[id]; ok {
		return rv, false, nil
	}
	found, err := s.hasRecord(ctx, id)
	if err != nil {
		return feedback.Review{}, false, err
	}
	if !found {
		return feedback.Review{}, false, feedback.ErrNotFound
	}
	rv := feedback.Review{ID: id, ReviewedBy: by, ReviewedAt: at.UTC()}
	b, err := json.Marshal(rv)
	if err != nil {
		return feedback.Review{}, false, err
	}
	if err := s.reviews.Append(b); err != nil {
		return feedback.Review{}, false, fmt.Errorf("reviews log: %w", err)
	}
	s.reviewed[id] = rv
	return rv, true, nil
}

// errFound stops a scan at the record looked for.
var errFound = errors.New("found")

// hasRecord reports whether a record with this id is stored. It reads the whole log: there is
// no index by id, and a mark is a rare, operator-paced request over at most some hundred
// thousand records, which one sequential read serves in well under a second.
func (s *Store) hasRecord(ctx context.Context, id string) (bool, error) {
	if !feedback.ValidID(id) {
		return false, nil
	}
	want := []byte(`"id":"` + id + `"`)
	err := segmentlog.ReadAll(s.recordsDir(), RecordsPrefix, func(line []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		// Records are marshalled by Add, so the id is written exactly so; decode only a line
		// that holds it, to be sure it is the record's own id and not a comment quoting it.
		if !bytes.Contains(line, want) {
			return nil
		}
		var r feedback.Record
		if json.Unmarshal(line, &r) == nil && r.ID == id {
			return errFound
		}
		return nil
	})
	if errors.Is(err, errFound) {
		return true, nil
	}
	return false, err
}
