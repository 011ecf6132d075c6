package answer

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/snippets"
)

var placeholder = regexp.MustCompile(`\{\d+\}`)

// Placeholders lists the {n} of a template, sorted: the same set in both languages.
func placeholders(s string) []string {
	p := placeholder.FindAllString(s, -1)
	slices.Sort(p)
	return slices.Compact(p)
}

// TestMessages: every message of the catalogue has an English and a French, with the same
// placeholders; every id the edge's code names (New, BadParam) is in the catalogue, and no
// Error is made with its message written in place.
func TestMessages(t *testing.T) {
	for id, m := range Messages {
		if strings.TrimSpace(m.EN) == "" || strings.TrimSpace(m.FR) == "" {
			t.Errorf("%s: want both languages, got %q / %q", id, m.EN, m.FR)
		}
		if m.EN == m.FR {
			t.Errorf("%s: the French is the English", id)
		}
		if en, fr := placeholders(m.EN), placeholders(m.FR); !slices.Equal(en, fr) {
			t.Errorf("%s: placeholders %v in English, %v in French", id, en, fr)
		}
	}
	used := usedIDs(t, "../..")
	if len(used) < 40 {
		t.Fatalf("found only %d message ids in the code: %v", len(used), used)
	}
	for id, where := range used {
		if _, ok := Messages[id]; !ok {
			t.Errorf("%s: message id %q is not in the catalogue", where, id)
		}
	}
}

// usedIDs finds the literal message ids of every call to New and fault.E (the id is their 4th argument),
// BadParam and snippets.ParamErr (their 2nd), intake's beaconError and feedback's fieldErr (their
// 3rd) in the module's Go files outside tests. An id made at run time
// ("invalid_parameter.span_"+period) is found by its literal prefix: each id of the
// catalogue with that prefix counts as used.
func usedIDs(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.CompositeLit); ok && isErrorType(f, lit.Type) {
				for _, el := range lit.Elts {
					// A domain error's message passed on (pe.Message) is the domain's to write.
					if kv, ok := el.(*ast.KeyValueExpr); ok && fmt.Sprint(kv.Key) == "Message" && !isSelector(kv.Value) {
						t.Errorf("%s: an Error with its message written in place: use New and the catalogue", fset.Position(lit.Pos()))
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			name := ""
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				if f.Name.Name == "answer" || wrappers[fn.Name] {
					name = fn.Name
				}
			case *ast.SelectorExpr:
				if x, ok := fn.X.(*ast.Ident); ok && x.Name == "answer" {
					name = fn.Sel.Name
				} else if ok && x.Name == "fault" && fn.Sel.Name == "E" {
					name = "fault.E" // a domain error: its id is its 4th argument too
				} else if ok && x.Name == "snippets" && fn.Sel.Name == "ParamErr" {
					name = "ParamErr"
				}
			}
			// The id's place: New and fault.E, and their wrappers (server/intake's beaconError,
			// feedback's fieldErr, snippets.ParamErr).
			at := map[string]int{"New": 3, "BadParam": 1, "fault.E": 3, "beaconError": 2, "fieldErr": 2, "ParamErr": 1}[name]
			if at == 0 || len(call.Args) <= at {
				return true
			}
			where := fset.Position(call.Pos()).String()
			switch a := call.Args[at].(type) {
			case *ast.BasicLit:
				id, _ := strconv.Unquote(a.Value)
				out[id] = where
			case *ast.BinaryExpr:
				if lit, ok := a.X.(*ast.BasicLit); ok {
					prefix, _ := strconv.Unquote(lit.Value)
					n := 0
					for id := range Messages {
						if strings.HasPrefix(id, prefix) {
							out[id] = where
							n++
						}
					}
					if n == 0 {
						out[prefix+"…"] = where
					}
				}
			case *ast.Ident:
				if a.Name != "id" {
					t.Errorf("%s: message id is not a literal", where)
				} // else a wrapper's parameter, passed on: the wrapper's calls are checked
			default:
				t.Errorf("%s: message id is not a literal", where)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// wrappers are the functions outside answer that make an error of a message id.
var wrappers = map[string]bool{"beaconError": true, "fieldErr": true, "ParamErr": true}

func isSelector(x ast.Expr) bool { _, ok := x.(*ast.SelectorExpr); return ok }

// isErrorType reports whether x names this package's Error (answer.Error, or Error inside answer).
func isErrorType(f *ast.File, x ast.Expr) bool {
	switch x := x.(type) {
	case *ast.Ident:
		return f.Name.Name == "answer" && x.Name == "Error"
	case *ast.SelectorExpr:
		id, ok := x.X.(*ast.Ident)
		return ok && id.Name == "answer" && x.Sel.Name == "Error"
	}
	return false
}

// TestRender: arguments in their places, a place without one left as it is.
func TestRender(t *testing.T) {
	for _, c := range []struct {
		tpl  string
		args []string
		want string
	}{
		{"no {0}", nil, "no {0}"},
		{"{1} and {0}", []string{"a", "b"}, "b and a"},
		{"{x} {0}", []string{"a"}, "{x} a"},
		{`want {"v": N} {0}`, []string{"a"}, `want {"v": N} a`},
		{"open {", []string{"a"}, "open {"},
	} {
		if got := Render(c.tpl, c.args); got != c.want {
			t.Errorf("Render(%q, %q) = %q, want %q", c.tpl, c.args, got, c.want)
		}
	}
}

// TestClassifyMessages: the domain's errors keep their English and get an id of the catalogue
// with their arguments.
func TestClassifyMessages(t *testing.T) {
	for _, err := range []error{
		&snippets.NoSuchError{Kind: "partner", ID: "nope"}, &snippets.NoSuchError{Kind: "resource", ID: "x"},
		&snippets.NoSuchError{Kind: "notice", ID: "x"}, &snippets.NoSuchError{Kind: "region", ID: "CA-XX"},
		&snippets.AliasedError{At: "partners.demo"}, &snippets.InvalidError{Problems: []snippets.Problem{{Path: "a"}, {Path: "b"}}},
		fmt.Errorf("%w: 7", contentstore.ErrNotFound), contentstore.ErrNotFound,
		fmt.Errorf("%w (current is 5, not 4)", contentstore.ErrConflict), contentstore.ErrUnavailable,
	} {
		e := Classify(err)
		if _, ok := Messages[e.ID]; !ok {
			t.Errorf("%v: id %q is not in the catalogue", err, e.ID)
		}
		if got := Render(Messages[e.ID].EN, e.Args); got != e.Message {
			t.Errorf("%v: message %q is not its catalogue's %q", err, e.Message, got)
		}
		var ie *snippets.InvalidError
		if !errors.As(err, &ie) && !errors.Is(err, contentstore.ErrUnavailable) && e.Message != err.Error() {
			t.Errorf("%v: message %q changed", err, e.Message)
		}
	}
}

func TestFaultKinds(t *testing.T) {
	for _, k := range fault.Kinds() {
		e := Classify(fault.E(k, "c", "f", "not_found"))
		if e == nil || e.Status == 0 || e.Code != "c" || e.Field != "f" || e.Message != Messages["not_found"].EN {
			t.Errorf("%v: %+v", k, e)
		}
	}
	if Classify(fault.E(fault.Other, "c", "", "x")) != nil {
		t.Error("a fault of no kind is not internal")
	}
}
