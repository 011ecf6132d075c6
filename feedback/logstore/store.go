// Package logstore keeps feedback in append-only JSON-lines logs under the data dir
// (internal/segmentlog): the embedded mode's store.
package logstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/atomicfile"
	"github.com/signpost/edge/internal/segmentlog"
)

// Options tune the store's logs (segment size, logger).
type Options = segmentlog.Options

// ErrClosed is returned by a write after Close.
var ErrClosed = segmentlog.ErrClosed

// Directories and file prefixes under the data dir.
const (
	RecordsDir      = "feedback"
	RecordsPrefix   = "records"
	FollowupsDir    = "followups"
	FollowupsPrefix = "followups"
	// ReviewsDir holds the operators' reviews of records (reviews.go): a log of its own, since
	// a log's directory is locked by the process writing it.
	ReviewsDir    = "reviews"
	ReviewsPrefix = "reviews"
)

// Store is the embedded feedback store: records in one log, follow-up emails in another (so
// they can be deleted after the retention window without touching the feedback).
type Store struct {
	dataDir   string
	records   *segmentlog.Log // nil when read-only
	followups *segmentlog.Log
	reviews   *segmentlog.Log
	dedupe    *feedback.Dedupe
	now       func() time.Time
	log       *slog.Logger

	// reviewMu serializes marks, so that the first reviewer of a record wins; reviewed is the
	// reviews log loaded at open and kept up to date (nil when read-only).
	reviewMu sync.Mutex
	reviewed map[string]feedback.Review
}

var (
	_ feedback.Store    = (*Store)(nil)
	_ feedback.Reviewer = (*Store)(nil)
)

