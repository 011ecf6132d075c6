package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/linediff"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/embedbuilder"
	"github.com/signpost/edge/server/intake"
	"github.com/signpost/edge/server/serving"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
)

// The operator console's API beyond the content routes of admin_content.go: dry runs of every
// content edit (a diff and a preview, nothing published), crisis lines and region line lists,
// the diff between two versions, draft previews, and who the token is.
//
// A draft preview is a validated content document kept for a short while under an unguessable
// id, served exactly as published content would be (the real widget built from it, the real
// snippet rendering) on routes of its own, so an operator sees a change before anyone else does.
// Each edge holds the previews it serves in memory; in Redis mode the draft is also kept in
// Redis for its 15 minutes, so the preview frame may reach any edge behind a load balancer.

// Limits of draft previews.
const (
	previewTTL = 15 * time.Minute
	maxPreview = 64
	// maxPreviewsPerOperator bounds one operator's previews: their next one replaces their
	// oldest, so that nobody's burst of previews evicts another operator's.
	maxPreviewsPerOperator = 16
	// diffContext is how many unchanged lines a diff keeps around each change.
	diffContext = 3
)

// consoleAPIRoutes adds the operator API the console needs beyond the content routes.
func (s *Server) consoleAPIRoutes(r *router.Router, get func(string, fasthttp.RequestHandler)) {
	get("/v1/admin/whoami", s.auth.Wrap(s.handleWhoami))
	r.PUT("/v1/admin/lines/{id}", s.auth.Wrap(s.handlePutLine, auth.ScopeContent))
	r.PUT("/v1/admin/regions/{code}/lines", s.auth.Wrap(s.handlePutRegionLines, auth.ScopeContent))
	get("/v1/admin/content/diff", s.auth.Wrap(s.handleContentDiff, auth.ScopeContent, auth.ScopeNotice))
	r.POST("/v1/admin/preview", s.auth.Wrap(s.handleCreatePreview, auth.ScopeContent, auth.ScopeNotice))
	// The preview routes are public: the id is the secret (128 random bits, 15 minutes).
	get("/admin/preview/{id}", s.handlePreviewPage)
	get("/v1/preview/{id}/widget.js", s.handlePreviewWidget)
	get("/v1/preview/{id}/snippets/{partner}", s.handlePreviewSnippet)
	get("/v1/preview/{id}/snippets/{partner}/{part}", s.handlePreviewSnippet)
	r.POST("/v1/preview/{id}/feedback", s.handlePreviewFeedback)
	r.POST("/v1/preview/{id}/beacon", s.handlePreviewBeacon)
}

// handleWhoami answers GET /v1/admin/whoami: the token's operator name and scopes, so the
// console shows only the views the token can use.
func (s *Server) handleWhoami(ctx *fasthttp.RequestCtx) error {
	scopes := auth.Scopes(ctx)
	if scopes == nil {
		scopes = []string{}
	}
	return web.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}{auth.Name(ctx), scopes})
}

// handlePutLine creates or replaces one crisis line (PUT /v1/admin/lines/{id}).
func (s *Server) handlePutLine(ctx *fasthttp.RequestCtx) error {
	var body struct {
		snippets.Line
		// RegionMessages sets the banner message of these regions in the same version: a
		// line's new number and the sentences naming it are published together (either alone
		// is refused, since a banner may name only its region's numbers).
		RegionMessages map[string]snippets.Text `json:"region_messages"`
	}
	if err := web.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	id := fmt.Sprint(ctx.UserValue("id"))
	codes := slices.Sorted(maps.Keys(body.RegionMessages))
	target := "lines." + id
	for _, code := range codes {
		target += " regions." + code + ".message"
	}
	return s.editCurrent(ctx, "line.put", target, func(src []byte) ([]byte, error) {
		out, err := snippets.PutLine(src, id, &body.Line)
		for _, code := range codes {
			if err != nil {
				break
			}
			out, err = snippets.SetRegionMessage(out, code, body.RegionMessages[code])
			if errors.Is(err, snippets.ErrNoSuch) {
				// The line is there: what is missing is the region the body names.
				return nil, &web.Error{Status: fasthttp.StatusUnprocessableEntity, Code: "invalid_content", Field: "region_messages." + code,
					Message: fmt.Sprintf("no region entry %q: region_messages sets the banner sentence of an existing region", code)}
			}
		}
		return out, err
	})
}

