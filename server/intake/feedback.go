// Package intake takes what visitors' browsers send: feedback (POST /v1/feedback, its CORS
// preflight) and the cookie-free usage beacons (POST /v1/beacon). Feedback is validated, checked
// against the partner's origins, rate-limited per client and per partner, and acknowledged once
// durable; a beacon only increments a day counter.
package intake

import (
	"context"
	"encoding/json"
	"log/slog"
	"mime"
	"strings"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// Errors of the feedback intake.
var (
	errFeedbackUnavailable = answer.New(fault.Unavailable, "feedback_unavailable", "", "feedback_unavailable")
	errStoreUnavailable    = answer.New(fault.Unavailable, "store_unavailable", "", "store_unavailable.intake")
	errUnsupportedType     = answer.New(fault.Unsupported, "unsupported_media_type", "", "unsupported_media_type.feedback")
	errFeedbackTooLarge    = answer.New(fault.TooLarge, "body_too_large", "", "body_too_large.feedback", feedback.MaxBody)
	errOriginNotAllowed    = answer.New(fault.Forbidden, "origin_not_allowed", "", "origin_not_allowed")
	errBeaconOrigin        = answer.New(fault.Forbidden, "origin_not_allowed", "", "origin_not_allowed.beacon")
	errUnknownPartner      = fault.E(fault.Invalid, "unknown_partner", "partner", "unknown_partner")
	errOriginRequired      = answer.New(fault.Forbidden, "origin_required", "", "origin_required")
)

// exposedHeaders are the response headers a partner page's script may read: the widget reads
// Retry-After on 429.
const exposedHeaders = "Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset"

// feedbackResponse is the body of 202.
type feedbackResponse struct {
	ID     string `json:"id"`
	Crisis bool   `json:"crisis"`
}

// intake is what a feedback request learned that its answer carries, success or error.
type intake struct {
	origin string // an allowed Origin to echo in CORS headers; "" for none
	rate   *ratelimit.Result
}

// Deps are what the intake needs.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time
	// CurrentContent is the content being served (partners, their origins, regions and lines).
	CurrentContent func() *snippets.Loaded
	// Feedback stores submissions; nil answers 503.
	Feedback      feedback.Store
	CrisisPhrases *snippets.CrisisPhrases
	RateLimits    *ratelimit.Limiter
	// TrustedProxies may name the client in X-Forwarded-For.
	TrustedProxies clientaddr.Proxies
	// IPHasher keys the client-address hash stored with each record and used as the limit key.
	IPHasher *feedback.IPHasher
	IDs      *feedback.IDs
	Usage    usage.Store
	// Auth lets a server post without Origin with an operator token (feedback:write).
	Auth    *auth.Guard
	Metrics *Metrics
}

type handlers struct{ Deps }

// Routes adds the intake's routes.
func Routes(r *router.Router, d Deps) {
	s := &handlers{d}
	r.POST("/v1/feedback", s.handleFeedback)
	r.OPTIONS("/v1/feedback", s.handleFeedbackPreflight)
	r.POST("/v1/reports", s.handleReport)
	r.OPTIONS("/v1/reports", s.handleFeedbackPreflight)
	r.POST("/v1/beacon", s.handleBeacon)
}

// handleFeedback answers POST /v1/feedback: 202 {id, crisis} once the record is durable.
func (s *handlers) handleFeedback(ctx *fasthttp.RequestCtx) {
	var in intake
	resp, err := s.feedback(ctx, &in)
	s.answer(ctx, &in, resp, err)
}

// answer writes what a submission got, with its rate-limit and CORS headers.
func (s *handlers) answer(ctx *fasthttp.RequestCtx, in *intake, resp *feedbackResponse, err error) {
	if err != nil {
		s.Metrics.reject(err)
		answer.Write(ctx, s.Log, err)
	} else {
		b, _ := json.Marshal(resp)
		ctx.Response.Header.Set("Cache-Control", "no-store")
		ctx.SetStatusCode(fasthttp.StatusAccepted)
		ctx.SetContentType(answer.ContentJSON)
		ctx.SetBody(b)
	}
	if in.rate != nil {
		in.rate.SetHeaders(&ctx.Response.Header, s.Now())
	}
	if in.origin != "" {
		setFeedbackCORS(ctx, in.origin)
	}
}

