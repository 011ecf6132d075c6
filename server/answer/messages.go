package answer

import (
	"fmt"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/words"
)

// Text is one message in both languages: the English an error carries in "message" and the
// French the console shows instead, each with the message's arguments at {0}, {1}, ...
type Text struct{ EN, FR string }

// Messages is the catalogue of the API's refusals, by message id: the error's code when the
// code has one message, "<code>.<what>" when it has several. Its words are the "error.<id>"
// keys of the one catalogue (words/en.json, words/fr.json). An error carries its id and
// arguments in the JSON body ("id", "args"); the console translates it by them (SP.message), as
// it translates validation problems by code (snippets.ProblemTemplates). TestMessages fails on
// an entry without both languages or with other placeholders in one than in the other, and on
// an id used in code but missing here. To add one: a line "error.<id>" in words/en.json and
// words/fr.json, then New(kind, code, field, id, args...) or fault.E where the error is made.
var Messages = errorMessages()

// errorMessages reads the "error" section of the catalogue.
func errorMessages() map[string]Text {
	en, fr := words.Section("en", "error"), words.Section("fr", "error")
	out := make(map[string]Text, len(en))
	for id, s := range en {
		out[id] = Text{EN: s, FR: fr[id]}
	}
	return out
}

// New is the *Error of message id with its arguments: kind (its status), code and field as given, the
// English of the catalogue in Message, the id and the arguments (formatted with %v) for the
// console to translate by. An id missing from the catalogue is its own message (TestMessages
// fails on it).
func New(k fault.Kind, code, field, id string, args ...any) *Error {
	e := &Error{Kind: k, Status: Status(k), Code: code, Field: field, ID: id}
	for _, a := range args {
		e.Args = append(e.Args, fmt.Sprint(a))
	}
	e.Message = Render(Messages[id].EN, e.Args)
	if e.Message == "" {
		e.Message = id
	}
	return e
}

// Render puts args in tpl's places {0}, {1}, ...; a place without an argument stays as it is
// (words.Render).
func Render(tpl string, args []string) string { return words.Render(tpl, args) }

// FrenchMessages is the French of every message by id: what the console translates with.
func FrenchMessages() map[string]string {
	out := make(map[string]string, len(Messages))
	for id, t := range Messages {
		out[id] = t.FR
	}
	return out
}

// nbsp precedes a French colon (in words/fr.json, "\u00a0"), for a message written in Go.
const nbsp = "\u00a0"
