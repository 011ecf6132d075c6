// Package fsstore is the embedded content store: versions as files under the data dir, for an
// edge that runs alone (no Redis). Every version is two files, its content and its metadata,
// and a `current` file names the current one; each file is replaced by an fsynced temporary
// file and a rename followed by an fsync of the directory, so a crash leaves the store as it was
// before or after a change, never in between. A file lock keeps a second process from writing
// the same directory.
//
// Layout under the data dir:
//
//	content/LOCK             flock held while the store is open
//	content/current          number of the current version
//	content/00000001.yaml    content of version 1
//	content/00000001.json    metadata of version 1 (contentstore.Version)
//
// The operator audit log beside content/ (audit.log) is package auditlog's.
package fsstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/atomicfile"
)

// Names under the data dir.
const (
	// Dir holds the versions, the current pointer and the lock.
	Dir = "content"

	currentFile = "current"
	lockFile    = "LOCK"
	contentExt  = ".yaml"
	metaExt     = ".json"
	tmpExt      = ".tmp"
)

// Seed metadata: what version 1 says when it comes from the shipped content.
const (
	SeedAuthor = "seed"
	SeedNote   = "shipped configs/content.yaml"
)

// ErrLocked: another process (or another open Store) holds the directory. Two writers would
// both number their next version current+1.
var ErrLocked = errors.New("content store is in use by another process")

// ErrClosed: the Store was closed.
var ErrClosed = errors.New("content store is closed")

// watchBuffer is each watcher's channel size. When a slow watcher's buffer is full the oldest
// pending delivery is dropped, never the newest: the receiver reads Current anyway.
const watchBuffer = 8

// Store is the file-backed contentstore.Store.
type Store struct {
	dir      string
	validate contentstore.Validate
	now      func() time.Time
	lock     *os.File

	// mu serialises writes and guards everything below.
	mu       sync.Mutex
	versions []contentstore.Version // 1..current, oldest first
	current  []byte
	watchers map[chan contentstore.Version]struct{}
	closed   bool
	done     chan struct{}
}

var _ contentstore.Store = (*Store)(nil)

// Open opens (creating) the store under dataDir and locks it. When it holds no version yet,
// seed becomes version 1 (author "seed"); seed must pass validate like any other version. now
// stamps versions (nil: time.Now).
func Open(dataDir string, seed []byte, validate contentstore.Validate, now func() time.Time) (*Store, error) {
	if validate == nil {
		return nil, errors.New("fsstore: a validate func is required: invalid content must never become current")
	}
	if now == nil {
		now = time.Now
	}
	dir := filepath.Join(dataDir, Dir)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w", dir, ErrLocked)
		}
		return nil, fmt.Errorf("%s: lock: %w", dir, err)
	}
	s := &Store{dir: dir, validate: validate, now: now, lock: lock,
		watchers: map[chan contentstore.Version]struct{}{}, done: make(chan struct{})}
	if err := s.load(seed); err != nil {
		lock.Close()
		return nil, err
	}
	return s, nil
}

