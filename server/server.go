// Package server is Signpost's HTTP edge: routes, handlers and middleware over fasthttp. It
// serves what snippets and widget produce and holds no content rules of its own.
package server

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/admin"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/console"
	"github.com/signpost/edge/server/dashboard"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/nojs"
	"github.com/signpost/edge/server/origin"
	"github.com/signpost/edge/server/preview"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/signin"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
)

// maxRequestHead bounds a request's line and headers together (fasthttp's read buffer, its
// default made explicit): a longer head is answered 431 headers_too_large. It bounds the query
// too: at most 1,354 distinct parameter names (TestLargestQuery).
const maxRequestHead = 4096

// Server is one edge instance.
type Server struct {
	cfg Config
	// wallClock: Config.Now was left to the wall clock, so the hot path takes a request's start
	// time (read by fasthttp as the request begins) for now rather than reading the clock again.
	wallClock bool
	log       *slog.Logger
	state     atomic.Pointer[edition.State]
	draining  atomic.Bool
	router    *router.Router
	pages     *pages
	http      *fasthttp.Server
	// Feedback intake.
	ids      *feedback.IDs
	ipHasher *feedback.IPHasher
	limits   *ratelimit.Limiter
	metrics  *metrics
	// Operators and content.
	auth    *auth.Guard
	applyMu sync.Mutex // serializes content changes applied from the store
	// oldBundles holds bundles other than the current one, by hash: pages pinned to them with
	// SRI keep their banner across content changes and deploys.
	oldBundles   sync.Map // string -> *asset.Asset
	bundleMisses atomic.Int64
}

// New builds a server serving content. It validates cfg (Config.Validate) unless the caller
// already did, gives the dependencies left nil their in-memory stand-ins, and fails when the
// widget cannot be built from content.
func New(cfg Config, content *snippets.Loaded) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.dependencies(); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, wallClock: cfg.wallClock, log: cfg.Logger, ids: feedback.NewIDs(), ipHasher: cfg.IPHasher, limits: cfg.RateLimits}
	s.metrics = newMetrics(cfg.Spool, s.limits.Stats, cfg.Warnings)
	s.metrics.reg.MustRegister(newLineFlagged(cfg.Feedback, s.Content, cfg.Now, s.metrics.intake.LineReportsStored, cfg.Logger))
	ac := auth.Config{AdminToken: cfg.AdminToken, Operators: cfg.Operators, RateLimits: s.limits, IPHasher: s.ipHasher,
		TrustedProxies: cfg.TrustedProxies, Now: cfg.Now, Log: cfg.Logger}
	if cfg.SignIn != nil {
		ac.Sessions, ac.SessionsSecure = cfg.Sessions, cfg.SignIn.Secure()
	}
	s.auth = auth.New(ac)
	if err := s.SetContent(content); err != nil {
		return nil, err
	}
	var err error
	if s.pages, err = loadPages(); err != nil {
		return nil, err
	}
	if s.router, err = s.routes(); err != nil {
		return nil, err
	}
	s.http = &fasthttp.Server{
		Handler:               s.Handler(),
		ErrorHandler:          s.requestError,
		ReadTimeout:           cfg.ReadTimeout,
		WriteTimeout:          cfg.WriteTimeout,
		IdleTimeout:           cfg.IdleTimeout,
		MaxRequestBodySize:    cfg.MaxBodySize,
		ReadBufferSize:        maxRequestHead,
		NoDefaultServerHeader: true,
		// The handlers read bodies themselves: a malformed multipart form is the intake's 415
		// with its CORS headers, not fasthttp's bare 400.
		DisablePreParseMultipartForm: true,
		ReduceMemoryUsage:            true,
		CloseOnShutdown:              true,
		Logger:                       fasthttpLogger{cfg.Logger, locationInText(cfg.LocationHeader)},
	}
	return s, nil
}

