package usage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/signpost/edge/internal/atomicfile"
)

// FileName is the file Memory persists to under the data dir.
const FileName = "usage.json"

// Options tune a store.
type Options struct {
	// Interval between background flushes (DefaultInterval).
	Interval time.Duration
	// Now is the clock: it decides which days are past retention (time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

func (o *Options) defaults() {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Memory counts in memory; with a file it loads the counts at open and writes them back every
// Interval (when they changed) and at Close, so a restart loses at most an Interval's counts.
type Memory struct {
	opts  Options
	path  string
	mu    sync.Mutex
	m     map[Key]*counts
	dirty bool
	// writeMu serializes writes of the file.
	writeMu sync.Mutex
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// fileBody is the persisted document: the rows, exactly what GET /v1/admin/usage answers.
type fileBody struct {
	Rows []Row `json:"rows"`
}

// NewMemory counts in memory only: the counts are lost on restart.
func NewMemory() *Memory { return &Memory{m: map[Key]*counts{}, opts: Options{Now: time.Now}} }

// OpenFile loads the counts persisted at path (none when it does not exist) and flushes them
// back in the background.
func OpenFile(path string, opts Options) (*Memory, error) {
	opts.defaults()
	s := &Memory{opts: opts, path: path, m: map[Key]*counts{}, stop: make(chan struct{}), done: make(chan struct{})}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, err
	default:
		var f fileBody
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("usage counts %s: %w", path, err)
		}
		for _, r := range f.Rows {
			c := r.counts()
			s.m[r.key()] = &c
		}
	}
	go s.loop()
	return s, nil
}

// Add counts one event.
func (s *Memory) Add(k Key, e Event) {
	i := e.index()
	if i < 0 {
		return
	}
	s.mu.Lock()
	bump(s.m, k, i)
	s.dirty = true
	s.mu.Unlock()
}

// Rows returns the selected counts.
func (s *Memory) Rows(_ context.Context, q Query) ([]Row, error) {
	s.mu.Lock()
	rs := make([]Row, 0, len(s.m))
	for k, c := range s.m {
		if q.match(k) {
			rs = append(rs, row(k, *c))
		}
	}
	s.mu.Unlock()
	sortRows(rs)
	return rs, nil
}

// Flush drops days past retention and, with a file, writes the counts when they changed: to a
// temporary file, synced, then renamed over the old one, so a crash leaves one or the other.
func (s *Memory) Flush(context.Context) error {
	oldest := Day(s.opts.Now().AddDate(0, 0, -RetentionDays))
	s.mu.Lock()
	for k := range s.m {
		if k.Day < oldest {
			delete(s.m, k)
			s.dirty = true
		}
	}
	if s.path == "" || !s.dirty {
		s.dirty = false
		s.mu.Unlock()
		return nil
	}
	f := fileBody{Rows: make([]Row, 0, len(s.m))}
	for k, c := range s.m {
		f.Rows = append(f.Rows, row(k, *c))
	}
	s.dirty = false
	s.mu.Unlock()
	sortRows(f.Rows)
	b, err := json.Marshal(f)
	if err == nil {
		err = s.write(b)
	}
	if err != nil {
		s.mu.Lock()
		s.dirty = true // try again at the next flush
		s.mu.Unlock()
	}
	return err
}

func (s *Memory) write(b []byte) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	return atomicfile.WriteFile(s.path, b, 0o640)
}

func (s *Memory) loop() {
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
				s.opts.Logger.Error("usage counts not written; retrying", "path", s.path, "err", err)
			} else if err == nil && failing {
				s.opts.Logger.Info("usage counts written again", "path", s.path)
			}
			failing = err != nil
		}
	}
}

// Close stops the background flushing and flushes a last time.
func (s *Memory) Close() error {
	var err error
	s.once.Do(func() {
		if s.stop != nil {
			close(s.stop)
			<-s.done
		}
		err = s.Flush(context.Background())
	})
	return err
}

// bump adds one to event i of k's counts: the one increment both stores share.
func bump(m map[Key]*counts, k Key, i int) {
	c := m[k]
	if c == nil {
		c = &counts{}
		m[k] = c
	}
	c[i]++
}
