// Package web holds what every HTTP job of the edge shares: the error type and the one place
// that turns any error into a status and a JSON body, the response writers, strict JSON
// decoding, the headers every response carries, the language of a page, and Host checks. It
// knows no route and no handler.
package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Error is an error with the HTTP status and machine-readable code it answers with. Handlers
// return it; Write is the one place that turns any error into a status and a JSON body.
type Error struct {
	Status  int
	Code    string
	Message string
	Field   string
	// ID names the message in the catalogue (Messages) and Args are its arguments: what the
	// console translates by. New fills them, and Message from them.
	ID   string
	Args []string
	// Errors lists every problem when there are several (422 on invalid content).
	Errors []snippets.Problem
	// RetryAfter, in seconds, is sent as Retry-After when set (429, 503).
	RetryAfter int64
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrorBody is the JSON shape of every error: {"error":{"code","message","field","id","args"}},
// with "errors": [{"field","message","code","args"}...] when there are several. "id" names the
// message in the catalogue (Messages), "args" are its arguments.
type ErrorBody struct {
	Error struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Field   string             `json:"field,omitempty"`
		ID      string             `json:"id,omitempty"`
		Args    []string           `json:"args,omitempty"`
		Errors  []snippets.Problem `json:"errors,omitempty"`
	} `json:"error"`
}

// Errors shared by several handlers.
var (
	ErrNotFound = New(fasthttp.StatusNotFound, "not_found", "", "not_found")
	ErrMethod   = New(fasthttp.StatusMethodNotAllowed, "method_not_allowed", "", "method_not_allowed")
)

// BadParam is the 400 invalid_parameter of a query parameter that is not what its route
// takes: message id and arguments as for New.
func BadParam(field, id string, args ...any) error {
	return New(fasthttp.StatusBadRequest, "invalid_parameter", field, id, args...)
}

// detail is what err says after the sentinel it wraps ("no such content version: 7" -> ": 7").
func detail(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error())
}

// Classify is the status and code of any error: an *Error as it is, the domain packages' errors
// by their kind, anything else internal (nil then).
func Classify(err error) *Error {
	var e *Error
	var pe *snippets.ParamError
	var fe *feedback.FieldError
	var ie *snippets.InvalidError
	var ns *snippets.NoSuchError
	var al *snippets.AliasedError
	var fe2 *fault.Error
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &fe2) && fe2.Kind != fault.Other:
		return fromFault(fe2)
	case errors.As(err, &ie):
		field := ""
		if len(ie.Problems) > 0 {
			field = ie.Problems[0].Path
		}
		e = New(fasthttp.StatusUnprocessableEntity, "invalid_content", field, "invalid_content", len(ie.Problems))
		e.Errors = ie.Problems
		return e
	case errors.Is(err, contentstore.ErrConflict):
		return New(fasthttp.StatusPreconditionFailed, "version_conflict", "", "version_conflict.store", detail(err, contentstore.ErrConflict))
	case errors.As(err, &al):
		return New(fasthttp.StatusConflict, "edit_unsupported", "", "edit_unsupported", al.At)
	case errors.As(err, &ns):
		return New(fasthttp.StatusNotFound, "not_found", "", "not_found."+ns.Kind, strconv.Quote(ns.ID))
	case errors.Is(err, contentstore.ErrNotFound):
		return New(fasthttp.StatusNotFound, "not_found", "", "not_found.version", detail(err, contentstore.ErrNotFound))
	case errors.Is(err, contentstore.ErrUnavailable):
		return New(fasthttp.StatusServiceUnavailable, "store_unavailable", "", "store_unavailable")
	case errors.As(err, &pe):
		return &Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Message: pe.Message, Field: pe.Field}
	case errors.As(err, &fe):
		return &Error{Status: fasthttp.StatusBadRequest, Code: fe.Code, Message: fe.Message, Field: fe.Field}
	}
	return nil
}

// statusOf is the one place a domain error's kind becomes an HTTP status.
var statusOf = map[fault.Kind]int{
	fault.Invalid:      fasthttp.StatusBadRequest,
	fault.NotFound:     fasthttp.StatusNotFound,
	fault.Conflict:     fasthttp.StatusConflict,
	fault.Stale:        fasthttp.StatusPreconditionFailed,
	fault.Forbidden:    fasthttp.StatusForbidden,
	fault.Unauthorized: fasthttp.StatusUnauthorized,
	fault.Unavailable:  fasthttp.StatusServiceUnavailable,
	fault.TooLarge:     fasthttp.StatusRequestEntityTooLarge,
	fault.TooMany:      fasthttp.StatusTooManyRequests,
	fault.Internal:     fasthttp.StatusInternalServerError,
}

// fromFault is the answer to a domain error: its kind's status, its code and field, and its
// message from the catalogue in English (the id and args let the console translate).
func fromFault(f *fault.Error) *Error {
	id := f.ID // checked where the fault is made (fault.E), see TestMessages
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	return New(statusOf[f.Kind], f.Code, f.Field, id, args...)
}

// Write answers with err's status and JSON body. Errors of no known kind are internal: logged
// in full, answered as a 500 that reveals nothing.
func Write(ctx *fasthttp.RequestCtx, log *slog.Logger, err error) {
	e := Classify(err)
	if e == nil {
		log.Error("internal error", "method", string(ctx.Method()), "path", string(ctx.Path()), "err", err)
		e = New(fasthttp.StatusInternalServerError, "internal", "", "internal")
	}
	var body ErrorBody
	body.Error.Code, body.Error.Message, body.Error.Field, body.Error.Errors = e.Code, e.Message, e.Field, e.Errors
	body.Error.ID, body.Error.Args = e.ID, e.Args
	b, _ := json.Marshal(body)
	ctx.Response.Reset()
	SetSecurityHeaders(ctx)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(e.Status)
	ctx.SetContentType("application/json")
	if e.RetryAfter > 0 {
		ctx.Response.Header.Set("Retry-After", strconv.FormatInt(e.RetryAfter, 10))
	}
	ctx.SetBody(b)
}