// SetContent builds the widget and resets the snippet cache for new content, then swaps it in
// atomically: requests in flight finish on the old state.
func (s *Server) SetContent(content *snippets.Loaded) error { return s.setContent(content, 0) }

func (s *Server) setContent(content *snippets.Loaded, number int64) error {
	st, err := edition.New(content, number, s.servingOptions())
	if err != nil {
		return err
	}
	if prev := s.state.Swap(st); prev != nil && prev.Bundle.Hash != st.Bundle.Hash {
		s.oldBundles.Store(prev.Bundle.Hash, prev.Pinned)
	}
	if b, ok := s.cfg.ContentStore.(contentstore.Bundles); ok {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if err := b.SaveBundle(ctx, st.Bundle.Hash, st.Bundle.JS); err != nil {
				s.log.Warn("widget bundle not archived: pages pinned to it depend on this edge's memory", "hash", st.Bundle.Hash, "err", err)
			}
		}()
	}
	return nil
}

// servingOptions are the rules snippets render with, drafts' as the published content's.
func (s *Server) servingOptions() edition.Options {
	o := edition.Options{TimeZones: s.cfg.TimeZones, CrisisPhrases: s.cfg.CrisisPhrases}
	if s.cfg.LocationHeader != nil && len(s.cfg.TrustedProxies) > 0 {
		o.Locator, o.TrustedPeer = s.cfg.LocationHeader, s.cfg.TrustedProxies.TrustedPeer
	}
	return o
}

// Content returns the content being served.
func (s *Server) Content() *snippets.Loaded { return s.state.Load().Content }

// WidgetPath returns the immutable URL path of the current widget bundle.
func (s *Server) WidgetPath() string { return s.state.Load().Bundle.Path() }

