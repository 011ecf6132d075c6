package feedback

import (
	"context"
	"time"

	"github.com/signpost/edge/internal/fault"
)

// Review says that an operator has read a record in the triage queue (and, for a crisis
// comment, acted on it). It is kept beside the records rather than in them: a record is written
// once at intake and never changes, in the log as in the Redis stream.
type Review struct {
	ID         string    `json:"id"`
	ReviewedBy string    `json:"reviewed_by"`
	ReviewedAt time.Time `json:"reviewed_at"`
}

// Reviewer keeps reviews durably. Both stores implement it (logstore: an fsynced log in its own
// directory; redisstore: a hash written with HSETNX), so a type assertion on the configured
// Store finds it.
type Reviewer interface {
	// MarkReviewed records that by reviewed the record id at at, unless it is reviewed
	// already: then it keeps the first review and returns it with first false. It returns
	// ErrNotFound when no record has this id.
	MarkReviewed(ctx context.Context, id, by string, at time.Time) (rv Review, first bool, err error)
	// Reviews returns every review, by record id.
	Reviews(ctx context.Context) (map[string]Review, error)
}

// ErrNotFound is returned for a record id that is not stored: a 404 naming the id parameter.
var ErrNotFound = fault.E(fault.NotFound, "not_found", "id", "not_found.feedback")
