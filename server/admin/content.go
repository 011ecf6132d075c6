// Package admin is the operator API over content: read it, its history and versions; publish a
// whole bundle or an edit (featured lists, resources, notices, crisis lines, region line lists),
// each validated, versioned with If-Match, audited, and previewable first (?dry_run=1: a diff
// and a draft preview, nothing published); roll back; read the audit log.
package admin

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/preview"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Deps are what the content API needs.
type Deps struct {
	Log *slog.Logger
	Now func() time.Time
	// ContentStore is the versioned content store; nil answers the writes with 503
	// no_content_store.
	ContentStore contentstore.Store
	// AuditLog records every change (and is read by GET /v1/admin/audit); nil logs the changes
	// instead, and the audit route answers 503 no_content_store.
	AuditLog auditlog.Log
	// ApplyCurrent serves the store's current version on this edge at once (other edges learn
	// of it through the store's Watch).
	ApplyCurrent func(context.Context) error
	Previews     *preview.Store
	Auth         *auth.Guard
	// Warnings are the codes of what an operator must fix in the deployment (words
	// warning.<code>), shown by the console from GET /v1/admin/whoami; nil: none.
	Warnings func() []string
}

type handlers struct{ Deps }

// Routes adds the operator content API, each route guarded by the scope it needs.
func Routes(r *router.Router, get func(string, fasthttp.RequestHandler), d Deps) {
	s := &handlers{d}
	// Partner-aware (WrapPartner): a partner-limited identity reads the content with its own
	// partners only (the featured editor's data) and sets its own partners' featured lists.
	get("/v1/admin/content", s.Auth.WrapPartner(s.handleGetContent, auth.ScopeContent, auth.ScopeNotice))
	r.PUT("/v1/admin/content", s.Auth.Wrap(s.handlePutContent, auth.ScopeContent))
	get("/v1/admin/content/history", s.Auth.Wrap(s.handleHistory, auth.ScopeContent, auth.ScopeNotice))
	get("/v1/admin/content/versions/{v}", s.Auth.Wrap(s.handleGetVersion, auth.ScopeContent, auth.ScopeNotice))
	r.POST("/v1/admin/content/rollback", s.Auth.Wrap(s.handleRollback, auth.ScopeContent))
	r.PUT("/v1/admin/partners/{id}/featured", s.Auth.WrapPartner(s.handlePutFeatured, auth.ScopeContent))
	r.PUT("/v1/admin/resources/{id}", s.Auth.Wrap(s.handlePutResource, auth.ScopeContent))
	r.DELETE("/v1/admin/resources/{id}", s.Auth.Wrap(s.handleDeleteResource, auth.ScopeContent))
	r.PUT("/v1/admin/notice", s.Auth.Wrap(s.handlePutNotice, auth.ScopeNotice))
	r.DELETE("/v1/admin/notice", s.Auth.Wrap(s.handleDeleteNotice, auth.ScopeNotice))
	get("/v1/admin/audit", s.Auth.Wrap(s.handleAudit, auth.ScopeFeedbackRead))
	s.editAPIRoutes(r, get)
}

// RollbackNote is the note of a rollback sent without one (the console shows it in the
// operator's language: console.notes.rollback in words/en.json and words/fr.json).
const RollbackNote = "rollback to v%d"

// maxEditBody bounds the JSON of a partial edit (featured list, resource, notice, rollback).
const maxEditBody = 64 << 10

var (
	errNoStore         = answer.New(fault.Unavailable, "no_content_store", "", "no_content_store")
	errIfMatchRequired = answer.New(fault.Unconditional, "if_match_required", "", "if_match_required")
)

func (s *handlers) store() (contentstore.Store, error) {
	if s.ContentStore == nil {
		return nil, errNoStore
	}
	return s.ContentStore, nil
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
		return 0, answer.New(fault.Invalid, "invalid_if_match", "If-Match", "invalid_if_match")
	}
	return n, nil
}

// conflict turns ErrConflict into a 412 saying what changed since, so the operator can look.
func (s *handlers) conflict(ctx context.Context, err error, expected int64) error {
	if !errors.Is(err, contentstore.ErrConflict) {
		return err
	}
	if _, v, cerr := s.ContentStore.Current(ctx); cerr == nil {
		return fault.E(fault.Stale, "version_conflict", "", "version_conflict.now", expected,
			v.Number, v.Author, v.CreatedAt.UTC().Format(time.RFC3339), strconv.Quote(v.Note), etag(v.Number)).Wrap(err)
	}
	return fault.E(fault.Stale, "version_conflict", "", "version_conflict", expected).Wrap(err)
}

