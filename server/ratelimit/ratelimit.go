// Package ratelimit wires ulule/limiter for the feedback intake: a per-client-IP rate and a
// per-partner rate, counted in memory (embedded mode) or in Redis shared by every edge (Redis
// mode, falling back to memory while Redis is away), keyed by a client's address (Key). Who the
// client is behind trusted proxies is package clientaddr's. A failing store never blocks or
// panics: the request is let through, a warning logged and a counter raised.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/ulule/limiter/v3"
	"github.com/ulule/limiter/v3/drivers/store/memory"
	limiterredis "github.com/ulule/limiter/v3/drivers/store/redis"
	"github.com/valyala/fasthttp"
)

// Defaults, in limiter's "<limit>-<period>" format.
const (
	DefaultIPRate      = "10-M"
	DefaultPartnerRate = "600-M"
	// DefaultAuthRate is how many failed operator sign-ins one client address may make.
	DefaultAuthRate = "10-M"
	// DefaultPrefix is the Redis key prefix of the counters.
	DefaultPrefix = "signpost:ratelimit"
)

// Config sets up a Limiter.
type Config struct {
	IPRate      string // per client address (DefaultIPRate)
	PartnerRate string // per partner (DefaultPartnerRate)
	AuthRate    string // failed operator authentications per client address (DefaultAuthRate)
	// Redis, when set, holds the counters (shared by every edge); nil counts in memory.
	Redis redis.UniversalClient
	// Prefix of the Redis keys (DefaultPrefix).
	Prefix string
	// Store overrides the store entirely (tests inject a failing one; nothing else should).
	Store limiter.Store
	// Timeout bounds one counter call (default 250 ms): a slow Redis must not slow intake.
	Timeout time.Duration
	Logger  *slog.Logger
}

// Limiter is the intake's pair of rate limits.
type Limiter struct {
	ip, partner, auth *limiter.Limiter
	timeout           time.Duration
	log               *slog.Logger
	store             limiter.Store

	limitedIP, limitedPartner, storeErrors atomic.Int64
	lastWarn                               atomic.Int64
}

