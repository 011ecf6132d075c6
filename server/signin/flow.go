package signin

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/session"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
	"golang.org/x/oauth2"
)

// The sign-in routes: StartPath sends the browser to the provider, CallbackPath is where the
// provider sends it back (the redirect URL registered with the provider).
const (
	StartPath    = "/admin/signin"
	CallbackPath = "/admin/signin/callback"
)

// Sessions is what the flow keeps: the pending sign-ins (state, PKCE verifier, nonce, browser
// binding; single use) and the sessions it opens.
type Sessions interface {
	PutPending(ctx context.Context, state string, p session.Pending) error
	TakePending(ctx context.Context, state string) (session.Pending, error)
	Create(ctx context.Context, p session.Person) (string, session.Session, error)
}

// Deps are what the flow needs.
type Deps struct {
	Config   *Config
	Sessions Sessions
	// Guard throttles failed sign-ins per client, counted with failed token attempts.
	Guard *auth.Guard
	Log   *slog.Logger
	Now   func() time.Time
	// HTTPClient reaches the provider; default: Config.HTTPClient, else a client with a 10 s
	// timeout.
	HTTPClient *http.Client
}

// Flow is the OpenID Connect sign-in of one provider.
type Flow struct {
	d Deps
	// mu guards the provider's discovered endpoints, fetched at the first sign-in (a provider
	// that is away at startup does not stop the edge) and kept once fetched.
	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// New is the flow of d.Config's provider.
func New(d Deps) *Flow {
	if d.HTTPClient == nil {
		d.HTTPClient = d.Config.HTTPClient
	}
	if d.HTTPClient == nil {
		d.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Flow{d: d}
}

// Provider is the provider's name, for the console's "Sign in with {name}".
func (f *Flow) Provider() string { return f.d.Config.Provider }

// Routes serves the two sign-in pages.
func (f *Flow) Routes(get func(string, fasthttp.RequestHandler)) {
	get(StartPath, f.handleStart)
	get(CallbackPath, f.handleCallback)
}

// pendingTTL is how long a browser has at the provider to sign in.
const pendingTTL = 10 * time.Minute

// endpoints discovers the provider once (its discovery document and keys are fetched over
// HTTPClient).
func (f *Flow) endpoints(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.oauth != nil {
		return f.oauth, f.verifier, nil
	}
	c := f.d.Config
	p, err := oidc.NewProvider(oidc.ClientContext(ctx, f.d.HTTPClient), c.Issuer)
	if err != nil {
		return nil, nil, err
	}
	f.oauth = &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret, Endpoint: p.Endpoint(), RedirectURL: c.RedirectURL, Scopes: c.Scopes}
	f.verifier = p.VerifierContext(oidc.ClientContext(context.Background(), f.d.HTTPClient), &oidc.Config{ClientID: c.ClientID, Now: f.d.Now})
	return f.oauth, f.verifier, nil
}

// handleStart sends the browser to the provider with a new state, nonce and PKCE challenge,
// kept server-side (in Redis, so the callback may reach another edge) and bound to this
// browser by a short-lived cookie: a sign-in started elsewhere cannot be completed here.
func (f *Flow) handleStart(ctx *fasthttp.RequestCtx) {
	lang := pagetext.Lang(ctx)
	if err := f.d.Guard.Throttled(ctx); err != nil {
		f.refuse(ctx, lang, reasonThrottled, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	oc, _, err := f.endpoints(rctx)
	if err != nil {
		f.refuse(ctx, lang, reasonProvider, err)
		return
	}
	state, nonce, binding := session.NewToken(), session.NewToken(), session.NewToken()
	verifier := oauth2.GenerateVerifier()
	p := session.Pending{Verifier: verifier, Nonce: nonce, Binding: binding, Return: string(lang), Created: f.d.Now()}
	if err := f.d.Sessions.PutPending(rctx, state, p); err != nil {
		f.refuse(ctx, lang, reasonStore, err)
		return
	}
	setCookie(ctx, f.bindingCookie(), binding, fasthttp.CookieSameSiteLaxMode, pendingTTL, f.d.Config.Secure())
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.Response.Header.Set("Location", oc.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce)))
	ctx.SetStatusCode(fasthttp.StatusSeeOther)
}

// claims are the ID token's claims the edge reads; the grant claim is read apart.
type claims struct {
	Email string `json:"email"`
	Name  string `json:"name"`
}

// handleCallback completes a sign-in: the state taken once and matched to this browser, the
// code exchanged with its PKCE verifier, the ID token verified (signature, issuer, audience,
// expiry) with its nonce, the claim mapped to a grant; then a session and its cookie.
func (f *Flow) handleCallback(ctx *fasthttp.RequestCtx) {
	lang := pagetext.Lang(ctx)
	if err := f.d.Guard.Throttled(ctx); err != nil {
		f.refuse(ctx, lang, reasonThrottled, err)
		return
	}
	rctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	q := ctx.QueryArgs()
	state := string(q.Peek("state"))
	var p session.Pending
	var err error
	if state == "" {
		err = errors.New("no state")
	} else if p, err = f.d.Sessions.TakePending(rctx, state); err == nil {
		lang = snippets.Locale(p.Return)
		if lang != snippets.French {
			lang = snippets.English
		}
	}
	// Whatever happens next, this browser's binding is spent.
	clearCookie(ctx, f.bindingCookie(), f.d.Config.Secure())
	if err != nil && state != "" && !errors.Is(err, session.ErrNoPending) {
		f.refuse(ctx, lang, reasonStore, err)
		return
	}
	if err != nil {
		f.fail(ctx, lang, reasonState, err)
		return
	}
	if e := q.Peek("error"); len(e) > 0 {
		// The provider refused (the person cancelled, or may not use this client). Not an
		// attempt at guessing: not counted.
		f.refuse(ctx, lang, reasonProviderRefused, errors.New("provider error "+clip(string(e))))
		return
	}
	if b := ctx.Request.Header.Cookie(f.bindingCookie()); subtle.ConstantTimeCompare(b, []byte(p.Binding)) != 1 {
		f.fail(ctx, lang, reasonState, errors.New("the sign-in was started in another browser"))
		return
	}
	oc, verifier, err := f.endpoints(rctx)
	if err != nil {
		f.refuse(ctx, lang, reasonProvider, err)
		return
	}
	tok, err := oc.Exchange(oidc.ClientContext(rctx, f.d.HTTPClient), string(q.Peek("code")), oauth2.VerifierOption(p.Verifier))
	if err != nil {
		f.fail(ctx, lang, reasonCode, exchangeError(err))
		return
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		f.fail(ctx, lang, reasonToken, errors.New("no id_token in the token response"))
		return
	}
	idt, err := verifier.Verify(rctx, raw)
	if err != nil {
		f.fail(ctx, lang, reasonToken, err)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(p.Nonce)) != 1 {
		f.fail(ctx, lang, reasonToken, errors.New("the ID token's nonce is not this sign-in's"))
		return
	}
	var c claims
	all := map[string]any{}
	if err := idt.Claims(&c); err != nil || idt.Claims(&all) != nil {
		f.fail(ctx, lang, reasonToken, errors.New("the ID token's claims do not parse"))
		return
	}
	scopes, partners, ok := f.d.Config.grantOf(claimValues(all[f.d.Config.Claim]))
	if !ok {
		f.fail(ctx, lang, reasonNoGrant, errors.New("claim "+f.d.Config.Claim+" maps to no scope"))
		return
	}
	person := session.Person{Subject: idt.Subject, Email: c.Email, Name: c.Name, Provider: f.d.Config.Provider, Scopes: scopes, Partners: partners}
	id, _, err := f.d.Sessions.Create(rctx, person)
	if err != nil {
		f.refuse(ctx, lang, reasonStore, err)
		return
	}
	f.d.Log.Info("operator signed in", "provider", person.Provider, "subject", person.Subject, "email", person.Email,
		"scopes", scopes, "partners", partners)
	setCookie(ctx, auth.SessionCookie(f.d.Config.Secure()), id, fasthttp.CookieSameSiteStrictMode, 0, f.d.Config.Secure())
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.Response.Header.Set("Location", "/admin/?lang="+string(lang))
	ctx.SetStatusCode(fasthttp.StatusSeeOther)
}

// fail refuses a sign-in that counts as a failed attempt (the throttle of failed tokens).
func (f *Flow) fail(ctx *fasthttp.RequestCtx, lang snippets.Locale, r reason, err error) {
	f.d.Guard.Failed(ctx)
	f.refuse(ctx, lang, r, err)
}

// bindingCookie names the cookie that binds a pending sign-in to its browser.
func (f *Flow) bindingCookie() string {
	if f.d.Config.Secure() {
		return "__Host-signpost-signin"
	}
	return "signpost-signin"
}

func setCookie(ctx *fasthttp.RequestCtx, name, value string, same fasthttp.CookieSameSite, maxAge time.Duration, secure bool) {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKey(name)
	c.SetValue(value)
	c.SetPath("/")
	c.SetHTTPOnly(true)
	c.SetSecure(secure)
	c.SetSameSite(same)
	if maxAge > 0 {
		c.SetMaxAge(int(maxAge / time.Second))
	}
	ctx.Response.Header.SetCookie(c)
}

func clearCookie(ctx *fasthttp.RequestCtx, name string, secure bool) {
	c := fasthttp.AcquireCookie()
	defer fasthttp.ReleaseCookie(c)
	c.SetKey(name)
	c.SetPath("/")
	c.SetHTTPOnly(true)
	c.SetSecure(secure)
	c.SetExpire(fasthttp.CookieExpireDelete)
	ctx.Response.Header.SetCookie(c)
}

// exchangeError keeps what the token endpoint said (its error code) and drops the rest: the
// request it answers held the code and the client secret.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return errors.New("token endpoint: " + clip(re.ErrorCode))
	}
	return errors.New("token endpoint unreachable")
}

// clip bounds what a provider says before it is logged or shown.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80]
	}
	return s
}
