package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// maxEditBody bounds the JSON of a partial edit (featured list, resource, notice, rollback).
const maxEditBody = 64 << 10

var (
	errNoStore = &web.Error{Status: fasthttp.StatusServiceUnavailable, Code: "no_content_store",
		Message: "this edge serves fixed content: start it with a data dir or Redis to change content live"}
	errIfMatchRequired = &web.Error{Status: fasthttp.StatusPreconditionRequired, Code: "if_match_required",
		Message: `send If-Match: "v<N>" with the version you edited (from GET /v1/admin/content)`}
)

// ValidateContent is the store's validation: the rules of `edge check`, judged now.
func ValidateContent(now func() time.Time) contentstore.Validate {
	return func(src []byte) error {
		_, err := snippets.Load(src, snippets.ValidateOptions{Now: now()})
		return err
	}
}

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

func (s *Server) store() (contentstore.Store, error) {
	if s.cfg.ContentStore == nil {
		return nil, errNoStore
	}
	return s.cfg.ContentStore, nil
}

func etag(n int64) string { return `"v` + strconv.FormatInt(n, 10) + `"` }

// ifMatch reads If-Match: "v<N>" (or W/"v<N>"); required says whether it may be absent (0).
func ifMatch(ctx *fasthttp.RequestCtx, required bool) (int64, error) {
	h := strings.TrimSpace(string(ctx.Request.Header.Peek("If-Match")))
	if h == "" {
		if required {
			return 0, errIfMatchRequired
		}
		return 0, nil
	}
	h = strings.TrimPrefix(h, "W/")
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.Trim(h, `"`), "v"), 10, 64)
	if err != nil || n <= 0 || !strings.HasPrefix(h, `"v`) {
		return 0, &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_if_match", Field: "If-Match", Message: `want If-Match: "v<N>"`}
	}
	return n, nil
}

// conflict turns ErrConflict into a 412 saying what changed since, so the operator can look.
func (s *Server) conflict(ctx context.Context, err error, expected int64) error {
	if !errors.Is(err, contentstore.ErrConflict) {
		return err
	}
	msg := fmt.Sprintf("content changed since v%d", expected)
	if _, v, cerr := s.cfg.ContentStore.Current(ctx); cerr == nil {
		msg += fmt.Sprintf(": now v%d by %s at %s (%q); GET it, re-apply your change and send If-Match: %s",
			v.Number, v.Author, v.CreatedAt.UTC().Format(time.RFC3339), v.Note, etag(v.Number))
	}
	return &web.Error{Status: fasthttp.StatusPreconditionFailed, Code: "version_conflict", Message: msg}
}

// contentBody is the JSON view of a version (Accept: application/json).
type contentBody struct {
	contentstore.Version
	Content *snippets.Content `json:"content"`
}

func writeVersion(ctx *fasthttp.RequestCtx, src []byte, v contentstore.Version) error {
	ctx.Response.Header.Set("ETag", etag(v.Number))
	ctx.Response.Header.Set("X-Content-Version", strconv.FormatInt(v.Number, 10))
	if inm := ctx.Request.Header.Peek("If-None-Match"); len(inm) > 0 && asset.MatchETag(inm, []byte(etag(v.Number))) {
		ctx.SetStatusCode(fasthttp.StatusNotModified)
		return nil
	}
	if bytes.Contains(ctx.Request.Header.Peek("Accept"), []byte("application/json")) {
		c, err := snippets.Parse(src)
		if err != nil {
			return err
		}
		return web.WriteJSON(ctx, fasthttp.StatusOK, contentBody{Version: v, Content: c})
	}
	ctx.SetContentType("application/yaml; charset=utf-8")
	ctx.SetBody(src)
	return nil
}

func (s *Server) audit(ctx *fasthttp.RequestCtx, action, target string, v int64, note string) {
	e := contentstore.AuditEntry{Time: s.cfg.Now().UTC(), Actor: auth.Name(ctx), Action: action, Target: target, Version: v, Note: note}
	if err := s.cfg.ContentStore.Audit(context.Background(), e); err != nil {
		s.log.Error("audit entry not written", "err", err, "action", action, "actor", e.Actor)
	}
}

