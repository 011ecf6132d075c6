// Package auth is operator authentication: the tokens (a name and scopes each), the bearer
// check with its throttle of failed attempts, and the scope each route needs. A request that
// passes carries its Identity (Who: name, scopes, partners; a person's subject, email and
// provider) for the audit log. An identity limited to some partners is served only by the
// routes declared partner-aware (WrapPartner), which keep it to its partners.
package auth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/valyala/fasthttp"
)

// Errors of operator authentication.
var (
	ErrUnauthorized = answer.New(fault.Unauthorized, "unauthorized", "", "unauthorized")
	errForbidden    = answer.New(fault.Forbidden, "forbidden", "", "forbidden")
	errAdminOff     = answer.New(fault.Forbidden, "admin_disabled", "", "admin_disabled")
)

// Operator is one operator token: its name goes into the audit log, its scopes say what it may
// do (ScopeContent, ScopeNotice, ScopeFeedbackRead, ScopeFollowupsExport). Scopes nil grants
// every scope, as EDGE_ADMIN_TOKEN has; a tokens file must list them (ValidateScopes).
type Operator struct {
	Name   string   `yaml:"name" json:"name"`
	Token  string   `yaml:"token" json:"-"`
	Scopes []string `yaml:"scopes,omitempty" json:"scopes,omitempty"`
	// Partners limits the token to these partners (WrapPartner); nil: every partner.
	Partners []string `yaml:"partners,omitempty" json:"partners,omitempty"`
}

type operatorKey struct {
	name     string
	digest   [32]byte
	scopes   []string
	partners []string
}

// Config is what the guard checks tokens against.
type Config struct {
	// AdminToken (EDGE_ADMIN_TOKEN) is the operator "admin", with every scope; empty: none.
	AdminToken string
	// Operators are the tokens file's named tokens.
	Operators []Operator
	// RateLimits counts failed attempts per client (ratelimit.ScopeAuth).
	RateLimits *ratelimit.Limiter
	// IPHasher keys the client's address: the throttle never keeps a raw address.
	IPHasher *feedback.IPHasher
	// TrustedProxies may name the client in X-Forwarded-For.
	TrustedProxies clientaddr.Proxies
	Now            func() time.Time
	Log            *slog.Logger
	// Sessions are people's sessions after signing in with the identity provider
	// (server/signin); nil: bearer tokens only. SessionsSecure names the cookie (SessionCookie).
	Sessions       Sessions
	SessionsSecure bool
}

// Guard checks operator tokens and scopes.
type Guard struct {
	cfg  Config
	keys []operatorKey
}

// New digests the configured tokens once: EDGE_ADMIN_TOKEN as "admin", then the tokens file's
// named tokens.
func New(cfg Config) *Guard {
	return &Guard{cfg: cfg, keys: operatorKeys(cfg)}
}

func operatorKeys(cfg Config) []operatorKey {
	var keys []operatorKey
	if cfg.AdminToken != "" {
		keys = append(keys, operatorKey{"admin", sha256.Sum256([]byte(cfg.AdminToken)), AllScopes, nil})
	}
	for _, o := range cfg.Operators {
		if o.Token != "" {
			keys = append(keys, operatorKey{o.Name, sha256.Sum256([]byte(o.Token)), grants(o.Scopes), slices.Clone(o.Partners)})
		}
	}
	return keys
}

// Check authenticates an operator request: by "Authorization: Bearer <token>" against the
// operator tokens, else by a person's session cookie (checkSession, session.go). nil when one
// matches (the request's Identity is then set), ErrUnauthorized when there is neither,
// errForbidden when the token is wrong. Digests are compared in constant time, against every
// token whatever matched, so neither a token nor its length leaks through timing.
func (g *Guard) Check(ctx *fasthttp.RequestCtx) error {
	if !Presented(ctx) {
		if id := g.sessionCookie(ctx); len(id) > 0 {
			return g.checkSession(ctx, id)
		}
		return ErrUnauthorized
	}
	h := ctx.Request.Header.Peek("Authorization")
	if len(g.keys) == 0 {
		return errAdminOff
	}
	if err := g.Throttled(ctx); err != nil {
		return err
	}
	got := sha256.Sum256(h[len(scheme):])
	var match *operatorKey
	for i := range g.keys {
		if subtle.ConstantTimeCompare(got[:], g.keys[i].digest[:]) == 1 {
			match = &g.keys[i]
		}
	}
	if match == nil {
		g.Failed(ctx)
		return errForbidden
	}
	SetIdentity(ctx, Identity{Name: match.name, Scopes: match.scopes, Partners: match.partners})
	return nil
}

// scheme starts the Authorization header of a bearer token (in any case).
const scheme = "bearer "

// Presented reports whether the request presents a bearer token (Authorization: Bearer ...),
// right or wrong: without one, Check answers ErrUnauthorized.
func Presented(ctx *fasthttp.RequestCtx) bool {
	h := ctx.Request.Header.Peek("Authorization")
	return len(h) > len(scheme) && equalFoldASCII(h[:len(scheme)], scheme)
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := range len(lower) {
		if b[i]|0x20 != lower[i] && b[i] != lower[i] {
			return false
		}
	}
	return true
}

