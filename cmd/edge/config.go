package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/signin"
)

// Config is what `edge serve` is told: each flag, or else its EDGE_* environment variable
// (docs/operators.md), as written. Main.Validate checks it and turns it into the server's
// Config.
type Config struct {
	Addr, Content, DataDir string
	// RedisURL empty runs embedded; RedisSentinelMaster names the master Sentinel watches
	// (EDGE_REDIS_SENTINEL_MASTER, no flag); RedisPrefix prefixes the shared keys.
	RedisURL, RedisSentinelMaster, RedisPrefix string
	LogLevel                                   string
	ShutdownTimeout                            time.Duration
	// FeedbackRate and PartnerRate are limiter rates, <n>-<S|M|H|D>.
	FeedbackRate, PartnerRate string
	// TrustedProxies are CIDRs; LocationHeader a CDN's location header; PublicOrigin the
	// edge's origin as visitors reach it.
	TrustedProxies, LocationHeader, PublicOrigin string
	// AdminTokensFile is the YAML file of named operator tokens; AdminTokenFile a file holding
	// the operator token, which AdminToken (EDGE_ADMIN_TOKEN, no flag) gives directly.
	AdminTokensFile, AdminTokenFile, AdminToken string
	// FollowupRetention is a duration or days ("200d").
	FollowupRetention string
	// IPHashKey keys the client-address hash (EDGE_IP_HASH_KEY, no flag); empty: a key kept
	// in the data dir.
	IPHashKey string
	// OIDCFile is the organisation's OpenID Connect provider (server/signin's YAML);
	// OIDCClientSecret its client secret (EDGE_OIDC_CLIENT_SECRET, no flag). Empty: tokens only.
	OIDCFile, OIDCClientSecret string
}

// usageError is a command line or setting that cannot be understood: exit status 2 (exitUsage);
// any other error of serve is 1.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// errReported is a command-line error the flag package has already printed.
var errReported = usageError{errors.New("reported")}

// exitStatus is the exit status of serve's error err.
func exitStatus(err error) int {
	if errors.As(err, new(usageError)) {
		return exitUsage
	}
	return 1
}

