// Package snippets is Signpost's domain: the content model (crisis lines, regions, resources,
// partners, feedback prompt), its validation, the selection of what a visitor sees for a
// partner, locale and region, and the JSON the edge and the widget serve. It imports nothing of
// HTTP or storage so that every front end (server, CLI, tests) applies the same rules.
package snippets

import "time"

// Locale is a language the widget speaks. Only the supported locales below are ever selected;
// anything else well-formed falls back to English.
type Locale string

// The supported locales. English is the default and the fallback of every localized field.
const (
	English Locale = "en"
	French  Locale = "fr"
)

// Locales lists the supported locales, default first.
var Locales = []Locale{English, French}

// Text is a localized string: locale -> text. English is required wherever a Text is required,
// so that the per-field fallback always finds something.
type Text map[Locale]string

// Get returns the text in loc, else in English.
func (t Text) Get(loc Locale) string {
	if s, ok := t[loc]; ok && s != "" {
		return s
	}
	return t[English]
}

// Content is one complete, versionable bundle of everything operators configure.
type Content struct {
	// Regions maps an ISO 3166-1 code, optionally with a subdivision ("CA", "CA-QC"), to what a
	// visitor there is shown. Entries are not merged: a subdivision lists every line itself.
	Regions map[string]*Region `yaml:"regions" json:"regions"`
	// Lines holds every crisis line once, by id; regions list the ids they show.
	Lines map[string]*Line `yaml:"lines" json:"lines"`
	// Unknown is shown where no region entry applies: never a guessed number.
	Unknown UnknownRegion `yaml:"unknown_region" json:"unknown_region"`
	// Resources are the items partners may feature.
	Resources []*Resource `yaml:"resources" json:"resources"`
	// Partners are the organisations embedding the widget, by id.
	Partners map[string]*Partner `yaml:"partners" json:"partners"`
	// Feedback holds the texts of the feedback prompt.
	Feedback FeedbackPrompt `yaml:"feedback" json:"feedback"`
	// Notices are operators' emergency notices, shown in the banner until they expire.
	Notices []*Notice `yaml:"notices,omitempty" json:"notices,omitempty"`
}

// Notice is an emergency notice (a line down, a changed number, a service closed for a storm):
// shown at the top of the banner for the partners and regions it names until it expires.
type Notice struct {
	ID      string `yaml:"id" json:"id"`
	Message Text   `yaml:"message" json:"message"`
	URL     string `yaml:"url,omitempty" json:"url,omitempty"`
	// Partners limits the notice to these partner ids; empty means every partner.
	Partners []string `yaml:"partners,omitempty" json:"partners,omitempty"`
	// Regions limits it to visitors served by these region entries; a country covers its
	// subdivisions ("CA" covers "CA-QC"). Empty means every region, and visitors with none.
	Regions []string `yaml:"regions,omitempty" json:"regions,omitempty"`
	// ExpiresAt (RFC 3339) is required: a notice nobody withdraws still goes away.
	ExpiresAt string `yaml:"expires_at" json:"expires_at"`
}

// Region is what a visitor in one region is shown in the banner.
type Region struct {
	// Code is the entry's key, filled in by Parse.
	Code string `yaml:"-" json:"-"`
	// Name is the place as a visitor names it ("British Columbia", "Colombie-Britannique"): the
	// visitor's choice of region lists entries by it ("Not in British Columbia? Choose").
	Name Text `yaml:"name,omitempty" json:"name,omitempty"`
	// Emergency lists the emergency numbers, the one to name first first. It is empty only where
	// no emergency number serves the whole region (Nunavut has no 9-1-1): EmergencyNote then says
	// what to do instead, in the emergency button's place.
	Emergency []string `yaml:"emergency" json:"emergency"`
	// EmergencyNote replaces the emergency button where Emergency is empty: a short sentence
	// ("Emergency: your local RCMP or health centre"), never a number.
	EmergencyNote Text `yaml:"emergency_note,omitempty" json:"emergency_note,omitempty"`
	// Message is the banner's sentence. Every number it names must be one of the region's
	// emergency numbers or lines (checked by Validate).
	Message Text `yaml:"message" json:"message"`
	// Lines are the ids of the crisis lines shown, in order.
	Lines []string `yaml:"lines" json:"lines"`
}

