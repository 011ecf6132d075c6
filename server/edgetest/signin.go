package edgetest

import (
	"testing"

	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/signin"
	"github.com/signpost/edge/session"
)

// SignIn is a sign-in configuration whose provider is never reached (its issuer is a closed
// port on 127.0.0.1) and a file session store in a temporary directory: for tests of the routes
// an edge with people's sign-in has, which need no provider (internal/oidctest starts a real
// one for those that do).
func SignIn(t testing.TB) (*signin.Config, *session.Store) {
	t.Helper()
	c := &signin.Config{Provider: "Test ID", Issuer: "http://127.0.0.1:9", ClientID: "signpost", ClientSecret: "secret",
		RedirectURL: "http://127.0.0.1:9" + signin.CallbackPath, Claim: "groups",
		Grants: []signin.Grant{{Value: "content", Scopes: []string{auth.ScopeContent}}}}
	if err := c.Validate(auth.ValidateScopes); err != nil {
		t.Fatal(err)
	}
	st, err := session.NewFile(t.TempDir(), session.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return c, st
}
