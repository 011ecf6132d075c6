// Package signin is operators' sign-in with their organisation's OpenID Connect provider: the
// authorization code flow with PKCE, state and nonce (golang.org/x/oauth2 and
// github.com/coreos/go-oidc/v3, which check the ID token's signature, issuer, audience and
// expiry), the mapping of one claim's values to scopes and partners (Grant), and the refusal
// pages in English and French. A person who signs in gets a server-side session (package
// session) named by a cookie that server/auth reads on the operator API; the bearer tokens of
// scripts and the CLI are unchanged.
package signin

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Config is the provider's settings: a YAML file (EDGE_OIDC_FILE) and the client secret from
// the environment (EDGE_OIDC_CLIENT_SECRET), so the file can be kept with the deployment.
type Config struct {
	// Provider is the name the console shows: "Sign in with {Provider}".
	Provider string `yaml:"provider"`
	// Issuer is the provider's issuer URL; its discovery document is at
	// {Issuer}/.well-known/openid-configuration.
	Issuer       string `yaml:"issuer"`
	ClientID     string `yaml:"client_id"`
	ClientSecret string `yaml:"-"`
	// RedirectURL is this edge's callback as the provider knows it:
	// {public origin}/admin/signin/callback. Its scheme decides the cookies: https gives
	// Secure __Host- cookies; http is allowed on a loopback host only.
	RedirectURL string `yaml:"redirect_url"`
	// Scopes are the OAuth scopes asked for; default openid, email, profile. Some providers
	// need one more for the groups claim (Keycloak's client scope, Okta's "groups").
	Scopes []string `yaml:"scopes"`
	// Claim names the ID token claim whose values Grants map (groups, roles); a string or an
	// array of strings.
	Claim  string  `yaml:"claim"`
	Grants []Grant `yaml:"grants"`
	// Idle and Max end a session after that long unused, and that long after sign-in.
	Idle time.Duration `yaml:"idle"`
	Max  time.Duration `yaml:"max"`
	// HTTPClient reaches the provider (discovery, keys, token endpoint); nil: a client with a
	// 10 s timeout.
	HTTPClient *http.Client `yaml:"-"`
}

// Grant gives the people whose claim holds Value the scopes listed, limited to Partners when
// it names any.
type Grant struct {
	Value    string   `yaml:"value"`
	Scopes   []string `yaml:"scopes"`
	Partners []string `yaml:"partners,omitempty"`
}

// Defaults of a session's life.
const (
	DefaultIdle = 30 * time.Minute
	DefaultMax  = 12 * time.Hour
)

// Load reads the provider's settings from path; secret is the client secret. validScope says
// whether a scope name is one operators' grants may list (auth.ValidateScopes).
func Load(path, secret string, validScopes func([]string) error) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.ClientSecret = secret
	if err := c.Validate(validScopes); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// Validate checks the settings and fills the defaults.
func (c *Config) Validate(validScopes func([]string) error) error {
	switch {
	case c.Provider == "":
		return errors.New("provider: name the provider, as the console shows it (\"Sign in with ...\")")
	case c.ClientID == "":
		return errors.New("client_id: the client id the provider gave this edge")
	case c.ClientSecret == "":
		return errors.New("the client secret is unset: set EDGE_OIDC_CLIENT_SECRET")
	case c.Claim == "":
		return errors.New("claim: name the claim whose values grant scopes (such as groups or roles)")
	case len(c.Grants) == 0:
		return errors.New("grants: map at least one value of the claim to scopes")
	}
	if _, ok := httpsURL(c.Issuer); !ok {
		return fmt.Errorf("issuer %q: want an https URL (http only on a loopback host)", c.Issuer)
	}
	u, ok := httpsURL(c.RedirectURL)
	if !ok {
		return fmt.Errorf("redirect_url %q: want this edge's https URL (http only on a loopback host)", c.RedirectURL)
	}
	if u.Path != CallbackPath {
		return fmt.Errorf("redirect_url %q: its path must be %s", c.RedirectURL, CallbackPath)
	}
	if len(c.Scopes) == 0 {
		c.Scopes = []string{"openid", "email", "profile"}
	} else if !slices.Contains(c.Scopes, "openid") {
		c.Scopes = append([]string{"openid"}, c.Scopes...)
	}
	for i, g := range c.Grants {
		if g.Value == "" {
			return fmt.Errorf("grants[%d]: value is empty", i)
		}
		if err := validScopes(g.Scopes); err != nil {
			return fmt.Errorf("grants[%d] (%s): %w", i, g.Value, err)
		}
		for _, p := range g.Partners {
			if p == "" || strings.TrimSpace(p) != p {
				return fmt.Errorf("grants[%d] (%s): partner %q is not a partner id", i, g.Value, p)
			}
		}
	}
	if c.Idle == 0 {
		c.Idle = DefaultIdle
	}
	if c.Max == 0 {
		c.Max = DefaultMax
	}
	if c.Idle < time.Minute || c.Max < c.Idle {
		return fmt.Errorf("idle %s and max %s: want idle of at least a minute and max at least idle", c.Idle, c.Max)
	}
	return nil
}

// Secure reports whether the edge is reached over https (its redirect URL): the cookies are
// then Secure with the __Host- prefix; on a loopback http address (a developer's machine, the
// tests) they cannot be.
func (c *Config) Secure() bool { return strings.HasPrefix(c.RedirectURL, "https:") }

// httpsURL parses s as an absolute https URL, or an http one on a loopback host.
func httpsURL(s string) (*url.URL, bool) {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return nil, false
	}
	return u, u.Scheme == "https" || (u.Scheme == "http" && loopback(u.Hostname()))
}

func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// grantOf maps the claim's values to one grant. Grants for every partner outrank
// partner-limited ones: their scopes together, for every partner. Without one, the matching
// limited grants give the scopes they all share, for the partners any of them names, so a
// person in two limited groups never gets one group's scope for the other group's partner.
// ok is false when no value matches, or the limited grants share no scope.
func (c *Config) grantOf(values []string) (scopes, partners []string, ok bool) {
	var all, limited []Grant
	for _, g := range c.Grants {
		if slices.Contains(values, g.Value) {
			if len(g.Partners) == 0 {
				all = append(all, g)
			} else {
				limited = append(limited, g)
			}
		}
	}
	if len(all) > 0 {
		for _, g := range all {
			scopes = union(scopes, g.Scopes)
		}
		return scopes, nil, true
	}
	for i, g := range limited {
		if i == 0 {
			scopes = slices.Clone(g.Scopes)
		} else {
			scopes = slices.DeleteFunc(scopes, func(s string) bool { return !slices.Contains(g.Scopes, s) })
		}
		partners = union(partners, g.Partners)
	}
	return scopes, partners, len(scopes) > 0
}

func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}

// claimValues reads a claim that is a string or an array of strings.
func claimValues(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
