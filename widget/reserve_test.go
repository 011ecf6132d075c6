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
	all := ReserveCSS([]string{"banner", "exit"})
	for _, want := range []string{`[data-signpost="banner"] { display: block; min-height: 144px; }`, `[data-signpost="exit"] { display: block; min-height: 52px; }`, "@media (min-width: 640px)"} {
		if !strings.Contains(all, want) {
			t.Errorf("ReserveCSS lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(ReserveCSS([]string{"banner"}), `"exit"`) {
		t.Error("ReserveCSS reserves the quick-exit bar when it is not chosen")
	}
}
