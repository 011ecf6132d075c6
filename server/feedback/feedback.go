// Package feedback is the feedback intake's domain: the stored record and follow-up, the
// decoding and validation of a submission, time-ordered ids, the keyed IP hash, duplicate
// suppression, and the Store interface that the embedded log (logstore) and the Redis stream
// (redisstore) implement. It knows nothing of HTTP or of either storage engine, so that the
// server, the CLI and the tests apply one set of rules.
package feedback

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Record is one stored feedback submission. It never holds the client's IP address, only a keyed
// hash of it, and never the follow-up email, which is stored apart (Followup).
type Record struct {
	// ID is time-ordered (see NewID) and stable: a record replayed from a spool keeps it, which
	// is what makes replay idempotent.
	ID         string    `json:"id"`
	ReceivedAt time.Time `json:"received_at"`
	Partner    string    `json:"partner"`
	Page       string    `json:"page"`
	Locale     string    `json:"locale"`
	// Found and Helpful are nil when the visitor did not answer.
	Found   *bool  `json:"found"`
	Helpful *bool  `json:"helpful"`
	Comment string `json:"comment"`
	// Crisis is true when the comment reads like a crisis: operators look at these first.
	Crisis bool `json:"crisis"`
	// Followup is true when the visitor left an email to be contacted (kept in a Followup).
	Followup bool   `json:"followup"`
	IPHash   string `json:"ip_hash"`
}

// Followup is a visitor's consent to be contacted, kept apart from comments so that it can be
// exported to the people who run the follow-up survey, and deleted after the retention window,
// without touching the feedback itself.
type Followup struct {
	ID         string    `json:"id"`
	ReceivedAt time.Time `json:"received_at"`
	Partner    string    `json:"partner"`
	Email      string    `json:"email"`
}

// DedupeWindow is how long a submission with the same IP hash, page and comment is stored once.
const DedupeWindow = 10 * time.Minute

// DefaultFollowupRetention is how long follow-up emails are kept (EDGE_FOLLOWUP_RETENTION).
const DefaultFollowupRetention = 200 * 24 * time.Hour

// DedupeKey identifies submissions that count as one: same IP hash, page and comment. It is
// derived from stored fields only, so a store can rebuild its window from what it holds.
func (r *Record) DedupeKey() string {
	h := sha256.New()
	for _, s := range []string{r.IPHash, r.Partner, r.Page, r.Comment} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Filter selects records for export and stats. Zero fields select everything.
type Filter struct {
	Since   time.Time
	Partner string
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Record) bool {
	if f.Partner != "" && r.Partner != f.Partner {
		return false
	}
	return f.Since.IsZero() || !r.ReceivedAt.Before(f.Since)
}

// Store keeps feedback durably. Every implementation acknowledges a record (returns nil from
// Add) only once it would survive the process being killed: that is the 202 contract.
type Store interface {
	// Add stores rec, and fu when not nil, unless a record with the same DedupeKey was stored
	// within DedupeWindow: then it stores nothing and returns that record's id with dup true.
	Add(ctx context.Context, rec *Record, fu *Followup) (id string, dup bool, err error)
	// Records calls fn for each stored record passing f, oldest first, until fn fails.
	Records(ctx context.Context, f Filter, fn func(*Record) error) error
	// Followups calls fn for each stored follow-up received at or after since.
	Followups(ctx context.Context, since time.Time, fn func(*Followup) error) error
	// PurgeFollowups deletes follow-ups received before cutoff and says how many went.
	PurgeFollowups(ctx context.Context, cutoff time.Time) (int, error)
	// Close flushes and releases the store.
	Close() error
}

// ErrClosed is returned by a store used after Close.
var ErrClosed = errors.New("feedback store is closed")
