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
	// The three ways (ways.go) and when to use which.
	Ways, WaysText, WayScript, WayScriptWhen, WayInclude, WayIncludeWhen, WayFrame, WayFrameWhen string
	// The server-side include: its outputs, the comments inside them, its notes and preview.
	IncludeText, Fragment, FragmentText, SSI, SSIText, SSIConf, SSIOn, SSIPage, ESI, ESIText, ESIPage string
	PHP, PHPText, PHPComment, WordPress, WordPressText, WPComment, Template, TemplateText             string
	IncludeCSS, IncludeCSSText, IncludeCSPText, Takeover, TakeoverText                                string
	IncludePreviewText, IncludePreviewFrame, IncludePreviewNote                                       string
	// The iframe: its outputs, notes and preview; FrameTitle is the iframe's title, in the
	// widget's language.
	FrameText, FrameTag, FrameTagText, FrameCSS, FrameCSSText, FrameCSSComment, FrameCSPText string
	FrameNotes, FrameNoteExit, FrameNoteLinks, FrameNoteFeedback, FrameNotePage              string
	FramePreviewText, FramePreviewFrame, FrameTitle                                          string
	CopyFragment, CopySSI, CopyESI, CopyPHP, CopyWordPress, CopyIncludeCSS, CopyIncludeCSP   string
	CopyFrame, CopyFrameCSS, CopyFrameCSP                                                    string
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

		Ways:      "Three ways to embed",
		WaysText:  "Each way below comes with its code, the lines it needs in your Content Security Policy, and a live preview.",
		WayScript: "Script tag",
		WayScriptWhen: "the richest, and the one to use wherever your pages may run a script from this edge: the region follows the " +
			"visitor's time zone, an emergency notice shows as soon as operators publish it, usage is counted, and quick exit also " +
			"answers the Shift key.",
		WayInclude: "Server-side include",
		WayIncludeWhen: "the banner arrives in your page's HTML, from your server or CDN: when your Content Security Policy forbids " +
			"third-party scripts, your CMS strips <script>, or you want the banner in the first byte and no layout shift at all. The " +
			"region is the one you choose, not the visitor's time zone.",
		WayFrame: "iframe",
		WayFrameWhen: "a self-contained block of this edge's page, with the banner, resources and a feedback form that works " +
			"without JavaScript: when you can neither include on the server nor run a script. Its height is fixed and it keeps the " +
			"widget's colours.",
		IncludeText: "Your server or CDN fetches the banner fragment from this edge and puts it first in your page's <body>: HTML " +
			"with no script and no inline style, which links its own stylesheet (/v1/banner.css). Visitors get the banner with " +
			"your page, even with JavaScript off.",
		Fragment: "Fragment URL",
		FragmentText: "The same region and language rules as the widget, without the time zone: the region chosen, else the " +
			"partner's default. Revalidate it on every use (it answers 304 to a matching ETag) or keep it a minute at most, so " +
			"that an emergency notice shows on the next page. When the edge cannot answer, show the directory link, as below.",
		SSI: "nginx (SSI)",
		SSIText: "An SSI include names a local URI, so a location of your server fetches the fragment from this edge. " +
			"Accept-Encoding is cleared so that the fragment comes into your page uncompressed; the stub shows the directory " +
			"link when the edge does not answer within 2 seconds.",
		SSIConf: "nginx, in your server block: a local URI that fetches the banner from the edge.",
		SSIOn:   "In the location that serves your pages:",
		SSIPage: "In your page, first in <body>:",
		ESI:     "ESI at a CDN",
		ESIText: "For a CDN that processes Edge Side Includes: it must reach this edge as an origin (a backend) of your " +
			"service. The src is used as written, so its & is not escaped; onerror=\"continue\" leaves the page whole when " +
			"the edge does not answer.",
		ESIPage:    "First in <body>:",
		PHP:        "PHP",
		PHPText:    "Any PHP page (with allow_url_fopen on): each page view asks the edge, which answers from its cache.",
		PHPComment: "Signpost banner, fetched on the server (2 s at most); when the edge cannot answer, the directory link.",
		WordPress:  "WordPress",
		WordPressText: "In your theme (for example header.php, right after wp_body_open()) or a small plugin: the WordPress HTTP " +
			"API, with the banner kept for 60 seconds.",
		WPComment: "Signpost banner, kept for 60 s; when the edge cannot answer, the directory link.",
		Template:  "Any other template",
		TemplateText: "Fetch the fragment URL on the server with a short timeout (2 seconds), keep it a minute at most, and write " +
			"it unescaped (it is HTML) first in <body>; when the fetch fails, write the directory link or your own help page's. " +
			"The region and language are the URL's: a bilingual site fetches one fragment per language.",
		IncludeCSS: "Your stylesheet",
		IncludeCSSText: "The fragment has no inline style, so your own stylesheet sizes and colours it: this rule keeps the " +
			"banner's space (its root is the banner placeholder), and, when there is an accent, gives the banner your colour " +
			"(html .signpost is more specific than the .signpost of /v1/banner.css).",
		IncludeCSPText: "One directive, for the fragment's stylesheet: no script-src, no connect-src.",
		Takeover:       "With the script tag too",
		TakeoverText: "You may add the widget's script tag as well: the fragment's root is <div class=\"signpost\" " +
			"data-signpost=\"banner\">, and the widget takes it over in place (no second banner, no flash), then refreshes " +
			"the notice, counts usage and adds the other components. Add the script tag's CSP lines too; the space reservation " +
			"rule still applies.",
		IncludePreviewText:  "The fragment for these options, included in a partner page that runs no script, under a policy with no script-src.",
		IncludePreviewFrame: "Preview of the server-side include",
		IncludePreviewNote:  "A partner page with the banner fragment included on the server, and no script.",
		FrameText: "A whole page of this edge, with the components chosen, that any site may frame. It runs no script at all, " +
			"and it keeps the widget's own colours: your accent and stylesheet cannot reach it.",
		FrameTag: "iframe tag",
		FrameTagText: "Set page=/ to the path of the page the frame is on: feedback is recorded under it. loading=\"eager\" " +
			"because it holds the crisis banner; use lazy only for a frame far down a page.",
		FrameCSS: "Its size",
		FrameCSSText: "A frame does not grow with its content, so it gets a fixed height: the components chosen and the " +
			"resources featured today, for a frame as wide as a phone and for one at least 640 px wide. An emergency notice, or " +
			"more resources, make it scroll.",
		FrameCSSComment:   "Signpost frame: full width, no border, a fixed height for the components chosen; it scrolls when there is more.",
		FrameCSPText:      "One directive, for the frame: your page needs nothing else.",
		FrameNotes:        "Good to know",
		FrameNoteExit:     "Quick exit leaves your whole page (target=\"_top\"), and says that browser history is not erased.",
		FrameNoteLinks:    "Call, text and resource links open in the top page, not inside the frame.",
		FrameNoteFeedback: "The feedback form works without JavaScript: it posts to this edge and answers inside the frame with thanks, or with the crisis lines first.",
		FrameNotePage:     "The partner page's path goes in the URL (page=), never its query or fragment.",
		FramePreviewText:  "The frame page itself, for these options. Its form cannot be sent from here, and quick exit cannot leave the builder.",
		FramePreviewFrame: "Preview of the iframe",
		FrameTitle:        "Crisis support and resources",
		CopyFragment:      " the fragment URL", CopySSI: " the nginx configuration", CopyESI: " the ESI include", CopyPHP: " the PHP include",
		CopyWordPress: " the WordPress include", CopyIncludeCSS: " the include's CSS rules", CopyIncludeCSP: " the include's CSP line",
		CopyFrame: " the iframe tag", CopyFrameCSS: " the iframe's CSS rule", CopyFrameCSP: " the iframe's CSP line",
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

		Ways:      "Trois façons d'intégrer",
		WaysText:  "Chaque façon ci-dessous vient avec son code, les lignes qu'elle demande dans votre politique de sécurité du contenu, et un aperçu en direct.",
		WayScript: "Balise de script",
		WayScriptWhen: "la plus complète, à utiliser partout où vos pages peuvent exécuter un script de ce serveur\u00a0: la région " +
			"suit le fuseau horaire du visiteur, un avis d'urgence s'affiche dès que les opérateurs le publient, l'utilisation est " +
			"comptée, et la sortie rapide répond aussi à la touche Maj.",
		WayInclude: "Inclusion côté serveur",
		WayIncludeWhen: "le bandeau arrive dans le HTML de votre page, par votre serveur ou votre CDN\u00a0: quand votre politique de " +
			"sécurité du contenu interdit les scripts tiers, que votre CMS retire les <script>, ou que vous voulez le bandeau dès le " +
			"premier octet et aucun décalage de mise en page. La région est celle que vous choisissez, pas le fuseau horaire du visiteur.",
		WayFrame: "iframe",
		WayFrameWhen: "un bloc autonome, une page de ce serveur, avec le bandeau, les ressources et un formulaire de rétroaction " +
			"qui fonctionne sans JavaScript\u00a0: quand vous ne pouvez ni inclure côté serveur ni exécuter un script. Sa hauteur " +
			"est fixe et il garde les couleurs du widget.",
		IncludeText: "Votre serveur ou votre CDN va chercher le fragment du bandeau sur ce serveur et le place au début du <body> " +
			"de votre page\u00a0: du HTML sans script ni style en ligne, qui appelle sa propre feuille de style (/v1/banner.css). " +
			"Les visiteurs reçoivent le bandeau avec votre page, même sans JavaScript.",
		Fragment: "Adresse du fragment",
		FragmentText: "Les mêmes règles de région et de langue que le widget, sans le fuseau horaire\u00a0: la région choisie, " +
			"sinon celle du partenaire par défaut. Revalidez-le à chaque usage (il répond 304 à un ETag identique) ou gardez-le une " +
			"minute au plus, pour qu'un avis d'urgence s'affiche à la page suivante. Quand le serveur ne répond pas, affichez le " +
			"lien vers le répertoire, comme ci-dessous.",
		SSI: "nginx (SSI)",
		SSIText: "Une inclusion SSI nomme une adresse locale\u00a0: une location de votre serveur va donc chercher le fragment " +
			"sur ce serveur. Accept-Encoding est vidé pour que le fragment arrive non compressé dans votre page; le stub affiche " +
			"le lien vers le répertoire quand le serveur ne répond pas en 2 secondes.",
		SSIConf: "nginx, dans votre bloc server\u00a0: une adresse locale qui va chercher le bandeau sur le serveur Signpost.",
		SSIOn:   "Dans la location qui sert vos pages\u00a0:",
		SSIPage: "Dans votre page, au début de <body>\u00a0:",
		ESI:     "ESI dans un CDN",
		ESIText: "Pour un CDN qui traite les Edge Side Includes\u00a0: il doit joindre ce serveur comme origine (backend) de " +
			"votre service. Le src est utilisé tel quel, son & n'est donc pas échappé; onerror=\"continue\" garde la page entière " +
			"quand le serveur ne répond pas.",
		ESIPage:    "Au début de <body>\u00a0:",
		PHP:        "PHP",
		PHPText:    "Toute page PHP (avec allow_url_fopen activé)\u00a0: chaque affichage interroge le serveur, qui répond depuis son cache.",
		PHPComment: "Bandeau Signpost, obtenu côté serveur (2 s au plus); si le serveur ne répond pas, le lien vers le répertoire.",
		WordPress:  "WordPress",
		WordPressText: "Dans votre thème (par exemple header.php, juste après wp_body_open()) ou une petite extension\u00a0: " +
			"l'API HTTP de WordPress, avec le bandeau gardé 60 secondes.",
		WPComment: "Bandeau Signpost, gardé 60 s; si le serveur ne répond pas, le lien vers le répertoire.",
		Template:  "Tout autre gabarit",
		TemplateText: "Obtenez l'adresse du fragment côté serveur avec un court délai (2 secondes), gardez-le une minute au " +
			"plus, et écrivez-le sans l'échapper (c'est du HTML) au début du <body>; en cas d'échec, écrivez le lien vers le " +
			"répertoire ou vers votre propre page d'aide. La région et la langue sont celles de l'adresse\u00a0: un site bilingue " +
			"obtient un fragment par langue.",
		IncludeCSS: "Votre feuille de style",
		IncludeCSSText: "Le fragment n'a aucun style en ligne\u00a0: c'est votre feuille de style qui le dimensionne et le " +
			"colore. Cette règle garde l'espace du bandeau (sa racine est l'espace réservé du bandeau) et, s'il y a une couleur " +
			"d'accent, donne votre couleur au bandeau (html .signpost est plus précis que le .signpost de /v1/banner.css).",
		IncludeCSPText: "Une directive, pour la feuille de style du fragment\u00a0: ni script-src, ni connect-src.",
		Takeover:       "Avec la balise de script en plus",
		TakeoverText: "Vous pouvez aussi ajouter la balise de script du widget\u00a0: la racine du fragment est <div " +
			"class=\"signpost\" data-signpost=\"banner\">, et le widget la reprend sur place (pas de second bandeau, pas de " +
			"clignotement), puis met l'avis à jour, compte l'utilisation et ajoute les autres composantes. Ajoutez alors aussi les " +
			"lignes CSP de la balise de script; la règle de réservation de l'espace s'applique toujours.",
		IncludePreviewText:  "Le fragment pour ces options, inclus dans une page de partenaire qui n'exécute aucun script, sous une politique sans script-src.",
		IncludePreviewFrame: "Aperçu de l'inclusion côté serveur",
		IncludePreviewNote:  "Une page de partenaire avec le fragment du bandeau inclus côté serveur, sans aucun script.",
		FrameText: "Une page entière de ce serveur, avec les composantes choisies, que tout site peut afficher dans un cadre. " +
			"Elle n'exécute aucun script et garde les couleurs du widget\u00a0: votre accent et votre feuille de style ne " +
			"l'atteignent pas.",
		FrameTag: "Balise iframe",
		FrameTagText: "Remplacez page=/ par le chemin de la page qui contient le cadre\u00a0: la rétroaction est enregistrée sous " +
			"ce chemin. loading=\"eager\" parce qu'il contient le bandeau d'aide; n'utilisez lazy que pour un cadre loin dans la page.",
		FrameCSS: "Sa taille",
		FrameCSSText: "Un cadre ne s'agrandit pas avec son contenu\u00a0: il reçoit une hauteur fixe, celle des composantes " +
			"choisies et des ressources en vedette aujourd'hui, pour un cadre aussi large qu'un téléphone et pour un cadre d'au " +
			"moins 640 px. Un avis d'urgence ou d'autres ressources le font défiler.",
		FrameCSSComment:   "Cadre Signpost\u00a0: pleine largeur, sans bordure, une hauteur fixe pour les composantes choisies; il défile s'il y a plus.",
		FrameCSPText:      "Une directive, pour le cadre\u00a0: votre page n'a besoin de rien d'autre.",
		FrameNotes:        "Bon à savoir",
		FrameNoteExit:     "La sortie rapide quitte toute votre page (target=\"_top\") et dit que l'historique du navigateur n'est pas effacé.",
		FrameNoteLinks:    "Les liens pour appeler, texter et les ressources s'ouvrent dans la page principale, pas dans le cadre.",
		FrameNoteFeedback: "Le formulaire de rétroaction fonctionne sans JavaScript\u00a0: il est envoyé à ce serveur, qui répond dans le cadre par un remerciement, ou d'abord par les lignes d'écoute.",
		FrameNotePage:     "Le chemin de la page du partenaire va dans l'adresse (page=), jamais sa requête ni son fragment.",
		FramePreviewText:  "La page du cadre elle-même, pour ces options. Son formulaire ne peut pas être envoyé d'ici, et la sortie rapide ne peut pas quitter le générateur.",
		FramePreviewFrame: "Aperçu de l'iframe",
		FrameTitle:        "Aide en situation de crise et ressources",
		CopyFragment:      " l'adresse du fragment", CopySSI: " la configuration nginx", CopyESI: " l'inclusion ESI", CopyPHP: " l'inclusion PHP",
		CopyWordPress: " l'inclusion WordPress", CopyIncludeCSS: " les règles CSS de l'inclusion", CopyIncludeCSP: " la ligne CSP de l'inclusion",
		CopyFrame: " la balise iframe", CopyFrameCSS: " la règle CSS de l'iframe", CopyFrameCSP: " la ligne CSP de l'iframe",
	},
}