// Open opens (creating) the store under dataDir for writing: one process at a time. The
// duplicate window is primed from the newest records, so a restart does not let a repeat in.
func Open(dataDir string, opts Options, now func() time.Time) (*Store, error) {
	if now == nil {
		now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	s := &Store{dataDir: dataDir, dedupe: feedback.NewDedupe(feedback.DedupeWindow), now: now, log: opts.Logger}
	var err error
	if s.records, err = segmentlog.Open(filepath.Join(dataDir, RecordsDir), RecordsPrefix, opts); err != nil {
		return nil, err
	}
	if s.followups, err = segmentlog.Open(filepath.Join(dataDir, FollowupsDir), FollowupsPrefix, opts); err != nil {
		s.records.Close()
		return nil, err
	}
	if s.reviews, err = segmentlog.Open(filepath.Join(dataDir, ReviewsDir), ReviewsPrefix, opts); err != nil {
		s.Close()
		return nil, err
	}
	if s.reviewed, err = s.loadReviews(); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.prime(); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// OpenReadOnly reads the store under dataDir without locking it, beside a running edge: what
// `edge feedback export` does.
func OpenReadOnly(dataDir string) *Store {
	return &Store{dataDir: dataDir, now: time.Now, log: slog.Default()}
}

// prime remembers the records of the last duplicate window, from the newest two files (a
// rotation within the window leaves it across two).
func (s *Store) prime() error {
	segs, err := segmentlog.Segments(s.recordsDir(), RecordsPrefix)
	if err != nil {
		return err
	}
	if len(segs) > 2 {
		segs = segs[len(segs)-2:]
	}
	since := s.now().Add(-feedback.DedupeWindow)
	for _, seg := range segs {
		err := segmentlog.ReadSegment(seg.Path, func(line []byte) error {
			var r feedback.Record
			if json.Unmarshal(line, &r) == nil && r.ReceivedAt.After(since) {
				s.dedupe.Remember(r.DedupeKey(), r.ID, r.ReceivedAt)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) recordsDir() string   { return filepath.Join(s.dataDir, RecordsDir) }
func (s *Store) followupsDir() string { return filepath.Join(s.dataDir, FollowupsDir) }

// Add implements feedback.Store: the follow-up first, then the record, each fsynced, so an
// acknowledged record with followup true always has its email on disk.
func (s *Store) Add(ctx context.Context, rec *feedback.Record, fu *feedback.Followup) (string, bool, error) {
	if s.records == nil {
		return "", false, errors.New("feedback store opened read-only")
	}
	prev, dup, done := s.dedupe.Begin(rec.DedupeKey(), rec.ID, rec.ReceivedAt)
	if dup {
		return prev, true, nil
	}
	err := s.append(rec, fu)
	done(err == nil)
	if err != nil {
		return "", false, err
	}
	return rec.ID, false, nil
}

func (s *Store) append(rec *feedback.Record, fu *feedback.Followup) error {
	if fu != nil {
		b, err := json.Marshal(fu)
		if err != nil {
			return err
		}
		if err := s.followups.Append(b); err != nil {
			return fmt.Errorf("follow-up log: %w", err)
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := s.records.Append(b); err != nil {
		return fmt.Errorf("feedback log: %w", err)
	}
	return nil
}

// Records implements feedback.Store. Lines that do not decode (damage from outside the edge)
// are skipped with a warning rather than hiding every record after them.
func (s *Store) Records(ctx context.Context, f feedback.Filter, fn func(*feedback.Record) error) error {
	bad := 0
	err := segmentlog.ReadAll(s.recordsDir(), RecordsPrefix, func(line []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var r feedback.Record
		if err := json.Unmarshal(line, &r); err != nil || r.ID == "" {
			bad++
			return nil
		}
		if !f.Match(&r) {
			return nil
		}
		return fn(&r)
	})
	if bad > 0 {
		s.log.Warn("feedback log: skipped lines that are not records", "count", bad, "dir", s.recordsDir())
	}
	return err
}

// Followups implements feedback.Store.
func (s *Store) Followups(ctx context.Context, since time.Time, fn func(*feedback.Followup) error) error {
	return segmentlog.ReadAll(s.followupsDir(), FollowupsPrefix, func(line []byte) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var f feedback.Followup
		if json.Unmarshal(line, &f) != nil || f.ID == "" || f.ReceivedAt.Before(since) {
			return nil
		}
		return fn(&f)
	})
}

// PurgeFollowups implements feedback.Store: the current file is rotated, then each closed file
// is deleted when all its follow-ups are past cutoff, or rewritten (to a temporary file, synced,
// renamed over) without them.
func (s *Store) PurgeFollowups(ctx context.Context, cutoff time.Time) (int, error) {
	if s.followups == nil {
		return 0, errors.New("feedback store opened read-only")
	}
	if err := s.followups.Rotate(); err != nil {
		return 0, err
	}
	segs, err := segmentlog.Segments(s.followupsDir(), FollowupsPrefix)
	if err != nil {
		return 0, err
	}
	purged := 0
	for _, seg := range segs[:max(len(segs)-1, 0)] { // never the current file
		if err := ctx.Err(); err != nil {
			return purged, err
		}
		var keep []byte
		n, dropped := 0, 0
		err := segmentlog.ReadSegment(seg.Path, func(line []byte) error {
			n++
			var f feedback.Followup
			if json.Unmarshal(line, &f) == nil && f.ReceivedAt.Before(cutoff) {
				dropped++
				return nil
			}
			keep = append(append(keep, line...), '\n')
			return nil
		})
		if err != nil {
			return purged, err
		}
		switch {
		case dropped == 0:
			continue
		case dropped == n:
			if err := os.Remove(seg.Path); err != nil {
				return purged, err
			}
		default:
			if err := atomicfile.Replace(seg.Path, keep, 0o600); err != nil {
				return purged, err
			}
		}
		purged += dropped
	}
	if purged > 0 {
		if err := atomicfile.SyncDir(s.followupsDir()); err != nil {
			return purged, err
		}
	}
	return purged, nil
}

// Close implements feedback.Store.
func (s *Store) Close() error {
	if s.records != nil {
		s.records.Close()
	}
	if s.followups != nil {
		s.followups.Close()
	}
	if s.reviews != nil {
		s.reviews.Close()
	}
	return nil
}

// Repaired is how many bytes of torn last lines the open cut off (records and follow-ups).
func (s *Store) Repaired() int64 {
	if s.records == nil {
		return 0
	}
	n := s.records.Repaired + s.followups.Repaired
	if s.reviews != nil {
		n += s.reviews.Repaired
	}
	return n
}

// Failed returns why the store refuses writes (its log failed a write or an fsync and must be
// restarted), nil while it works: /readyz reports it.
func (s *Store) Failed() error {
	for _, l := range []*segmentlog.Log{s.records, s.followups, s.reviews} {
		if l != nil {
			if err := l.Failed(); err != nil {
				return err
			}
		}
	}
	return nil
}
