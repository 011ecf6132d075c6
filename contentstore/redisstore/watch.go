package redisstore

import (
	"context"
	"encoding/json"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/signpost/edge/contentstore"
)

// Watch implements contentstore.Store. Each watcher holds a subscription to Channel (go-redis
// reconnects and resubscribes it after Redis comes back) and reads the current pointer when a
// message arrives, when the subscription is (re)established, and every poll interval; it
// delivers a version when the number differs from the last one delivered. While Redis is away
// nothing is delivered and the channel stays open.
func (s *Store) Watch(ctx context.Context) <-chan contentstore.Version {
	out := make(chan contentstore.Version, watchBuffer)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		close(out)
		return out
	}
	s.wg.Add(1)
	s.mu.Unlock()
	ps := s.rdb.Subscribe(ctx, s.channel)
	go s.watch(ctx, ps, out)
	return out
}

func (s *Store) watch(ctx context.Context, ps *redis.PubSub, out chan contentstore.Version) {
	defer s.wg.Done()
	defer close(out)
	defer ps.Close()
	msgs := ps.ChannelWithSubscriptions()
	last := int64(-1) // nothing delivered yet: the first read delivers the version current now
	check := func() {
		_, v, err := s.current(ctx, false)
		if err != nil {
			return // unreachable: the next message, resubscription or poll tries again
		}
		if v.Number != last {
			last = v.Number
			contentstore.Notify(out, v)
		}
	}
	check()
	t := time.NewTicker(s.opts.poll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case m, ok := <-msgs:
			if !ok {
				return
			}
			if msg, isMsg := m.(*redis.Message); isMsg {
				var ev struct {
					Version int64 `json:"version"`
				}
				if json.Unmarshal([]byte(msg.Payload), &ev) == nil && ev.Version == last {
					continue
				}
			}
			// A new version, or a (re)subscription after which a change may have been missed.
			check()
		case <-t.C:
			check()
		}
	}
}

// Close stops the watchers (their channels close). The client stays open: the caller owns it.
// Closing twice does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}
