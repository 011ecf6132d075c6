package admin

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/fasthttp/router"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/internal/linediff"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// The operator console's API beyond the content routes of content.go: dry runs of every
// content edit (a diff and a preview, nothing published), crisis lines and region line lists,
// the diff between two versions, draft previews, and who the token is.
//
// diffContext is how many unchanged lines a diff keeps around each change.
const diffContext = 3

// editAPIRoutes adds the operator API (line, region, dry-run, diff, whoami) beyond the content
// routes; the console pages that call it are in server/console.
func (s *handlers) editAPIRoutes(r *router.Router, get func(string, fasthttp.RequestHandler)) {
	get("/v1/admin/whoami", s.Auth.WrapPartner(s.handleWhoami))
	r.PUT("/v1/admin/lines/{id}", s.Auth.Wrap(s.handlePutLine, auth.ScopeContent))
	r.PUT("/v1/admin/regions/{code}/lines", s.Auth.Wrap(s.handlePutRegionLines, auth.ScopeContent))
	// The re-check queue and "checked today" (verify.go).
	get("/v1/admin/lines/due", s.Auth.Wrap(s.handleLinesDue, auth.ScopeContent))
	r.POST("/v1/admin/lines/{id}/checked", s.Auth.Wrap(s.handleLineChecked, auth.ScopeContent))
	// A line's status: active, degraded with its message, retired (verify.go).
	r.PUT("/v1/admin/lines/{id}/status", s.Auth.Wrap(s.handleLineStatus, auth.ScopeContent))
	get("/v1/admin/content/diff", s.Auth.Wrap(s.handleContentDiff, auth.ScopeContent, auth.ScopeNotice))
	// A whole draft is whole content: only the content scope may have one served (for 15
	// minutes, to anyone with its id). A notice token previews its notice through the dry run of
	// PUT /v1/admin/notice, an edit of the current content like the real write.
	r.POST("/v1/admin/preview", s.Auth.Wrap(s.handleCreatePreview, auth.ScopeContent))
}

// handleWhoami answers GET /v1/admin/whoami: the operator's name, scopes and partners (null:
// every partner), and a person's email and provider, so the console shows only the views the
// identity can use.
func (s *handlers) handleWhoami(ctx *fasthttp.RequestCtx) error {
	id := auth.Who(ctx)
	scopes := id.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	warnings := []string{}
	if s.Warnings != nil {
		warnings = append(warnings, s.Warnings()...)
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Name     string   `json:"name"`
		Email    string   `json:"email,omitempty"`
		Provider string   `json:"provider,omitempty"`
		Scopes   []string `json:"scopes"`
		Partners []string `json:"partners"`
		Warnings []string `json:"warnings"`
		// CSRF is a person's session's token, which every change made with the session's
		// cookie carries (auth.CSRFHeader); none for a bearer token.
		CSRF string `json:"csrf,omitempty"`
	}{id.Name, id.Email, id.Provider, scopes, id.Partners, warnings, auth.SessionCSRF(ctx)})
}

// handlePutLine creates or replaces one crisis line (PUT /v1/admin/lines/{id}).
func (s *handlers) handlePutLine(ctx *fasthttp.RequestCtx) error {
	var body struct {
		snippets.Line
		// RegionMessages sets the banner message of these regions in the same version: a
		// line's new number and the sentences naming it are published together (either alone
		// is refused, since a banner may name only its region's numbers).
		RegionMessages map[string]snippets.Text `json:"region_messages"`
	}
	if err := answer.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	id := fmt.Sprint(ctx.UserValue("id"))
	codes := slices.Sorted(maps.Keys(body.RegionMessages))
	target := "lines." + id
	for _, code := range codes {
		target += " regions." + code + ".message"
	}
	return s.editCurrent(ctx, "line.put", target, func(src []byte) ([]byte, error) {
		return snippets.PutLineWithMessages(src, id, &body.Line, body.RegionMessages)
	})
}

// handlePutRegionLines sets the lines a region lists, in order (PUT /v1/admin/regions/{code}/lines),
// and with "message" the region's banner sentence in the same version: a line taken out and the
// sentence that named its number go out together.
func (s *handlers) handlePutRegionLines(ctx *fasthttp.RequestCtx) error {
	var body struct {
		Lines   []string      `json:"lines"`
		Message snippets.Text `json:"message"`
	}
	if err := answer.DecodeJSON(ctx, maxEditBody, &body); err != nil {
		return err
	}
	if body.Lines == nil {
		return answer.New(fault.Invalid, "invalid_json", "lines", "invalid_json.lines")
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
func (s *handlers) maybeDryRun(ctx *fasthttp.RequestCtx, edit func([]byte) ([]byte, error)) (handled bool, err error) {
	if !ctx.QueryArgs().Has("dry_run") {
		return false, nil
	}
	// Only a dry run is spelled here: "dry_run=false" publishing for real would make a typo in
	// a client a live change.
	switch string(ctx.QueryArgs().Peek("dry_run")) {
	case "1", "true", "":
	default:
		return true, answer.BadParam("dry_run", "invalid_parameter.dry_run")
	}
	return true, s.dryRun(ctx, edit)
}

func (s *handlers) dryRun(ctx *fasthttp.RequestCtx, edit func([]byte) ([]byte, error)) error {
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
	now := s.Now()
	draft, err := snippets.Load(out, snippets.ValidateOptions{Now: now})
	if err != nil {
		return err
	}
	id, err := s.Previews.Add(now, auth.Actor(ctx), out, draft)
	if err != nil {
		return err
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, dryRunBody{BaseVersion: v.Number, Diff: diffRows{Rows: diffOf(src, out)}, Preview: id})
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
func (s *handlers) handleContentDiff(ctx *fasthttp.RequestCtx) error {
	st, err := s.store()
	if err != nil {
		return err
	}
	var n [2]int64
	for i, name := range [...]string{"from", "to"} {
		v, err := strconv.ParseInt(string(ctx.QueryArgs().Peek(name)), 10, 64)
		if err != nil || v <= 0 {
			return answer.BadParam(name, "invalid_parameter.version_of", name)
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
	return answer.WriteJSON(ctx, fasthttp.StatusOK, struct {
		From int64          `json:"from"`
		To   int64          `json:"to"`
		Rows []linediff.Row `json:"rows"`
	}{n[0], n[1], diffOf(from, to)})
}

// handleCreatePreview answers POST /v1/admin/preview (scope content): the body is a whole draft
// content document (YAML or JSON), validated as a publish would be.
func (s *handlers) handleCreatePreview(ctx *fasthttp.RequestCtx) error {
	ct := string(ctx.Request.Header.ContentType())
	if ct != "" && !strings.Contains(ct, "yaml") && !strings.Contains(ct, "json") && !strings.HasPrefix(ct, "text/plain") {
		return answer.New(fault.Unsupported, "unsupported_media_type", "", "unsupported_media_type.draft")
	}
	now := s.Now()
	src := append([]byte(nil), ctx.PostBody()...)
	draft, err := snippets.Load(src, snippets.ValidateOptions{Now: now})
	if err != nil {
		return err
	}
	id, err := s.Previews.Add(now, auth.Actor(ctx), src, draft)
	if err != nil {
		return err
	}
	return answer.WriteJSON(ctx, fasthttp.StatusOK, struct {
		Preview string `json:"preview"`
	}{id})
}
