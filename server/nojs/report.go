package nojs

import (
	"errors"
	"strconv"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/intake"
	"github.com/valyala/fasthttp"
)

// reportView is the frame page's "Report a problem with this line" form, in a disclosure under
// each line: the three reasons, an optional comment, the sentence that reports are read and
// not answered, and the emergency number beside it. It posts to POST /v1/reports/form with
// the page's signed time, as the feedback form does.
type reportView struct {
	ID                                                     string // a prefix for its element ids
	Line, Partner, Page, Locale, Region, Token, Components string
	Text                                                   *text
	// Emergency is the region's first emergency number as a link; Note what to do instead
	// where there is none.
	Emergency *linkView
	Note      string
	// Open shows it open, its line with the id "report" (openReport), so that the page scrolls
	// to the line's name with its form below.
	Open bool
}

// addReports gives every line of v's banner its report form, for page (the partner page's path).
func addReports(v *pageView, t *text, page string) {
	b := v.Banner
	for i := range b.Lines {
		l := &b.Lines[i]
		r := &reportView{ID: b.ID + "-r" + strconv.Itoa(i), Line: l.id, Partner: v.Partner, Page: page, Locale: v.Lang,
			Region: v.Region, Token: v.Token, Components: v.Components, Text: t, Note: b.Note}
		if b.emergency != "" {
			em := numberLink("tel:"+notDial.ReplaceAllString(b.emergency, ""), "", t.Emergency+" "+b.emergency, b.emergency, r.ID+"-em", true)
			r.Emergency = &em
		}
		l.Report = r
	}
}

// openReport opens the report form of line (a line id, from the frame page's ?report=) and the
// banner's disclosure holding it, so that a link to "/v1/frame/...?report=id#report" (the
// widget's report links, snippets.LineView.Report) lands on that form without script; it says
// whether the line is shown. An id not shown opens nothing.
func openReport(b *bannerView, line string) bool {
	for i := range b.Lines {
		if r := b.Lines[i].Report; r != nil && line != "" && b.Lines[i].id == line {
			r.Open, b.Open = true, true
			return true
		}
	}
	return false
}

// handleReportForm answers POST /v1/reports/form, a line report sent from the frame page
// without script: the checks of the frame's feedback form (own origin, signed time, single
// use), then the intake of POST /v1/reports; answered with the frame page saying the report
// was sent, or what kept it from being sent, the banner and its lines always shown.
func (h *handlers) handleReportForm(ctx *fasthttp.RequestCtx) {
	if err := h.reportForm(ctx); err != nil {
		answer.Write(ctx, h.Log, err)
	}
}

func (h *handlers) reportForm(ctx *fasthttp.RequestCtx) error {
	f, err := h.receive(ctx, func(t *text) (string, string) { return t.ReportNotSent, t.ReportNotSent })
	if f == nil {
		return err
	}
	t := f.t
	v := h.page(f.st.Content, f.p, f.loc, f.key, f.values.Get("components"), f.values.Get("page"), f.now)
	v.ShowBanner = true
	say := func(err error, words *answer.Words) error {
		a := answer.Localize(ctx, h.Log, err, f.loc, words)
		v.Errors = []formError{{Message: a.Text}}
		return h.writePage(ctx, a.Status, v)
	}
	elapsed, claim, expired := h.token(f)
	if expired {
		return say(errFormExpired, only(t.Expired))
	}
	sub, invalid := feedback.DecodeReportForm(f.values, elapsed)
	if sub == nil {
		return say(invalid, only(t.Invalid))
	}
	_, crisis, rate, err := intake.Submit(ctx, h.Intake, sub, invalid, true, claim)
	if rate != nil {
		rate.SetHeaders(&ctx.Response.Header, f.now)
	}
	switch {
	case errors.Is(err, errFormSpent):
		a := answer.Localize(ctx, h.Log, err, f.loc, only(t.ReportAlreadySent))
		v.Said = a.Text
		return h.writePage(ctx, a.Status, v)
	case err != nil:
		w := formWords(v, rate, f.now)
		w.ByID = map[string]string{"required": t.ReportReasonRequired, "invalid_reason": t.ReportReasonRequired,
			"comment_too_long": t.ReportCommentTooLong, "unknown_line.report": t.ReportLineGone, "rate_limited": w.ByID["rate_limited"]}
		return say(err, w)
	}
	v.Said, v.Crisis, v.ShowBanner = t.ReportThanks, crisis, !crisis
	return h.writePage(ctx, fasthttp.StatusOK, v)
}
