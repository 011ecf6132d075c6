package dashboard

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// feedbackQuery reads the dashboard's filter (parseFeedbackFilter: partner, page, from, to,
// since, found, helpful, crisis, comment, reviewed) and ?format=csv|jsonl: the export and the
// stats select exactly the records the dashboard shows for the same query.
func (s *handlers) feedbackQuery(ctx *fasthttp.RequestCtx, defFormat string) (feedback.Filter, string, error) {
	f, _, err := s.feedbackFilter(ctx, false)
	if err != nil {
		return f, "", err
	}
	format := string(ctx.QueryArgs().Peek("format"))
	if format == "" {
		format = defFormat
	}
	if feedback.CheckFormat(format) != nil {
		return f, "", answer.BadParam("format", "invalid_parameter.format")
	}
	return f, format, nil
}

// handleAdminFeedback streams GET /v1/admin/feedback as CSV or JSON lines.
func (s *handlers) handleAdminFeedback(ctx *fasthttp.RequestCtx) error {
	st := s.Feedback
	if st == nil {
		return errFeedbackUnavailable
	}
	f, format, err := s.feedbackQuery(ctx, feedback.FormatJSONL)
	if err != nil {
		return err
	}
	if err := readable(func(stop func() error) error {
		return st.Records(context.Background(), f, func(*feedback.Record) error { return stop() })
	}); err != nil {
		return err
	}
	setExportHeaders(ctx, format, "feedback")
	if ctx.IsHead() {
		return nil
	}
	if err := s.auditExport(ctx, "feedback.export", f); err != nil {
		return err
	}
	s.streamExport(ctx, format, "feedback export", func(w *bufio.Writer) error {
		return feedback.ExportRecords(context.Background(), st, f, format, w)
	})
	return nil
}

// errExportUnavailable refuses an export before its first byte: a 200 with no rows would read
// as "no feedback".
var errExportUnavailable = retryIn5(answer.New(fault.Unavailable, "store_unavailable", "", "store_unavailable.export"))

// retryIn5 is e with Retry-After: 5.
func retryIn5(e *answer.Error) *answer.Error {
	e.RetryAfter = 5
	return e
}

// readable reads the first item of an export (scan calls stop on it) to learn, before any byte
// is sent, whether the store can be read at all.
func readable(scan func(stop func() error) error) error {
	errStop := errors.New("stop")
	if err := scan(func() error { return errStop }); err != nil && !errors.Is(err, errStop) {
		return errExportUnavailable
	}
	return nil
}

// streamExport streams an export. One that breaks after its first byte ends so that a client
// cannot take it for a whole one: a last line says it is incomplete, and the connection is cut
// before the chunked body's end.
func (s *handlers) streamExport(ctx *fasthttp.RequestCtx, format, what string, run func(w *bufio.Writer) error) {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		err := run(w)
		if err == nil {
			err = w.Flush()
		}
		if err == nil {
			_ = pw.Close()
			return
		}
		s.Log.Error(what+" stopped: the client's copy is cut short", "err", err)
		if format == feedback.FormatCSV {
			_, _ = w.WriteString("\n#error,store_unavailable,export incomplete: the store stopped answering")
		} else {
			_, _ = w.WriteString(`{"error":{"code":"store_unavailable","message":"export incomplete: the store stopped answering"}}`)
		}
		_ = w.Flush()
		// An error, not EOF: fasthttp then ends the connection without the chunked body's end.
		_ = pw.CloseWithError(errExportBroken)
	}()
	ctx.SetBodyStream(pr, -1)
}

var errExportBroken = errors.New("export broken off")

