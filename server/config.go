package server

import (
	"context"
	"crypto/rand"
	"errors"
	"log/slog"
	"time"

	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/origin"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/signin"
	"github.com/signpost/edge/session"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
)

// Config holds the edge's tunables; zero values take the defaults below. Validate checks it
// and fills the defaults, once: New trusts a validated Config.
type Config struct {
	Logger *slog.Logger
	// Now is the clock, replaceable in tests (resource date windows depend on it).
	Now          func() time.Time
	ReadTimeout  time.Duration
	WriteTimeout time.Duration
	IdleTimeout  time.Duration
	// MaxBodySize bounds every request body; larger bodies get 413.
	MaxBodySize int
	// Mode names the storage mode for /readyz ("embedded").
	Mode string
	// CrisisPhrases flags feedback comments that read like a crisis; the widget gets the same
	// list. Default: configs/crisis-phrases.txt.
	CrisisPhrases *snippets.CrisisPhrases
	// TimeZones maps time zones to regions (a country, or a subdivision where the zone lies in
	// only one) for the widget's region guess. Default:
	// configs/timezones.tsv.
	TimeZones snippets.TimeZones
	// Feedback stores submissions (logstore in embedded mode, redisstore in Redis mode); nil
	// answers POST /v1/feedback with 503.
	Feedback feedback.Store
	// RateLimits limits feedback per client and per partner. Default: ratelimit's defaults
	// counted in memory.
	RateLimits *ratelimit.Limiter
	// TrustedProxies may name the client in X-Forwarded-For; empty trusts none.
	TrustedProxies clientaddr.Proxies
	// PublicOrigin is the edge's origin as visitors reach it (EDGE_PUBLIC_ORIGIN, such as
	// https://signpost.example.org): every absolute link the banner fragment writes, and the
	// code the embed builder writes, names it, whatever Host a request sent; the fragment is
	// then one cached, compressed answer per partner, locale and region. Empty: they name the
	// edge as each request reached it (origin.Of), and the fragment varies on Host. New
	// refuses a value that is not an origin (origin.ParsePublic).
	PublicOrigin string
	// LocationHeader is a CDN's location header (EDGE_LOCATION_HEADER): it places a visitor whose
	// request names no region, read only from a TCP peer in TrustedProxies (with none, never).
	// nil reads none.
	LocationHeader *edition.Locator
	// IPHasher keys the client-address hash stored with each record. Default: a random key,
	// which is only right for tests (hashes then differ after a restart).
	IPHasher *feedback.IPHasher
	// Operators are named operator tokens (a tokens file); with AdminToken (named "admin") they
	// guard /v1/admin/. Names go into the audit log.
	Operators []auth.Operator
	// ContentStore keeps the versioned content operators change through the admin API; nil
	// serves the content given to New only, and admin content writes answer 503.
	ContentStore contentstore.Store
	// AuditLog records operators' changes, reviews and exports (auditlog.OpenFile under the
	// data dir in embedded mode, auditlog.OpenRedis in Redis mode); nil logs them instead, and
	// no export waits on it.
	AuditLog auditlog.Log
	// DataDir receives the last-known-good content snapshot (served when Redis is down at
	// startup); empty keeps none.
	DataDir string
	// AdminToken guards /v1/admin/ and lets servers post feedback without Origin; empty
	// disables both.
	AdminToken string
	// SignIn is the organisation's OpenID Connect provider (EDGE_OIDC_FILE): people sign in to
	// the console through it and hold a session in Sessions. nil: tokens only.
	SignIn   *signin.Config
	Sessions *session.Store
	// FollowupRetention bounds which follow-ups the admin API lists (default 200 days).
	FollowupRetention time.Duration
	// Health names degraded dependencies for /readyz (Redis in Redis mode); nil: none.
	Health func(context.Context) []string
	// Warnings are the codes (words warning.<code>) of what an operator must fix that does not
	// keep this edge from serving: /readyz lists them beside a 200, the console shows them, and
	// /metrics counts them (signpost_warning{code}); nil: none.
	Warnings func() []string
	// Spool reports a Redis-mode store's spool counters for /metrics; nil: zeros.
	Spool func() SpoolStats
	// FormTokens remembers the no-JavaScript form's tokens already taken, each taken once
	// (spent.OpenRedis in Redis mode, shared by every edge). Default: this edge's memory.
	FormTokens spent.Store
	// Usage keeps the cookie-free usage counts of POST /v1/beacon (usage.OpenFile under the
	// data dir in embedded mode, usage.OpenRedis in Redis mode). Default: in memory only. The
	// caller closes it after Shutdown, which flushes it.
	Usage usage.Store
	// Parser parses content for this edge: the content store's validation and the edge's swaps
	// share it, so that a version published here is parsed once (NewParser). Default: a parser
	// of its own, which then parses what the store already validated again.
	Parser *Parser

	// validated: Validate has run (New trusts the config then); wallClock: Now was left to the
	// wall clock.
	validated, wallClock bool
}

