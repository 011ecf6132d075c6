package widget

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"
)

// ruleRunner runs the widget's own entry() and accent(), cut from src/base.js, on the cases
// of ../snippets/testdata/rules.json, with D.emergency holding the cases' entries (every
// region entry has its emergency numbers in the bundle).
const ruleRunner = `
const fs = require("fs");
const cases = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const D = { emergency: {} };
cases.entries.forEach((e) => { D.emergency[e] = ["112"]; });
eval(fs.readFileSync(process.argv[2], "utf8"));
// The widget's located is "?" when nothing located the visitor (the edge's "").
console.log(JSON.stringify({ accent: cases.accent.map((c) => accent(c[0])), region: cases.region.map((c) => entry(c[0])),
  place: cases.place.map((c) => place(c[0] || "?", c[1])) }));`

// TestWidgetRules: the widget's accent (contrast on white) and region fallback give, on every
// case of ../snippets/testdata/rules.json, what the edge's snippets.Accent and
// Content.RegionEntry give (TestRules there): the two copies of each rule are one rule.
func TestWidgetRules(t *testing.T) {
	src, err := os.ReadFile("src/base.js")
	if err != nil {
		t.Fatal(err)
	}
	var fns []byte
	for _, re := range []string{`(?m)^function entry\(c\) \{.*\}$`, `(?m)^function place\(z, def\) \{.*\}$`, `(?ms)^function accent\(a\) \{.*?^\}$`} {
		m := regexp.MustCompile(re).Find(src)
		if m == nil {
			t.Fatalf("base.js has no %s", re)
		}
		fns = append(append(fns, m...), '\n')
	}
	dir := t.TempDir()
	f := dir + "/rules.js"
	if err := os.WriteFile(f, fns, 0o644); err != nil {
		t.Fatal(err)
	}
	out := runNode(t, ruleRunner, "../snippets/testdata/rules.json", f)
	var got struct{ Accent, Region, Place []string }
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	b, _ := os.ReadFile("../snippets/testdata/rules.json")
	var cases struct {
		Accent, Region [][2]string
		Place          [][3]string
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	if len(got.Accent) != len(cases.Accent) || len(got.Region) != len(cases.Region) || len(got.Place) != len(cases.Place) || len(cases.Accent) < 10 || len(cases.Place) < 10 {
		t.Fatalf("%d/%d accents, %d/%d regions, %d/%d places", len(got.Accent), len(cases.Accent), len(got.Region), len(cases.Region), len(got.Place), len(cases.Place))
	}
	for i, c := range cases.Place {
		if got.Place[i] != c[2] {
			t.Errorf("widget place(%q, %q) = %q, want %q", c[0], c[1], got.Place[i], c[2])
		}
	}
	for i, c := range cases.Accent {
		if got.Accent[i] != c[1] {
			t.Errorf("widget accent(%q) = %q, want %q", c[0], got.Accent[i], c[1])
		}
	}
	for i, c := range cases.Region {
		if got.Region[i] != c[1] {
			t.Errorf("widget entry(%q) = %q, want %q", c[0], got.Region[i], c[1])
		}
	}
}
