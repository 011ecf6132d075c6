package fsstore

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, cfg storetest.Config) storetest.Backend {
		dir := t.TempDir()
		return storetest.Backend{Open: func() (contentstore.Store, error) {
			return Open(dir, cfg.Seed, cfg.Validate, cfg.Now)
		}}
	})
}

func validate(src []byte) error {
	if bytes.Contains(src, []byte("INVALID")) {
		return errors.New("contains INVALID")
	}
	return nil
}

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir, storetest.Seed, validate, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSecondOpenIsLocked(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := Open(dir, storetest.Seed, validate, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open of a held dir: err = %v, want ErrLocked", err)
	}
	s.Close()
	open(t, dir) // released by Close
}

func TestInvalidSeedRefused(t *testing.T) {
	if _, err := Open(t.TempDir(), []byte("INVALID"), validate, nil); err == nil {
		t.Fatal("Open seeded content its validate rejects")
	}
	if _, err := Open(t.TempDir(), storetest.Seed, nil, nil); err == nil {
		t.Fatal("Open without a validate func succeeded")
	}
}

func TestLayout(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.Put(context.Background(), []byte("two"), "alice", "", 1); err != nil {
		t.Fatal(err)
	}
	cd := filepath.Join(dir, Dir)
	for name, want := range map[string]string{"current": "2\n", "00000001.yaml": string(storetest.Seed), "00000002.yaml": "two"} {
		b, err := os.ReadFile(filepath.Join(cd, name))
		if err != nil || string(b) != want {
			t.Errorf("%s = %q, %v; want %q", name, b, err, want)
		}
	}
	if b, err := os.ReadFile(filepath.Join(cd, "00000002.json")); err != nil || !bytes.Contains(b, []byte(`"author":"alice"`)) {
		t.Errorf("metadata of version 2 = %s, %v", b, err)
	}
}

// TestCrashLeftovers: what a crash can leave (temporary files, a version written but never
// made current) is cleaned up at Open (a torn audit line: auditlog's TestFileTornLine), and numbering goes on from current.
func TestCrashLeftovers(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.Put(context.Background(), []byte("two"), "alice", "", 0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	cd := filepath.Join(dir, Dir)
	write := func(path, b string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(b), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(cd, "00000003.yaml"), "orphan")
	write(filepath.Join(cd, "00000003.json"), `{"version":3,"author":"ghost","digest":"x"}`)
	write(filepath.Join(cd, "current.tmp"), "3")

	s = open(t, dir)
	for _, name := range []string{"00000003.yaml", "00000003.json", "current.tmp"} {
		if _, err := os.Stat(filepath.Join(cd, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived Open: %v", name, err)
		}
	}
	if _, _, err := s.Get(context.Background(), 3); !errors.Is(err, contentstore.ErrNotFound) {
		t.Errorf("the never-current version 3 is readable: %v", err)
	}
	v, err := s.Put(context.Background(), []byte("three"), "bob", "", 2)
	if err != nil || v.Number != 3 {
		t.Fatalf("Put after recovery = %+v, %v; want version 3", v, err)
	}
}

func TestMissingCurrentPointer(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.Put(context.Background(), []byte("two"), "alice", "", 0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Remove(filepath.Join(dir, Dir, "current")); err != nil {
		t.Fatal(err)
	}
	s = open(t, dir)
	src, v, err := s.Current(context.Background())
	if err != nil || v.Number != 2 || string(src) != "two" {
		t.Fatalf("without a pointer current = %d %q, %v; want the newest version (2), not a new seed", v.Number, src, err)
	}
}

func TestDamagedContentDetected(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	if _, err := s.Put(context.Background(), []byte("two"), "alice", "", 0); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, Dir, "00000001.yaml"), []byte("tampered"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(context.Background(), 1); err == nil || !strings.Contains(err.Error(), "digest") {
		t.Errorf("Get of content changed on disk: err = %v, want a digest mismatch", err)
	}
	if _, err := s.Rollback(context.Background(), 1, "alice", "", 0); err == nil {
		t.Error("Rollback to damaged content succeeded")
	}
}

// TestSlowWatcherGetsNewest: a watcher that does not read keeps the newest version, never
// blocking Put.
func TestSlowWatcherGetsNewest(t *testing.T) {
	s := open(t, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	w := s.Watch(ctx)
	var last contentstore.Version
	for i := range 3 * watchBuffer {
		v, err := s.Put(ctx, []byte{byte('a' + i)}, "alice", "", 0)
		if err != nil {
			t.Fatal(err)
		}
		last = v
	}
	var got contentstore.Version
	for len(w) > 0 {
		got = <-w
	}
	if got.Number != last.Number {
		t.Errorf("last pending delivery = %d, want the newest %d", got.Number, last.Number)
	}
}