func (s *handlers) feedback(ctx *fasthttp.RequestCtx, in *intake) (*feedbackResponse, error) {
	return s.post(ctx, in, feedback.Decode, errFeedbackUnavailable)
}

// post is the intake of a JSON submission that decode reads (feedback, a line report): the
// content type, size, partner, origin or operator token, then submit. unavailable answers
// when the edge has no store.
func (s *handlers) post(ctx *fasthttp.RequestCtx, in *intake, decode func([]byte) (*feedback.Submission, error), unavailable error) (*feedbackResponse, error) {
	if s.Feedback == nil {
		return nil, unavailable
	}
	content := s.CurrentContent()
	origin := string(ctx.Request.Header.Peek("Origin"))
	if origin != "" && anyPartnerAllows(content, origin) {
		// Errors before the partner is known can still be read by a partner's page.
		in.origin = origin
	}
	if !feedbackContentType(ctx.Request.Header.ContentType()) {
		return nil, errUnsupportedType
	}
	if len(ctx.PostBody()) > feedback.MaxBody {
		return nil, errFeedbackTooLarge
	}
	sub, invalid := decode(ctx.PostBody())
	if sub == nil {
		return nil, invalid
	}
	partner := content.Partners[sub.Partner]
	if partner == nil {
		if invalid != nil {
			return nil, invalid
		}
		return nil, errUnknownPartner
	}
	if invalid == nil {
		invalid = reportedLine(content, sub)
	}
	operator := false
	in.origin = ""
	switch {
	case origin != "" && !originAllowed(partner.Origins, origin):
		return nil, errOriginNotAllowed
	case origin != "":
		in.origin = origin
	default:
		// Server-to-server: only an operator token with feedback:write may post without a
		// browser's Origin.
		if !auth.Presented(ctx) {
			return nil, errOriginRequired
		}
		if err := s.Auth.Check(ctx); err != nil {
			return nil, err
		}
		if err := s.Auth.RequireScope(ctx, []string{auth.ScopeFeedbackWrite}); err != nil {
			return nil, err
		}
		// A partner-limited token posts for its own partners only.
		if err := auth.MayPartner(ctx, sub.Partner); err != nil {
			return nil, err
		}
		operator = true
	}
	return s.submit(ctx, in, partner, sub, invalid, !operator, nil)
}

// Claim is asked, once a submission has passed every check and is about to be stored, whether it
// may be (the no-JavaScript form spends its single-use token there): an error refuses the
// submission, counted by its code. release, when not nil, undoes the claim if the store then
// fails, so that the visitor may send the same form again.
type Claim func() (release func(), err error)

// Submit runs a submission that did not come as JSON (the frame's no-JavaScript form,
// urlencoded) through what POST /v1/feedback does after decoding: the partner, the client's
// and the partner's rate limits, the bot checks (honeypot; timing when checkTiming), claim
// (when not nil) and the store. invalid is what validation said of sub. rate is the tighter
// limit's state for the answer's headers (nil when no limit counted).
func Submit(ctx *fasthttp.RequestCtx, d Deps, sub *feedback.Submission, invalid error, checkTiming bool, claim Claim) (id string, crisis bool, rate *ratelimit.Result, err error) {
	s := &handlers{d}
	var in intake
	if d.Feedback == nil {
		return "", false, nil, errFeedbackUnavailable
	}
	content := d.CurrentContent()
	partner := content.Partners[sub.Partner]
	if partner == nil {
		if invalid != nil {
			return "", false, nil, invalid
		}
		return "", false, nil, errUnknownPartner
	}
	if invalid == nil {
		invalid = reportedLine(content, sub)
	}
	resp, err := s.submit(ctx, &in, partner, sub, invalid, checkTiming, claim)
	if err != nil {
		s.Metrics.reject(err)
		return "", false, in.rate, err
	}
	return resp.ID, resp.Crisis, in.rate, nil
}

