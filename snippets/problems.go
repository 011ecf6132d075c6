package snippets

import (
	"fmt"
	"strconv"
	"strings"
)

// problemText is the catalogue of validation messages: for each format the validator writes
// (the English, with fmt verbs), its code (one code, one message) and its French, with the same
// verbs in the same order. A Problem carries the code and its arguments formatted, so that the
// console translates by code (ProblemTemplates) rather than by matching English text.
// TestProblemCatalogue fails on a format of validate.go missing here, a code used twice, or a
// French with other verbs.
var problemText = map[string]struct{ Code, FR string }{
	"empty notice":             {"empty_notice", "vide"},
	"empty line":               {"empty_line", "vide"},
	"empty region":             {"empty_region", "vide"},
	"empty resource":           {"empty_resource", "vide"},
	"empty partner":            {"empty_partner", "vide"},
	"required":                 {"required", "obligatoire"},
	"duplicate notice id %q":   {"duplicate_notice_id", "identifiant déjà pris\u00a0: %q"},
	"duplicate resource id %q": {"duplicate_resource_id", "identifiant déjà pris\u00a0: %q"},
	"required: lower-case letters, digits and hyphens, got %q": {"id_required",
		"obligatoire\u00a0: lettres minuscules, chiffres et traits d'union; reçu %q"},
	"id must be lower-case letters, digits and hyphens": {"invalid_id",
		"l'identifiant ne prend que des lettres minuscules, des chiffres et des traits d'union"},
	"unknown partner %q":  {"unknown_partner", "partenaire inconnu\u00a0: %q"},
	"unknown resource %q": {"unknown_resource", "ressource inconnue\u00a0: %q"},
	"unknown line %q":     {"unknown_line", "ligne inconnue\u00a0: %q"},
	"not an ISO 3166 code (\"CA\" or \"CA-QC\"): %q": {"invalid_region",
		"ce n'est pas un code ISO 3166 (\"CA\" ou \"CA-QC\")\u00a0: %q"},
	"not an ISO 3166 code (\"CA\" or \"CA-QC\")": {"invalid_region_key",
		"ce n'est pas un code ISO 3166 (\"CA\" ou \"CA-QC\")"},
	"no region entry %s: its visitors are served by %s, so name that": {"region_served_by_country",
		"aucune région %s\u00a0: ses visiteurs sont servis par %s, nommez-la"},
	"no region entry %q: list entries of regions": {"unknown_region",
		"aucune région %q\u00a0: nommez des régions existantes"},
	"required: an RFC 3339 time after which the notice is no longer shown": {"expiry_required",
		"obligatoire\u00a0: la date et l'heure (RFC 3339) où l'avis cesse d'être affiché"},
	"not an RFC 3339 time: %q": {"invalid_time", "ce n'est pas une date et heure RFC 3339\u00a0: %q"},
	"shown to the same visitors as notice %q (until %s): a banner shows one notice, so withdraw %q first or narrow the partners or regions": {
		"notice_overlap", "montré aux mêmes visiteurs que l'avis %q (jusqu'au %s)\u00a0: un bandeau n'affiche qu'un avis; retirez d'abord %q ou restreignez les partenaires ou les régions"},
	"unsupported locale (want one of en, fr)": {"unsupported_locale_key", "langue non prise en charge (en ou fr)"},
	"unsupported locale %q (want en or fr)":   {"unsupported_locale", "langue non prise en charge\u00a0: %q (en ou fr)"},
	"not an absolute http(s) URL: %q":         {"invalid_url", "ce n'est pas une adresse http(s) complète\u00a0: %q"},
	"not an ISO 639 language code: %q":        {"invalid_language", "ce n'est pas un code de langue ISO 639\u00a0: %q"},
	"required: at least one crisis line":      {"required_lines", "obligatoire\u00a0: au moins une ligne d'écoute"},
	"required: at least one region":           {"required_regions", "obligatoire\u00a0: au moins une région"},
	"required: at least one partner":          {"required_partners", "obligatoire\u00a0: au moins un partenaire"},
	"required: an ISO 3166-1 alpha-2 code, got %q": {"country_required",
		"obligatoire\u00a0: un code de pays ISO 3166-1 à deux lettres; reçu %q"},
	"a line needs at least one of call, text, chat_url": {"line_unreachable",
		"une ligne a besoin d'au moins un numéro à appeler, un numéro de texto ou une adresse de clavardage"},
	callFormat: {"invalid_number",
		"ce n'est pas un numéro de téléphone (chiffres, espaces, points, traits d'union, + initial permis)\u00a0: %q"},
	textFormat:           {"invalid_text_number", "ce n'est pas un numéro de téléphone\u00a0: %q"},
	"given without call": {"tel_without_call", "donné sans numéro à appeler (call)"},
	telFormat: {"invalid_tel",
		"ce n'est pas un numéro composable (chiffres, + initial permis)\u00a0: %q"},
	"a keyword needs a text number":  {"keyword_without_text", "un mot-clé demande un numéro de texto"},
	"must be letters and digits: %q": {"invalid_keyword", "lettres et chiffres seulement\u00a0: %q"},
	"required: the date the line was last checked against its source": {"verified_on_required",
		"obligatoire\u00a0: la date de la dernière vérification auprès de la source"},
	"not a date (want YYYY-MM-DD): %q": {"invalid_date", "ce n'est pas une date (AAAA-MM-JJ)\u00a0: %q"},
	"%s is in the future":              {"future_date", "%s est dans l'avenir"},
	"last checked %s, more than %d days ago: re-check the line against its source": {"stale_line",
		"vérifiée le %s, il y a plus de %d jours\u00a0: revérifiez la ligne auprès de sa source"},
	"required: the region's emergency number (or, where none serves the whole region, emergency_note saying whom to call)": {"emergency_required",
		"obligatoire\u00a0: le numéro d'urgence de la région (ou, là où aucun ne sert toute la région, emergency_note disant qui appeler)"},
	"only where the region has no emergency number: the button names %s": {"emergency_note_with_number",
		"seulement là où la région n'a pas de numéro d'urgence\u00a0: le bouton nomme le %s"},
	"names %q: the note says whom to call, a number goes in emergency": {"emergency_note_number",
		"nomme %q\u00a0: la note dit qui appeler, un numéro va dans emergency"},
	"%d characters: at most %d fit in the emergency button's place on a phone": {"emergency_note_long",
		"%d caractères\u00a0: au plus %d tiennent à la place du bouton d'urgence sur un téléphone"},
	"visitors read %q as it is: give the language its English and French names in snippets (ways.go)": {"language_unnamed",
		"les visiteurs liront %q tel quel\u00a0: donnez à la langue ses noms anglais et français dans snippets (ways.go)"},
	"%s does not reach this region: %s": {"emergency_unreached", "le %s ne dessert pas cette région\u00a0: %s"},
	"line %q dials %s, which does not reach this region: %s": {"line_unreached",
		"la ligne %q compose le %s, qui ne dessert pas cette région\u00a0: %s"},
	"names %s, which does not reach this region: %s": {"names_unreached", "nomme le %s, qui ne dessert pas cette région\u00a0: %s"},
	"%s must not be shown: %s":                       {"withdrawn_number", "le %s ne doit pas être affiché\u00a0: %s"},
	"no entry %s: its visitors get the neutral banner, since %s's %s does not reach them; add the entry with its own lines": {"unreached_entry_missing",
		"aucune région %s\u00a0: ses visiteurs voient le bandeau neutre, car la région %s nomme le %s, qui ne les dessert pas; ajoutez la région avec ses lignes"},
	"resource %q featured twice": {"resource_twice", "ressource %q en vedette deux fois"},
	"line %q listed twice":       {"line_twice", "ligne %q listée deux fois"},
	"line %q serves %s, not %s":  {"line_wrong_country", "la ligne %q sert %s, pas %s"},
	"names %q, which is not an emergency number or line of this region": {"message_names_other_number",
		"nomme %q, qui n'est ni un numéro d'urgence ni une ligne de cette région"},
	"names %q: the unknown-region message must not name any number": {"unknown_region_names_number",
		"nomme %q\u00a0: le message sans région ne doit nommer aucun numéro"},
	"must be one of %s, got %q": {"not_one_of", "doit être l'une de ces valeurs\u00a0: %s; reçu %q"},
	"must not be negative":      {"negative", "ne doit pas être négatif"},
	"required for a pdf: visitors are told the size before they download": {"size_required",
		"obligatoire pour un PDF\u00a0: les visiteurs voient la taille avant de télécharger"},
	"must be after starts_on": {"ends_before_start", "doit suivre la date de début"},
	"not a date (YYYY-MM-DD) or RFC 3339 time: %q": {"invalid_date_or_time",
		"ce n'est pas une date (AAAA-MM-JJ) ni une date et heure RFC 3339\u00a0: %q"},
	"must include banner: the crisis banner is never left out": {"banner_required",
		"doit comprendre le bandeau\u00a0: le bandeau d'aide en situation de crise n'est jamais retiré"},
	"not a #rrggbb colour: %q":              {"invalid_colour", "ce n'est pas une couleur #rrggbb\u00a0: %q"},
	"must say when to retry with {seconds}": {"missing_seconds", "doit dire quand réessayer avec {seconds}"},
	originNoScheme:                          {"origin_scheme", "une origine commence par http:// ou https://\u00a0: %q"},
	originShape:                             {"origin_shape", "une origine est schéma://hôte[:port] en minuscules, avec :* pour tout port\u00a0: %q"},
	originInvalid:                           {"invalid_origin", "ce n'est pas une origine valide\u00a0: %q"},

	// Text shown to visitors, and the numbers in it (text.go).
	"contains %s, a bidirectional control: it can reverse what visitors read (988 shown as 889); remove it": {"bidi_control",
		"contient %s, un caractère de contrôle bidirectionnel\u00a0: il peut inverser ce que lisent les visiteurs (988 affiché 889); retirez-le"},
	"contains %s, an invisible or control character: remove it": {"invisible_character",
		"contient %s, un caractère invisible ou de contrôle\u00a0: retirez-le"},
	"%d characters, more than the %d allowed here: shorten it": {"text_too_long",
		"%d caractères, plus que les %d permis ici\u00a0: raccourcissez le texte"},
	"%q has digits other than 0-9: write %q": {"non_ascii_digits",
		"%q a des chiffres autres que 0-9\u00a0: écrivez %q"},
	"names %q, which spells a number in letters: write the line's number in digits, %s": {"number_in_letters",
		"nomme %q, un numéro écrit en lettres\u00a0: écrivez le numéro de la ligne en chiffres, %s"},
	"names %q, which the number check cannot read: write a number with the digits 0-9 only, joined by spaces, hyphens or dots": {"unreadable_number",
		"nomme %q, que la vérification des numéros ne peut pas lire\u00a0: écrivez un numéro avec les chiffres 0-9 seulement, séparés par des espaces, des traits d'union ou des points"},
	"names %q, which is not a line or emergency number of %s: a notice may name only numbers of every region entry it reaches": {"notice_names_other_number",
		"nomme %q, qui n'est ni une ligne ni un numéro d'urgence de %s\u00a0: un avis ne peut nommer que des numéros de chaque région qu'il atteint"},
	"names %q, but a notice for every region also reaches visitors placed in no region entry, whose banner names no number: no number serves every visitor, so name the regions the notice is for": {"notice_everywhere_number",
		"nomme %q, mais un avis pour toutes les régions atteint aussi les visiteurs situés hors de toute région, dont le bandeau ne nomme aucun numéro\u00a0: aucun numéro ne sert tous les visiteurs, nommez donc les régions visées par l'avis"},
	"names %q: the feedback form is shown in every region and where there is none, so it names no number; the banner above it has the region's lines": {"feedback_names_number",
		"nomme %q\u00a0: le formulaire de rétroaction est affiché dans toutes les régions et hors de toute région, il ne nomme donc aucun numéro; le bandeau au-dessus donne les lignes de la région"},

	// The schedule of a line (hours.go).
	"hours are free text: give schedule (\"24/7\" or weekly hours) so that visitors see whether the line is open now": {"hours_free_text",
		"les heures sont du texte libre\u00a0: donnez schedule (\"24/7\" ou des heures hebdomadaires) pour que les visiteurs voient si la ligne est ouverte en ce moment"},
	`required: the line's IANA time zone, such as "America/Toronto"`: {"schedule_zone_required",
		"obligatoire\u00a0: le fuseau horaire IANA de la ligne, par exemple \"America/Toronto\""},
	`unknown time zone %q: want an IANA name such as "America/Toronto"`: {"schedule_unknown_zone",
		"fuseau horaire inconnu\u00a0: %q; il faut un nom IANA, par exemple \"America/Toronto\""},
	`required: weekly hours such as "Mo-Fr 09:00-17:00", or "24/7": without them the line is never open`: {"schedule_never_open",
		"obligatoire\u00a0: des heures hebdomadaires, par exemple \"Mo-Fr 09:00-17:00\", ou \"24/7\"; sans elles la ligne n'est jamais ouverte"},
	`"24/7" is every hour of the week: it takes no other weekly hours`: {"schedule_always_weekly",
		"\"24/7\" couvre toutes les heures de la semaine\u00a0: pas d'autres heures hebdomadaires avec lui"},
	`a "24/7" schedule takes no zone: write schedule: "24/7"`: {"schedule_always_zone",
		"un horaire \"24/7\" ne prend pas de fuseau\u00a0: écrivez schedule: \"24/7\""},
	`a "24/7" schedule takes no exceptions: give weekly hours ("Mo-Su 00:00-24:00") and a zone instead`: {"schedule_always_except",
		"un horaire \"24/7\" ne prend pas d'exceptions\u00a0: donnez plutôt des heures hebdomadaires (\"Mo-Su 00:00-24:00\") et un fuseau"},
	`%q: want days and hours, such as "Mo-Fr 09:00-17:00"`: {"schedule_weekly_shape",
		"%q\u00a0: il faut des jours et des heures, par exemple \"Mo-Fr 09:00-17:00\""},
	"%q: %q is not a day (Mo Tu We Th Fr Sa Su)": {"schedule_bad_day",
		"%q\u00a0: %q n'est pas un jour (Mo Tu We Th Fr Sa Su)"},
	"%q: a range of days needs two different days, got %q": {"schedule_day_range",
		"%q\u00a0: une plage de jours demande deux jours différents; reçu %q"},
	"%q: %s is named twice": {"schedule_day_twice", "%q\u00a0: %s est nommé deux fois"},
	`%q: want a date and "closed" or hours, such as "2026-12-25 closed" or "2026-12-31 10:00-14:00"`: {"schedule_except_shape",
		"%q\u00a0: il faut une date et \"closed\" ou des heures, par exemple \"2026-12-25 closed\" ou \"2026-12-31 10:00-14:00\""},
	"%q: %q is not a date (want YYYY-MM-DD)": {"schedule_bad_date", "%q\u00a0: %q n'est pas une date (AAAA-MM-JJ)"},
	"%q: %s already has an exception (except[%d])": {"schedule_date_twice",
		"%q\u00a0: le %s a déjà une exception (except[%d])"},
	"%q: %q is not an interval (want HH:MM-HH:MM)": {"schedule_bad_interval",
		"%q\u00a0: %q n'est pas un intervalle (HH:MM-HH:MM)"},
	"%q: %q is not a time (want HH:MM from 00:00 to 23:59, or 24:00 as an end)": {"schedule_bad_time",
		"%q\u00a0: %q n'est pas une heure (HH:MM de 00:00 à 23:59, ou 24:00 pour finir)"},
	"%q: 24:00 only ends an interval: start the day at 00:00": {"schedule_starts_2400",
		"%q\u00a0: 24:00 ne peut que finir un intervalle\u00a0: commencez la journée à 00:00"},
}

