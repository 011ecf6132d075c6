// Package preview serves operators' draft previews. A draft preview is a validated content
// document kept for a short while under an unguessable id, served exactly as published content
// would be (the real widget built from it, the real snippet rendering) on routes of its own, so
// an operator sees a change before anyone else does. Each edge holds the previews it serves in
// memory; in Redis mode the draft is also kept in Redis for its 15 minutes, so the preview frame
// may reach any edge behind a load balancer.
package preview

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
)

// Limits of draft previews.
const (
	TTL = 15 * time.Minute
	Max = 64
	// MaxPerOperator bounds one operator's previews: their next one replaces their
	// oldest, so that nobody's burst of previews evicts another operator's.
	MaxPerOperator = 16
)

// New makes an empty preview store.
func New(d Deps) *Store { return &Store{Deps: d} }

// Routes adds the preview routes. They are public: the id is the secret (128 random bits, 15
// minutes).
func (s *Store) Routes(r *router.Router, get func(string, fasthttp.RequestHandler)) {
	get("/admin/preview/{id}", s.handlePreviewPage)
	get("/v1/preview/{id}/widget.js", s.handlePreviewWidget)
	get("/v1/preview/{id}/snippets/{partner}", s.handlePreviewSnippet)
	get("/v1/preview/{id}/snippets/{partner}/{part}", s.handlePreviewSnippet)
	r.POST("/v1/preview/{id}/feedback", s.handlePreviewFeedback)
	r.POST("/v1/preview/{id}/beacon", s.handlePreviewBeacon)
}

// Deps are what previews need.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time
	// Drafts shares drafts between edges (the Redis content store); nil keeps them in this
	// edge's memory.
	Drafts contentstore.Drafts
	// ServingOptions are the rules drafts render with, those of the published content.
	ServingOptions edition.Options
}

// Store holds the draft previews of one edge, at most Max of them, each for TTL after it was
// made.
type Store struct {
	Deps
	mu      sync.Mutex
	entries map[string]*draftPreview
	order   []string // ids, oldest first
}

// draftPreview is one draft: served like published content, from a state of its own whose
// widget is built (once) only when the preview page asks for it.
type draftPreview struct {
	id      string
	owner   string // the operator who made it ("" when loaded from the shared store)
	created time.Time
	st      *edition.State
	widget  func() (*previewWidget, error)
}

type previewWidget struct {
	js, gz []byte
}

// Add keeps draft (parsed from src) as a new preview and returns its id; the oldest
// preview goes when there are more than Max. Where the content store is shared (Redis),
// the draft is kept there too, so that every edge serves the preview. Its widget is built when
// first asked for: a dry run costs a validation, not a bundle.
func (s *Store) Add(now time.Time, owner string, src []byte, draft *snippets.Loaded) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	if s.Drafts != nil {
		// An edge that cannot share the draft still serves it itself: the operator's preview
		// works unless the console and the frame reach different edges.
		if err := s.Drafts.SaveDraft(context.Background(), id, src, TTL); err != nil {
			s.Log.Warn("draft preview kept on this edge only", "err", err)
		}
	}
	d := s.draftPreview(id, now, draft)
	d.owner = owner
	s.add(now, d)
	return id, nil
}

// draftPreview makes the preview id of draft, made at created.
func (s *Store) draftPreview(id string, created time.Time, draft *snippets.Loaded) *draftPreview {
	draft.Version = "draft"
	// The widget builder holds what it needs, not s.
	tz := s.ServingOptions.TimeZones
	st := edition.Draft(draft, s.ServingOptions)
	return &draftPreview{id: id, created: created, st: st, widget: sync.OnceValues(func() (*previewWidget, error) {
		data, err := draft.WidgetData(tz)
		if err != nil {
			return nil, err
		}
		b, err := widget.BuildAt(data, "/v1/preview/"+id)
		if err != nil {
			return nil, err
		}
		return &previewWidget{js: b.JS, gz: fasthttp.AppendGzipBytes(nil, b.JS)}, nil
	})}
}

// sharedPreview loads preview id that another edge made, from the shared store, and keeps it
// here for the rest of its time; nil when there is none (or no shared store).
func (s *Store) sharedPreview(now time.Time, id string) *draftPreview {
	if s.Drafts == nil || !contentstore.ValidDraftID(id) {
		return nil
	}
	src, left, err := s.Drafts.LoadDraft(context.Background(), id)
	if err != nil {
		if !errors.Is(err, contentstore.ErrNotFound) {
			s.Log.Warn("shared draft preview unreadable", "err", err)
		}
		return nil
	}
	// Validated as when it was made, by this edge's clock: content valid a few minutes ago and
	// not now (a notice that just expired) is refused here as a publish would be.
	draft, err := snippets.Load(src, snippets.ValidateOptions{Now: now})
	if err != nil {
		return nil
	}
	p := s.draftPreview(id, now.Add(left-TTL), draft)
	s.add(now, p)
	return p
}