// Wrap wraps an operator API handler with the bearer check and, when scopes are given, the
// check that the token has one of them (403 missing_scope naming it). A partner-limited
// identity is refused (403 partner_limited): only routes declared with WrapPartner serve it.
func (g *Guard) Wrap(h func(*fasthttp.RequestCtx) error, anyOf ...string) fasthttp.RequestHandler {
	return g.wrap(h, false, anyOf)
}

// WrapPartner is Wrap for a partner-aware route: one that serves a partner-limited identity
// too, keeping it to its partners itself (MayPartner, PartnerFilter).
func (g *Guard) WrapPartner(h func(*fasthttp.RequestCtx) error, anyOf ...string) fasthttp.RequestHandler {
	return g.wrap(h, true, anyOf)
}

func (g *Guard) wrap(h func(*fasthttp.RequestCtx) error, partnerAware bool, anyOf []string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		err := g.Check(ctx)
		if err == nil {
			err = g.RequireScope(ctx, anyOf)
		}
		if err == nil && !partnerAware && Who(ctx).PartnerLimited() {
			g.cfg.Log.Info("operator request refused: partner-limited", "actor", Name(ctx), "partners", partnersText(Who(ctx).Partners),
				"method", string(ctx.Method()), "path", string(ctx.Path()))
			err = errPartnerLimited
		}
		if err == nil {
			ctx.Response.Header.Set("Cache-Control", "no-store")
			err = h(ctx)
		}
		if err != nil {
			answer.Write(ctx, g.cfg.Log, err)
			if errors.Is(err, ErrUnauthorized) {
				ctx.Response.Header.Set("WWW-Authenticate", `Bearer realm="signpost-admin"`)
			}
		}
	}
}

// The scopes of operator tokens: what a token may do through /v1/admin/.
const (
	// ScopeContent: write content (the whole bundle, featured lists, resources, rollback),
	// preview whole drafts, and read it (current, history, versions).
	ScopeContent = "content"
	// ScopeNotice: publish and withdraw emergency notices (and dry-run them: a preview of the
	// current content with the notice), and read content (a notice is written against the
	// current content). Not whole-draft previews: those are content.
	ScopeNotice = "notice"
	// ScopeFeedbackRead: export feedback, read its stats, the audit log and the usage counts.
	ScopeFeedbackRead = "feedback:read"
	// ScopeFollowupsExport: export the emails of visitors who asked to be contacted (personal
	// data; every export is audit-logged).
	ScopeFollowupsExport = "followups:export"
	// ScopeFeedbackWrite: post feedback from a server, without a browser's Origin (and without
	// the time-on-form check a page's post gets).
	ScopeFeedbackWrite = "feedback:write"
)

// AllScopes lists every scope. EDGE_ADMIN_TOKEN ("admin") has them all.
var AllScopes = []string{ScopeContent, ScopeNotice, ScopeFeedbackRead, ScopeFollowupsExport, ScopeFeedbackWrite}

// ValidateScopes checks a token's scope list as a tokens file gives it: at least one scope, each
// a known one. A named token says what it may do; there is no implicit "everything".
func ValidateScopes(scopes []string) error {
	if len(scopes) == 0 {
		return fmt.Errorf("list the scopes this token has, from %s", strings.Join(AllScopes, ", "))
	}
	for _, sc := range scopes {
		if !slices.Contains(AllScopes, sc) {
			return fmt.Errorf("unknown scope %q: want %s", sc, strings.Join(AllScopes, ", "))
		}
	}
	return nil
}

// grants returns the scopes of a configured operator: Scopes nil grants every scope (the
// tokens file cannot say that: loadOperators requires a list, checked by ValidateScopes).
func grants(scopes []string) []string {
	if scopes == nil {
		return AllScopes
	}
	return slices.Clone(scopes)
}

// RequireScope fails with 403 missing_scope unless the request's operator has one of anyOf
// (none given: any operator). The denial is logged with the token's name, never its address.
func (g *Guard) RequireScope(ctx *fasthttp.RequestCtx, anyOf []string) error {
	if len(anyOf) == 0 {
		return nil
	}
	have := Scopes(ctx)
	for _, sc := range anyOf {
		if slices.Contains(have, sc) {
			return nil
		}
	}
	g.cfg.Log.Info("operator request refused: missing scope", "actor", Name(ctx), "scope", strings.Join(anyOf, "|"),
		"method", string(ctx.Method()), "path", string(ctx.Path()))
	if len(anyOf) > 1 {
		return answer.New(fault.Forbidden, "missing_scope", "scope", "missing_scope.either", anyOf[0], strings.Join(anyOf[1:], ", or "))
	}
	return answer.New(fault.Forbidden, "missing_scope", "scope", "missing_scope", anyOf[0])
}

// Record writes an operator's action to the audit log, under the name of the request's
// operator and, for a person, their subject, email and provider (Who). What to do when it cannot be written is the caller's: an export is refused, a
// change already published is only logged.
func Record(ctx *fasthttp.RequestCtx, log auditlog.Log, at time.Time, action, target string, version int64, note string) (auditlog.Entry, error) {
	id := Who(ctx)
	e := auditlog.Entry{Time: at.UTC(), Actor: id.Name, Subject: id.Subject, Email: id.Email, Provider: id.Provider,
		Action: action, Target: target, Version: version, Note: note}
	return e, log.Append(context.Background(), e)
}
