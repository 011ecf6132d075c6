// Package oidctest runs a real OpenID Provider for tests, on a free 127.0.0.1 port, stopped when
// the test ends: the protocol is github.com/zitadel/oidc/v3's op package (an OpenID-certified
// implementation: discovery, authorize, token, userinfo, keys), and this package adds only what
// op leaves to its user: an in-memory storage for the authorization code flow, a sign-in form,
// and a few helpers for tests. It is the provider the console's OpenID Connect sign-in is
// tested against, as internal/redistest is the Redis the edge is tested against.
//
// What the provider does: the authorization code flow with PKCE (S256, required of every
// client), the nonce echoed into the ID token, RS256 signatures, confidential clients
// authenticating with client_secret_basic, codes that work once. The ID token carries sub,
// email (scope email), name (scope profile) and groups (an array, always, unless User.Groups is
// nil). ID tokens issued through the flow are stamped by op with the wall clock and live an
// hour; Options.Now governs the sign-in time, the code's five-minute lifetime and Claims.
package oidctest

import (
	"context"
	"crypto/rand"
	"html/template"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/crypto"
	"github.com/zitadel/oidc/v3/pkg/op"
)

// loginPath is the sign-in form, outside op's routes.
const loginPath = "/login"

// User is a person who can sign in, with their email (or subject) and password.
type User struct {
	Subject, Email, Name, Password string
	// Groups is the groups claim; nil leaves the claim out, an empty slice sends [].
	Groups []string
}

// Options configure Start. ClientID, ClientSecret and RedirectURIs register the first client.
type Options struct {
	Users                  []User
	ClientID, ClientSecret string
	RedirectURIs           []string
	// Now is the provider's clock for sign-ins, codes and Claims; time.Now when nil.
	Now func() time.Time
}

// Provider is one running OpenID Provider.
type Provider struct {
	t      testing.TB
	store  *store
	issuer string
	now    func() time.Time
}

