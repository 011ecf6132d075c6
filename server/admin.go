package server

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/valyala/fasthttp"
)

// Errors of operator authentication.
var (
	errUnauthorized = &Error{Status: fasthttp.StatusUnauthorized, Code: "unauthorized", Message: "send Authorization: Bearer <operator token>"}
	errForbidden    = &Error{Status: fasthttp.StatusForbidden, Code: "forbidden", Message: "this token is not an operator token"}
	errAdminOff     = &Error{Status: fasthttp.StatusForbidden, Code: "admin_disabled", Message: "no operator token is configured on this edge (EDGE_ADMIN_TOKEN or --admin-token-file)"}
)

// Operator is one operator token: its name goes into the audit log, its scopes say what it may
// do (ScopeContent, ScopeNotice, ScopeFeedbackRead, ScopeFollowupsExport). Scopes nil grants
// every scope, as EDGE_ADMIN_TOKEN has; a tokens file must list them (ValidateScopes).
type Operator struct {
	Name   string   `yaml:"name" json:"name"`
	Token  string   `yaml:"token" json:"-"`
	Scopes []string `yaml:"scopes,omitempty" json:"scopes,omitempty"`
}

type operatorKey struct {
	name   string
	digest [32]byte
	scopes []string
}

// operatorKeys digests the configured tokens once: EDGE_ADMIN_TOKEN as "admin", then the
// tokens file's named tokens.
func operatorKeys(cfg Config) []operatorKey {
	var keys []operatorKey
	if cfg.AdminToken != "" {
		keys = append(keys, operatorKey{"admin", sha256.Sum256([]byte(cfg.AdminToken)), AllScopes})
	}
	for _, o := range cfg.Operators {
		if o.Token != "" {
			keys = append(keys, operatorKey{o.Name, sha256.Sum256([]byte(o.Token)), grants(o.Scopes)})
		}
	}
	return keys
}

// checkOperator verifies "Authorization: Bearer <token>" against the operator tokens: nil when
// one matches (its name is then the request's "operator" value), errUnauthorized when there is
// none, errForbidden when it is wrong. Digests are compared in constant time, against every
// token whatever matched, so neither a token nor its length leaks through timing.
func (s *Server) checkOperator(ctx *fasthttp.RequestCtx) error {
	h := ctx.Request.Header.Peek("Authorization")
	const scheme = "bearer "
	if len(h) <= len(scheme) || !equalFoldASCII(h[:len(scheme)], scheme) {
		return errUnauthorized
	}
	if len(s.operators) == 0 {
		return errAdminOff
	}
	// Failed attempts are counted per client (its address's keyed hash, in Redis when shared):
	// past the limit that client is refused for the rest of the window, right token or not, so a
	// token cannot be guessed; a client elsewhere is not affected.
	client := s.ipHasher.HashText(ratelimit.Key(s.cfg.TrustedProxies.ClientIP(ctx)))
	if r := s.limits.Peek(context.Background(), ratelimit.ScopeAuth, client); !r.Failed && (r.Reached || r.Remaining == 0) {
		return &Error{Status: fasthttp.StatusTooManyRequests, Code: "auth_throttled", RetryAfter: r.RetryAfter(s.cfg.Now()),
			Message: "too many failed operator authentications from this address; retry later"}
	}
	got := sha256.Sum256(h[len(scheme):])
	name := ""
	var scopes []string
	for _, k := range s.operators {
		if subtle.ConstantTimeCompare(got[:], k.digest[:]) == 1 {
			name, scopes = k.name, k.scopes
		}
	}
	if name == "" {
		s.limits.Allow(context.Background(), ratelimit.ScopeAuth, client)
		return errForbidden
	}
	ctx.SetUserValue(operatorValue, name)
	ctx.SetUserValue(operatorScopesValue, scopes)
	return nil
}

// operatorValue is the request value holding the authenticated operator's name.
const operatorValue = "signpost.operator"

func operatorName(ctx *fasthttp.RequestCtx) string {
	name, _ := ctx.UserValue(operatorValue).(string)
	return name
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := range len(lower) {
		if b[i]|0x20 != lower[i] && b[i] != lower[i] {
			return false
		}
	}
	return true
}