// submit is the intake of a decoded submission whose sender may post for partner.
func (s *handlers) submit(ctx *fasthttp.RequestCtx, in *intake, partner *snippets.Partner, sub *feedback.Submission, invalid error, checkTiming bool, claim Claim) (*feedbackResponse, error) {
	// Every submission counts against its client's limit, keyed by the keyed hash of its
	// address (the raw address is never a key, in memory or in Redis). Only a submission that
	// would be stored counts against the partner's: bots and malformed posts from many
	// addresses cannot use up a partner's budget and shut its real visitors out.
	ip := s.TrustedProxies.ClientIP(ctx)
	if err := s.limit(in, ratelimit.ScopeIP, s.IPHasher.HashText(ratelimit.Key(ip))); err != nil {
		return nil, err
	}
	if invalid != nil {
		return nil, invalid
	}
	now := s.Now().UTC()
	crisis := sub.Comment != "" && s.CrisisPhrases.Match(sub.Comment)
	if reason := sub.Spam(checkTiming); reason != "" {
		// Answered like an accepted submission, so a bot learns nothing.
		s.Metrics.spamBy(reason)
		return &feedbackResponse{ID: s.IDs.New(now), Crisis: crisis}, nil
	}
	if err := s.limit(in, ratelimit.ScopePartner, partner.ID); err != nil {
		return nil, err
	}
	var release func()
	if claim != nil {
		r, err := claim()
		if err != nil {
			return nil, err
		}
		release = r
	}
	rec := &feedback.Record{
		ID: s.IDs.New(now), ReceivedAt: now, Partner: partner.ID, Page: sub.Page, Locale: sub.Locale,
		Found: sub.Found, Helpful: sub.Helpful, Comment: sub.Comment, Crisis: crisis,
		Followup: sub.Followup && sub.Email != "", IPHash: s.IPHasher.Hash(ip),
		Kind: sub.Kind, Line: sub.Line, Reason: sub.Reason, Region: sub.Region,
	}
	if rec.Locale == "" {
		rec.Locale = string(snippets.English)
		if partner.Locale != "" {
			rec.Locale = string(partner.Locale)
		}
	}
	var fu *feedback.Followup
	if rec.Followup {
		fu = &feedback.Followup{ID: rec.ID, ReceivedAt: now, Partner: partner.ID, Email: sub.Email}
	}
	start := time.Now()
	// Not the request's context: a record half-way into a store is finished even if the server
	// begins shutting down; the stores bound their own waits.
	id, dup, err := s.Feedback.Add(context.Background(), rec, fu)
	s.Metrics.storeLatency.Observe(time.Since(start).Seconds())
	if err != nil {
		s.Metrics.storeErrors.Inc()
		s.Log.Error("feedback not stored", "err", err, "partner", partner.ID)
		if release != nil {
			release()
		}
		return nil, errStoreUnavailable
	}
	if dup {
		s.Metrics.deduped.Inc()
		return &feedbackResponse{ID: id, Crisis: crisis}, nil
	}
	s.Metrics.accepted.Inc()
	if rec.Kind == feedback.KindLineReport {
		s.Metrics.lineReport(rec.Line, rec.Reason)
	}
	if crisis {
		s.Metrics.crisis.Inc()
	}
	return &feedbackResponse{ID: id, Crisis: crisis}, nil
}

// feedbackContentType accepts application/json and text/plain (what a CORS-simple fetch from
// the widget sends), in UTF-8 when a charset is named.
func feedbackContentType(ct []byte) bool {
	mt, params, err := mime.ParseMediaType(string(ct))
	if err != nil || (mt != "application/json" && mt != "text/plain") {
		return false
	}
	cs, ok := params["charset"]
	return !ok || strings.EqualFold(cs, "utf-8") || strings.EqualFold(cs, "utf8")
}

