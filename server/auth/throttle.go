package auth

import (
	"context"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/valyala/fasthttp"
)

// Failed attempts (a wrong token, an unknown session, a refused sign-in) are counted per
// client, its address's keyed hash, in Redis when shared: past the limit that client is refused
// for the rest of the window, right token or not, so a token cannot be guessed; a client
// elsewhere is not affected.

// Throttled is nil unless the request's client has failed too often: then 429 auth_throttled
// with the time to wait.
func (g *Guard) Throttled(ctx *fasthttp.RequestCtx) error {
	if r := g.cfg.RateLimits.Peek(context.Background(), ratelimit.ScopeAuth, g.client(ctx)); !r.Failed && (r.Reached || r.Remaining == 0) {
		e := answer.New(fault.TooMany, "auth_throttled", "", "auth_throttled")
		e.RetryAfter = r.RetryAfter(g.cfg.Now())
		return e
	}
	return nil
}

// Failed counts a failed attempt of the request's client.
func (g *Guard) Failed(ctx *fasthttp.RequestCtx) {
	g.cfg.RateLimits.Allow(context.Background(), ratelimit.ScopeAuth, g.client(ctx))
}

func (g *Guard) client(ctx *fasthttp.RequestCtx) string {
	return g.cfg.IPHasher.HashText(ratelimit.Key(g.cfg.TrustedProxies.ClientIP(ctx)))
}