// handlePutRegionLines sets the lines a region lists, in order (PUT /v1/admin/regions/{code}/lines),
// and with "message" the region's banner sentence in the same version: a line taken out and the
// sentence that named its number go out together.
func (s *Server) handlePutRegionLines(ctx *fasthttp.RequestCtx) error {
	var body struct {
		Lines   []string      `json:"lines"`
		Message snippets.Text `json:"message"`
	}
	if err := web.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	if body.Lines == nil {
		return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_json", Field: "lines",
			Message: `want {"lines": ["line-id", ...]}, with "message": {"en": ..., "fr": ...} to change the banner sentence too`}
	}
	code := fmt.Sprint(ctx.UserValue("code"))
	target := "regions." + code
	if body.Message != nil {
		target += " regions." + code + ".message"
	}
	return s.editCurrent(ctx, "region.lines", target, func(src []byte) ([]byte, error) {
		out, err := snippets.SetRegionLines(src, code, body.Lines)
		if err == nil && body.Message != nil {
			out, err = snippets.SetRegionMessage(out, code, body.Message)
		}
		return out, err
	})
}

// dryRunBody is the answer of an edit sent with ?dry_run=1.
type dryRunBody struct {
	BaseVersion int64    `json:"base_version"`
	Diff        diffRows `json:"diff"`
	Preview     string   `json:"preview"`
}

type diffRows struct {
	Rows []linediff.Row `json:"rows"`
}

// maybeDryRun answers an edit sent with ?dry_run=1 (or true) in place of publishing it: the
// same If-Match check (412 when stale) and the same validation as the store's (422 naming every
// field), then the diff from the current version and a draft preview. Nothing is stored or
// audited. handled is false when the request is not a dry run: the caller publishes. A dry_run
// value that is neither yes nor no is refused rather than taken as a real write.
//
// edit is the change the real write would apply to the current content (the whole body for PUT
// /v1/admin/content); editCurrent and handlePutContent call this first.
func (s *Server) maybeDryRun(ctx *fasthttp.RequestCtx, edit func([]byte) ([]byte, error)) (handled bool, err error) {
	if !ctx.QueryArgs().Has("dry_run") {
		return false, nil
	}
	// Only a dry run is spelled here: "dry_run=false" publishing for real would make a typo in
	// a client a live change.
	switch string(ctx.QueryArgs().Peek("dry_run")) {
	case "1", "true", "":
	default:
		return true, &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: "dry_run", Message: "dry_run is 1 (or true) to check an edit without publishing it"}
	}
	return true, s.dryRun(ctx, edit)
}

func (s *Server) dryRun(ctx *fasthttp.RequestCtx, edit func([]byte) ([]byte, error)) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	want, err := ifMatch(ctx, false)
	if err != nil {
		return err
	}
	src, v, err := st.Current(context.Background())
	if err != nil {
		return err
	}
	if want != 0 && want != v.Number {
		return s.conflict(context.Background(), contentstore.ErrConflict, want)
	}
	out, err := edit(src)
	if err != nil {
		return err
	}
	now := s.cfg.Now()
	draft, err := snippets.Load(out, snippets.ValidateOptions{Now: now})
	if err != nil {
		return err
	}
	id, err := s.newPreview(now, auth.Name(ctx), out, draft)
	if err != nil {
		return err
	}
	return web.WriteJSON(ctx, fasthttp.StatusOK, dryRunBody{BaseVersion: v.Number, Diff: diffRows{Rows: diffOf(src, out)}, Preview: id})
}

// diffOf is the side-by-side diff of two content documents, long unchanged runs collapsed.
func diffOf(a, b []byte) []linediff.Row {
	rows := linediff.Collapse(linediff.Diff(linediff.Lines(a), linediff.Lines(b)), diffContext)
	if rows == nil {
		rows = []linediff.Row{}
	}
	return rows
}

// handleContentDiff answers GET /v1/admin/content/diff?from=N&to=M: what changed from one
// version to another, line by line.
func (s *Server) handleContentDiff(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	var n [2]int64
	for i, name := range [...]string{"from", "to"} {
		v, err := strconv.ParseInt(string(ctx.QueryArgs().Peek(name)), 10, 64)
		if err != nil || v <= 0 {
			return &web.Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: name, Message: name + " is a version number (1, 2, ...)"}
		}
		n[i] = v
	}
	from, _, err := st.Get(context.Background(), n[0])
	if err != nil {
		return err
	}
	to, _, err := st.Get(context.Background(), n[1])
	if err != nil {
		return err
	}
	return web.WriteJSON(ctx, fasthttp.StatusOK, struct {
		From int64          `json:"from"`
		To   int64          `json:"to"`
		Rows []linediff.Row `json:"rows"`
	}{n[0], n[1], diffOf(from, to)})
}

