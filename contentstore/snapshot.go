package contentstore

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/signpost/edge/internal/atomicfile"
)

// Snapshot file names under the data dir: the last-known-good content and its version.
const (
	SnapshotContentFile = "content-lkg.yaml"
	SnapshotVersionFile = "content-lkg.json"
)

// ErrSnapshotMismatch: the snapshot's content does not match the digest of its version file
// (a crash between the two renames). The caller falls back to the shipped content.
var ErrSnapshotMismatch = errors.New("content snapshot: content does not match its version file")

// SaveSnapshot keeps src and its version as the last-known-good content under dataDir, so an
// edge that starts while Redis is down serves what operators last published rather than the
// shipped configs. Each file is replaced atomically and durably: a crash leaves the old file or
// the new one, never a torn one.
func SaveSnapshot(dataDir string, src []byte, v Version) error {
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return err
	}
	meta, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if err := atomicfile.Replace(filepath.Join(dataDir, SnapshotContentFile), src, 0o600); err != nil {
		return fmt.Errorf("content snapshot: %w", err)
	}
	if err := atomicfile.Replace(filepath.Join(dataDir, SnapshotVersionFile), append(meta, '\n'), 0o600); err != nil {
		return fmt.Errorf("content snapshot: %w", err)
	}
	return atomicfile.SyncDir(dataDir)
}

// LoadSnapshot reads the snapshot SaveSnapshot wrote. Without one the error is
// fs.ErrNotExist (errors.Is); when the two files disagree it is ErrSnapshotMismatch. The
// content was valid when saved, but the caller should validate it again: the rules may have
// changed with the binary.
func LoadSnapshot(dataDir string) ([]byte, Version, error) {
	src, err := os.ReadFile(filepath.Join(dataDir, SnapshotContentFile))
	if err != nil {
		return nil, Version{}, err
	}
	meta, err := os.ReadFile(filepath.Join(dataDir, SnapshotVersionFile))
	if err != nil {
		return nil, Version{}, err
	}
	var v Version
	if err := json.Unmarshal(meta, &v); err != nil {
		return nil, Version{}, fmt.Errorf("content snapshot: %s: %w", SnapshotVersionFile, err)
	}
	if v.Digest != Digest(src) {
		return nil, Version{}, ErrSnapshotMismatch
	}
	return src, v, nil
}

// Digest is the hex SHA-256 of content bytes: Version.Digest, computed the same way by every
// store and by the snapshot check.
func Digest(src []byte) string {
	sum := sha256.Sum256(src)
	return hex.EncodeToString(sum[:])
}
