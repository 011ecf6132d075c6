package feedback

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/internal/jsonstrict"
	"github.com/signpost/edge/snippets"
)

// Limits of a submission (the public contract).
const (
	MaxBody      = 16 << 10 // bytes of request body; larger is 413
	MaxComment   = 1000     // characters, after trimming and removing control characters
	MaxPage      = 2048     // bytes of path, after dropping query and fragment
	MaxEmail     = 254      // bytes (RFC 5321's path limit)
	MaxPartnerID = 64
	// MinElapsedMS is the least time on form a person takes: faster is a bot, answered 202 as
	// if accepted and not stored.
	MinElapsedMS = 1500
)

// FieldError is a submission the intake refuses: a fault.Error of kind Invalid (a 400) naming
// the field, a machine code, and the message's id and arguments in the catalogue (server/answer):
// its words, in English and French, are there. errors.As finds it as a *fault.Error too.
type FieldError fault.Error

func (e *FieldError) Error() string {
	s := e.Field
	if s == "" {
		s = e.Code
	}
	return strings.Join(append([]string{s + ": " + e.ID}, e.Args...), " ")
}

// Unwrap is the FieldError as the *fault.Error it is.
func (e *FieldError) Unwrap() error { return (*fault.Error)(e) }

// fieldErr is the FieldError of field with code, message id and arguments.
func fieldErr(field, code, id string, args ...any) *FieldError {
	return (*FieldError)(fault.E(fault.Invalid, code, field, id, args...))
}

// Submission is a decoded, normalized body of POST /v1/feedback.
type Submission struct {
	Partner string
	// Page is a path: query and fragment are dropped here even though the widget drops them,
	// because a search query in a URL can carry what a visitor typed.
	Page     string
	Locale   string // "en" or "fr"; "" when not sent (the partner's default applies)
	Found    *bool
	Helpful  *bool
	Comment  string
	Followup bool
	Email    string // "" when absent; `"email": ""` counts as absent
	Website  string // the honeypot: people never see it, bots fill it
	// ElapsedMS is the time on form; -1 when not sent.
	ElapsedMS float64
	// Kind, Line, Reason and Region are a line-problem report's (KindLineReport, DecodeReport);
	// Kind is "" for feedback.
	Kind, Line, Reason, Region string
}

// Spam names why a submission is treated as a bot's ("honeypot", "too_fast"), or "" when it is
// not. Timing is not applied when checkTiming is false (an operator's server-to-server post).
func (s *Submission) Spam(checkTiming bool) string {
	switch {
	case s.Website != "":
		return "honeypot"
	case checkTiming && s.ElapsedMS < MinElapsedMS:
		return "too_fast"
	}
	return ""
}

// fieldNames are the fields of a feedback body, in the contract's order.
var fieldNames = []string{"partner", "page", "locale", "found", "helpful", "comment", "followup", "email", "website", "elapsed_ms"}

// Decode reads a feedback body: one JSON object with only the known fields, each of its type,
// valid UTF-8, then normalized and validated (Validate). When the body is not such an object it
// returns a nil submission; when a field is invalid it returns the submission and the error.
// Partner existence and origin are the caller's to check, against the content being served.
func Decode(body []byte) (*Submission, error) {
	return decode(body, fieldNames, &Submission{ElapsedMS: -1})
}

// decode reads a body of the given fields into s and validates it (Decode, DecodeReport).
func decode(body []byte, names []string, s *Submission) (*Submission, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, fieldErr("", "invalid_json", "invalid_json.feedback", jsonProblem(err))
	}
	if fields == nil {
		return nil, fieldErr("", "invalid_json", "invalid_json.feedback_object")
	}
	// encoding/json keeps the last of two same keys: a body that says two things is refused.
	if k, dup := jsonstrict.DuplicateKey(body); dup {
		return nil, fieldErr(truncate(k, 40), "duplicate_field", "duplicate_field", strconv.Quote(truncate(k, 40)))
	}
	// Unknown fields first, then the known ones in contract order: with several problems the
	// same one is always named.
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if !slices.Contains(names, name) {
			return nil, fieldErr(name, "unknown_field", "unknown_field", strconv.Quote(truncate(name, 40)))
		}
	}
	for _, name := range names {
		if raw, ok := fields[name]; ok {
			if err := s.set(name, raw); err != nil {
				return nil, err
			}
		}
	}
	// The submission comes back even when invalid, so the caller can check its partner and
	// origin before saying what is wrong with it to that origin.
	return s, s.Validate()
}

