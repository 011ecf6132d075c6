package intake

import (
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// errReportsUnavailable answers a line report on an edge without a feedback store.
var errReportsUnavailable = answer.New(fault.Unavailable, "reports_unavailable", "", "reports_unavailable")

// handleReport answers POST /v1/reports, a visitor's report that a crisis line did not work:
// {partner, page, region, locale, line, reason, comment, website, elapsed_ms}. It is feedback's
// intake in every defence and answer (origin, honeypot, timing, per-client and per-partner
// limits, 202 {id, crisis} once durable, duplicates answered with the first id), stored as a
// feedback record of kind feedback.KindLineReport.
func (s *handlers) handleReport(ctx *fasthttp.RequestCtx) {
	var in intake
	resp, err := s.post(ctx, &in, feedback.DecodeReport, errReportsUnavailable)
	s.answer(ctx, &in, resp, err)
}

// reportedLine is the error of a report naming a line the content does not serve (unknown or
// retired), nil for one it does and for feedback.
func reportedLine(content *snippets.Loaded, sub *feedback.Submission) error {
	if sub.Kind != feedback.KindLineReport {
		return nil
	}
	if l := content.Lines[sub.Line]; l == nil || l.Retired() {
		return feedback.UnknownLine()
	}
	return nil
}
