package redisstore

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/contentstore"
)

var _ contentstore.Drafts = (*Store)(nil)

// draftKey is "<prefix>{content}:draft:<id>": a plain string that expires by itself.
func (s *Store) draftKey(id string) string {
	return s.keys.version[:len(s.keys.version)-len("v:")] + "draft:" + id
}

// SaveDraft keeps src under id for ttl, for every edge.
func (s *Store) SaveDraft(ctx context.Context, id string, src []byte, ttl time.Duration) error {
	if !contentstore.ValidDraftID(id) {
		return errors.New("redisstore: not a draft id")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	return fail(ctx, s.rdb.Set(ctx, s.draftKey(id), src, ttl).Err())
}

// LoadDraft reads a kept draft and the time it has left.
func (s *Store) LoadDraft(ctx context.Context, id string) ([]byte, time.Duration, error) {
	if !contentstore.ValidDraftID(id) {
		return nil, 0, contentstore.ErrNotFound
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	var get *redis.StringCmd
	var ttl *redis.DurationCmd
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		get = p.Get(ctx, s.draftKey(id))
		ttl = p.PTTL(ctx, s.draftKey(id))
		return nil
	})
	if errors.Is(err, redis.Nil) || (err == nil && ttl.Val() <= 0) {
		return nil, 0, contentstore.ErrNotFound
	}
	if err != nil {
		return nil, 0, fail(ctx, err)
	}
	return []byte(get.Val()), ttl.Val(), nil
}
