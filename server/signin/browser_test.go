package signin_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server/edgetest"
)

// TestSignInInBrowsers: in each engine a person opens the console, chooses "Sign in with Test
// ID", signs in on the provider's own page, lands in the console signed in by name, publishes a
// change through the console's API client (the session cookie, which the page's script cannot
// read, and the CSRF token), and signs out; the audit log names the person, and the cookie no
// longer opens anything.
func TestSignInInBrowsers(t *testing.T) {
	for _, engine := range browsertest.Engines {
		t.Run(string(engine), func(t *testing.T) {
			r := newRig(t, rigOptions{})
			p := browsertest.Open(t, engine, browsertest.Options{})
			lang := "en"
			if engine == browsertest.Firefox {
				lang = "fr" // one engine in French: the button and the provider's return
			}
			if err := p.Navigate(r.e.URL() + "/admin/?lang=" + lang); err != nil {
				t.Fatal(err)
			}
			browsertest.Wait(t, p, `document.querySelector('[data-action=oidc]')`)
			var label string
			if err := p.Eval(`document.querySelector('[data-action=oidc]').textContent`, &label); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"en": "Sign in with Test ID", "fr": "Se connecter avec Test ID"}[lang]
			if label != want {
				t.Errorf("button %q, want %q", label, want)
			}
			if engine == browsertest.Chromium {
				axe(t, p, "console sign-in with a provider")
			}
			if err := p.Eval(`document.querySelector('[data-action=oidc]').click()`, nil); err != nil {
				t.Fatal(err)
			}
			browsertest.Wait(t, p, `document.getElementById('username') && location.href.startsWith(`+jsq(r.p.Issuer())+`)`)
			if err := p.Eval(`(() => { document.getElementById('username').value = `+jsq(alice.Email)+`;
				document.getElementById('password').value = `+jsq(alice.Password)+`;
				document.getElementById('submit').click(); return true })()`, nil); err != nil {
				t.Fatal(err)
			}
			browsertest.Wait(t, p, `location.href.startsWith(`+jsq(r.e.URL()+"/admin/")+`) && document.querySelector('[data-operator]')`,
				`location.href`, `document.body && document.body.innerText.slice(0, 300)`)
			var who, cookies string
			_ = p.Eval(`document.querySelector('#sp-session').textContent`, &who)
			if !strings.Contains(who, alice.Email) || !strings.Contains(who, "Test ID") {
				t.Errorf("signed in as %q, want %s (Test ID)", who, alice.Email)
			}
			if err := p.Eval(`document.cookie`, &cookies); err != nil || strings.Contains(cookies, "signpost-session") {
				t.Errorf("the page's script reads the session cookie: %q %v", cookies, err)
			}
			// A change through the console's own API client: cookie and CSRF token.
			var status int
			if err := p.Eval(`SP.api("POST", "/v1/admin/lines/ca-988/checked", {body: {how: "official_page"}}).then((r) => r.status)`, &status); err != nil || status != http.StatusOK {
				t.Fatalf("change from the console: %d %v", status, err)
			}
			// Without the CSRF token, the same request from the page is refused.
			if err := p.Eval(`fetch("/v1/admin/lines/ca-988/checked", {method: "POST", body: '{"how":"official_page"}', credentials: "same-origin"}).then((r) => r.status)`, &status); err != nil || status != http.StatusForbidden {
				t.Errorf("a change without the CSRF token: %d %v", status, err)
			}
			if err := p.Eval(`document.querySelector('[data-action=signout]').click()`, nil); err != nil {
				t.Fatal(err)
			}
			browsertest.Wait(t, p, `document.querySelector('[data-action=oidc]') && !document.querySelector('[data-operator]')`)
			if err := p.Eval(`fetch("/v1/admin/whoami", {credentials: "same-origin"}).then((r) => r.status)`, &status); err != nil || status != http.StatusUnauthorized {
				t.Errorf("whoami after sign-out: %d %v", status, err)
			}
			// A reload does not sign in again.
			if err := p.Navigate(r.e.URL() + "/admin/?lang=" + lang); err != nil {
				t.Fatal(err)
			}
			browsertest.Wait(t, p, `document.querySelector('[data-action=oidc]')`)

			a := r.e.Do(t, "GET", "/v1/admin/audit?limit=3", nil, edgetest.Bearer(edgetest.AliceToken)...)
			var audit struct {
				Entries []struct{ Action, Email, Provider, Subject string }
			}
			if err := json.Unmarshal(a.Body(), &audit); err != nil || len(audit.Entries) == 0 {
				t.Fatalf("audit: %s", a.Body())
			}
			if e := audit.Entries[0]; e.Action != "line.checked" || e.Email != alice.Email || e.Provider != "Test ID" || e.Subject != alice.Subject {
				t.Errorf("audit %+v: want line.checked by %s", e, alice.Email)
			}
			if errs := p.Errors(); len(errs) > 0 {
				t.Errorf("script errors: %v", errs)
			}
			if engine != browsertest.Chromium {
				return
			}
			// The refusal page, read as a person reads it: axe 0 in both languages.
			for _, l := range []string{"en", "fr"} {
				if err := p.Navigate(r.e.URL() + "/admin/signin/callback?code=x&state=y&lang=" + l); err != nil {
					t.Fatal(err)
				}
				browsertest.Wait(t, p, `document.querySelector('[data-reason=state] [role=alert]')`)
				axe(t, p, "refusal page, "+l)
			}
		})
	}
}

func jsq(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// axe runs axe-core over a Chromium page and fails on any violation; the source is given over
// CDP, as the console's CSP blocks injected scripts.
func axe(t *testing.T, p browsertest.Page, label string) {
	t.Helper()
	ctx := browsertest.CDP(t, p)
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](browsertest.AxeScript(t))); err != nil {
		t.Fatal(err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](browsertest.AxeRun(false), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	browsertest.CheckAxe(t, label, raw)
}
