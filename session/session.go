// Package session keeps the server-side sessions of people signed in to the console through
// OpenID Connect, and the single-use records of sign-ins under way (state -> PKCE verifier,
// nonce, browser binding). Two backings sit behind one Store, side by side: files under the
// data dir (embedded mode, NewFile) and Redis keys every edge shares (Redis mode, NewRedis), so
// that any edge honours a session and a sign-out ends it everywhere.
//
// Neither backing holds a session id or a state as given: each is stored under the SHA-256 of
// it, so a leaked data dir or Redis dump cannot be replayed as a cookie, and an id is found by
// a lookup on its hash, never compared byte by byte. A value not of the shape this package
// makes is refused before any storage is touched.
//
// A session ends when it has not been seen for Idle or was created Absolute ago, whichever
// comes first; both are checked on the Store's clock at every Get. Seen is recorded at most once
// per Refresh, so that a page load is a read, not a write.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/signpost/edge/internal/fault"
)

// Defaults of Config.
const (
	DefaultIdle       = 30 * time.Minute
	DefaultAbsolute   = 12 * time.Hour
	DefaultPendingTTL = 10 * time.Minute
	// DefaultTimeout bounds one Redis call.
	DefaultTimeout = 2 * time.Second
)

// Person is who a session is for, as the identity provider named them and the claims mapped.
type Person struct {
	Subject  string   `json:"subject"` // the ID token's "sub", unique within Provider
	Email    string   `json:"email,omitempty"`
	Name     string   `json:"name,omitempty"`
	Provider string   `json:"provider,omitempty"`
	Scopes   []string `json:"scopes"`
	// Partners limits the person to these partners; nil is every partner, an empty list none.
	// The difference survives storage.
	Partners []string `json:"partners"`
}

// Session is a signed-in person, the session's CSRF token, and when it began and was last seen.
type Session struct {
	Person
	CSRF    string    `json:"csrf"`
	Created time.Time `json:"created"`
	Seen    time.Time `json:"seen"`
}

// Pending is a sign-in under way, kept under its state until the provider sends the browser back.
type Pending struct {
	Verifier string    `json:"verifier"`          // PKCE code verifier
	Nonce    string    `json:"nonce"`             // the ID token's expected nonce
	Binding  string    `json:"binding,omitempty"` // ties the sign-in to the browser that began it
	Return   string    `json:"return,omitempty"`  // where to go after signing in
	Created  time.Time `json:"created"`           // set by PutPending
}

// Config sets the timeouts; zero values take the defaults.
type Config struct {
	Idle     time.Duration // a session not seen for this long ends (DefaultIdle)
	Absolute time.Duration // a session ends this long after it began, seen or not (DefaultAbsolute)
	// Refresh: Get records Seen again once the recorded one is this old (Idle/30; negative:
	// at every Get). A session may thus end up to Refresh before Idle after the last request.
	Refresh    time.Duration
	PendingTTL time.Duration    // a sign-in under way is forgotten after this long (DefaultPendingTTL)
	Timeout    time.Duration    // bounds one Redis call (DefaultTimeout)
	Now        func() time.Time // the clock (time.Now)
}

