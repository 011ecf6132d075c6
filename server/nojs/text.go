package nojs

import (
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
)

// text is what the fragment and the frame page write of their own, per language, from the
// catalogue of the pages rendered in Go (server/pagetext, section "nojs"). The banner's words
// are the widget's (widget/src/widget.js TEXT): the browser tests compare both banners' names
// and links, so a change to one that the other misses fails there.
type text struct {
	Crisis, Call, Text, TextKw, Chat, Emergency, Info string
	// MoreNone is the disclosure's summary when the region has one line; More for 1 and n
	// more ("{n}").
	MoreNone                        string
	More                            [2]string
	Resources, Feedback, Exit, Hist string
	// The frame page's and its answers'.
	Title, ErrorTitle, Problem, EmailHint, EmailWithoutFollowup, Expired, CommentTooLong string
	ForeignOrigin, HiddenOrigin, AlreadySent, Unavailable, TooLarge, WrongType, Invalid  string
}

var texts = pagetext.Texts[text]("nojs")

func textFor(loc snippets.Locale) *text {
	if t := texts[loc]; t != nil {
		return t
	}
	return texts[snippets.English]
}
