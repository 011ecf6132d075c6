package server

import (
	"context"
	"fmt"
	"runtime/debug"
	"strconv"

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
	l, err := snippets.Load(src, snippets.ValidateOptions{Now: s.cfg.Now()})
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
// other sharing it, until ctx ends: the widget and snippets are rebuilt once per version.
func (s *Server) WatchContent(ctx context.Context) {
	if s.cfg.ContentStore == nil {
		return
	}
	for range s.cfg.ContentStore.Watch(ctx) {
		if err := s.ApplyCurrent(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("content change not applied; serving the previous version", "err", err)
		}
	}
}
