package nojs

import (
	_ "embed"
	"fmt"
	"regexp"
	"strings"

	"github.com/signpost/edge/widget"
)

// extraCSS is what the light-DOM pages need beyond the widget's stylesheet: the disclosure as
// a <details>, the quick-exit link, the frame page's body, the form's errors.
//
//go:embed pages/nojs.css
var extraCSS string

// Stylesheet is /v1/banner.css: the widget's own stylesheet (src/widget.css) made to work in a
// partner's page instead of a shadow root, then the fragment's and frame page's own rules.
// Every selector is scoped under .signpost and every class takes the signpost- prefix, so the
// sheet styles nothing of the partner's; every declaration is !important and an element reset
// comes first, so an ordinary partner rule (`a { color: red }`, `#main p { margin: 2em }`)
// does not reach inside.
func Stylesheet() (string, error) {
	body, err := scopeCSS(widget.Stylesheet(), true)
	if err != nil {
		return "", err
	}
	extra, err := scopeCSS(extraCSS, false)
	if err != nil {
		return "", err
	}
	return "/* Signpost banner fragment and frame page: derived from the widget's stylesheet. */\n" +
		".signpost, .signpost :not(svg, svg *) { all: revert !important; }\n" + body + extra, nil
}

var (
	cssComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	cssClass   = regexp.MustCompile(`\.([a-zA-Z][\w-]*)`)
	hostArg    = regexp.MustCompile(`^:host\((.*)\)$`)
)

// scopeCSS rewrites a shadow-root stylesheet for the light DOM under .signpost (with scope;
// without, the selectors are already written so) and marks every declaration !important.
func scopeCSS(src string, scope bool) (string, error) {
	src = cssComment.ReplaceAllString(src, "")
	var b strings.Builder
	if err := scopeRules(&b, src, "", scope); err != nil {
		return "", err
	}
	return b.String(), nil
}

func scopeRules(b *strings.Builder, src, indent string, scope bool) error {
	for {
		src = strings.TrimSpace(src)
		if src == "" {
			return nil
		}
		open := strings.IndexByte(src, '{')
		if open < 0 {
			return fmt.Errorf("css: %q has no block", truncate(src))
		}
		prelude := strings.TrimSpace(src[:open])
		end, err := blockEnd(src, open)
		if err != nil {
			return err
		}
		inner := src[open+1 : end]
		src = src[end+1:]
		if strings.HasPrefix(prelude, "@media") {
			fmt.Fprintf(b, "%s%s {\n", indent, prelude)
			if err := scopeRules(b, inner, indent+"  ", scope); err != nil {
				return err
			}
			fmt.Fprintf(b, "%s}\n", indent)
			continue
		}
		if strings.HasPrefix(prelude, "@") {
			return fmt.Errorf("css: at-rule %q is not handled", truncate(prelude))
		}
		sels := strings.Split(prelude, ",")
		for i, s := range sels {
			if sels[i] = strings.TrimSpace(s); scope {
				sels[i] = scopeSelector(sels[i])
			}
		}
		fmt.Fprintf(b, "%s%s { %s }\n", indent, strings.Join(sels, ", "), important(inner))
	}
}

// blockEnd is the index of the brace closing the block opened at open.
func blockEnd(src string, open int) (int, error) {
	depth := 0
	for i := open; i < len(src); i++ {
		switch src[i] {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return i, nil
			}
		}
	}
	return 0, fmt.Errorf("css: unclosed block after %q", truncate(src[:open]))
}

func scopeSelector(s string) string {
	switch {
	case s == ":host":
		return ".signpost"
	case hostArg.MatchString(s):
		return ".signpost" + hostArg.FindStringSubmatch(s)[1]
	}
	return ".signpost " + cssClass.ReplaceAllString(s, ".signpost-$1")
}

// important marks every declaration of a block !important.
func important(block string) string {
	var out []string
	for _, d := range strings.Split(block, ";") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		if !strings.HasSuffix(strings.ReplaceAll(d, " ", ""), "!important") {
			d += " !important"
		}
		out = append(out, d+";")
	}
	return strings.Join(out, " ")
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
