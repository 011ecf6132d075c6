package server

import (
	"context"
	"crypto/sha256"
	"fmt"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/snippets"
)

// ApplyCurrent loads the store's current version and serves it, unless it is already served.
// Invalid stored content (it cannot become current through a store, but a store shared with
// an older edge might hold some) is refused: the edge keeps serving what it has.
func (s *Server) ApplyCurrent(ctx context.Context) error {
	st := s.cfg.ContentStore
	if st == nil {
		return nil
	}
	s.applyMu.Lock()
	defer s.applyMu.Unlock()
	src, v, err := st.Current(ctx)
	if err != nil {
		return err
	}
	if s.state.Load().Number == v.Number {
		return nil
	}
	l, err := s.cfg.Parser.Load(src)
	if err != nil {
		return fmt.Errorf("content version %d: %w", v.Number, err)
	}
	l.Version = strconv.FormatInt(v.Number, 10)
	if err := s.setContent(l, v.Number); err != nil {
		return err
	}
	s.log.Info("content applied", "content_version", v.Number, "author", v.Author, "note", v.Note)
	// Building a bundle (brotli at its best level above all) takes tens of MiB for a moment:
	// give them back, so an edge's footprint is what it serves, not what it once built.
	debug.FreeOSMemory()
	// Bundles archived while this edge could not reach the store (Redis down at startup) load
	// now that it can.
	go s.LoadBundles(context.Background())
	if s.cfg.DataDir != "" {
		if err := contentstore.SaveSnapshot(s.cfg.DataDir, src, v); err != nil {
			s.log.Warn("last-known-good content not saved", "err", err)
		}
	}
	return nil
}

// WatchContent applies every version that becomes current in the store, from this edge or any
// other sharing it, until ctx ends: the widget and snippets are rebuilt once per version. A
// version this edge already serves (one it published itself, applied by the publish) is
// recognised by its number and left alone: neither read again nor parsed again.
func (s *Server) WatchContent(ctx context.Context) {
	if s.cfg.ContentStore == nil {
		return
	}
	for v := range s.cfg.ContentStore.Watch(ctx) {
		if s.serving(v.Number) {
			continue
		}
		if err := s.ApplyCurrent(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("content change not applied; serving the previous version", "err", err)
		}
	}
}

// serving says whether this edge already serves content version number (or a later one:
// numbers never repeat and only grow).
func (s *Server) serving(number int64) bool {
	n := s.state.Load().Number
	return n != 0 && number <= n
}

// Parser parses content for one edge, so that a version published through it is parsed once:
// the content store validates with it (Validate is its contentstore.Validate), and the edge
// serves that same parse (Load) instead of parsing the stored bytes again. It keeps the last
// parse Validate made, by the content's digest, until Load hands it over (once); anything else,
// such as a version another edge published, Load parses.
type Parser struct {
	now    func() time.Time
	parses atomic.Int64

	mu     sync.Mutex
	digest [sha256.Size]byte
	kept   *snippets.Loaded
}

// NewParser returns a parser validating by the clock now (nil: the wall clock).
func NewParser(now func() time.Time) *Parser {
	if now == nil {
		now = time.Now
	}
	return &Parser{now: now}
}

// Validate parses src by the rules of `edge check` and keeps the result for Load: a
// contentstore.Validate.
func (p *Parser) Validate(src []byte) error {
	l, err := p.parse(src)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.kept = l // nil when invalid: nothing to hand over
	if l != nil {
		p.digest = sha256.Sum256(src)
	}
	return err
}

// Load returns src parsed: the parse Validate kept when it is of the same bytes (the caller
// then owns it), else a new parse.
func (p *Parser) Load(src []byte) (*snippets.Loaded, error) {
	p.mu.Lock()
	kept, digest := p.kept, p.digest
	p.kept = nil
	p.mu.Unlock()
	if kept != nil && sha256.Sum256(src) == digest {
		return kept, nil
	}
	return p.parse(src)
}

// Parses counts the parses this parser made (a check that a publish parses once).
func (p *Parser) Parses() int64 { return p.parses.Load() }

func (p *Parser) parse(src []byte) (*snippets.Loaded, error) {
	p.parses.Add(1)
	return snippets.Load(src, snippets.ValidateOptions{Now: p.now()})
}