func (s *Server) routes() (*router.Router, error) {
	r := router.New()
	r.RedirectTrailingSlash = false
	r.RedirectFixedPath = false
	get := func(path string, h fasthttp.RequestHandler) {
		r.GET(path, h)
		r.HEAD(path, h)
	}
	get("/v1/snippets/{partner}", s.handleSnippet)
	get("/v1/snippets/{partner}/{part}", s.handleSnippet)
	// What visitors' browsers send (server/intake): feedback and usage beacons. Only POST
	// /v1/feedback is rate-limited; the widget and snippet routes never are.
	in := intake.Deps{Log: s.log, Now: s.cfg.Now, CurrentContent: s.Content, Feedback: s.cfg.Feedback,
		CrisisPhrases: s.cfg.CrisisPhrases, RateLimits: s.limits, TrustedProxies: s.cfg.TrustedProxies, IPHasher: s.ipHasher, IDs: s.ids,
		Usage: s.cfg.Usage, Auth: s.auth, Metrics: s.metrics.intake}
	intake.Routes(r, in)
	// Without JavaScript (server/nojs): the banner fragment and its stylesheet, the framable
	// page, and its form's intake, which shares the widget's.
	if err := nojs.Routes(r, get, nojs.Deps{Log: s.log, Now: s.cfg.Now, CurrentState: s.state.Load, PublicOrigin: s.cfg.PublicOrigin, Intake: in, FormTokens: s.cfg.FormTokens}); err != nil {
		return nil, err
	}
	get("/metrics", s.handleMetrics)
	// Operators change content live (server/admin: every write validated, versioned and
	// audited, each route guarded by the scope it needs); draft previews (server/preview) show
	// a change before it is published.
	drafts, _ := s.cfg.ContentStore.(contentstore.Drafts) // nil: drafts stay in this edge's memory
	previews := preview.New(preview.Deps{Log: s.log, Now: s.cfg.Now, Drafts: drafts, ServingOptions: s.servingOptions()})
	previews.Routes(r, get)
	admin.Routes(r, get, admin.Deps{Log: s.log, Now: s.cfg.Now, ContentStore: s.cfg.ContentStore, AuditLog: s.cfg.AuditLog,
		ApplyCurrent: s.ApplyCurrent, Previews: previews, Auth: s.auth, Warnings: s.cfg.Warnings})
	get("/healthz", s.handleHealthz)
	get("/readyz", s.handleReadyz)
	get("/", s.handlePage)
	get("/favicon.ico", s.handleFavicon)
	get("/demo.css", s.handlePage)
	// The partner embed builder (server/embedbuilder): page, generated code, preview, assets.
	embedbuilder.Routes(get, embedbuilder.Deps{Log: s.log, TrustedProxies: s.cfg.TrustedProxies, PublicOrigin: s.cfg.PublicOrigin, Now: s.cfg.Now,
		CurrentContent: func() (*snippets.Loaded, *widget.Bundle) { st := s.state.Load(); return st.Content, st.Bundle }})
	// The operator console's pages (server/console) and what operators read of feedback and
	// usage (server/dashboard).
	provider := ""
	if c := s.cfg.SignIn; c != nil {
		// People sign in with the organisation's provider (server/signin) and hold a session.
		signin.New(signin.Deps{Config: c, Sessions: s.cfg.Sessions, Guard: s.auth, Log: s.log, Now: s.cfg.Now}).Routes(get)
		signin.SignOutRoutes(r, s.auth, s.cfg.Sessions, c.Secure())
		provider = c.Provider
	}
	console.Routes(get, s.log, provider, signin.StartPath)
	dashboard.Routes(r, get, dashboard.Deps{Log: s.log, Now: s.cfg.Now, CurrentContent: s.Content, Feedback: s.cfg.Feedback,
		AuditLog: s.cfg.AuditLog, Usage: s.cfg.Usage, FollowupRetention: s.cfg.FollowupRetention, Auth: s.auth})
	r.GlobalOPTIONS = handlePreflight
	r.NotFound = func(ctx *fasthttp.RequestCtx) {
		// An operator typing the console's address without its slash gets the console.
		if string(ctx.Path()) == "/admin" && (ctx.IsGet() || ctx.IsHead()) {
			u := "/admin/"
			if q := ctx.QueryArgs().QueryString(); len(q) > 0 {
				u += "?" + string(q)
			}
			// A relative Location: never one built from the Host header.
			ctx.Response.Header.Set("Location", u)
			ctx.SetStatusCode(fasthttp.StatusPermanentRedirect)
			return
		}
		answer.Write(ctx, s.log, answer.ErrNotFound)
	}
	r.MethodNotAllowed = func(ctx *fasthttp.RequestCtx) {
		allow := append([]byte(nil), ctx.Response.Header.Peek("Allow")...)
		answer.Write(ctx, s.log, answer.ErrMethod)
		ctx.Response.Header.SetBytesV("Allow", allow)
	}
	return r, nil
}

// Handler is the edge's whole request handler: panic recovery and security headers around the
// widget fast path and the router.
func (s *Server) Handler() fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		defer func() {
			if v := recover(); v != nil {
				s.log.Error("panic serving request", "method", string(ctx.Method()), "path", string(ctx.Path()),
					"panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				answer.Write(ctx, s.log, answer.New(fault.Internal, "internal", "", "internal"))
			}
		}()
		if name, bad := ambiguousFraming(&ctx.Request.Header); bad {
			// Where this request ends is a matter of opinion: a proxy in front may have read
			// another length than fasthttp did, and the rest of the connection is not to be
			// read as a request of its own.
			answer.Write(ctx, s.log, answer.New(fault.Invalid, "ambiguous_framing", name, "ambiguous_framing"))
			ctx.SetConnectionClose()
			return
		}
		if h := ctx.Request.Header.Host(); len(h) > 0 && !origin.ValidHost(h) {
			// Never let a malformed Host reach anything that names this edge.
			answer.Write(ctx, s.log, origin.ErrBadHost)
			ctx.SetConnectionClose()
			return
		}
		// The hot path first: the widget and remembered snippets answer whole (their assets carry
		// the security headers) when their request-target needs no parsing; answer.Write sets the
		// security headers on an error, and every other answer starts from them.
		if s.serveExact(ctx) {
			return
		}
		if name, dup := duplicateParam(ctx.QueryArgs()); dup {
			// Which of two values would a handler read? Neither: the request says two things.
			answer.Write(ctx, s.log, answer.New(fault.Invalid, "duplicate_parameter", name, "duplicate_parameter", name))
			if p := ctx.Path(); bytes.HasPrefix(p, prefixSnippets) || bytes.HasPrefix(p, prefixWidget) {
				answer.SetCORS(ctx)
			}
			return
		}
		if s.serveWidget(ctx) {
			return
		}
		answer.SetSecurityHeaders(ctx)
		s.router.Handler(ctx)
	}
}

