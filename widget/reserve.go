package widget

import (
	"fmt"
	"slices"
	"strings"
)

// The heights of the components as first shown, in CSS px, which src/widget.css fixes and the
// browser tests measure in every engine: the banner's at a phone's width and from Breakpoint
// up, and the quick-exit bar's. A partner reserves them (ReserveCSS) so that the page does not
// move when the widget draws. An emergency notice adds its own height to the banner's.
const (
	Breakpoint   = 640
	BannerPhone  = 144
	BannerWide   = 92
	ExitBar      = 52
	reserveIntro = "/* Signpost: keep the widget's space, so that your page does not move when it loads. */"
)

// The components that come with the snippet, after the page has painted, have no fixed height:
// their text wraps. These are the heights reserved for them, measured in Chromium with the
// shipped content in English and French, in a 342 px column on a 390 px phone and a 736 px one
// from Breakpoint up (TestLateComponentHeights): the feedback form, the longer of the two
// languages (English is 70 px shorter on a phone); and a featured resource's card with the gap
// below it, one a row on a phone and two from Breakpoint up, within 15% on average (cards differ
// by their text).
const (
	FeedbackPhone   = 562
	FeedbackWide    = 423
	ResourcePhone   = 244
	ResourceRowWide = 264
)

// ReserveCSS is the rule a partner adds to its own stylesheet (it needs no 'unsafe-inline') for
// the placeholders of the components chosen, and the number of resources featured: min-height
// only, so that an emergency notice or an opened list of lines can still grow the banner. A
// placeholder's reservation ends when the widget draws into it (the component's :host rule sets
// every property), so the page moves by the difference between what was reserved and what is
// drawn: nothing for the banner and quick exit, whose heights are fixed; a few pixels per
// resource and the form's English-French difference for the others, which come later. Those are
// reserved up to one screen (min(100vh, …)): what lies beyond the first screen moves out of
// sight.
func ReserveCSS(components []string, resources int) string {
	var b, wide strings.Builder
	b.WriteString(reserveIntro + "\n")
	rule := func(name, phone, wideHeight string) {
		fmt.Fprintf(&b, "[data-signpost=%q] { display: block; min-height: %s; }\n", name, phone)
		if wideHeight != "" {
			fmt.Fprintf(&wide, "  [data-signpost=%q] { min-height: %s; }\n", name, wideHeight)
		}
	}
	rule("banner", px(BannerPhone), px(BannerWide))
	if slices.Contains(components, "exit") {
		rule("exit", px(ExitBar), "")
	}
	if slices.Contains(components, "resources") && resources > 0 {
		rule("resources", screen(resources*ResourcePhone), screen((resources+1)/2*ResourceRowWide))
	}
	if slices.Contains(components, "feedback") {
		rule("feedback", px(FeedbackPhone), px(FeedbackWide))
	}
	fmt.Fprintf(&b, "@media (min-width: %dpx) {\n%s}\n", Breakpoint, wide.String())
	return b.String()
}

func px(n int) string { return fmt.Sprintf("%dpx", n) }

// screen is a height of at most one screen: a reservation taller than the screen holds nothing
// more that a visitor can see.
func screen(n int) string { return fmt.Sprintf("min(100vh, %dpx)", n) }
