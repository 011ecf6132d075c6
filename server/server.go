// Package server is Signpost's HTTP edge: routes, handlers and middleware over fasthttp. It
// serves what snippets and widget produce and holds no content rules of its own.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"net"
	"regexp"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/spent"
	"github.com/signpost/edge/server/admin"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/console"
	"github.com/signpost/edge/server/dashboard"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/nojs"
	"github.com/signpost/edge/server/preview"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/server/serving"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
)

// Config holds the edge's tunables; zero values take the defaults below.
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
	TrustedProxies ratelimit.Proxies
	// PublicOrigin is the edge's origin as visitors reach it (EDGE_PUBLIC_ORIGIN, such as
	// https://signpost.example.org): every absolute link the banner fragment writes, and the
	// code the embed builder writes, names it, whatever Host a request sent; the fragment is
	// then one cached, compressed answer per partner, locale and region. Empty: they name the
	// edge as each request reached it (web.Origin), and the fragment varies on Host. New
	// refuses a value that is not an origin (web.ParsePublicOrigin).
	PublicOrigin string
	// LocationHeader is a CDN's location header (EDGE_LOCATION_HEADER): it places a visitor whose
	// request names no region, read only from a TCP peer in TrustedProxies (with none, never).
	// nil reads none.
	LocationHeader *serving.Locator
	// IPHasher keys the client-address hash stored with each record. Default: a random key,
	// which is only right for tests (hashes then differ after a restart).
	IPHasher *feedback.IPHasher
	// Operators are named operator tokens (a tokens file); with AdminToken (named "admin") they
	// guard /v1/admin/. Names go into the audit log.
	Operators []auth.Operator
	// ContentStore keeps the versioned content operators change through the admin API; nil
	// serves the content given to New only, and admin content writes answer 503.
	ContentStore contentstore.Store
	// DataDir receives the last-known-good content snapshot (served when Redis is down at
	// startup); empty keeps none.
	DataDir string
	// AdminToken guards /v1/admin/ and lets servers post feedback without Origin; empty
	// disables both.
	AdminToken string
	// FollowupRetention bounds which follow-ups the admin API lists (default 200 days).
	FollowupRetention time.Duration
	// Health names degraded dependencies for /readyz (Redis in Redis mode); nil: none.
	Health func(context.Context) []string
	// Spool reports a Redis-mode store's spool counters for /metrics; nil: zeros.
	Spool func() SpoolStats
	// FormTokens remembers the no-JavaScript form's tokens already taken, each taken once
	// (spent.OpenRedis in Redis mode, shared by every edge). Default: this edge's memory.
	FormTokens spent.Store
	// Usage keeps the cookie-free usage counts of POST /v1/beacon (usage.OpenFile under the
	// data dir in embedded mode, usage.OpenRedis in Redis mode). Default: in memory only. The
	// caller closes it after Shutdown, which flushes it.
	Usage usage.Store
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
	state     atomic.Pointer[serving.State]
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

