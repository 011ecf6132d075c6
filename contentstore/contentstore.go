// Package contentstore keeps versioned content bundles: every change operators publish is a new,
// validated version with its author and note; one version is current; any earlier one can be
// read back or made current again. Two implementations sit behind Store: files under the data
// dir (embedded mode, package fsstore) and Redis (package redisstore), shared by every edge.
// The operator audit log, which lived here, is package auditlog.
package contentstore

import (
	"context"
	"errors"
	"time"
)

// Version describes one stored content version.
type Version struct {
	// Number counts from 1 and never repeats; the HTTP ETag is "v<Number>".
	Number    int64     `json:"version"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	// Digest is the hex SHA-256 of the content bytes.
	Digest string `json:"digest"`
}

// Validate checks content bytes by the rules of `edge check`; a store never makes content that
// fails it current. It is snippets.Load under the hood, passed in so that stores stay free of
// the content model.
type Validate func(src []byte) error

// Store is a versioned content store.
type Store interface {
	// Current returns the current content and its version.
	Current(ctx context.Context) ([]byte, Version, error)
	// Put validates src and stores it as a new current version, provided the current version is
	// still ifMatch (0: no check). A stale ifMatch fails with ErrConflict, invalid content with
	// the Validate error (wrapped so errors.As finds it).
	Put(ctx context.Context, src []byte, author, note string, ifMatch int64) (Version, error)
	// History lists every version, newest first.
	History(ctx context.Context) ([]Version, error)
	// Get returns one version's content.
	Get(ctx context.Context, number int64) ([]byte, Version, error)
	// Rollback makes the content of version `to` current again as a new version (history stays
	// linear and nothing is rewritten), provided the current version is still ifMatch (0: no
	// check).
	Rollback(ctx context.Context, to int64, author, note string, ifMatch int64) (Version, error)
	// Watch delivers the version that became current, each time one does, on this process or on
	// any other sharing the store, until ctx ends. Deliveries may repeat or skip intermediate
	// versions; the receiver reads Current. The first delivery is the version current when
	// Watch starts (once the store can be reached), so no change falls between a caller's
	// Current and its Watch: compare numbers and skip what you already have. The channel is
	// closed when ctx ends or the store is closed.
	Watch(ctx context.Context) <-chan Version
	Close() error
}

// Errors of every Store.
var (
	// ErrConflict: ifMatch is not the current version.
	ErrConflict = errors.New("content changed since the version given")
	// ErrNotFound: no such version.
	ErrNotFound = errors.New("no such content version")
	// ErrUnavailable: the backing service cannot be reached; reads may still be served from memory
	// by the caller, writes must be refused.
	ErrUnavailable = errors.New("content store unavailable")
)

// Bundles keeps built widget bundles by hash. A partner page pinned to a bundle with SRI must
// keep getting exactly those bytes after content changes and deploys, or it gets no banner at
// all; an old bundle refreshes its banner from the snippets once it runs. Both stores keep them
// (the Redis one for every edge, including edges started after the bundle was built).
type Bundles interface {
	SaveBundle(ctx context.Context, hash string, js []byte) error
	// LoadBundle fails with ErrNotFound for a hash never saved.
	LoadBundle(ctx context.Context, hash string) ([]byte, error)
	// BundleHashes lists every saved hash.
	BundleHashes(ctx context.Context) ([]string, error)
}

// Drafts keeps operators' draft previews for a while where every edge sharing the store finds
// them: an operator's console may reach one edge and the preview frame another. The Redis store
// has it; an edge on files keeps its previews in its own memory, which is all there is.
type Drafts interface {
	// SaveDraft keeps a draft's content under id (32 lower-case hex digits) for ttl.
	SaveDraft(ctx context.Context, id string, src []byte, ttl time.Duration) error
	// LoadDraft returns a kept draft and how long it has left; ErrNotFound once it expired.
	LoadDraft(ctx context.Context, id string) ([]byte, time.Duration, error)
}

// ValidDraftID says whether id can name a draft: 32 lower-case hex digits.
func ValidDraftID(id string) bool {
	if len(id) != 32 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// ValidBundleHash says whether h can name a bundle: 16 lower-case hex digits (what a pinned
// URL carries), so that no other string reaches a file name or a key.
func ValidBundleHash(h string) bool {
	if len(h) != 16 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if c := h[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Notify delivers v to a watcher's buffered channel without ever blocking the store: when the
// buffer is full it drops the oldest pending delivery, never the newest (the receiver reads
// Current anyway). Both stores fan out through it.
func Notify(ch chan Version, v Version) {
	select {
	case ch <- v:
		return
	default:
	}
	select {
	case <-ch:
	default:
	}
	select {
	case ch <- v:
	default:
	}
}
