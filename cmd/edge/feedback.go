package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	neturl "net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/feedback/redisstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/ratelimit"
)

// spoolDir is where a Redis-mode edge spools feedback while Redis is away, under the data dir.
const spoolDir = "spool"

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

// parseRetention reads a retention such as "200d", "72h" or "4800h".
func parseRetention(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("retention %q: want days such as 200d, or a duration such as 720h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("retention %q: want days such as 200d, or a duration such as 720h", s)
	}
	return d, nil
}

// redisLogger sends go-redis's own messages to slog at debug level.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.Debug(fmt.Sprintf(format, v...), "source", "go-redis")
}

// intake is the feedback wiring of one serving edge.
type intake struct {
	store  feedback.Store
	limits *ratelimit.Limiter
	hasher *feedback.IPHasher
	rdb    redis.UniversalClient
	rs     *redisstore.Store
	mode   string
}

type intakeOptions struct {
	dataDir, redisURL   string
	sentinelMaster      string
	ipRate, partnerRate string
	ipHashKey           string
	log                 *slog.Logger
}

// openIntake opens the store and rate limits of the mode configured: the fsynced log under the
// data dir, or a Redis stream with a local spool and Redis-counted limits. Redis being down at
// startup is not fatal in Redis mode: feedback spools and limits count in memory until it is back.
func openIntake(o intakeOptions) (*intake, error) {
	in := &intake{mode: "embedded"}
	key, fromEnv, err := feedback.LoadIPHashKey(o.ipHashKey, o.dataDir)
	if err != nil {
		return nil, err
	}
	if in.hasher, err = feedback.NewIPHasher(key); err != nil {
		return nil, err
	}
	rl := ratelimit.Config{IPRate: o.ipRate, PartnerRate: o.partnerRate, Logger: o.log}
	if o.redisURL != "" {
		in.mode = "redis"
		if !fromEnv {
			o.log.Warn("EDGE_IP_HASH_KEY is not set: this edge hashes client addresses with its own key, so duplicates and per-visitor counts do not line up across edges sharing Redis",
				"key_file", filepath.Join(o.dataDir, feedback.IPHashKeyFile))
		}
		// go-redis logs every failed dial; the edge logs Redis outages itself, throttled.
		redis.SetLogger(redisLogger{o.log})
		if in.rdb, err = newRedisClient(o.redisURL, o.sentinelMaster); err != nil {
			return nil, err
		}
		if in.rs, err = redisstore.Open(in.rdb, redisstore.Options{SpoolDir: filepath.Join(o.dataDir, spoolDir), Logger: o.log}); err != nil {
			in.rdb.Close()
			return nil, err
		}
		in.store = in.rs
		rl.Redis = in.rdb
		go warnIfVolatile(in.rdb, o.log)
	} else {
		if in.store, err = logstore.Open(o.dataDir, logstore.Options{Logger: o.log}, nil); err != nil {
			return nil, err
		}
	}
	if in.limits, err = ratelimit.New(rl); err != nil {
		in.Close()
		return nil, err
	}
	return in, nil
}

