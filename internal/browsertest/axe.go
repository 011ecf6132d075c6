package browsertest

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"testing"
)

// AxeTags are the rule sets every axe-core run of the project uses: WCAG 2.0, 2.1 and 2.2 at
// levels A and AA (2.2 brings target-size), and axe's best practices (landmarks, headings).
var AxeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"}

// AxeScript is the source of axe-core (node_modules/axe-core, the version package.json pins),
// to evaluate in a page before AxeRun: as source text, since a strict CSP blocks an injected
// <script> tag.
func AxeScript(t testing.TB) string {
	t.Helper()
	src, err := os.ReadFile(NodeModule(t, "axe-core/axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	return string(src) + ";true"
}

// AxeRun is a JS expression that runs axe over the document (frames too when frames is true)
// with AxeTags, and label-content-name-mismatch (Label in Name, WCAG 2.5.3) turned on, and
// yields the result as a JSON string for ParseAxe.
func AxeRun(frames bool) string {
	tags, _ := json.Marshal(AxeTags)
	return fmt.Sprintf(`axe.run(document, {resultTypes: ["violations"], iframes: %v,
  runOnly: {type: "tag", values: %s}, rules: {"label-content-name-mismatch": {enabled: true}, "target-size": {enabled: true}}
}).then((r) => JSON.stringify({
  violations: r.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" > ") + ": " + n.failureSummary)})),
  passes: r.passes.map((p) => p.id), inapplicable: r.inapplicable.map((p) => p.id)}))`, frames, tags)
}

// AxeRunRules is AxeRun restricted to the named rules (over the document, not frames): a
// second look at one page state for what those rules find, at a fraction of a full run's cost.
func AxeRunRules(rules ...string) string {
	ids, _ := json.Marshal(rules)
	on := map[string]map[string]bool{}
	for _, r := range rules {
		on[r] = map[string]bool{"enabled": true} // experimental ones too (label-content-name-mismatch)
	}
	enabled, _ := json.Marshal(on)
	return fmt.Sprintf(`axe.run(document, {resultTypes: ["violations"], iframes: false, runOnly: {type: "rule", values: %s}, rules: %s
}).then((r) => JSON.stringify({
  violations: r.violations.map((v) => ({id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(" > ") + ": " + n.failureSummary)})),
  passes: r.passes.map((p) => p.id), inapplicable: r.inapplicable.map((p) => p.id)}))`, ids, enabled)
}

// AxeResult is what AxeRun yields.
type AxeResult struct {
	Violations []struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Nodes  []string `json:"nodes"`
	} `json:"violations"`
	Passes       []string `json:"passes"`
	Inapplicable []string `json:"inapplicable"`
}

// Ran reports whether a rule ran: it passed, or found nothing it applies to.
func (r AxeResult) Ran(rule string) bool {
	return slices.Contains(r.Passes, rule) || slices.Contains(r.Inapplicable, rule)
}

// CheckAxe decodes AxeRun's result and fails the test on each violation, or when no rule ran.
func CheckAxe(t testing.TB, label, raw string) AxeResult {
	t.Helper()
	var res AxeResult
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("axe result %q: %v", raw, err)
	}
	for _, v := range res.Violations {
		t.Errorf("axe, %s: %s (%s): %v", label, v.ID, v.Impact, v.Nodes)
	}
	if len(res.Passes) == 0 {
		t.Errorf("axe, %s: no rule passed: did it run?", label)
	}
	t.Logf("axe-core, %s: %d violations, %d rules passed", label, len(res.Violations), len(res.Passes))
	return res
}
