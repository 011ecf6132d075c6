// Package web holds what every HTTP job of the edge shares: the error type and the one place
// that turns any error into a status and a JSON body, the response writers, strict JSON
// decoding, the headers every response carries, the language of a page, and Host checks. It
// knows no route and no handler.
package answer

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"strconv"
	"strings"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Error is an error as the edge answers it: its kind (which picks the status, statusOf) and
// machine-readable code, its message. Handlers return it (New) or a domain error (fault.E);
// Classify turns either into one, Write answers it as JSON and Localize on a page.
type Error struct {
	Kind fault.Kind
	// Status is the kind's status (statusOf), filled in by New.
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
	ErrNotFound = New(fault.NotFound, "not_found", "", "not_found")
	ErrMethod   = New(fault.NotAllowed, "method_not_allowed", "", "method_not_allowed")
)

// BadParam is the 400 invalid_parameter of a query parameter that is not what its route
// takes: message id and arguments as for New.
func BadParam(field, id string, args ...any) error {
	return New(fault.Invalid, "invalid_parameter", field, id, args...)
}

// ReadError is the answer to a request fasthttp could not read (its ErrorHandler's error): a
// body over maxBody, headers too large, a timeout, else a bad request.
func ReadError(err error, maxBody int) *Error {
	var small *fasthttp.ErrSmallBuffer
	var netErr net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		return New(fault.TooLarge, "body_too_large", "", "body_too_large", maxBody)
	case errors.As(err, &small):
		return New(fault.HeadersTooLarge, "headers_too_large", "", "headers_too_large")
	case errors.As(err, &netErr) && netErr.Timeout():
		return New(fault.Timeout, "timeout", "", "timeout")
	}
	return New(fault.Invalid, "bad_request", "", "bad_request")
}

// detail is what err says after the sentinel it wraps ("no such content version: 7" -> ": 7").
func detail(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error())
}

// Classify is the answer to any error: an *Error as it is, a domain error (fault.Error, and the
// field and parameter errors of feedback and snippets, which are ones) by its kind, the content
// store's and the content model's errors by what they are, anything else internal (nil then).
func Classify(err error) *Error {
	var e *Error
	var ie *snippets.InvalidError
	var ns *snippets.NoSuchError
	var al *snippets.AliasedError
	switch {
	case errors.As(err, &e):
		return e
	case fault.KindOf(err) != fault.Other:
		return fromFault(fault.As(err))
	case errors.As(err, &ie):
		field := ""
		if len(ie.Problems) > 0 {
			field = ie.Problems[0].Path
		}
		e = New(fault.Unprocessable, "invalid_content", field, "invalid_content", len(ie.Problems))
		e.Errors = ie.Problems
		return e
	case errors.Is(err, contentstore.ErrConflict):
		return New(fault.Stale, "version_conflict", "", "version_conflict.store", detail(err, contentstore.ErrConflict))
	case errors.As(err, &al):
		return New(fault.Conflict, "edit_unsupported", "", "edit_unsupported", al.At)
	case errors.As(err, &ns):
		return New(fault.NotFound, "not_found", "", "not_found."+ns.Kind, strconv.Quote(ns.ID))
	case errors.Is(err, contentstore.ErrNotFound):
		return New(fault.NotFound, "not_found", "", "not_found.version", detail(err, contentstore.ErrNotFound))
	case errors.Is(err, contentstore.ErrUnavailable):
		return New(fault.Unavailable, "store_unavailable", "", "store_unavailable")
	}
	return nil
}

// statusOf is the one place an error becomes an HTTP status: by its kind.
var statusOf = map[fault.Kind]int{
	fault.Invalid:         fasthttp.StatusBadRequest,
	fault.Unauthorized:    fasthttp.StatusUnauthorized,
	fault.Forbidden:       fasthttp.StatusForbidden,
	fault.NotFound:        fasthttp.StatusNotFound,
	fault.NotAllowed:      fasthttp.StatusMethodNotAllowed,
	fault.Timeout:         fasthttp.StatusRequestTimeout,
	fault.Conflict:        fasthttp.StatusConflict,
	fault.Stale:           fasthttp.StatusPreconditionFailed,
	fault.TooLarge:        fasthttp.StatusRequestEntityTooLarge,
	fault.Unsupported:     fasthttp.StatusUnsupportedMediaType,
	fault.Unprocessable:   fasthttp.StatusUnprocessableEntity,
	fault.Unconditional:   fasthttp.StatusPreconditionRequired,
	fault.TooMany:         fasthttp.StatusTooManyRequests,
	fault.HeadersTooLarge: fasthttp.StatusRequestHeaderFieldsTooLarge,
	fault.Internal:        fasthttp.StatusInternalServerError,
	fault.Unavailable:     fasthttp.StatusServiceUnavailable,
}

// Status is the status of kind k: internal (500) for Other.
func Status(k fault.Kind) int {
	if s, ok := statusOf[k]; ok {
		return s
	}
	return fasthttp.StatusInternalServerError
}

// fromFault is the answer to a domain error: its kind's status, its code and field, and its
// message from the catalogue in English (the id and args let the console translate).
func fromFault(f *fault.Error) *Error {
	id := f.ID // checked where the fault is made (fault.E), see TestMessages
	args := make([]any, len(f.Args))
	for i, a := range f.Args {
		args[i] = a
	}
	return New(f.Kind, f.Code, f.Field, id, args...)
}

// answer is err's answer, an error of no known kind logged in full and answered as an internal
// error that reveals nothing.
func answer(ctx *fasthttp.RequestCtx, log *slog.Logger, err error) *Error {
	if e := Classify(err); e != nil {
		return e
	}
	log.Error("internal error", "method", string(ctx.Method()), "path", string(ctx.Path()), "err", err)
	return New(fault.Internal, "internal", "", "internal")
}

// Write answers with err's status and JSON body. Errors of no known kind are internal: logged
// in full, answered as a 500 that reveals nothing.
func Write(ctx *fasthttp.RequestCtx, log *slog.Logger, err error) {
	e := answer(ctx, log, err)
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
