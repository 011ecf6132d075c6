package nojs

import "github.com/signpost/edge/snippets"

// text is what the fragment and the frame page write of their own, per language. The banner's
// words are the widget's (widget/src/widget.js TEXT): the browser tests compare both banners'
// names and links, so a change to one that the other misses fails there.
type text struct {
	Crisis, Call, Text, TextKw, Chat, Emergency, Info string
	// More is the disclosure's summary for 0, 1 and n more lines ("{n}").
	More                            [3]string
	Resources, Feedback, Exit, Hist string
	// The frame page's and its answers'.
	Title, Problem, EmailHint, EmailWithoutFollowup, Expired, CommentTooLong string
	ForeignOrigin, Unavailable, TooLarge, WrongType, Invalid, Back           string
}

var texts = map[snippets.Locale]*text{
	snippets.English: {
		Crisis: "Crisis support", Call: "Call", Text: "Text", TextKw: "Text {k} to {n}", Chat: "Chat online",
		Emergency: "Emergency", Info: "More information",
		More:      [3]string{"Details", "1 more line", "{n} more lines"},
		Resources: "Featured resources", Feedback: "Feedback", Exit: "Quick exit", Hist: "Your browser history is not erased.",
		Title:                "Crisis support and resources",
		Problem:              "There is a problem",
		EmailHint:            "Only if you ticked the box above.",
		EmailWithoutFollowup: "Tick the box above to be contacted, or leave the email address empty.",
		Expired:              "This form was open for too long. Check your answers and send them again.",
		CommentTooLong:       "Your comment is longer than 1,000 characters. Shorten it and send it again.",
		ForeignOrigin:        "This form can only be sent from its own page.",
		Unavailable:          "This feedback form is not available.",
		TooLarge:             "What you sent is too long to be read.",
		WrongType:            "This form could not be read. Send it from its page.",
		Invalid:              "Something in this form could not be read. Check your answers and send them again.",
		Back:                 "Back to the form",
	},
	snippets.French: {
		Crisis: "Aide en situation de crise", Call: "Appeler le", Text: "Texter le", TextKw: "Textez {k} au {n}", Chat: "Clavarder en ligne",
		Emergency: "Urgence", Info: "En savoir plus",
		More:      [3]string{"Détails", "1 autre ligne", "{n} autres lignes"},
		Resources: "Ressources en vedette", Feedback: "Rétroaction", Exit: "Sortie rapide", Hist: "L'historique du navigateur n'est pas effacé.",
		Title:                "Aide en situation de crise et ressources",
		Problem:              "Il y a un problème",
		EmailHint:            "Seulement si vous avez coché la case ci-dessus.",
		EmailWithoutFollowup: "Cochez la case ci-dessus pour qu'on communique avec vous, ou laissez l'adresse courriel vide.",
		Expired:              "Ce formulaire est resté ouvert trop longtemps. Vérifiez vos réponses et envoyez-les de nouveau.",
		CommentTooLong:       "Votre commentaire dépasse 1 000 caractères. Raccourcissez-le et envoyez-le de nouveau.",
		ForeignOrigin:        "Ce formulaire ne peut être envoyé que depuis sa propre page.",
		Unavailable:          "Ce formulaire de rétroaction n'est pas disponible.",
		TooLarge:             "Ce que vous avez envoyé est trop long pour être lu.",
		WrongType:            "Ce formulaire n'a pas pu être lu. Envoyez-le depuis sa page.",
		Invalid:              "Une partie de ce formulaire n'a pas pu être lue. Vérifiez vos réponses et envoyez-les de nouveau.",
		Back:                 "Retour au formulaire",
	},
}

func textFor(loc snippets.Locale) *text {
	if t := texts[loc]; t != nil {
		return t
	}
	return texts[snippets.English]
}
