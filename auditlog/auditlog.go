// Package auditlog is the operator audit log: who published, rolled back, reviewed or exported
// what, and when. Two implementations sit behind Log, side by side: a file under the data dir
// (embedded mode, File) and a Redis stream shared by every edge (Redis mode, Redis). An export
// is audited or refused, so a job that audits needs only a Log, not the content store the log
// used to live in; the file's name and the Redis key are the ones it had there, so existing
// logs read on.
package auditlog

import (
	"context"
	"errors"
	"time"

	"github.com/signpost/edge/internal/fault"
)

// Entry records one operator action.
type Entry struct {
	Time time.Time `json:"time"`
	// Actor is the operator token's name, or a person's display name.
	Actor string `json:"actor"`
	// Subject, Email and Provider name the person who acted (signed in through an identity
	// provider); empty for a token.
	Subject  string `json:"subject,omitempty"`
	Email    string `json:"email,omitempty"`
	Provider string `json:"provider,omitempty"`
	Action   string `json:"action"` // e.g. "content.put", "notice.put", "feedback.export"
	Target   string `json:"target,omitempty"`
	// Version is the content version the action produced or read, when there is one.
	Version int64  `json:"version,omitempty"`
	Note    string `json:"note,omitempty"`
}

// Log is an append-only audit log.
type Log interface {
	// Append adds an entry (a zero Time is set to the log's clock), durably before it returns.
	Append(ctx context.Context, e Entry) error
	// List returns the newest entries first, at most limit of them (limit <= 0: all).
	List(ctx context.Context, limit int) ([]Entry, error)
	// Close releases the log (the file; a Redis log leaves its client to its owner). Closing
	// twice does nothing.
	Close() error
}

// Errors of every Log.
var (
	// ErrUnavailable: the backing service cannot be reached (a 503 store_unavailable).
	ErrUnavailable = fault.E(fault.Unavailable, "store_unavailable", "", "store_unavailable")
	// ErrClosed: the Log was closed.
	ErrClosed = errors.New("audit log is closed")
)
