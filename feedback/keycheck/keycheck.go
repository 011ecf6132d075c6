// Package keycheck tells whether the edges sharing one Redis hash client addresses with one key
// (EDGE_IP_HASH_KEY). Rate limits, duplicate checks and the no-JavaScript form's tokens key their
// Redis entries by that hash: an edge with a key of its own (EDGE_IP_HASH_KEY unset, so it made
// one in its data dir) counts every visitor afresh, and the limits stop adding up across edges
// with nothing failing. Each edge publishes a fingerprint of its key in Redis every Interval;
// the fingerprint seen first among those still published is the deployment's key, and an edge
// whose key differs is the odd one: its /readyz answers 503 naming the cause and the fix (a
// misconfigured edge joining is kept out of rotation, and the edges that agree keep serving).
// Every edge that sees more than one key says so in /readyz's warnings, the console and /metrics.
//
// Each edge publishes under a field of its own (fingerprint/instance) and removes it when it
// stops: edges restarted together with a new key do not find the old key still published.
package keycheck

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Interval is how often an edge publishes its fingerprint; a fingerprint not published again
// for StaleAfter is an edge that stopped (or changed its key) and is forgotten.
const (
	Interval   = 15 * time.Second
	StaleAfter = 4 * Interval
)

// WarningCode names the disagreement in /readyz's warnings and the console (words:
// warning.ip_hash_key_mismatch).
const WarningCode = "ip_hash_key_mismatch"

