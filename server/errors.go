package server

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
// return it; writeError is the one place that turns any error into a status and a JSON body.
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

// errorBody is the JSON shape of every error: {"error":{"code","message","field"}}, with
// "errors": [{"field","message"}...] when there are several.
type errorBody struct {
	Error struct {
		Code    string             `json:"code"`
		Message string             `json:"message"`
		Field   string             `json:"field,omitempty"`
		Errors  []snippets.Problem `json:"errors,omitempty"`
	} `json:"error"`
}

// Errors shared by several handlers.
var (
	errNotFound = &Error{Status: fasthttp.StatusNotFound, Code: "not_found", Message: "no such resource"}
	errMethod   = &Error{Status: fasthttp.StatusMethodNotAllowed, Code: "method_not_allowed", Message: "method not allowed on this resource"}
)

// writeError answers with err's status and JSON body. Errors of no known kind are internal:
// logged in full, answered as a 500 that reveals nothing.
func writeError(ctx *fasthttp.RequestCtx, log *slog.Logger, err error) {
	var e *Error
	var pe *snippets.ParamError
	var fe *feedback.FieldError
	var ie *snippets.InvalidError
	switch {
	case errors.As(err, &e):
	case errors.As(err, &ie):
		e = &Error{Status: fasthttp.StatusUnprocessableEntity, Code: "invalid_content", Errors: ie.Problems,
			Message: fmt.Sprintf("content is invalid: %d errors, each named by its field", len(ie.Problems))}
		if len(ie.Problems) > 0 {
			e.Field = ie.Problems[0].Path
		}
	case errors.Is(err, contentstore.ErrConflict):
		e = &Error{Status: fasthttp.StatusPreconditionFailed, Code: "version_conflict", Message: err.Error()}
	case errors.Is(err, snippets.ErrAliased):
		e = &Error{Status: fasthttp.StatusConflict, Code: "edit_unsupported", Message: err.Error()}
	case errors.Is(err, contentstore.ErrNotFound), errors.Is(err, snippets.ErrNoSuch):
		e = &Error{Status: fasthttp.StatusNotFound, Code: "not_found", Message: err.Error()}
	case errors.Is(err, contentstore.ErrUnavailable):
		e = &Error{Status: fasthttp.StatusServiceUnavailable, Code: "store_unavailable",
			Message: "the content store (Redis) cannot be reached: reads are served from memory, writes are refused until it is back"}
	case errors.As(err, &pe):
		e = &Error{Status: fasthttp.StatusBadRequest, Code: "invalid_parameter", Message: pe.Message, Field: pe.Field}
	case errors.As(err, &fe):
		e = &Error{Status: fasthttp.StatusBadRequest, Code: fe.Code, Message: fe.Message, Field: fe.Field}
	default:
		log.Error("internal error", "method", string(ctx.Method()), "path", string(ctx.Path()), "err", err)
		e = &Error{Status: fasthttp.StatusInternalServerError, Code: "internal", Message: "internal error"}
	}
	var body errorBody
	body.Error.Code, body.Error.Message, body.Error.Field, body.Error.Errors = e.Code, e.Message, e.Field, e.Errors
	b, _ := json.Marshal(body)
	ctx.Response.Reset()
	setSecurityHeaders(ctx)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(e.Status)
	ctx.SetContentType("application/json")
	if e.RetryAfter > 0 {
		ctx.Response.Header.Set("Retry-After", strconv.FormatInt(e.RetryAfter, 10))
	}
	ctx.SetBody(b)
}
