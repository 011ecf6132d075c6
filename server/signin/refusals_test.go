package signin_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/internal/oidctest"
)

// TestHostileSignIns: each way a sign-in can be wrong or forged is refused with a page in the
// person's language naming the reason, opens no session, and is logged without a secret.
func TestHostileSignIns(t *testing.T) {
	r := newRig(t, rigOptions{})
	other := oidctest.Start(t, oidctest.Options{Users: []oidctest.User{alice}, ClientID: "x", ClientSecret: "y", RedirectURIs: []string{"http://127.0.0.1:1/cb"}})
	var spent []string // every code and state the tests used: none may be logged

	// refused runs a sign-in of u whose callback answer must be a refusal for reason want.
	refused := func(t *testing.T, u oidctest.User, want string, status int) answer {
		t.Helper()
		b := newBrowser(t)
		cb := r.p.Login(t, r.start(b, "en"), u.Email, u.Password)
		spent = append(spent, query(cb, "code"), query(cb, "state"))
		a := b.get(cb)
		checkRefusal(t, r, b, a, want, status)
		return a
	}
	sign := func(f func(c map[string]any)) func(map[string]any) string {
		return func(c map[string]any) string { f(c); return r.p.SignIDToken(c) }
	}

	t.Run("wrong state", func(t *testing.T) {
		b := newBrowser(t)
		r.start(b, "en")
		a := b.get(r.e.URL() + "/admin/signin/callback?code=abc&state=" + strings.Repeat("A", 43))
		checkRefusal(t, r, b, a, "state", http.StatusBadRequest)
	})
	t.Run("no state", func(t *testing.T) {
		b := newBrowser(t)
		checkRefusal(t, r, b, b.get(r.e.URL()+"/admin/signin/callback?code=abc"), "state", http.StatusBadRequest)
	})
	t.Run("state of another browser", func(t *testing.T) {
		started, attacker := newBrowser(t), newBrowser(t)
		cb := r.p.Login(t, r.start(started, "en"), alice.Email, alice.Password)
		spent = append(spent, query(cb, "code"), query(cb, "state"))
		// The attacker's browser completes the victim's sign-in (login CSRF): no binding cookie.
		checkRefusal(t, r, attacker, attacker.get(cb), "state", http.StatusBadRequest)
		// The state is spent by that attempt: the browser that started it cannot use it either.
		checkRefusal(t, r, started, started.get(cb), "state", http.StatusBadRequest)
	})
	t.Run("replayed state", func(t *testing.T) {
		b := newBrowser(t)
		cb := r.p.Login(t, r.start(b, "en"), alice.Email, alice.Password)
		if a := b.get(cb); a.Status != http.StatusSeeOther {
			t.Fatalf("first use: %d %.300s", a.Status, a.Body)
		}
		spent = append(spent, query(cb, "code"), query(cb, "state"))
		b2 := newBrowser(t)
		r.start(b2, "en")
		checkRefusal(t, r, b2, b2.get(cb), "state", http.StatusBadRequest)
	})
	t.Run("replayed code", func(t *testing.T) {
		first, b := newBrowser(t), newBrowser(t)
		cb := r.p.Login(t, r.start(first, "en"), alice.Email, alice.Password)
		if a := first.get(cb); a.Status != http.StatusSeeOther {
			t.Fatalf("first use: %d %.300s", a.Status, a.Body)
		}
		// A fresh sign-in of another browser, completed with the code already exchanged.
		cb2 := r.p.Login(t, r.start(b, "en"), alice.Email, alice.Password)
		spent = append(spent, query(cb, "code"), query(cb2, "code"), query(cb2, "state"))
		replay := strings.Replace(cb2, "code="+query(cb2, "code"), "code="+query(cb, "code"), 1)
		checkRefusal(t, r, b, b.get(replay), "code", http.StatusBadRequest)
	})
	t.Run("provider refused", func(t *testing.T) {
		b := newBrowser(t)
		state := query(r.start(b, "fr"), "state")
		a := b.get(r.e.URL() + "/admin/signin/callback?error=access_denied&state=" + state)
		checkRefusal(t, r, b, a, "provider_refused", http.StatusForbidden)
		if !strings.Contains(a.Body, `lang="fr"`) || !strings.Contains(a.Body, "Connexion refusée") {
			t.Errorf("a sign-in started in French is refused in French: %.400s", a.Body)
		}
	})
	t.Run("claim maps to no scope", func(t *testing.T) { refused(t, mallory, "no_grant", http.StatusForbidden) })
	t.Run("no groups claim", func(t *testing.T) {
		r.setMutate(sign(func(c map[string]any) { delete(c, "groups") }))
		defer r.setMutate(nil)
		refused(t, alice, "no_grant", http.StatusForbidden)
	})
	for _, tc := range []struct {
		name string
		f    func(map[string]any) string
	}{
		{"token for another audience", sign(func(c map[string]any) { c["aud"], c["azp"] = "another-client", "another-client" })},
		{"expired token", sign(func(c map[string]any) {
			c["iat"], c["exp"] = time.Now().Add(-2*time.Hour).Unix(), time.Now().Add(-time.Hour).Unix()
		})},
		{"issuer mismatch", sign(func(c map[string]any) { c["iss"] = other.Issuer() })},
		{"another sign-in's nonce", sign(func(c map[string]any) { c["nonce"] = "not-this-sign-in" })},
		{"signed by another provider", func(c map[string]any) string { return other.SignIDToken(c) }},
		{"unsigned token", func(c map[string]any) string {
			h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
			p, _ := json.Marshal(c)
			return h + "." + base64.RawURLEncoding.EncodeToString(p) + "."
		}},
		{"tampered claims", func(c map[string]any) string {
			tok := r.p.SignIDToken(c)
			parts := strings.Split(tok, ".")
			c["groups"] = []string{"signpost-content", "clinic-web"}
			p, _ := json.Marshal(c)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(p) + "." + parts[2]
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.setMutate(tc.f)
			defer r.setMutate(nil)
			refused(t, alice, "token", http.StatusUnauthorized)
		})
	}
	t.Run("the log holds no secret", func(t *testing.T) {
		logs := r.e.Logs.String()
		if n := strings.Count(logs, "operator sign-in refused"); n < 12 {
			t.Errorf("%d refusals logged, want one per refusal", n)
		}
		for _, s := range append(spent, clientSecret, alice.Password) {
			if s != "" && strings.Contains(logs, s) {
				t.Errorf("the log holds %q", s)
			}
		}
		if strings.Contains(logs, "eyJ") {
			t.Errorf("the log holds a JWT")
		}
	})
}

