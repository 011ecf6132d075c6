package widget

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/signpost/edge/internal/browsertest"
)

// TestJSLint runs the TypeScript checker in JavaScript mode over the widget's source
// (tsconfig.json: checkJs, strict, noEmit; the types are its JSDoc) and ESLint (eslint.config.js
// at the repository root) over every JavaScript file the edge serves, at the widget's language
// level (ES2017, ESLevel): the widget's source, the console's and the embed builder's pages.
// It is part of `make test`; without Node.js or the npm packages it skips, and under CI=true it
// fails.
func TestJSLint(t *testing.T) {
	bin := browsertest.NodeModule(t, "eslint/bin/eslint.js")
	modules := filepath.Dir(filepath.Dir(filepath.Dir(bin))) // <root>/node_modules/eslint/bin/eslint.js
	node := browsertest.Node(t)
	tsc := filepath.Join(modules, "typescript", "bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node_modules/typescript missing: run `make test` (it runs npm ci)")
		}
		t.Skip("node_modules/typescript missing: run `make test`, which installs it (this fails under CI=true)")
	}
	for _, args := range [][]string{{tsc, "-p", "tsconfig.json", "--noEmit"}, {bin, "."}} {
		cmd := exec.Command(node, args...)
		cmd.Dir = filepath.Dir(modules)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("%s: %v\n%s", filepath.Base(args[0]), err, out)
		}
	}
}
