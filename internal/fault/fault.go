// Package fault is the error vocabulary of the domain packages: an error has a Kind (what went
// wrong, which picks the HTTP status in server/answer), a stable API Code, the Field it is about,
// a message ID in the catalogue (answer.Messages) and its Args. No English is written where an
// error is made; the words live in the catalogue. It imports nothing HTTP.
package fault

import (
	"errors"
	"fmt"
)

// Kind is the class of an error; server/answer maps each kind to one status.
type Kind int

// The kinds. Other is the zero value: an error of no known kind, answered as internal.
const (
	Other           Kind = iota
	Invalid              // the request is malformed: a field, a parameter, a body that does not parse
	NotFound             // no such thing
	Conflict             // the thing cannot be done in the state it is in (taken once, aliased)
	Stale                // a precondition failed: the version the caller edited is not the current one
	Forbidden            // the caller may not do this (origin, scope, token)
	Unauthorized         // the caller did not say who it is
	Unavailable          // a store or service is away, or not configured: try again later
	TooLarge             // the body is over its limit
	TooMany              // a rate limit is reached
	Internal             // the edge failed
	NotAllowed           // the method is not one the resource takes
	Unsupported          // the body's media type is not one the route takes
	Unprocessable        // well-formed, but refused by validation as a whole (invalid content)
	Unconditional        // the change needs a precondition (If-Match) and came without one
	HeadersTooLarge      // the request's headers are over their limit
	Timeout              // the request did not arrive in time
)

var kindNames = [...]string{"other", "invalid", "not_found", "conflict", "stale", "forbidden",
	"unauthorized", "unavailable", "too_large", "too_many", "internal", "not_allowed",
	"unsupported", "unprocessable", "unconditional", "headers_too_large", "timeout"}

// Kinds are every kind but Other, in order.
func Kinds() []Kind {
	out := make([]Kind, 0, len(kindNames)-1)
	for k := Invalid; int(k) < len(kindNames); k++ {
		out = append(out, k)
	}
	return out
}

func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("kind(%d)", int(k))
	}
	return kindNames[k]
}

// Error is a domain error: kind, stable code, field, message id and arguments, and the error
// it wraps, if any.
type Error struct {
	Kind  Kind
	Code  string // stable API code, e.g. "invalid_field"
	Field string
	ID    string // message id in the catalogue
	Args  []string
	Err   error
}

// E builds an Error of kind k with code, field, message id and args (formatted with %v).
func E(k Kind, code, field, id string, args ...any) *Error {
	e := &Error{Kind: k, Code: code, Field: field, ID: id}
	for _, a := range args {
		e.Args = append(e.Args, fmt.Sprint(a))
	}
	return e
}

// Wrap returns e with err as the error it wraps.
func (e *Error) Wrap(err error) *Error { e.Err = err; return e }

func (e *Error) Error() string {
	s := e.Code
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.ID != "" {
		s += ": " + e.ID
	}
	for _, a := range e.Args {
		s += " " + a
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// As is the *Error in err's chain, nil when there is none.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return nil
}

// KindOf is the kind of the first *Error in err's chain, Other when there is none.
func KindOf(err error) Kind {
	if e := As(err); e != nil {
		return e.Kind
	}
	return Other
}
