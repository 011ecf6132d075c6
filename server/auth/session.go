package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"time"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/session"
	"github.com/valyala/fasthttp"
)

// People signed in through the organisation's identity provider (server/signin) present a
// session cookie instead of a bearer token. The cookie names a server-side session (package
// session: in Redis when edges share it), which holds the person and their grant; a request
// that changes anything must also carry the session's CSRF token in CSRFHeader, which only the
// console's own script can read (GET /v1/admin/whoami), and the cookie is SameSite=Strict.

// Sessions finds a session by its cookie's value (session.Store).
type Sessions interface {
	Get(ctx context.Context, id string) (session.Session, error)
}

// CSRFHeader carries a session's CSRF token on every request that changes something.
const CSRFHeader = "X-Signpost-CSRF"

// SessionCookie names the session cookie: "__Host-signpost-session" (Secure, Path=/, no
// Domain) when the edge is reached over https, "signpost-session" on a loopback http address,
// where a browser may refuse a Secure cookie.
func SessionCookie(secure bool) string {
	if secure {
		return "__Host-signpost-session"
	}
	return "signpost-session"
}

// Request values of a session's request.
const (
	sessionIDValue   = "signpost.session"
	sessionCSRFValue = "signpost.session.csrf"
)

var (
	errSessionEnded = answer.New(fault.Unauthorized, "session_ended", "", "session_ended")
	errCSRF         = answer.New(fault.Forbidden, "csrf", "", "csrf")
)

// sessionCookie is the request's session cookie value, nil without one (or without sessions).
func (g *Guard) sessionCookie(ctx *fasthttp.RequestCtx) []byte {
	if g.cfg.Sessions == nil {
		return nil
	}
	return ctx.Request.Header.Cookie(SessionCookie(g.cfg.SessionsSecure))
}

// checkSession authenticates a request by its session cookie: the session must exist and be
// within its idle and absolute time; a request that is not GET or HEAD must carry its CSRF
// token. An unknown or ended session counts as a failed attempt.
func (g *Guard) checkSession(ctx *fasthttp.RequestCtx, id []byte) error {
	if err := g.Throttled(ctx); err != nil {
		return err
	}
	rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := g.cfg.Sessions.Get(rctx, string(id))
	if errors.Is(err, session.ErrNoSession) {
		g.Failed(ctx)
		return errSessionEnded
	}
	if err != nil {
		return err
	}
	if !ctx.IsGet() && !ctx.IsHead() {
		if subtle.ConstantTimeCompare(ctx.Request.Header.Peek(CSRFHeader), []byte(s.CSRF)) != 1 {
			g.cfg.Log.Info("operator request refused: no CSRF token", "actor", s.Email, "method", string(ctx.Method()), "path", string(ctx.Path()))
			return errCSRF
		}
	}
	name := s.Email
	if name == "" {
		name = s.Subject
	}
	SetIdentity(ctx, Identity{Name: name, Subject: s.Subject, Email: s.Email, Provider: s.Provider, Scopes: s.Scopes, Partners: s.Partners})
	ctx.SetUserValue(sessionIDValue, string(id))
	ctx.SetUserValue(sessionCSRFValue, s.CSRF)
	return nil
}

// SessionID is the id of the request's session, "" for a token.
func SessionID(ctx *fasthttp.RequestCtx) string {
	id, _ := ctx.UserValue(sessionIDValue).(string)
	return id
}

// SessionCSRF is the CSRF token of the request's session, "" for a token: whoami gives it to the
// console's script.
func SessionCSRF(ctx *fasthttp.RequestCtx) string {
	t, _ := ctx.UserValue(sessionCSRFValue).(string)
	return t
}
