// Package segmentlog is an append-only log of JSON lines in size-rotated segment files: what the
// embedded feedback store (feedback/logstore) and the Redis store's local spool
// (feedback/redisstore) both keep their lines in. A write is acknowledged only after fsync;
// concurrent writers share one fsync (group commit); a file lock keeps a second process out; a
// torn last line left by a crash is cut off at the next open.
package segmentlog

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"github.com/signpost/edge/internal/atomicfile"
)

// DefaultMaxSegment is the size at which a log file is closed and the next one started.
const DefaultMaxSegment = 64 << 20

// maxBatch bounds how many appends share one write and fsync.
const maxBatch = 1024

// ErrLocked is returned by Open when another process holds the log.
var ErrLocked = errors.New("another process holds this log (is another edge running on the same data dir?)")

// ErrClosed is returned by Append after Close.
var ErrClosed = errors.New("log is closed")

// Options tune a Log.
type Options struct {
	// MaxSegment is the size in bytes at which the current file is rotated (default 64 MiB).
	MaxSegment int64
	Logger     *slog.Logger
	// Sync replaces (*os.File).Sync: tests inject a failing fsync, which no real disk gives on
	// demand. Nil is the real one.
	Sync func(*os.File) error
}

// Log is one append-only sequence of JSON lines in dir, in files named prefix-NNNNNNNN.jsonl.
type Log struct {
	dir, prefix string
	opts        Options
	lock        *os.File

	closeMu sync.RWMutex
	closed  bool
	reqs    chan *request
	done    chan struct{}

	// Owned by the writer goroutine after Open.
	f    *os.File
	seq  int
	size int64
	err  error // a failed fsync: the log refuses every later append

	// failed mirrors err for readers outside the writer goroutine (readiness).
	failed atomic.Pointer[error]

	// Repaired is how many bytes of a torn last line Open cut off.
	Repaired int64
}

type request struct {
	lines  [][]byte // each without its newline
	rotate bool
	done   chan error
}

// Open locks dir (creating it) and opens its newest file for appending, cutting off a torn last
// line: a line without its newline was never acknowledged, since acknowledgement follows fsync
// of the whole line.
func Open(dir, prefix string, opts Options) (*Log, error) {
	if opts.MaxSegment <= 0 {
		opts.MaxSegment = DefaultMaxSegment
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o600)
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
	l := &Log{dir: dir, prefix: prefix, opts: opts, lock: lock, reqs: make(chan *request, maxBatch), done: make(chan struct{})}
	if err := l.openTail(); err != nil {
		lock.Close()
		return nil, err
	}
	go l.writer()
	return l, nil
}

// openTail opens the newest segment (or the first), repairing a torn tail.
func (l *Log) openTail() error {
	segs, err := Segments(l.dir, l.prefix)
	if err != nil {
		return err
	}
	if len(segs) == 0 {
		return l.create(1)
	}
	last := segs[len(segs)-1]
	f, err := os.OpenFile(last.Path, os.O_RDWR|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	size, cut, err := repairTail(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", last.Path, err)
	}
	if cut > 0 {
		l.opts.Logger.Warn("feedback log: cut a torn last line left by a crash (it was never acknowledged)",
			"file", last.Path, "bytes", cut)
	}
	l.f, l.seq, l.size, l.Repaired = f, last.Seq, size, cut
	return nil
}

// repairTail truncates f after its last newline and returns the new size and the bytes cut.
func repairTail(f *os.File) (size, cut int64, err error) {
	st, err := f.Stat()
	if err != nil {
		return 0, 0, err
	}
	size = st.Size()
	const chunk = 64 << 10
	end := size
	buf := make([]byte, chunk)
	for end > 0 {
		start := max(end-chunk, 0)
		n, err := f.ReadAt(buf[:end-start], start)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, 0, err
		}
		if i := bytes.LastIndexByte(buf[:n], '\n'); i >= 0 {
			end = start + int64(i) + 1
			break
		}
		end = start
	}
	if end == size {
		return size, 0, nil
	}
	if err := f.Truncate(end); err != nil {
		return 0, 0, err
	}
	if err := f.Sync(); err != nil {
		return 0, 0, err
	}
	return end, size - end, nil
}

func (l *Log) segmentPath(seq int) string {
	return filepath.Join(l.dir, fmt.Sprintf("%s-%08d.jsonl", l.prefix, seq))
}

// create starts segment seq and makes its directory entry durable.
func (l *Log) create(seq int) error {
	f, err := os.OpenFile(l.segmentPath(seq), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if err := atomicfile.SyncDir(l.dir); err != nil {
		f.Close()
		return err
	}
	l.f, l.seq, l.size = f, seq, 0
	return nil
}

// Append writes lines (each a JSON value without newline) and returns once they are on disk.
// The lines of one call are written together: a crash keeps all of them or none acknowledged.
func (l *Log) Append(lines ...[]byte) error {
	for _, ln := range lines {
		if bytes.IndexByte(ln, '\n') >= 0 {
			return errors.New("log line holds a newline")
		}
	}
	return l.send(&request{lines: lines, done: make(chan error, 1)})
}

// Rotate closes the current file (when it holds anything) and starts the next, so that every
// line appended before is in a closed file: what a replay or purge works on.
func (l *Log) Rotate() error { return l.send(&request{rotate: true, done: make(chan error, 1)}) }

func (l *Log) send(r *request) error {
	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return ErrClosed
	}
	l.reqs <- r
	l.closeMu.RUnlock()
	return <-r.done
}