// Defaults for Config.
const (
	DefaultReadTimeout  = 10 * time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultIdleTimeout  = 60 * time.Second
	// DefaultMaxBodySize admits a whole content bundle (PUT /v1/admin/content); smaller
	// routes check their own limits (feedback: 16 KiB, admin JSON edits: 64 KiB).
	DefaultMaxBodySize = 1 << 20
)

// MinAdminToken is the shortest admin token Validate accepts: long enough not to be guessed.
const MinAdminToken = 16

// ConfigError is a setting Validate refuses. Field is the Config field (a stable code);
// Setting, when not empty, the name an operator sets it by (its environment variable), which
// the message starts with.
type ConfigError struct {
	Field   string
	Setting string
	Err     error
}

func (e *ConfigError) Error() string {
	if e.Setting == "" {
		return e.Err.Error()
	}
	return e.Setting + ": " + e.Err.Error()
}

func (e *ConfigError) Unwrap() error { return e.Err }

// Validate checks c by every rule the edge has for its settings and fills in the defaults of
// the settings left zero, once: a validated Config is left as it is by later calls, and New
// does not check it again (it only gives the dependencies left nil their in-memory stand-ins).
// It fails with a *ConfigError naming the first setting refused.
func (c *Config) Validate() error {
	if c.validated {
		return nil
	}
	if err := c.check(); err != nil {
		return err
	}
	if err := c.defaults(); err != nil {
		return err
	}
	c.validated = true
	return nil
}

// check applies the rules; a zero value always passes (its default is filled in later).
func (c *Config) check() error {
	for _, d := range []struct {
		field string
		v     time.Duration
	}{{"ReadTimeout", c.ReadTimeout}, {"WriteTimeout", c.WriteTimeout}, {"IdleTimeout", c.IdleTimeout}} {
		if d.v < 0 {
			return &ConfigError{Field: d.field, Err: errors.New("must not be negative")}
		}
	}
	if c.MaxBodySize < 0 {
		return &ConfigError{Field: "MaxBodySize", Err: errors.New("must not be negative")}
	}
	origin, err := origin.ParsePublic(c.PublicOrigin)
	if err != nil {
		return &ConfigError{Field: "PublicOrigin", Setting: "EDGE_PUBLIC_ORIGIN", Err: err}
	}
	c.PublicOrigin = origin
	if c.AdminToken != "" && len(c.AdminToken) < MinAdminToken {
		return &ConfigError{Field: "AdminToken", Err: errors.New("the admin token must be at least 16 characters")}
	}
	if c.FollowupRetention < 0 {
		return &ConfigError{Field: "FollowupRetention", Setting: "EDGE_FOLLOWUP_RETENTION", Err: errors.New("must not be negative")}
	}
	return nil
}

// defaults fills in the settings left zero.
func (c *Config) defaults() error {
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.wallClock = c.Now == nil
	if c.wallClock {
		c.Now = time.Now
	}
	if c.ReadTimeout == 0 {
		c.ReadTimeout = DefaultReadTimeout
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxBodySize == 0 {
		c.MaxBodySize = DefaultMaxBodySize
	}
	if c.Mode == "" {
		c.Mode = "embedded"
	}
	if c.FollowupRetention == 0 {
		c.FollowupRetention = feedback.DefaultFollowupRetention
	}
	var err error
	if c.CrisisPhrases == nil {
		if c.CrisisPhrases, err = snippets.ParseCrisisPhrases(configs.CrisisPhrases); err != nil {
			return err
		}
	}
	if c.TimeZones == nil {
		c.TimeZones = snippets.ShippedTimeZones()
	}
	return nil
}

// dependencies gives what New needs and was not given its in-memory stand-in: usage counts in
// memory, rate limits counted in memory, a random client-address key, a parser of its own.
// cmd/edge gives them all; tests leave most to this.
func (c *Config) dependencies() error {
	if c.SignIn != nil && c.Sessions == nil {
		return &ConfigError{Field: "Sessions", Err: errors.New("sign-in with a provider needs a session store")}
	}
	if c.Usage == nil {
		c.Usage = usage.NewMemory()
	}
	if c.Parser == nil {
		c.Parser = NewParser(c.Now)
	}
	var err error
	if c.RateLimits == nil {
		if c.RateLimits, err = ratelimit.New(ratelimit.Config{Logger: c.Logger}); err != nil {
			return err
		}
	}
	if c.IPHasher == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return err
		}
		if c.IPHasher, err = feedback.NewIPHasher(key); err != nil {
			return err
		}
	}
	return nil
}