// New builds a server serving content. It fails when the widget cannot be built from it.
func New(cfg Config, content *snippets.Loaded) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	wallClock := cfg.Now == nil
	if wallClock {
		cfg.Now = time.Now
	}
	if cfg.ReadTimeout == 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxBodySize == 0 {
		cfg.MaxBodySize = DefaultMaxBodySize
	}
	if cfg.Mode == "" {
		cfg.Mode = "embedded"
	}
	var err error
	if cfg.PublicOrigin, err = web.ParsePublicOrigin(cfg.PublicOrigin); err != nil {
		return nil, fmt.Errorf("public origin: %w", err)
	}
	if cfg.CrisisPhrases == nil {
		if cfg.CrisisPhrases, err = snippets.ParseCrisisPhrases(configs.CrisisPhrases); err != nil {
			return nil, err
		}
	}
	if cfg.TimeZones == nil {
		if cfg.TimeZones, err = snippets.ParseTimeZones(configs.TimeZones); err != nil {
			return nil, err
		}
	}
	if cfg.FollowupRetention <= 0 {
		cfg.FollowupRetention = feedback.DefaultFollowupRetention
	}
	if cfg.Usage == nil {
		cfg.Usage = usage.NewMemory()
	}
	s := &Server{cfg: cfg, wallClock: wallClock, log: cfg.Logger, ids: feedback.NewIDs(), ipHasher: cfg.IPHasher, limits: cfg.RateLimits}
	if s.limits == nil {
		if s.limits, err = ratelimit.New(ratelimit.Config{Logger: cfg.Logger}); err != nil {
			return nil, err
		}
	}
	s.metrics = newMetrics(cfg.Spool, s.limits.Stats)
	if s.ipHasher == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		if s.ipHasher, err = feedback.NewIPHasher(key); err != nil {
			return nil, err
		}
	}
	s.auth = auth.New(auth.Config{AdminToken: cfg.AdminToken, Operators: cfg.Operators, Limits: s.limits, Hasher: s.ipHasher,
		Proxies: cfg.TrustedProxies, Now: cfg.Now, Log: cfg.Logger})
	if err := s.SetContent(content); err != nil {
		return nil, err
	}
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
	st, err := serving.New(content, number, s.servingOptions())
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
func (s *Server) servingOptions() serving.Options {
	o := serving.Options{TimeZones: s.cfg.TimeZones, Phrases: s.cfg.CrisisPhrases}
	if s.cfg.LocationHeader != nil && len(s.cfg.TrustedProxies) > 0 {
		o.Locator, o.Trusted = s.cfg.LocationHeader, s.cfg.TrustedProxies.TrustedPeer
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
	in := intake.Deps{Log: s.log, Now: s.cfg.Now, Content: s.Content, Feedback: s.cfg.Feedback,
		CrisisPhrases: s.cfg.CrisisPhrases, Limits: s.limits, Proxies: s.cfg.TrustedProxies, Hasher: s.ipHasher, IDs: s.ids,
		Usage: s.cfg.Usage, Auth: s.auth, Metrics: s.metrics.intake}
	intake.Routes(r, in)
	// Without JavaScript (server/nojs): the banner fragment and its stylesheet, the framable
	// page, and its form's intake, which shares the widget's.
	if err := nojs.Routes(r, get, nojs.Deps{Log: s.log, Now: s.cfg.Now, State: s.state.Load, PublicOrigin: s.cfg.PublicOrigin, Intake: in, Spent: s.cfg.FormTokens}); err != nil {
		return nil, err
	}
	get("/metrics", s.handleMetrics)
	// Operators change content live (server/admin: every write validated, versioned and
	// audited, each route guarded by the scope it needs); draft previews (server/preview) show
	// a change before it is published.
	previews := preview.New(preview.Deps{Log: s.log, Now: s.cfg.Now, Store: s.cfg.ContentStore, Serving: s.servingOptions()})
	previews.Routes(r, get)
	admin.Routes(r, get, admin.Deps{Log: s.log, Now: s.cfg.Now, Content: s.cfg.ContentStore, Apply: s.ApplyCurrent,
		Previews: previews, Auth: s.auth})
	get("/healthz", s.handleHealthz)
	get("/readyz", s.handleReadyz)
	get("/", s.handlePage)
	get("/favicon.ico", s.handleFavicon)
	get("/demo.css", s.handlePage)
	// The partner embed builder (server/embedbuilder): page, generated code, preview, assets.
	embedbuilder.Routes(get, embedbuilder.Deps{Log: s.log, TrustedProxies: s.cfg.TrustedProxies, PublicOrigin: s.cfg.PublicOrigin, Now: s.cfg.Now,
		Current: func() (*snippets.Loaded, *widget.Bundle) { st := s.state.Load(); return st.Content, st.Bundle }})
	// The operator console's pages (server/console) and what operators read of feedback and
	// usage (server/dashboard).
	console.Routes(get, s.log)
	dashboard.Routes(r, get, dashboard.Deps{Log: s.log, Now: s.cfg.Now, Content: s.Content, Feedback: s.cfg.Feedback,
		ContentStore: s.cfg.ContentStore, Usage: s.cfg.Usage, FollowupRetention: s.cfg.FollowupRetention, Auth: s.auth})
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
		web.Write(ctx, s.log, web.ErrNotFound)
	}
	r.MethodNotAllowed = func(ctx *fasthttp.RequestCtx) {
		allow := append([]byte(nil), ctx.Response.Header.Peek("Allow")...)
		web.Write(ctx, s.log, web.ErrMethod)
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
				web.Write(ctx, s.log, web.New(fasthttp.StatusInternalServerError, "internal", "", "internal"))
			}
		}()
		if name, bad := ambiguousFraming(&ctx.Request.Header); bad {
			// Where this request ends is a matter of opinion: a proxy in front may have read
			// another length than fasthttp did, and the rest of the connection is not to be
			// read as a request of its own.
			web.Write(ctx, s.log, web.New(fasthttp.StatusBadRequest, "ambiguous_framing", name, "ambiguous_framing"))
			ctx.SetConnectionClose()
			return
		}
		if h := ctx.Request.Header.Host(); len(h) > 0 && !web.ValidHost(h) {
			// Never let a malformed Host reach anything that names this edge.
			web.Write(ctx, s.log, web.ErrBadHost)
			ctx.SetConnectionClose()
			return
		}
		// The hot path first: the widget and remembered snippets answer whole (their assets carry
		// the security headers) when their request-target needs no parsing; web.Write sets the
		// security headers on an error, and every other answer starts from them.
		if s.serveExact(ctx) {
			return
		}
		if name, dup := duplicateParam(ctx.QueryArgs()); dup {
			// Which of two values would a handler read? Neither: the request says two things.
			web.Write(ctx, s.log, web.New(fasthttp.StatusBadRequest, "duplicate_parameter", name, "duplicate_parameter", name))
			if p := ctx.Path(); bytes.HasPrefix(p, prefixSnippets) || bytes.HasPrefix(p, prefixWidget) {
				web.SetCORS(ctx)
			}
			return
		}
		if s.serveWidget(ctx) {
			return
		}
		web.SetSecurityHeaders(ctx)
		s.router.Handler(ctx)
	}
}