// New parses the rates and builds the store. In Redis mode a Redis that is down at startup is
// not an error: counting happens in memory until it answers.
func New(cfg Config) (*Limiter, error) {
	if cfg.IPRate == "" {
		cfg.IPRate = DefaultIPRate
	}
	if cfg.PartnerRate == "" {
		cfg.PartnerRate = DefaultPartnerRate
	}
	if cfg.AuthRate == "" {
		cfg.AuthRate = DefaultAuthRate
	}
	if cfg.Prefix == "" {
		cfg.Prefix = DefaultPrefix
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 250 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	ipRate, err := ParseRate(cfg.IPRate)
	if err != nil {
		return nil, fmt.Errorf("feedback rate: %w", err)
	}
	partnerRate, err := ParseRate(cfg.PartnerRate)
	if err != nil {
		return nil, fmt.Errorf("partner rate: %w", err)
	}
	authRate, err := ParseRate(cfg.AuthRate)
	if err != nil {
		return nil, fmt.Errorf("auth rate: %w", err)
	}
	l := &Limiter{timeout: cfg.Timeout, log: cfg.Logger}
	mem := memory.NewStoreWithOptions(limiter.StoreOptions{Prefix: cfg.Prefix, CleanUpInterval: limiter.DefaultCleanUpInterval})
	switch {
	case cfg.Store != nil:
		l.store = cfg.Store
	case cfg.Redis != nil:
		l.store = newFailover(cfg.Redis, cfg.Prefix, mem, l.warnFallback)
	default:
		l.store = mem
	}
	l.ip = limiter.New(l.store, ipRate)
	l.partner = limiter.New(l.store, partnerRate)
	l.auth = limiter.New(l.store, authRate)
	return l, nil
}

// ParseRate reads limiter's format ("10-M": 10 a minute; periods S, M, H, D), refusing a
// limit under 1, which limiter would accept and then refuse everything.
func ParseRate(s string) (limiter.Rate, error) {
	r, err := limiter.NewRateFromFormatted(s)
	if err != nil {
		return r, fmt.Errorf("%q: want <limit>-<S|M|H|D>, such as 10-M", s)
	}
	if r.Limit < 1 {
		return r, fmt.Errorf("%q: the limit must be at least 1", s)
	}
	return r, nil
}

// Result is the outcome of one count.
type Result struct {
	Limit, Remaining int64
	Reset            int64 // unix seconds when the window ends
	Reached          bool
	// Failed is true when the store failed and the request was let through (no headers).
	Failed bool
}

// Scope names which limit a result is for.
type Scope string

// The scopes.
const (
	ScopeIP      Scope = "ip"
	ScopePartner Scope = "partner"
	// ScopeAuth counts failed operator authentications per client.
	ScopeAuth Scope = "auth"
)

// Allow counts one request against the scope's limit for key (the client key from ClientKey, or
// a partner id).
func (l *Limiter) Allow(ctx context.Context, scope Scope, key string) Result {
	return l.count(ctx, scope, key, false)
}

// Peek reads the scope's count for key without adding to it: Reached once the limit is passed.
func (l *Limiter) Peek(ctx context.Context, scope Scope, key string) Result {
	return l.count(ctx, scope, key, true)
}

func (l *Limiter) count(ctx context.Context, scope Scope, key string, peek bool) Result {
	lim := l.ip
	switch scope {
	case ScopePartner:
		lim = l.partner
	case ScopeAuth:
		lim = l.auth
	}
	ctx, cancel := context.WithTimeout(ctx, l.timeout)
	defer cancel()
	c, err := l.get(ctx, lim, string(scope)+":"+key, peek)
	if err != nil {
		l.warn(err)
		return Result{Failed: true}
	}
	if c.Reached && !peek {
		switch scope {
		case ScopePartner:
			l.limitedPartner.Add(1)
		case ScopeIP:
			l.limitedIP.Add(1)
		}
	}
	return Result{Limit: c.Limit, Remaining: c.Remaining, Reset: c.Reset, Reached: c.Reached}
}

// get calls the store, turning a panic inside it into an error: a broken store must fail open,
// never take the request (or the process) down.
func (l *Limiter) get(ctx context.Context, lim *limiter.Limiter, key string, peek bool) (c limiter.Context, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("rate limit store panicked: %v", v)
		}
	}()
	if peek {
		return lim.Peek(ctx, key)
	}
	return lim.Get(ctx, key)
}

// warn counts a store error and logs it at most every 10 s.
func (l *Limiter) warn(err error) {
	l.storeErrors.Add(1)
	now := time.Now().Unix()
	if last := l.lastWarn.Load(); now-last >= 10 && l.lastWarn.CompareAndSwap(last, now) {
		l.log.Warn("rate limit store failed: letting requests through (fail open)", "err", err)
	}
}

// warnFallback counts a Redis error and logs, at most every 10 s, that counting is in memory.
func (l *Limiter) warnFallback(err error) {
	l.storeErrors.Add(1)
	now := time.Now().Unix()
	if last := l.lastWarn.Load(); now-last >= 10 && l.lastWarn.CompareAndSwap(last, now) {
		l.log.Warn("rate limit: Redis failed, counting in this process's memory until it is back", "err", err)
	}
}

// SetHeaders adds X-RateLimit-Limit, -Remaining and -Reset, and on a limit reached Retry-After
// (seconds until the window ends, at least 1): limiter sends no Retry-After of its own.
func (r Result) SetHeaders(h *fasthttp.ResponseHeader, now time.Time) {
	if r.Failed {
		return
	}
	h.Set("X-RateLimit-Limit", strconv.FormatInt(r.Limit, 10))
	h.Set("X-RateLimit-Remaining", strconv.FormatInt(r.Remaining, 10))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(r.Reset, 10))
	if r.Reached {
		h.Set("Retry-After", strconv.FormatInt(r.RetryAfter(now), 10))
	}
}

// RetryAfter is the whole seconds from now until the window resets, at least 1.
func (r Result) RetryAfter(now time.Time) int64 {
	return max(r.Reset-now.Unix(), 1)
}