// handleCreatePreview answers POST /v1/admin/preview: the body is a whole draft content
// document (YAML or JSON), validated as a publish would be.
func (s *Server) handleCreatePreview(ctx *fasthttp.RequestCtx) error {
	ct := string(ctx.Request.Header.ContentType())
	if ct != "" && !strings.Contains(ct, "yaml") && !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/plain") {
		return &web.Error{Status: fasthttp.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send the draft as application/yaml or application/json"}
	}
	now := s.cfg.Now()
	src := append([]byte(nil), ctx.PostBody()...)
	draft, err := snippets.Load(src, snippets.ValidateOptions{Now: now})
	if err != nil {
		return err
	}
	id, err := s.newPreview(now, auth.Name(ctx), src, draft)
	if err != nil {
		return err
	}
	return web.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Preview string `json:"preview"`
	}{id})
}

// previewStore holds the draft previews of one server, at most maxPreview of them, each for
// previewTTL after it was made.
type previewStore struct {
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
	st      *serving.State
	widget  func() (*previewWidget, error)
}

type previewWidget struct {
	js, gz []byte
}

func (s *Server) previews() *previewStore { return &s.drafts }

// newPreview keeps draft (parsed from src) as a new preview and returns its id; the oldest
// preview goes when there are more than maxPreview. Where the content store is shared (Redis),
// the draft is kept there too, so that every edge serves the preview. Its widget is built when
// first asked for: a dry run costs a validation, not a bundle.
func (s *Server) newPreview(now time.Time, owner string, src []byte, draft *snippets.Loaded) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	id := hex.EncodeToString(b[:])
	if d, ok := s.cfg.ContentStore.(contentstore.Drafts); ok {
		// An edge that cannot share the draft still serves it itself: the operator's preview
		// works unless the console and the frame reach different edges.
		if err := d.SaveDraft(context.Background(), id, src, previewTTL); err != nil {
			s.log.Warn("draft preview kept on this edge only", "err", err)
		}
	}
	d := s.draftPreview(id, now, draft)
	d.owner = owner
	s.previews().add(now, d)
	return id, nil
}

// draftPreview makes the preview id of draft, made at created.
func (s *Server) draftPreview(id string, created time.Time, draft *snippets.Loaded) *draftPreview {
	draft.Version = "draft"
	// The widget builder holds what it needs, not s.
	tz := s.cfg.TimeZones
	st := serving.Draft(draft, s.servingOptions())
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
func (s *Server) sharedPreview(now time.Time, id string) *draftPreview {
	d, ok := s.cfg.ContentStore.(contentstore.Drafts)
	if !ok || !contentstore.ValidDraftID(id) {
		return nil
	}
	src, left, err := d.LoadDraft(context.Background(), id)
	if err != nil {
		if !errors.Is(err, contentstore.ErrNotFound) {
			s.log.Warn("shared draft preview unreadable", "err", err)
		}
		return nil
	}
	// Validated as when it was made, by this edge's clock: content valid a few minutes ago and
	// not now (a notice that just expired) is refused here as a publish would be.
	draft, err := snippets.Load(src, snippets.ValidateOptions{Now: now})
	if err != nil {
		return nil
	}
	p := s.draftPreview(id, now.Add(left-previewTTL), draft)
	s.previews().add(now, p)
	return p
}

func (p *previewStore) add(now time.Time, d *draftPreview) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire(now)
	count := map[string]int{}
	for _, id := range p.order {
		count[p.entries[id].owner]++
	}
	switch {
	case d.owner != "" && count[d.owner] >= maxPreviewsPerOperator:
		p.evict(d.owner)
	case len(p.order) >= maxPreview:
		// Full: the oldest preview of whoever holds the most goes.
		most := ""
		for o, n := range count {
			if n > count[most] || n == count[most] && o < most {
				most = o
			}
		}
		p.evict(most)
	}
	if p.entries == nil {
		p.entries = map[string]*draftPreview{}
	}
	p.entries[d.id] = d
	p.order = append(p.order, d.id)
}

// get returns the live preview id, or nil.
func (p *previewStore) get(now time.Time, id string) *draftPreview {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.expire(now)
	// One loaded from the shared store may be older than ones made here after it.
	if d := p.entries[id]; d != nil && now.Before(d.created.Add(previewTTL)) {
		return d
	}
	return nil
}