// Fingerprint is what an edge publishes of its key: the first 8 bytes of an HMAC of a fixed
// label under the key, in hex. It tells keys apart and gives nothing of the key away.
func Fingerprint(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("signpost ip-hash-key fingerprint v1"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// State is what the last beat saw.
type State struct {
	// Mine is this edge's fingerprint; Agreed the deployment's (the one first seen among those
	// published), which Since says when.
	Mine, Agreed string
	Since        time.Time
	// Others are the fingerprints other than Mine that edges published within StaleAfter.
	Others []string
}

// Mismatch: some edge sharing Redis hashes with another key.
func (s *State) Mismatch() bool { return s != nil && len(s.Others) > 0 }

// Odd: this edge's key is not the deployment's.
func (s *State) Odd() bool { return s.Mismatch() && s.Mine != s.Agreed }

// Problem is the odd edge's reason for /readyz (cause and fix), "" otherwise.
func (s *State) Problem() string {
	if !s.Odd() {
		return ""
	}
	return fmt.Sprintf("ip hash key: this edge's EDGE_IP_HASH_KEY (fingerprint %s) differs from the one the other edges sharing Redis have used since %s (fingerprint %s), so rate limits and duplicate checks do not add up across edges: set the same EDGE_IP_HASH_KEY on every edge and restart this one",
		s.Mine, s.Since.UTC().Format(time.RFC3339), s.Agreed)
}

// Options configure a Check.
type Options struct {
	// Prefix prefixes the Redis key (EDGE_REDIS_PREFIX): "<prefix>edges:ip-hash-keys".
	Prefix string
	// Now is the clock (default time.Now); tests move it to make fingerprints stale.
	Now func() time.Time
	// Interval between beats in Run (default Interval).
	Interval time.Duration
	Logger   *slog.Logger
}

// Check publishes one edge's fingerprint and keeps what the others published.
type Check struct {
	rdb   redis.UniversalClient
	key   string
	mine  string
	field string // mine + "/" + this process's instance id
	o     Options

	mu     sync.Mutex
	state  *State
	seenAt time.Time // when state was read
	warned bool      // the mismatch was logged
}

// New returns the check of an edge whose key has fingerprint mine (Fingerprint).
func New(rdb redis.UniversalClient, mine string, o Options) *Check {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Interval <= 0 {
		o.Interval = Interval
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	var id [6]byte
	_, _ = rand.Read(id[:])
	return &Check{rdb: rdb, key: o.Prefix + "edges:ip-hash-keys", mine: mine, field: mine + "/" + hex.EncodeToString(id[:]), o: o}
}

// Close removes this edge's fingerprint (at shutdown): the others stop counting it at once.
func (c *Check) Close(ctx context.Context) error {
	return c.rdb.HDel(ctx, c.key, c.field).Err()
}

// beatScript publishes the field ARGV[1] at time ARGV[2] (ms) in the hash KEYS[1] ("first:last"
// ms per edge), forgets edges last published before ARGV[2]-ARGV[3], and returns the rest.
// One script: the read sees every edge's last write, and the hash never grows with dead edges.
var beatScript = redis.NewScript(`
local now, stale = tonumber(ARGV[2]), tonumber(ARGV[3])
local first = now
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then first = tonumber(string.match(cur, '^(%d+):')) or now end
redis.call('HSET', KEYS[1], ARGV[1], first .. ':' .. now)
local all = redis.call('HGETALL', KEYS[1])
local out = {}
for i = 1, #all, 2 do
  local last = tonumber(string.match(all[i+1], ':(%d+)$')) or 0
  if last < now - stale then redis.call('HDEL', KEYS[1], all[i])
  else table.insert(out, all[i]); table.insert(out, all[i+1]) end
end
redis.call('PEXPIRE', KEYS[1], 2 * stale)
return out
`)

// Beat publishes this edge's fingerprint and reads the others'. On a Redis error the last
// state is kept until it is StaleAfter old, then forgotten (State: nil, nothing known).
func (c *Check) Beat(ctx context.Context) (*State, error) {
	now := c.o.Now()
	res, err := beatScript.Run(ctx, c.rdb, []string{c.key}, c.field, now.UnixMilli(), StaleAfter.Milliseconds()).StringSlice()
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		if c.state != nil && now.Sub(c.seenAt) > StaleAfter {
			c.state = nil
		}
		return c.state, fmt.Errorf("ip hash key check: %w", err)
	}
	st := c.parse(res)
	c.state, c.seenAt = st, now
	c.log(st)
	return st, nil
}

// parse reads the script's field/value pairs (fingerprint/instance, first:last): the
// fingerprint first seen (ties: the smaller) is the deployment's.
func (c *Check) parse(pairs []string) *State {
	st := &State{Mine: c.mine}
	first := map[string]int64{} // fingerprint: the first time any edge published it
	for i := 0; i+1 < len(pairs); i += 2 {
		fp, _, _ := strings.Cut(pairs[i], "/")
		at, _, _ := strings.Cut(pairs[i+1], ":")
		ms, err := strconv.ParseInt(at, 10, 64)
		if err != nil {
			continue // not written by this script
		}
		if f, ok := first[fp]; !ok || ms < f {
			first[fp] = ms
		}
	}
	for fp, ms := range first {
		if st.Agreed == "" || ms < st.Since.UnixMilli() || ms == st.Since.UnixMilli() && fp < st.Agreed {
			st.Agreed, st.Since = fp, time.UnixMilli(ms)
		}
		if fp != c.mine {
			st.Others = append(st.Others, fp)
		}
	}
	sort.Strings(st.Others)
	return st
}

// log says once per disagreement, at its start, what is wrong, and when it ends.
func (c *Check) log(st *State) {
	switch {
	case st.Mismatch() && !c.warned:
		c.warned = true
		if st.Odd() {
			c.o.Logger.Error(st.Problem())
		} else {
			c.o.Logger.Error("ip hash key: another edge sharing Redis hashes client addresses with a different EDGE_IP_HASH_KEY; its /readyz answers 503 until it has this edge's key",
				"mine", st.Mine, "others", st.Others)
		}
	case !st.Mismatch() && c.warned:
		c.warned = false
		c.o.Logger.Info("ip hash key: every edge sharing Redis has the same key again", "fingerprint", st.Mine)
	}
}

// State is what the last beat saw; nil before the first beat that reached Redis.
func (c *Check) State() *State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Problem is the odd edge's reason for /readyz, "" otherwise (State.Problem).
func (c *Check) Problem() string { return c.State().Problem() }

// Warnings are the codes of /readyz's warnings and the console's: WarningCode while edges
// disagree, on every edge that sees it.
func (c *Check) Warnings() []string {
	if c.State().Mismatch() {
		return []string{WarningCode}
	}
	return nil
}

// Run beats every Interval until ctx ends, logging Redis errors at most once a minute.
func (c *Check) Run(ctx context.Context) {
	t := time.NewTicker(c.o.Interval)
	defer t.Stop()
	var lastErr time.Time
	for {
		bctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		_, err := c.Beat(bctx)
		cancel()
		if err != nil && ctx.Err() == nil && time.Since(lastErr) > time.Minute {
			lastErr = time.Now()
			c.o.Logger.Warn("ip hash key check: Redis unreachable; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
