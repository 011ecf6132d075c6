package server_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/contentstore/redisstore"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// parseNow is the clock of these tests: the shipped content's lines are checked by then.
var parseNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

const parseToken = "parse-once-operator-token"

func TestParser(t *testing.T) {
	p := server.NewParser(func() time.Time { return parseNow })
	src := configs.Content
	if err := p.Validate(src); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Load(src); err != nil || p.Parses() != 1 {
		t.Fatalf("Load of what Validate parsed: %v, %d parses, want 1", err, p.Parses())
	}
	// Handed over once: the caller owns it, so the same bytes again are parsed again.
	if _, err := p.Load(src); err != nil || p.Parses() != 2 {
		t.Fatalf("second Load: %v, %d parses, want 2", err, p.Parses())
	}
	// Other bytes than those validated are parsed, and the kept parse is dropped.
	other := []byte(strings.Replace(string(src), "\n", "\n# another version\n", 1))
	if err := p.Validate(src); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Load(other); err != nil || p.Parses() != 4 {
		t.Fatalf("Load of other bytes: %v, %d parses, want 4", err, p.Parses())
	}
	if _, err := p.Load(src); err != nil || p.Parses() != 5 {
		t.Fatalf("Load after a miss: %v, %d parses, want 5", err, p.Parses())
	}
	// Invalid content keeps nothing.
	if err := p.Validate([]byte("partners: [")); err == nil {
		t.Fatal("invalid content validated")
	}
	if _, err := p.Load([]byte("partners: [")); err == nil || p.Parses() != 7 {
		t.Fatalf("Load of invalid content: %v, %d parses, want 7", err, p.Parses())
	}
}

// parseEdge is an edge whose content store validates with the edge's own parser, as cmd/edge
// wires them.
type parseEdge struct {
	srv    *server.Server
	parser *server.Parser
	cancel context.CancelFunc
}

func startParseEdge(t *testing.T, open func(validate contentstore.Validate) (contentstore.Store, error)) *parseEdge {
	t.Helper()
	p := server.NewParser(func() time.Time { return parseNow })
	st, err := open(p.Validate)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := server.Config{Now: func() time.Time { return parseNow }, ContentStore: st, Parser: p, AdminToken: parseToken}
	srv, err := server.New(cfg, mustLoad(t, p))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := srv.ApplyCurrent(ctx); err != nil {
		t.Fatal(err)
	}
	go srv.WatchContent(ctx)
	return &parseEdge{srv: srv, parser: p, cancel: cancel}
}

func mustLoad(t *testing.T, p *server.Parser) *snippets.Loaded {
	t.Helper()
	l, err := p.Load(configs.Content)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// publish PUTs src as the new content through the admin API, expecting version.
func (e *parseEdge) publish(t *testing.T, src []byte, version int64) {
	t.Helper()
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod("PUT")
	ctx.Request.SetRequestURI("/v1/admin/content")
	ctx.Request.Header.Set("Authorization", "Bearer "+parseToken)
	ctx.Request.Header.Set("If-Match", `"v`+strconv.FormatInt(version-1, 10)+`"`)
	ctx.Request.Header.SetContentType("application/yaml")
	ctx.Request.SetBody(src)
	e.srv.Handler()(&ctx)
	if ctx.Response.StatusCode() != 200 {
		t.Fatalf("publish: %d %s", ctx.Response.StatusCode(), ctx.Response.Body())
	}
	waitVersion(t, e.srv, version)
}

func waitVersion(t *testing.T, srv *server.Server, version int64) {
	t.Helper()
	want := strconv.FormatInt(version, 10)
	for deadline := time.Now().Add(10 * time.Second); srv.Content().Version != want; {
		if time.Now().After(deadline) {
			t.Fatalf("serving version %s, want %s", srv.Content().Version, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// edited returns the shipped content with a comment of its own, as a new version.
func edited(n int) []byte {
	return []byte(strings.Replace(string(configs.Content), "\n", "\n# edit "+strconv.Itoa(n)+"\n", 1))
}

// TestPublishParsesOnce: a version published through an edge is parsed once on that edge (when
// the store validates it): applying it and the store's notification of it parse nothing more.
// In Redis mode, another edge sharing the store parses what it receives, once.
func TestPublishParsesOnce(t *testing.T) {
	t.Run("files", func(t *testing.T) {
		dir := t.TempDir()
		e := startParseEdge(t, func(v contentstore.Validate) (contentstore.Store, error) {
			return fsstore.Open(dir, configs.Content, v, func() time.Time { return parseNow })
		})
		for i := 1; i <= 3; i++ {
			before := e.parser.Parses()
			e.publish(t, edited(i), int64(i+1))
			time.Sleep(100 * time.Millisecond) // the store's notification of the version arrives
			if n := e.parser.Parses() - before; n != 1 {
				t.Errorf("publish %d: %d parses on the publishing edge, want 1", i, n)
			}
		}
	})
	t.Run("redis", func(t *testing.T) {
		rs := redistest.Start(t)
		open := func(v contentstore.Validate) (contentstore.Store, error) {
			rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
			t.Cleanup(func() { rdb.Close() })
			return redisstore.Open(context.Background(), rdb, "parse:", configs.Content, v, func() time.Time { return parseNow },
				redisstore.WithPollInterval(50*time.Millisecond))
		}
		a, b := startParseEdge(t, open), startParseEdge(t, open)
		for i := 1; i <= 3; i++ {
			beforeA, beforeB := a.parser.Parses(), b.parser.Parses()
			a.publish(t, edited(i), int64(i+1))
			waitVersion(t, b.srv, int64(i+1))
			time.Sleep(100 * time.Millisecond)
			if n := a.parser.Parses() - beforeA; n != 1 {
				t.Errorf("publish %d: %d parses on the publishing edge, want 1", i, n)
			}
			if n := b.parser.Parses() - beforeB; n != 1 {
				t.Errorf("publish %d: %d parses on the other edge, want 1", i, n)
			}
		}
	})
}