// Stats are the limiter's counters for /metrics.
type Stats struct {
	LimitedIP, LimitedPartner, StoreErrors int64
	// Degraded is true in Redis mode while counting falls back to memory.
	Degraded bool
}

// Stats returns the counters.
func (l *Limiter) Stats() Stats {
	s := Stats{LimitedIP: l.limitedIP.Load(), LimitedPartner: l.limitedPartner.Load(), StoreErrors: l.storeErrors.Load()}
	if f, ok := l.store.(*failover); ok {
		s.Degraded = f.degraded()
	}
	return s
}

// failover counts in Redis, and in memory whenever Redis fails: limits stay in force (per
// instance) while Redis is away. limiter's Redis store cannot be built while Redis is down (it
// loads its scripts in the constructor), so building it is retried, at most once a second.
type failover struct {
	client  redis.UniversalClient
	prefix  string
	mem     limiter.Store
	onErr   func(error)
	redis   atomic.Pointer[limiter.Store]
	nextTry atomic.Int64 // unix nanoseconds
	down    atomic.Bool
	// skipUntil (unix nanoseconds): after a failed call, count in memory for a second rather
	// than make every request wait out a Redis that is away; one call a second probes it.
	skipUntil atomic.Int64
}

func newFailover(c redis.UniversalClient, prefix string, mem limiter.Store, onErr func(error)) *failover {
	f := &failover{client: c, prefix: prefix, mem: mem, onErr: onErr}
	f.down.Store(true) // until the store is built
	f.nextTry.Store(time.Now().UnixNano() + int64(time.Second))
	f.build()
	return f
}

var errNotConnected = errors.New("redis rate limit store not built yet")

// connect returns the Redis store, or nil while it is not built; then, at most once a second,
// it starts building it in the background, so no request waits on a Redis that is away.
func (f *failover) connect() limiter.Store {
	if s := f.redis.Load(); s != nil {
		return *s
	}
	now := time.Now().UnixNano()
	next := f.nextTry.Load()
	if now >= next && f.nextTry.CompareAndSwap(next, now+int64(time.Second)) {
		go f.build()
	}
	return nil
}

func (f *failover) build() {
	s, err := limiterredis.NewStoreWithOptions(f.client, limiter.StoreOptions{Prefix: f.prefix})
	if err != nil {
		f.down.Store(true)
		f.onErr(fmt.Errorf("%w: %v", errNotConnected, err))
		return
	}
	f.down.Store(false)
	f.redis.Store(&s)
}

func (f *failover) degraded() bool { return f.down.Load() }

func (f *failover) do(call func(limiter.Store) (limiter.Context, error)) (limiter.Context, error) {
	now := time.Now().UnixNano()
	if skip := f.skipUntil.Load(); now < skip {
		return call(f.mem)
	}
	if s := f.connect(); s != nil {
		c, err := call(s)
		if err == nil {
			f.down.Store(false)
			return c, nil
		}
		f.down.Store(true)
		f.skipUntil.Store(now + int64(time.Second))
		f.onErr(err)
	}
	// Memory never fails; a count here is per instance, which beats no limit at all.
	return call(f.mem)
}

func (f *failover) Get(ctx context.Context, key string, rate limiter.Rate) (limiter.Context, error) {
	return f.do(func(s limiter.Store) (limiter.Context, error) { return s.Get(ctx, key, rate) })
}

func (f *failover) Peek(ctx context.Context, key string, rate limiter.Rate) (limiter.Context, error) {
	return f.do(func(s limiter.Store) (limiter.Context, error) { return s.Peek(ctx, key, rate) })
}

func (f *failover) Reset(ctx context.Context, key string, rate limiter.Rate) (limiter.Context, error) {
	return f.do(func(s limiter.Store) (limiter.Context, error) { return s.Reset(ctx, key, rate) })
}

func (f *failover) Increment(ctx context.Context, key string, count int64, rate limiter.Rate) (limiter.Context, error) {
	return f.do(func(s limiter.Store) (limiter.Context, error) { return s.Increment(ctx, key, count, rate) })
}

// Key is the rate-limit key of a client address: IPv4 as is, IPv6 by its /64, since one
// subscriber is usually handed a whole /64.
func Key(a netip.Addr) string {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}