// health names what is degraded, for /readyz.
func (in *intake) health(ctx context.Context) []string {
	if in.rdb == nil {
		if f, ok := in.store.(interface{ Failed() error }); ok {
			if err := f.Failed(); err != nil {
				return []string{err.Error()}
			}
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var d []string
	if err := in.rdb.Ping(ctx).Err(); err != nil {
		d = append(d, "redis: "+err.Error())
	}
	if n := in.rs.Stats().SpoolDepth; n > 0 {
		d = append(d, fmt.Sprintf("feedback spool: %d records waiting for Redis", n))
	}
	return d
}

func (in *intake) spool() server.SpoolStats {
	if in.rs == nil {
		return server.SpoolStats{}
	}
	st := in.rs.Stats()
	return server.SpoolStats{Spooled: st.Spooled, Replayed: st.Replayed, Depth: st.SpoolDepth}
}

// purgeFollowups deletes follow-up emails past retention now and then every hour until ctx ends.
func (in *intake) purgeFollowups(ctx context.Context, retention time.Duration, log *slog.Logger) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		n, err := in.store.PurgeFollowups(ctx, time.Now().Add(-retention))
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("follow-up retention: purge failed; will retry", "err", err)
		case n > 0:
			log.Info("follow-up retention: deleted emails past the window", "count", n, "retention", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Close flushes and closes the store and the Redis client.
func (in *intake) Close() {
	if in.store != nil {
		in.store.Close()
	}
	if in.rdb != nil {
		in.rdb.Close()
	}
}

// feedbackCmd runs `edge feedback export|followups`.
func feedbackCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "usage: edge feedback export [--format csv|jsonl] [--since RFC3339] [--partner ID]\n       edge feedback followups [--format csv|jsonl]")
		return exitUsage
	}
	sub, args := args[0], args[1:]
	if sub != "export" && sub != "followups" {
		fmt.Fprintf(stderr, "edge feedback: unknown command %q (want export or followups)\n", sub)
		return exitUsage
	}
	fs := flag.NewFlagSet("edge feedback "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	dataDir := fs.String("data-dir", envString(getenv, "EDGE_DATA_DIR", "./data"), "data dir of an embedded edge (EDGE_DATA_DIR)")
	redisURL := fs.String("redis-url", getenv("EDGE_REDIS_URL"), "read from Redis instead (EDGE_REDIS_URL)")
	defFormat := feedback.FormatCSV
	format := fs.String("format", defFormat, "csv or jsonl")
	var since, partner *string
	if sub == "export" {
		since = fs.String("since", "", "only records received at or after this RFC 3339 time")
		partner = fs.String("partner", "", "only this partner's records")
	}
	retention := fs.String("retention", envString(getenv, "EDGE_FOLLOWUP_RETENTION", "200d"), "follow-ups older than this are not listed (EDGE_FOLLOWUP_RETENTION)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "edge feedback %s: unexpected argument %q\n", sub, fs.Arg(0))
		return exitUsage
	}
	if err := feedback.CheckFormat(*format); err != nil {
		fmt.Fprintln(stderr, "edge feedback:", err)
		return exitUsage
	}
	var f feedback.Filter
	if sub == "export" {
		if *since != "" {
			t, err := time.Parse(time.RFC3339, *since)
			if err != nil {
				fmt.Fprintf(stderr, "edge feedback: --since %q: want an RFC 3339 time such as 2026-11-01T00:00:00Z\n", *since)
				return exitUsage
			}
			f.Since = t
		}
		f.Partner = *partner
	}
	ret, err := parseRetention(*retention)
	if err != nil {
		fmt.Fprintln(stderr, "edge feedback:", err)
		return exitUsage
	}
	var st feedback.Store
	if *redisURL != "" {
		rdb, err := newRedisClient(*redisURL, getenv("EDGE_REDIS_SENTINEL_MASTER"))
		if err != nil {
			fmt.Fprintln(stderr, "edge feedback:", err)
			return exitUsage
		}
		defer rdb.Close()
		st = redisstore.OpenReader(rdb, "")
	} else {
		if _, err := os.Stat(filepath.Join(*dataDir, logstore.RecordsDir)); errors.Is(err, os.ErrNotExist) {
			fmt.Fprintf(stderr, "edge feedback: no feedback under %s (set --data-dir or EDGE_DATA_DIR)\n", *dataDir)
			return 1
		}
		st = logstore.OpenReadOnly(*dataDir)
	}
	defer st.Close()
	ctx := context.Background()
	if sub == "followups" {
		err = feedback.ExportFollowups(ctx, st, feedback.Filter{Since: time.Now().Add(-ret)}, *format, stdout)
	} else {
		err = feedback.ExportRecords(ctx, st, f, *format, stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "edge feedback:", err)
		return 1
	}
	return 0
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