// The formats of a partner origin's problems (checkOrigin).
const (
	originNoScheme = "an origin starts with http:// or https://: %q"
	originShape    = "an origin is scheme://host[:port] in lower case, with :* for any port: %q"
	originInvalid  = "not a valid origin: %q"
)

// problem makes the Problem of a format and its arguments: the English message, the code, and
// each argument formatted by its verb.
func problem(path, format string, args ...any) Problem {
	p := Problem{Path: path, Message: fmt.Sprintf(format, args...), Code: "invalid"}
	if t, ok := problemText[format]; ok {
		p.Code = t.Code
	}
	verbs := formatVerbs(format)
	for i, a := range args {
		v := "v"
		if i < len(verbs) {
			v = verbs[i]
		}
		p.Args = append(p.Args, fmt.Sprintf("%"+v, a))
	}
	return p
}

// formatVerbs lists the verbs of a format in order ("%q %s %d" -> q, s, d); "%%" is none.
func formatVerbs(format string) []string {
	var out []string
	for i := 0; i < len(format)-1; i++ {
		if format[i] != '%' {
			continue
		}
		i++
		if format[i] == '%' {
			continue
		}
		out = append(out, string(format[i]))
	}
	return out
}

// template turns a format into the console's template: each verb becomes {0}, {1}, ...
func template(format string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			i++
			if format[i] == '%' {
				b.WriteByte('%')
				continue
			}
			b.WriteString("{" + strconv.Itoa(n) + "}")
			n++
			continue
		}
		b.WriteByte(format[i])
	}
	return b.String()
}

// ProblemTemplates is what the console translates problems with: for each code, the message in
// each language, its arguments at {0}, {1}, ... (Problem.Args, formatted as the English has
// them).
func ProblemTemplates() map[string]map[Locale]string {
	out := make(map[string]map[Locale]string, len(problemText))
	for en, t := range problemText {
		out[t.Code] = map[Locale]string{English: template(en), French: template(t.FR)}
	}
	return out
}