// published stores src as the new current version and applies it on this edge at once (other
// edges learn of it through the store's Watch).
func (s *Server) published(ctx *fasthttp.RequestCtx, src []byte, expected int64, action, target, note string) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	v, err := st.Put(context.Background(), src, auth.Name(ctx), note, expected)
	if err != nil {
		return s.conflict(context.Background(), err, expected)
	}
	s.audit(ctx, action, target, v.Number, note)
	if err := s.ApplyCurrent(context.Background()); err != nil {
		s.log.Warn("published content not applied here yet", "err", err)
	}
	ctx.Response.Header.Set("ETag", etag(v.Number))
	return web.WriteJSON(ctx, fasthttp.StatusOK, v)
}

// editCurrent applies an edit to the current content and publishes it. Without If-Match the edit
// applies to whatever is current, retried when another write lands in between.
func (s *Server) editCurrent(ctx *fasthttp.RequestCtx, action, target string, edit func([]byte) ([]byte, error)) error {
	// ?dry_run=1: diff and preview the edit, publish nothing (console_api.go).
	if handled, err := s.maybeDryRun(ctx, edit); handled {
		return err
	}
	st, err := s.store()
	if err != nil {
		return err
	}
	want, err := ifMatch(ctx, false)
	if err != nil {
		return err
	}
	note := string(ctx.Request.Header.Peek("X-Signpost-Note"))
	if note == "" {
		// History lists versions by note: without one, say what the edit was.
		note = action + " " + target
	}
	for attempt := 0; ; attempt++ {
		src, v, err := st.Current(context.Background())
		if err != nil {
			return err
		}
		expected := want
		if expected == 0 {
			expected = v.Number
		} else if expected != v.Number {
			return s.conflict(context.Background(), contentstore.ErrConflict, expected)
		}
		out, err := edit(src)
		if err != nil {
			return err
		}
		err = s.published(ctx, out, expected, action, target, note)
		var e *web.Error
		if want == 0 && attempt < 3 && errors.As(err, &e) && e.Code == "version_conflict" {
			ctx.Response.Reset()
			continue
		}
		return err
	}
}

func (s *Server) handleGetContent(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	src, v, err := st.Current(context.Background())
	if err != nil {
		return err
	}
	return writeVersion(ctx, src, v)
}

func (s *Server) handleGetVersion(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(fmt.Sprint(ctx.UserValue("v")), 10, 64)
	if err != nil || n <= 0 {
		return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: "v", Message: "a version is a positive whole number"}
	}
	src, v, err := st.Get(context.Background(), n)
	if err != nil {
		return err
	}
	return writeVersion(ctx, src, v)
}

// handlePutContent replaces the whole bundle: If-Match required, 412 when stale, 422 with every
// validation error by field path.
func (s *Server) handlePutContent(ctx *fasthttp.RequestCtx) error {
	if _, err := s.store(); err != nil {
		return err
	}
	want, err := ifMatch(ctx, true)
	if err != nil {
		return err
	}
	ct := string(ctx.Request.Header.ContentType())
	if ct != "" && !strings.Contains(ct, "yaml") && !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/plain") {
		return &web.Error{Status: fasthttp.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send the bundle as application/yaml or application/json"}
	}
	// ?dry_run=1: diff and preview the bundle, publish nothing (console_api.go).
	if handled, err := s.maybeDryRun(ctx, func([]byte) ([]byte, error) { return ctx.PostBody(), nil }); handled {
		return err
	}
	note := string(ctx.Request.Header.Peek("X-Signpost-Note"))
	return s.published(ctx, append([]byte(nil), ctx.PostBody()...), want, "content.put", "content", note)
}

func (s *Server) handlePutFeatured(ctx *fasthttp.RequestCtx) error {
	var body map[string][]string
	if err := web.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	ids, ok := body["featured"]
	if !ok || ids == nil || len(body) != 1 {
		return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_json", Field: "featured", Message: `want {"featured": ["resource-id", ...]}`}
	}
	partner := fmt.Sprint(ctx.UserValue("id"))
	return s.editCurrent(ctx, "partner.featured", "partners."+partner, func(src []byte) ([]byte, error) {
		return snippets.SetFeatured(src, partner, ids)
	})
}

