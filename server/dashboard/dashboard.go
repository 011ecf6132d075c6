// Package dashboard is operators reading what visitors said and did: the feedback dashboard's
// API (triage queue, reviews, found/helpful rates, the HTML report), the exports of feedback and
// follow-ups, their stats, and the usage counts. Every route reads one filter
// (parseFeedbackFilter), so an export holds exactly what the dashboard shows.
package dashboard

import (
	"cmp"
	"container/heap"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// The feedback dashboard's API: the triage queue of comments, marking a comment reviewed, and
// the found/helpful rates per partner, page and day or week, as JSON and as an HTML report
// (report.go). Every route reads one filter (feedbackFilter), the same one the CSV
// export reads, so an export holds exactly what the dashboard shows.

// Deps are what the dashboard reads.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time
	// CurrentContent is the content being served (partner names, crisis lines beside comments).
	CurrentContent func() *snippets.Loaded
	// Feedback is the feedback store; nil answers 503.
	Feedback feedback.Store
	// AuditLog records exports and reviews; nil logs them instead.
	AuditLog auditlog.Log
	Usage    usage.Store
	// FollowupRetention bounds which follow-ups are exported.
	FollowupRetention time.Duration
	Auth              *auth.Guard
}

type handlers struct{ Deps }

// Routes adds the dashboard's API, the exports and the usage counts.
func Routes(r *router.Router, get func(string, fasthttp.RequestHandler), d Deps) {
	s := &handlers{d}
	// Partner-aware routes (WrapPartner): a partner-limited identity reads its partners' feedback
	// and usage only (feedbackFilter, partnerRows) and reviews its partners' records only.
	get("/v1/admin/feedback", s.Auth.WrapPartner(s.handleAdminFeedback, auth.ScopeFeedbackRead))
	get("/v1/admin/feedback/stats", s.Auth.WrapPartner(s.handleAdminStats, auth.ScopeFeedbackRead))
	get("/v1/admin/feedback/followups", s.Auth.WrapPartner(s.handleAdminFollowups, auth.ScopeFollowupsExport))
	get("/v1/admin/usage", s.Auth.WrapPartner(s.handleAdminUsage, auth.ScopeFeedbackRead))
	get("/v1/admin/feedback/comments", s.Auth.WrapPartner(s.handleFeedbackComments, auth.ScopeFeedbackRead))
	get("/v1/admin/feedback/rates", s.Auth.WrapPartner(s.handleFeedbackRates, auth.ScopeFeedbackRead))
	get("/v1/admin/feedback/report", s.Auth.WrapPartner(s.handleFeedbackReport, auth.ScopeFeedbackRead))
	r.POST("/v1/admin/feedback/{id}/review", s.Auth.WrapPartner(s.handleFeedbackReview, auth.ScopeFeedbackRead))
	// Line reports are about crisis lines, which serve every partner: not partner-aware.
	get("/v1/admin/lines/reports", s.Auth.Wrap(s.handleLineReports, auth.ScopeFeedbackRead))
}

var (
	errFeedbackUnavailable = answer.New(fault.Unavailable, "feedback_unavailable", "", "feedback_unavailable")
	errFeedbackUnreadable  = answer.New(fault.Unavailable, "store_unavailable", "", "store_unavailable.feedback")
	errUsageUnreadable     = answer.New(fault.Unavailable, "store_unavailable", "", "store_unavailable.usage")
)

