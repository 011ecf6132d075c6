package embedbuilder

import "github.com/signpost/edge/snippets"

// embedText is the builder's copy in one language. Messages with %s take a code or a value.
type embedText struct {
	LangName, LangNav, Title, Heading, Intro                                 string
	Options, Partner, Components                                             string
	CompBanner, CompResources, CompFeedback, CompExit                        string
	Locale, LocalePage, LocaleEN, LocaleFR                                   string
	Region, HintRegion, DefaultRegion, DefaultRegionNone                     string
	Accent, HintAccent, DefaultAccent, DefaultAccentNone                     string
	Exit, HintExit, DefaultExit, DefaultExitNone                             string
	Update, UpdateFailed                                                     string
	Preview, PreviewText, PreviewFrame, PreviewHeading, PreviewNote          string
	Pinned, PinnedText, Evergreen, EvergreenText                             string
	Placeholders, PlaceholdersText, CSP, CSPText, Noscript, NoscriptText     string
	PlaceTop, PlaceContent, Reserve, ReserveText, CopyReserve                string
	Copy, CopyPinned, CopyEvergreen, CopyPlaceholders, CopyCSP, CopyNoscript string
	Copied, Selected                                                         string
	Footer, Manifest                                                         string
	ErrorPrefix, WarningPrefix, NotePrefix                                   string
	MsgPartner, MsgLocale, MsgRegion, MsgRegionNone, MsgRegionCountry        string
	MsgAccent, MsgContrast, MsgExit                                          string
}

func (t *embedText) componentLabel(name string) string {
	switch name {
	case "resources":
		return t.CompResources
	case "feedback":
		return t.CompFeedback
	case "exit":
		return t.CompExit
	}
	return t.CompBanner
}

