package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/keycheck"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/feedback/redisstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/ratelimit"
)

// spoolDir is where a Redis-mode edge spools feedback while Redis is away, under the data dir.
const spoolDir = "spool"

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

// intake is the feedback wiring of one serving edge: the store, the rate limits and the
// client-address key. In Redis mode it uses the wiring's Redis client, which it does not own.
type intake struct {
	store  feedback.Store
	limits *ratelimit.Limiter
	hasher *feedback.IPHasher
	// fingerprint is the key's, which edges sharing Redis compare (keycheck).
	fingerprint string
	rs          *redisstore.Store // the store, in Redis mode
}

type intakeOptions struct {
	dataDir             string
	rdb                 redis.UniversalClient // nil: embedded
	ipRate, partnerRate string
	ipHashKey           string
	log                 *slog.Logger
}

// openIntake opens the store and rate limits of the mode configured: the fsynced log under the
// data dir, or a Redis stream with a local spool and Redis-counted limits. Redis being down at
// startup is not fatal in Redis mode: feedback spools and limits count in memory until it is back.
func openIntake(o intakeOptions) (*intake, error) {
	in := &intake{}
	key, fromEnv, err := feedback.LoadIPHashKey(o.ipHashKey, o.dataDir)
	if err != nil {
		return nil, err
	}
	if in.hasher, err = feedback.NewIPHasher(key); err != nil {
		return nil, err
	}
	in.fingerprint = keycheck.Fingerprint(key)
	rl := ratelimit.Config{IPRate: o.ipRate, PartnerRate: o.partnerRate, Logger: o.log}
	if o.rdb != nil {
		if !fromEnv {
			o.log.Warn("EDGE_IP_HASH_KEY is not set: this edge hashes client addresses with its own key, so duplicates and per-visitor counts do not line up across edges sharing Redis (its /readyz answers 503 if another edge has another key)",
				"key_file", filepath.Join(o.dataDir, feedback.IPHashKeyFile))
		}
		if in.rs, err = redisstore.Open(o.rdb, redisstore.Options{SpoolDir: filepath.Join(o.dataDir, spoolDir), Logger: o.log}); err != nil {
			return nil, err
		}
		in.store = in.rs
		rl.Redis = o.rdb
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

// degraded names what is wrong with the feedback store, for /readyz: the embedded log's
// failure, or records spooled while Redis is away.
func (in *intake) degraded() []string {
	if in.rs != nil {
		if n := in.rs.Stats().SpoolDepth; n > 0 {
			return []string{fmt.Sprintf("feedback spool: %d records waiting for Redis", n)}
		}
		return nil
	}
	if f, ok := in.store.(interface{ Failed() error }); ok {
		if err := f.Failed(); err != nil {
			return []string{err.Error()}
		}
	}
	return nil
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

// Close flushes and closes the store (not the Redis client: the wiring closes it).
func (in *intake) Close() {
	if in.store != nil {
		in.store.Close()
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
	st, closeStore, err := openFeedbackReader(*dataDir, *redisURL, getenv("EDGE_REDIS_SENTINEL_MASTER"))
	if err != nil {
		fmt.Fprintln(stderr, "edge feedback:", err)
		return exitStatus(err)
	}
	defer closeStore()
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

// openFeedbackReader opens the feedback store `edge feedback` reads: Redis (a client of its own)
// when redisURL is set, else the embedded log under dataDir. done closes the store and the
// client.
func openFeedbackReader(dataDir, redisURL, sentinelMaster string) (st feedback.Store, done func(), err error) {
	if redisURL != "" {
		rdb, err := newRedisClient(redisURL, sentinelMaster)
		if err != nil {
			return nil, nil, usageError{err}
		}
		st := redisstore.OpenReader(rdb, "")
		return st, func() { st.Close(); rdb.Close() }, nil
	}
	if _, err := os.Stat(filepath.Join(dataDir, logstore.RecordsDir)); errors.Is(err, os.ErrNotExist) {
		return nil, nil, fmt.Errorf("no feedback under %s (set --data-dir or EDGE_DATA_DIR)", dataDir)
	}
	st = logstore.OpenReadOnly(dataDir)
	return st, func() { st.Close() }, nil
}