func (s *Store) add(now time.Time, d *draftPreview) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	count := map[string]int{}
	for _, id := range s.order {
		count[s.entries[id].owner]++
	}
	switch {
	case d.owner != "" && count[d.owner] >= MaxPerOperator:
		s.evict(d.owner)
	case len(s.order) >= Max:
		// Full: the oldest preview of whoever holds the most goes.
		most := ""
		for o, n := range count {
			if n > count[most] || n == count[most] && o < most {
				most = o
			}
		}
		s.evict(most)
	}
	if s.entries == nil {
		s.entries = map[string]*draftPreview{}
	}
	s.entries[d.id] = d
	s.order = append(s.order, d.id)
}

// get returns the live preview id, or nil.
func (s *Store) get(now time.Time, id string) *draftPreview {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expire(now)
	// One loaded from the shared store may be older than ones made here after it.
	if d := s.entries[id]; d != nil && now.Before(d.created.Add(TTL)) {
		return d
	}
	return nil
}

// evict drops owner's oldest preview.
func (s *Store) evict(owner string) {
	for i, id := range s.order {
		if s.entries[id].owner == owner {
			delete(s.entries, id)
			s.order = slices.Delete(s.order, i, i+1)
			return
		}
	}
}

// expire drops previews older than TTL (the oldest are first).
func (s *Store) expire(now time.Time) {
	n := 0
	for n < len(s.order) && !now.Before(s.entries[s.order[n]].created.Add(TTL)) {
		delete(s.entries, s.order[n])
		n++
	}
	s.order = slices.Delete(s.order, 0, n)
}

var errNoPreview = answer.New(fault.NotFound, "not_found", "", "not_found.preview")

// preview finds the request's preview, or fails with 404.
func (s *Store) preview(ctx *fasthttp.RequestCtx) (*draftPreview, error) {
	id, _ := ctx.UserValue("id").(string)
	if len(id) != 32 {
		return nil, errNoPreview
	}
	now := s.Now()
	d := s.get(now, id)
	if d == nil {
		d = s.sharedPreview(now, id)
	}
	if d == nil {
		return nil, errNoPreview
	}
	return d, nil
}

// handlePreviewWidget serves the widget built from the draft, its requests sent to the
// preview's routes.
func (s *Store) handlePreviewWidget(ctx *fasthttp.RequestCtx) {
	err := func() error {
		d, err := s.preview(ctx)
		if err != nil {
			return err
		}
		w, err := d.widget()
		if err != nil {
			return err
		}
		h := &ctx.Response.Header
		h.Set("Cache-Control", "no-store")
		h.Set("Vary", "Accept-Encoding")
		ctx.SetContentType(answer.ContentTypeJS)
		if ctx.Request.Header.HasAcceptEncoding("gzip") && len(w.gz) < len(w.js) {
			h.Set("Content-Encoding", "gzip")
			ctx.SetBody(w.gz)
		} else {
			ctx.SetBody(w.js)
		}
		return nil
	}()
	if err != nil {
		answer.Write(ctx, s.Log, err)
	}
	answer.SetCORS(ctx)
}

// handlePreviewSnippet serves the draft's snippets exactly as /v1/snippets renders published
// content.
func (s *Store) handlePreviewSnippet(ctx *fasthttp.RequestCtx) {
	err := func() error {
		d, err := s.preview(ctx)
		if err != nil {
			return err
		}
		return d.st.Snippet(ctx, s.Now(), false)
	}()
	if err != nil {
		answer.Write(ctx, s.Log, err)
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	answer.SetCORS(ctx)
}

// handlePreviewFeedback answers the preview widget's feedback with what the real route would
// say (202, and whether the comment reads like a crisis, so the operator sees the crisis lines
// appear) and stores nothing. Malformed feedback gets the real route's errors.
func (s *Store) handlePreviewFeedback(ctx *fasthttp.RequestCtx) {
	err := func() error {
		d, err := s.preview(ctx)
		if err != nil {
			return err
		}
		return intake.Preview(ctx, d.st.Content, s.ServingOptions.CrisisPhrases)
	}()
	if err != nil {
		answer.Write(ctx, s.Log, err)
	}
	answer.SetCORS(ctx)
}

// handlePreviewBeacon answers the preview widget's usage beacons with 204 and counts nothing:
// an operator's preview is not a visitor.
func (s *Store) handlePreviewBeacon(ctx *fasthttp.RequestCtx) {
	if _, err := s.preview(ctx); err != nil {
		answer.Write(ctx, s.Log, err)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// handlePreviewPage serves the draft preview page: ?partner=&locale=&region=&components= (and
// the builder's accent= and exit=), validated as the embed builder validates them, against the
// draft. It may only be framed by this origin (the console).
func (s *Store) handlePreviewPage(ctx *fasthttp.RequestCtx) {
	d, err := s.preview(ctx)
	if err != nil {
		answer.Write(ctx, s.Log, err)
		return
	}
	lang := pagetext.Lang(ctx)
	embedbuilder.PreviewPage(ctx, s.Log, d.st.Content, "/v1/preview/"+d.id+"/widget.js", pagetext.Get("preview.Heading", lang), pagetext.Get("preview.Note", lang), "Accept-Language, Accept-Encoding")
	ctx.Response.Header.Set("Cache-Control", "no-store")
}
