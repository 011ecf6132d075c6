package dashboard

import (
	"context"
	"strconv"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// The window of GET /v1/admin/lines/reports, in days, and each line's comments.
const (
	defaultReportDays  = 7
	maxReportDays      = 90
	lineReportComments = 10
)

// lineReportsView is the body of GET /v1/admin/lines/reports.
type lineReportsView struct {
	Since time.Time `json:"since"`
	Until time.Time `json:"until"`
	// FlagClients is how many distinct clients in 24 hours flag a line.
	FlagClients int              `json:"flag_clients"`
	Lines       []lineReportView `json:"lines"`
}

type lineReportView struct {
	*feedback.LineReports
	// Name is the line's English name in the content being served ("" for a line no longer in it).
	Name string `json:"name"`
}

// handleLineReports answers GET /v1/admin/lines/reports?days=N: per line, the reports of the
// last N days (default 7) by reason, the distinct clients of the last 24 hours, whether that
// flags the line, and the latest comments; flagged lines first.
func (s *handlers) handleLineReports(ctx *fasthttp.RequestCtx) error {
	if s.Feedback == nil {
		return errFeedbackUnavailable
	}
	days := defaultReportDays
	if v := string(ctx.QueryArgs().Peek("days")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxReportDays {
			return answer.BadParam("days", "invalid_parameter.limit", 1, maxReportDays)
		}
		days = n
	}
	now := s.Now().UTC()
	since := now.AddDate(0, 0, -days)
	lines, err := feedback.SummarizeLineReports(context.Background(), s.Feedback, since, now, lineReportComments)
	if err != nil {
		s.Log.Error("line reports: store unreadable", "err", err)
		return errFeedbackUnreadable
	}
	content := s.CurrentContent()
	out := lineReportsView{Since: since, Until: now, FlagClients: feedback.FlagClients, Lines: make([]lineReportView, 0, len(lines))}
	for _, lr := range lines {
		v := lineReportView{LineReports: lr}
		if l := content.Lines[lr.Line]; l != nil {
			v.Name = l.Name.Get(snippets.English)
		}
		out.Lines = append(out.Lines, v)
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	return answer.WriteJSON(ctx, fasthttp.StatusOK, out)
}