// evict drops owner's oldest preview.
func (p *previewStore) evict(owner string) {
	for i, id := range p.order {
		if p.entries[id].owner == owner {
			delete(p.entries, id)
			p.order = slices.Delete(p.order, i, i+1)
			return
		}
	}
}

// expire drops previews older than previewTTL (the oldest are first).
func (p *previewStore) expire(now time.Time) {
	n := 0
	for n < len(p.order) && !now.Before(p.entries[p.order[n]].created.Add(previewTTL)) {
		delete(p.entries, p.order[n])
		n++
	}
	p.order = slices.Delete(p.order, 0, n)
}

var errNoPreview = &web.Error{Status: fasthttp.StatusNotFound, Code: "not_found", Message: "no such preview: it expired (previews last 15 minutes)"}

// preview finds the request's preview, or fails with 404.
func (s *Server) preview(ctx *fasthttp.RequestCtx) (*draftPreview, error) {
	id, _ := ctx.UserValue("id").(string)
	if len(id) != 32 {
		return nil, errNoPreview
	}
	now := s.cfg.Now()
	d := s.previews().get(now, id)
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
func (s *Server) handlePreviewWidget(ctx *fasthttp.RequestCtx) {
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
		ctx.SetContentType(web.ContentTypeJS)
		if ctx.Request.Header.HasAcceptEncoding("gzip") && len(w.gz) < len(w.js) {
			h.Set("Content-Encoding", "gzip")
			ctx.SetBody(w.gz)
		} else {
			ctx.SetBody(w.js)
		}
		return nil
	}()
	if err != nil {
		web.Write(ctx, s.log, err)
	}
	web.SetCORS(ctx)
}

// handlePreviewSnippet serves the draft's snippets exactly as /v1/snippets renders published
// content.
func (s *Server) handlePreviewSnippet(ctx *fasthttp.RequestCtx) {
	err := func() error {
		d, err := s.preview(ctx)
		if err != nil {
			return err
		}
		return d.st.Snippet(ctx, s.cfg.Now(), false)
	}()
	if err != nil {
		web.Write(ctx, s.log, err)
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	web.SetCORS(ctx)
}

// handlePreviewFeedback answers the preview widget's feedback with what the real route would
// say (202, and whether the comment reads like a crisis, so the operator sees the crisis lines
// appear) and stores nothing. Malformed feedback gets the real route's errors.
func (s *Server) handlePreviewFeedback(ctx *fasthttp.RequestCtx) {
	err := func() error {
		d, err := s.preview(ctx)
		if err != nil {
			return err
		}
		return intake.Preview(ctx, d.st.Content, s.cfg.CrisisPhrases)
	}()
	if err != nil {
		web.Write(ctx, s.log, err)
	}
	web.SetCORS(ctx)
}

// handlePreviewBeacon answers the preview widget's usage beacons with 204 and counts nothing:
// an operator's preview is not a visitor.
func (s *Server) handlePreviewBeacon(ctx *fasthttp.RequestCtx) {
	if _, err := s.preview(ctx); err != nil {
		web.Write(ctx, s.log, err)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// previewCopy is the preview page's text: heading (with the partner's name) and note.
var previewCopy = map[snippets.Locale][2]string{
	snippets.English: {"Draft preview: %s",
		"Content not yet published, as this partner's page would show it. Feedback sent from this preview is not recorded."},
	snippets.French: {"Aperçu du brouillon\u00a0: %s",
		"Contenu pas encore publié, tel que la page de ce partenaire l'afficherait. La rétroaction envoyée depuis cet aperçu n'est pas enregistrée."},
}

// handlePreviewPage serves the draft preview page: ?partner=&locale=&region=&components= (and
// the builder's accent= and exit=), validated as the embed builder validates them, against the
// draft. It may only be framed by this origin (the console).
func (s *Server) handlePreviewPage(ctx *fasthttp.RequestCtx) {
	d, err := s.preview(ctx)
	if err != nil {
		web.Write(ctx, s.log, err)
		return
	}
	lang := web.Lang(ctx)
	embedbuilder.PreviewPage(ctx, s.log, d.st.Content, "/v1/preview/"+d.id+"/widget.js", previewCopy[lang][0], previewCopy[lang][1], "Accept-Language, Accept-Encoding")
	ctx.Response.Header.Set("Cache-Control", "no-store")
}
