package snippets

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestProblemCatalogue: every format the validator writes a problem with (an errorf or warnf
// call in any file of the package) is in the catalogue, with a code of its own and a French with
// the same verbs in the same order.
func TestProblemCatalogue(t *testing.T) {
	fs := token.NewFileSet()
	formats := []string{originNoScheme, originShape, originInvalid, callFormat, telFormat, textFormat,
		unsafeCrime, unsafeOutcome, unsafeSensational, unsafeMethod}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fs, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		formats = append(formats, problemFormats(f)...)
	}
	if len(formats) < 50 {
		t.Fatalf("found %d formats in the validator: is the scan still right?", len(formats))
	}
	checkCatalogue(t, formats)
}

// problemFormats are the formats of a file's errorf and warnf calls.
func problemFormats(f *ast.File) []string {
	var formats []string
	ast.Inspect(f, func(n ast.Node) bool {
		c, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		sel, ok := c.Fun.(*ast.SelectorExpr)
		if !ok || (sel.Sel.Name != "errorf" && sel.Sel.Name != "warnf") || len(c.Args) < 2 {
			return true
		}
		if lit, ok := c.Args[1].(*ast.BasicLit); ok {
			s, _ := strconv.Unquote(lit.Value)
			formats = append(formats, s)
		}
		return true
	})
	return formats
}

func checkCatalogue(t *testing.T, formats []string) {
	t.Helper()
	tpls := ProblemTemplates()
	for _, format := range formats {
		code, ok := problemCode[format]
		if !ok {
			t.Errorf("the validator writes %q, which the catalogue lacks", format)
			continue
		}
		// The French's places are the English's: words.TestCatalogue.
		if tpl := tpls[code]; tpl[English] != template(format) || tpl[French] == "" {
			t.Errorf("%q: problem.%s is %q / %q in words/en.json and fr.json, want the English %q", format, code, tpl[English], tpl[French], template(format))
		}
	}
	codes := map[string]string{}
	for en, code := range problemCode {
		if other, dup := codes[code]; dup {
			t.Errorf("code %s names both %q and %q", code, en, other)
		}
		codes[code] = en
	}
}

// template turns a format into the console's template: each verb becomes {0}, {1}, ...
func template(format string) string {
	var b strings.Builder
	n := 0
	for i := 0; i < len(format); i++ {
		if format[i] == '%' && i+1 < len(format) {
			i++
			if format[i] == '%' {
				b.WriteByte('%')
				continue
			}
			b.WriteString("{" + strconv.Itoa(n) + "}")
			n++
			continue
		}
		b.WriteByte(format[i])
	}
	return b.String()
}

// TestProblemsCarryCodeAndArgs: a real validation error carries its code and its arguments as
// the English has them, and the templates rebuild both languages from them.
func TestProblemsCarryCodeAndArgs(t *testing.T) {
	p := problem("partners.acme.featured[2]", "unknown resource %q", "x")
	if p.Code != "unknown_resource" || !slices.Equal(p.Args, []string{`"x"`}) || p.Message != `unknown resource "x"` {
		t.Fatalf("problem %+v", p)
	}
	tpl := ProblemTemplates()["unknown_resource"]
	if tpl[English] != "unknown resource {0}" || tpl[French] != "ressource inconnue\u00a0: {0}" {
		t.Errorf("templates %v", tpl)
	}
	lapsed := problem("lines.x.verified_on", "last checked %s, more than %d months ago: re-check the line against its source (or take it out) before publishing", "2024-01-01", 24)
	if lapsed.Code != "line_lapsed" || !slices.Equal(lapsed.Args, []string{"2024-01-01", "24"}) {
		t.Errorf("lapsed %+v", lapsed)
	}
}
