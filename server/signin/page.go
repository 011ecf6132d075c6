package signin

import (
	"bytes"
	_ "embed"
	"html/template"

	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// reason is why a sign-in was refused: the refusal page's message and status, and what the log
// says (never a code, a state, a token or a secret).
type reason string

const (
	reasonThrottled       reason = "throttled"        // too many failed attempts from this client
	reasonProvider        reason = "provider"         // the provider cannot be reached (discovery)
	reasonStore           reason = "store"            // the session store is away
	reasonState           reason = "state"            // unknown, spent or expired state; another browser's
	reasonProviderRefused reason = "provider_refused" // the provider answered with an error
	reasonCode            reason = "code"             // the code was refused (replayed, expired)
	reasonToken           reason = "token"            // the ID token failed verification or its nonce
	reasonNoGrant         reason = "no_grant"         // the claim maps to no scope
)

var reasonStatus = map[reason]int{
	reasonThrottled: fasthttp.StatusTooManyRequests, reasonProvider: fasthttp.StatusBadGateway,
	reasonStore: fasthttp.StatusServiceUnavailable, reasonState: fasthttp.StatusBadRequest,
	reasonProviderRefused: fasthttp.StatusForbidden, reasonCode: fasthttp.StatusBadRequest,
	reasonToken: fasthttp.StatusUnauthorized, reasonNoGrant: fasthttp.StatusForbidden,
}

// pageText is the refusal page's copy (words: "signin.*").
type pageText struct {
	Title, Back, Code                                         string
	Throttled, Provider, Store, State, ProviderRefused, Token string
	CodeRefused, NoGrant                                      string
}

func (t *pageText) message(r reason) string {
	return map[reason]string{reasonThrottled: t.Throttled, reasonProvider: t.Provider, reasonStore: t.Store,
		reasonState: t.State, reasonProviderRefused: t.ProviderRefused, reasonCode: t.CodeRefused,
		reasonToken: t.Token, reasonNoGrant: t.NoGrant}[r]
}

//go:embed refused.html
var refusedHTML string

var refusedPage = template.Must(template.New("refused").Parse(refusedHTML))

// CSP of the refusal page: the console's stylesheet, nothing else.
const csp = "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// refuse answers a refused sign-in with a page in lang and logs why, without secrets.
func (f *Flow) refuse(ctx *fasthttp.RequestCtx, lang snippets.Locale, r reason, err error) {
	status := reasonStatus[r]
	f.d.Log.Warn("operator sign-in refused", "reason", string(r), "provider", f.d.Config.Provider, "err", err, "status", status)
	var t pageText
	if e := pagetext.Fill(&t, "signin", lang); e != nil {
		answer.Write(ctx, f.d.Log, e)
		return
	}
	var buf bytes.Buffer
	data := struct {
		Lang, Title, Message, Back, BackHref, Code, Reason string
	}{string(lang), t.Title, t.message(r), t.Back, "/admin/?lang=" + string(lang), t.Code, string(r)}
	if e := refusedPage.Execute(&buf, data); e != nil {
		answer.Write(ctx, f.d.Log, e)
		return
	}
	answer.WriteHTML(ctx, buf.Bytes(), "Accept-Language")
	h := &ctx.Response.Header
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", csp)
	h.Set("Content-Language", string(lang))
	if r == reasonThrottled {
		h.Set("Retry-After", "60")
	}
	ctx.SetStatusCode(status)
}
