package session

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/internal/redistest"
)

func fileBacking(t *testing.T) backing {
	dir := t.TempDir()
	return backing{
		open: func(t *testing.T, cfg Config) *Store {
			s, err := NewFile(dir, cfg)
			if err != nil {
				t.Fatalf("NewFile: %v", err)
			}
			t.Cleanup(func() { s.Close() })
			return s
		},
		dump: func(t *testing.T) string {
			var b strings.Builder
			err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := os.ReadFile(path)
				fmt.Fprintf(&b, "%s: %s\n", path, data)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return b.String()
		},
	}
}

func TestFileContract(t *testing.T) { contract(t, fileBacking) }

// prefixes gives each contract subtest its own keyspace on a shared server.
var prefixes atomic.Int64

func redisContract(t *testing.T, newClient func() redis.UniversalClient) {
	contract(t, func(t *testing.T) backing {
		prefix := fmt.Sprintf("signpost-test-%d:", prefixes.Add(1))
		admin := newClient()
		t.Cleanup(func() { admin.Close() })
		keys := func(t *testing.T) []string {
			var out []string
			var mu sync.Mutex // ForEachMaster calls scan concurrently
			scan := func(ctx context.Context, c *redis.Client) error {
				ks, err := c.Keys(ctx, prefix+"*").Result()
				mu.Lock()
				defer mu.Unlock()
				out = append(out, ks...)
				return err
			}
			var err error
			if cc, ok := admin.(*redis.ClusterClient); ok {
				err = cc.ForEachMaster(ctx(t), scan)
			} else {
				err = scan(ctx(t), admin.(*redis.Client))
			}
			if err != nil {
				t.Fatal(err)
			}
			sort.Strings(out)
			return out
		}
		return backing{
			open: func(t *testing.T, cfg Config) *Store {
				c := newClient()
				t.Cleanup(func() { c.Close() })
				s := NewRedis(c, prefix, cfg)
				t.Cleanup(func() { s.Close() })
				return s
			},
			dump: func(t *testing.T) string {
				var b strings.Builder
				for _, k := range keys(t) {
					var v any
					var err error
					switch typ, _ := admin.Type(ctx(t), k).Result(); typ {
					case "set":
						v, err = admin.SMembers(ctx(t), k).Result()
					default:
						v, err = admin.Get(ctx(t), k).Result()
					}
					if err != nil {
						t.Fatal(err)
					}
					fmt.Fprintf(&b, "%s: %v\n", k, v)
				}
				return b.String()
			},
			ttl: func(t *testing.T, id string) time.Duration {
				d, err := admin.PTTL(ctx(t), prefix+idKeys+hashKey(id)).Result()
				if err != nil {
					t.Fatal(err)
				}
				return d
			},
		}
	})
}

func TestRedisContract(t *testing.T) {
	srv := redistest.Start(t)
	redisContract(t, func() redis.UniversalClient {
		return redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true})
	})
}

// TestRedisContractCluster runs the suite on a three-master Redis Cluster: a session's keys
// share one slot, so its transactions hold.
func TestRedisContractCluster(t *testing.T) {
	cl := redistest.StartCluster(t, 3)
	redisContract(t, func() redis.UniversalClient {
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs(), ContextTimeoutEnabled: true})
	})
}

// TestRedisDown: while Redis is away every call fails, within a bound, with ErrUnavailable, a
// coded fault a handler answers 503; a malformed id is still refused without calling Redis.
func TestRedisDown(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), ContextTimeoutEnabled: true, MaxRetries: 1})
	defer c.Close()
	s := NewRedis(c, "", Config{Timeout: time.Second})
	id, _, err := s.Create(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	unavailable := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrUnavailable) || fault.KindOf(err) != fault.Unavailable {
			t.Errorf("%s while Redis is down: err = %v, want ErrUnavailable (kind unavailable)", what, err)
		}
	}
	_, _, err = s.Create(ctx, alice)
	unavailable("Create", err)
	_, err = s.Get(ctx, id)
	unavailable("Get", err)
	unavailable("End", s.End(ctx, id))
	unavailable("EndAll", s.EndAll(ctx, alice.Subject))
	unavailable("PutPending", s.PutPending(ctx, NewToken(), Pending{}))
	_, err = s.TakePending(ctx, NewToken())
	unavailable("TakePending", err)
	_, err = s.Get(ctx, "garbage")
	noSession(t, "Get of a malformed id while Redis is down", err)
	if ctx.Err() != nil {
		t.Fatal("calls while Redis is down: still running after 30s")
	}
}