// ParseFlags reads the environment (through getenv) and then args into m.Config.
func (m *Main) ParseFlags(args []string) error {
	getenv, c := m.getenv, &m.Config
	c.RedisSentinelMaster = getenv("EDGE_REDIS_SENTINEL_MASTER")
	c.AdminToken = getenv("EDGE_ADMIN_TOKEN")
	c.IPHashKey = getenv("EDGE_IP_HASH_KEY")
	c.OIDCClientSecret = getenv("EDGE_OIDC_CLIENT_SECRET")
	drain, err := envDuration(getenv, "EDGE_SHUTDOWN_TIMEOUT", 15*time.Second)
	if err != nil {
		return usageError{err}
	}
	fs := flag.NewFlagSet("edge serve", flag.ContinueOnError)
	fs.SetOutput(m.stderr)
	fs.StringVar(&c.Addr, "addr", envString(getenv, "EDGE_ADDR", ":8080"), "listen address (EDGE_ADDR)")
	fs.StringVar(&c.Content, "content", envString(getenv, "EDGE_CONTENT", defaultContent), "content file (EDGE_CONTENT)")
	fs.StringVar(&c.DataDir, "data-dir", envString(getenv, "EDGE_DATA_DIR", "./data"), "directory for state kept on disk (EDGE_DATA_DIR)")
	fs.StringVar(&c.RedisURL, "redis-url", getenv("EDGE_REDIS_URL"), "Redis URL; empty runs embedded (EDGE_REDIS_URL)")
	fs.StringVar(&c.LogLevel, "log-level", envString(getenv, "EDGE_LOG_LEVEL", "info"), "debug, info, warn or error (EDGE_LOG_LEVEL)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", drain, "how long to drain requests on SIGINT/SIGTERM (EDGE_SHUTDOWN_TIMEOUT)")
	fs.StringVar(&c.FeedbackRate, "feedback-rate", envString(getenv, "EDGE_FEEDBACK_RATE", ratelimit.DefaultIPRate), "feedback per client address, limiter format <n>-<S|M|H|D> (EDGE_FEEDBACK_RATE)")
	fs.StringVar(&c.PartnerRate, "partner-rate", envString(getenv, "EDGE_PARTNER_RATE", ratelimit.DefaultPartnerRate), "feedback per partner, same format (EDGE_PARTNER_RATE)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", getenv("EDGE_TRUSTED_PROXIES"), "CIDRs of proxies whose X-Forwarded-For is believed; empty trusts none (EDGE_TRUSTED_PROXIES)")
	fs.StringVar(&c.LocationHeader, "location-header", getenv("EDGE_LOCATION_HEADER"), "request header in which a CDN says where the visitor is, read from trusted proxies only: CloudFront-Viewer-Country-Region, CF-Region-Code, X-Akamai-Edgescape, or one holding an ISO 3166 code; empty reads none (EDGE_LOCATION_HEADER)")
	fs.StringVar(&c.PublicOrigin, "public-origin", getenv("EDGE_PUBLIC_ORIGIN"), "the edge's origin as visitors reach it, such as https://signpost.example.org: the banner fragment's links and the embed builder's code name it whatever Host a request sends; empty names the request's own Host (EDGE_PUBLIC_ORIGIN)")
	fs.StringVar(&c.AdminTokensFile, "admin-tokens", getenv("EDGE_ADMIN_TOKENS_FILE"), "YAML file of named operator tokens: tokens: [{name, token, scopes}] (EDGE_ADMIN_TOKENS_FILE)")
	fs.StringVar(&c.RedisPrefix, "redis-prefix", envString(getenv, "EDGE_REDIS_PREFIX", "signpost:"), "prefix of the content store's Redis keys (EDGE_REDIS_PREFIX)")
	fs.StringVar(&c.AdminTokenFile, "admin-token-file", getenv("EDGE_ADMIN_TOKEN_FILE"), "file holding the operator token; EDGE_ADMIN_TOKEN gives it directly (EDGE_ADMIN_TOKEN_FILE)")
	fs.StringVar(&c.FollowupRetention, "followup-retention", envString(getenv, "EDGE_FOLLOWUP_RETENTION", "200d"), "how long follow-up emails are kept, e.g. 200d (EDGE_FOLLOWUP_RETENTION)")
	fs.StringVar(&c.OIDCFile, "oidc-file", getenv("EDGE_OIDC_FILE"), "YAML file of the organisation's OpenID Connect provider, for people's sign-in to the console; the client secret is EDGE_OIDC_CLIENT_SECRET; empty: tokens only (EDGE_OIDC_FILE)")
	if err := fs.Parse(args); err != nil {
		return errReported
	}
	if fs.NArg() > 0 {
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// Validate checks every setting of m.Config, in one place: what is written as text is read
// into the server's Config (m.server), whose own rules (server.Config.Validate) are checked
// last. It opens nothing but the admin token and tokens files.
func (m *Main) Validate() error {
	c := &m.Config
	var err error
	if m.log, err = newLogger(m.stderr, c.LogLevel); err != nil {
		return usageError{err}
	}
	proxies, err := clientaddr.ParseProxies(c.TrustedProxies)
	if err != nil {
		return usageError{err}
	}
	locator, err := edition.ParseLocator(c.LocationHeader)
	if err != nil {
		return usageErrorf("EDGE_LOCATION_HEADER: %w", err)
	}
	retention, err := parseRetention(c.FollowupRetention)
	if err != nil {
		return usageErrorf("EDGE_FOLLOWUP_RETENTION: %w", err)
	}
	for _, r := range []string{c.FeedbackRate, c.PartnerRate} {
		if _, err := ratelimit.ParseRate(r); err != nil {
			return usageErrorf("rate: %w", err)
		}
	}
	adminToken := c.AdminToken
	if c.AdminTokenFile != "" {
		b, err := os.ReadFile(c.AdminTokenFile)
		if err != nil {
			return fmt.Errorf("admin token: %w", err)
		}
		adminToken = strings.TrimSpace(string(b))
	}
	operators, err := loadOperators(c.AdminTokensFile)
	if err != nil {
		return usageErrorf("admin tokens: %w", err)
	}
	mode := "embedded"
	if c.RedisURL != "" {
		mode = "redis"
	}
	var oidc *signin.Config
	if c.OIDCFile != "" {
		if oidc, err = signin.Load(c.OIDCFile, c.OIDCClientSecret, auth.ValidateScopes); err != nil {
			return usageErrorf("EDGE_OIDC_FILE: %w", err)
		}
	}
	m.server = server.Config{Logger: m.log, Mode: mode, TrustedProxies: proxies, LocationHeader: locator, PublicOrigin: c.PublicOrigin,
		AdminToken: adminToken, Operators: operators, FollowupRetention: retention, DataDir: c.DataDir, SignIn: oidc}
	if err := m.server.Validate(); err != nil {
		return usageError{err}
	}
	return nil
}

// envString returns the environment's value for key, else def: flags override both.
func envString(getenv func(string) string, key, def string) string {
	if v := getenv(key); v != "" {
		return v
	}
	return def
}

func envDuration(getenv func(string) string, key string, def time.Duration) (time.Duration, error) {
	v := getenv(key)
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", key, err)
	}
	return d, nil
}

// reportTo writes err as serve reports it, unless the flag package already did.
func reportTo(w io.Writer, err error) {
	if err != errReported {
		fmt.Fprintln(w, "edge serve:", err)
	}
}
