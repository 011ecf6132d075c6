package spent

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis is a Store shared by every edge of a deployment: one key per spent token,
// "{prefix}form:spent:<key>", written with SET NX and the token's remaining lifetime as its TTL,
// so that a token spent on one edge is refused on every other.
//
// While Redis is unreachable (or slower than the timeout) this edge's memory decides alone: the
// form keeps taking feedback, as the intake keeps taking it into its spool, and a token is still
// taken once per edge. The tokens spent that way are written to Redis (SET NX) once it answers
// again, so that they stay spent on every edge for the rest of their lifetime. What an outage
// costs is that a token might be taken once more on each other edge while it lasts; the form's
// origin rule, which needs no store, is what keeps other sites out.
type Redis struct {
	rdb     redis.UniversalClient
	prefix  string
	timeout time.Duration
	opts    Options
	local   *Memory

	mu      sync.Mutex
	pending map[string]time.Time // spent here while Redis was away, not yet written there
	down    bool

	stop, done chan struct{}
	once       sync.Once
}

// Options tune OpenRedis.
type Options struct {
	// Logger is told when Redis goes away and comes back. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock of the resync loop (the TTL left to a token spent during an outage).
	// Default: time.Now.
	Now func() time.Time
	// Interval is how often tokens spent during an outage are offered to Redis. Default: 1 s.
	Interval time.Duration
	// Capacity bounds the memory used while Redis is away (NewMemory). Default:
	// DefaultCapacity.
	Capacity int
}

// OpenRedis keeps spent tokens in Redis under prefix ("signpost:" gives
// "signpost:form:spent:…"). Redis need not be up. Close stops its resync loop.
func OpenRedis(rdb redis.UniversalClient, prefix string, opts Options) *Redis {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Interval <= 0 {
		opts.Interval = time.Second
	}
	r := &Redis{rdb: rdb, prefix: prefix, timeout: time.Second, opts: opts, local: NewMemory(opts.Capacity, opts.Logger),
		pending: map[string]time.Time{}, stop: make(chan struct{}), done: make(chan struct{})}
	go r.loop()
	return r
}

// Key is the Redis key of a spent token.
func (r *Redis) Key(key string) string { return r.prefix + "form:spent:" + key }

// Spend implements Store.
func (r *Redis) Spend(ctx context.Context, key string, now, expires time.Time) bool {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	fresh, err := r.rdb.SetNX(ctx, r.Key(key), "1", ttl(now, expires)).Result()
	if err == nil {
		r.up()
		// A token spent here during the outage may not have reached Redis yet.
		return fresh && !r.local.Spent(key, now)
	}
	r.away(err)
	if !r.local.Spend(ctx, key, now, expires) {
		return false
	}
	r.mu.Lock()
	r.pending[key] = expires
	r.mu.Unlock()
	return true
}

// Release implements Store.
func (r *Redis) Release(ctx context.Context, key string) {
	r.local.Release(ctx, key)
	r.mu.Lock()
	delete(r.pending, key)
	r.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	if err := r.rdb.Del(ctx, r.Key(key)).Err(); err != nil {
		// Left spent: the visitor's page holds a new token to send with.
		r.opts.Logger.Warn("spent form token not released", "err", err)
	}
}

// Pending is how many tokens spent during an outage wait to be written to Redis.
func (r *Redis) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pending)
}

// Close stops the resync loop after one last attempt.
func (r *Redis) Close() error {
	r.once.Do(func() { close(r.stop) })
	<-r.done
	return nil
}

func (r *Redis) loop() {
	defer close(r.done)
	t := time.NewTicker(r.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			r.resync()
			return
		case <-t.C:
			r.resync()
		}
	}
}

// resync writes the tokens spent during an outage to Redis, each with the lifetime it has left.
func (r *Redis) resync() {
	r.mu.Lock()
	if len(r.pending) == 0 {
		r.mu.Unlock()
		return
	}
	batch := make(map[string]time.Time, len(r.pending))
	for k, e := range r.pending {
		batch[k] = e
	}
	r.mu.Unlock()
	now := r.opts.Now()
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	pipe := r.rdb.Pipeline()
	for k, e := range batch {
		if now.Before(e) {
			pipe.SetNX(ctx, r.Key(k), "1", ttl(now, e))
		}
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		r.away(err)
		return
	}
	r.up()
	r.mu.Lock()
	for k, e := range batch {
		if cur, ok := r.pending[k]; ok && cur.Equal(e) {
			delete(r.pending, k)
		}
	}
	r.mu.Unlock()
}

func (r *Redis) away(err error) {
	r.mu.Lock()
	was := r.down
	r.down = true
	r.mu.Unlock()
	if !was {
		r.opts.Logger.Warn("Redis unreachable: the no-JavaScript form's spent tokens are checked in this edge's memory until it is back",
			"err", err)
	}
}

func (r *Redis) up() {
	r.mu.Lock()
	was := r.down
	r.down = false
	r.mu.Unlock()
	if was {
		r.opts.Logger.Info("Redis is back: spent form tokens are shared again")
	}
}

// ttl is what is left of a token's lifetime, at least a second (Redis refuses a zero TTL).
func ttl(now, expires time.Time) time.Duration {
	return max(expires.Sub(now), time.Second)
}
