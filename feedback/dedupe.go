package feedback

import (
	"sync"
	"time"
)

// Dedupe suppresses repeats of a submission within DedupeWindow, in one process. A key being
// stored makes a concurrent repeat wait for the outcome: were it answered "duplicate" at once
// and the first write then failed, an acknowledged submission would be lost.
type Dedupe struct {
	window time.Duration

	mu      sync.Mutex
	entries map[string]*dedupeEntry
	queue   []dedupeAt // committed keys, oldest first, for expiry
}

type dedupeEntry struct {
	id      string
	at      time.Time
	pending bool
	done    chan struct{}
}

type dedupeAt struct {
	key string
	e   *dedupeEntry
}

// NewDedupe returns an empty window of the given length (DedupeWindow in production).
func NewDedupe(window time.Duration) *Dedupe {
	return &Dedupe{window: window, entries: map[string]*dedupeEntry{}}
}

// Begin looks key up at now. When a record with key was stored within the window it returns
// that record's id and dup true. Otherwise it reserves key for id and returns done, which the
// caller must call with whether the record was stored.
func (d *Dedupe) Begin(key, id string, now time.Time) (prevID string, dup bool, done func(stored bool)) {
	for {
		d.mu.Lock()
		d.expire(now)
		e := d.entries[key]
		if e != nil && e.pending {
			ch := e.done
			d.mu.Unlock()
			<-ch
			continue
		}
		if e != nil && now.Sub(e.at) < d.window {
			d.mu.Unlock()
			return e.id, true, nil
		}
		ne := &dedupeEntry{id: id, at: now, pending: true, done: make(chan struct{})}
		d.entries[key] = ne
		d.mu.Unlock()
		return "", false, func(stored bool) {
			d.mu.Lock()
			defer d.mu.Unlock()
			if stored {
				ne.pending = false
				d.queue = append(d.queue, dedupeAt{key, ne})
			} else if d.entries[key] == ne {
				delete(d.entries, key)
			}
			close(ne.done)
		}
	}
}

// Remember records that a record with key was stored at at: a store primes its window with
// the records it holds from the last DedupeWindow when it opens.
func (d *Dedupe) Remember(key, id string, at time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if e := d.entries[key]; e != nil && (e.pending || !e.at.Before(at)) {
		return
	}
	ne := &dedupeEntry{id: id, at: at, done: make(chan struct{})}
	close(ne.done)
	d.entries[key] = ne
	d.queue = append(d.queue, dedupeAt{key, ne})
}

// Len is the number of keys held, for tests and metrics.
func (d *Dedupe) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries)
}

// expire drops committed keys older than the window; d.mu is held.
func (d *Dedupe) expire(now time.Time) {
	n := 0
	for n < len(d.queue) && now.Sub(d.queue[n].e.at) >= d.window {
		q := d.queue[n]
		if d.entries[q.key] == q.e {
			delete(d.entries, q.key)
		}
		n++
	}
	if n > 0 {
		d.queue = append(d.queue[:0], d.queue[n:]...)
	}
}