// Line is one crisis line. Every line carries where its facts come from and when they were
// last checked: a crisis number is a safety-critical fact.
type Line struct {
	// ID is the line's key, filled in by Parse.
	ID   string `yaml:"-" json:"-"`
	Name Text   `yaml:"name" json:"name"`
	// Country is the ISO 3166-1 alpha-2 code of the country the line serves; a region may only
	// list lines of its own country.
	Country string `yaml:"country" json:"country"`
	// Call is the number to call as people write it ("1-866-277-3553", "116 123", "988").
	Call string `yaml:"call" json:"call,omitempty"`
	// CallTel is the tel: URI target when it is not just the digits of Call (E.164 form).
	CallTel string `yaml:"call_tel" json:"call_tel,omitempty"`
	// CallHint is said after the number ("then press 1", "choose the mental health option").
	CallHint Text `yaml:"call_hint" json:"call_hint,omitempty"`
	// Text is the number to text, Keyword the word to send to it; shown as visible text
	// because SMS prefill is unreliable.
	Text    string `yaml:"text" json:"text,omitempty"`
	Keyword string `yaml:"keyword" json:"keyword,omitempty"`
	ChatURL string `yaml:"chat_url" json:"chat_url,omitempty"`
	// Hours is the hours in words; with a Schedule, the note shown beside it ("free of
	// charge"), optional.
	Hours Text `yaml:"hours" json:"hours"`
	// Schedule is when the line answers, as data ("24/7", or weekly hours in its zone), so
	// that visitors see whether it is open now. Without one the hours are free text only.
	Schedule *Schedule `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// Audience says who the line is for when it is not everyone ("Young people").
	Audience Text `yaml:"audience" json:"audience,omitempty"`
	// Languages are the ISO 639 codes of the languages the line answers in; LanguagesOnRequest
	// those it offers on request (Hope for Wellness: Cree, Ojibway, Inuktut); Interpreters that
	// it connects callers with interpreters for others. Access lists the accessible ways in
	// (AccessKinds: TTY, video relay, ASL or LSQ by video). Visitors see all of them beside the
	// line, where the research states them.
	Languages          []string `yaml:"languages" json:"languages,omitempty"`
	LanguagesOnRequest []string `yaml:"languages_on_request,omitempty" json:"languages_on_request,omitempty"`
	Interpreters       bool     `yaml:"interpreters,omitempty" json:"interpreters,omitempty"`
	Access             []string `yaml:"access,omitempty" json:"access,omitempty"`
	// Source is the URL the facts were checked against, VerifiedOn the date (YYYY-MM-DD).
	Source     string `yaml:"source" json:"source"`
	VerifiedOn string `yaml:"verified_on" json:"verified_on"`
	// The rest of the verification record (verify.go), for operators only (the snippets show
	// source and verified_on): VerifiedHow is how the facts were checked (VerifyMethods),
	// VerifiedNote says how when that is "other", VerifiedBy who checked (the operator's token
	// name, or the research notes for shipped content), NextCheck (YYYY-MM-DD) when the line is
	// due again, verified_on plus 12 months when absent.
	VerifiedHow  string `yaml:"verified_how,omitempty" json:"verified_how,omitempty"`
	VerifiedNote string `yaml:"verified_note,omitempty" json:"verified_note,omitempty"`
	VerifiedBy   string `yaml:"verified_by,omitempty" json:"verified_by,omitempty"`
	NextCheck    string `yaml:"next_check,omitempty" json:"next_check,omitempty"`
	// Status is the line's state (status.go): "" or "active", "degraded" (shown with
	// StatusMessage, the alternate way in, until StatusUntil, RFC 3339, when given) or
	// "retired" (never served, kept in content for history; no region may list it).
	Status        string `yaml:"status,omitempty" json:"status,omitempty"`
	StatusMessage Text   `yaml:"status_message,omitempty" json:"status_message,omitempty"`
	StatusUntil   string `yaml:"status_until,omitempty" json:"status_until,omitempty"`
}

// UnknownRegion is the emergency-number-neutral banner and the worldwide directory link.
type UnknownRegion struct {
	Message        Text   `yaml:"message" json:"message"`
	DirectoryURL   string `yaml:"directory_url" json:"directory_url"`
	DirectoryLabel Text   `yaml:"directory_label" json:"directory_label"`
}

// ResourceTypes are the kinds of featured resource the widget has an icon for.
var ResourceTypes = []string{"pdf", "video", "webinar", "toolkit", "page", "course"}

// Resource is an item a partner may feature.
type Resource struct {
	ID      string `yaml:"id" json:"id"`
	Type    string `yaml:"type" json:"type"`
	Title   Text   `yaml:"title" json:"title"`
	Summary Text   `yaml:"summary" json:"summary"`
	// URL is localized: a French visitor gets the French edition where there is one.
	URL       Text     `yaml:"url" json:"url"`
	SizeBytes int64    `yaml:"size_bytes,omitempty" json:"size_bytes,omitempty"`
	Languages []string `yaml:"languages,omitempty" json:"languages,omitempty"`
	// StartsOn and EndsOn bound when the resource is featured (YYYY-MM-DD or RFC 3339; a date
	// alone is the whole day in UTC). Empty means unbounded.
	StartsOn string `yaml:"starts_on,omitempty" json:"starts_on,omitempty"`
	EndsOn   string `yaml:"ends_on,omitempty" json:"ends_on,omitempty"`
}

// Components the widget can render. The banner is always one of them.
var Components = []string{"banner", "resources", "feedback", "exit"}

// Partner is an organisation that embeds the widget.
type Partner struct {
	// ID is the partner's key, filled in by Parse.
	ID   string `yaml:"-" json:"-"`
	Name string `yaml:"name" json:"name"`
	// Origins are the page origins allowed to post feedback: "https://example.org", or with
	// ":*" for any port ("http://localhost:*").
	Origins []string `yaml:"origins" json:"origins"`
	// Region and Locale are the defaults when the embed does not say.
	Region string `yaml:"region" json:"region,omitempty"`
	// Regions are the region entries whose crisis lines the widget bundle carries for this
	// partner's visitors, so that their banner needs no request. Default: the default region's
	// entry and its country's (CA-QC and CA for a Québec partner); the bundle also carries, for
	// each country it carries an entry of, every subdivision whose emergency numbers differ
	// (CA-NU: no 9-1-1). A visitor from a province not carried sees the country's entry until
	// the snippet brings the province's lines; from another country, the neutral message with
	// that country's emergency number.
	Regions []string `yaml:"regions,omitempty" json:"regions,omitempty"`
	Locale  Locale   `yaml:"locale" json:"locale,omitempty"`
	// Featured lists resource ids in display order.
	Featured   []string `yaml:"featured" json:"featured"`
	Components []string `yaml:"components" json:"components"`
	// Accent is the brand colour, "#rrggbb".
	Accent  string `yaml:"accent" json:"accent,omitempty"`
	ExitURL string `yaml:"exit_url" json:"exit_url,omitempty"`
}

// FeedbackPrompt holds the texts of the "did you find what you were looking for?" form: the
// questions and every message the form shows. They travel in the snippet, in the visitor's
// language only, rather than in the widget bundle: the form cannot work without the network.
type FeedbackPrompt struct {
	Found        Text `yaml:"found" json:"found"`
	Helpful      Text `yaml:"helpful" json:"helpful"`
	Comment      Text `yaml:"comment" json:"comment"`
	Followup     Text `yaml:"followup" json:"followup"`
	Email        Text `yaml:"email" json:"email"`
	NotMonitored Text `yaml:"not_monitored" json:"not_monitored"`
	Thanks       Text `yaml:"thanks" json:"thanks"`
	Yes          Text `yaml:"yes" json:"yes"`
	No           Text `yaml:"no" json:"no"`
	Send         Text `yaml:"send" json:"send"`
	// AnswerRequired is shown when neither question is answered.
	AnswerRequired Text `yaml:"answer_required" json:"answer_required"`
	EmailInvalid   Text `yaml:"email_invalid" json:"email_invalid"`
	// CrisisIntro introduces the crisis lines shown in the form when a comment reads like a crisis.
	CrisisIntro Text `yaml:"crisis_intro" json:"crisis_intro"`
	// RateLimited is shown on 429; "{seconds}" becomes the Retry-After wait.
	RateLimited Text `yaml:"rate_limited" json:"rate_limited"`
	SendFailed  Text `yaml:"send_failed" json:"send_failed"`
}

// dateLayout is the form of every date-only field.
const dateLayout = "2006-01-02"

// parseWhen reads a date (the start of that day in UTC) or an RFC 3339 time.
func parseWhen(s string) (time.Time, bool) {
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t, true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	return time.Time{}, false
}

// parseEnd reads an end bound: a date alone is the whole day, so it ends at the start of the
// next day in UTC; an RFC 3339 time ends at that instant.
func parseEnd(s string) (time.Time, bool) {
	if t, err := time.Parse(dateLayout, s); err == nil {
		return t.AddDate(0, 0, 1), true
	}
	return parseWhen(s)
}
