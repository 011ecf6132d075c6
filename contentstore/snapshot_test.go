package contentstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSnapshotRoundTrip(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := LoadSnapshot(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("LoadSnapshot without one: err = %v, want not-exist", err)
	}
	v := Version{Number: 7, Author: "alice", Note: "n", CreatedAt: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		Digest: Digest([]byte("seven"))}
	if err := SaveSnapshot(dir, []byte("seven"), v); err != nil {
		t.Fatal(err)
	}
	src, got, err := LoadSnapshot(dir)
	if err != nil || string(src) != "seven" || got.Number != 7 || got.Author != "alice" || !got.CreatedAt.Equal(v.CreatedAt) {
		t.Fatalf("LoadSnapshot = %q %+v, %v", src, got, err)
	}
	// A crash between the two renames: content and version disagree.
	if err := os.WriteFile(filepath.Join(dir, SnapshotContentFile), []byte("eight"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := LoadSnapshot(dir); !errors.Is(err, ErrSnapshotMismatch) {
		t.Errorf("LoadSnapshot of mismatched files: err = %v, want ErrSnapshotMismatch", err)
	}
}