func (c Config) withDefaults() Config {
	if c.Idle <= 0 {
		c.Idle = DefaultIdle
	}
	if c.Absolute <= 0 {
		c.Absolute = DefaultAbsolute
	}
	if c.Refresh == 0 {
		c.Refresh = c.Idle / 30
	}
	if c.PendingTTL <= 0 {
		c.PendingTTL = DefaultPendingTTL
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Errors of every Store. Each is a coded fault, so a handler answers it without a case of its own.
var (
	// ErrNoSession: no such session, or it ended (signed out, idle, absolute), or the id is not
	// one this package makes.
	ErrNoSession = fault.E(fault.Unauthorized, "no_session", "", "no_session")
	// ErrNoPending: no sign-in under way by that state: unknown, expired or already taken.
	ErrNoPending = fault.E(fault.Forbidden, "signin_state", "state", "signin_state")
	// ErrInvalidPerson: Create was given a person without a subject, or an outsized field.
	ErrInvalidPerson = fault.E(fault.Invalid, "invalid_person", "subject", "invalid_person")
	// ErrUnavailable: the backing cannot be reached now (a 503 store_unavailable).
	ErrUnavailable = fault.E(fault.Unavailable, "store_unavailable", "", "store_unavailable.session")
	// ErrClosed: the Store was closed.
	ErrClosed = errors.New("session store is closed")
)

// backend is one backing, addressed by the hex SHA-256 of ids and states.
type backend interface {
	// create stores a new session for ttl.
	create(ctx context.Context, key string, s Session, ttl time.Duration) error
	// get is the stored session, ErrNoSession when there is none.
	get(ctx context.Context, key string) (Session, error)
	// touch replaces a session that still exists, for ttl; ErrNoSession when it is gone (an
	// ended session is never brought back).
	touch(ctx context.Context, key string, s Session, ttl time.Duration) error
	// end removes a session; removing none is not an error.
	end(ctx context.Context, key string) error
	// endAll removes every session of subject.
	endAll(ctx context.Context, subject string) error
	putPending(ctx context.Context, key string, p Pending, ttl time.Duration) error
	// takePending removes and returns a pending sign-in, once: ErrNoPending for every other taker.
	takePending(ctx context.Context, key string) (Pending, error)
	// sweep removes what has expired by now, where the backing does not expire things itself.
	sweep(now time.Time, expired func(Session, time.Time) bool, pendingTTL time.Duration)
	close() error
}

// Store keeps sessions and pending sign-ins. It is safe for concurrent use.
type Store struct {
	cfg Config
	b   backend

	mu        sync.Mutex // guards lastSweep
	lastSweep time.Time
}

// sweepEvery is how often (on the Store's clock) Create and PutPending sweep a file backing.
const sweepEvery = time.Minute

func newStore(b backend, cfg Config) *Store { return &Store{cfg: cfg.withDefaults(), b: b} }

// NewToken is 32 random bytes, base64url without padding (43 characters): the shape of every
// session id and CSRF token, and the state a sign-in should use.
func NewToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand panics rather)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokenLen is the length of a NewToken.
const tokenLen = 43

// validID: a NewToken's shape exactly.
func validID(id string) bool {
	if len(id) != tokenLen {
		return false
	}
	_, err := base64.RawURLEncoding.Strict().DecodeString(id)
	return err == nil
}

// validState: 22 to 128 base64url characters (at least 128 bits when random), so that states
// made by an OAuth library fit as well as a NewToken.
func validState(state string) bool {
	if len(state) < 22 || len(state) > 128 {
		return false
	}
	for i := 0; i < len(state); i++ {
		c := state[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// hashKey is the hex SHA-256 of an id or a state: the only form either is stored under.
func hashKey(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// maxField bounds each string of a Person: claims are short, and a record is read at every request.
const maxField = 1024

func validPerson(p Person) bool {
	if strings.TrimSpace(p.Subject) == "" {
		return false
	}
	for _, s := range append(append([]string{p.Subject, p.Email, p.Name, p.Provider}, p.Scopes...), p.Partners...) {
		if len(s) > maxField {
			return false
		}
	}
	return len(p.Scopes) <= 64 && len(p.Partners) <= 1024
}

// Create begins a session for p: a new id (for the cookie; the Store keeps only its hash) and
// the session with its CSRF token.
func (s *Store) Create(ctx context.Context, p Person) (string, Session, error) {
	if !validPerson(p) {
		return "", Session{}, ErrInvalidPerson
	}
	now := s.now()
	s.maybeSweep(now)
	id := NewToken()
	sess := Session{Person: p, CSRF: NewToken(), Created: now, Seen: now}
	if err := s.b.create(ctx, hashKey(id), sess, min(s.cfg.Idle, s.cfg.Absolute)); err != nil {
		return "", Session{}, err
	}
	return id, sess, nil
}

// Get is the session of id, with Seen recorded anew when it is older than Refresh. It is
// ErrNoSession when id is malformed, unknown, ended, or expired (idle or absolute, on the
// Store's clock: an expired session is removed).
func (s *Store) Get(ctx context.Context, id string) (Session, error) {
	if !validID(id) {
		return Session{}, ErrNoSession
	}
	key := hashKey(id)
	sess, err := s.b.get(ctx, key)
	if err != nil {
		return Session{}, err
	}
	now := s.now()
	ttl := s.remaining(sess, now)
	if ttl <= 0 {
		if err := s.b.end(ctx, key); err != nil {
			return Session{}, err
		}
		return Session{}, ErrNoSession
	}
	if s.cfg.Refresh < 0 || now.Sub(sess.Seen) >= s.cfg.Refresh {
		sess.Seen = now
		if err := s.b.touch(ctx, key, sess, s.remaining(sess, now)); err != nil {
			return Session{}, err
		}
	}
	return sess, nil
}

// remaining is how long sess has left at now: the sooner of its idle and absolute ends.
func (s *Store) remaining(sess Session, now time.Time) time.Duration {
	end := sess.Seen.Add(s.cfg.Idle)
	if abs := sess.Created.Add(s.cfg.Absolute); abs.Before(end) {
		end = abs
	}
	return end.Sub(now)
}

func (s *Store) expired(sess Session, now time.Time) bool { return s.remaining(sess, now) <= 0 }

// End ends the session of id (sign-out) for every edge sharing the backing. Ending an unknown
// or malformed id is not an error: the session is gone either way.
func (s *Store) End(ctx context.Context, id string) error {
	if !validID(id) {
		return nil
	}
	return s.b.end(ctx, hashKey(id))
}

// EndAll ends every session of the person with subject ("sign out everywhere"). Subjects are
// unique within one provider; the edge configures one.
func (s *Store) EndAll(ctx context.Context, subject string) error {
	if subject == "" {
		return nil
	}
	return s.b.endAll(ctx, subject)
}

// PutPending keeps p under state for PendingTTL from now (p.Created is set to now). state must
// be 22 to 128 base64url characters (NewToken makes one).
func (s *Store) PutPending(ctx context.Context, state string, p Pending) error {
	if !validState(state) {
		return ErrNoPending
	}
	now := s.now()
	s.maybeSweep(now)
	p.Created = now
	return s.b.putPending(ctx, hashKey(state), p, s.cfg.PendingTTL)
}

// TakePending returns the sign-in kept under state and forgets it: of any number of takers,
// on any edge, one gets it and every other one ErrNoPending, as do a malformed, unknown or
// expired state.
func (s *Store) TakePending(ctx context.Context, state string) (Pending, error) {
	if !validState(state) {
		return Pending{}, ErrNoPending
	}
	p, err := s.b.takePending(ctx, hashKey(state))
	if err != nil {
		return Pending{}, err
	}
	if !s.now().Before(p.Created.Add(s.cfg.PendingTTL)) {
		return Pending{}, ErrNoPending
	}
	return p, nil
}

// Close releases the Store (a file backing's lock file; a Redis client stays its owner's).
func (s *Store) Close() error { return s.b.close() }

func (s *Store) now() time.Time { return s.cfg.Now().UTC().Round(0) }

// maybeSweep sweeps the backing at most once per sweepEvery.
func (s *Store) maybeSweep(now time.Time) {
	s.mu.Lock()
	due := now.Sub(s.lastSweep) >= sweepEvery || now.Before(s.lastSweep)
	if due {
		s.lastSweep = now
	}
	s.mu.Unlock()
	if due {
		s.b.sweep(now, s.expired, s.cfg.PendingTTL)
	}
}

// wrap names the package in an error that is not one of its own.
func wrap(err error) error {
	if err == nil || fault.As(err) != nil || errors.Is(err, ErrClosed) {
		return err
	}
	return fmt.Errorf("session: %w", err)
}
