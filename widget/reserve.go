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

// ReserveCSS is the rule a partner adds to its own stylesheet (it needs no 'unsafe-inline') for
// the placeholders of the components chosen: min-height only, so that an emergency notice or
// an opened list of lines can still grow the banner.
func ReserveCSS(components []string) string {
	var b strings.Builder
	b.WriteString(reserveIntro + "\n")
	fmt.Fprintf(&b, "[data-signpost=\"banner\"] { display: block; min-height: %dpx; }\n", BannerPhone)
	if slices.Contains(components, "exit") {
		fmt.Fprintf(&b, "[data-signpost=\"exit\"] { display: block; min-height: %dpx; }\n", ExitBar)
	}
	fmt.Fprintf(&b, "@media (min-width: %dpx) {\n  [data-signpost=\"banner\"] { min-height: %dpx; }\n}\n", Breakpoint, BannerWide)
	return b.String()
}
