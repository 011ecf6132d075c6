package auditlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/rediserr"
)

// DefaultPrefix is the default key prefix (EDGE_REDIS_PREFIX), the content store's.
const DefaultPrefix = "signpost:"

// DefaultTimeout bounds one Redis call.
const DefaultTimeout = 2 * time.Second

// keySuffix follows the prefix: "signpost:{content}:audit", the key the content store kept the
// log under (its hash tag included), so that a deployment's log reads on.
const keySuffix = "{content}:audit"

// RedisOptions set up a Redis log; zero values take the defaults.
type RedisOptions struct {
	// Prefix of the key (DefaultPrefix).
	Prefix string
	// Now stamps entries given without a time (time.Now).
	Now func() time.Time
	// Timeout bounds one call (DefaultTimeout).
	Timeout time.Duration
}

// Redis is the audit log every edge shares in Redis mode: a stream (field "entry", JSON),
// never trimmed.
type Redis struct {
	rdb     redis.UniversalClient
	key     string
	now     func() time.Time
	timeout time.Duration
}

var _ Log = (*Redis)(nil)

// OpenRedis returns the log on client, which the caller keeps owning. Nothing is read or
// written until the first call: Redis may be away at startup.
func OpenRedis(client redis.UniversalClient, o RedisOptions) (*Redis, error) {
	if client == nil {
		return nil, errors.New("auditlog: a Redis client is required")
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	return &Redis{rdb: client, key: o.Prefix + keySuffix, now: o.Now, timeout: o.Timeout}, nil
}

// Key is the stream's key ("<prefix>{content}:audit").
func (l *Redis) Key() string { return l.key }

// Append implements Log: XADD to the stream.
func (l *Redis) Append(ctx context.Context, e Entry) error {
	if e.Time.IsZero() {
		e.Time = l.now().UTC()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	octx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	err = l.rdb.XAdd(octx, &redis.XAddArgs{Stream: l.key, Values: []any{"entry", b}}).Err()
	return fail(ctx, err)
}

// List implements Log with XREVRANGE (newest first). Entries that do not decode are skipped.
func (l *Redis) List(ctx context.Context, limit int) ([]Entry, error) {
	octx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	var msgs []redis.XMessage
	var err error
	if limit > 0 {
		msgs, err = l.rdb.XRevRangeN(octx, l.key, "+", "-", int64(limit)).Result()
	} else {
		msgs, err = l.rdb.XRevRange(octx, l.key, "+", "-").Result()
	}
	if err != nil {
		return nil, fail(ctx, err)
	}
	out := make([]Entry, 0, len(msgs))
	for _, m := range msgs {
		s, _ := m.Values["entry"].(string)
		var e Entry
		if json.Unmarshal([]byte(s), &e) != nil {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// Close implements Log: the client stays open, its owner closes it.
func (l *Redis) Close() error { return nil }

// fail classifies a Redis error: unreachable (connection, timeout, cluster down, loading) is
// ErrUnavailable; the caller's own cancellation stays itself; anything else passes through.
func fail(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("auditlog: %w", ctx.Err())
	}
	if rediserr.Unavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return fmt.Errorf("auditlog: %w", err)
}
