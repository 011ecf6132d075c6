package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/signpost/edge/internal/fault"
)

// Text is one message in both languages: the English an error carries in "message" and the
// French the console shows instead, each with the message's arguments at {0}, {1}, ...
type Text struct{ EN, FR string }

// nbsp precedes a French colon.
const nbsp = "\u00a0"

// Messages is the catalogue of the API's refusals, by message id: the error's code when the
// code has one message, "<code>.<what>" when it has several. An error carries its id and
// arguments in the JSON body ("id", "args"); the console translates it by them (SP.message), as
// it translates validation problems by code (snippets.ProblemTemplates). TestMessages fails on
// an entry without both languages or with other placeholders in one than in the other, and on
// an id used in code but missing here. To add one: an entry here, then New(kind, code,
// field, id, args...) where the error is made.
var Messages = map[string]Text{
	// Shared (web, the wiring, the widget and snippet routes).
	"not_found":          {"no such resource", "ressource introuvable"},
	"method_not_allowed": {"method not allowed on this resource", "méthode non permise sur cette ressource"},
	"internal":           {"internal error", "erreur interne"},
	"bad_request":        {"the request could not be read", "la requête n'a pas pu être lue"},
	"body_too_large":     {"request body is larger than {0} bytes", "le corps de la requête dépasse {0} octets"},
	"body_too_large.route": {"bodies of this route are limited to {0} bytes",
		"le corps d'une requête à cette adresse est limité à {0} octets"},
	"headers_too_large": {"request headers are too large", "les en-têtes de la requête sont trop grands"},
	"ambiguous_framing": {"where this request ends is ambiguous: send one Content-Length, or Transfer-Encoding: chunked alone, on header lines ending in CRLF, none folded",
		"la fin de cette requête est ambiguë" + nbsp + ": envoyez un seul Content-Length, ou Transfer-Encoding: chunked seul, sur des lignes d'en-tête finissant par CRLF, sans continuation"},
	"timeout": {"the request was not received in time", "la requête n'est pas arrivée à temps"},
	"duplicate_parameter": {"the parameter {0} is given more than once",
		"le paramètre {0} est donné plus d'une fois"},
	"invalid_json": {"the body is not the JSON this endpoint takes: {0}",
		"le corps n'est pas le JSON que prend cette adresse" + nbsp + ": {0}"},
	"duplicate_field": {"field {0} is given twice", "le champ {0} est donné deux fois"},
	"bad_host": {"the Host header is not a host name or address: the builder cannot name this edge's origin",
		"l'en-tête Host n'est ni un nom d'hôte ni une adresse" + nbsp + ": le générateur ne peut pas nommer l'origine de ce serveur"},
	"widget_archive_unavailable": {"this pinned widget is not in this edge's memory and its archive cannot be reached now",
		"ce widget épinglé n'est pas en mémoire sur ce serveur et son archive est injoignable pour l'instant"},
	"unknown_widget_version": {"no widget with this hash: pin the URL from /v1/widget.json, or use /v1/widget.js",
		"aucun widget n'a ce hachage" + nbsp + ": épinglez l'adresse donnée par /v1/widget.json, ou utilisez /v1/widget.js"},
	"unknown_partner": {"no partner with this id", "aucun partenaire n'a cet identifiant"},
	"not_found.snippet": {"no such snippet: want banner, resources or feedback",
		"extrait introuvable" + nbsp + ": banner, resources ou feedback attendu"},

	// Domain errors (Classify).
	"invalid_content": {"content is invalid: {0} errors, each named by its field",
		"contenu invalide" + nbsp + ": {0} erreur(s), chacune nommée par son champ"},
	"version_conflict.store": {"content changed since the version given{0}",
		"le contenu a changé depuis la version donnée{0}"},
	"edit_unsupported": {"content uses YAML anchors or aliases (at {0}): edit the whole document, or expand them",
		"le contenu utilise des ancres ou des alias YAML (à {0})" + nbsp + ": modifiez le document entier, ou développez-les"},
	"not_found.partner":  {"no such item: partner {0}", "partenaire introuvable" + nbsp + ": {0}"},
	"not_found.resource": {"no such item: resource {0}", "ressource introuvable" + nbsp + ": {0}"},
	"not_found.notice":   {"no such item: notice {0}", "avis introuvable" + nbsp + ": {0}"},
	"not_found.region":   {"no such item: region {0}", "région introuvable" + nbsp + ": {0}"},
	"not_found.version":  {"no such content version{0}", "version du contenu introuvable{0}"},
	"store_unavailable": {"the content store (Redis) cannot be reached: reads are served from memory, writes are refused until it is back",
		"le stockage du contenu (Redis) est injoignable" + nbsp + ": la lecture continue depuis la mémoire, les modifications sont refusées jusqu'à son retour"},

	// The intake (server/intake): feedback and usage beacons, from partners' pages.
	"store_unavailable.intake": {"feedback could not be stored; please try again",
		"la rétroaction n'a pas pu être enregistrée; réessayez"},
	"unsupported_media_type.feedback": {"send the body as application/json or text/plain (UTF-8) carrying JSON",
		"envoyez le corps en application/json ou en text/plain (UTF-8) contenant du JSON"},
	"body_too_large.feedback": {"feedback body is larger than {0} bytes", "le corps de la rétroaction dépasse {0} octets"},
	"origin_not_allowed": {"this page's origin may not send feedback for this partner",
		"l'origine de cette page ne peut pas envoyer de rétroaction pour ce partenaire"},
	"origin_not_allowed.beacon": {"this page's origin may not send usage counts for this partner",
		"l'origine de cette page ne peut pas envoyer de comptes d'utilisation pour ce partenaire"},
	"origin_required": {"a request without Origin needs an operator token",
		"une requête sans Origin demande un jeton d'opérateur"},
	"origin_not_allowed.form": {"the no-JavaScript form is taken only from this edge's frame page",
		"le formulaire sans JavaScript n'est accepté que depuis la page de cadre de ce serveur"},
	"origin_required.form": {"the no-JavaScript form was sent without Origin, or with an opaque one (null): it is taken only from this edge's frame page, whose posts carry its origin",
		"le formulaire sans JavaScript a été envoyé sans Origin, ou avec une origine opaque (null)" + nbsp + ": il n'est accepté que depuis la page de cadre de ce serveur, dont les envois portent son origine"},
	"form_already_sent": {"this form was already sent: each form the frame page renders is taken once",
		"ce formulaire a déjà été envoyé" + nbsp + ": chaque formulaire affiché par la page de cadre n'est accepté qu'une fois"},
	"rate_limited": {"too many submissions ({0} limit); retry after {1} s",
		"trop d'envois (limite {0}); réessayez dans {1} s"},
	"body_too_large.beacon": {"a beacon is at most {0} bytes", "une balise d'utilisation fait au plus {0} octets"},
	"unsupported_media_type.beacon": {"send the beacon as text/plain (what navigator.sendBeacon sends for a text/plain Blob) or application/json",
		"envoyez la balise en text/plain (ce qu'envoie navigator.sendBeacon pour un Blob text/plain) ou en application/json"},
	"invalid_json.beacon": {`want {"partner", "region", "event", "line"}: {0}`,
		`{"partner", "region", "event", "line"} attendu` + nbsp + ": {0}"},
	"invalid_json.beacon_values": {"the body holds more than one JSON value", "le corps contient plus d'une valeur JSON"},
	"invalid_event":              {"want shown, tel, sms or chat", "shown, tel, sms ou chat attendu"},
	"unknown_region": {`not a region entry of the current content ("" for none)`,
		`ce n'est pas une région du contenu actuel ("" pour aucune)`},
	"invalid_line":       {"a shown beacon names no line", "une balise shown ne nomme aucune ligne"},
	"line_required":      {"a {0} beacon names the line used", "une balise {0} nomme la ligne utilisée"},
	"unknown_line":       {"no line with this id in this region entry", "aucune ligne de cette région ne porte cet identifiant"},
	"unknown_line.event": {"this line has no {0} link", "cette ligne n'a pas de lien {0}"},

	// Operator authentication (server/auth).
	"unauthorized": {"send Authorization: Bearer <operator token>", "envoyez Authorization: Bearer <jeton d'opérateur>"},
	"forbidden":    {"this token is not an operator token", "ce jeton n'est pas un jeton d'opérateur"},
	"admin_disabled": {"no operator token is configured on this edge (EDGE_ADMIN_TOKEN or --admin-token-file)",
		"aucun jeton d'opérateur n'est configuré sur ce serveur (EDGE_ADMIN_TOKEN ou --admin-token-file)"},
	"auth_throttled": {"too many failed operator authentications from this address; retry later",
		"trop d'échecs d'authentification depuis cette adresse; réessayez plus tard"},
	"missing_scope":        {"this token lacks the scope {0}", "ce jeton n'a pas la portée {0}"},
	"missing_scope.either": {"this token lacks the scope {0} (or {1})", "ce jeton n'a pas la portée {0} (ni {1})"},

	// The content API (server/admin).
	"no_content_store": {"this edge serves fixed content: start it with a data dir or Redis to change content live",
		"ce serveur sert un contenu fixe" + nbsp + ": démarrez-le avec un dossier de données ou Redis pour modifier le contenu en direct"},
	"if_match_required": {`send If-Match: "v<N>" with the version you edited (from GET /v1/admin/content)`,
		`envoyez If-Match: "v<N>" avec la version que vous avez modifiée (celle de GET /v1/admin/content)`},
	"invalid_if_match": {`want If-Match: "v<N>"`, `If-Match: "v<N>" attendu`},
	"version_conflict": {"content changed since v{0}", "le contenu a changé depuis la v{0}"},
	"version_conflict.now": {"content changed since v{0}: now v{1} by {2} at {3} ({4}); GET it, re-apply your change and send If-Match: {5}",
		"le contenu a changé depuis la v{0}" + nbsp + ": c'est maintenant la v{1}, de {2} le {3} ({4}); relisez-la, réappliquez votre modification et envoyez If-Match: {5}"},
	"invalid_parameter.version": {"a version is a positive whole number", "une version est un nombre entier positif"},
	"invalid_parameter.version_of": {"{0} is a version number (1, 2, ...)",
		"{0} est un numéro de version (1, 2, ...)"},
	"unsupported_media_type.bundle": {"send the bundle as application/yaml or application/json",
		"envoyez le contenu en application/yaml ou application/json"},
	"unsupported_media_type.draft": {"send the draft as application/yaml or application/json",
		"envoyez le brouillon en application/yaml ou application/json"},
	"invalid_json.featured": {`want {"featured": ["resource-id", ...]}`, `{"featured": ["resource-id", ...]} attendu`},
	"invalid_json.id":       {"the body's id differs from the URL's", "l'identifiant du corps diffère de celui de l'adresse"},
	"invalid_json.version":  {`want {"version": N}`, `{"version": N} attendu`},
	"invalid_json.lines": {`want {"lines": ["line-id", ...]}, with "message": {"en": ..., "fr": ...} to change the banner sentence too`,
		`{"lines": ["line-id", ...]} attendu, avec "message": {"en": ..., "fr": ...} pour changer aussi la phrase du bandeau`},
	"invalid_parameter.rollback_dry_run": {"a rollback has no dry run: compare with GET /v1/admin/content/diff?from=<current>&to=<version>",
		"un retour en arrière n'a pas d'essai" + nbsp + ": comparez avec GET /v1/admin/content/diff?from=<actuelle>&to=<version>"},
	"invalid_parameter.dry_run": {"dry_run is 1 (or true) to check an edit without publishing it",
		"dry_run vaut 1 (ou true) pour vérifier une modification sans la publier"},
	"invalid_parameter.audit_limit": {"limit is 1 to 10000", "limit va de 1 à 10000"},
	"invalid_content.region_messages": {"no region entry {0}: region_messages sets the banner sentence of an existing region",
		"aucune région {0}" + nbsp + ": la phrase d'un bandeau ne se règle que pour une région existante"},

	// Drafts previews (server/preview).
	"not_found.preview": {"no such preview: it expired (previews last 15 minutes)",
		"aperçu introuvable" + nbsp + ": il a expiré (un aperçu dure 15 minutes)"},

	// Feedback dashboard, report and exports (server/dashboard).
	"feedback_unavailable": {"feedback is not configured on this edge", "la rétroaction n'est pas configurée sur ce serveur"},
	"store_unavailable.feedback": {"the feedback store cannot be read now; try again",
		"le stockage de la rétroaction est illisible pour l'instant; réessayez"},
	"store_unavailable.usage": {"the usage counts cannot be read now; try again",
		"les comptes d'utilisation sont illisibles pour l'instant; réessayez"},
	"store_unavailable.review": {"the review could not be stored; try again",
		"la révision n'a pas pu être enregistrée; réessayez"},
	"store_unavailable.export": {"the feedback store cannot be read now (Redis away?): nothing was exported; try again",
		"le stockage de la rétroaction est illisible pour l'instant (Redis absent\u00a0?)" + nbsp + ": rien n'a été exporté; réessayez"},
	"store_unavailable.audit": {"the audit log cannot be written now, and no export leaves unaudited: try again",
		"le journal d'audit ne peut pas être écrit pour l'instant, et aucune exportation ne part sans audit" + nbsp + ": réessayez"},
	"reviews_unavailable":       {"this feedback store keeps no reviews", "ce stockage de la rétroaction ne garde aucune révision"},
	"not_found.feedback":        {"no feedback record with this id", "aucune réponse ne porte cet identifiant"},
	"invalid_parameter.lang":    {"want en or fr", "en ou fr attendu"},
	"invalid_parameter.partner": {"want a partner id such as {0}", "identifiant de partenaire attendu, comme {0}"},
	"invalid_parameter.page": {"want a page path such as {0}, as stored: starting with /, no spaces",
		"chemin de page attendu, comme {0}, tel qu'enregistré" + nbsp + ": commençant par /, sans espace"},
	"invalid_parameter.time": {"want an RFC 3339 time such as {0}", "date et heure RFC 3339 attendues, comme {0}"},
	"invalid_parameter.day":  {"want a UTC day such as {0}", "jour UTC attendu, comme {0}"},
	"invalid_parameter.to_day": {"want a UTC day such as {0} (the whole day is included)",
		"jour UTC attendu, comme {0} (la journée entière compte)"},
	"invalid_parameter.to_before_from": {"to is before from (or since): no day is left",
		"la fin précède le début" + nbsp + ": il ne reste aucun jour"},
	"invalid_parameter.yes_no": {"want yes or no (or leave it out for either)", "oui ou non attendu (ou rien pour les deux)"},
	"invalid_parameter.limit":  {"want a number from {0} to {1}", "nombre de {0} à {1} attendu"},
	"invalid_parameter.bucket": {"want day or week", "jour ou semaine attendu"},
	"invalid_parameter.format": {"want csv or jsonl", "csv ou jsonl attendu"},
	"invalid_parameter.followups": {"follow-ups are filtered by partner, since, from and to only",
		"les suivis ne se filtrent que par partner, since, from et to"},
	"invalid_parameter.span_days": {"this selection spans {0} days, more than {1}: narrow from and to, or use bucket=week",
		"cette sélection couvre {0} jours, plus de {1}" + nbsp + ": resserrez les dates ou regroupez par semaine"},
	"invalid_parameter.span_weeks": {"this selection spans {0} weeks, more than {1}: narrow from and to",
		"cette sélection couvre {0} semaines, plus de {1}" + nbsp + ": resserrez les dates"},
	"invalid_parameter.size_days": {"this selection is {0} series of {1} days, more than {2} rows: use bucket=week, narrow from and to, or pick one partner",
		"cette sélection fait {0} séries de {1} jours, plus de {2} lignes" + nbsp + ": regroupez par semaine, resserrez les dates ou choisissez un partenaire"},
	// The no-JavaScript frame page (server/nojs).
	"invalid_parameter.components": {"want a comma-separated list of banner, resources, feedback and exit",
		"liste attendue, séparée par des virgules, parmi banner, resources, feedback et exit"},
	"invalid_parameter.size_weeks": {"this selection is {0} series of {1} weeks, more than {2} rows: pick one partner, or narrow from and to",
		"cette sélection fait {0} séries de {1} semaines, plus de {2} lignes" + nbsp + ": choisissez un partenaire ou resserrez les dates"},
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

// Render puts args in tpl's places {0}, {1}, ...; a place without an argument stays as it is.
func Render(tpl string, args []string) string {
	if !strings.Contains(tpl, "{") {
		return tpl
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(tpl[i:], '}')
		if j < 0 {
			break
		}
		n, err := strconv.Atoi(tpl[i+1 : i+j])
		if err != nil || n < 0 || n >= len(args) {
			b.WriteString(tpl[:i+j+1])
		} else {
			b.WriteString(tpl[:i])
			b.WriteString(args[n])
		}
		tpl = tpl[i+j+1:]
	}
	b.WriteString(tpl)
	return b.String()
}

// FrenchMessages is the French of every message by id: what the console translates with.
func FrenchMessages() map[string]string {
	out := make(map[string]string, len(Messages))
	for id, t := range Messages {
		out[id] = t.FR
	}
	return out
}