// contentBody is the JSON view of a version (Accept: application/json).
type contentBody struct {
	contentstore.Version
	Content *snippets.Content `json:"content"`
}

// writeVersion answers a content version: YAML as stored, or JSON when asked for. A
// partner-limited identity gets JSON always, with its own partners only.
func writeVersion(ctx *fasthttp.RequestCtx, src []byte, v contentstore.Version) error {
	ctx.Response.Header.Set("ETag", etag(v.Number))
	ctx.Response.Header.Set("X-Content-Version", strconv.FormatInt(v.Number, 10))
	if inm := ctx.Request.Header.Peek("If-None-Match"); len(inm) > 0 && asset.MatchETag(inm, []byte(etag(v.Number))) {
		ctx.SetStatusCode(fasthttp.StatusNotModified)
		return nil
	}
	mine := auth.PartnerFilter(ctx)
	if mine != nil || bytes.Contains(ctx.Request.Header.Peek("Accept"), []byte("application/json")) {
		c, err := snippets.Parse(src)
		if err != nil {
			return err
		}
		if mine != nil {
			maps.DeleteFunc(c.Partners, func(id string, _ *snippets.Partner) bool { return !slices.Contains(mine, id) })
		}
		return answer.WriteJSON(ctx, fasthttp.StatusOK, contentBody{Version: v, Content: c})
	}
	ctx.SetContentType("application/yaml; charset=utf-8")
	ctx.SetBody(src)
	return nil
}

func (s *handlers) audit(ctx *fasthttp.RequestCtx, action, target string, v int64, note string) {
	if s.AuditLog == nil {
		s.Log.Info("change", "action", action, "actor", auth.Name(ctx), "target", target, "version", v)
		return
	}
	if e, err := auth.Record(ctx, s.AuditLog, s.Now(), action, target, v, note); err != nil {
		s.Log.Error("audit entry not written", "err", err, "action", action, "actor", e.Actor)
	}
}

// published stores src as the new current version and applies it on this edge at once (other
// edges learn of it through the store's Watch).
func (s *handlers) published(ctx *fasthttp.RequestCtx, src []byte, expected int64, action, target, note string) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	v, err := st.Put(context.Background(), src, auth.Actor(ctx), note, expected)
	if err != nil {
		return s.conflict(context.Background(), err, expected)
	}
	s.audit(ctx, action, target, v.Number, note)
	if err := s.ApplyCurrent(context.Background()); err != nil {
		s.Log.Warn("published content not applied here yet", "err", err)
	}
	ctx.Response.Header.Set("ETag", etag(v.Number))
	return answer.WriteJSON(ctx, fasthttp.StatusOK, v)
}

// editCurrent applies an edit to the current content and publishes it. Without If-Match the edit
// applies to whatever is current, retried when another write lands in between.
func (s *handlers) editCurrent(ctx *fasthttp.RequestCtx, action, target string, edit func([]byte) ([]byte, error)) error {
	// ?dry_run=1: diff and preview the edit, publish nothing (console.go).
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
		if want == 0 && attempt < 3 && errors.Is(err, contentstore.ErrConflict) {
			ctx.Response.Reset()
			continue
		}
		return err
	}
}

// current is the store's current version (503 without a store).
func (s *handlers) current() ([]byte, contentstore.Version, error) {
	st, err := s.store()
	if err != nil {
		return nil, contentstore.Version{}, err
	}
	return st.Current(context.Background())
}

func (s *handlers) handleGetContent(ctx *fasthttp.RequestCtx) error {
	src, v, err := s.current()
	if err != nil {
		return err
	}
	return writeVersion(ctx, src, v)
}

func (s *handlers) handleGetVersion(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	n, err := strconv.ParseInt(fmt.Sprint(ctx.UserValue("v")), 10, 64)
	if err != nil || n <= 0 {
		return answer.BadParam("v", "invalid_parameter.version")
	}
	src, v, err := st.Get(context.Background(), n)
	if err != nil {
		return err
	}
	return writeVersion(ctx, src, v)
}

// handlePutContent replaces the whole bundle: If-Match required, 412 when stale, 422 with every
// validation error by field path.
func (s *handlers) handlePutContent(ctx *fasthttp.RequestCtx) error {
	if _, err := s.store(); err != nil {
		return err
	}
	want, err := ifMatch(ctx, true)
	if err != nil {
		return err
	}
	ct := string(ctx.Request.Header.ContentType())
	if ct != "" && !strings.Contains(ct, "yaml") && !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/plain") {
		return answer.New(fault.Unsupported, "unsupported_media_type", "", "unsupported_media_type.bundle")
	}
	// ?dry_run=1: diff and preview the bundle, publish nothing (console.go).
	if handled, err := s.maybeDryRun(ctx, func([]byte) ([]byte, error) { return ctx.PostBody(), nil }); handled {
		return err
	}
	note := string(ctx.Request.Header.Peek("X-Signpost-Note"))
	return s.published(ctx, append([]byte(nil), ctx.PostBody()...), want, "content.put", "content", note)
}