// multiValued is the query parameter that may repeat (the builder's components).
var multiValued = []byte("components")

// smallQuery is how many names duplicateParam compares pairwise, on the stack: every query the
// widget, the pages and the builder send (the builder's has nine names). Past it, a hash set.
const smallQuery = 16

// duplicateParam finds a query parameter given twice that may appear once, in one pass: linear
// in the names, whatever their number (bounded only by maxRequestHead: 1,354 distinct names),
// allocation-free (up to smallQuery names by pairs, past it in a pooled set).
func duplicateParam(args *fasthttp.Args) (string, bool) {
	n := args.Len()
	if n < 2 {
		return "", false
	}
	if n > smallQuery {
		set := nameSets.Get().(*nameSet)
		defer nameSets.Put(set)
		set.reset(n)
		defer set.release()
		for k := range args.All() {
			if set.add(k) && !bytes.Equal(k, multiValued) {
				return string(k), true
			}
		}
		return "", false
	}
	var seen [smallQuery][]byte
	i := 0
	for k := range args.All() {
		for _, s := range seen[:i] {
			if bytes.Equal(s, k) && !bytes.Equal(k, multiValued) {
				return string(k), true
			}
		}
		seen[i] = k
		i++
	}
	return "", false
}

// nameSets keeps the sets of long queries for the next.
var nameSets = sync.Pool{New: func() any { return &nameSet{seed: maphash.MakeSeed()} }}

// nameSet is a set of a query's names: open addressing over the names' hashes, keyed by a seed
// of its own (a client cannot choose names that collide), at most half full.
type nameSet struct {
	seed  maphash.Seed
	slots []int32  // 1 + the index in names of the name in the slot; 0: empty
	names [][]byte // views of the query, released before the set is put back
}

// reset empties the set for n names.
func (s *nameSet) reset(n int) {
	size := 64
	for size < 2*n {
		size *= 2
	}
	if cap(s.slots) < size {
		s.slots = make([]int32, size)
	}
	s.slots = s.slots[:size]
	clear(s.slots)
}

// release lets go of the query's bytes.
func (s *nameSet) release() {
	clear(s.names)
	s.names = s.names[:0]
}

