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
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// yesNo is one of the form's two questions, for the "yesno" template.
type yesNo struct {
	Name, Legend, Value, Err, Yes, No string
}

func answer(name, legend, value, err string, f *snippets.FeedbackView) yesNo {
	return yesNo{Name: name, Legend: legend, Value: value, Err: err, Yes: f.Yes, No: f.No}
}

// Refusals of the form, for the intake's metrics and the log (the visitor gets a page).
var (
	errFormOrigin = web.New(fasthttp.StatusForbidden, "origin_not_allowed", "", "origin_not_allowed.form")
	errFormOpaque = web.New(fasthttp.StatusForbidden, "origin_required", "", "origin_required.form")
	errFormSpent  = web.New(fasthttp.StatusConflict, "form_already_sent", "", "form_already_sent")
)

// handleForm answers POST /v1/feedback/form, the frame page's form sent without script
// (application/x-www-form-urlencoded): the same checks as POST /v1/feedback (validation,
// honeypot, timing from the signed token, client and partner limits, dedupe, store), and a
// page in the visitor's language: thanks, with the region's crisis lines first when the
// comment reads like a crisis; or the form again with each problem beside its field and what
// was entered kept.
//
// Only the frame page itself may send it: its Origin must be this edge's (web.OwnOrigin). A
// browser writes Origin and no other site's page can write this one; the frame page sends it
// because its referrer policy is same-origin (under no-referrer a browser sends "null" even to
// its own origin) and because the builder's iframe keeps its origin (sandbox with
// allow-same-origin). Another origin, "null" (a sandboxed frame without allow-same-origin) or
// none (not a browser) is refused with a page saying so, the crisis lines still shown. And each
// token is taken once: spent when its submission is about to be stored (not when it is refused
// for a field to correct or a limit), refused after that.
func (h *handlers) handleForm(ctx *fasthttp.RequestCtx) {
	if err := h.form(ctx); err != nil {
		web.Write(ctx, h.Log, err)
	}
}

func (h *handlers) form(ctx *fasthttp.RequestCtx) error {
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
	switch own, opaque := web.OwnOrigin(ctx, h.Intake.TrustedProxies); {
	case !formType(ctx.Request.Header.ContentType()):
		return h.notice(ctx, fasthttp.StatusUnsupportedMediaType, loc, t.WrongType)
	case len(ctx.PostBody()) > feedback.MaxBody:
		return h.notice(ctx, fasthttp.StatusRequestEntityTooLarge, loc, t.TooLarge)
	case !own:
		e, msg := errFormOrigin, t.ForeignOrigin
		if opaque {
			e, msg = errFormOpaque, t.HiddenOrigin
		}
		h.Intake.Metrics.Reject(e)
		return h.refuse(ctx, e.Status, st.Content, p, loc, key, msg, now)
	case parseErr != nil:
		return h.notice(ctx, fasthttp.StatusBadRequest, loc, t.Invalid)
	case p == nil:
		return h.notice(ctx, fasthttp.StatusNotFound, loc, t.Unavailable)
	}
	v := h.page(st.Content, p, loc, key, values.Get("components"), values.Get("page"), now)
	v.Form, v.Page = true, values.Get("page")
	v.Values = formValues{Found: values.Get("found"), Helpful: values.Get("helpful"), Comment: values.Get("comment"),
		Email: values.Get("email"), Followup: values.Get("followup") == "yes"}

	elapsed := -1.0 // no genuine token: a bot's, answered as accepted and not stored
	var claim intake.Claim
	if tok, ok := parseToken(h.Intake.IPHasher, p.ID, values.Get("t"), now); ok {
		if tok.age(now) > TokenTTL {
			v.Errors = []formError{{Target: "signpost-found", Message: t.Expired}}
			return h.writePage(ctx, fasthttp.StatusBadRequest, v)
		}
		elapsed = float64(tok.age(now).Milliseconds())
		claim = func() (func(), error) {
			if !h.FormTokens.Spend(context.Background(), tok.id, now, tok.expires()) {
				return nil, errFormSpent
			}
			return func() { h.FormTokens.Release(context.Background(), tok.id) }, nil
		}
	}
	sub, invalid := feedback.DecodeForm(values, elapsed)
	if sub == nil {
		v.Errors = []formError{{Message: t.Invalid}}
		return h.writePage(ctx, fasthttp.StatusBadRequest, v)
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
		v.Errors = []formError{{Message: t.AlreadySent}}
		v.Crisis = sub.Comment != "" && h.Intake.CrisisPhrases.Match(sub.Comment)
		v.ShowBanner = !v.Crisis
		return h.writePage(ctx, errFormSpent.Status, v)
	}
	if err != nil {
		status, msg, field := h.problem(err, v, rate, now)
		v.Errors = []formError{{Message: msg}}
		if field != "" {
			v.FieldErr[field] = msg
			v.Errors[0].Target = "signpost-" + field
		}
		return h.writePage(ctx, status, v)
	}
	v.Form, v.Thanks, v.Crisis, v.ShowBanner = false, true, crisis, !crisis
	return h.writePage(ctx, fasthttp.StatusOK, v)
}

