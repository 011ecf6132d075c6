// Package edgetest starts a whole edge for tests: server.New with every job wired as in
// production, serving on an in-memory listener (or a real port), with clients that choose
// their address and Host, a clock the test moves and the logs kept. It is the one place tests
// build a server, so a change to server.New or its Config is one edit here. Only tests import
// it.
package edgetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
	"github.com/valyala/fasthttp/fasthttputil"
)

// Options say what edge Start builds. The zero value is the shipped content on a fixed clock
// (Now), no feedback store, rate limits and tokens as server.New defaults them.
type Options struct {
	// Content is what the edge serves. Default: Shipped.
	Content *snippets.Loaded
	// Config is given to server.New. Start fills in Logger (JSON into Edge.Logs) and Now (the
	// edge's clock, Edge.Advance) when they are nil, Usage (in memory) and IPHasher (a random
	// key) so that tests can read them through Edge.Config.
	Config server.Config
	// Intake makes an edge ready to take feedback, as the intake's tests want: an embedded
	// store in a temporary directory (unless Config.Feedback is set), limits of 1000 a minute
	// per client and per partner (unless Config.RateLimits is set) and the operator token
	// Token (unless Config.AdminToken is set; NoToken leaves it empty).
	Intake bool
	// NoToken leaves an Intake edge without an operator token.
	NoToken bool
	// Store opens an embedded feedback store (logstore) in a temporary directory as
	// Config.Feedback, unless that is set; Intake does too.
	Store bool
	// FileContent keeps the content in a file content store (FileStore, in a temporary
	// directory) as Config.ContentStore, with its audit log (AuditLog) unless Config has one, its current version applied before Start returns.
	FileContent bool
	// WallClock leaves Config.Now nil, as in production (the hot path then takes the request's
	// start time): for benchmarks.
	WallClock bool
	// Listen serves a real TCP port on 127.0.0.1 too (Edge.Addr, Edge.URL), for tests that need
	// a real socket.
	Listen bool
	// Listener is the real port to serve when Listen is set, opened by the test before the edge
	// (whose settings name it: a provider's redirect URL); nil opens one on 127.0.0.1.
	Listener net.Listener
	// Watch applies Config.ContentStore's current version before Start returns and follows the
	// store (WatchContent) until the test ends, as `edge serve` does: for edges that share a
	// store, or whose content an operator changes through the console.
	Watch bool
}

// Browsing are the options of an edge a real browser loads: a real port on 127.0.0.1, the
// wall clock (the page's timers and the edge's must agree), and content validated now.
func Browsing(t testing.TB, cfg server.Config, content *snippets.Loaded) Options {
	t.Helper()
	if content == nil {
		l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
		if err != nil {
			t.Fatal(err)
		}
		content = l
	}
	return Options{Config: cfg, Content: content, WallClock: true, Listen: true}
}

// Edge is a running edge and the clients that talk to it.
type Edge struct {
	// Server is the edge.
	Server *server.Server
	// Config is the configuration server.New was given.
	Config server.Config
	// Store is the embedded feedback store Options.Store or Intake opened (or Config.Feedback
	// when it is one); nil otherwise.
	Store *logstore.Store
	// Content is Config.ContentStore (the file content store of Options.FileContent).
	Content contentstore.Store
	// Logs holds what the edge logged, as JSON lines.
	Logs *Logs
	// Addr is the real TCP address the edge listens on with Options.Listen.
	Addr string

	ln     *fasthttputil.InmemoryListener
	served chan error
	now    atomic.Pointer[time.Time]
	// client dials without a local address, as most tests' clients do.
	client *fasthttp.Client

	mu      sync.Mutex
	clients map[string]*fasthttp.Client
}

// Logs is a log buffer safe for concurrent writes.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String returns what was written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// New builds the edge Options describe without serving it (Start serves it): for tests that
// call its handler directly and for benchmarks. It returns the edge and the configuration it
// was given.
func New(t testing.TB, o Options) (*server.Server, server.Config) {
	t.Helper()
	srv, cfg, _ := build(t, o)
	return srv, cfg
}