// handleAdminFollowups streams GET /v1/admin/feedback/followups: the emails of visitors who
// asked to be contacted, within the retention window.
func (s *handlers) handleAdminFollowups(ctx *fasthttp.RequestCtx) error {
	st := s.Feedback
	if st == nil {
		return errFeedbackUnavailable
	}
	f, format, err := s.feedbackQuery(ctx, feedback.FormatCSV)
	if err != nil {
		return err
	}
	// A follow-up holds a partner, a time and an email: filters of answers, pages or comments
	// cannot apply to it, and are refused rather than ignored (personal data leaves only as
	// asked for).
	for _, name := range []string{"page", "found", "helpful", "crisis", "comment", "reviewed"} {
		if ctx.QueryArgs().Has(name) {
			return answer.BadParam(name, "invalid_parameter.followups")
		}
	}
	if since := s.Now().Add(-s.FollowupRetention); f.Since.Before(since) {
		f.Since = since
	}
	if err := readable(func(stop func() error) error {
		return st.Followups(context.Background(), f.Since, func(*feedback.Followup) error { return stop() })
	}); err != nil {
		return err
	}
	setExportHeaders(ctx, format, "followups")
	if ctx.IsHead() {
		return nil
	}
	if err := s.auditExport(ctx, "followups.export", f); err != nil {
		return err
	}
	s.streamExport(ctx, format, "follow-up export", func(w *bufio.Writer) error {
		return feedback.ExportFollowups(context.Background(), st, f, format, w)
	})
	return nil
}

func setExportHeaders(ctx *fasthttp.RequestCtx, format, name string) {
	if format == feedback.FormatCSV {
		ctx.SetContentType("text/csv; charset=utf-8")
	} else {
		ctx.SetContentType("application/x-ndjson")
	}
	ctx.Response.Header.Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
}

// handleAdminStats answers GET /v1/admin/feedback/stats: counts per day, partner and page.
func (s *handlers) handleAdminStats(ctx *fasthttp.RequestCtx) error {
	if s.Feedback == nil {
		return errFeedbackUnavailable
	}
	f, _, err := s.feedbackQuery(ctx, feedback.FormatJSONL)
	if err != nil {
		return err
	}
	st, err := feedback.ComputeStats(context.Background(), s.Feedback, f)
	if err != nil {
		s.Log.Error("feedback stats: store unreadable", "err", err)
		return errFeedbackUnreadable
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	ctx.SetContentType(answer.ContentJSON)
	ctx.SetBody(b)
	return nil
}

// auditExport records who exported what: follow-up emails are personal data, and every export
// of them is logged with the operator's name.
func (s *handlers) auditExport(ctx *fasthttp.RequestCtx, action string, f feedback.Filter) error {
	// The whole query is the filter: the log says exactly which records left, not only whose.
	target := string(ctx.QueryArgs().QueryString())
	if s.AuditLog == nil {
		s.Log.Info("export", "action", action, "actor", auth.Name(ctx), "partner", f.Partner, "filter", target)
		return nil
	}
	// An export is audited or refused: nothing leaves that the audit log does not name.
	if e, err := auth.Record(ctx, s.AuditLog, s.Now(), action, target, 0, ""); err != nil {
		s.Log.Error("export refused: its audit entry could not be written", "err", err, "action", action, "actor", e.Actor)
		return retryIn5(answer.New(fault.Unavailable, "store_unavailable", "", "store_unavailable.audit"))
	}
	return nil
}

// usageDefaultDays is how many days GET /v1/admin/usage answers without ?since=.
const usageDefaultDays = 30

// handleAdminUsage answers GET /v1/admin/usage?since=YYYY-MM-DD&until=YYYY-MM-DD&partner=ID:
// {"rows": [{day, partner, region, line, shown, tel, sms, chat}]}, by day, partner, region and
// line. Rows of line "" count banners shown for the region entry; the others, taps on a line.
// Without since, the last 30 days.
func (s *handlers) handleAdminUsage(ctx *fasthttp.RequestCtx) error {
	args := ctx.QueryArgs()
	q := usage.Query{Since: usage.Day(s.Now().AddDate(0, 0, -(usageDefaultDays - 1))), Partner: string(args.Peek("partner"))}
	if q.Partner != "" {
		if err := auth.MayPartner(ctx, q.Partner); err != nil {
			return err
		}
	}
	for _, p := range []struct {
		name string
		to   *string
	}{{"since", &q.Since}, {"until", &q.Until}} {
		if v := string(args.Peek(p.name)); v != "" {
			if _, err := usage.ParseDay(v); err != nil {
				return answer.BadParam(p.name, "invalid_parameter.day", "2026-11-01")
			}
			*p.to = v
		}
	}
	rows, err := s.Usage.Rows(context.Background(), q)
	if err != nil {
		s.Log.Error("usage counts unreadable", "err", err)
		return errUsageUnreadable
	}
	rows = partnerRows(ctx, rows)
	if rows == nil {
		rows = []usage.Row{}
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Rows []usage.Row `json:"rows"`
	}{rows})
}
