package nojs

import (
	"context"
	"errors"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/origin"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// yesNo is one of the form's two questions, for the "yesno" template.
type yesNo struct {
	Name, Legend, Value, Err, Yes, No string
}

func newYesNo(name, legend, value, err string, f *snippets.FeedbackView) yesNo {
	return yesNo{Name: name, Legend: legend, Value: value, Err: err, Yes: f.Yes, No: f.No}
}

// Refusals of the form, for the intake's metrics and the log; the visitor gets a page in their
// language (answer.Localize), with the page's words.
var (
	errFormOrigin   = answer.New(fault.Forbidden, "origin_not_allowed", "", "origin_not_allowed.form")
	errFormOpaque   = answer.New(fault.Forbidden, "origin_required", "", "origin_required.form")
	errFormSpent    = answer.New(fault.Conflict, "form_already_sent", "", "form_already_sent")
	errFormType     = answer.New(fault.Unsupported, "unsupported_media_type", "", "unsupported_media_type.form")
	errFormTooLarge = answer.New(fault.TooLarge, "body_too_large", "", "body_too_large.feedback", feedback.MaxBody)
	errFormBody     = answer.New(fault.Invalid, "invalid_form", "", "invalid_form")
	errFormPartner  = answer.New(fault.NotFound, "unknown_partner", "partner", "unknown_partner")
	errFormExpired  = answer.New(fault.Invalid, "form_expired", "", "form_expired")
)

// handleForm answers POST /v1/feedback/form, the frame page's form sent without script
// (application/x-www-form-urlencoded): the same checks as POST /v1/feedback (validation,
// honeypot, timing from the signed token, client and partner limits, dedupe, store), and a
// page in the visitor's language: thanks, with the region's crisis lines first when the
// comment reads like a crisis; or the form again with each problem beside its field and what
// was entered kept.
//
// Only the frame page itself may send it: its Origin must be this edge's (origin.Own). A
// browser writes Origin and no other site's page can write this one; the frame page sends it
// because its referrer policy is same-origin (under no-referrer a browser sends "null" even to
// its own origin) and because the builder's iframe keeps its origin (sandbox with
// allow-same-origin). Another origin, "null" (a sandboxed frame without allow-same-origin) or
// none (not a browser) is refused with a page saying so, the crisis lines still shown. And each
// token is taken once: spent when its submission is about to be stored (not when it is refused
// for a field to correct or a limit), refused after that.
func (h *handlers) handleForm(ctx *fasthttp.RequestCtx) {
	if err := h.form(ctx); err != nil {
		answer.Write(ctx, h.Log, err)
	}
}

// received is a post of one of the frame page's forms, read as far as the forms share.
type received struct {
	st     *edition.State
	values url.Values
	loc    snippets.Locale
	t      *text
	p      *snippets.Partner
	key    string // the region entry the form named
	now    time.Time
}

// receive reads a post of one of the frame page's forms and makes the checks they share: its
// type and size, that the frame page sent it (refused with refusal's words for another origin
// and for a hidden one, the banner still shown), its body and its partner. A nil post means the
// visitor was answered; err is then the answer's error.
func (h *handlers) receive(ctx *fasthttp.RequestCtx, refusal func(t *text) (foreign, hidden string)) (*received, error) {
	st := h.CurrentState()
	values, parseErr := url.ParseQuery(string(ctx.PostBody()))
	loc, _, err := snippets.ParseLocale(values.Get("locale"))
	if err != nil || loc == "" {
		loc = snippets.English
	}
	t := textFor(loc)
	p := st.Content.Partners[values.Get("partner")]
	region, _, _ := snippets.ParseRegion(values.Get("region"))
	key := st.Content.RegionEntry(region)
	now := h.Now()
	switch own, opaque := origin.Own(ctx, h.Intake.TrustedProxies); {
	case !formType(ctx.Request.Header.ContentType()):
		return nil, h.notice(ctx, errFormType, loc, t.WrongType)
	case len(ctx.PostBody()) > feedback.MaxBody:
		return nil, h.notice(ctx, errFormTooLarge, loc, t.TooLarge)
	case !own:
		e := errFormOrigin
		msg, hidden := refusal(t)
		if opaque {
			e, msg = errFormOpaque, hidden
		}
		h.Intake.Metrics.Reject(e)
		return nil, h.refuse(ctx, e, st.Content, p, loc, key, msg, now)
	case parseErr != nil:
		return nil, h.notice(ctx, errFormBody, loc, t.Invalid)
	case p == nil:
		return nil, h.notice(ctx, errFormPartner, loc, t.Unavailable)
	}
	return &received{st: st, values: values, loc: loc, t: t, p: p, key: key, now: now}, nil
}

// token reads the form's signed render time: the time on form (-1 without a genuine token: a
// bot's, answered as accepted and not stored), the claim that spends the token when the
// submission is stored, and whether it is too old to be taken.
func (h *handlers) token(f *received) (elapsed float64, claim intake.Claim, expired bool) {
	tok, ok := parseToken(h.Intake.IPHasher, f.p.ID, f.values.Get("t"), f.now)
	if !ok {
		return -1, nil, false
	}
	if tok.age(f.now) > TokenTTL {
		return 0, nil, true
	}
	return float64(tok.age(f.now).Milliseconds()), func() (func(), error) {
		if !h.FormTokens.Spend(context.Background(), tok.id, f.now, tok.expires()) {
			return nil, errFormSpent
		}
		return func() { h.FormTokens.Release(context.Background(), tok.id) }, nil
	}, false
}

func (h *handlers) form(ctx *fasthttp.RequestCtx) error {
	f, err := h.receive(ctx, func(t *text) (string, string) { return t.ForeignOrigin, t.HiddenOrigin })
	if f == nil {
		return err
	}
	values, loc, t, now := f.values, f.loc, f.t, f.now
	v := h.page(f.st.Content, f.p, loc, f.key, values.Get("components"), values.Get("page"), now)
	v.Form, v.Page = true, values.Get("page")
	v.Values = formValues{Found: values.Get("found"), Helpful: values.Get("helpful"), Comment: values.Get("comment"),
		Email: values.Get("email"), Followup: values.Get("followup") == "yes"}
	elapsed, claim, expired := h.token(f)
	if expired {
		a := answer.Localize(ctx, h.Log, errFormExpired, loc, only(t.Expired))
		v.Errors = []formError{{Target: "signpost-found", Message: a.Text}}
		return h.writePage(ctx, a.Status, v)
	}
	sub, invalid := feedback.DecodeForm(values, elapsed)
	if sub == nil {
		a := answer.Localize(ctx, h.Log, invalid, loc, only(t.Invalid))
		v.Errors = []formError{{Message: a.Text}}
		return h.writePage(ctx, a.Status, v)
	}
	_, crisis, rate, err := intake.Submit(ctx, h.Intake, sub, invalid, true, claim)
	if rate != nil {
		rate.SetHeaders(&ctx.Response.Header, now)
	}
	if errors.Is(err, errFormSpent) {
		// Sent twice (a second press of the button, Back and send again) or replayed: what it
		// holds was taken the first time. The page says so, keeps what was entered, and holds a
		// new token to send something more with; a comment that reads like a crisis still
		// brings the crisis lines first.
		a := answer.Localize(ctx, h.Log, err, loc, only(t.AlreadySent))
		v.Errors = []formError{{Message: a.Text}}
		v.Crisis = sub.Comment != "" && h.Intake.CrisisPhrases.Match(sub.Comment)
		v.ShowBanner = !v.Crisis
		return h.writePage(ctx, a.Status, v)
	}
	if err != nil {
		a := answer.Localize(ctx, h.Log, err, loc, formWords(v, rate, now))
		v.Errors = []formError{{Message: a.Text}}
		if a.Field != "" {
			v.FieldErr[a.Field] = a.Text
			v.Errors[0].Target = "signpost-" + a.Field
		}
		return h.writePage(ctx, a.Status, v)
	}
	v.Form, v.Thanks, v.Crisis, v.ShowBanner = false, true, crisis, !crisis
	return h.writePage(ctx, fasthttp.StatusOK, v)
}

// formWords are the form page's words for the intake's refusals, in the visitor's language:
// those of a field to correct (shown beside it) and the rate limit, from the content's feedback
// texts as the widget shows them, or the page's; any other refusal says the form could not be
// read, and the edge's own failure that it could not be sent.
func formWords(v *pageView, rate *ratelimit.Result, now time.Time) *answer.Words {
	f, t := v.Feedback, v.Text
	secs := int64(60)
	if rate != nil {
		secs = max(1, rate.RetryAfter(now))
	}
	return &answer.Words{ByID: map[string]string{
		"no_answer":              f.AnswerRequired,
		"email_without_followup": t.EmailWithoutFollowup,
		"invalid_email":          f.EmailInvalid,
		"email_too_long":         f.EmailInvalid,
		"comment_too_long":       t.CommentTooLong,
		"rate_limited":           fill(f.RateLimited, "seconds", strconv.FormatInt(secs, 10)),
	}, Refused: t.Invalid, Failed: f.SendFailed}
}

// only is the words of a page that says msg whatever the refusal.
func only(msg string) *answer.Words { return &answer.Words{Refused: msg, Failed: msg} }

// notice answers err with a page holding one message: a form that cannot be taken at all.
func (h *handlers) notice(ctx *fasthttp.RequestCtx, err error, loc snippets.Locale, msg string) error {
	t := textFor(loc)
	a := answer.Localize(ctx, h.Log, err, loc, only(msg))
	return h.writePage(ctx, a.Status, &pageView{Lang: string(loc), Title: t.Title, Text: t,
		Errors: []formError{{Message: a.Text}}, FieldErr: map[string]string{}})
}

// refuse answers a form that will not be taken from where it was sent (err): one message, then
// the banner of the region the form named (with the partner's notice when the partner is
// known), so that a visitor who wrote for help still sees where to get it. No form: sent from
// there, it would be refused again.
func (h *handlers) refuse(ctx *fasthttp.RequestCtx, err error, c *snippets.Loaded, p *snippets.Partner, loc snippets.Locale, key, msg string, now time.Time) error {
	t := textFor(loc)
	var n *snippets.NoticeView
	if p != nil {
		n, _ = c.NoticeView(p.ID, key, loc, now)
	}
	a := answer.Localize(ctx, h.Log, err, loc, only(msg))
	return h.writePage(ctx, a.Status, &pageView{Lang: string(loc), Title: t.Title, Text: t,
		Banner: newBanner(c.BannerFor(key, loc, now, nil), n, loc, true, nil), ShowBanner: true,
		Errors: []formError{{Message: a.Text}}, FieldErr: map[string]string{}})
}

// formType accepts application/x-www-form-urlencoded, in UTF-8 when a charset is named.
func formType(ct []byte) bool {
	mt, params, err := mime.ParseMediaType(string(ct))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8")
}