// add puts k in the set and reports whether it was there already.
func (s *nameSet) add(k []byte) bool {
	mask := uint64(len(s.slots) - 1)
	for i := maphash.Bytes(s.seed, k) & mask; ; i = (i + 1) & mask {
		j := s.slots[i]
		if j == 0 {
			s.names = append(s.names, k)
			s.slots[i] = int32(len(s.names))
			return false
		}
		if bytes.Equal(s.names[j-1], k) {
			return true
		}
	}
}

var (
	nameTransferEncoding = []byte("Transfer-Encoding")
	nameContentLength    = []byte("Content-Length")
	codingChunked        = []byte("chunked")
)

// ambiguousFraming finds in a request's head what fasthttp reads one way and a proxy in front
// of the edge may read another, so that the two disagree on where the request ends (request
// smuggling): a Transfer-Encoding other than chunked alone (fasthttp ignores "identity"), a
// Content-Length beside Transfer-Encoding (fasthttp goes by the chunks), a header line folded
// onto the one before (obs-fold, which fasthttp joins), and a line ending in a bare LF (which
// fasthttp takes for CRLF). It names the header at fault ("" for a line's shape). What fasthttp
// refuses itself (two Content-Lengths, one that is not digits, two Transfer-Encodings, a coding
// it does not know, chunked in HTTP/1.0) never reaches the handler. The head as received is
// read (fasthttp forgets chunked once an empty body is read): one pass, looking into the lines
// whose name has the length of one of the two only.
func ambiguousFraming(h *fasthttp.RequestHeader) (string, bool) {
	raw := h.RawHeaders()
	te, cl := false, false
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			break // fasthttp read the head whole: it ends in a blank line
		}
		if i == 0 || raw[i-1] != '\r' {
			return "", true
		}
		line := raw[:i-1]
		raw = raw[i+1:]
		if len(line) == 0 {
			break
		}
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') {
			return "", true
		}
		switch {
		case len(line) > len(nameTransferEncoding) && line[len(nameTransferEncoding)] == ':' &&
			bytes.EqualFold(line[:len(nameTransferEncoding)], nameTransferEncoding):
			if !bytes.EqualFold(bytes.Trim(line[len(nameTransferEncoding)+1:], " \t"), codingChunked) {
				return string(nameTransferEncoding), true
			}
			te = true
		case len(line) > len(nameContentLength) && line[len(nameContentLength)] == ':' &&
			bytes.EqualFold(line[:len(nameContentLength)], nameContentLength):
			cl = true
		}
	}
	if te && cl {
		return string(nameContentLength), true
	}
	return "", false
}

// requestError answers requests fasthttp could not read, in the same JSON error shape.
func (s *Server) requestError(ctx *fasthttp.RequestCtx, err error) {
	e := web.New(fasthttp.StatusBadRequest, "bad_request", "", "bad_request")
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		e = web.New(fasthttp.StatusRequestEntityTooLarge, "body_too_large", "", "body_too_large", s.cfg.MaxBodySize)
	case errors.As(err, &small):
		e = web.New(fasthttp.StatusRequestHeaderFieldsTooLarge, "headers_too_large", "", "headers_too_large")
	case errors.As(err, &netErr) && netErr.Timeout():
		e = web.New(fasthttp.StatusRequestTimeout, "timeout", "", "timeout")
	}
	web.Write(ctx, s.log, e)
	ctx.SetConnectionClose()
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
func locationInText(l *serving.Locator) *regexp.Regexp {
	names := `cloudfront-viewer-[a-z0-9-]+|cf-ip(?:country|city|continent|longitude|latitude)|cf-region(?:-code)?|cf-metro-code|cf-postal-code|cf-timezone|x-akamai-edgescape`
	if l != nil {
		names += "|" + regexp.QuoteMeta(l.Name())
	}
	return regexp.MustCompile(`(?i)(` + names + `)(\s*:\s*)(?:[^\\\r\n"]|\\[^rn])*`)
}

// ipInText finds IPv4 and bracketed IPv6 addresses, with a port or not.
var ipInText = regexp.MustCompile(`\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?|\[[0-9A-Fa-f:.]+\](?::\d+)?`)