// parseFeedbackFilter reads the filter every feedback route shares:
//
//	partner=ID  page=/path  from=YYYY-MM-DD  to=YYYY-MM-DD (inclusive UTC days)  since=RFC3339
//	found=yes|no  helpful=yes|no  crisis=yes|no  comment=yes|no  reviewed=yes|no
//
// An empty value is the same as none (a form's "any" option sends one). A bad value is a 400
// naming the parameter. Reviewed is parsed here; the caller hands in the reviews (feedbackFilter).
func parseFeedbackFilter(args *fasthttp.Args) (feedback.Filter, error) {
	var f feedback.Filter
	if v := string(args.Peek("partner")); v != "" {
		if !snippets.ValidID(v) {
			return f, answer.BadParam("partner", "invalid_parameter.partner", "demo")
		}
		f.Partner = v
	}
	if v := string(args.Peek("page")); v != "" {
		if !strings.HasPrefix(v, "/") || len(v) > feedback.MaxPage || strings.ContainsFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
			return f, answer.BadParam("page", "invalid_parameter.page", "/help")
		}
		f.Page = v
	}
	if v := args.Peek("since"); len(v) > 0 {
		t, err := time.Parse(time.RFC3339, string(v))
		if err != nil {
			return f, answer.BadParam("since", "invalid_parameter.time", "2026-11-01T00:00:00Z")
		}
		f.Since = t
	}
	if v := string(args.Peek("from")); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return f, answer.BadParam("from", "invalid_parameter.day", "2026-11-01")
		}
		if t.After(f.Since) {
			f.Since = t // since and from are both lower bounds: the later one holds
		}
	}
	if v := string(args.Peek("to")); v != "" {
		t, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return f, answer.BadParam("to", "invalid_parameter.to_day", "2026-11-30")
		}
		f.Until = t.AddDate(0, 0, 1)
		if !f.Since.IsZero() && !f.Until.After(f.Since) {
			return f, answer.BadParam("to", "invalid_parameter.to_before_from")
		}
	}
	for _, p := range []struct {
		name string
		to   **bool
	}{{"found", &f.Found}, {"helpful", &f.Helpful}, {"crisis", &f.Crisis}, {"comment", &f.Comment}, {"reviewed", &f.Reviewed}} {
		switch v := string(args.Peek(p.name)); v {
		case "":
		case "yes", "no":
			b := v == "yes"
			*p.to = &b
		default:
			return f, answer.BadParam(p.name, "invalid_parameter.yes_no")
		}
	}
	return f, nil
}

// feedbackFilter parses the request's filter and, when it selects by review or the caller
// needs them (withReviews), loads the reviews: the filter then knows which records are
// reviewed. 503 when the feedback store cannot be read.
func (s *handlers) feedbackFilter(ctx *fasthttp.RequestCtx, withReviews bool) (feedback.Filter, map[string]feedback.Review, error) {
	f, err := parseFeedbackFilter(ctx.QueryArgs())
	if err != nil {
		return f, nil, err
	}
	// A partner-limited identity sees its partners only: another partner asked for by name is
	// refused, and no partner named is all of its partners.
	if f.Partner != "" {
		if err := auth.MayPartner(ctx, f.Partner); err != nil {
			return f, nil, err
		}
	}
	f.Partners = auth.PartnerFilter(ctx)
	if f.Reviewed == nil && !withReviews {
		return f, nil, nil
	}
	reviews := map[string]feedback.Review{}
	if rv, ok := s.Feedback.(feedback.Reviewer); ok {
		if reviews, err = rv.Reviews(context.Background()); err != nil {
			s.Log.Error("feedback reviews unreadable", "err", err)
			return f, nil, errFeedbackUnreadable
		}
	}
	f.IsReviewed = func(id string) bool { _, ok := reviews[id]; return ok }
	return f, reviews, nil
}

// Comments: the triage queue.

const (
	defaultCommentsLimit = 200
	maxCommentsLimit     = 1000
)

// commentLine is a crisis line as the triage queue shows it beside a comment: whom to point
// the visitor to.
type commentLine struct {
	Name    string `json:"name"`
	Call    string `json:"call"`
	Text    string `json:"text"`
	Keyword string `json:"keyword"`
	ChatURL string `json:"chat_url"`
}

type commentView struct {
	ID         string        `json:"id"`
	ReceivedAt time.Time     `json:"received_at"`
	Partner    string        `json:"partner"`
	Page       string        `json:"page"`
	Locale     string        `json:"locale"`
	Found      *bool         `json:"found"`
	Helpful    *bool         `json:"helpful"`
	Comment    string        `json:"comment"`
	Crisis     bool          `json:"crisis"`
	ReviewedBy *string       `json:"reviewed_by"`
	ReviewedAt *time.Time    `json:"reviewed_at"`
	Lines      []commentLine `json:"lines"`
}

type commentsView struct {
	Total    int           `json:"total"`
	Comments []commentView `json:"comments"`
}

