// Package atomicfile replaces files so that a crash leaves either the old bytes or the new,
// never a mix: the one way every store of the edge writes a whole file.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Replace puts b at path through a fsynced temporary file beside it and a rename. The rename
// is durable once the directory is synced: call SyncDir, once for several files in one
// directory, or use WriteFile.
func Replace(path string, b []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(b)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// SyncDir makes the renames and creations in dir durable.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// WriteFile is Replace and then SyncDir of the file's directory.
func WriteFile(path string, b []byte, perm os.FileMode) error {
	if err := Replace(path, b, perm); err != nil {
		return err
	}
	return SyncDir(filepath.Dir(path))
}
