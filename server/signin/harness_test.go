package signin_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/internal/oidctest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/signin"
	"github.com/signpost/edge/session"
)

// The people of the tests' provider: Alice is on the content team (every partner), Carol on
// the clinic's web team (that partner only), Mallory in no group the edge grants anything.
var (
	alice   = oidctest.User{Subject: "u-alice", Email: "alice@example.org", Name: "Alice Tremblay", Password: "alice-pass", Groups: []string{"signpost-content"}}
	carol   = oidctest.User{Subject: "u-carol", Email: "carol@clinic.example", Name: "Carol Roy", Password: "carol-pass", Groups: []string{"clinic-web"}}
	mallory = oidctest.User{Subject: "u-mallory", Email: "mallory@example.org", Name: "Mallory", Password: "mallory-pass", Groups: []string{"staff"}}
)

// clientSecret is the edge's secret at the tests' provider: no log may hold it.
const clientSecret = "edge-client-secret-7f3a9c"

// clock is the session store's clock, which the tests move (idle and absolute expiry).
type clock struct {
	mu sync.Mutex
	at time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.at }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.at = c.at.Add(d)
}

// rig is an edge with sign-in through a real provider on 127.0.0.1.
type rig struct {
	t        *testing.T
	p        *oidctest.Provider
	e        *edgetest.Edge
	cfg      *signin.Config
	sessions *session.Store
	clock    *clock
	// mutate, when set, rewrites the ID token the provider's token endpoint answers with:
	// the cases the real provider cannot produce (another audience, expired, unsigned).
	mu     sync.Mutex
	mutate func(claims map[string]any) string
}

type rigOptions struct {
	// Sessions is the store; nil: a file store in a temporary directory on the rig's clock.
	Sessions func(c *clock) *session.Store
	// Listener and Provider let a second edge share the first one's provider.
	Provider *oidctest.Provider
}

func newRig(t *testing.T, o rigOptions) *rig {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://" + ln.Addr().String() + signin.CallbackPath
	r := &rig{t: t, clock: &clock{at: time.Now()}}
	if r.p = o.Provider; r.p == nil {
		r.p = oidctest.Start(t, oidctest.Options{Users: []oidctest.User{alice, carol, mallory}, ClientID: "signpost", ClientSecret: clientSecret, RedirectURIs: []string{redirect}})
	} else {
		r.p.AddClient("signpost", clientSecret, redirect)
	}
	r.cfg = &signin.Config{Provider: "Test ID", Issuer: r.p.Issuer(), ClientID: "signpost", ClientSecret: clientSecret, RedirectURL: redirect,
		Claim: "groups", Grants: []signin.Grant{
			{Value: "signpost-content", Scopes: []string{auth.ScopeContent, auth.ScopeNotice, auth.ScopeFeedbackRead}},
			{Value: "clinic-web", Scopes: []string{auth.ScopeFeedbackRead, auth.ScopeContent}, Partners: []string{"mhcc"}},
		}}
	if err := r.cfg.Validate(auth.ValidateScopes); err != nil {
		t.Fatal(err)
	}
	r.cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second, Transport: tokenRewriter{r}}
	if o.Sessions != nil {
		r.sessions = o.Sessions(r.clock)
	} else if r.sessions, err = session.NewFile(t.TempDir(), session.Config{Idle: r.cfg.Idle, Absolute: r.cfg.Max, Now: r.clock.Now}); err != nil {
		t.Fatal(err)
	}
	r.e = edgetest.Start(t, edgetest.Options{Listen: true, Listener: ln, WallClock: true, FileContent: true, Store: true,
		Config: server.Config{AdminToken: edgetest.AliceToken, SignIn: r.cfg, Sessions: r.sessions}})
	return r
}

// tokenRewriter passes every request to the provider and, when the rig has a mutate, gives
// the token endpoint's answer another ID token, made from the real one's claims.
type tokenRewriter struct{ r *rig }

func (w tokenRewriter) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	w.r.mu.Lock()
	mutate := w.r.mutate
	w.r.mu.Unlock()
	if err != nil || mutate == nil || !strings.HasSuffix(req.URL.Path, "/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var tok map[string]any
	if err := json.Unmarshal(body, &tok); err != nil {
		return nil, err
	}
	raw, _ := tok["id_token"].(string)
	parts := strings.Split(raw, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	claims := map[string]any{}
	if err := json.Unmarshal(payload, &claims); err != nil {
		return nil, err
	}
	tok["id_token"] = mutate(claims)
	body, _ = json.Marshal(tok)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

func (r *rig) setMutate(f func(map[string]any) string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.mutate = f
}

// browser is a cookie-keeping client that does not follow redirects (the tests read them).
type browser struct {
	t   *testing.T
	c   *http.Client
	jar *cookiejar.Jar
}

// browsers counts the browsers made: each gets its own loopback address (127.0.0.2, .3, ...),
// so that the throttle of failed attempts, which counts per client address, counts each apart.
var browsers atomic.Int32

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	n := browsers.Add(1)
	local := &net.TCPAddr{IP: net.IPv4(127, 0, byte(n/250), byte(2+n%250))}
	tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: local, Timeout: 5 * time.Second}).DialContext}
	t.Cleanup(tr.CloseIdleConnections)
	return &browser{t: t, jar: jar, c: &http.Client{Jar: jar, Timeout: 20 * time.Second, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type answer struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(method, u string, body []byte, headers ...string) answer {
	b.t.Helper()
	req, err := http.NewRequest(method, u, bytes.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, resp.Header, string(out)}
}

func (b *browser) get(u string, headers ...string) answer { return b.do("GET", u, nil, headers...) }

// start begins a sign-in at the edge: the provider's authorization URL.
func (r *rig) start(b *browser, lang string) string {
	r.t.Helper()
	a := b.get(r.e.URL() + signin.StartPath + "?lang=" + lang)
	if a.Status != http.StatusSeeOther || !strings.HasPrefix(a.Header.Get("Location"), r.p.Issuer()) {
		r.t.Fatalf("start: %d %s %.300s", a.Status, a.Header.Get("Location"), a.Body)
	}
	return a.Header.Get("Location")
}

// signIn signs u in through the provider and returns the callback's answer.
func (r *rig) signIn(b *browser, u oidctest.User) answer {
	r.t.Helper()
	cb := r.p.Login(r.t, r.start(b, "en"), u.Email, u.Password)
	return b.get(cb)
}

// whoami is GET /v1/admin/whoami with the browser's cookies.
func (r *rig) whoami(b *browser) (int, map[string]any) {
	r.t.Helper()
	a := b.get(r.e.URL() + "/v1/admin/whoami")
	var m map[string]any
	_ = json.Unmarshal([]byte(a.Body), &m)
	return a.Status, m
}

// reason is the reason code a refusal page carries.
func reason(a answer) string {
	_, rest, ok := strings.Cut(a.Body, `data-reason="`)
	if !ok {
		return ""
	}
	r, _, _ := strings.Cut(rest, `"`)
	return r
}

func query(u, key string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Query().Get(key)
}
