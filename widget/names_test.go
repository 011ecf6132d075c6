package widget

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestWidgetNamesUsed: the bundle joins every script of src/ (scripts), and every function and
// variable a script declares at its top level is used in one of them. The scripts share one
// scope in the bundle, so ESLint, which sees one file, checks only their locals for use
// (eslint.config.js); this is the check of the rest.
func TestWidgetNamesUsed(t *testing.T) {
	entries, err := os.ReadDir("src")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".js") {
			files = append(files, "src/"+e.Name())
		}
	}
	if want := slices.Sorted(slices.Values(scripts)); !slices.Equal(files, want) {
		t.Errorf("src/ holds the scripts %q, the bundle joins %q (scripts in bundle.go)", files, want)
	}
	comment := regexp.MustCompile(`/\*(?s:.*?)\*/|(?m:(?:^|[ \t])//[ \t][^\n]*)`)
	function := regexp.MustCompile(`(?m)^function (\w+)`)
	variables := regexp.MustCompile(`(?m)^(?:let|var) (.*)$`)
	var code strings.Builder
	declared := map[string]string{} // name: the script that declares it
	for _, f := range scripts {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		src := comment.ReplaceAllString(string(b), " ")
		code.WriteString(src + "\n")
		for _, m := range function.FindAllStringSubmatch(src, -1) {
			declared[m[1]] = f
		}
		for _, m := range variables.FindAllStringSubmatch(src, -1) {
			for _, name := range declaredNames(m[1]) {
				declared[name] = f
			}
		}
	}
	if len(declared) < 30 || declared["Widget"] == "" || declared["page"] == "" || declared["lastId"] == "" {
		t.Fatalf("found only %d top-level names: %v", len(declared), declared)
	}
	all := code.String()
	for name, f := range declared {
		uses := 0
		for _, at := range regexp.MustCompile(`\b`+name+`\b`).FindAllStringIndex(all, -1) {
			// Not a property (x.name) nor an object's key (name: x).
			if (at[0] == 0 || all[at[0]-1] != '.') && (at[1] == len(all) || all[at[1]] != ':') {
				uses++
			}
		}
		if uses < 2 {
			t.Errorf("%s declares %s, which no script of the widget uses", f, name)
		}
	}
}

// declaredNames is the names a let or var statement on one line declares ("a = f(x, y), b;":
// a and b): the identifier opening each of its declarators, which commas outside brackets and
// strings part.
func declaredNames(statement string) []string {
	ident := regexp.MustCompile(`^\s*([A-Za-z_$][\w$]*)`)
	var names []string
	depth, quote, start := 0, byte(0), 0
	for i := 0; i <= len(statement); i++ {
		var c byte = ','
		if i < len(statement) {
			c = statement[i]
		}
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case (c == ',' || c == ';') && depth == 0:
			if m := ident.FindStringSubmatch(statement[start:i]); m != nil {
				names = append(names, m[1])
			}
			start = i + 1
			if c == ';' {
				return names
			}
		}
	}
	return names
}