// build is the one place a test edge is made by server.New.
func build(t testing.TB, o Options) (*server.Server, server.Config, *Edge) {
	t.Helper()
	e := &Edge{Logs: &Logs{}, clients: map[string]*fasthttp.Client{}}
	now := Now
	e.now.Store(&now)
	cfg := o.Config
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(e.Logs, nil))
	}
	if cfg.Now == nil && !o.WallClock {
		cfg.Now = func() time.Time { return *e.now.Load() }
	}
	if cfg.Usage == nil {
		cfg.Usage = usage.NewMemory()
	}
	if cfg.IPHasher == nil {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			t.Fatal(err)
		}
		h, err := feedback.NewIPHasher(key)
		if err != nil {
			t.Fatal(err)
		}
		cfg.IPHasher = h
	}
	if (o.Intake || o.Store) && cfg.Feedback == nil {
		st, err := logstore.Open(t.TempDir(), logstore.Options{Logger: cfg.Logger}, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		cfg.Feedback = st
	}
	if o.FileContent && cfg.ContentStore == nil {
		dir := t.TempDir()
		cfg.ContentStore = FileStore(t, dir)
		if cfg.AuditLog == nil {
			cfg.AuditLog = AuditLog(t, dir)
		}
	}
	if o.Intake {
		if cfg.RateLimits == nil {
			rl, err := ratelimit.New(ratelimit.Config{IPRate: "1000-M", PartnerRate: "1000-M"})
			if err != nil {
				t.Fatal(err)
			}
			cfg.RateLimits = rl
		}
		if cfg.AdminToken == "" && !o.NoToken {
			cfg.AdminToken = Token
		}
	}
	content := o.Content
	if content == nil {
		content = Shipped(t)
	}
	srv, err := server.New(cfg, content)
	if err != nil {
		t.Fatal(err)
	}
	e.Server, e.Config = srv, cfg
	e.Store, _ = cfg.Feedback.(*logstore.Store)
	e.Content = cfg.ContentStore
	return srv, cfg, e
}

// Start builds the edge Options describe and serves it until the test ends.
func Start(t testing.TB, o Options) *Edge {
	t.Helper()
	srv, _, e := build(t, o)
	e.ln = fasthttputil.NewInmemoryListener()
	e.client = &fasthttp.Client{Dial: func(string) (net.Conn, error) { return e.ln.Dial() }}
	e.served = make(chan error, 1)
	go func() { e.served <- srv.Serve(e.ln) }()
	var tcp net.Listener
	if o.Listen {
		var err error
		if tcp = o.Listener; tcp == nil {
			if tcp, err = net.Listen("tcp", "127.0.0.1:0"); err != nil {
				t.Fatal(err)
			}
		}
		e.Addr = tcp.Addr().String()
		go srv.Serve(tcp)
	}
	watch, stopWatch := context.WithCancel(context.Background())
	if o.FileContent || o.Watch {
		if err := srv.ApplyCurrent(watch); err != nil {
			t.Fatal(err)
		}
	}
	if o.Watch {
		go srv.WatchContent(watch)
	}
	t.Cleanup(func() {
		stopWatch()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		_ = e.ln.Close()
		if tcp != nil {
			_ = tcp.Close()
		}
	})
	return e
}

// URL is the edge's origin on its real port ("http://127.0.0.1:port"; Options.Listen).
func (e *Edge) URL() string { return "http://" + e.Addr }

// Served waits until serving the in-memory listener ends (after Shutdown) and returns what
// Serve returned.
func (e *Edge) Served() error { return <-e.served }

// Advance moves the edge's clock (which starts at Now) by d.
func (e *Edge) Advance(d time.Duration) {
	t := e.now.Load().Add(d)
	e.now.Store(&t)
}

// Dial opens a raw connection to the edge (in memory).
func (e *Edge) Dial() (net.Conn, error) { return e.ln.Dial() }

