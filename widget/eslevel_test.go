package widget

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/signpost/edge/internal/browsertest"
)

// ESLevel is the ECMAScript edition the bundle is written in: the newest that every browser of
// the support target (README: Safari and iOS 15.4, Firefox 115, Chrome and Edge 100) parses.
// jsVersion, the minifier's target, is the same.
const ESLevel = 2017

// acornCheck parses a file with acorn at an ECMAScript edition and prints the first error.
const acornCheck = `const acorn = require(process.argv[1]);
const src = require("fs").readFileSync(process.argv[2], "utf8");
try { acorn.parse(src, {ecmaVersion: Number(process.argv[3]), sourceType: "script"}); console.log("ok"); }
catch (e) { console.log("error: " + e.message + " near " + JSON.stringify(src.slice(Math.max(0, e.pos - 40), e.pos + 40))); }`

// parsesAt reports whether src parses as a script of the given ECMAScript edition, by acorn
// (an npm package `make test` installs) under Node.js.
func parsesAt(t *testing.T, src []byte, edition string) (bool, string) {
	t.Helper()
	acorn := browsertest.NodeModule(t, "acorn/dist/acorn.js")
	f := filepath.Join(t.TempDir(), "bundle.js")
	if err := os.WriteFile(f, src, 0o644); err != nil {
		t.Fatal(err)
	}
	msg := strings.TrimSpace(string(runNode(t, acornCheck, acorn, f, edition)))
	return msg == "ok", msg
}

// TestBundleECMAScriptLevel: the minified bundle, as the edge serves it, parses at the support
// target's ECMAScript edition; the check itself refuses newer syntax.
func TestBundleECMAScriptLevel(t *testing.T) {
	if jsVersion != ESLevel {
		t.Errorf("the minifier targets ES%d, the support target ES%d", jsVersion, ESLevel)
	}
	b := build(t, shippedData(t))
	if ok, msg := parsesAt(t, b.JS, "2017"); !ok {
		t.Errorf("the shipped bundle does not parse as ES2017: %s", msg)
	}
	// The check can fail: optional chaining is ES2020, object spread ES2018.
	for _, newer := range []string{`var a = {}; a?.b;`, `var a = {...{}};`} {
		if ok, _ := parsesAt(t, []byte(newer), "2017"); ok {
			t.Errorf("acorn at ES2017 accepted %q", newer)
		}
	}
}

// TestServedScriptsECMAScriptLevel: every other script the edge serves as written (the operator
// console's, the embed builder's) is at the widget's language level: it parses at ES2017, and
// ESLint (TestJSLint, eslint.config.js) reads it at ES2017 too.
func TestServedScriptsECMAScriptLevel(t *testing.T) {
	files, err := filepath.Glob("../server/console/pages/admin/*.js")
	if err != nil {
		t.Fatal(err)
	}
	more, err := filepath.Glob("../server/embedbuilder/pages/*.js")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, more...)
	if len(files) < 8 {
		t.Fatalf("found %d served scripts, want the console's seven and the embed builder's: %v", len(files), files)
	}
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if ok, msg := parsesAt(t, src, "2017"); !ok {
			t.Errorf("%s does not parse as ES%d: %s", f, ESLevel, msg)
		}
	}
}

// runNode runs script under Node.js with args (process.argv[1:]) and returns its output; it
// skips the test where Node.js is missing, but fails under CI (browsertest.Node).
func runNode(t *testing.T, script string, args ...string) []byte {
	t.Helper()
	node := browsertest.Node(t)
	out, err := exec.Command(node, append([]string{"-e", script}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v: %s", err, out)
	}
	return out
}