// Serve accepts connections on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error { return s.http.Serve(ln) }

// Shutdown stops accepting, reports not ready, waits for requests in flight (closing idle
// keep-alive connections) until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	return s.http.ShutdownWithContext(ctx)
}

// fasthttpLogger sends fasthttp's own messages to slog.
type fasthttpLogger struct {
	log *slog.Logger
	// location finds the headers that say where a visitor is (locationInText); nil: none.
	location *regexp.Regexp
}

// Printf logs fasthttp's message without secrets (a request it could not parse is quoted raw,
// an operator's Authorization header included), without client addresses (no raw IP is ever
// kept, logs included) and without a visitor's location (a CDN's location headers), cut short
// so that the request bytes it quotes do not fill the log.
func (l fasthttpLogger) Printf(format string, args ...any) {
	msg := redactSecrets(fmt.Sprintf(format, args...))
	msg = ipInText.ReplaceAllString(msg, "[address]")
	if l.location != nil {
		msg = l.location.ReplaceAllString(msg, "${1}${2}[redacted]")
	}
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	l.log.Warn(msg, "source", "fasthttp")
}

// Secrets a quoted request may hold: credential headers (to the end of their line, as quoted or
// raw), a scheme's credentials wherever they appear, and token-like query parameters.
var (
	secretHeader = regexp.MustCompile(`(?i)((?:proxy-)?authorization|cookie|set-cookie|x-api-key|x-auth-token)(\s*:\s*)(?:[^\\\r\n"]|\\[^rn])*`)
	secretScheme = regexp.MustCompile(`(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+`)
	secretParam  = regexp.MustCompile(`(?i)([?&;](?:token|access_token|api_key|apikey|key|auth|password|secret)=)[^&\s"\\]*`)
)

// redactSecrets replaces every secret in s by "[redacted]".
func redactSecrets(s string) string {
	s = secretHeader.ReplaceAllString(s, "${1}${2}[redacted]")
	s = secretScheme.ReplaceAllString(s, "${1} [redacted]")
	return secretParam.ReplaceAllString(s, "${1}[redacted]")
}

// locationInText finds the request headers that say where a visitor is, to the end of their line
// as a quoted request holds them: the CDNs' own (CloudFront-Viewer-*, Cloudflare's visitor
// location headers, Akamai's EdgeScape), whether the edge reads them or not, and the one named
// by the operator (EDGE_LOCATION_HEADER).
func locationInText(l *edition.Locator) *regexp.Regexp {
	names := `cloudfront-viewer-[a-z0-9-]+|cf-ip(?:country|city|continent|longitude|latitude)|cf-region(?:-code)?|cf-metro-code|cf-postal-code|cf-timezone|x-akamai-edgescape`
	if l != nil {
		names += "|" + regexp.QuoteMeta(l.Name())
	}
	return regexp.MustCompile(`(?i)(` + names + `)(\s*:\s*)(?:[^\\\r\n"]|\\[^rn])*`)
}

// ipInText finds IPv4 and bracketed IPv6 addresses, with a port or not.
var ipInText = regexp.MustCompile(`\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?|\[[0-9A-Fa-f:.]+\](?::\d+)?`)
