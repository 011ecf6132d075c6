package usage

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis keeps the counters in Redis, shared by every edge: one hash per UTC day,
// "{prefix}usage:YYYY-MM-DD", whose fields are "partner|region|line|event" (ids and region codes
// never hold "|") and whose values are the counts. Each hash expires RetentionDays after its
// day. Add counts into a local buffer that a background loop adds to Redis with HINCRBY every
// Interval; while Redis is away the buffer keeps the counts and the next flush sends them.
type Redis struct {
	rdb     redis.UniversalClient
	prefix  string
	opts    Options
	timeout time.Duration

	mu      sync.Mutex
	pending map[Key]*counts
	flushMu sync.Mutex

	stop, done chan struct{}
	once       sync.Once
}

// OpenRedis starts counting into Redis under prefix ("signpost:" gives "signpost:usage:…").
// Redis need not be up: counts wait in memory until it is. The caller keeps ownership of rdb
// (shared with the edge's other stores): Close flushes through it, so close rdb after.
func OpenRedis(rdb redis.UniversalClient, prefix string, opts Options) *Redis {
	opts.defaults()
	s := &Redis{rdb: rdb, prefix: prefix, opts: opts, timeout: 2 * time.Second, pending: map[Key]*counts{},
		stop: make(chan struct{}), done: make(chan struct{})}
	go s.loop()
	return s
}

// DayKey is the Redis key of a day's hash.
func (s *Redis) DayKey(day string) string { return s.prefix + "usage:" + day }

func field(k Key, e Event) string {
	return k.Partner + "|" + k.Region + "|" + k.Line + "|" + string(e)
}

// Add counts one event into the local buffer.
func (s *Redis) Add(k Key, e Event) {
	i := e.index()
	if i < 0 {
		return
	}
	s.mu.Lock()
	bump(s.pending, k, i)
	s.mu.Unlock()
}

// Flush adds the buffered counts to Redis. What Redis did not take goes back into the buffer.
// A reply lost after Redis applied an increment makes that increment count twice: counts are
// usage figures, not records, and this is rare.
func (s *Redis) Flush(ctx context.Context) error {
	s.flushMu.Lock()
	defer s.flushMu.Unlock()
	s.mu.Lock()
	batch := s.pending
	s.pending = map[Key]*counts{}
	s.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	type inc struct {
		k   Key
		i   int
		n   int64
		cmd *redis.IntCmd
	}
	var incs []inc
	days := map[string]bool{}
	pipe := s.rdb.Pipeline()
	for k, c := range batch {
		for i, n := range c {
			if n > 0 {
				incs = append(incs, inc{k, i, n, pipe.HIncrBy(ctx, s.DayKey(k.Day), field(k, Events[i]), n)})
			}
		}
		days[k.Day] = true
	}
	for day := range days {
		if t, err := ParseDay(day); err == nil {
			pipe.ExpireAt(ctx, s.DayKey(day), t.AddDate(0, 0, RetentionDays+1))
		}
	}
	_, err := pipe.Exec(ctx)
	if err == nil {
		return nil
	}
	s.mu.Lock()
	for _, x := range incs {
		if x.cmd.Err() == nil {
			continue
		}
		c := s.pending[x.k]
		if c == nil {
			c = &counts{}
			s.pending[x.k] = c
		}
		c[x.i] += x.n
	}
	s.mu.Unlock()
	return err
}

// Rows flushes this edge's buffer, then reads the days the query selects (at most RetentionDays
// back from today when Since is open).
func (s *Redis) Rows(ctx context.Context, q Query) ([]Row, error) {
	_ = s.Flush(ctx)
	today := s.opts.Now().UTC()
	from, to := today.AddDate(0, 0, -RetentionDays), today
	if q.Since != "" {
		t, err := ParseDay(q.Since)
		if err != nil {
			return nil, err
		}
		if t.After(from) {
			from = t
		}
	}
	if q.Until != "" {
		t, err := ParseDay(q.Until)
		if err != nil {
			return nil, err
		}
		if t.Before(to) {
			to = t
		}
	}
	var days []string
	for d := from; Day(d) <= Day(to); d = d.AddDate(0, 0, 1) {
		days = append(days, Day(d))
	}
	if len(days) == 0 {
		return []Row{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	pipe := s.rdb.Pipeline()
	cmds := make([]*redis.MapStringStringCmd, len(days))
	for i, day := range days {
		cmds[i] = pipe.HGetAll(ctx, s.DayKey(day))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, err
	}
	byKey := map[Key]*counts{}
	for i, day := range days {
		for f, v := range cmds[i].Val() {
			p := strings.Split(f, "|")
			n, err := strconv.ParseInt(v, 10, 64)
			if len(p) != 4 || err != nil {
				return nil, fmt.Errorf("usage: %s holds a field %q = %q of an unknown shape", s.DayKey(day), f, v)
			}
			k := Key{Day: day, Partner: p[0], Region: p[1], Line: p[2]}
			i := Event(p[3]).index()
			if i < 0 || (q.Partner != "" && k.Partner != q.Partner) {
				continue
			}
			c := byKey[k]
			if c == nil {
				c = &counts{}
				byKey[k] = c
			}
			c[i] += n
		}
	}
	rs := make([]Row, 0, len(byKey))
	for k, c := range byKey {
		rs = append(rs, row(k, *c))
	}
	sortRows(rs)
	return rs, nil
}

func (s *Redis) loop() {
	defer close(s.done)
	t := time.NewTicker(s.opts.Interval)
	defer t.Stop()
	failing := false
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			err := s.Flush(context.Background())
			if err != nil && !failing {
				s.opts.Logger.Warn("usage counts not sent to Redis; kept in memory until it answers", "err", err)
			} else if err == nil && failing {
				s.opts.Logger.Info("usage counts sent to Redis again")
			}
			failing = err != nil
		}
	}
}

// Close stops the background loop and flushes a last time; counts Redis does not take then are
// lost, and said so in the error.
func (s *Redis) Close() error {
	var err error
	s.once.Do(func() {
		close(s.stop)
		<-s.done
		if err = s.Flush(context.Background()); err != nil {
			s.mu.Lock()
			n := len(s.pending)
			s.mu.Unlock()
			err = fmt.Errorf("usage counts of %d keys not sent to Redis at shutdown: %w", n, err)
		}
	})
	return err
}
