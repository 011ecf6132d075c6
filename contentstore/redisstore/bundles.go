package redisstore

import (
	"context"
	"errors"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/contentstore"
)

var _ contentstore.Bundles = (*Store)(nil)

func (s *Store) bundlesKey() string {
	return s.keys.version[:len(s.keys.version)-len("v:")] + "widgets"
}

// SaveBundle stores the bundle in the hash "<prefix>{content}:widgets", shared by every edge.
func (s *Store) SaveBundle(ctx context.Context, hash string, js []byte) error {
	if !contentstore.ValidBundleHash(hash) {
		return errors.New("redisstore: not a bundle hash")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	return fail(ctx, s.rdb.HSetNX(ctx, s.bundlesKey(), hash, js).Err())
}

// LoadBundle reads a stored bundle.
func (s *Store) LoadBundle(ctx context.Context, hash string) ([]byte, error) {
	if !contentstore.ValidBundleHash(hash) {
		return nil, contentstore.ErrNotFound
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	b, err := s.rdb.HGet(ctx, s.bundlesKey(), hash).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, contentstore.ErrNotFound
	}
	return b, fail(ctx, err)
}

// BundleHashes lists the stored bundles.
func (s *Store) BundleHashes(ctx context.Context) ([]string, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	h, err := s.rdb.HKeys(ctx, s.bundlesKey()).Result()
	return h, fail(ctx, err)
}