// load reads the versions, finishing or undoing what a crash left: temporary files are
// removed, versions written after the current one (never made current) are removed, a missing
// current pointer names the newest complete version, and an empty store is seeded.
func (s *Store) load(seed []byte) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	metas := map[int64]contentstore.Version{}
	var numbered []int64 // every number with any file
	seen := map[int64]bool{}
	for _, e := range entries {
		name := e.Name()
		if strings.HasSuffix(name, tmpExt) {
			if err := os.Remove(filepath.Join(s.dir, name)); err != nil {
				return err
			}
			continue
		}
		n, ext, ok := parseName(name)
		if !ok {
			continue
		}
		if !seen[n] {
			seen[n] = true
			numbered = append(numbered, n)
		}
		if ext != metaExt {
			continue
		}
		b, err := os.ReadFile(filepath.Join(s.dir, name))
		if err != nil {
			return err
		}
		var v contentstore.Version
		if err := json.Unmarshal(b, &v); err != nil || v.Number != n {
			return fmt.Errorf("fsstore: %s: damaged version metadata", filepath.Join(s.dir, name))
		}
		metas[n] = v
	}
	cur, err := s.readCurrent()
	if err != nil {
		return err
	}
	if cur == 0 {
		// No pointer: a crash while seeding, or an operator removed it. The newest version
		// with both files is the best guess; with none the store is empty.
		for n, v := range metas {
			if n > cur && fileExists(s.contentPath(n)) {
				cur = v.Number
			}
		}
		if cur > 0 {
			slog.Warn("content store: no current pointer; using the newest complete version", "dir", s.dir, "version", cur)
			if err := s.writeCurrent(cur); err != nil {
				return err
			}
		}
	}
	for _, n := range numbered {
		if n > cur { // written by a Put that crashed before making it current
			os.Remove(s.contentPath(n))
			os.Remove(s.metaPath(n))
			delete(metas, n)
		}
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return err
	}
	if cur == 0 {
		if err := s.validate(seed); err != nil {
			return fmt.Errorf("fsstore: the seed content is not valid: %w", err)
		}
		_, err := s.commit(seed, SeedAuthor, SeedNote)
		return err
	}
	if _, ok := metas[cur]; !ok {
		return fmt.Errorf("fsstore: %s names version %d, which has no metadata", filepath.Join(s.dir, currentFile), cur)
	}
	for _, v := range metas {
		s.versions = append(s.versions, v)
	}
	sort.Slice(s.versions, func(i, j int) bool { return s.versions[i].Number < s.versions[j].Number })
	src, _, err := s.read(cur)
	if err != nil {
		return err
	}
	s.current = src
	return nil
}

func parseName(name string) (int64, string, bool) {
	ext := filepath.Ext(name)
	if ext != contentExt && ext != metaExt {
		return 0, "", false
	}
	n, err := strconv.ParseInt(strings.TrimSuffix(name, ext), 10, 64)
	if err != nil || n <= 0 {
		return 0, "", false
	}
	return n, ext, true
}

func (s *Store) contentPath(n int64) string {
	return filepath.Join(s.dir, fmt.Sprintf("%08d%s", n, contentExt))
}

func (s *Store) metaPath(n int64) string {
	return filepath.Join(s.dir, fmt.Sprintf("%08d%s", n, metaExt))
}

func (s *Store) readCurrent() (int64, error) {
	b, err := os.ReadFile(filepath.Join(s.dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("fsstore: %s: damaged current pointer %q", filepath.Join(s.dir, currentFile), b)
	}
	return n, nil
}

func (s *Store) writeCurrent(n int64) error {
	if err := atomicfile.Replace(filepath.Join(s.dir, currentFile), []byte(strconv.FormatInt(n, 10)+"\n"), 0o600); err != nil {
		return err
	}
	return atomicfile.SyncDir(s.dir)
}

// commit writes src as version current+1 and makes it current; the caller holds mu (or is
// Open) and has validated src. The version's files are durable before the pointer moves.
func (s *Store) commit(src []byte, author, note string) (contentstore.Version, error) {
	v := contentstore.Version{Number: s.currentNumber() + 1, Author: author, Note: note,
		CreatedAt: s.now().UTC(), Digest: contentstore.Digest(src)}
	meta, err := json.Marshal(v)
	if err != nil {
		return contentstore.Version{}, err
	}
	if err := atomicfile.Replace(s.contentPath(v.Number), src, 0o600); err != nil {
		return contentstore.Version{}, err
	}
	if err := atomicfile.Replace(s.metaPath(v.Number), append(meta, '\n'), 0o600); err != nil {
		return contentstore.Version{}, err
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return contentstore.Version{}, err
	}
	if err := s.writeCurrent(v.Number); err != nil {
		return contentstore.Version{}, err
	}
	s.versions = append(s.versions, v)
	s.current = bytes.Clone(src)
	for ch := range s.watchers {
		contentstore.Notify(ch, v)
	}
	return v, nil
}

func (s *Store) currentNumber() int64 {
	if len(s.versions) == 0 {
		return 0
	}
	return s.versions[len(s.versions)-1].Number
}

// Current implements contentstore.Store, from memory.
func (s *Store) Current(ctx context.Context) ([]byte, contentstore.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, contentstore.Version{}, ErrClosed
	}
	return bytes.Clone(s.current), s.versions[len(s.versions)-1], nil
}

// Put implements contentstore.Store. Validation runs before the lock: it can be slow and
// needs no state.
func (s *Store) Put(ctx context.Context, src []byte, author, note string, ifMatch int64) (contentstore.Version, error) {
	if err := ctx.Err(); err != nil {
		return contentstore.Version{}, err
	}
	if err := s.validate(src); err != nil {
		return contentstore.Version{}, fmt.Errorf("invalid content: %w", err)
	}
	return s.put(src, author, note, ifMatch)
}