// admin wraps an operator API handler with the bearer check and, when scopes are given, the
// check that the token has one of them (403 missing_scope naming it).
func (s *Server) admin(h func(*fasthttp.RequestCtx) error, anyOf ...string) fasthttp.RequestHandler {
	return func(ctx *fasthttp.RequestCtx) {
		err := s.checkOperator(ctx)
		if err == nil {
			err = s.requireScope(ctx, anyOf)
		}
		if err == nil {
			ctx.Response.Header.Set("Cache-Control", "no-store")
			err = h(ctx)
		}
		if err != nil {
			writeError(ctx, s.log, err)
			if errors.Is(err, errUnauthorized) {
				ctx.Response.Header.Set("WWW-Authenticate", `Bearer realm="signpost-admin"`)
			}
		}
	}
}

// feedbackQuery reads the dashboard's filter (parseFeedbackFilter: partner, page, from, to,
// since, found, helpful, crisis, comment, reviewed) and ?format=csv|jsonl: the export and the
// stats select exactly the records the dashboard shows for the same query.
func (s *Server) feedbackQuery(ctx *fasthttp.RequestCtx, defFormat string) (feedback.Filter, string, error) {
	f, _, err := s.feedbackFilter(ctx, false)
	if err != nil {
		return f, "", err
	}
	format := string(ctx.QueryArgs().Peek("format"))
	if format == "" {
		format = defFormat
	}
	if feedback.CheckFormat(format) != nil {
		return f, "", &Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: "format", Message: "want csv or jsonl"}
	}
	return f, format, nil
}

// handleAdminFeedback streams GET /v1/admin/feedback as CSV or JSON lines.
func (s *Server) handleAdminFeedback(ctx *fasthttp.RequestCtx) error {
	st := s.cfg.Feedback
	if st == nil {
		return errFeedbackUnavailable
	}
	f, format, err := s.feedbackQuery(ctx, feedback.FormatJSONL)
	if err != nil {
		return err
	}
	if err := readable(func(stop func() error) error {
		return st.Records(context.Background(), f, func(*feedback.Record) error { return stop() })
	}); err != nil {
		return err
	}
	setExportHeaders(ctx, format, "feedback")
	if ctx.IsHead() {
		return nil
	}
	if err := s.auditExport(ctx, "feedback.export", f); err != nil {
		return err
	}
	s.streamExport(ctx, format, "feedback export", func(w *bufio.Writer) error {
		return feedback.ExportRecords(context.Background(), st, f, format, w)
	})
	return nil
}

// errExportUnavailable refuses an export before its first byte: a 200 with no rows would read
// as "no feedback".
var errExportUnavailable = &Error{Status: fasthttp.StatusServiceUnavailable, Code: "store_unavailable", RetryAfter: 5,
	Message: "the feedback store cannot be read now (Redis away?): nothing was exported; try again"}

// readable reads the first item of an export (scan calls stop on it) to learn, before any byte
// is sent, whether the store can be read at all.
func readable(scan func(stop func() error) error) error {
	errStop := errors.New("stop")
	if err := scan(func() error { return errStop }); err != nil && !errors.Is(err, errStop) {
		return errExportUnavailable
	}
	return nil
}

// streamExport streams an export. One that breaks after its first byte ends so that a client
// cannot take it for a whole one: a last line says it is incomplete, and the connection is cut
// before the chunked body's end.
func (s *Server) streamExport(ctx *fasthttp.RequestCtx, format, what string, run func(w *bufio.Writer) error) {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		err := run(w)
		if err == nil {
			err = w.Flush()
		}
		if err == nil {
			_ = pw.Close()
			return
		}
		s.log.Error(what+" stopped: the client's copy is cut short", "err", err)
		if format == feedback.FormatCSV {
			_, _ = w.WriteString("\n#error,store_unavailable,export incomplete: the store stopped answering")
		} else {
			_, _ = w.WriteString(`{"error":{"code":"store_unavailable","message":"export incomplete: the store stopped answering"}}`)
		}
		_ = w.Flush()
		// An error, not EOF: fasthttp then ends the connection without the chunked body's end.
		_ = pw.CloseWithError(errExportBroken)
	}()
	ctx.SetBodyStream(pr, -1)
}