var embedTexts = map[snippets.Locale]*embedText{
	snippets.English: {
		LangName: "English", LangNav: "Language",
		Title:   "Embed builder · Signpost",
		Heading: "Embed the Signpost widget",
		Intro: "Choose the options for your site and check them in the live preview, then copy the script tag, " +
			"the placeholders and the CSP lines into your pages. The options live in data-* attributes, so the pinned " +
			"tag's integrity hash stays valid whatever you choose.",
		Options: "Options", Partner: "Partner", Components: "Components",
		CompBanner: "Crisis banner (always shown)", CompResources: "Featured resources", CompFeedback: "Feedback form", CompExit: "Quick exit",
		Locale: "Widget language", LocalePage: "Your page's language (html lang), else English", LocaleEN: "English", LocaleFR: "French",
		Region: "Region", HintRegion: "An ISO 3166 code such as CA, CA-QC or GB. Empty: ",
		DefaultRegion:     "the partner's default (%s), unless the visitor's time zone is in another country.",
		DefaultRegionNone: "the country of the visitor's time zone.",
		Accent:            "Accent colour", HintAccent: "#rrggbb, with at least 4.5:1 contrast on white. Empty: ",
		DefaultAccent: "the partner's colour (%s).", DefaultAccentNone: "the widget's own colour.",
		Exit: "Quick exit address", HintExit: "An http or https address. Empty: ",
		DefaultExit: "the partner's (%s).", DefaultExitNone: "a search engine's home page.",
		Update: "Update", UpdateFailed: "The code could not be updated: use the Update button.",
		Preview: "Live preview",
		PreviewText: "The real widget, served by this edge, in a page with a strict Content Security Policy. Feedback sent " +
			"from the preview is refused, never recorded, and quick exit cannot leave it.",
		PreviewFrame: "Preview of the widget", PreviewHeading: "Preview: %s",
		PreviewNote: "A partner page with the placeholders and the script tag from the builder.",
		Pinned:      "Pinned script tag (recommended)",
		PinnedText: "Loads exactly this build, which the browser checks against its integrity hash. It keeps working, and " +
			"its banner stays up to date, when operators change the content.",
		Evergreen:     "Evergreen script tag",
		EvergreenText: "Always the latest build (cached for up to 5 minutes), with no integrity check.",
		Placeholders:  "Placeholders",
		PlaceholdersText: "Put the banner and quick exit first in your page's body, and the others where they should appear. " +
			"Without them, the banner goes first in the body and the other components right after the script tag, and " +
			"your page moves down when they load.",
		PlaceTop: "First in <body>:", PlaceContent: "Where they belong in your content:",
		Reserve: "Space reservation (recommended)",
		ReserveText: "Add this rule to your own stylesheet: it keeps the banner's space while the widget loads, so that " +
			"your page does not move (no layout shift). It needs no 'unsafe-inline'. The banner keeps these heights; only an " +
			"emergency notice adds to them.",
		CopyReserve: " the CSS rule",
		CSP:         "Content Security Policy",
		CSPText: "Add this edge's origin to these two directives of your policy, next to your own sources. The widget needs " +
			"no style-src entry.",
		Noscript: "Without JavaScript",
		NoscriptText: "For visitors without JavaScript: a link to a worldwide directory of crisis lines. It names no number, " +
			"since it cannot know where the visitor is. You may link to your own help page instead.",
		Copy: "Copy", CopyPinned: " the pinned tag", CopyEvergreen: " the evergreen tag", CopyPlaceholders: " the placeholders",
		CopyCSP: " the CSP lines", CopyNoscript: " the fallback",
		Copied: "Copied.", Selected: "Selected: press Ctrl+C (⌘C on a Mac) to copy.",
		Footer: "Served by this Signpost edge.", Manifest: "Pinning manifest",
		ErrorPrefix: "Error: ", WarningPrefix: "Warning: ", NotePrefix: "Note: ",
		MsgPartner:       "unknown partner, so the tags are for %s.",
		MsgLocale:        "choose English or French; left out of the tags.",
		MsgRegion:        "not an ISO 3166 code such as CA or CA-QC; left out of the tags.",
		MsgRegionNone:    "no crisis lines are configured for %s: visitors get the message with no number and the worldwide directory link.",
		MsgRegionCountry: "%s has no entry of its own: visitors get the lines of %s.",
		MsgAccent:        "not a #rrggbb colour; left out of the tags.",
		MsgContrast:      "its contrast on white is %s:1, below the 4.5:1 that WCAG AA requires. The widget would ignore it, so it is left out of the tags.",
		MsgExit:          "not an http or https address; left out of the tags.",
	},
	snippets.French: {
		LangName: "Français", LangNav: "Langue",
		Title:   "Générateur d'intégration · Signpost",
		Heading: "Intégrer le widget Signpost",
		Intro: "Choisissez les options de votre site et vérifiez-les dans l'aperçu en direct, puis copiez la balise de " +
			"script, les espaces réservés et les lignes CSP dans vos pages. Les options sont dans des attributs data-*\u00a0: " +
			"le hachage d'intégrité de la balise épinglée reste valide, quels que soient vos choix.",
		Options: "Options", Partner: "Partenaire", Components: "Composantes",
		CompBanner: "Bandeau d'aide en situation de crise (toujours affiché)", CompResources: "Ressources en vedette",
		CompFeedback: "Formulaire de rétroaction", CompExit: "Sortie rapide",
		Locale: "Langue du widget", LocalePage: "La langue de votre page (html lang), sinon l'anglais", LocaleEN: "Anglais", LocaleFR: "Français",
		Region: "Région", HintRegion: "Un code ISO 3166 comme CA, CA-QC ou GB. Vide\u00a0: ",
		DefaultRegion:     "la région par défaut du partenaire (%s), sauf si le fuseau horaire du visiteur est dans un autre pays.",
		DefaultRegionNone: "le pays du fuseau horaire du visiteur.",
		Accent:            "Couleur d'accent", HintAccent: "#rrggbb, avec un contraste d'au moins 4,5:1 sur blanc. Vide\u00a0: ",
		DefaultAccent: "la couleur du partenaire (%s).", DefaultAccentNone: "la couleur du widget.",
		Exit: "Adresse de la sortie rapide", HintExit: "Une adresse http ou https. Vide\u00a0: ",
		DefaultExit: "celle du partenaire (%s).", DefaultExitNone: "la page d'accueil d'un moteur de recherche.",
		Update: "Mettre à jour", UpdateFailed: "Le code n'a pas pu être mis à jour\u00a0: utilisez le bouton Mettre à jour.",
		Preview: "Aperçu en direct",
		PreviewText: "Le vrai widget, servi par ce serveur, dans une page à politique de sécurité du contenu stricte. La " +
			"rétroaction envoyée depuis l'aperçu est refusée et jamais enregistrée; la sortie rapide ne peut pas le quitter.",
		PreviewFrame: "Aperçu du widget", PreviewHeading: "Aperçu\u00a0: %s",
		PreviewNote: "Une page de partenaire avec les espaces réservés et la balise de script du générateur.",
		Pinned:      "Balise de script épinglée (recommandée)",
		PinnedText: "Charge exactement cette version, que le navigateur vérifie avec son hachage d'intégrité. Elle continue " +
			"de fonctionner, et son bandeau reste à jour, quand les opérateurs modifient le contenu.",
		Evergreen:     "Balise de script toujours à jour",
		EvergreenText: "Toujours la dernière version (en cache jusqu'à 5 minutes), sans vérification d'intégrité.",
		Placeholders:  "Espaces réservés",
		PlaceholdersText: "Placez le bandeau et la sortie rapide au début du corps de la page, et les autres là où elles " +
			"doivent apparaître. Sans eux, le bandeau s'affiche en haut du corps de la page et les autres composantes juste " +
			"après la balise de script, et votre page se déplace vers le bas quand elles se chargent.",
		PlaceTop: "Au début de <body>\u00a0:", PlaceContent: "Là où elles vont dans votre contenu\u00a0:",
		Reserve: "Réservation de l'espace (recommandée)",
		ReserveText: "Ajoutez cette règle à votre propre feuille de style\u00a0: elle garde l'espace du bandeau pendant le " +
			"chargement du widget, pour que votre page ne se déplace pas. Elle ne demande pas 'unsafe-inline'. Le bandeau garde " +
			"ces hauteurs; seul un avis d'urgence s'y ajoute.",
		CopyReserve: " la règle CSS",
		CSP:         "Politique de sécurité du contenu (CSP)",
		CSPText: "Ajoutez l'origine de ce serveur à ces deux directives de votre politique, à côté de vos propres sources. " +
			"Le widget n'a besoin d'aucune entrée style-src.",
		Noscript: "Sans JavaScript",
		NoscriptText: "Pour les visiteurs sans JavaScript\u00a0: un lien vers un répertoire mondial de lignes d'écoute. Il ne " +
			"donne aucun numéro, car il ne peut pas savoir où se trouve le visiteur. Vous pouvez plutôt mettre un lien vers " +
			"votre propre page d'aide.",
		Copy: "Copier", CopyPinned: " la balise épinglée", CopyEvergreen: " la balise toujours à jour",
		CopyPlaceholders: " les espaces réservés", CopyCSP: " les lignes CSP", CopyNoscript: " la solution de repli",
		Copied: "Copié.", Selected: "Sélectionné\u00a0: appuyez sur Ctrl+C (⌘C sur Mac) pour copier.",
		Footer: "Servi par ce serveur Signpost.", Manifest: "Manifeste d'épinglage",
		ErrorPrefix: "Erreur\u00a0: ", WarningPrefix: "Avertissement\u00a0: ", NotePrefix: "Remarque\u00a0: ",
		MsgPartner:       "partenaire inconnu; les balises sont donc pour %s.",
		MsgLocale:        "choisissez l'anglais ou le français; la valeur n'est pas ajoutée aux balises.",
		MsgRegion:        "ce n'est pas un code ISO 3166 comme CA ou CA-QC; il n'est pas ajouté aux balises.",
		MsgRegionNone:    "aucune ligne d'écoute n'est configurée pour %s\u00a0: les visiteurs voient le message sans numéro et le lien vers le répertoire mondial.",
		MsgRegionCountry: "%s n'a pas d'entrée propre\u00a0: les visiteurs voient les lignes de %s.",
		MsgAccent:        "ce n'est pas une couleur #rrggbb; elle n'est pas ajoutée aux balises.",
		MsgContrast:      "son contraste sur blanc est de %s:1, sous le 4,5:1 qu'exigent les WCAG (niveau AA). Le widget l'ignorerait\u00a0: elle n'est donc pas ajoutée aux balises.",
		MsgExit:          "ce n'est pas une adresse http ou https; elle n'est pas ajoutée aux balises.",
	},
}