// handleFeedbackComments answers GET /v1/admin/feedback/comments?<filter>&limit=: the records
// with a comment, crisis-flagged first, then unreviewed before reviewed, then newest first; at
// most limit of them (200; 1 to 1000), with total saying how many matched.
func (s *handlers) handleFeedbackComments(ctx *fasthttp.RequestCtx) error {
	if s.Feedback == nil {
		return errFeedbackUnavailable
	}
	limit := defaultCommentsLimit
	if v := string(ctx.QueryArgs().Peek("limit")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCommentsLimit {
			return answer.BadParam("limit", "invalid_parameter.limit", 1, maxCommentsLimit)
		}
		limit = n
	}
	f, reviews, err := s.feedbackFilter(ctx, true)
	if err != nil {
		return err
	}
	// Only the first limit in triage order are kept, in a heap whose root is the last of them:
	// a store of many comments costs limit records of memory, not all of them.
	total := 0
	q := &triageHeap{reviews: reviews}
	err = s.Feedback.Records(context.Background(), f, func(r *feedback.Record) error {
		if r.Comment == "" {
			return nil
		}
		total++
		switch {
		case len(q.recs) < limit:
			heap.Push(q, *r)
		case triageCompare(r, &q.recs[0], reviews) < 0:
			q.recs[0] = *r
			heap.Fix(q, 0)
		}
		return nil
	})
	if err != nil {
		s.Log.Error("feedback comments: store unreadable", "err", err)
		return errFeedbackUnreadable
	}
	recs := q.recs
	sortTriage(recs, reviews)
	out := commentsView{Total: total, Comments: make([]commentView, 0, len(recs))}
	content := s.CurrentContent()
	lines := map[[2]string][]commentLine{}
	for _, r := range recs {
		c := commentView{ID: r.ID, ReceivedAt: r.ReceivedAt.UTC(), Partner: r.Partner, Page: r.Page, Locale: r.Locale,
			Found: r.Found, Helpful: r.Helpful, Comment: r.Comment, Crisis: r.Crisis}
		if rv, ok := reviews[r.ID]; ok {
			at := rv.ReviewedAt.UTC()
			c.ReviewedBy, c.ReviewedAt = &rv.ReviewedBy, &at
		}
		k := [2]string{r.Partner, r.Locale}
		if _, ok := lines[k]; !ok {
			lines[k] = crisisLinesFor(content, r.Partner, r.Locale)
		}
		c.Lines = lines[k]
		out.Comments = append(out.Comments, c)
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, out)
}

// sortTriage orders the queue: crisis-flagged first, then unreviewed before reviewed, then
// newest first (ids are time-ordered, so they settle ties within a millisecond).
func sortTriage(recs []feedback.Record, reviews map[string]feedback.Review) {
	slices.SortFunc(recs, func(a, b feedback.Record) int { return triageCompare(&a, &b, reviews) })
}

// triageCompare is the queue's order: negative when a comes before b. Ids are unique, so it is
// a total order, and the first limit of it are the same however they are picked.
func triageCompare(a, b *feedback.Record, reviews map[string]feedback.Review) int {
	rank := func(r *feedback.Record) int {
		n := 0
		if !r.Crisis {
			n += 2
		}
		if _, ok := reviews[r.ID]; ok {
			n++
		}
		return n
	}
	if c := cmp.Compare(rank(a), rank(b)); c != 0 {
		return c
	}
	if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
		return c
	}
	return strings.Compare(b.ID, a.ID)
}

// triageHeap holds the best records of the queue so far with the last of them, in triage
// order, at the root (container/heap is a min-heap of Less, so Less is "comes after").
type triageHeap struct {
	recs    []feedback.Record
	reviews map[string]feedback.Review
}

func (h *triageHeap) Len() int { return len(h.recs) }
func (h *triageHeap) Less(i, j int) bool {
	return triageCompare(&h.recs[i], &h.recs[j], h.reviews) > 0
}
func (h *triageHeap) Swap(i, j int) { h.recs[i], h.recs[j] = h.recs[j], h.recs[i] }
func (h *triageHeap) Push(x any)    { h.recs = append(h.recs, x.(feedback.Record)) }
func (h *triageHeap) Pop() any {
	r := h.recs[len(h.recs)-1]
	h.recs = h.recs[:len(h.recs)-1]
	return r
}

// crisisLinesFor returns the crisis lines of the partner's default region entry, rendered by
// the banner's own code in the record's locale (else the partner's, else English): the lines
// the visitor was most likely shown. None for a partner no longer in the content.
func crisisLinesFor(content *snippets.Loaded, partner, locale string) []commentLine {
	out := []commentLine{}
	p := content.Partners[partner]
	if p == nil {
		return out
	}
	loc, ok, err := snippets.ParseLocale(locale)
	if err != nil || !ok {
		loc = cmp.Or(p.Locale, snippets.English)
	}
	key := content.RegionEntry(p.Region)
	if key == "" {
		return out
	}
	for _, l := range content.BannerFor(key, loc, time.Now(), nil).Lines {
		out = append(out, commentLine{Name: l.Name, Call: l.Call, Text: l.Text, Keyword: l.Keyword, ChatURL: l.ChatURL})
	}
	return out
}

