package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
)

// reviewScript marks a record reviewed, once: the record must be in the ids hash (every record
// in the stream is), and HSETNX keeps the first reviewer when two edges mark it at once.
//
// KEYS: ids hash, reviews hash. ARGV: id, review JSON.
// Returns {"missing", ""}, {"new", review JSON} or {"exists", the first review's JSON}.
var reviewScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
  return {'missing', ''}
end
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 1 then
  return {'new', ARGV[2]}
end
return {'exists', redis.call('HGET', KEYS[2], ARGV[1])}
`)

// MarkReviewed implements feedback.Reviewer. A record still in this edge's spool (Redis was
// away when it came in) is not in Redis yet, so it cannot be marked until it is replayed; it is
// not listed either, since listing reads the stream.
func (s *Store) MarkReviewed(ctx context.Context, id, by string, at time.Time) (feedback.Review, bool, error) {
	if !feedback.ValidID(id) {
		return feedback.Review{}, false, feedback.ErrNotFound
	}
	b, err := json.Marshal(feedback.Review{ID: id, ReviewedBy: by, ReviewedAt: at.UTC()})
	if err != nil {
		return feedback.Review{}, false, err
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	res, err := reviewScript.Run(ctx, s.rdb, []string{s.keys.ids, s.keys.reviews}, id, b).StringSlice()
	if err != nil {
		return feedback.Review{}, false, err
	}
	if len(res) != 2 {
		return feedback.Review{}, false, fmt.Errorf("redisstore: unexpected review script reply %q", res)
	}
	if res[0] == "missing" {
		return feedback.Review{}, false, feedback.ErrNotFound
	}
	var rv feedback.Review
	if err := json.Unmarshal([]byte(res[1]), &rv); err != nil {
		return feedback.Review{}, false, fmt.Errorf("redisstore: review of %s: %w", id, err)
	}
	return rv, res[0] == "new", nil
}

// Reviews implements feedback.Reviewer: one HGETALL (a review is a few dozen bytes; a hash of
// some hundred thousand is a few megabytes, read once per dashboard request).
func (s *Store) Reviews(ctx context.Context) (map[string]feedback.Review, error) {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	all, err := s.rdb.HGetAll(ctx, s.keys.reviews).Result()
	if err != nil {
		return nil, err
	}
	m := make(map[string]feedback.Review, len(all))
	for id, v := range all {
		var rv feedback.Review
		if json.Unmarshal([]byte(v), &rv) == nil {
			rv.ID = id
			m[id] = rv
		}
	}
	return m, nil
}
