// Package redisstore is the content store every edge shares in Redis mode: versions and the
// current pointer live in one Redis deployment (single, Sentinel or
// Cluster), so a change published on one edge is the current content of all of them.
//
// Every key is "<prefix>{content}:…": the one hash tag puts them all in one Cluster slot, so the
// Lua scripts that check the expected version, allocate the next number, store the version,
// move the pointer and append to the history do it atomically on Cluster too. The script also
// publishes {"version":N} on "<prefix>events"; watchers subscribe to it and poll the pointer
// as a backstop for messages missed while disconnected.
//
// Keys (prefix "signpost:"):
//
//	signpost:{content}:current   number of the current version
//	signpost:{content}:seq       last number allocated
//	signpost:{content}:v:<n>     hash: content, author, note, created_at, digest
//	signpost:{content}:history   list of numbers, newest first
//	signpost:{content}:audit     the operator audit log: package auditlog's, not this store's
//	signpost:{content}:widgets   hash: built widget bundles by hash (pinned URLs)
//	signpost:{content}:draft:<id> an operator's draft preview, expiring after 15 minutes
package redisstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/rediserr"
)

// DefaultPrefix is the default key prefix (EDGE_REDIS_PREFIX).
const DefaultPrefix = "signpost:"

// Defaults of the options.
const (
	DefaultPollInterval = 2 * time.Second
	DefaultTimeout      = 2 * time.Second
)

// Seed metadata: what version 1 says when it comes from the shipped content.
const (
	SeedAuthor = "seed"
	SeedNote   = "shipped configs/content.yaml"
)

// watchBuffer is each watcher's channel size; when it is full the oldest pending delivery is
// dropped, never the newest.
const watchBuffer = 8

// initScript stores a version and makes it current, only when there is no current version: the
// seed on a new deployment (several edges starting at once store it once), or, after Redis lost
// its data, the newest version the calling edge knew (same number, so numbers never repeat).
//
// KEYS: current, seq, history, the version's key.
// ARGV: number, content, author, note, created_at, digest, events channel.
// Returns 1 when it stored the version, 0 when the current version is already as new or newer.
var initScript = redis.NewScript(`
local n = tonumber(ARGV[1])
local cur = redis.pcall('GET', KEYS[1])
if type(cur) == 'table' and cur.err then return 0 end -- a damaged pointer: leave it for readers to report
if cur and (tonumber(cur) == nil or tonumber(cur) >= n) then return 0 end
redis.call('HSET', KEYS[4], 'content', ARGV[2], 'author', ARGV[3], 'note', ARGV[4], 'created_at', ARGV[5], 'digest', ARGV[6])
local seq = tonumber(redis.call('GET', KEYS[2]) or '0')
if seq < n then redis.call('SET', KEYS[2], n) end
redis.call('SET', KEYS[1], n)
redis.call('LREM', KEYS[3], 0, n)
redis.call('LPUSH', KEYS[3], n)
redis.call('PUBLISH', ARGV[7], '{"version":' .. n .. '}')
return 1
`)

// putScript stores a new version if the current one is still the expected one.
//
// KEYS: current, seq, history, version key prefix (the number is appended; same hash tag).
// ARGV: ifMatch (0: no check), content, author, note, created_at, digest, events channel.
// Returns {"ok", number}, {"conflict", current} or {"empty", 0} (no current version: Redis lost
// its data; the caller restores and retries).
var putScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if not cur then return {'empty', 0} end
cur = tonumber(cur)
local want = tonumber(ARGV[1])
if want ~= 0 and want ~= cur then return {'conflict', cur} end
local n = redis.call('INCR', KEYS[2])
if n <= cur then
  n = cur + 1
  redis.call('SET', KEYS[2], n)
