package signin_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
)

// TestSignInChangeSignOut: a person signs in through the provider, the edge opens a session
// named by an HttpOnly, SameSite=Strict cookie; with it the person reads, makes a change only
// with the session's CSRF token, is named in the audit log, and signs out, after which the
// cookie is refused. The bearer token works beside it, unchanged.
func TestSignInChangeSignOut(t *testing.T) {
	r := newRig(t, rigOptions{})
	b := newBrowser(t)
	cb := r.signIn(b, alice)
	if cb.Status != http.StatusSeeOther || cb.Header.Get("Location") != "/admin/?lang=en" {
		t.Fatalf("callback: %d %q %.300s", cb.Status, cb.Header.Get("Location"), cb.Body)
	}
	cookie := sessionSetCookie(cb)
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "path=/"} {
		if !strings.Contains(strings.ToLower(cookie), strings.ToLower(want)) {
			t.Errorf("session cookie %q lacks %s", cookie, want)
		}
	}
	if strings.Contains(strings.ToLower(cookie), "secure") || strings.Contains(strings.ToLower(cookie), "domain=") {
		t.Errorf("session cookie on loopback http %q: want no Secure and no Domain", cookie)
	}

	status, me := r.whoami(b)
	csrf, _ := me["csrf"].(string)
	if status != 200 || me["email"] != alice.Email || me["provider"] != "Test ID" || len(csrf) < 32 || me["partners"] != nil {
		t.Fatalf("whoami: %d %v", status, me)
	}
	scopes, _ := me["scopes"].([]any)
	if len(scopes) != 3 {
		t.Errorf("scopes %v: want content, notice and feedback:read", scopes)
	}

	// A change without the CSRF token is refused; with it, it is made and audited by person.
	checked := r.e.URL() + "/v1/admin/lines/ca-988/checked"
	body := []byte(`{"how":"official_page"}`)
	if a := b.do("POST", checked, body, "Content-Type", "application/json"); a.Status != http.StatusForbidden || !strings.Contains(a.Body, `"code":"csrf"`) {
		t.Fatalf("change without CSRF: %d %s", a.Status, a.Body)
	}
	if a := b.do("POST", checked, body, "Content-Type", "application/json", auth.CSRFHeader, csrf+"x"); a.Status != http.StatusForbidden {
		t.Fatalf("change with a wrong CSRF token: %d %s", a.Status, a.Body)
	}
	if a := b.do("POST", checked, body, "Content-Type", "application/json", auth.CSRFHeader, csrf); a.Status != http.StatusOK {
		t.Fatalf("change with CSRF: %d %s", a.Status, a.Body)
	}
	a := b.get(r.e.URL() + "/v1/admin/audit?limit=5")
	var audit struct {
		Entries []struct{ Actor, Action, Subject, Email, Provider string }
	}
	if err := json.Unmarshal([]byte(a.Body), &audit); err != nil || len(audit.Entries) == 0 {
		t.Fatalf("audit: %d %s", a.Status, a.Body)
	}
	if e := audit.Entries[0]; e.Action != "line.checked" || e.Subject != alice.Subject || e.Email != alice.Email || e.Provider != "Test ID" {
		t.Errorf("audit entry %+v: want line.checked by %s (%s) through Test ID", e, alice.Email, alice.Subject)
	}

	// The bearer token is judged by itself, with or without the cookie, and needs no CSRF token.
	tok := newBrowser(t)
	if a := tok.get(r.e.URL()+"/v1/admin/whoami", "Authorization", "Bearer "+edgetest.AliceToken); a.Status != 200 || strings.Contains(a.Body, "csrf") {
		t.Errorf("bearer whoami: %d %s", a.Status, a.Body)
	}
	if a := b.do("DELETE", r.e.URL()+"/v1/admin/session", nil, "Authorization", "Bearer "+edgetest.AliceToken); a.Status != http.StatusBadRequest || !strings.Contains(a.Body, "not_a_session") {
		t.Errorf("sign-out with a bearer token: %d %s", a.Status, a.Body)
	}

	// Sign-out needs the CSRF token too, then ends the session.
	if a := b.do("DELETE", r.e.URL()+"/v1/admin/session", nil); a.Status != http.StatusForbidden {
		t.Errorf("sign-out without CSRF: %d %s", a.Status, a.Body)
	}
	if a := b.do("DELETE", r.e.URL()+"/v1/admin/session", nil, auth.CSRFHeader, csrf); a.Status != http.StatusNoContent {
		t.Fatalf("sign-out: %d %s", a.Status, a.Body)
	}
	// The cookie is cleared; a copy kept by an attacker is refused as well.
	replay := newBrowser(t)
	replay.jar.SetCookies(mustURL(t, r.e.URL()), []*http.Cookie{{Name: auth.SessionCookie(false), Value: cookieValue(cookie)}})
	for _, c := range []*browser{b, replay} {
		if status, me := r.whoami(c); status != http.StatusUnauthorized {
			t.Errorf("after sign-out: %d %v", status, me)
		}
	}
	if a := replay.get(r.e.URL() + "/v1/admin/whoami"); !strings.Contains(a.Body, "session_ended") {
		t.Errorf("a signed-out cookie: %s, want session_ended", a.Body)
	}
}