// jsonProblem shortens encoding/json's message for the error body.
func jsonProblem(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("%s (byte %d)", syn.Error(), syn.Offset)
	case errors.As(err, &typ):
		return "want an object, got " + typ.Value
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// text is the submission's text field of that name, nil for another.
func (s *Submission) text(name string) *string {
	return map[string]*string{"partner": &s.Partner, "page": &s.Page, "locale": &s.Locale, "comment": &s.Comment,
		"email": &s.Email, "website": &s.Website, "line": &s.Line, "reason": &s.Reason, "region": &s.Region}[name]
}

func (s *Submission) set(name string, raw json.RawMessage) error {
	if p := s.text(name); p != nil {
		return str(name, raw, p)
	}
	switch name {
	case "found":
		return optBool(name, raw, &s.Found)
	case "helpful":
		return optBool(name, raw, &s.Helpful)
	case "followup":
		var b *bool
		if err := optBool(name, raw, &b); err != nil {
			return err
		}
		s.Followup = b != nil && *b
		return nil
	case "elapsed_ms":
		if isNull(raw) {
			return nil
		}
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil || math.IsNaN(f) || f < 0 {
			return fieldErr(name, "invalid_type", "invalid_type.elapsed_ms")
		}
		s.ElapsedMS = f
		return nil
	}
	return fieldErr(name, "unknown_field", "unknown_field", strconv.Quote(truncate(name, 40)))
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

// str decodes a JSON string (or null, read as empty), refusing invalid UTF-8 rather than letting
// encoding/json replace it silently.
func str(name string, raw json.RawMessage, dst *string) error {
	if isNull(raw) {
		return nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return fieldErr(name, "invalid_type", "invalid_type.string")
	}
	if !utf8.Valid(raw) {
		return fieldErr(name, "invalid_utf8", "invalid_utf8")
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return fieldErr(name, "invalid_type", "invalid_type.string")
	}
	return nil
}

func optBool(name string, raw json.RawMessage, dst **bool) error {
	switch string(raw) {
	case "null":
		*dst = nil
	case "true", "false":
		b := string(raw) == "true"
		*dst = &b
	default:
		return fieldErr(name, "invalid_type", "invalid_type.bool")
	}
	return nil
}

// Validate normalizes the fields in place and checks them against the limits.
func (s *Submission) Validate() error {
	if err := s.validateCommon(); err != nil {
		return err
	}
	if s.Kind == KindLineReport {
		return s.validateReport()
	}
	return s.validateFeedback()
}

// validateCommon checks what feedback and a line report share: partner, page, locale, honeypot.
func (s *Submission) validateCommon() error {
	s.Partner = strings.TrimSpace(s.Partner)
	switch {
	case s.Partner == "":
		return fieldErr("partner", "required", "required")
	case len(s.Partner) > MaxPartnerID || strings.IndexFunc(s.Partner, notIDRune) >= 0:
		return fieldErr("partner", "invalid_partner", "invalid_partner")
	}
	page, err := CleanPage(s.Page)
	if err != nil {
		return err
	}
	s.Page = page
	if s.Locale = strings.TrimSpace(s.Locale); s.Locale != "" {
		loc, _, err := snippets.ParseLocale(s.Locale)
		if err != nil {
			return fieldErr("locale", "invalid_locale", "invalid_locale")
		}
		s.Locale = string(loc)
	}
	if s.Website != "" && strings.TrimSpace(s.Website) == "" {
		// Autofill of whitespace is not a bot; anything visible is.
		s.Website = ""
	}
	return nil
}

func (s *Submission) validateFeedback() error {
	if s.Found == nil && s.Helpful == nil {
		return fieldErr("found", "no_answer", "no_answer")
	}
	s.Comment = CleanComment(s.Comment)
	if n := utf8.RuneCountInString(s.Comment); n > MaxComment {
		return fieldErr("comment", "comment_too_long", "comment_too_long", n, MaxComment)
	}
	s.Email = strings.TrimSpace(s.Email)
	if s.Email != "" {
		if !s.Followup {
			return fieldErr("email", "email_without_followup", "email_without_followup")
		}
		if len(s.Email) > MaxEmail {
			return fieldErr("email", "email_too_long", "email_too_long", MaxEmail)
		}
		if !ValidEmail(s.Email) {
			return fieldErr("email", "invalid_email", "invalid_email")
		}
	}
	return nil
}

func notIDRune(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.')
}

// CleanPage keeps the path of a page as a record keeps it: query and fragment go, and what
// remains must be a path (else the error names "page").
func CleanPage(p string) (string, error) {
	p = strings.TrimSpace(p)
	if i := strings.IndexAny(p, "?#"); i >= 0 {
		p = p[:i]
	}
	switch {
	case p == "":
		return "", fieldErr("page", "required", "required.page")
	case !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//"):
		return "", fieldErr("page", "invalid_page", "invalid_page")
	case len(p) > MaxPage:
		return "", fieldErr("page", "page_too_long", "page_too_long", MaxPage)
	case strings.IndexFunc(p, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) }) >= 0:
		return "", fieldErr("page", "invalid_page", "invalid_page.space")
	case strings.IndexFunc(p, func(r rune) bool { return isInvisibleFormat(r) || unicode.Is(unicode.Cf, r) }) >= 0:
		// A browser sends these percent-encoded: raw, they would make an export show
		// "/help\u202Egnp.exe" as another path.
		return "", fieldErr("page", "invalid_page", "invalid_page.invisible")
	case !utf8.ValidString(p):
		return "", fieldErr("page", "invalid_page", "invalid_page.utf8")
	}
	return p, nil
}

// CleanComment trims a comment, keeps line breaks (as \n) and turns tabs into spaces, and removes
// every other control character and the invisible direction overrides that could disguise text
// in an operator's spreadsheet.
func CleanComment(c string) string {
	c = strings.ReplaceAll(c, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(c))
	for _, r := range c {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\r':
			b.WriteByte('\n')
		case r == '\t':
			b.WriteByte(' ')
		case unicode.IsControl(r), isInvisibleFormat(r):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// isInvisibleFormat reports the bidirectional and zero-width format characters.
func isInvisibleFormat(r rune) bool {
	return r >= 0x200B && r <= 0x200F || r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0xFEFF
}

// ValidEmail accepts a plain address (no display name) with a dotted domain: enough to catch
// typos in a follow-up consent without rejecting real addresses.
func ValidEmail(e string) bool {
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e {
		return false
	}
	at := strings.LastIndexByte(e, '@')
	local, domain := e[:at], e[at+1:]
	if local == "" || len(local) > 64 || strings.ContainsAny(e, " \"\\") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
		for _, r := range l {
			if !(r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return false
			}
		}
	}
	return true
}

// truncate shortens s for an error message, on a character boundary.
func truncate(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