end
redis.call('HSET', KEYS[4] .. n, 'content', ARGV[2], 'author', ARGV[3], 'note', ARGV[4], 'created_at', ARGV[5], 'digest', ARGV[6])
redis.call('SET', KEYS[1], n)
redis.call('LPUSH', KEYS[3], n)
redis.call('PUBLISH', ARGV[7], '{"version":' .. n .. '}')
return {'ok', n}
`)

// currentScript reads the current number and its version in one step.
//
// KEYS: current, version key prefix. ARGV: "1" to include the content.
// Returns nil when there is no current version, else {number, content or "", author, note,
// created_at, digest}.
var currentScript = redis.NewScript(`
local n = redis.call('GET', KEYS[1])
if not n then return false end
local f = redis.call('HMGET', KEYS[2] .. n, 'author', 'note', 'created_at', 'digest')
local content = ''
if ARGV[1] == '1' then content = redis.call('HGET', KEYS[2] .. n, 'content') end
return {n, content, f[1], f[2], f[3], f[4]}
`)

// historyScript lists the versions' metadata, newest first.
//
// KEYS: history, version key prefix. Returns a list of {number, author, note, created_at, digest}.
var historyScript = redis.NewScript(`
local out = {}
for _, n in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local f = redis.call('HMGET', KEYS[2] .. n, 'author', 'note', 'created_at', 'digest')
  if f[4] then out[#out + 1] = {n, f[1], f[2], f[3], f[4]} end
end
return out
`)

// Option tunes a Store.
type Option func(*options)

type options struct {
	poll    time.Duration
	timeout time.Duration
	log     *slog.Logger
	known   *known
}

// WithKnown tells the store the newest version this edge served before (its last-known-good
// snapshot), so that a Redis that comes back empty gets that version back, with its number,
// rather than the seed: published content is never silently undone.
func WithKnown(src []byte, v contentstore.Version) Option {
	return func(o *options) { o.known = &known{src: bytes.Clone(src), v: v} }
}

// WithPollInterval sets how often watchers read the current pointer as a backstop for missed
// pub/sub messages (DefaultPollInterval). It bounds how late an edge can learn of a change
// published while its subscription was down.
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.poll = d } }

// WithTimeout bounds each Redis call (DefaultTimeout): past it the call fails with
// ErrUnavailable instead of holding a request. For reads to honour it the client needs
// ContextTimeoutEnabled (dials and retries honour it regardless).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithLogger sets the logger (slog.Default).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Store is the Redis contentstore.Store.
type Store struct {
	rdb      redis.UniversalClient
	keys     keys
	channel  string
	seed     []byte
	validate contentstore.Validate
	now      func() time.Time
	opts     options

	mu     sync.Mutex
	known  *known // the newest version this instance has seen, restored if Redis comes back empty
	closed bool
	done   chan struct{}
	wg     sync.WaitGroup
}

var _ contentstore.Store = (*Store)(nil)

type known struct {
	src []byte
	v   contentstore.Version
}

type keys struct{ current, seq, history, version string }

func newKeys(prefix string) keys {
	p := prefix + "{content}:"
	return keys{current: p + "current", seq: p + "seq", history: p + "history", version: p + "v:"}
}

// Open returns the store under prefix ("" : DefaultPrefix) and seeds version 1 from seed
// (author "seed") if the deployment holds no content yet. It succeeds while Redis is down:
// calls then fail with ErrUnavailable (the caller serves its last-known-good snapshot) and
// the seed is stored on the first call that reaches an empty Redis. The caller keeps
// ownership of client; Close does not close it.
func Open(ctx context.Context, client redis.UniversalClient, prefix string, seed []byte, validate contentstore.Validate,
	now func() time.Time, opts ...Option) (*Store, error) {
	if client == nil {
		return nil, errors.New("redisstore: a Redis client is required")
	}
	if validate == nil {
		return nil, errors.New("redisstore: a validate func is required: invalid content must never become current")
	}
	if err := validate(seed); err != nil {
		return nil, fmt.Errorf("redisstore: the seed content is not valid: %w", err)
	}
	if prefix == "" {
		prefix = DefaultPrefix
	}
	if now == nil {
		now = time.Now
	}
	o := options{poll: DefaultPollInterval, timeout: DefaultTimeout, log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	if o.poll <= 0 {
		o.poll = DefaultPollInterval
	}
	if o.timeout <= 0 {
		o.timeout = DefaultTimeout
	}
	s := &Store{rdb: client, keys: newKeys(prefix), channel: prefix + "events", seed: seed, validate: validate,
		now: now, opts: o, done: make(chan struct{}), known: o.known}
	if err := s.init(ctx); err != nil {
		if !errors.Is(err, contentstore.ErrUnavailable) {
			return nil, err
		}
		o.log.Warn("Redis unreachable: content store opened; it seeds or reads content once Redis is back", "err", err)
	}
	return s, nil
}

// Channel is the pub/sub channel new versions are announced on ("<prefix>events").
func (s *Store) Channel() string { return s.channel }

// op bounds one Redis call.
func (s *Store) op(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.opts.timeout)
}

// fail classifies a Redis error: unreachable (connection, timeout, cluster down, loading) is
// ErrUnavailable; the caller's own cancellation stays itself; anything else (a bug, a damaged
// key) passes through.
func fail(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if ctx.Err() != nil {
		return fmt.Errorf("redisstore: %w", ctx.Err())
	}
	if rediserr.Unavailable(err) {
		return fmt.Errorf("%w: %w", contentstore.ErrUnavailable, err)
	}
	return fmt.Errorf("redisstore: %w", err)
}

// init stores the seed, or the newest version this instance knows, when Redis holds no
// current version.
func (s *Store) init(ctx context.Context) error {
	s.mu.Lock()
	k := s.known
	s.mu.Unlock()
	restoring := k != nil
	if !restoring {
		k = &known{src: s.seed, v: contentstore.Version{Number: 1, Author: SeedAuthor, Note: SeedNote,
			CreatedAt: s.now().UTC(), Digest: contentstore.Digest(s.seed)}}
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	stored, err := initScript.Run(octx, s.rdb,
		[]string{s.keys.current, s.keys.seq, s.keys.history, s.versionKey(k.v.Number)},
		k.v.Number, k.src, k.v.Author, k.v.Note, formatTime(k.v.CreatedAt), k.v.Digest, s.channel).Int()
	if err != nil {
		return fail(ctx, err)
	}
	if stored == 1 && restoring {
		s.opts.log.Warn("Redis held no content (restarted without its data?): restored the newest version this edge knew",
			"version", k.v.Number)
	}
	return nil
}

func (s *Store) versionKey(n int64) string { return s.keys.version + strconv.FormatInt(n, 10) }

// remember keeps the newest version seen, for init.
func (s *Store) remember(src []byte, v contentstore.Version) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.known == nil || v.Number >= s.known.v.Number {
		s.known = &known{src: bytes.Clone(src), v: v}
	}
}

func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// Current implements contentstore.Store.
func (s *Store) Current(ctx context.Context) ([]byte, contentstore.Version, error) {
	return s.current(ctx, true)
}

// current reads the current version (and content); an empty Redis is seeded or restored once.
func (s *Store) current(ctx context.Context, withContent bool) ([]byte, contentstore.Version, error) {
	flag := "0"
	if withContent {
		flag = "1"
	}
	for range 2 {
		octx, cancel := s.op(ctx)
		res, err := currentScript.Run(octx, s.rdb, []string{s.keys.current, s.keys.version}, flag).Slice()
		cancel()
		if errors.Is(err, redis.Nil) {
			if err := s.init(ctx); err != nil {
				return nil, contentstore.Version{}, err
			}
			continue
		}
		if err != nil {
			return nil, contentstore.Version{}, fail(ctx, err)
		}
		if len(res) != 6 {
			return nil, contentstore.Version{}, fmt.Errorf("redisstore: unexpected reply %v", res)
		}
		n, err := strconv.ParseInt(str(res[0]), 10, 64)
		if err != nil {
			return nil, contentstore.Version{}, fmt.Errorf("redisstore: damaged current pointer %q", str(res[0]))
		}
		v, err := parseVersion(n, res[2:])
		if err != nil {
			return nil, contentstore.Version{}, err
		}
		// Lower than a version this edge has seen: Redis lost its data and another edge
		// restored an older one (or the seed) first. Put the newer one back (the script
		// only ever raises the pointer), so edges converge on the newest, never undo it.
		s.mu.Lock()
		newer := s.known != nil && s.known.v.Number > n
		s.mu.Unlock()
		if newer {
			if err := s.init(ctx); err != nil {
				return nil, contentstore.Version{}, err
			}
			continue
		}
		src := []byte(str(res[1]))
		if withContent {
			if contentstore.Digest(src) != v.Digest {
				return nil, contentstore.Version{}, fmt.Errorf("redisstore: version %d: content does not match its digest", n)
			}
			s.remember(src, v)
		}
		return src, v, nil
	}
	return nil, contentstore.Version{}, fmt.Errorf("%w: Redis lost its content again while it was being restored", contentstore.ErrUnavailable)
}

func str(x any) string {
	s, _ := x.(string)
	return s
}

// parseVersion reads author, note, created_at, digest.
func parseVersion(n int64, f []any) (contentstore.Version, error) {
	if len(f) != 4 || f[3] == nil {
		return contentstore.Version{}, fmt.Errorf("redisstore: version %d: metadata missing", n)
	}
	at, err := time.Parse(time.RFC3339Nano, str(f[2]))
	if err != nil {
		return contentstore.Version{}, fmt.Errorf("redisstore: version %d: bad created_at: %w", n, err)
	}
	return contentstore.Version{Number: n, Author: str(f[0]), Note: str(f[1]), CreatedAt: at, Digest: str(f[3])}, nil
}

// Put implements contentstore.Store: validate here, then one script.
func (s *Store) Put(ctx context.Context, src []byte, author, note string, ifMatch int64) (contentstore.Version, error) {
	if err := s.validate(src); err != nil {
		return contentstore.Version{}, fmt.Errorf("invalid content: %w", err)
	}
	return s.put(ctx, src, author, note, ifMatch)
}

func (s *Store) put(ctx context.Context, src []byte, author, note string, ifMatch int64) (contentstore.Version, error) {
	v := contentstore.Version{Author: author, Note: note, CreatedAt: s.now().UTC(), Digest: contentstore.Digest(src)}
	for range 2 {
		octx, cancel := s.op(ctx)
		res, err := putScript.Run(octx, s.rdb, []string{s.keys.current, s.keys.seq, s.keys.history, s.keys.version},
			ifMatch, src, author, note, formatTime(v.CreatedAt), v.Digest, s.channel).Slice()
		cancel()
		if err != nil {
			return contentstore.Version{}, fail(ctx, err)
		}
		if len(res) != 2 {
			return contentstore.Version{}, fmt.Errorf("redisstore: unexpected reply %v", res)
		}
		n, _ := res[1].(int64)
		switch str(res[0]) {
		case "ok":
			v.Number = n
			s.remember(src, v)
			return v, nil
		case "conflict":
			return contentstore.Version{}, fmt.Errorf("%w (current is %d, not %d)", contentstore.ErrConflict, n, ifMatch)
		case "empty":
			if err := s.init(ctx); err != nil {
				return contentstore.Version{}, err
			}
		default:
			return contentstore.Version{}, fmt.Errorf("redisstore: unexpected reply %v", res)
		}
	}
	return contentstore.Version{}, fmt.Errorf("%w: Redis lost its content again while it was being restored", contentstore.ErrUnavailable)
}

// History implements contentstore.Store.
func (s *Store) History(ctx context.Context) ([]contentstore.Version, error) {
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := historyScript.Run(octx, s.rdb, []string{s.keys.history, s.keys.version}).Slice()
	if err != nil {
		return nil, fail(ctx, err)
	}
	out := make([]contentstore.Version, 0, len(res))
	for _, r := range res {
		f, ok := r.([]any)
		if !ok || len(f) != 5 {
			return nil, fmt.Errorf("redisstore: unexpected history entry %v", r)
		}
		n, err := strconv.ParseInt(str(f[0]), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("redisstore: damaged history entry %v", f[0])
		}
		v, err := parseVersion(n, f[1:])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Get implements contentstore.Store. Versions never change once stored.
func (s *Store) Get(ctx context.Context, number int64) ([]byte, contentstore.Version, error) {
	if number <= 0 {
		return nil, contentstore.Version{}, fmt.Errorf("%w: %d", contentstore.ErrNotFound, number)
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	f, err := s.rdb.HMGet(octx, s.versionKey(number), "content", "author", "note", "created_at", "digest").Result()
	if err != nil {
		return nil, contentstore.Version{}, fail(ctx, err)
	}
	if len(f) != 5 || f[0] == nil {
		return nil, contentstore.Version{}, fmt.Errorf("%w: %d", contentstore.ErrNotFound, number)
	}
	v, err := parseVersion(number, f[1:])
	if err != nil {
		return nil, contentstore.Version{}, err
	}
	src := []byte(str(f[0]))
	if contentstore.Digest(src) != v.Digest {
		return nil, contentstore.Version{}, fmt.Errorf("redisstore: version %d: content does not match its digest", number)
	}
	return src, v, nil
}

// Rollback implements contentstore.Store: the old content is validated again (the rules may
// have changed since) and stored as a new version by the same script as Put.
func (s *Store) Rollback(ctx context.Context, to int64, author, note string, ifMatch int64) (contentstore.Version, error) {
	src, _, err := s.Get(ctx, to)
	if err != nil {
		return contentstore.Version{}, err
	}
	if err := s.validate(src); err != nil {
		return contentstore.Version{}, fmt.Errorf("version %d is not valid by the current rules: %w", to, err)
	}
	return s.put(ctx, src, author, note, ifMatch)
}
