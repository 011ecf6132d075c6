package web

// domainMessages are the words of the domain's field and parameter errors (feedback.FieldError,
// snippets.ParamError, feedback's span and size errors) and of the no-JavaScript form's
// refusals: the errors carry the id and arguments, the words are here. init adds them to
// Messages, so that they are answered, checked (TestMessages) and translated by the console
// (FrenchMessages) like every other refusal.
var domainMessages = map[string]Text{
	// A feedback submission's fields (feedback.Decode, DecodeForm, Validate, CleanPage).
	"invalid_json.feedback": {"body is not one JSON object: {0}",
		"le corps n'est pas un objet JSON" + nbsp + ": {0}"},
	"invalid_json.feedback_object": {"body is not one JSON object", "le corps n'est pas un objet JSON"},
	"unknown_field":                {"unknown field {0}", "champ inconnu" + nbsp + ": {0}"},
	"invalid_type.elapsed_ms": {"want a number of milliseconds, 0 or more",
		"nombre de millisecondes attendu, 0 ou plus"},
	"invalid_type.string": {"want a string", "chaîne de caractères attendue"},
	"invalid_type.bool":   {"want true, false or null", "true, false ou null attendu"},
	"invalid_type.yes_no": {"want yes or no", "yes ou no attendu"},
	"invalid_utf8":        {"not valid UTF-8", "UTF-8 non valide"},
	"required":            {"required", "obligatoire"},
	"invalid_partner":     {"not a partner id", "ce n'est pas un identifiant de partenaire"},
	"invalid_locale":      {"want a language tag such as en or fr-CA", "étiquette de langue attendue, comme en ou fr-CA"},
	"no_answer":           {"answer found or helpful (or both)", "répondez à found ou à helpful (ou aux deux)"},
	"comment_too_long":    {"{0} characters, at most {1}", "{0} caractères, au plus {1}"},
	"email_without_followup": {"an email is only kept with followup: true",
		"un courriel n'est gardé qu'avec followup: true"},
	"email_too_long": {"at most {0} characters", "au plus {0} caractères"},
	"invalid_email":  {"not an email address", "ce n'est pas une adresse courriel"},
	"required.page":  {"required: the page path, such as /help", "obligatoire" + nbsp + ": le chemin de la page, comme /help"},
	"invalid_page":   {"want a path starting with /, without scheme or host", "chemin attendu, commençant par /, sans schéma ni hôte"},
	"page_too_long":  {"at most {0} bytes", "au plus {0} octets"},
	"invalid_page.space": {"a path has no spaces or control characters",
		"un chemin n'a ni espace ni caractère de contrôle"},
	"invalid_page.invisible": {"a path has no invisible or direction-changing characters",
		"un chemin n'a ni caractère invisible ni caractère qui change le sens du texte"},
	"invalid_page.utf8": {"a path is valid UTF-8", "un chemin est en UTF-8 valide"},

	// Request parameters (snippets.ParseLocale, ParseRegion; the snippet route's tz).
	"invalid_parameter.locale": {"malformed locale {0} (want a language tag such as en or fr-CA)",
		"locale mal formée {0} (étiquette de langue attendue, comme en ou fr-CA)"},
	"invalid_parameter.region": {"malformed region {0} (want an ISO 3166 code such as CA or CA-QC)",
		"région mal formée {0} (code ISO 3166 attendu, comme CA ou CA-QC)"},
	"invalid_parameter.tz": {"not an IANA time zone name, like America/Toronto",
		"ce n'est pas un nom de fuseau horaire IANA, comme America/Toronto"},

	// The no-JavaScript form (server/nojs): the visitor reads the page's words, these name the
	// refusal in the log and the intake's metrics.
	"unsupported_media_type.form": {"send the form as application/x-www-form-urlencoded (UTF-8)",
		"envoyez le formulaire en application/x-www-form-urlencoded (UTF-8)"},
	"invalid_form": {"the form's body is not application/x-www-form-urlencoded",
		"le corps du formulaire n'est pas en application/x-www-form-urlencoded"},
	"form_expired": {"this form was open for longer than its token lasts: send it again from a new page",
		"ce formulaire est resté ouvert plus longtemps que son jeton ne dure" + nbsp + ": envoyez-le de nouveau depuis une nouvelle page"},
}

func init() {
	for id, t := range domainMessages {
		if _, dup := Messages[id]; dup {
			panic("web: message id " + id + " is in Messages and domainMessages")
		}
		Messages[id] = t
	}
}
