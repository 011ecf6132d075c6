package embedbuilder

import "github.com/signpost/edge/server/pagetext"

// embedText is the builder's copy in one language. Messages with {0} take a code or a value.
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
	FragmentLinks, FragmentLinksPublic, FragmentLinksHost                                             string
	IncludeText, Fragment, FragmentText, SSI, SSIText, SSIConf, SSIOn, SSIPage, ESI, ESIText, ESIPage string
	PHP, PHPText, PHPComment, WordPress, WordPressText, WPComment, Template, TemplateText             string
	IncludeCSS, IncludeCSSText, IncludeCSPText, Takeover, TakeoverText                                string
	IncludePreviewText, IncludePreviewFrame, IncludePreviewNote                                       string
	// The iframe: its outputs, notes and preview.
	FrameText, FrameTag, FrameTagText, FrameCSS, FrameCSSText, FrameCSSComment, FrameCSPText string
	FrameNotes, FrameNoteExit, FrameNoteLinks, FrameNoteFeedback, FrameNotePage              string
	FramePreviewText, FramePreviewFrame                                                      string
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

// embedTexts is the builder's copy by language: the builder.* keys of the one catalogue
// (words/en.json and fr.json, through server/pagetext).
var embedTexts = pagetext.Texts[embedText]("builder")
