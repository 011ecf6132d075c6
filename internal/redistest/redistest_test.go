package redistest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func setAndRestart(t *testing.T, s *Server) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer c.Close()
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	s.Restart()
	return c.Get(ctx, "k").Result()
}

func TestRestartLosesDataByDefault(t *testing.T) {
	s := Start(t)
	if s.Addr() == "127.0.0.1:6379" {
		t.Fatal("started on the default Redis port")
	}
	if v, err := setAndRestart(t, s); err != redis.Nil {
		t.Errorf("after a restart without persistence GET = %q, %v; want nil", v, err)
	}
}

func TestPersistKeepsData(t *testing.T) {
	s := StartWith(t, Options{Persist: true})
	if v, err := setAndRestart(t, s); err != nil || v != "v" {
		t.Errorf("after a restart with Persist GET = %q, %v; want \"v\"", v, err)
	}
}

func TestStartCluster(t *testing.T) {
	cl := StartCluster(t, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cl.Addrs()})
	defer c.Close()
	masters := map[string]bool{}
	for _, key := range []string{"a", "b", "c", "d", "e", "f", "g", "h"} {
		if err := c.Set(ctx, key, key, 0).Err(); err != nil {
			t.Fatalf("SET %s on the cluster: %v", key, err)
		}
		node, err := c.MasterForKey(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		masters[node.Options().Addr] = true
	}
	if len(masters) < 2 {
		t.Errorf("8 keys all on one master %v: the slots are not spread", masters)
	}
	for _, a := range cl.Addrs() {
		nc := redis.NewClient(&redis.Options{Addr: a})
		info, err := nc.ClusterInfo(ctx).Result()
		nc.Close()
		if err != nil || !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_size:3") {
			t.Errorf("node %s: %v\n%s", a, err, info)
		}
	}
	// Keys sharing a hash tag can be used together by one command: what the stores rely on.
	if err := c.MSet(ctx, "{tag}:x", 1, "{tag}:y", 2).Err(); err != nil {
		t.Errorf("MSET of one hash tag: %v", err)
	}
}
