// Package spent remembers the no-JavaScript form's signed tokens that were already used, so
// that each rendering of the frame page's form is taken once: in memory on one edge (Memory,
// embedded mode), or in Redis shared by every edge (Redis, Redis mode), falling back to this
// edge's memory while Redis is unreachable. A token is remembered until it expires (the form's
// token lifetime): past that, the form refuses it as expired anyway.
package spent

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Store remembers spent tokens.
type Store interface {
	// Spend marks key spent at now, until expires. It reports false when key was already spent
	// and has not expired: the token is used a second time.
	Spend(ctx context.Context, key string, now, expires time.Time) bool
	// Release forgets key: the submission that spent it was not stored after all, and the
	// visitor may send it again.
	Release(ctx context.Context, key string)
}

// DefaultCapacity bounds Memory: at the default partner limit (600 submissions a minute) it
// holds about seven hours of accepted forms; a real deployment's fill far fewer.
const DefaultCapacity = 1 << 18

// Memory is a Store in this process: bounded, each key forgotten once it expires. When full, it
// forgets the key spent longest ago (which could then be used once more) rather than refuse
// visitors' feedback; it logs that it does.
type Memory struct {
	max int
	log *slog.Logger

	mu      sync.Mutex
	expires map[string]time.Time
	// order holds keys in the order spent, for expiry and eviction: an entry whose key is gone
	// from expires, or holds another expiry, is skipped.
	order     []entry
	head      int
	evictions int64
	warned    time.Time
}

type entry struct {
	key     string
	expires time.Time
}

// NewMemory returns an empty Memory holding at most capacity keys (DefaultCapacity when not
// positive). log, when not nil, is told when full.
func NewMemory(capacity int, log *slog.Logger) *Memory {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Memory{max: capacity, log: log, expires: map[string]time.Time{}}
}

// Spend implements Store.
func (m *Memory) Spend(_ context.Context, key string, now, expires time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.expire(now)
	if e, ok := m.expires[key]; ok && now.Before(e) {
		return false
	}
	for len(m.expires) >= m.max {
		if !m.evictOldest(now) {
			break
		}
	}
	m.expires[key] = expires
	m.order = append(m.order, entry{key, expires})
	return true
}

// Spent reports whether key is spent at now, without spending it.
func (m *Memory) Spent(key string, now time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.expires[key]
	return ok && now.Before(e)
}

// Release implements Store.
func (m *Memory) Release(_ context.Context, key string) {
	m.mu.Lock()
	delete(m.expires, key)
	m.mu.Unlock()
}

// Len is how many keys are held (expired ones included until the next Spend).
func (m *Memory) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.expires)
}

// Evictions is how many keys were forgotten before they expired, for want of room.
func (m *Memory) Evictions() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.evictions
}

// expire forgets the keys at the front of order that have expired. Keys are spent in roughly
// the order they expire (a token's lifetime is fixed; only the time on form differs), so a key
// expired behind a live one waits for it: memory, never a wrong answer (Spend compares times).
func (m *Memory) expire(now time.Time) {
	for m.head < len(m.order) {
		e := m.order[m.head]
		cur, live := m.expires[e.key]
		live = live && cur.Equal(e.expires)
		if live && now.Before(cur) {
			return
		}
		if live {
			delete(m.expires, e.key)
		}
		m.pop()
	}
}

// evictOldest forgets the live key spent longest ago; false when there is none.
func (m *Memory) evictOldest(now time.Time) bool {
	for m.head < len(m.order) {
		e := m.order[m.head]
		m.pop()
		if cur, ok := m.expires[e.key]; !ok || !cur.Equal(e.expires) {
			continue
		}
		delete(m.expires, e.key)
		m.evictions++
		if m.log != nil && now.Sub(m.warned) >= time.Minute {
			m.warned = now
			m.log.Warn("spent form tokens: memory full, forgetting the oldest before they expire (each could be used once more)",
				"capacity", m.max, "evicted_total", m.evictions)
		}
		return true
	}
	return false
}

func (m *Memory) pop() {
	m.order[m.head] = entry{}
	m.head++
	if m.head > 1024 && m.head*2 > len(m.order) {
		m.order = append(m.order[:0:0], m.order[m.head:]...)
		m.head = 0
	}
}