func (s *Store) put(src []byte, author, note string, ifMatch int64) (contentstore.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return contentstore.Version{}, ErrClosed
	}
	if cur := s.currentNumber(); ifMatch != 0 && ifMatch != cur {
		return contentstore.Version{}, fmt.Errorf("%w (current is %d, not %d)", contentstore.ErrConflict, cur, ifMatch)
	}
	return s.commit(src, author, note)
}

// History implements contentstore.Store, from memory.
func (s *Store) History(ctx context.Context) ([]contentstore.Version, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	out := make([]contentstore.Version, len(s.versions))
	for i, v := range s.versions {
		out[len(out)-1-i] = v
	}
	return out, nil
}

// Get implements contentstore.Store: metadata from memory, content from its file (checked
// against its digest).
func (s *Store) Get(ctx context.Context, number int64) ([]byte, contentstore.Version, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, contentstore.Version{}, ErrClosed
	}
	v, ok := s.lookup(number)
	s.mu.Unlock()
	if !ok {
		return nil, contentstore.Version{}, fmt.Errorf("%w: %d", contentstore.ErrNotFound, number)
	}
	src, _, err := s.read(number)
	if err != nil {
		return nil, contentstore.Version{}, err
	}
	return src, v, nil
}

func (s *Store) lookup(number int64) (contentstore.Version, bool) {
	i := sort.Search(len(s.versions), func(i int) bool { return s.versions[i].Number >= number })
	if i < len(s.versions) && s.versions[i].Number == number {
		return s.versions[i], true
	}
	return contentstore.Version{}, false
}

// read returns version n's content and metadata from disk. Versions never change once
// written, so no lock is needed.
func (s *Store) read(n int64) ([]byte, contentstore.Version, error) {
	b, err := os.ReadFile(s.metaPath(n))
	if errors.Is(err, os.ErrNotExist) {
		return nil, contentstore.Version{}, fmt.Errorf("%w: %d", contentstore.ErrNotFound, n)
	}
	if err != nil {
		return nil, contentstore.Version{}, err
	}
	var v contentstore.Version
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, contentstore.Version{}, fmt.Errorf("fsstore: version %d: damaged metadata: %w", n, err)
	}
	src, err := os.ReadFile(s.contentPath(n))
	if err != nil {
		return nil, contentstore.Version{}, fmt.Errorf("fsstore: version %d: %w", n, err)
	}
	if contentstore.Digest(src) != v.Digest {
		return nil, contentstore.Version{}, fmt.Errorf("fsstore: version %d: content does not match its digest (damaged on disk)", n)
	}
	return src, v, nil
}

// Rollback implements contentstore.Store: the old content is validated again (the rules may
// have changed since) and committed as a new version.
func (s *Store) Rollback(ctx context.Context, to int64, author, note string, ifMatch int64) (contentstore.Version, error) {
	src, _, err := s.Get(ctx, to)
	if err != nil {
		return contentstore.Version{}, err
	}
	if err := s.validate(src); err != nil {
		return contentstore.Version{}, fmt.Errorf("version %d is not valid by the current rules: %w", to, err)
	}
	return s.put(src, author, note, ifMatch)
}

// Watch implements contentstore.Store: in-process notifications, since only this process can
// write the directory.
func (s *Store) Watch(ctx context.Context) <-chan contentstore.Version {
	ch := make(chan contentstore.Version, watchBuffer)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		close(ch)
		return ch
	}
	s.watchers[ch] = struct{}{}
	ch <- s.versions[len(s.versions)-1]
	s.mu.Unlock()
	go func() {
		select {
		case <-ctx.Done():
		case <-s.done:
		}
		s.mu.Lock()
		if _, ok := s.watchers[ch]; ok {
			delete(s.watchers, ch)
			close(ch)
		}
		s.mu.Unlock()
	}()
	return ch
}

// Close implements contentstore.Store: watchers' channels close and the lock is released.
// Closing twice does nothing.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.done)
	for ch := range s.watchers {
		delete(s.watchers, ch)
		close(ch)
	}
	s.mu.Unlock()
	return s.lock.Close() // releases the flock
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
