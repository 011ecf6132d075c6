package session

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/rediserr"
)

// DefaultPrefix is the default key prefix (EDGE_REDIS_PREFIX).
const DefaultPrefix = "signpost:"

// The keys, after the prefix; "{sessions}" is their hash tag, so that on a Redis Cluster they
// share a slot and one transaction may touch several:
//
//	{sessions}:id:<sha256 of id>            a session (JSON), PX = its time left
//	{sessions}:person:<sha256 of subject>   set of a person's session keys' hashes, PX = Absolute
//	{sessions}:state:<sha256 of state>      a pending sign-in (JSON), PX = PendingTTL
const (
	idKeys     = "{sessions}:id:"
	personKeys = "{sessions}:person:"
	stateKeys  = "{sessions}:state:"
)

// redisBackend keeps sessions in Redis, shared by every edge; Redis expires them by their TTL
// and the Store checks them on its own clock as well.
type redisBackend struct {
	rdb      redis.UniversalClient
	prefix   string
	timeout  time.Duration
	absolute time.Duration
}

// NewRedis is a Store on rdb, which the caller keeps owning, with keys under prefix
// (DefaultPrefix when empty). Nothing is read or written until the first call: Redis may be
// away at startup.
func NewRedis(rdb redis.UniversalClient, prefix string, cfg Config) *Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	cfg = cfg.withDefaults()
	return newStore(&redisBackend{rdb: rdb, prefix: prefix, timeout: cfg.Timeout, absolute: cfg.Absolute}, cfg)
}

func (b *redisBackend) idKey(key string) string { return b.prefix + idKeys + key }

func (b *redisBackend) personKey(subject string) string {
	return b.prefix + personKeys + hashKey(subject)
}

// call runs fn under the call timeout and classifies its error.
func (b *redisBackend) call(ctx context.Context, fn func(ctx context.Context) error) error {
	octx, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	return fail(ctx, fn(octx))
}

func (b *redisBackend) create(ctx context.Context, key string, s Session, ttl time.Duration) error {
	data, err := json.Marshal(s)
	if err != nil {
		return wrap(err)
	}
	person := b.personKey(s.Subject)
	return b.call(ctx, func(ctx context.Context) error {
		_, err := b.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			p.Set(ctx, b.idKey(key), data, ttl)
			p.SAdd(ctx, person, key)
			// no session of this person outlives the newest one's absolute end
			p.PExpire(ctx, person, b.absolute)
			return nil
		})
		return err
	})
}

func (b *redisBackend) get(ctx context.Context, key string) (Session, error) {
	var data []byte
	err := b.call(ctx, func(ctx context.Context) (err error) {
		data, err = b.rdb.Get(ctx, b.idKey(key)).Bytes()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, err
	}
	var s Session
	if json.Unmarshal(data, &s) != nil || s.Subject == "" {
		return Session{}, ErrNoSession
	}
	return s, nil
}

// touch is SET XX: a session ended meanwhile, on any edge, stays ended.
func (b *redisBackend) touch(ctx context.Context, key string, s Session, ttl time.Duration) error {
	data, err := json.Marshal(s)
	if err != nil {
		return wrap(err)
	}
	var set bool
	err = b.call(ctx, func(ctx context.Context) (err error) {
		set, err = b.rdb.SetXX(ctx, b.idKey(key), data, ttl).Result() // false, nil: no such key
		return err
	})
	if err == nil && !set {
		return ErrNoSession
	}
	return err
}

// end is GETDEL, then the key's hash leaves its person's set.
func (b *redisBackend) end(ctx context.Context, key string) error {
	var data []byte
	err := b.call(ctx, func(ctx context.Context) (err error) {
		data, err = b.rdb.GetDel(ctx, b.idKey(key)).Bytes()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return nil
	}
	if err != nil {
		return err
	}
	var s Session
	if json.Unmarshal(data, &s) != nil || s.Subject == "" {
		return nil
	}
	return b.call(ctx, func(ctx context.Context) error {
		return b.rdb.SRem(ctx, b.personKey(s.Subject), key).Err()
	})
}

// endAll deletes the sessions the person's set names and takes exactly those out of it: a
// session created meanwhile stays named for the next EndAll.
func (b *redisBackend) endAll(ctx context.Context, subject string) error {
	person := b.personKey(subject)
	var keys []string
	if err := b.call(ctx, func(ctx context.Context) (err error) {
		keys, err = b.rdb.SMembers(ctx, person).Result()
		return err
	}); err != nil || len(keys) == 0 {
		return err
	}
	return b.call(ctx, func(ctx context.Context) error {
		_, err := b.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
			ids := make([]string, len(keys))
			members := make([]any, len(keys))
			for i, k := range keys {
				ids[i], members[i] = b.idKey(k), k
			}
			p.Del(ctx, ids...)
			p.SRem(ctx, person, members...)
			return nil
		})
		return err
	})
}

func (b *redisBackend) putPending(ctx context.Context, key string, pd Pending, ttl time.Duration) error {
	data, err := json.Marshal(pd)
	if err != nil {
		return wrap(err)
	}
	return b.call(ctx, func(ctx context.Context) error {
		return b.rdb.Set(ctx, b.prefix+stateKeys+key, data, ttl).Err()
	})
}

// takePending is GETDEL: one taker gets the record, on whichever edge.
func (b *redisBackend) takePending(ctx context.Context, key string) (Pending, error) {
	var data []byte
	err := b.call(ctx, func(ctx context.Context) (err error) {
		data, err = b.rdb.GetDel(ctx, b.prefix+stateKeys+key).Bytes()
		return err
	})
	if errors.Is(err, redis.Nil) {
		return Pending{}, ErrNoPending
	}
	if err != nil {
		return Pending{}, err
	}
	var pd Pending
	if json.Unmarshal(data, &pd) != nil {
		return Pending{}, ErrNoPending
	}
	return pd, nil
}

// sweep: Redis expires keys by their TTL.
func (b *redisBackend) sweep(time.Time, func(Session, time.Time) bool, time.Duration) {}

// close: the client stays open, its owner closes it.
func (b *redisBackend) close() error { return nil }

// fail classifies a Redis error: redis.Nil stays itself (the caller reads it as "none");
// unreachable (connection, timeout, cluster down, loading) is ErrUnavailable; the caller's own
// cancellation stays itself; anything else passes through, named.
func fail(ctx context.Context, err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("session: %w", ctx.Err())
	}
	if rediserr.Unavailable(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return fmt.Errorf("session: %w", err)
}
