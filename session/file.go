package session

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/signpost/edge/internal/atomicfile"
)

// DirName is the sessions' directory in the data dir:
//
//	sessions/LOCK                flock held while a session file is replaced or removed
//	sessions/<sha256 of id>.json one session, mode 0600
//	sessions/pending/<sha256 of state>.json  one sign-in under way
const DirName = "sessions"

// fileBackend keeps each session in a file of its own. Reads take no lock; every replacement
// and removal holds the Store's mutex and an flock on sessions/LOCK, so that a Store in this
// process or another on the same directory never brings back a session another one ended.
type fileBackend struct {
	dir, pending string

	closed atomic.Bool
	mu     sync.Mutex // guards lock's flock within this process (an flock is per open file)
	lock   *os.File
}

// NewFile is a Store in dataDir/sessions/, created if missing (mode 0700). Sessions survive a
// restart; several Stores may share the directory.
func NewFile(dataDir string, cfg Config) (*Store, error) {
	dir := filepath.Join(dataDir, DirName)
	pending := filepath.Join(dir, "pending")
	if err := os.MkdirAll(pending, 0o700); err != nil {
		return nil, wrap(err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, wrap(err)
	}
	return newStore(&fileBackend{dir: dir, pending: pending, lock: lock}, cfg), nil
}

// locked runs fn holding the mutex and the flock.
func (b *fileBackend) locked(fn func() error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Load() {
		return ErrClosed
	}
	for {
		err := syscall.Flock(int(b.lock.Fd()), syscall.LOCK_EX)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EINTR) {
			return wrap(err)
		}
	}
	defer syscall.Flock(int(b.lock.Fd()), syscall.LOCK_UN)
	return fn()
}

func (b *fileBackend) path(key string) string { return filepath.Join(b.dir, key+".json") }

func (b *fileBackend) create(_ context.Context, key string, s Session, _ time.Duration) error {
	if b.closed.Load() {
		return ErrClosed
	}
	return writeJSON(b.path(key), s)
}

func writeJSON(path string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return wrap(err)
	}
	return wrap(atomicfile.WriteFile(path, data, 0o600))
}

func (b *fileBackend) get(_ context.Context, key string) (Session, error) {
	if b.closed.Load() {
		return Session{}, ErrClosed
	}
	return readSession(b.path(key))
}

// readSession reads one session file; a missing or damaged file is no session.
func readSession(path string) (Session, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, wrap(err)
	}
	var s Session
	if json.Unmarshal(data, &s) != nil || s.Subject == "" {
		return Session{}, ErrNoSession
	}
	return s, nil
}

func (b *fileBackend) touch(_ context.Context, key string, s Session, _ time.Duration) error {
	return b.locked(func() error {
		if _, err := os.Stat(b.path(key)); errors.Is(err, fs.ErrNotExist) {
			return ErrNoSession // ended meanwhile: not brought back
		}
		return writeJSON(b.path(key), s)
	})
}

func (b *fileBackend) end(_ context.Context, key string) error {
	return b.locked(func() error { return b.remove(b.path(key)) })
}

// remove removes path durably; a missing file is not an error.
func (b *fileBackend) remove(path string) error {
	if err := os.Remove(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return wrap(err)
	}
	return wrap(atomicfile.SyncDir(filepath.Dir(path)))
}

// eachSession calls fn with every session file's path and its session (nil when damaged).
func (b *fileBackend) eachSession(fn func(path string, s *Session) error) error {
	ents, err := os.ReadDir(b.dir)
	if err != nil {
		return wrap(err)
	}
	for _, e := range ents {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, ".json") || strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(b.dir, name)
		s, err := readSession(path)
		var sp *Session
		if err == nil {
			sp = &s
		} else if !errors.Is(err, ErrNoSession) {
			return err
		}
		if err := fn(path, sp); err != nil {
			return err
		}
	}
	return nil
}

func (b *fileBackend) endAll(_ context.Context, subject string) error {
	return b.locked(func() error {
		return b.eachSession(func(path string, s *Session) error {
			if s != nil && s.Subject == subject {
				return b.remove(path)
			}
			return nil
		})
	})
}

func (b *fileBackend) pendingPath(key string) string { return filepath.Join(b.pending, key+".json") }

func (b *fileBackend) putPending(_ context.Context, key string, p Pending, _ time.Duration) error {
	if b.closed.Load() {
		return ErrClosed
	}
	return writeJSON(b.pendingPath(key), p)
}

// takePending claims the file by renaming it to a name of this taker's own: of several
// renames of one file, in any process, exactly one succeeds.
func (b *fileBackend) takePending(_ context.Context, key string) (Pending, error) {
	if b.closed.Load() {
		return Pending{}, ErrClosed
	}
	claimed := filepath.Join(b.pending, "."+key+"."+NewToken()[:12]+".taken")
	if err := os.Rename(b.pendingPath(key), claimed); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return Pending{}, ErrNoPending
		}
		return Pending{}, wrap(err)
	}
	data, err := os.ReadFile(claimed)
	if rerr := b.remove(claimed); err == nil {
		err = rerr
	}
	if err != nil {
		return Pending{}, wrap(err)
	}
	var p Pending
	if json.Unmarshal(data, &p) != nil {
		return Pending{}, ErrNoPending
	}
	return p, nil
}

// sweep removes expired and damaged sessions, expired pending sign-ins, and claims a crash
// left behind. Errors are left for the next sweep: nothing depends on it but disk space.
func (b *fileBackend) sweep(now time.Time, expired func(Session, time.Time) bool, pendingTTL time.Duration) {
	_ = b.locked(func() error {
		return b.eachSession(func(path string, s *Session) error {
			if s == nil || expired(*s, now) {
				_ = b.remove(path)
			}
			return nil
		})
	})
	ents, err := os.ReadDir(b.pending)
	if err != nil {
		return
	}
	for _, e := range ents {
		path := filepath.Join(b.pending, e.Name())
		if strings.HasSuffix(e.Name(), ".taken") {
			if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > time.Minute {
				_ = os.Remove(path)
			}
			continue
		}
		if !strings.HasSuffix(e.Name(), ".json") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		data, err := os.ReadFile(path)
		var p Pending
		if err == nil && (json.Unmarshal(data, &p) != nil || !now.Before(p.Created.Add(pendingTTL))) {
			_ = os.Remove(path)
		}
	}
}

func (b *fileBackend) close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed.Swap(true) {
		return nil
	}
	return b.lock.Close()
}
