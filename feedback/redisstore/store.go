// Package redisstore keeps feedback in a Redis Stream shared by every edge instance. When Redis
// cannot be reached a record goes to a local, fsynced spool (a logstore log) and is still
// acknowledged; a background loop replays the spool into the stream when Redis is back. Each
// record carries its id into Redis, and one Lua script adds it only if that id was never added,
// so a record replayed twice (a crash mid-replay, a reply lost in a timeout) is stored once.
package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/segmentlog"
)

// SpoolPrefix is the file prefix of spool logs.
const SpoolPrefix = "spool"

// DefaultPrefix is the default key prefix. Keys are "{prefix}:records" and so on: the braces
// put every key of the intake in one Cluster slot, which the Lua script needs.
const DefaultPrefix = "signpost:feedback"

// addScript stores a record (and its follow-up) atomically.
//
// KEYS: ids hash, dedupe key, records stream, follow-ups stream.
// ARGV: id, record JSON, dedupe ("1" or "0"), dedupe window in seconds, follow-up JSON or "".
// Returns {"ok", stream id}, {"dup", earlier record id} or {"exists", id} (already stored).
var addScript = redis.NewScript(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then
  return {'exists', ARGV[1]}
end
if ARGV[3] == '1' then
  local prev = redis.call('GET', KEYS[2])
  if prev then return {'dup', prev} end
end
local sid = redis.call('XADD', KEYS[3], '*', 'id', ARGV[1], 'record', ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], sid)
if ARGV[3] == '1' then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[4]) end
if ARGV[5] ~= '' then redis.call('XADD', KEYS[4], '*', 'id', ARGV[1], 'followup', ARGV[5]) end
return {'ok', sid}
`)

// Options tune a Store.
type Options struct {
	// Prefix of every key (DefaultPrefix).
	Prefix string
	// SpoolDir holds the local spool (required): data-dir/spool.
	SpoolDir string
	// Timeout bounds each Redis call on the request path (default 2 s): past it the record is
	// spooled rather than keeping the visitor waiting.
	Timeout time.Duration
	// ReplayEvery is how often the spool is retried while it holds records (default 1 s).
	ReplayEvery time.Duration
	Logger      *slog.Logger
	// MaxSpoolSegment rotates spool files (segmentlog.DefaultMaxSegment).
	MaxSpoolSegment int64
}

// Store is the Redis feedback store.
type Store struct {
	rdb    redis.UniversalClient
	opts   Options
	log    *slog.Logger
	keys   keys
	spool  *segmentlog.Log
	dedupe *feedback.Dedupe // for records spooled while Redis is away

	spooled, replayed, depth, redisErrors atomic.Int64
	lastWarn                              atomic.Int64 // unix seconds of the last "Redis down" warning
	// downUntil (unix nanoseconds): after a failed write, submissions go straight to the spool
	// for a second instead of each waiting out a dial to a Redis that is away.
	downUntil atomic.Int64

	replayMu sync.Mutex
	kick     chan struct{}
	stop     chan struct{}
	wg       sync.WaitGroup
}

var (
	_ feedback.Store    = (*Store)(nil)
	_ feedback.Reviewer = (*Store)(nil)
)

// downPause is how long submissions skip a Redis that just failed them (the spool takes them).
const downPause = time.Second

type keys struct{ ids, records, followups, dedupe, reviews string }

func newKeys(prefix string) keys {
	p := "{" + prefix + "}:"
	return keys{ids: p + "ids", records: p + "records", followups: p + "followups", dedupe: p + "dedupe:", reviews: p + "reviews"}
}

// spoolEntry is one line of the spool.
type spoolEntry struct {
	Record   *feedback.Record   `json:"record"`
	Followup *feedback.Followup `json:"followup,omitempty"`
}

// Open opens the spool (locked against a second process) and starts the replay loop. It
// succeeds while Redis is down: records spool until it is back. The caller keeps ownership of
// rdb (shared with the edge's other stores); Close does not close it.
func Open(rdb redis.UniversalClient, opts Options) (*Store, error) {
	if opts.SpoolDir == "" {
		return nil, errors.New("redisstore: a spool dir is required")
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Second
	}
	if opts.ReplayEvery <= 0 {
		opts.ReplayEvery = time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	spool, err := segmentlog.Open(opts.SpoolDir, SpoolPrefix, segmentlog.Options{MaxSegment: opts.MaxSpoolSegment, Logger: opts.Logger})
	if err != nil {
		return nil, err
	}
	s := &Store{rdb: rdb, opts: opts, log: opts.Logger, keys: newKeys(opts.Prefix), spool: spool,
		dedupe: feedback.NewDedupe(feedback.DedupeWindow), kick: make(chan struct{}, 1), stop: make(chan struct{})}
	n := 0
	if err := segmentlog.ReadAll(opts.SpoolDir, SpoolPrefix, func([]byte) error { n++; return nil }); err != nil {
		spool.Close()
		return nil, err
	}
	s.depth.Store(int64(n))
	if n > 0 {
		s.log.Info("feedback spool holds records from a time Redis was away; replaying when it is reachable", "records", n)
	}
	s.wg.Add(1)
	go s.replayLoop()
	s.Kick()
	return s, nil
}

// OpenReader returns a store that only reads (export, stats, follow-ups) and purges: what the
// CLI uses beside running edges, which hold their own spools. Close does not close rdb.
func OpenReader(rdb redis.UniversalClient, prefix string) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &Store{rdb: rdb, opts: Options{Prefix: prefix, Timeout: 2 * time.Second}, log: slog.Default(), keys: newKeys(prefix)}
}

// Add implements feedback.Store: one script call; on any Redis error the record is spooled
// (durably) instead, and replayed later with the same id.
func (s *Store) Add(ctx context.Context, rec *feedback.Record, fu *feedback.Followup) (string, bool, error) {
	if s.spool == nil {
		return "", false, errors.New("redisstore: opened read-only")
	}
	recJSON, err := json.Marshal(rec)
	if err != nil {
		return "", false, err
	}
	if time.Now().UnixNano() >= s.downUntil.Load() {
		status, val, err := s.run(ctx, rec, recJSON, fu, true)
		if err == nil {
			if status == "dup" {
				return val, true, nil
			}
			return rec.ID, false, nil
		}
		s.downUntil.Store(time.Now().Add(downPause).UnixNano())
		s.warnDown(err)
	}
	prev, dup, done := s.dedupe.Begin(rec.DedupeKey(), rec.ID, rec.ReceivedAt)
	if dup {
		return prev, true, nil
	}
	line, err := json.Marshal(spoolEntry{Record: rec, Followup: fu})
	if err == nil {
		err = s.spool.Append(line)
	}
	done(err == nil)
	if err != nil {
		return "", false, fmt.Errorf("redis unreachable and the spool failed: %w", err)
	}
	s.spooled.Add(1)
	s.depth.Add(1)
	s.Kick()
	return rec.ID, false, nil
}

// run calls the add script.
func (s *Store) run(ctx context.Context, rec *feedback.Record, recJSON []byte, fu *feedback.Followup, dedupe bool) (status, val string, err error) {
	var fuJSON []byte
	if fu != nil {
		if fuJSON, err = json.Marshal(fu); err != nil {
			return "", "", err
		}
	}
	d := "0"
	if dedupe {
		d = "1"
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	res, err := addScript.Run(ctx, s.rdb,
		[]string{s.keys.ids, s.keys.dedupe + rec.DedupeKey(), s.keys.records, s.keys.followups},
		rec.ID, recJSON, d, int(feedback.DedupeWindow/time.Second), fuJSON).StringSlice()
	if err != nil {
		s.redisErrors.Add(1)
		return "", "", err
	}
	if len(res) != 2 {
		return "", "", fmt.Errorf("redisstore: unexpected script reply %q", res)
	}
	return res[0], res[1], nil
}

// warnDown logs that Redis is unreachable, at most every 10 s.
func (s *Store) warnDown(err error) {
	now := time.Now().Unix()
	if last := s.lastWarn.Load(); now-last >= 10 && s.lastWarn.CompareAndSwap(last, now) {
		s.log.Warn("Redis unreachable: spooling feedback locally, to replay when it is back", "err", err)
	}
}

// Kick asks the replay loop to try now.
func (s *Store) Kick() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Store) replayLoop() {
	defer s.wg.Done()
	t := time.NewTicker(s.opts.ReplayEvery)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-s.kick:
		case <-t.C:
		}
		if s.depth.Load() == 0 {
			continue
		}
		if _, err := s.Replay(context.Background()); err != nil && !errors.Is(err, segmentlog.ErrClosed) {
			s.log.Debug("feedback spool replay deferred", "err", err)
		}
	}
}

// Replay moves the spool into Redis: the current spool file is closed, each closed file is
// replayed line by line, and deleted once every line of it is in Redis. It stops at the first
// Redis error, leaving the rest for the next try. It returns how many records were added (ones
// already in Redis are not counted again).
func (s *Store) Replay(ctx context.Context) (int, error) {
	if s.spool == nil {
		return 0, errors.New("redisstore: opened read-only")
	}
	s.replayMu.Lock()
	defer s.replayMu.Unlock()
	pctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	err := s.rdb.Ping(pctx).Err()
	cancel()
	if err != nil {
		return 0, err
	}
	s.downUntil.Store(0) // Redis answers: new submissions go to it again
	if err := s.spool.Rotate(); err != nil {
		return 0, err
	}
	segs, err := segmentlog.Segments(s.opts.SpoolDir, SpoolPrefix)
	if err != nil || len(segs) < 2 {
		return 0, err
	}
	added := 0
	for _, seg := range segs[:len(segs)-1] {
		// A segment counts as replayed once it is deleted, every line of it in Redis: a record
		// whose script ran but whose answer was lost (Redis going down again) is found
		// already there on the next try and still counts once.
		lines, records := 0, 0
		err := segmentlog.ReadSegment(seg.Path, func(line []byte) error {
			var e spoolEntry
			if err := json.Unmarshal(line, &e); err != nil || e.Record == nil || !feedback.ValidID(e.Record.ID) {
				s.log.Error("feedback spool: dropping a line that is not a spooled record", "file", seg.Path)
				lines++
				return nil
			}
			recJSON, err := json.Marshal(e.Record)
			if err != nil {
				return err
			}
			status, _, err := s.run(ctx, e.Record, recJSON, e.Followup, false)
			if err != nil {
				return err
			}
			if status == "ok" {
				added++
			}
			lines++
			records++
			return nil
		})
		if err != nil {
			return added, err
		}
		if err := os.Remove(seg.Path); err != nil {
			return added, err
		}
		s.replayed.Add(int64(records))
		s.depth.Add(-int64(lines))
	}
	if added > 0 {
		s.log.Info("feedback spool replayed into Redis", "records", added)
	}
	return added, nil
}

// Records implements feedback.Store, reading the stream from the first entry that can be at or
// after f.Since (an entry's stream id is never earlier than its record's receipt).
func (s *Store) Records(ctx context.Context, f feedback.Filter, fn func(*feedback.Record) error) error {
	start := "-"
	if !f.Since.IsZero() {
		start = strconv.FormatInt(max(f.Since.UnixMilli(), 0), 10)
	}
	return s.scan(ctx, s.keys.records, start, "record", func(b []byte) error {
		var r feedback.Record
		if err := json.Unmarshal(b, &r); err != nil {
			return nil
		}
		if !f.Match(&r) {
			return nil
		}
		return fn(&r)
	})
}

// Followups implements feedback.Store.
func (s *Store) Followups(ctx context.Context, since time.Time, fn func(*feedback.Followup) error) error {
	return s.scan(ctx, s.keys.followups, "-", "followup", func(b []byte) error {
		var fu feedback.Followup
		if json.Unmarshal(b, &fu) != nil || fu.ReceivedAt.Before(since) {
			return nil
		}
		return fn(&fu)
	})
}

// scan reads a stream in pages of 1,000 entries.
func (s *Store) scan(ctx context.Context, key, start, field string, fn func([]byte) error) error {
	for {
		msgs, err := s.rdb.XRangeN(ctx, key, start, "+", 1000).Result()
		if err != nil {
			return err
		}
		for _, m := range msgs {
			if v, ok := m.Values[field].(string); ok {
				if err := fn([]byte(v)); err != nil {
					return err
				}
			}
		}
		if len(msgs) < 1000 {
			return nil
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
}

// PurgeFollowups implements feedback.Store: XTRIM MINID drops follow-ups added before cutoff.
// A follow-up goes when it was received before cutoff, whenever it reached Redis: one spooled
// during an outage and replayed later is not kept longer for it (the contract suite checks).
func (s *Store) PurgeFollowups(ctx context.Context, cutoff time.Time) (int, error) {
	var old []string
	start := "-"
	for {
		msgs, err := s.rdb.XRangeN(ctx, s.keys.followups, start, "+", 1000).Result()
		if err != nil {
			return 0, err
		}
		for _, m := range msgs {
			var fu feedback.Followup
			if v, ok := m.Values["followup"].(string); ok && json.Unmarshal([]byte(v), &fu) == nil && fu.ReceivedAt.Before(cutoff) {
				old = append(old, m.ID)
			}
		}
		if len(msgs) < 1000 {
			break
		}
		start = "(" + msgs[len(msgs)-1].ID
	}
	n := 0
	for len(old) > 0 {
		batch := old[:min(len(old), 500)]
		old = old[len(batch):]
		d, err := s.rdb.XDel(ctx, s.keys.followups, batch...).Result()
		n += int(d)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// Stats are the store's counters for /metrics.
type Stats struct {
	Spooled, Replayed, SpoolDepth, RedisErrors int64
}

// Stats returns the counters.
func (s *Store) Stats() Stats {
	return Stats{Spooled: s.spooled.Load(), Replayed: s.replayed.Load(), SpoolDepth: s.depth.Load(), RedisErrors: s.redisErrors.Load()}
}

// Close stops the replay loop and closes the spool. Records still spooled stay on disk and are
// replayed by the next start.
func (s *Store) Close() error {
	if s.spool == nil {
		return nil
	}
	select {
	case <-s.stop:
		return nil
	default:
	}
	close(s.stop)
	s.wg.Wait()
	return s.spool.Close()
}
