// Command edge is the Signpost edge server and its operator tools.
//
//	edge [serve]      serve the widget, snippets and pages (the default)
//	edge check        validate a content file: exit 0 valid, 1 invalid
//	edge version      print the build version
//	edge healthcheck  probe a running edge's /healthz (for container HEALTHCHECK)
//	edge content      operators' CLI: pull, push, history, rollback, notices (admin API)
//	edge feedback     export feedback (export) or follow-up emails (followups)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/serving"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	usagestore "github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// defaultContent is the content path when none is given; when it does not exist the copy built
// into the binary is served, so the binary runs anywhere.
const defaultContent = "configs/content.yaml"

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// exitUsage is the exit status of a command line that cannot be understood.
const exitUsage = 2

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
	case "check":
		return check(args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "healthcheck":
		return healthcheck(args, getenv, stdout, stderr)
	case "feedback":
		return feedbackCmd(args, getenv, stdout, stderr)
	case "content":
		return contentCmd(args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "edge: unknown command %q\n", cmd)
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: edge [command] [flags]

commands:
  serve        serve the widget, snippets and pages (default)
  check        validate content: exit 0 valid, 1 invalid (every error listed)
  version      print the build version
  healthcheck  probe a running edge's /healthz: exit 0 healthy, 1 not
  content      pull|push FILE|history|rollback V|notice set|withdraw, against a running edge
  feedback     export [--format csv|jsonl] [--since RFC3339] [--partner ID]: stored feedback
               followups [--format csv|jsonl]: follow-up emails within the retention window

Run "edge COMMAND -h" for a command's flags. Every flag has an EDGE_* environment variable.
`)
}

func versionString() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + info.GoVersion
	}
	return "edge " + v
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

// loadContent reads and validates content from path; the default path falls back to the copy
// built into the binary when it does not exist.
func loadContent(path string, now time.Time) (*snippets.Loaded, []byte, string, error) {
	src, err := os.ReadFile(path)
	from := path
	if errors.Is(err, os.ErrNotExist) && path == defaultContent {
		src, from, err = configs.Content, "built-in "+defaultContent, nil
	}
	if err != nil {
		return nil, nil, from, err
	}
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: now})
	return l, src, from, err
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func serve(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", envString(getenv, "EDGE_ADDR", ":8080"), "listen address (EDGE_ADDR)")
	contentPath := fs.String("content", envString(getenv, "EDGE_CONTENT", defaultContent), "content file (EDGE_CONTENT)")
	dataDir := fs.String("data-dir", envString(getenv, "EDGE_DATA_DIR", "./data"), "directory for state kept on disk (EDGE_DATA_DIR)")
	redisURL := fs.String("redis-url", getenv("EDGE_REDIS_URL"), "Redis URL; empty runs embedded (EDGE_REDIS_URL)")
	logLevel := fs.String("log-level", envString(getenv, "EDGE_LOG_LEVEL", "info"), "debug, info, warn or error (EDGE_LOG_LEVEL)")
	drain, err := envDuration(getenv, "EDGE_SHUTDOWN_TIMEOUT", 15*time.Second)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve:", err)
		return exitUsage
	}
	fs.DurationVar(&drain, "shutdown-timeout", drain, "how long to drain requests on SIGINT/SIGTERM (EDGE_SHUTDOWN_TIMEOUT)")
	feedbackRate := fs.String("feedback-rate", envString(getenv, "EDGE_FEEDBACK_RATE", ratelimit.DefaultIPRate), "feedback per client address, limiter format <n>-<S|M|H|D> (EDGE_FEEDBACK_RATE)")
	partnerRate := fs.String("partner-rate", envString(getenv, "EDGE_PARTNER_RATE", ratelimit.DefaultPartnerRate), "feedback per partner, same format (EDGE_PARTNER_RATE)")
	trustedProxies := fs.String("trusted-proxies", getenv("EDGE_TRUSTED_PROXIES"), "CIDRs of proxies whose X-Forwarded-For is believed; empty trusts none (EDGE_TRUSTED_PROXIES)")
	locationHeader := fs.String("location-header", getenv("EDGE_LOCATION_HEADER"), "request header in which a CDN says where the visitor is, read from trusted proxies only: CloudFront-Viewer-Country-Region, CF-Region-Code, X-Akamai-Edgescape, or one holding an ISO 3166 code; empty reads none (EDGE_LOCATION_HEADER)")
	publicOrigin := fs.String("public-origin", getenv("EDGE_PUBLIC_ORIGIN"), "the edge's origin as visitors reach it, such as https://signpost.example.org: the banner fragment's links and the embed builder's code name it whatever Host a request sends; empty names the request's own Host (EDGE_PUBLIC_ORIGIN)")
	tokensFile := fs.String("admin-tokens", getenv("EDGE_ADMIN_TOKENS_FILE"), "YAML file of named operator tokens: tokens: [{name, token, scopes}] (EDGE_ADMIN_TOKENS_FILE)")
	redisPrefix := fs.String("redis-prefix", envString(getenv, "EDGE_REDIS_PREFIX", "signpost:"), "prefix of the content store's Redis keys (EDGE_REDIS_PREFIX)")
	adminTokenFile := fs.String("admin-token-file", getenv("EDGE_ADMIN_TOKEN_FILE"), "file holding the operator token; EDGE_ADMIN_TOKEN gives it directly (EDGE_ADMIN_TOKEN_FILE)")
	retention := fs.String("followup-retention", envString(getenv, "EDGE_FOLLOWUP_RETENTION", "200d"), "how long follow-up emails are kept, e.g. 200d (EDGE_FOLLOWUP_RETENTION)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "edge serve: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve:", err)
		return exitUsage
	}
	proxies, err := clientaddr.ParseProxies(*trustedProxies)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve:", err)
		return exitUsage
	}
	locator, err := serving.ParseLocator(*locationHeader)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: EDGE_LOCATION_HEADER:", err)
		return exitUsage
	}
	origin, err := web.ParsePublicOrigin(*publicOrigin)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: EDGE_PUBLIC_ORIGIN:", err)
		return exitUsage
	}
	followupRetention, err := parseRetention(*retention)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: EDGE_FOLLOWUP_RETENTION:", err)
		return exitUsage
	}
	for _, r := range []string{*feedbackRate, *partnerRate} {
		if _, err := ratelimit.ParseRate(r); err != nil {
			fmt.Fprintln(stderr, "edge serve: rate:", err)
			return exitUsage
		}
	}
	adminToken := getenv("EDGE_ADMIN_TOKEN")
	if *adminTokenFile != "" {
		b, err := os.ReadFile(*adminTokenFile)
		if err != nil {
			fmt.Fprintln(stderr, "edge serve: admin token:", err)
			return 1
		}
		adminToken = strings.TrimSpace(string(b))
	}
	if adminToken != "" && len(adminToken) < 16 {
		fmt.Fprintln(stderr, "edge serve: the admin token must be at least 16 characters")
		return exitUsage
	}
	if err := os.MkdirAll(*dataDir, 0o750); err != nil {
		fmt.Fprintln(stderr, "edge serve: data dir:", err)
		return 1
	}
	seed, seedSrc, seedFrom, err := loadContent(*contentPath, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "edge serve: %s: %v\n", seedFrom, err)
		return 1
	}
	operators, err := loadOperators(*tokensFile)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: admin tokens:", err)
		return exitUsage
	}
	for _, w := range seed.Warnings {
		log.Warn("content needs attention", "field", w.Path, "problem", w.Message)
	}
	in, err := openIntake(intakeOptions{dataDir: *dataDir, redisURL: *redisURL, sentinelMaster: getenv("EDGE_REDIS_SENTINEL_MASTER"), ipRate: *feedbackRate,
		partnerRate: *partnerRate, ipHashKey: getenv("EDGE_IP_HASH_KEY"), log: log})
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: feedback:", err)
		return 1
	}
	defer in.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	store, content, from, err := openContentStore(ctx, *dataDir, in.rdb, *redisPrefix, seedSrc, seed, log)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: content store:", err)
		return 1
	}
	defer store.Close()
	audit, err := openAuditLog(*dataDir, in.rdb, *redisPrefix)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: audit log:", err)
		return 1
	}
	defer audit.Close()
	counts, err := openUsage(*dataDir, in.rdb, *redisPrefix, log)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve: usage counts:", err)
		return 1
	}
	// Closed after the server has drained (deferred calls run after Shutdown): the last
	// counts are flushed to the file or Redis.
	defer func() {
		if err := counts.Close(); err != nil {
			log.Error("usage counts not flushed at shutdown", "err", err)
		}
	}()
	// The no-JavaScript form's spent tokens: shared in Redis by every edge (this edge's memory
	// while Redis is away), else in this edge's memory.
	var formTokens spent.Store = spent.NewMemory(0, log)
	if in.rdb != nil {
		rt := spent.OpenRedis(in.rdb, *redisPrefix, spent.Options{Logger: log})
		defer rt.Close()
		formTokens = rt
	}
	srv, err := server.New(server.Config{Logger: log, Mode: in.mode, Feedback: in.store, RateLimits: in.limits, FormTokens: formTokens,
		TrustedProxies: proxies, PublicOrigin: origin, LocationHeader: locator, IPHasher: in.hasher, AdminToken: adminToken, FollowupRetention: followupRetention,
		Health: in.health, Spool: in.spool, ContentStore: store, AuditLog: audit, DataDir: *dataDir, Operators: operators, Usage: counts}, content)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve:", err)
		return 1
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(stderr, "edge serve:", err)
		return 1
	}
	if err := srv.ApplyCurrent(ctx); err != nil {
		log.Warn("published content not applied at startup; serving what was loaded", "err", err)
	}
	go srv.WatchContent(ctx)
	go in.purgeFollowups(ctx, followupRetention, log)
	if locator != nil && len(proxies) == 0 {
		log.Warn("EDGE_LOCATION_HEADER is set but EDGE_TRUSTED_PROXIES is empty: no proxy is trusted, so the location header is never read")
	}
	log.Info("serving", "addr", ln.Addr().String(), "content", from, "seed", seedFrom, "content_version", content.Version,
		"widget", srv.WidgetPath(), "mode", in.mode, "location_header", locationSetting(locator, proxies), "public_origin", originSetting(origin), "version", version)
	base := browseURL(ln.Addr())
	fmt.Fprintf(stdout, "Signpost edge is running: open %s\n", base)
	fmt.Fprintf(stdout, "  partner embed builder: %sembed\n", base)
	fmt.Fprintf(stdout, "  without JavaScript: %sv1/frame/demo (framable page), %sv1/banner/demo.html (banner for server-side includes)\n", base, base)
	if adminToken == "" && len(operators) == 0 {
		fmt.Fprintf(stdout, "  operator console: %sadmin/ (no operator token is set: start with EDGE_ADMIN_TOKEN=<16+ characters> to sign in)\n", base)
	} else {
		fmt.Fprintf(stdout, "  operator console: %sadmin/, feedback dashboard: %sadmin/feedback (sign in with an operator token)\n", base, base)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		log.Error("server stopped", "err", err)
		return 1
	case <-ctx.Done():
	}
	log.Info("shutting down: draining requests in flight", "timeout", drain.String())
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		log.Error("shutdown did not finish draining", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// locationSetting says, for the startup log, which location headers place visitors: none, the
// headers read, or why the one configured is not read.
func locationSetting(l *serving.Locator, proxies clientaddr.Proxies) string {
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

func check(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	contentPath := fs.String("content", envString(getenv, "EDGE_CONTENT", defaultContent), "content file (EDGE_CONTENT)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	content, _, from, err := loadContent(*contentPath, time.Now())
	var invalid *snippets.InvalidError
	switch {
	case errors.As(err, &invalid):
		for _, p := range invalid.Problems {
			fmt.Fprintf(stdout, "error: %s\n", p)
		}
		fmt.Fprintf(stdout, "%s: invalid, %d errors\n", from, len(invalid.Problems))
		return 1
	case err != nil:
		fmt.Fprintf(stdout, "error: %s: %v\n", from, err)
		return 1
	}
	for _, w := range content.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "%s: valid (version %s: %d regions, %d crisis lines, %d resources, %d partners, %d warnings)\n",
		from, content.Version, len(content.Regions), len(content.Lines), len(content.Resources), len(content.Partners), len(content.Warnings))
	return 0
}

func healthcheck(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := envString(getenv, "EDGE_ADDR", ":8080")
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		port = "8080"
	}
	url := fs.String("url", "http://127.0.0.1:"+port+"/healthz", "URL to probe")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(*url)
	if err := fasthttp.DoTimeout(req, resp, *timeout); err != nil {
		fmt.Fprintln(stderr, "unhealthy:", err)
		return 1
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		fmt.Fprintf(stderr, "unhealthy: %s answered %d\n", *url, resp.StatusCode())
		return 1
	}
	fmt.Fprintln(stdout, "healthy")
	return 0
}