// checkRefusal: a refusal page for reason want, in HTML with its status, no session opened.
func checkRefusal(t *testing.T, r *rig, b *browser, a answer, want string, status int) {
	t.Helper()
	if a.Status != status || reason(a) != want || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
		t.Errorf("refusal: %d reason %q, want %d %q: %.300s", a.Status, reason(a), status, want, a.Body)
	}
	if !strings.Contains(a.Body, `role="alert"`) || !strings.Contains(a.Body, `href="/admin/?lang=`) {
		t.Errorf("the refusal page says nothing or leads nowhere: %.400s", a.Body)
	}
	for _, c := range a.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "signpost-session=") {
			t.Errorf("a refused sign-in set the session cookie: %s", c)
		}
	}
	if s, _ := r.whoami(b); s != http.StatusUnauthorized {
		t.Errorf("after a refused sign-in, whoami: %d", s)
	}
}

// TestSignInThrottled: refused sign-ins count with wrong tokens; past the limit the client is
// refused at the start, with the right password or token, while another client is not.
func TestSignInThrottled(t *testing.T) {
	r := newRig(t, rigOptions{})
	b := newBrowser(t)
	for i := 0; i < 10; i++ {
		a := b.get(r.e.URL() + "/admin/signin/callback?code=x&state=" + strings.Repeat("B", 43))
		if reason(a) != "state" {
			t.Fatalf("attempt %d: %d %q", i, a.Status, reason(a))
		}
	}
	a := b.get(r.e.URL() + "/admin/signin?lang=fr")
	if a.Status != http.StatusTooManyRequests || reason(a) != "throttled" || a.Header.Get("Retry-After") == "" || !strings.Contains(a.Body, "Trop de tentatives") {
		t.Errorf("after 10 failures: %d %q %s", a.Status, reason(a), a.Header.Get("Retry-After"))
	}
	if a := b.get(r.e.URL()+"/v1/admin/whoami", "Authorization", "Bearer alice-token-0123456789"); a.Status != http.StatusTooManyRequests {
		t.Errorf("a right token from the throttled client: %d", a.Status)
	}
}
