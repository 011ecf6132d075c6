package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback/keycheck"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/snippets"
	usagestore "github.com/signpost/edge/usage"
)

// serve runs `edge serve`: ParseFlags, Validate, Run, then Close once a signal (SIGINT,
// SIGTERM) or the server's failure ends it.
func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	m := NewMain(getenv, stdout, stderr)
	if err := m.ParseFlags(args); err != nil {
		reportTo(stderr, err)
		return exitStatus(err)
	}
	if err := m.Validate(); err != nil {
		reportTo(stderr, err)
		return exitStatus(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx); err != nil {
		reportTo(stderr, err)
		m.Close()
		return exitStatus(err)
	}
	failed := m.Wait(ctx)
	if err := m.Close(); err != nil || failed != nil {
		return 1
	}
	return 0
}

// Main is one serving edge: its settings (Config), then what Validate read from them, then
// what Run opened, which Close closes in the reverse order, the Redis client last.
type Main struct {
	Config Config

	getenv         func(string) string
	stdout, stderr io.Writer

	// Validate's.
	log    *slog.Logger
	server server.Config

	// Run's.
	rdb        redis.UniversalClient // Redis mode: shared by every store below
	feedback   *intake
	content    contentstore.Store
	usage      usagestore.Store
	audit      auditlog.Log
	formTokens *spent.Redis    // Redis mode
	keys       *keycheck.Check // Redis mode: do the edges sharing Redis have one IP hash key?
	srv        *server.Server
	served     chan error // Serve's return
	stopLoops  context.CancelFunc
	loops      sync.WaitGroup // content watch, follow-up purge
}

// NewMain returns a Main reading its environment through getenv and writing to stdout (what
// a person reads: where to browse) and stderr (the JSON log).
func NewMain(getenv func(string) string, stdout, stderr io.Writer) *Main {
	return &Main{getenv: getenv, stdout: stdout, stderr: stderr}
}