// writer owns the file: it takes every request waiting, writes their lines in one write, syncs
// once, then answers them all.
func (l *Log) writer() {
	defer close(l.done)
	batch := make([]*request, 0, maxBatch)
	var buf []byte
	for r := range l.reqs {
		batch = append(batch[:0], r)
	more:
		for len(batch) < maxBatch {
			select {
			case r, ok := <-l.reqs:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		// Appends up to a rotation share one fsync; the rotation then happens in order.
		pending := batch[:0:0]
		for _, r := range batch {
			if !r.rotate {
				pending = append(pending, r)
				continue
			}
			buf = l.flush(pending, buf)
			pending = pending[:0]
			r.done <- l.rotate()
		}
		buf = l.flush(pending, buf)
	}
	if l.f != nil {
		l.f.Close()
	}
	l.lock.Close() // releases the flock
}

// flush writes and syncs the lines of reqs and answers them.
func (l *Log) flush(reqs []*request, buf []byte) []byte {
	if len(reqs) == 0 {
		return buf
	}
	buf = buf[:0]
	for _, r := range reqs {
		for _, ln := range r.lines {
			buf = append(buf, ln...)
			buf = append(buf, '\n')
		}
	}
	err := l.write(buf)
	for _, r := range reqs {
		r.done <- err
	}
	if err == nil && l.size >= l.opts.MaxSegment {
		if rerr := l.rotate(); rerr != nil {
			l.opts.Logger.Error("feedback log: rotation failed; appending to the current file", "err", rerr)
		}
	}
	if cap(buf) > 1<<20 {
		buf = nil // do not keep a burst's buffer forever
	}
	return buf
}

func (l *Log) write(buf []byte) error {
	if l.err != nil {
		return l.err
	}
	if _, err := l.f.Write(buf); err != nil {
		// Take the partial write back, so the file stays whole lines.
		if terr := l.f.Truncate(l.size); terr != nil {
			l.err = fmt.Errorf("feedback log: write failed (%v) and could not be undone: %w", err, terr)
			l.failed.Store(&l.err)
		}
		return err
	}
	syncFile := (*os.File).Sync
	if l.opts.Sync != nil {
		syncFile = l.opts.Sync
	}
	if err := syncFile(l.f); err != nil {
		// After a failed fsync the kernel may have dropped the pages: nothing written since the
		// last good fsync can be trusted, so refuse everything until an operator looks.
		l.err = fmt.Errorf("feedback log: fsync failed, refusing writes until restart: %w", err)
		l.failed.Store(&l.err)
		return l.err
	}
	l.size += int64(len(buf))
	return nil
}

func (l *Log) rotate() error {
	if l.err != nil {
		return l.err
	}
	if l.size == 0 {
		return nil
	}
	next := l.seq + 1
	old := l.f
	if err := l.create(next); err != nil {
		return err
	}
	return old.Close()
}

// Close waits for appends in flight, then closes the file and releases the lock.
func (l *Log) Close() error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return nil
	}
	l.closed = true
	close(l.reqs)
	l.closeMu.Unlock()
	<-l.done
	return nil
}

// Dir is the log's directory.
func (l *Log) Dir() string { return l.dir }

// Segment is one file of a log.
type Segment struct {
	Seq  int
	Path string
}

// Segments lists the files of the log prefix in dir, oldest first.
func Segments(dir, prefix string) ([]Segment, error) {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var segs []Segment
	for _, e := range ents {
		name := e.Name()
		rest, ok := strings.CutPrefix(name, prefix+"-")
		if !ok {
			continue
		}
		num, ok := strings.CutSuffix(rest, ".jsonl")
		if !ok {
			continue
		}
		seq, err := strconv.Atoi(num)
		if err != nil || seq <= 0 {
			continue
		}
		segs = append(segs, Segment{Seq: seq, Path: filepath.Join(dir, name)})
	}
	slices.SortFunc(segs, func(a, b Segment) int { return a.Seq - b.Seq })
	return segs, nil
}

// ReadSegment calls fn with each complete line of the file at path. A last line without its
// newline is skipped: it is a torn write, or one still being written by a running edge (reading
// needs no lock, so export works beside a serving process).
func ReadSegment(path string, fn func(line []byte) error) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // rotated away by a purge or replay since listed
	}
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		line, err := r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than the buffer: gather it.
			full := append([]byte(nil), line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = r.ReadSlice('\n')
				full = append(full, line...)
			}
			line = full
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		line = line[:len(line)-1]
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if err := fn(line); err != nil {
			return err
		}
	}
}

// ReadAll calls fn with every complete line of the log prefix in dir, oldest file first.
func ReadAll(dir, prefix string, fn func(line []byte) error) error {
	segs, err := Segments(dir, prefix)
	if err != nil {
		return err
	}
	for _, s := range segs {
		if err := ReadSegment(s.Path, fn); err != nil {
			return err
		}
	}
	return nil
}

// Failed returns why the log refuses appends (a failed write or fsync), nil while it works.
func (l *Log) Failed() error {
	if e := l.failed.Load(); e != nil {
		return *e
	}
	return nil
}