// TestRedisKeys: the keys are under the prefix given (EDGE_REDIS_PREFIX) and the "{sessions}"
// hash tag, and carry a TTL.
func TestRedisKeys(t *testing.T) {
	srv := redistest.Start(t)
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer c.Close()
	s := NewRedis(c, "", Config{})
	id, _, err := s.Create(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	state := NewToken()
	if err := s.PutPending(context.Background(), state, Pending{}); err != nil {
		t.Fatal(err)
	}
	keys, _ := c.Keys(context.Background(), "*").Result()
	sort.Strings(keys)
	want := []string{"signpost:{sessions}:id:" + hashKey(id), "signpost:{sessions}:person:" + hashKey(alice.Subject),
		"signpost:{sessions}:state:" + hashKey(state)}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Errorf("keys = %q, want %q", keys, want)
	}
	for _, k := range keys {
		if d, _ := c.PTTL(context.Background(), k).Result(); d <= 0 {
			t.Errorf("%s has no TTL (%v)", k, d)
		}
	}
}

// TestFileLayout: session files are 0600 in a 0700 directory, named by hash.
func TestFileLayout(t *testing.T) {
	dir := t.TempDir()
	s, err := NewFile(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, _, err := s.Create(context.Background(), alice)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutPending(context.Background(), NewToken(), Pending{}); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, DirName, hashKey(id)+".json"))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("session file: %v, %v; want mode 0600", info, err)
	}
	ents, _ := os.ReadDir(filepath.Join(dir, DirName, "pending"))
	if len(ents) != 1 {
		t.Fatalf("pending dir holds %d entries, want 1", len(ents))
	}
	if info, _ := ents[0].Info(); info.Mode().Perm() != 0o600 {
		t.Errorf("pending file mode %v, want 0600", info.Mode())
	}
	if info, err := os.Stat(filepath.Join(dir, DirName)); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("sessions dir: %v, %v; want mode 0700", info, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(context.Background(), id); !errors.Is(err, ErrClosed) {
		t.Errorf("Get after Close: %v, want ErrClosed", err)
	}
}

// TestFileSweep: expired sessions and sign-ins leave the data dir, live ones stay.
func TestFileSweep(t *testing.T) {
	dir := t.TempDir()
	clk := &clock{t: epoch}
	s, err := NewFile(dir, Config{Idle: 30 * time.Minute, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	old, _ := create(t, s, alice)
	if err := s.PutPending(context.Background(), NewToken(), Pending{}); err != nil {
		t.Fatal(err)
	}
	clk.Add(31 * time.Minute)
	fresh, _ := create(t, s, alice) // sweeps first
	for _, name := range []string{hashKey(old) + ".json", "pending"} {
		if _, err := os.Stat(filepath.Join(dir, DirName, name)); name != "pending" && !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s after its end: %v, want removed", name, err)
		}
	}
	if ents, _ := os.ReadDir(filepath.Join(dir, DirName, "pending")); len(ents) != 0 {
		t.Errorf("pending dir after 31 minutes holds %d entries, want none", len(ents))
	}
	mustGet(t, s, fresh, "the session created at the sweep")
}

func benchGet(b *testing.B, s *Store) {
	id, _, err := s.Create(context.Background(), alice)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := s.Get(ctx, id); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGet: one Get (a read; Seen is recorded once a minute) on each backing.
func BenchmarkGet(b *testing.B) {
	b.Run("file", func(b *testing.B) {
		s, err := NewFile(b.TempDir(), Config{})
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		benchGet(b, s)
	})
	b.Run("redis", func(b *testing.B) {
		srv := redistest.Start(b)
		c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		defer c.Close()
		benchGet(b, NewRedis(c, "", Config{}))
	})
}