// TestPartnerLimitedPerson: a person whose only group is limited to one partner gets that
// partner's grant, and the admin routes outside it refuse them.
func TestPartnerLimitedPerson(t *testing.T) {
	r := newRig(t, rigOptions{})
	b := newBrowser(t)
	if cb := r.signIn(b, carol); cb.Status != http.StatusSeeOther {
		t.Fatalf("callback: %d %.300s", cb.Status, cb.Body)
	}
	status, me := r.whoami(b)
	partners, _ := me["partners"].([]any)
	if status != 200 || len(partners) != 1 || partners[0] != "mhcc" {
		t.Fatalf("whoami: %d %v", status, me)
	}
	if a := b.get(r.e.URL() + "/v1/admin/content/history"); a.Status != http.StatusForbidden || !strings.Contains(a.Body, "partner_limited") {
		t.Errorf("history for a partner-limited person: %d %s", a.Status, a.Body)
	}
	if a := b.get(r.e.URL() + "/v1/admin/feedback/stats?partner=demo"); a.Status != http.StatusForbidden {
		t.Errorf("another partner's stats: %d %s", a.Status, a.Body)
	}
	if a := b.get(r.e.URL() + "/v1/admin/feedback/stats?partner=mhcc"); a.Status != http.StatusOK {
		t.Errorf("own partner's stats: %d %s", a.Status, a.Body)
	}
	csrf, _ := me["csrf"].(string)
	if a := b.do("PUT", r.e.URL()+"/v1/admin/partners/demo/featured", []byte(`{"featured":[]}`), auth.CSRFHeader, csrf, "Content-Type", "application/json"); a.Status != http.StatusForbidden || !strings.Contains(a.Body, "partner_forbidden") {
		t.Errorf("another partner's featured list: %d %s", a.Status, a.Body)
	}
	// A partner-limited person may still sign out.
	if a := b.do("DELETE", r.e.URL()+"/v1/admin/session", nil, auth.CSRFHeader, csrf); a.Status != http.StatusNoContent {
		t.Errorf("sign-out: %d %s", a.Status, a.Body)
	}
}

// TestSessionExpires: a session ends after its idle time unused and after its absolute time
// however used (the session store's clock, moved by the test).
func TestSessionExpires(t *testing.T) {
	r := newRig(t, rigOptions{})
	b := newBrowser(t)
	r.signIn(b, alice)
	// Used every 20 minutes (idle 30), it lives until the absolute limit (12 hours).
	for i := range 35 {
		r.clock.Advance(r.cfg.Idle * 2 / 3)
		if status, _ := r.whoami(b); status != 200 {
			t.Fatalf("after %s of use: %d", r.cfg.Idle*2/3*time.Duration(i+1), status)
		}
	}
	r.clock.Advance(r.cfg.Max - 35*r.cfg.Idle*2/3)
	if status, _ := r.whoami(b); status != http.StatusUnauthorized {
		t.Errorf("past the absolute limit: %d", status)
	}
	b2 := newBrowser(t)
	r.signIn(b2, alice)
	r.clock.Advance(r.cfg.Idle + 1)
	if status, _ := r.whoami(b2); status != http.StatusUnauthorized {
		t.Errorf("past the idle limit: %d", status)
	}
}

// TestSignOutEverywhere ends every session of the person, not another person's.
func TestSignOutEverywhere(t *testing.T) {
	r := newRig(t, rigOptions{})
	laptop, phone, other := newBrowser(t), newBrowser(t), newBrowser(t)
	r.signIn(laptop, alice)
	r.signIn(phone, alice)
	r.signIn(other, carol)
	_, me := r.whoami(laptop)
	csrf, _ := me["csrf"].(string)
	if a := laptop.do("DELETE", r.e.URL()+"/v1/admin/session?everywhere=true", nil, auth.CSRFHeader, csrf); a.Status != http.StatusNoContent {
		t.Fatalf("sign-out everywhere: %d %s", a.Status, a.Body)
	}
	for name, b := range map[string]*browser{"laptop": laptop, "phone": phone} {
		if status, _ := r.whoami(b); status != http.StatusUnauthorized {
			t.Errorf("%s after sign-out everywhere: %d", name, status)
		}
	}
	if status, _ := r.whoami(other); status != 200 {
		t.Errorf("another person's session: %d", status)
	}
}

// sessionSetCookie is the Set-Cookie of the session cookie an answer sets.
func sessionSetCookie(a answer) string {
	for _, c := range a.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, auth.SessionCookie(false)+"=") && cookieValue(c) != "" {
			return c
		}
	}
	return ""
}

func cookieValue(setCookie string) string {
	v, _, _ := strings.Cut(setCookie, ";")
	_, v, _ = strings.Cut(v, "=")
	return v
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
