package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeValidate: each rule `edge serve` checks before it opens anything, with its message
// and exit status, through ParseFlags and Validate; then a command line that passes every rule.
func TestServeValidate(t *testing.T) {
	dir := t.TempDir()
	short, tokens, badTokens := filepath.Join(dir, "short"), filepath.Join(dir, "tokens.yaml"), filepath.Join(dir, "bad-tokens.yaml")
	badPartners := filepath.Join(dir, "bad-partners.yaml")
	oidc, badOIDC := filepath.Join(dir, "oidc.yaml"), filepath.Join(dir, "bad-oidc.yaml")
	const oidcFile = "provider: Keycloak\nissuer: https://id.example.org/realms/health\nclient_id: signpost\n" +
		"redirect_url: https://signpost.example.org/admin/signin/callback\nclaim: groups\ngrants:\n  - value: web\n    scopes: [content]\n"
	for name, body := range map[string]string{
		short:       "too-short\n",
		tokens:      "tokens:\n  - name: rita\n    token: rita-reads-feedback-0001\n    scopes: [feedback:read]\n    partners: [demo]\n",
		badTokens:   "tokens:\n  - name: rita\n    token: rita-reads-feedback-0001\n    scopes: [everything]\n",
		badPartners: "tokens:\n  - name: rita\n    token: rita-reads-feedback-0001\n    scopes: [feedback:read]\n    partners: []\n",
		oidc:        oidcFile,
		badOIDC:     strings.Replace(oidcFile, "[content]", "[everything]", 1),
	} {
		if err := os.WriteFile(name, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name string
		args []string
		vars map[string]string
		code int    // 0: valid
		msg  string // what stderr holds
	}{
		{"unknown flag", []string{"--no-such-flag"}, nil, 2, "no-such-flag"},
		{"unexpected argument", []string{"extra"}, nil, 2, `edge serve: unexpected argument "extra"`},
		{"shutdown timeout", nil, map[string]string{"EDGE_SHUTDOWN_TIMEOUT": "soon"}, 2, "edge serve: EDGE_SHUTDOWN_TIMEOUT: "},
		{"log level", []string{"--log-level", "loud"}, nil, 2, `edge serve: log level "loud": want debug, info, warn or error`},
		{"trusted proxies", nil, map[string]string{"EDGE_TRUSTED_PROXIES": "10.0.0.0/33"}, 2, "edge serve: "},
		{"location header", nil, map[string]string{"EDGE_LOCATION_HEADER": "Signpost Region"}, 2, "edge serve: EDGE_LOCATION_HEADER: "},
		{"public origin", nil, map[string]string{"EDGE_PUBLIC_ORIGIN": "signpost.example.org"}, 2, "edge serve: EDGE_PUBLIC_ORIGIN: "},
		{"follow-up retention", []string{"--followup-retention", "0d"}, nil, 2, `edge serve: EDGE_FOLLOWUP_RETENTION: retention "0d"`},
		{"feedback rate", []string{"--feedback-rate", "lots"}, nil, 2, "edge serve: rate: "},
		{"partner rate", nil, map[string]string{"EDGE_PARTNER_RATE": "5-Y"}, 2, "edge serve: rate: "},
		{"admin token file missing", []string{"--admin-token-file", filepath.Join(dir, "none")}, nil, 1, "edge serve: admin token: "},
		{"admin token too short", nil, map[string]string{"EDGE_ADMIN_TOKEN": "short"}, 2, "edge serve: the admin token must be at least 16 characters"},
		{"admin token file too short", []string{"--admin-token-file", short}, nil, 2, "edge serve: the admin token must be at least 16 characters"},
		{"tokens file", []string{"--admin-tokens", badTokens}, nil, 2, "edge serve: admin tokens: " + badTokens + ": tokens[0].scopes: "},
		{"tokens file partners", []string{"--admin-tokens", badPartners}, nil, 2, "edge serve: admin tokens: " + badPartners + ": tokens[0].partners: "},
		{"oidc file missing", []string{"--oidc-file", filepath.Join(dir, "none")}, nil, 2, "edge serve: EDGE_OIDC_FILE: "},
		{"oidc without secret", []string{"--oidc-file", oidc}, nil, 2, "EDGE_OIDC_CLIENT_SECRET"},
		{"oidc grant scope", []string{"--oidc-file", badOIDC}, map[string]string{"EDGE_OIDC_CLIENT_SECRET": "s"}, 2, `unknown scope "everything"`},
		{"every rule passed", []string{"--oidc-file", oidc, "--admin-tokens", tokens, "--public-origin", "https://Signpost.example.org/", "--trusted-proxies", "10.0.0.0/8",
			"--location-header", "CF-Region-Code", "--followup-retention", "30d"},
			map[string]string{"EDGE_ADMIN_TOKEN": "sixteen-chars-xx", "EDGE_REDIS_URL": "redis://127.0.0.1:1/0", "EDGE_OIDC_CLIENT_SECRET": "s3cret"}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			m := NewMain(env(tc.vars), &stdout, &stderr)
			err := m.ParseFlags(tc.args)
			if err == nil {
				err = m.Validate()
			}
			if err != nil {
				reportTo(&stderr, err)
			}
			switch {
			case tc.code == 0 && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.code != 0 && err == nil:
				t.Fatalf("accepted, want exit %d with %q", tc.code, tc.msg)
			case err != nil && exitStatus(err) != tc.code:
				t.Errorf("exit %d, want %d (%v)", exitStatus(err), tc.code, err)
			}
			if !strings.Contains(stderr.String(), tc.msg) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.msg)
			}
			if tc.code != 0 {
				return
			}
			cfg := m.server
			if cfg.SignIn == nil || cfg.SignIn.ClientSecret != "s3cret" || !cfg.SignIn.Secure() {
				t.Errorf("sign-in settings: %+v", cfg.SignIn)
			}
			if cfg.Mode != "redis" || cfg.PublicOrigin != "https://signpost.example.org" || cfg.AdminToken != "sixteen-chars-xx" ||
				len(cfg.Operators) != 1 || len(cfg.Operators[0].Partners) != 1 || len(cfg.TrustedProxies) != 1 || cfg.LocationHeader == nil ||
				cfg.FollowupRetention != 30*24*time.Hour || m.Config.ShutdownTimeout != 15*time.Second {
				t.Errorf("server config: %+v", cfg)
			}
		})
	}
}