// Client returns a client whose connections come from ip (one per address), for requests a
// test sends itself, such as from other goroutines.
func (e *Edge) Client(ip string) *fasthttp.Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.clients[ip]
	if c == nil {
		addr := &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}
		c = &fasthttp.Client{Dial: func(string) (net.Conn, error) { return e.ln.DialWithLocalAddr(addr) }}
		e.clients[ip] = c
	}
	return c
}

// Do sends one request to http://edge.test+uri; headers alternate name, value. A HEAD's
// answer is read without a body.
func (e *Edge) Do(t testing.TB, method, uri string, body []byte, headers ...string) *fasthttp.Response {
	t.Helper()
	return e.send(t, e.client, method, uri, "", body, headers)
}

// DoFrom is Do from a client at ip.
func (e *Edge) DoFrom(t testing.TB, ip, method, uri string, body []byte, headers ...string) *fasthttp.Response {
	t.Helper()
	return e.send(t, e.Client(ip), method, uri, "", body, headers)
}

// GetAs sends a GET on a new connection from ip, naming host in its Host header.
func (e *Edge) GetAs(t testing.TB, ip, host, uri string, headers ...string) *fasthttp.Response {
	t.Helper()
	addr := &net.TCPAddr{IP: net.ParseIP(ip), Port: 40000}
	c := &fasthttp.Client{Dial: func(string) (net.Conn, error) { return e.ln.DialWithLocalAddr(addr) }}
	return e.send(t, c, fasthttp.MethodGet, uri, host, nil, headers)
}

func (e *Edge) send(t testing.TB, c *fasthttp.Client, method, uri, host string, body []byte, headers []string) *fasthttp.Response {
	t.Helper()
	req := fasthttp.AcquireRequest()
	defer fasthttp.ReleaseRequest(req)
	req.Header.SetMethod(method)
	req.SetRequestURI("http://edge.test" + uri)
	if host != "" {
		req.UseHostHeader = true
		req.Header.SetHost(host)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	if body != nil {
		req.SetBody(body)
	}
	resp := &fasthttp.Response{}
	if method == fasthttp.MethodHead {
		resp.SkipBody = true
	}
	if err := c.DoTimeout(req, resp, RequestTimeout); err != nil {
		t.Fatalf("%s %s: %v", method, uri, err)
	}
	return resp
}

// PostFeedback sends feedback from ip the way the widget does: text/plain from a partner page
// (Origin). body is JSON as bytes, a string, or a value to marshal.
func (e *Edge) PostFeedback(t testing.TB, ip string, body any, headers ...string) *fasthttp.Response {
	t.Helper()
	return e.postJSON(t, ip, "/v1/feedback", body, headers)
}

// PostReport sends a line report (POST /v1/reports) from ip as PostFeedback sends feedback.
func (e *Edge) PostReport(t testing.TB, ip string, body any, headers ...string) *fasthttp.Response {
	t.Helper()
	return e.postJSON(t, ip, "/v1/reports", body, headers)
}

func (e *Edge) postJSON(t testing.TB, ip, path string, body any, headers []string) *fasthttp.Response {
	t.Helper()
	var b []byte
	switch v := body.(type) {
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	h := append([]string{"Content-Type", "text/plain;charset=UTF-8", "Origin", Origin}, headers...)
	return e.DoFrom(t, ip, "POST", path, b, h...)
}

// Records returns the feedback the feedback store holds.
func (e *Edge) Records(t testing.TB) []*feedback.Record {
	t.Helper()
	return e.records(t, "")
}

// Reports returns the line reports the feedback store holds.
func (e *Edge) Reports(t testing.TB) []*feedback.Record {
	t.Helper()
	return e.records(t, feedback.KindLineReport)
}

func (e *Edge) records(t testing.TB, kind string) []*feedback.Record {
	t.Helper()
	var rs []*feedback.Record
	if err := e.Config.Feedback.Records(context.Background(), feedback.Filter{Kind: kind}, func(r *feedback.Record) error {
		rs = append(rs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rs
}
