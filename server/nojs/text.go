package nojs

import (
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/words"
)

// text is what the fragment and the frame page write of their own, per language, from the one
// catalogue (words/en.json, words/fr.json). The banner's words are the widget's own keys
// ("widget.*", which the bundle builder generates the widget's TEXT from), so the widget and
// the fragment read one source; the frame page's and its answers' are the "nojs" section
// (through server/pagetext).
type text struct {
	Crisis, Call, Text, TextKw, Chat, Emergency, Info string
	// MoreNone is the disclosure's summary when the region has one line; More for 1 and n
	// more ("{0}").
	MoreNone                        string
	More                            [2]string
	Resources, Feedback, Exit, Hist string
	frameText
}

// frameText is the frame page's and its answers' words: the "nojs" section.
type frameText struct {
	// ErrorTitle is the page's title when the form has errors, the title at {0}: ErrorTitleOf.
	Title, ErrorTitle, Problem, EmailHint, EmailWithoutFollowup, Expired, CommentTooLong string
	ForeignOrigin, HiddenOrigin, AlreadySent, Unavailable, TooLarge, WrongType, Invalid  string
	// The line report form's, in each line of the banner (reportView).
	ReportSummary, ReportReason, ReportNotWorking, ReportWrongHours, ReportOther, ReportComment string
	ReportReadBy, ReportSend, ReportThanks, ReportAlreadySent, ReportReasonRequired             string
	ReportCommentTooLong, ReportLineGone, ReportNotSent                                         string
}

// ErrorTitleOf is the title of a page whose form has errors.
func (t *text) ErrorTitleOf(title string) string { return words.Render(t.ErrorTitle, []string{title}) }

var texts = loadTexts()

// loadTexts reads every language's text, or panics: the catalogue is compiled in, and a
// missing key is a broken build.
func loadTexts() map[snippets.Locale]*text {
	out := map[snippets.Locale]*text{}
	for _, l := range snippets.Locales {
		w := func(id string) string {
			s, ok := words.Lookup(string(l), "widget."+id)
			if !ok {
				panic("nojs: no widget." + id + " in the catalogue")
			}
			return s
		}
		t := &text{Crisis: w("crisis"), Call: w("call"), Text: w("text"), TextKw: w("textKw"), Chat: w("chat"),
			Emergency: w("em"), Info: w("info"), MoreNone: w("more.0"), More: [2]string{w("more.1"), w("more.2")},
			Resources: w("res"), Feedback: w("fb"), Exit: w("exit"), Hist: w("hist")}
		if err := pagetext.Fill(&t.frameText, "nojs", l); err != nil {
			panic(err)
		}
		out[l] = t
	}
	return out
}

func textFor(loc snippets.Locale) *text {
	if t := texts[loc]; t != nil {
		return t
	}
	return texts[snippets.English]
}