var errExportBroken = errors.New("export broken off")

// handleAdminFollowups streams GET /v1/admin/feedback/followups: the emails of visitors who
// asked to be contacted, within the retention window.
func (s *Server) handleAdminFollowups(ctx *fasthttp.RequestCtx) error {
	st := s.cfg.Feedback
	if st == nil {
		return errFeedbackUnavailable
	}
	f, format, err := s.feedbackQuery(ctx, feedback.FormatCSV)
	if err != nil {
		return err
	}
	// A follow-up holds a partner, a time and an email: filters of answers, pages or comments
	// cannot apply to it, and are refused rather than ignored (personal data leaves only as
	// asked for).
	for _, name := range []string{"page", "found", "helpful", "crisis", "comment", "reviewed"} {
		if ctx.QueryArgs().Has(name) {
			return &Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: name,
				Message: "follow-ups are filtered by partner, since, from and to only"}
		}
	}
	if since := s.cfg.Now().Add(-s.cfg.FollowupRetention); f.Since.Before(since) {
		f.Since = since
	}
	if err := readable(func(stop func() error) error {
		return st.Followups(context.Background(), f.Since, func(*feedback.Followup) error { return stop() })
	}); err != nil {
		return err
	}
	setExportHeaders(ctx, format, "followups")
	if ctx.IsHead() {
		return nil
	}
	if err := s.auditExport(ctx, "followups.export", f); err != nil {
		return err
	}
	s.streamExport(ctx, format, "follow-up export", func(w *bufio.Writer) error {
		return feedback.ExportFollowups(context.Background(), st, f, format, w)
	})
	return nil
}

func setExportHeaders(ctx *fasthttp.RequestCtx, format, name string) {
	if format == feedback.FormatCSV {
		ctx.SetContentType("text/csv; charset=utf-8")
	} else {
		ctx.SetContentType("application/x-ndjson")
	}
	ctx.Response.Header.Set("Content-Disposition", `attachment; filename="`+name+`.`+format+`"`)
}

// handleAdminStats answers GET /v1/admin/feedback/stats: counts per day, partner and page.
func (s *Server) handleAdminStats(ctx *fasthttp.RequestCtx) error {
	if s.cfg.Feedback == nil {
		return errFeedbackUnavailable
	}
	f, _, err := s.feedbackQuery(ctx, feedback.FormatJSONL)
	if err != nil {
		return err
	}
	st, err := feedback.ComputeStats(context.Background(), s.cfg.Feedback, f)
	if err != nil {
		s.log.Error("feedback stats: store unreadable", "err", err)
		return &Error{Status: fasthttp.StatusServiceUnavailable, Code: "store_unavailable", Message: "the feedback store cannot be read now; try again"}
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	ctx.SetContentType(contentJSON)
	ctx.SetBody(b)
	return nil
}

// auditExport records who exported what: follow-up emails are personal data, and every export
// of them is logged with the operator's name.
func (s *Server) auditExport(ctx *fasthttp.RequestCtx, action string, f feedback.Filter) error {
	// The whole query is the filter: the log says exactly which records left, not only whose.
	target := string(ctx.QueryArgs().QueryString())
	if s.cfg.ContentStore == nil {
		s.log.Info("export", "action", action, "actor", operatorName(ctx), "partner", f.Partner, "filter", target)
		return nil
	}
	// An export is audited or refused: nothing leaves that the audit log does not name.
	e := contentstore.AuditEntry{Time: s.cfg.Now().UTC(), Actor: operatorName(ctx), Action: action, Target: target}
	if err := s.cfg.ContentStore.Audit(context.Background(), e); err != nil {
		s.log.Error("export refused: its audit entry could not be written", "err", err, "action", action, "actor", e.Actor)
		return &Error{Status: fasthttp.StatusServiceUnavailable, Code: "store_unavailable", RetryAfter: 5,
			Message: "the audit log cannot be written now, and no export leaves unaudited: try again"}
	}
	return nil
}
