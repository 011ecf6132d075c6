package fsstore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/atomicfile"
)

var _ contentstore.Bundles = (*Store)(nil)

func (s *Store) bundleDir() string { return filepath.Join(s.dir, "widgets") }

// SaveBundle writes the bundle to <data dir>/content/widgets/<hash>.js (once: a hash names its
// bytes).
func (s *Store) SaveBundle(ctx context.Context, hash string, js []byte) error {
	if !contentstore.ValidBundleHash(hash) {
		return fmt.Errorf("fsstore: %q is not a bundle hash", hash)
	}
	if err := os.MkdirAll(s.bundleDir(), 0o750); err != nil {
		return err
	}
	path := filepath.Join(s.bundleDir(), hash+".js")
	if fileExists(path) {
		return nil
	}
	if err := atomicfile.Replace(path, js, 0o600); err != nil {
		return err
	}
	return atomicfile.SyncDir(s.bundleDir())
}

// LoadBundle reads a saved bundle.
func (s *Store) LoadBundle(ctx context.Context, hash string) ([]byte, error) {
	if !contentstore.ValidBundleHash(hash) {
		return nil, contentstore.ErrNotFound
	}
	b, err := os.ReadFile(filepath.Join(s.bundleDir(), hash+".js"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, contentstore.ErrNotFound
	}
	return b, err
}

// BundleHashes lists the saved bundles.
func (s *Store) BundleHashes(ctx context.Context) ([]string, error) {
	entries, err := os.ReadDir(s.bundleDir())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if h, ok := strings.CutSuffix(e.Name(), ".js"); ok && contentstore.ValidBundleHash(h) {
			out = append(out, h)
		}
	}
	return out, nil
}