// originAllowed matches an Origin header against a partner's origins: exact, or "scheme://host:*"
// for the host on any port (and on the scheme's default port).
func originAllowed(patterns []string, origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	for _, p := range patterns {
		if p == origin {
			return true
		}
		base, ok := strings.CutSuffix(p, ":*")
		if !ok {
			continue
		}
		if origin == base {
			return true
		}
		port, ok := strings.CutPrefix(origin, base+":")
		if ok && port != "" && len(port) <= 5 && strings.Trim(port, "0123456789") == "" {
			return true
		}
	}
	return false
}

func anyPartnerAllows(content *snippets.Loaded, origin string) bool {
	for _, p := range content.Partners {
		if originAllowed(p.Origins, origin) {
			return true
		}
	}
	return false
}

// setFeedbackCORS opens a feedback answer to one allowed origin (never "*": only partner pages
// may read it), letting the widget read Retry-After.
func setFeedbackCORS(ctx *fasthttp.RequestCtx, origin string) {
	h := &ctx.Response.Header
	h.Set("Access-Control-Allow-Origin", origin)
	h.Add("Vary", "Origin")
	h.Set("Access-Control-Expose-Headers", exposedHeaders)
}

// handleFeedbackPreflight answers OPTIONS /v1/feedback for a partner's origin. The widget sends
// text/plain and needs none; a page posting application/json does.
func (s *handlers) handleFeedbackPreflight(ctx *fasthttp.RequestCtx) {
	origin := string(ctx.Request.Header.Peek("Origin"))
	h := &ctx.Response.Header
	h.Set("Allow", "POST, OPTIONS")
	if origin == "" {
		ctx.SetStatusCode(fasthttp.StatusNoContent)
		return
	}
	if !anyPartnerAllows(s.CurrentContent(), origin) {
		answer.Write(ctx, s.Log, errOriginNotAllowed)
		return
	}
	setFeedbackCORS(ctx, origin)
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// limit counts one submission against a limit; in keeps the tighter limit's headers. A limit
// whose store failed lets the submission through (the limiter has logged it).
func (s *handlers) limit(in *intake, scope ratelimit.Scope, key string) error {
	// Not the request as context: deriving one from a fasthttp RequestCtx races with Shutdown
	// (its Done channel is written there); the limiter bounds its own wait.
	r := s.RateLimits.Allow(context.Background(), scope, key)
	if r.Failed {
		return nil
	}
	if in.rate == nil || r.Reached || r.Remaining < in.rate.Remaining {
		in.rate = &r
	}
	if r.Reached {
		return answer.New(fault.TooMany, "rate_limited", "", "rate_limited", scope, r.RetryAfter(s.Now()))
	}
	return nil
}

// Preview answers the feedback of a draft preview's widget with what the real route would say
// (202, and whether the comment reads like a crisis, so the operator sees the crisis lines
// appear) and stores nothing. Malformed feedback gets the real route's errors.
func Preview(ctx *fasthttp.RequestCtx, content *snippets.Loaded, phrases *snippets.CrisisPhrases) error {
	if !feedbackContentType(ctx.Request.Header.ContentType()) {
		return errUnsupportedType
	}
	if len(ctx.PostBody()) > feedback.MaxBody {
		return errFeedbackTooLarge
	}
	sub, invalid := feedback.Decode(ctx.PostBody())
	if sub == nil {
		return invalid
	}
	if content.Partners[sub.Partner] == nil {
		return errUnknownPartner
	}
	if invalid != nil {
		return invalid
	}
	crisis := sub.Comment != "" && phrases.Match(sub.Comment)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	return answer.WriteJSON(ctx, fasthttp.StatusAccepted, feedbackResponse{ID: "preview", Crisis: crisis})
}
