// Package web holds what every HTTP job of the edge shares: the error type and the one place
// that turns any error into a status and a JSON body, the response writers, strict JSON
// decoding, the headers every response carries, the language of a page, and Host checks. It
// knows no route and no handler.
package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/feedback"
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
	// Errors lists every problem when there are several (422 on invalid content).
	Errors []snippets.Problem
	// RetryAfter, in seconds, is sent as Retry-After when set (429, 503).
	RetryAfter int64
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// ErrorBody is the JSON shape of every error: {"error":{"code","message","field"}}, with
// "errors": [{"field","message"}...] when there are several.
type ErrorBody struct {
	Error struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Field   string             `json:"field,omitempty"`
		Errors  []snippets.Problem `json:"errors,omitempty"`
	} `json:"error"`
}

// Errors shared by several handlers.
var (
	ErrNotFound = &Error{Status: fasthttp.StatusNotFound, Code: "not_found", Message: "no such resource"}
	ErrMethod   = &Error{Status: fasthttp.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed on this resource"}
)

// BadParam is the 400 of a query parameter that is not what its route takes.
func BadParam(field, msg string) error {
	return &Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Field: field, Message: msg}
}

// Classify is the status and code of any error: an *Error as it is, the domain packages' errors
// by their kind, anything else internal (nil then).
func Classify(err error) *Error {
	var e *Error
	var pe *snippets.ParamError
	var fe *feedback.FieldError
	var ie *snippets.InvalidError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &ie):
		e = &Error{Status: fasthttp.StatusUnprocessableEntity, Code: "invalid_content", Errors: ie.Problems,
			Message: fmt.Sprintf("content is invalid: %d errors, each named by its field", len(ie.Problems))}
		if len(ie.Problems) > 0 {
			e.Field = ie.Problems[0].Path
		}
		return e
	case errors.Is(err, contentstore.ErrConflict):
		return &Error{Status: fasthttp.StatusPreconditionFailed, Code: "version_conflict", Message: err.Error()}
	case errors.Is(err, snippets.ErrAliased):
		return &Error{Status: fasthttp.StatusConflict, Code: "edit_unsupported", Message: err.Error()}
	case errors.Is(err, contentstore.ErrNotFound), errors.Is(err, snippets.ErrNoSuch):
		return &Error{Status: fasthttp.StatusNotFound, Code: "not_found", Message: err.Error()}
	case errors.Is(err, contentstore.ErrUnavailable):
		return &Error{Status: fasthttp.StatusServiceUnavailable, Code: "store_unavailable",
			Message: "the content store (Redis) cannot be reached: reads are served from memory, writes are refused until it is back"}
	case errors.As(err, &pe):
		return &Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Message: pe.Message, Field: pe.Field}
	case errors.As(err, &fe):
		return &Error{Status: fasthttp.StatusBadRequest, Code: fe.Code, Message: fe.Message, Field: fe.Field}
	}
	return nil
}

// Write answers with err's status and JSON body. Errors of no known kind are internal: logged
// in full, answered as a 500 that reveals nothing.
func Write(ctx *fasthttp.RequestCtx, log *slog.Logger, err error) {
	e := Classify(err)
	if e == nil {
		log.Error("internal error", "method", string(ctx.Method()), "path", string(ctx.Path()), "err", err)
		e = &Error{Status: fasthttp.StatusInternalServerError, Code: "internal", Message: "internal error"}
	}
	var body ErrorBody
	body.Error.Code, body.Error.Message, body.Error.Field, body.Error.Errors = e.Code, e.Message, e.Field, e.Errors
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
