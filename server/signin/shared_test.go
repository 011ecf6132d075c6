package signin_test

import (
	"net/http"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/session"
)

// TestSessionSharedByEdges: in Redis mode a person signed in on one edge is signed in on every
// edge sharing the Redis, and signing out on another ends it on the first.
func TestSessionSharedByEdges(t *testing.T) {
	_, rdb := edgetest.Redis(t, redis.Options{})
	open := func(c *clock) *session.Store {
		return session.NewRedis(rdb, "signpost:", session.Config{Now: c.Now})
	}
	a := newRig(t, rigOptions{Sessions: open})
	cfg, _ := edgetest.SignIn(t)
	b := edgetest.Start(t, edgetest.Options{Listen: true, WallClock: true, Store: true, Config: server.Config{SignIn: cfg, Sessions: open(a.clock)}})

	browser := newBrowser(t)
	cb := a.signIn(browser, alice)
	if cb.Status != http.StatusSeeOther {
		t.Fatalf("sign-in on edge A: %d %.300s", cb.Status, cb.Body)
	}
	id := cookieValue(sessionSetCookie(cb))
	// The jar sends 127.0.0.1's cookies to every port: edge B gets the cookie edge A set.
	onB := browser.get(b.URL() + "/v1/admin/whoami")
	if onB.Status != http.StatusOK {
		t.Fatalf("whoami on edge B: %d %s", onB.Status, onB.Body)
	}
	_, me := a.whoami(browser)
	csrf, _ := me["csrf"].(string)
	if out := browser.do("DELETE", b.URL()+"/v1/admin/session", nil, auth.CSRFHeader, csrf); out.Status != http.StatusNoContent {
		t.Fatalf("sign-out on edge B: %d %s", out.Status, out.Body)
	}
	// The jar has dropped the cookie; a copy of it is refused by edge A too.
	replay := newBrowser(t)
	replay.jar.SetCookies(mustURL(t, a.e.URL()), []*http.Cookie{{Name: auth.SessionCookie(false), Value: id}})
	if status, _ := a.whoami(replay); status != http.StatusUnauthorized {
		t.Errorf("edge A after sign-out on edge B: %d", status)
	}
}