// Run opens what the settings name (data dir, Redis client, content, feedback, usage counts
// and form-token stores), builds the server and starts serving in the background, with the
// content watch and the follow-up purge, until Close.
func (m *Main) Run(ctx context.Context) error {
	c := &m.Config
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	seed, seedSrc, seedFrom, err := loadContent(c.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		return fmt.Errorf("%s: %w", seedFrom, err)
	}
	for _, w := range seed.Warnings {
		m.log.Warn("content needs attention", "field", w.Path, "problem", w.Message)
	}
	if c.RedisURL != "" {
		// go-redis logs every failed dial; the edge logs Redis outages itself, throttled.
		redis.SetLogger(redisLogger{m.log})
		if m.rdb, err = newRedisClient(c.RedisURL, c.RedisSentinelMaster); err != nil {
			return err
		}
		go warnIfVolatile(m.rdb, m.log)
	}
	if m.feedback, err = openIntake(intakeOptions{dataDir: c.DataDir, rdb: m.rdb, ipRate: c.FeedbackRate,
		partnerRate: c.PartnerRate, ipHashKey: c.IPHashKey, log: m.log}); err != nil {
		return fmt.Errorf("feedback: %w", err)
	}
	if m.rdb != nil {
		m.keys = keycheck.New(m.rdb, m.feedback.fingerprint, keycheck.Options{Prefix: c.RedisPrefix, Logger: m.log})
		// Once before serving, so that the first /readyz knows; Redis away is not fatal here.
		bctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, _ = m.keys.Beat(bctx)
		cancel()
	}
	// The store validates every version with the server's parser, so that a version published
	// through this edge is parsed once.
	parser := server.NewParser(time.Now)
	st, content, from, err := openContentStore(ctx, c.DataDir, m.rdb, c.RedisPrefix, seedSrc, seed, parser, m.log)
	if err != nil {
		return fmt.Errorf("content store: %w", err)
	}
	m.content = st
	// Opened after the content store, whose lock on the data dir covers the file.
	if m.audit, err = openAuditLog(c.DataDir, m.rdb, c.RedisPrefix); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	if m.usage, err = openUsage(c.DataDir, m.rdb, c.RedisPrefix, m.log); err != nil {
		return fmt.Errorf("usage counts: %w", err)
	}
	cfg := m.server
	cfg.Feedback, cfg.RateLimits, cfg.IPHasher = m.feedback.store, m.feedback.limits, m.feedback.hasher
	cfg.Health, cfg.Spool, cfg.Warnings = m.health, m.feedback.spool, m.warnings
	cfg.ContentStore, cfg.Parser, cfg.Usage, cfg.FormTokens = st, parser, m.usage, m.openFormTokens()
	cfg.AuditLog = m.audit
	if cfg.SignIn != nil {
		if cfg.Sessions, err = openSessions(c.DataDir, m.rdb, c.RedisPrefix, cfg.SignIn); err != nil {
			return fmt.Errorf("sessions: %w", err)
		}
	}
	if m.srv, err = server.New(cfg, content); err != nil {
		return err
	}
	// A partner-limited token naming a partner the content lacks sees nothing of it: most likely
	// a typo in the tokens file (the content may gain the partner later, so it is not refused).
	for _, o := range cfg.Operators {
		for _, p := range o.Partners {
			if content.Partners[p] == nil {
				m.log.Warn("an operator token is limited to a partner the content does not have", "token", o.Name, "partner", p)
			}
		}
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	m.startLoops(ctx)
	m.announce(ln.Addr(), from, seedFrom, content.Version)
	m.served = make(chan error, 1)
	go func() { m.served <- m.srv.Serve(ln) }()
	return nil
}

// openFormTokens opens where the no-JavaScript form's spent tokens are kept: in Redis, shared by
// every edge (this edge's memory while Redis is away), else in this edge's memory.
func (m *Main) openFormTokens() spent.Store {
	if m.rdb == nil {
		return spent.NewMemory(0, m.log)
	}
	m.formTokens = spent.OpenRedis(m.rdb, m.Config.RedisPrefix, spent.Options{Logger: m.log})
	return m.formTokens
}

// startLoops applies the store's current content, then watches it, and purges follow-ups past
// retention, until Close (or ctx) stops them.
func (m *Main) startLoops(ctx context.Context) {
	ctx, m.stopLoops = context.WithCancel(ctx)
	if err := m.srv.ApplyCurrent(ctx); err != nil {
		m.log.Warn("published content not applied at startup; serving what was loaded", "err", err)
	}
	m.loops.Add(2)
	go func() { defer m.loops.Done(); m.srv.WatchContent(ctx) }()
	if m.keys != nil {
		m.loops.Add(1)
		go func() { defer m.loops.Done(); m.keys.Run(ctx) }()
	}
	go func() { defer m.loops.Done(); m.feedback.purgeFollowups(ctx, m.server.FollowupRetention, m.log) }()
}

// health names what is degraded, for /readyz: Redis unreachable, this edge's IP hash key
// differing from the other edges', then the feedback store's troubles.
func (m *Main) health(ctx context.Context) []string {
	var d []string
	if m.rdb != nil {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		if err := m.rdb.Ping(ctx).Err(); err != nil {
			d = append(d, "redis: "+err.Error())
		}
		if p := m.keys.Problem(); p != "" {
			d = append(d, p)
		}
	}
	return append(d, m.feedback.degraded()...)
}

// warnings are the codes of what an operator must fix that does not stop this edge serving
// (server.Config.Warnings): the edges sharing Redis disagreeing on the IP hash key.
func (m *Main) warnings() []string {
	if m.keys == nil {
		return nil
	}
	return m.keys.Warnings()
}

// Wait serves until ctx ends (nil) or the server fails (its error, logged).
func (m *Main) Wait(ctx context.Context) error {
	select {
	case err := <-m.served:
		m.log.Error("server stopped", "err", err)
		return err
	case <-ctx.Done():
		return nil
	}
}

// Close drains the requests in flight (for at most Config.ShutdownTimeout), stops the loops,
// then closes what Run opened in the reverse order: the form tokens, the IP hash key's
// fingerprint (withdrawn), the usage counts (their last counts flushed), the audit log, the
// content store, the feedback store, and last the Redis client they all used. It returns the
// error of draining, if it did not finish.
func (m *Main) Close() error {
	var err error
	if m.served != nil {
		m.log.Info("shutting down: draining requests in flight", "timeout", m.Config.ShutdownTimeout.String())
		sctx, cancel := context.WithTimeout(context.Background(), m.Config.ShutdownTimeout)
		if err = m.srv.Shutdown(sctx); err != nil {
			m.log.Error("shutdown did not finish draining", "err", err)
		}
		cancel()
	}
	if m.stopLoops != nil {
		m.stopLoops()
		m.loops.Wait()
	}
	if m.formTokens != nil {
		m.formTokens.Close()
	}
	if m.keys != nil {
		// The others stop counting this edge's key at once (a restart with a new key).
		kctx, cancel := context.WithTimeout(context.Background(), time.Second)
		if err := m.keys.Close(kctx); err != nil {
			m.log.Warn("ip hash key fingerprint not withdrawn; the others forget it within a minute", "err", err)
		}
		cancel()
	}
	if m.usage != nil {
		if err := m.usage.Close(); err != nil {
			m.log.Error("usage counts not flushed at shutdown", "err", err)
		}
	}
	if m.audit != nil {
		m.audit.Close()
	}
	if m.content != nil {
		m.content.Close()
	}
	if m.feedback != nil {
		m.feedback.Close()
	}
	if m.rdb != nil {
		m.rdb.Close()
	}
	if m.served != nil && err == nil {
		m.log.Info("stopped")
	}
	return err
}

// announce logs the settings served with and tells the person who started the edge where to
// browse.
func (m *Main) announce(addr net.Addr, from, seedFrom, contentVersion string) {
	cfg, srv := &m.server, m.srv
	if cfg.LocationHeader != nil && len(cfg.TrustedProxies) == 0 {
		m.log.Warn("EDGE_LOCATION_HEADER is set but EDGE_TRUSTED_PROXIES is empty: no proxy is trusted, so the location header is never read")
	}
	m.log.Info("serving", "addr", addr.String(), "content", from, "seed", seedFrom, "content_version", contentVersion,
		"widget", srv.WidgetPath(), "mode", cfg.Mode, "location_header", locationSetting(cfg.LocationHeader, cfg.TrustedProxies),
		"public_origin", originSetting(cfg.PublicOrigin), "version", version)
	base := browseURL(addr)
	fmt.Fprintf(m.stdout, "Signpost edge is running: open %s\n", base)
	fmt.Fprintf(m.stdout, "  partner embed builder: %sembed\n", base)
	fmt.Fprintf(m.stdout, "  without JavaScript: %sv1/frame/demo (framable page), %sv1/banner/demo.html (banner for server-side includes)\n", base, base)
	if cfg.AdminToken == "" && len(cfg.Operators) == 0 {
		fmt.Fprintf(m.stdout, "  operator console: %sadmin/ (no operator token is set: start with EDGE_ADMIN_TOKEN=<16+ characters> to sign in)\n", base)
	} else {
		fmt.Fprintf(m.stdout, "  operator console: %sadmin/, feedback dashboard: %sadmin/feedback (sign in with an operator token)\n", base, base)
	}
}

// locationSetting says, for the startup log, which location headers place visitors: none, the
// headers read, or why the one configured is not read.
func locationSetting(l *edition.Locator, proxies clientaddr.Proxies) string {
	switch {
	case l == nil:
		return "none"
	case len(proxies) == 0:
		return "ignored (" + l.Name() + "): no trusted proxies"
	}
	return l.Vary() + ", from trusted proxies"
}

// originSetting says, for the startup log, what the banner fragment's links name.
func originSetting(origin string) string {
	if origin == "" {
		return "each request's Host (EDGE_PUBLIC_ORIGIN unset)"
	}
	return origin
}

// openUsage opens the usage counters of the mode: a JSON file under the data dir, or hashes in
// Redis under the content store's prefix, shared by every edge.
func openUsage(dataDir string, rdb redis.UniversalClient, prefix string, log *slog.Logger) (usagestore.Store, error) {
	if rdb != nil {
		return usagestore.OpenRedis(rdb, prefix, usagestore.Options{Logger: log}), nil
	}
	return usagestore.OpenFile(filepath.Join(dataDir, usagestore.FileName), usagestore.Options{Logger: log})
}

// browseURL is the address to open in a browser for a listener ("[::]:8080" -> localhost).
func browseURL(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return "http://" + a.String() + "/"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port) + "/"
}
