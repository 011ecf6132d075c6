package widget

import (
	"fmt"
	"strings"
	"testing"
)

// TestReserveMatchesStylesheet: the heights partners reserve are the ones widget.css draws.
// (The browser tests measure the drawn heights themselves.)
func TestReserveMatchesStylesheet(t *testing.T) {
	src, err := sources.ReadFile("src/widget.css")
	if err != nil {
		t.Fatal(err)
	}
	css := string(src)
	for _, want := range []string{
		fmt.Sprintf(".banner { box-sizing: border-box; min-height: %dpx; }", BannerPhone),
		fmt.Sprintf("@media (min-width: %dpx) {\n  .banner { min-height: %dpx; }", Breakpoint, BannerWide),
		fmt.Sprintf("height: %dpx;", ExitBar),
	} {
		if !strings.Contains(css, want) {
			t.Errorf("widget.css lacks %q: ReserveCSS and the stylesheet disagree", want)
		}
	}
	all := ReserveCSS([]string{"banner", "exit"}, 3)
	for _, want := range []string{`[data-signpost="banner"] { display: block; min-height: 144px; }`, `[data-signpost="exit"] { display: block; min-height: 52px; }`, "@media (min-width: 640px)"} {
		if !strings.Contains(all, want) {
			t.Errorf("ReserveCSS lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(ReserveCSS([]string{"banner"}, 0), `"exit"`) {
		t.Error("ReserveCSS reserves the quick-exit bar when it is not chosen")
	}
	if strings.Contains(all, `"resources"`) || strings.Contains(all, `"feedback"`) {
		t.Errorf("ReserveCSS reserves components not chosen:\n%s", all)
	}
}

// TestReserveLateComponents: resources and feedback, which come with the snippet, are reserved
// per breakpoint, the resources for how many are featured and never more than a screen; nothing
// is reserved for resources when none is featured (the widget then draws none).
func TestReserveLateComponents(t *testing.T) {
	css := ReserveCSS([]string{"banner", "resources", "feedback", "exit"}, 3)
	want := `/* Signpost: keep the widget's space, so that your page does not move when it loads. */
[data-signpost="banner"] { display: block; min-height: 144px; }
[data-signpost="exit"] { display: block; min-height: 52px; }
[data-signpost="resources"] { display: block; min-height: min(100vh, 732px); }
[data-signpost="feedback"] { display: block; min-height: 562px; }
@media (min-width: 640px) {
  [data-signpost="banner"] { min-height: 92px; }
  [data-signpost="resources"] { min-height: min(100vh, 528px); }
  [data-signpost="feedback"] { min-height: 423px; }
}
`
	if css != want {
		t.Errorf("ReserveCSS:\n%s\nwant\n%s", css, want)
	}
	if none := ReserveCSS([]string{"banner", "resources"}, 0); strings.Contains(none, `"resources"`) {
		t.Errorf("resources reserved with none featured:\n%s", none)
	}
}