func (s *Server) handlePutResource(ctx *fasthttp.RequestCtx) error {
	var r snippets.Resource
	if err := web.DecodeJSON(ctx, maxEditBody, &r); err != nil {
		return err
	}
	id := fmt.Sprint(ctx.UserValue("id"))
	if r.ID == "" {
		r.ID = id
	}
	if r.ID != id {
		return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_json", Field: "id", Message: "the body's id differs from the URL's"}
	}
	return s.editCurrent(ctx, "resource.put", "resources."+id, func(src []byte) ([]byte, error) {
		return snippets.PutResource(src, &r)
	})
}

func (s *Server) handleDeleteResource(ctx *fasthttp.RequestCtx) error {
	id := fmt.Sprint(ctx.UserValue("id"))
	return s.editCurrent(ctx, "resource.delete", "resources."+id, func(src []byte) ([]byte, error) {
		return snippets.DeleteResource(src, id)
	})
}

func (s *Server) handlePutNotice(ctx *fasthttp.RequestCtx) error {
	var n snippets.Notice
	if err := web.DecodeJSON(ctx, maxEditBody, &n); err != nil {
		return err
	}
	if n.ID == "" {
		n.ID = "notice"
	}
	return s.editCurrent(ctx, "notice.put", "notices."+n.ID, func(src []byte) ([]byte, error) {
		return snippets.PutNotice(src, &n)
	})
}

// handleDeleteNotice withdraws ?id=, or every notice without it.
func (s *Server) handleDeleteNotice(ctx *fasthttp.RequestCtx) error {
	id := string(ctx.QueryArgs().Peek("id"))
	return s.editCurrent(ctx, "notice.delete", "notices."+id, func(src []byte) ([]byte, error) {
		return snippets.DeleteNotice(src, id)
	})
}

func (s *Server) handleHistory(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	vs, err := st.History(context.Background())
	if err != nil {
		return err
	}
	type entry struct {
		Version   int64     `json:"version"`
		Author    string    `json:"author"`
		Note      string    `json:"note"`
		CreatedAt time.Time `json:"created_at"`
	}
	out := struct {
		Versions []entry `json:"versions"`
	}{Versions: make([]entry, 0, len(vs))}
	for _, v := range vs {
		out.Versions = append(out.Versions, entry{v.Number, v.Author, v.Note, v.CreatedAt})
	}
	return web.WriteJSON(ctx, fasthttp.StatusOK, out)
}

func (s *Server) handleRollback(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	if ctx.QueryArgs().Has("dry_run") {
		// Every other write takes dry_run; a rollback is checked by reading the diff first.
		return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: "dry_run",
			Message: "a rollback has no dry run: compare with GET /v1/admin/content/diff?from=<current>&to=<version>"}
	}
	var body struct {
		Version int64  `json:"version"`
		Note    string `json:"note"`
	}
	if err := web.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	if body.Version <= 0 {
		return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_json", Field: "version", Message: `want {"version": N}`}
	}
	want, err := ifMatch(ctx, false)
	if err != nil {
		return err
	}
	note := body.Note
	if note == "" {
		note = fmt.Sprintf("rollback to v%d", body.Version)
	}
	v, err := st.Rollback(context.Background(), body.Version, auth.Name(ctx), note, want)
	if err != nil {
		return s.conflict(context.Background(), err, want)
	}
	s.audit(ctx, "content.rollback", fmt.Sprintf("v%d", body.Version), v.Number, note)
	if err := s.ApplyCurrent(context.Background()); err != nil {
		s.log.Warn("rolled-back content not applied here yet", "err", err)
	}
	ctx.Response.Header.Set("ETag", etag(v.Number))
	return web.WriteJSON(ctx, fasthttp.StatusOK, v)
}

func (s *Server) handleAudit(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	limit := 100
	if v := ctx.QueryArgs().Peek("limit"); len(v) > 0 {
		n, err := strconv.Atoi(string(v))
		if err != nil || n <= 0 || n > 10000 {
			return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: "limit", Message: "limit is 1 to 10000"}
		}
		limit = n
	}
	es, err := st.AuditLog(context.Background(), limit)
	if err != nil {
		return err
	}
	if es == nil {
		es = []contentstore.AuditEntry{}
	}
	return web.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Entries []contentstore.AuditEntry `json:"entries"`
	}{es})
}
