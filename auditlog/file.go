package auditlog

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/signpost/edge/internal/atomicfile"
)

// FileName is the audit log's file in the data dir, beside the content store's directory
// ("content/"): one JSON object a line, each fsynced.
const FileName = "audit.log"

// File is the embedded audit log: one file, appended to.
type File struct {
	path string
	now  func() time.Time

	mu sync.Mutex // guards f
	f  *os.File
}

var _ Log = (*File)(nil)

// OpenFile opens (creating) the audit log at path for appending, cutting a torn last line (a
// crash mid-write: that entry was never acknowledged) so the next entry starts on a line of its
// own. now stamps entries given without a time (nil: time.Now).
func OpenFile(path string, now func() time.Time) (*File, error) {
	if now == nil {
		now = time.Now
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err == nil && len(b) > 0 && b[len(b)-1] != '\n' {
		keep := bytes.LastIndexByte(b, '\n') + 1
		slog.Warn("audit log: cut a torn last line left by a crash", "file", path, "bytes", len(b)-keep)
		if err = f.Truncate(int64(keep)); err == nil {
			err = f.Sync()
		}
	}
	if err == nil {
		err = atomicfile.SyncDir(filepath.Dir(path))
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &File{path: path, now: now, f: f}, nil
}

// Append implements Log: one fsynced JSON line.
func (l *File) Append(ctx context.Context, e Entry) error {
	if e.Time.IsZero() {
		e.Time = l.now().UTC()
	}
	line, err := json.Marshal(e)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return ErrClosed
	}
	if _, err := l.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if err := l.f.Sync(); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

// List implements Log, reading the whole file: operator actions are few. Lines that do not
// decode (damage from outside) are skipped.
func (l *File) List(ctx context.Context, limit int) ([]Entry, error) {
	l.mu.Lock()
	if l.f == nil {
		l.mu.Unlock()
		return nil, ErrClosed
	}
	b, err := os.ReadFile(l.path)
	l.mu.Unlock()
	if err != nil {
		return nil, err
	}
	lines := bytes.Split(b, []byte{'\n'})
	out := []Entry{}
	for i := len(lines) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		if len(lines[i]) == 0 {
			continue
		}
		var e Entry
		if json.Unmarshal(lines[i], &e) != nil {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

// Close implements Log.
func (l *File) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}
