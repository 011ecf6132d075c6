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
	"slices"
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
	// Kind is "" for feedback and KindLineReport for a visitor's report of a problem with a
	// crisis line, which carries the line, the reason and the visitor's region too. Reports
	// live in the feedback store so that they are durable, SIGKILL-safe, spooled and
	// deduplicated exactly as feedback is; Filter.Kind keeps the two apart on every read.
	Kind   string `json:"kind,omitempty"`
	Line   string `json:"line,omitempty"`
	Reason string `json:"reason,omitempty"`
	Region string `json:"region,omitempty"`
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
	parts := []string{r.IPHash, r.Partner, r.Page, r.Comment}
	if r.Kind != "" {
		// Only reports add their fields, so that feedback keeps the keys it always had; a
		// report never counts as a repeat of feedback, nor of a report of another line.
		parts = append(parts, r.Kind, r.Line, r.Reason)
	}
	for _, s := range parts {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Filter selects records for export, stats and the dashboard. Zero fields select every
// feedback record (Kind ""; line reports only with Kind KindLineReport); a nil *bool selects
// either answer. The server parses one filter from the query of every
// feedback route (export, stats, comments, rates, report), so that a CSV export holds exactly
// the records the dashboard shows for the same query.
type Filter struct {
	// Since and Until bound ReceivedAt: at or after Since, before Until (a "to" day is turned
	// into the start of the next day, so that the whole day is in).
	Since, Until time.Time
	Partner      string
	// Partners, when not nil, admits only records of these partners (a partner-limited
	// operator's reach, on top of Partner).
	Partners []string
	// Page is an exact path.
	Page string
	// Found and Helpful select an answer; a record whose visitor did not answer that question
	// passes neither yes nor no.
	Found, Helpful *bool
	Crisis         *bool
	// Comment selects records with a comment (true) or without one (false).
	Comment *bool
	// Reviewed selects records an operator marked reviewed (true) or not (false), as told by
	// IsReviewed: reviews live beside the records (Reviewer), not in them, so the caller loads
	// them once and hands the lookup in. Without IsReviewed no record counts as reviewed.
	Reviewed   *bool
	IsReviewed func(id string) bool
	// Kind selects records of one kind: "" feedback (what every feedback route reads), or
	// KindLineReport.
	Kind string
}

// Match reports whether r passes the filter.
func (f Filter) Match(r *Record) bool {
	switch {
	case r.Kind != f.Kind,
		f.Partner != "" && r.Partner != f.Partner,
		!f.PartnerAllowed(r.Partner),
		f.Page != "" && r.Page != f.Page,
		!f.Since.IsZero() && r.ReceivedAt.Before(f.Since),
		!f.Until.IsZero() && !r.ReceivedAt.Before(f.Until),
		!answered(f.Found, r.Found),
		!answered(f.Helpful, r.Helpful),
		f.Crisis != nil && r.Crisis != *f.Crisis,
		f.Comment != nil && (r.Comment != "") != *f.Comment:
		return false
	}
	if f.Reviewed != nil {
		return (f.IsReviewed != nil && f.IsReviewed(r.ID)) == *f.Reviewed
	}
	return true
}

// PartnerAllowed reports whether Partners admits partner (nil admits every partner).
func (f Filter) PartnerAllowed(partner string) bool {
	return f.Partners == nil || slices.Contains(f.Partners, partner)
}

// answered reports whether an answer got passes the wanted one (nil: any, answered or not).
func answered(want, got *bool) bool { return want == nil || got != nil && *got == *want }

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