// Start starts a provider on 127.0.0.1 and stops it when the test ends.
func Start(t testing.TB, opts Options) *Provider {
	t.Helper()
	if opts.ClientID == "" || len(opts.RedirectURIs) == 0 {
		t.Fatal("oidctest: Options need a ClientID and at least one RedirectURI")
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	st, err := newStore(now, opts.Users)
	if err != nil {
		t.Fatalf("oidctest: %v", err)
	}
	st.addClient(opts.ClientID, opts.ClientSecret, opts.RedirectURIs)

	srv := httptest.NewUnstartedServer(nil) // listens on 127.0.0.1:0 now, serves after Start
	p := &Provider{t: t, store: st, issuer: "http://" + srv.Listener.Addr().String(), now: now}
	config := &op.Config{CodeMethodS256: true}
	_, _ = rand.Read(config.CryptoKey[:]) // the key op encrypts its access tokens with; never fails
	provider, err := op.NewProvider(config, st, op.StaticIssuer(p.issuer), op.WithAllowInsecure())
	if err != nil {
		srv.Close()
		t.Fatalf("oidctest: %v", err)
	}
	mux := http.NewServeMux()
	mux.Handle(loginPath, op.NewIssuerInterceptor(provider.IssuerFromRequest).Handler(&login{store: st, callback: op.AuthCallbackURL(provider)}))
	mux.Handle("/", provider)
	srv.Config.Handler = mux
	srv.Start()
	t.Cleanup(srv.Close)
	return p
}

// Issuer is the provider's issuer URL, http://127.0.0.1:port (no trailing slash).
func (p *Provider) Issuer() string { return p.issuer }

// AddClient registers another confidential client, for tokens issued to another audience.
func (p *Provider) AddClient(id, secret string, redirectURIs ...string) {
	p.store.addClient(id, secret, redirectURIs)
}

// Claims are the claims of a valid ID token for user, issued to audience with nonce at Now: a
// starting point for hostile tests, which change one and sign the result with SignIDToken.
func (p *Provider) Claims(u User, audience, nonce string) map[string]any {
	now := p.now()
	c := map[string]any{
		"iss": p.issuer, "sub": u.Subject, "aud": audience, "azp": audience,
		"iat": now.Unix(), "exp": now.Add(idTokenLifetime).Unix(), "auth_time": now.Unix(),
		"email": u.Email, "email_verified": true, "name": u.Name,
	}
	if nonce != "" {
		c["nonce"] = nonce
	}
	if u.Groups != nil {
		c["groups"] = u.Groups
	}
	return c
}

// SignIDToken signs claims, as given, with the provider's signing key (RS256, its key id): a
// token that verifies with the provider's published keys whatever it says.
func (p *Provider) SignIDToken(claims map[string]any) string {
	p.t.Helper()
	signer, err := op.SignerFromKey(&p.store.key)
	if err != nil {
		p.t.Fatalf("oidctest: %v", err)
	}
	tok, err := crypto.Sign(claims, signer)
	if err != nil {
		p.t.Fatalf("oidctest: %v", err)
	}
	return tok
}

// Login signs in as a person without a browser: it requests authURL (the relying party's
// authorization URL on this provider), posts email and password to the sign-in form, and
// follows the provider's redirects until one leaves the provider. It returns that URL, the
// relying party's redirect URI with code and state (or error), without requesting it. A
// refused sign-in fails the test.
func (p *Provider) Login(t testing.TB, authURL, email, password string) string {
	t.Helper()
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if p.owns(req.URL) {
			return nil
		}
		return http.ErrUseLastResponse
	}}
	resp, err := c.Get(authURL)
	if err != nil {
		t.Fatalf("oidctest: GET authorization URL: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Request.URL.Path != loginPath {
		if loc := resp.Header.Get("Location"); resp.StatusCode == http.StatusFound && loc != "" {
			return loc // the provider refused the request and redirected with an error
		}
		t.Fatalf("oidctest: expected the sign-in form, got %s at %s: %.300s", resp.Status, resp.Request.URL, body)
	}
	form := url.Values{"id": {resp.Request.URL.Query().Get("id")}, "username": {email}, "password": {password}}
	resp, err = c.PostForm(p.issuer+loginPath, form)
	if err != nil {
		t.Fatalf("oidctest: POST sign-in form: %v", err)
	}
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		t.Fatalf("oidctest: sign-in as %q refused: %s: %.300s", email, resp.Status, body)
	}
	return loc
}

// owns reports whether u is on the provider (so Login follows it).
func (p *Provider) owns(u *url.URL) bool {
	return u.Scheme+"://"+u.Host == p.issuer
}

// login serves the sign-in form and checks what is posted to it.
type login struct {
	store    *store
	callback func(context.Context, string) string
}

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in: test provider</title></head>
<body><main><h1>Sign in</h1>
{{if .Error}}<p role="alert" id="error">{{.Error}}</p>{{end}}
<form method="post" action="/login">
<input type="hidden" name="id" value="{{.ID}}">
<p><label for="username">Email</label> <input id="username" name="username" type="text" autocomplete="username" value="{{.Username}}" required></p>
<p><label for="password">Password</label> <input id="password" name="password" type="password" autocomplete="current-password" required></p>
<p><button id="submit" type="submit">Sign in</button></p>
</form></main></body></html>
`))

type loginData struct{ ID, Username, Error string }

func (l *login) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	id := r.Form.Get("id")
	if !l.store.pending(id) {
		http.Error(w, "unknown or finished authorization request", http.StatusBadRequest)
		return
	}
	switch r.Method {
	case http.MethodGet:
		l.render(w, http.StatusOK, loginData{ID: id})
	case http.MethodPost:
		user := r.PostForm.Get("username")
		if !l.store.signIn(id, user, r.PostForm.Get("password")) {
			l.render(w, http.StatusUnauthorized, loginData{ID: id, Username: user, Error: "Wrong email or password."})
			return
		}
		http.Redirect(w, r, l.callback(r.Context(), id), http.StatusFound)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (l *login) render(w http.ResponseWriter, status int, d loginData) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, d) // an error here is the client gone
}
