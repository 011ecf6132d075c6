package admin

import (
	"fmt"
	"strconv"
	"time"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// The crisis lines' re-check cycle (snippets/verify.go): the queue of lines due, and "checked
// today", an edit like the others (If-Match, ?dry_run=1, audited).

// handleLineChecked records that a crisis line was checked today (POST
// /v1/admin/lines/{id}/checked, scope content): {"how", "source", "note"} with the operator's
// token name as verified_by, the edge's clock's day (UTC) as verified_on, next_check a year on.
// An unknown how or "other" without a note is the store's 422 naming the field, as in PUT
// /v1/admin/lines/{id}.
func (s *handlers) handleLineChecked(ctx *fasthttp.RequestCtx) error {
	var body struct {
		How    string `json:"how"`
		Source string `json:"source"`
		Note   string `json:"note"`
	}
	if err := answer.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	if body.How == "" {
		return answer.New(fault.Invalid, "invalid_json", "how", "invalid_json.checked")
	}
	id := fmt.Sprint(ctx.UserValue("id"))
	check := snippets.Check{How: body.How, Source: body.Source, Note: body.Note, By: auth.Name(ctx), On: s.Now()}
	return s.editCurrent(ctx, "line.checked", "lines."+id, func(src []byte) ([]byte, error) {
		return snippets.RecordCheck(src, id, check)
	})
}

// handleLinesDue answers GET /v1/admin/lines/due (scope content): the re-check queue of the
// current version at the edge's clock, lapsed, overdue and due within 30 days, soonest first,
// each with its verification record. The ETag is the version's, for the If-Match of "checked
// today".
func (s *handlers) handleLinesDue(ctx *fasthttp.RequestCtx) error {
	src, v, err := s.current()
	if err != nil {
		return err
	}
	c, err := snippets.Parse(src)
	if err != nil {
		return err
	}
	now := s.Now()
	ctx.Response.Header.Set("ETag", etag(v.Number))
	ctx.Response.Header.Set("X-Content-Version", strconv.FormatInt(v.Number, 10))
	return answer.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Version   int64              `json:"version"`
		Today     string             `json:"today"`
		DueWithin int                `json:"due_within_days"`
		Lines     []snippets.Recheck `json:"lines"`
	}{v.Number, now.UTC().Format("2006-01-02"), int(snippets.DefaultDueWithin.Hours() / 24),
		snippets.RecheckQueue(c, snippets.ValidateOptions{Now: now})})
}

// handleLineStatus switches a crisis line's status (PUT /v1/admin/lines/{id}/status, scope
// content): {"status": "active"|"degraded"|"retired", "message": {"en", "fr"}, "until":
// RFC 3339}, message and until with degraded only (snippets/status.go). A content edit like
// the others (If-Match, ?dry_run=1, audited line.status), so it reaches every edge as a
// publish does. What validation refuses (an unknown status, degraded without a message, a
// message naming another region's number, a retired line a region still lists) is the
// store's 422 naming the field.
func (s *handlers) handleLineStatus(ctx *fasthttp.RequestCtx) error {
	var body struct {
		Status  string        `json:"status"`
		Message snippets.Text `json:"message"`
		Until   string        `json:"until"`
	}
	if err := answer.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	switch {
	case body.Status == "":
		return answer.New(fault.Invalid, "invalid_json", "status", "invalid_json.line_status")
	case body.Status != snippets.StatusDegraded && body.Message != nil:
		return answer.New(fault.Invalid, "invalid_json", "message", "invalid_json.line_status")
	case body.Status != snippets.StatusDegraded && body.Until != "":
		return answer.New(fault.Invalid, "invalid_json", "until", "invalid_json.line_status")
	}
	if t, err := time.Parse(time.RFC3339, body.Until); err == nil && !t.After(s.Now()) {
		// Already over: the line would be active the moment it is published, the message unseen.
		return answer.New(fault.Invalid, "invalid_json", "until", "invalid_json.line_status_past", body.Until)
	}
	id := fmt.Sprint(ctx.UserValue("id"))
	st := snippets.LineStatus{Status: body.Status, Message: body.Message, Until: body.Until}
	return s.editCurrent(ctx, "line.status", "lines."+id, func(src []byte) ([]byte, error) {
		return snippets.SetLineStatus(src, id, st)
	})
}
