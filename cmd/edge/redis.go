package main

import (
	"context"
	"fmt"
	"log/slog"
	neturl "net/url"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// newRedisClient builds the go-redis client for EDGE_REDIS_URL: with EDGE_REDIS_SENTINEL_MASTER,
// the master Sentinel names, the URL listing the sentinels (comma-separated); a comma-separated
// list of nodes, a Cluster; a URL naming master_name=, Sentinel; a URL with more nodes as addr=,
// a Cluster; else one server.
func newRedisClient(url, sentinelMaster string) (redis.UniversalClient, error) {
	if strings.Contains(url, ",") || sentinelMaster != "" {
		return newRedisClientFromList(url, sentinelMaster)
	}
	u, err := neturl.Parse(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(url)
		if err != nil {
			return nil, fmt.Errorf("redis url (sentinel): %w", err)
		}
		o.MaxRetries, o.DialTimeout, o.ContextTimeoutEnabled = redisRetries, redisDialTimeout, true
		return redis.NewFailoverClient(o), nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(url)
		if err != nil {
			return nil, fmt.Errorf("redis url (cluster): %w", err)
		}
		o.MaxRetries, o.DialTimeout, o.ContextTimeoutEnabled = redisRetries, redisDialTimeout, true
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redis url: %w", err)
	}
	o.MaxRetries, o.DialTimeout, o.ContextTimeoutEnabled = redisRetries, redisDialTimeout, true
	return redis.NewClient(o), nil
}

// newRedisClientFromList reads "redis://user:pass@h1:6379,h2:6379,h3:6379" (or bare host:port
// items): credentials, database and TLS from the first item, an address from each.
func newRedisClientFromList(url, sentinelMaster string) (redis.UniversalClient, error) {
	var base *redis.Options
	var addrs []string
	for _, part := range strings.Split(url, ",") {
		part = strings.TrimSpace(part)
		if !strings.Contains(part, "://") {
			scheme := "redis://"
			if base != nil && base.TLSConfig != nil {
				scheme = "rediss://"
			}
			part = scheme + part
		}
		o, err := redis.ParseURL(part)
		if err != nil {
			return nil, fmt.Errorf("redis url %q: %w", part, err)
		}
		if base == nil {
			base = o
		}
		addrs = append(addrs, o.Addr)
	}
	if sentinelMaster != "" {
		return redis.NewFailoverClient(&redis.FailoverOptions{MasterName: sentinelMaster, SentinelAddrs: addrs,
			Username: base.Username, Password: base.Password, DB: base.DB, TLSConfig: base.TLSConfig,
			MaxRetries: redisRetries, DialTimeout: redisDialTimeout, ContextTimeoutEnabled: true}), nil
	}
	return redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, Username: base.Username, Password: base.Password,
		TLSConfig: base.TLSConfig, MaxRetries: redisRetries, DialTimeout: redisDialTimeout, ContextTimeoutEnabled: true}), nil
}

// A Redis that is down must cost a request little: one retry and a short dial, after which the
// caller's fallback (spool, memory counters, last-known-good content) takes over.
const (
	redisRetries     = 1
	redisDialTimeout = 500 * time.Millisecond
)

// redisLogger sends go-redis's own messages to slog at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.Debug(fmt.Sprintf(format, v...), "source", "go-redis")
}

// warnIfVolatile says loudly when Redis keeps nothing on disk: a 202 then means "in Redis
// memory", and a Redis restart loses acknowledged feedback. (WAITAOF would make each ack wait
// for the AOF, but needs Redis 7.2 and AOF on; the deployment decides.)
func warnIfVolatile(rdb redis.UniversalClient, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	v, err := rdb.ConfigGet(ctx, "appendonly").Result()
	if err != nil {
		return // unreachable, or CONFIG disabled (managed Redis): nothing to say
	}
	if v["appendonly"] == "no" {
		log.Warn("Redis runs without AOF (appendonly no): acknowledged feedback and content versions live in its memory and in its snapshots only; a Redis restart can lose the newest. Turn on appendonly with appendfsync everysec or always for the durability the 202 promises")
	}
}
