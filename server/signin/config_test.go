package signin

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/server/auth"
)

func TestGrantOf(t *testing.T) {
	c := &Config{Grants: []Grant{
		{Value: "content-team", Scopes: []string{"content", "notice"}},
		{Value: "research", Scopes: []string{"feedback:read"}},
		{Value: "clinic-web", Scopes: []string{"feedback:read", "content"}, Partners: []string{"clinic"}},
		{Value: "hospital-web", Scopes: []string{"feedback:read"}, Partners: []string{"hospital"}},
	}}
	for _, tc := range []struct {
		name             string
		values           []string
		scopes, partners []string
		ok               bool
	}{
		{"no group", []string{"staff"}, nil, nil, false},
		{"no claim", nil, nil, nil, false},
		{"one unlimited", []string{"research"}, []string{"feedback:read"}, nil, true},
		{"two unlimited: together", []string{"content-team", "research"}, []string{"content", "notice", "feedback:read"}, nil, true},
		{"one limited", []string{"clinic-web"}, []string{"feedback:read", "content"}, []string{"clinic"}, true},
		// The shared scope for both partners; clinic's content scope is not widened to the hospital.
		{"two limited: shared scopes only", []string{"clinic-web", "hospital-web"}, []string{"feedback:read"}, []string{"clinic", "hospital"}, true},
		// An unlimited grant is not narrowed by a limited one.
		{"unlimited outranks limited", []string{"clinic-web", "research"}, []string{"feedback:read"}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scopes, partners, ok := c.grantOf(tc.values)
			if ok != tc.ok || !slices.Equal(scopes, tc.scopes) || !slices.Equal(partners, tc.partners) {
				t.Errorf("grantOf(%v) = %v, %v, %v; want %v, %v, %v", tc.values, scopes, partners, ok, tc.scopes, tc.partners, tc.ok)
			}
			if ok && tc.partners == nil && partners != nil {
				t.Errorf("an unlimited grant came out limited to %v", partners)
			}
		})
	}
}

func TestClaimValues(t *testing.T) {
	if got := claimValues("admins"); !slices.Equal(got, []string{"admins"}) {
		t.Errorf("string claim: %v", got)
	}
	if got := claimValues([]any{"a", 3, "b"}); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf("array claim: %v", got)
	}
	if got := claimValues(map[string]any{"roles": []any{"a"}}); got != nil {
		t.Errorf("object claim: %v", got)
	}
}

func TestLoad(t *testing.T) {
	good := `provider: Keycloak
issuer: https://id.example.org/realms/health
client_id: signpost
redirect_url: https://signpost.example.org/admin/signin/callback
claim: groups
grants:
  - value: signpost-content
    scopes: [content, notice]
  - value: clinic-web
    scopes: [feedback:read]
    partners: [clinic]
`
	write := func(s string) string {
		p := filepath.Join(t.TempDir(), "oidc.yaml")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	c, err := Load(write(good), "s3cret", auth.ValidateScopes)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Secure() || c.Idle != DefaultIdle || c.Max != DefaultMax || !slices.Equal(c.Scopes, []string{"openid", "email", "profile"}) {
		t.Errorf("defaults: %+v", c)
	}
	for _, tc := range []struct{ name, yaml, secret, want string }{
		{"no secret", good, "", "EDGE_OIDC_CLIENT_SECRET"},
		{"http issuer elsewhere", strings.Replace(good, "https://id.example.org", "http://id.example.org", 1), "x", "issuer"},
		{"http redirect elsewhere", strings.Replace(good, "https://signpost.example.org", "http://signpost.example.org", 1), "x", "redirect_url"},
		{"wrong callback path", strings.Replace(good, "/admin/signin/callback", "/callback", 1), "x", "/admin/signin/callback"},
		{"unknown scope", strings.Replace(good, "[content, notice]", "[content, everything]", 1), "x", "everything"},
		{"no scopes", strings.Replace(good, "    scopes: [content, notice]\n", "", 1), "x", "scopes"},
		{"unknown field", good + "tenant: x\n", "x", "tenant"},
		{"no claim", strings.Replace(good, "claim: groups\n", "", 1), "x", "claim"},
		{"idle over max", good + "idle: 2h\nmax: 1h\n", "x", "idle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Load(write(tc.yaml), tc.secret, auth.ValidateScopes); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
	loop := strings.NewReplacer("https://id.example.org", "http://127.0.0.1:9000", "https://signpost.example.org", "http://localhost:8080").Replace(good)
	if c, err := Load(write(loop), "x", auth.ValidateScopes); err != nil || c.Secure() {
		t.Errorf("loopback http: %v, secure %v", err, c != nil && c.Secure())
	}
}