// handleFeedbackReview answers POST /v1/admin/feedback/{id}/review: the record is marked
// reviewed by the token's operator, now. A second mark keeps the first (200 with it, nothing
// written, nothing audited); an unknown id is a 404.
func (s *handlers) handleFeedbackReview(ctx *fasthttp.RequestCtx) error {
	if s.Feedback == nil {
		return errFeedbackUnavailable
	}
	rv, ok := s.Feedback.(feedback.Reviewer)
	if !ok {
		return answer.New(fault.Unavailable, "reviews_unavailable", "", "reviews_unavailable")
	}
	id, _ := ctx.UserValue("id").(string)
	if err := s.mayReview(ctx, id); err != nil {
		return err
	}
	review, first, err := rv.MarkReviewed(context.Background(), id, auth.Actor(ctx), s.Now().UTC())
	switch {
	case fault.As(err) != nil: // a domain error (an unknown id): answer.Write answers it
		return err
	case err != nil:
		s.Log.Error("feedback review not stored", "err", err)
		return answer.New(fault.Unavailable, "store_unavailable", "", "store_unavailable.review")
	}
	if first {
		if s.AuditLog != nil {
			if e, err := auth.Record(ctx, s.AuditLog, s.Now(), "feedback.review", id, 0, ""); err != nil {
				s.Log.Error("audit entry not written", "err", err, "action", e.Action, "actor", e.Actor)
			}
		} else {
			s.Log.Info("review", "action", "feedback.review", "actor", auth.Name(ctx), "target", id)
		}
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, review)
}

// mayReview refuses a partner-limited identity (403 partner_forbidden) a record of another
// partner. The record is looked for around the time its id names; one not found is left to
// MarkReviewed (404).
func (s *handlers) mayReview(ctx *fasthttp.RequestCtx, id string) error {
	if auth.PartnerFilter(ctx) == nil || !feedback.ValidID(id) {
		return nil
	}
	at := feedback.IDTime(id)
	partner := ""
	for _, kind := range []string{"", feedback.KindLineReport} {
		f := feedback.Filter{Kind: kind, Since: at.Add(-time.Minute), Until: at.Add(time.Minute)}
		err := s.Feedback.Records(context.Background(), f, func(r *feedback.Record) error {
			if r.ID == id {
				partner = r.Partner
			}
			return nil
		})
		if err != nil {
			s.Log.Error("feedback record unreadable", "err", err)
			return errFeedbackUnreadable
		}
	}
	if partner == "" {
		return nil
	}
	return auth.MayPartner(ctx, partner)
}

// partnerRows keeps the usage rows of the partners the request's identity may see.
func partnerRows(ctx *fasthttp.RequestCtx, rows []usage.Row) []usage.Row {
	f := feedback.Filter{Partners: auth.PartnerFilter(ctx)}
	return slices.DeleteFunc(rows, func(r usage.Row) bool { return !f.PartnerAllowed(r.Partner) })
}

// Rates.

// rateQuery reads the filter and ?bucket=day|week (day).
func (s *handlers) rateQuery(ctx *fasthttp.RequestCtx) (feedback.Filter, feedback.Period, error) {
	p := feedback.Day
	if v := string(ctx.QueryArgs().Peek("bucket")); v != "" {
		p = feedback.Period(v)
		if !p.Valid() {
			return feedback.Filter{}, p, answer.BadParam("bucket", "invalid_parameter.bucket")
		}
	}
	f, _, err := s.feedbackFilter(ctx, false)
	return f, p, err
}

// computeRates runs feedback.ComputeRates. Its refusals (a span too wide, an answer too big)
// are domain errors that answer.Write answers; a span's start is the parameter the request gave
// it by (from= or since=). Anything else is the store failing.
func (s *handlers) computeRates(ctx *fasthttp.RequestCtx, f feedback.Filter, p feedback.Period) (*feedback.Rates, error) {
	rates, err := feedback.ComputeRates(context.Background(), s.Feedback, f, p)
	var span *feedback.SpanError
	if errors.As(err, &span) && len(ctx.QueryArgs().Peek("from")) > 0 {
		span.Field = "from"
	}
	switch {
	case fault.As(err) != nil:
		return nil, err
	case err != nil:
		s.Log.Error("feedback rates: store unreadable", "err", err)
		return nil, errFeedbackUnreadable
	}
	return rates, nil
}

// handleFeedbackRates answers GET /v1/admin/feedback/rates?<filter>&bucket=day|week: the
// numbers of the report as JSON (feedback.Rates), rates as fractions of 1.
func (s *handlers) handleFeedbackRates(ctx *fasthttp.RequestCtx) error {
	if s.Feedback == nil {
		return errFeedbackUnavailable
	}
	f, p, err := s.rateQuery(ctx)
	if err != nil {
		return err
	}
	rates, err := s.computeRates(ctx, f, p)
	if err != nil {
		return err
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, rates)
}
