package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/valyala/fasthttp"
)

// The scopes of operator tokens: what a token may do through /v1/admin/.
const (
	// ScopeContent: write content (the whole bundle, featured lists, resources, rollback) and
	// read it (current, history, versions).
	ScopeContent = "content"
	// ScopeNotice: publish and withdraw emergency notices, and read content (a notice is
	// written against the current content).
	ScopeNotice = "notice"
	// ScopeFeedbackRead: export feedback, read its stats, the audit log and the usage counts.
	ScopeFeedbackRead = "feedback:read"
	// ScopeFollowupsExport: export the emails of visitors who asked to be contacted (personal
	// data; every export is audit-logged).
	ScopeFollowupsExport = "followups:export"
	// ScopeFeedbackWrite: post feedback from a server, without a browser's Origin (and without
	// the time-on-form check a page's post gets).
	ScopeFeedbackWrite = "feedback:write"
)

// AllScopes lists every scope. EDGE_ADMIN_TOKEN ("admin") has them all.
var AllScopes = []string{ScopeContent, ScopeNotice, ScopeFeedbackRead, ScopeFollowupsExport, ScopeFeedbackWrite}

// ValidateScopes checks a token's scope list as a tokens file gives it: at least one scope, each
// a known one. A named token says what it may do; there is no implicit "everything".
func ValidateScopes(scopes []string) error {
	if len(scopes) == 0 {
		return fmt.Errorf("list the scopes this token has, from %s", strings.Join(AllScopes, ", "))
	}
	for _, sc := range scopes {
		if !slices.Contains(AllScopes, sc) {
			return fmt.Errorf("unknown scope %q: want %s", sc, strings.Join(AllScopes, ", "))
		}
	}
	return nil
}

// operatorScopesValue is the request value holding the authenticated operator's scopes.
const operatorScopesValue = "signpost.operator.scopes"

// grants returns the scopes of a configured operator: Scopes nil grants every scope (the
// tokens file cannot say that: loadOperators requires a list, checked by ValidateScopes).
func grants(scopes []string) []string {
	if scopes == nil {
		return AllScopes
	}
	return slices.Clone(scopes)
}

// requireScope fails with 403 missing_scope unless the request's operator has one of anyOf
// (none given: any operator). The denial is logged with the token's name, never its address.
func (s *Server) requireScope(ctx *fasthttp.RequestCtx, anyOf []string) error {
	if len(anyOf) == 0 {
		return nil
	}
	have, _ := ctx.UserValue(operatorScopesValue).([]string)
	for _, sc := range anyOf {
		if slices.Contains(have, sc) {
			return nil
		}
	}
	msg := "this token lacks the scope " + anyOf[0]
	if len(anyOf) > 1 {
		msg += " (or " + strings.Join(anyOf[1:], ", or ") + ")"
	}
	s.log.Info("operator request refused: missing scope", "actor", operatorName(ctx), "scope", strings.Join(anyOf, "|"),
		"method", string(ctx.Method()), "path", string(ctx.Path()))
	return &Error{Status: fasthttp.StatusForbidden, Code: "missing_scope", Field: "scope", Message: msg}
}
