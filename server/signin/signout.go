package signin

import (
	"context"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/valyala/fasthttp"
)

// Enders end sessions: one (sign-out), or every one of a person (sign-out everywhere).
type Enders interface {
	End(ctx context.Context, id string) error
	EndAll(ctx context.Context, subject string) error
}

var errNotSession = answer.New(fault.Invalid, "not_a_session", "", "not_a_session")

// SignOutRoutes serves DELETE /v1/admin/session: the request's session ends on every edge (the
// store is shared), and with ?everywhere=true every session of that person. Its cookie is
// cleared. A request with a bearer token has no session to end: 400 not_a_session. Like every
// change made with a session, it needs the session's CSRF token (auth.CSRFHeader).
func SignOutRoutes(r *router.Router, g *auth.Guard, sessions Enders, secure bool) {
	r.DELETE("/v1/admin/session", g.WrapPartner(func(ctx *fasthttp.RequestCtx) error {
		id := auth.SessionID(ctx)
		if id == "" {
			return errNotSession
		}
		rctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		if string(ctx.QueryArgs().Peek("everywhere")) == "true" {
			err = sessions.EndAll(rctx, auth.Who(ctx).Subject)
		} else {
			err = sessions.End(rctx, id)
		}
		if err != nil {
			return err
		}
		clearCookie(ctx, auth.SessionCookie(secure), secure)
		ctx.SetStatusCode(fasthttp.StatusNoContent)
		return nil
	}))
}
