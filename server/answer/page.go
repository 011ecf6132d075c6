package answer

import (
	"log/slog"

	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Words are a page's own words for the refusals its visitors meet, already in their language:
// by message id (the no-JavaScript form's "answer at least one question" is the content's, as
// the widget shows it), then Refused for any other refusal and Failed for the edge's own
// failure (a 5xx). A page without its own words shows the catalogue's message.
type Words struct {
	ByID            map[string]string
	Refused, Failed string
}

// Answer is an error as a page answers it: the status and the error of the JSON answer, and
// the message in the visitor's language.
type Answer struct {
	*Error
	// Text is what the page says: the page's own words for the message, else the catalogue's
	// in the visitor's language.
	Text string
	// Field is the field Text is about: the error's field when Text names its problem (the
	// catalogue's message, or the page's words for its id), "" when Text is the page's words
	// for any refusal or failure.
	Field string
}

// Localize is the one place an error becomes a page's answer, as Write is for JSON: the same
// status and error (Classify, an error of no known kind logged and internal), and its message
// in lang, from the page's words (w, may be nil) or the catalogue (Messages).
func Localize(ctx *fasthttp.RequestCtx, log *slog.Logger, err error, lang snippets.Locale, w *Words) Answer {
	e := answer(ctx, log, err)
	if w != nil {
		if text, ok := w.ByID[e.ID]; ok {
			return Answer{Error: e, Text: text, Field: e.Field}
		}
		text := w.Refused
		if e.Status >= fasthttp.StatusInternalServerError {
			text = w.Failed
		}
		if text != "" {
			return Answer{Error: e, Text: text}
		}
	}
	return Answer{Error: e, Text: e.In(lang), Field: e.Field}
}

// In is e's message in lang: the catalogue's French for French, else its English (Message).
func (e *Error) In(lang snippets.Locale) string {
	if m, ok := Messages[e.ID]; ok && lang == snippets.French {
		return Render(m.FR, e.Args)
	}
	return e.Message
}