// problem is what the answer page says of an intake error: its status, the message in the
// visitor's language, and the field it is beside ("" for the whole form).
func (h *handlers) problem(err error, v *pageView, rate *ratelimit.Result, now time.Time) (int, string, string) {
	f, t := v.Feedback, v.Text
	var fe *feedback.FieldError
	if errors.As(err, &fe) {
		switch fe.Code {
		case "no_answer":
			return fasthttp.StatusBadRequest, f.AnswerRequired, "found"
		case "email_without_followup":
			return fasthttp.StatusBadRequest, t.EmailWithoutFollowup, "email"
		case "invalid_email", "email_too_long":
			return fasthttp.StatusBadRequest, f.EmailInvalid, "email"
		case "comment_too_long":
			return fasthttp.StatusBadRequest, t.CommentTooLong, "comment"
		}
		return fasthttp.StatusBadRequest, t.Invalid, ""
	}
	e := web.Classify(err)
	if e != nil && e.Status == fasthttp.StatusTooManyRequests {
		secs := int64(60)
		if rate != nil {
			secs = max(1, rate.RetryAfter(now))
		}
		return e.Status, fill(f.RateLimited, "seconds", strconv.FormatInt(secs, 10)), ""
	}
	if e == nil {
		h.Log.Error("feedback form", "err", err)
		return fasthttp.StatusInternalServerError, f.SendFailed, ""
	}
	if e.Status >= 500 {
		return e.Status, f.SendFailed, ""
	}
	return e.Status, t.Invalid, ""
}

// notice answers with a page holding one message: a form that cannot be taken at all.
func (h *handlers) notice(ctx *fasthttp.RequestCtx, status int, loc snippets.Locale, msg string) error {
	t := textFor(loc)
	return h.writePage(ctx, status, &pageView{Lang: string(loc), Title: t.Title, Text: t,
		Errors: []formError{{Message: msg}}, FieldErr: map[string]string{}})
}

// refuse answers a form that will not be taken from where it was sent: one message, then the
// banner of the region the form named (with the partner's notice when the partner is known), so
// that a visitor who wrote for help still sees where to get it. No form: sent from there, it
// would be refused again.
func (h *handlers) refuse(ctx *fasthttp.RequestCtx, status int, c *snippets.Loaded, p *snippets.Partner, loc snippets.Locale, key, msg string, now time.Time) error {
	t := textFor(loc)
	var n *snippets.NoticeView
	if p != nil {
		n, _ = c.NoticeView(p.ID, key, loc, now)
	}
	return h.writePage(ctx, status, &pageView{Lang: string(loc), Title: t.Title, Text: t,
		Banner: newBanner(c.BannerFor(key, loc, now, nil), n, loc, true, nil), ShowBanner: true,
		Errors: []formError{{Message: msg}}, FieldErr: map[string]string{}})
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