func (s *handlers) handlePutFeatured(ctx *fasthttp.RequestCtx) error {
	var body map[string][]string
	if err := answer.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	ids, ok := body["featured"]
	if !ok || ids == nil || len(body) != 1 {
		return answer.New(fault.Invalid, "invalid_json", "featured", "invalid_json.featured")
	}
	partner := fmt.Sprint(ctx.UserValue("id"))
	if err := auth.MayPartner(ctx, partner); err != nil {
		return err
	}
	return s.editCurrent(ctx, "partner.featured", "partners."+partner, func(src []byte) ([]byte, error) {
		return snippets.SetFeatured(src, partner, ids)
	})
}

func (s *handlers) handlePutResource(ctx *fasthttp.RequestCtx) error {
	var r snippets.Resource
	if err := answer.DecodeJSON(ctx, maxEditBody, &r); err != nil {
		return err
	}
	id := fmt.Sprint(ctx.UserValue("id"))
	if r.ID == "" {
		r.ID = id
	}
	if r.ID != id {
		return answer.New(fault.Invalid, "invalid_json", "id", "invalid_json.id")
	}
	return s.editCurrent(ctx, "resource.put", "resources."+id, func(src []byte) ([]byte, error) {
		return snippets.PutResource(src, &r)
	})
}

func (s *handlers) handleDeleteResource(ctx *fasthttp.RequestCtx) error {
	id := fmt.Sprint(ctx.UserValue("id"))
	return s.editCurrent(ctx, "resource.delete", "resources."+id, func(src []byte) ([]byte, error) {
		return snippets.DeleteResource(src, id)
	})
}

func (s *handlers) handlePutNotice(ctx *fasthttp.RequestCtx) error {
	var n snippets.Notice
	if err := answer.DecodeJSON(ctx, maxEditBody, &n); err != nil {
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
func (s *handlers) handleDeleteNotice(ctx *fasthttp.RequestCtx) error {
	id := string(ctx.QueryArgs().Peek("id"))
	return s.editCurrent(ctx, "notice.delete", "notices."+id, func(src []byte) ([]byte, error) {
		return snippets.DeleteNotice(src, id)
	})
}

func (s *handlers) handleHistory(ctx *fasthttp.RequestCtx) error {
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
	return answer.WriteJSON(ctx, fasthttp.StatusOK, out)
}

func (s *handlers) handleRollback(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	if ctx.QueryArgs().Has("dry_run") {
		// Every other write takes dry_run; a rollback is checked by reading the diff first.
		return answer.BadParam("dry_run", "invalid_parameter.rollback_dry_run")
	}
	var body struct {
		Version int64  `json:"version"`
		Note    string `json:"note"`
	}
	if err := answer.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	if body.Version <= 0 {
		return answer.New(fault.Invalid, "invalid_json", "version", "invalid_json.version")
	}
	want, err := ifMatch(ctx, false)
	if err != nil {
		return err
	}
	note := body.Note
	if note == "" {
		note = fmt.Sprintf(RollbackNote, body.Version)
	}
	v, err := st.Rollback(context.Background(), body.Version, auth.Actor(ctx), note, want)
	if err != nil {
		return s.conflict(context.Background(), err, want)
	}
	s.audit(ctx, "content.rollback", fmt.Sprintf("v%d", body.Version), v.Number, note)
	if err := s.ApplyCurrent(context.Background()); err != nil {
		s.Log.Warn("rolled-back content not applied here yet", "err", err)
	}
	ctx.Response.Header.Set("ETag", etag(v.Number))
	return answer.WriteJSON(ctx, fasthttp.StatusOK, v)
}

func (s *handlers) handleAudit(ctx *fasthttp.RequestCtx) error {
	if s.AuditLog == nil {
		return errNoStore
	}
	limit := 100
	if v := ctx.QueryArgs().Peek("limit"); len(v) > 0 {
		n, err := strconv.Atoi(string(v))
		if err != nil || n <= 0 || n > 10000 {
			return answer.BadParam("limit", "invalid_parameter.audit_limit")
		}
		limit = n
	}
	es, err := s.AuditLog.List(context.Background(), limit)
	if err != nil {
		return err
	}
	if es == nil {
		es = []auditlog.Entry{}
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Entries []auditlog.Entry `json:"entries"`
	}{es})
}
