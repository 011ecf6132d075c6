package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	begin = "<!-- depgraph: begin (go run ./scripts/depgraph; TestPicture checks it) -->"
	end   = "<!-- depgraph: end -->"
)

// TestPicture: docs/architecture.md's dependency picture is what the code imports today.
func TestPicture(t *testing.T) {
	g, err := List(root())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(root(), "docs", "architecture.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("docs/architecture.md has no block between %q and %q", begin, end)
	}
	block := strings.TrimSpace(s[i+len(begin) : j])
	block = strings.TrimSuffix(strings.TrimPrefix(block, "```"), "```")
	if got, want := strings.TrimSpace(block), strings.TrimSpace(Picture(g)); got != want {
		t.Errorf("docs/architecture.md's dependency picture is out of date: run `go run ./scripts/depgraph` and paste its output between the markers.\nthe code's:\n%s", want)
	}
}

// TestDirection: the rules the picture is drawn to show. Only the binary imports the wiring
// (server), and the edge test harness (server/edgetest), which builds an edge for tests as the
// binary does; no job package or shared HTTP piece imports the wiring; nothing outside server/
// (the domain, internal/, widget, configs) imports any package under server/; only tests (left
// out of the graph) import the harness.
func TestDirection(t *testing.T) {
	g, err := List(root())
	if err != nil {
		t.Fatal(err)
	}
	for p, imps := range g {
		for _, imp := range imps {
			switch {
			case imp == "server" && p != "cmd/edge" && p != "server/edgetest":
				t.Errorf("%s imports server: only cmd/edge wires the edge", p)
			case imp == "server/edgetest":
				t.Errorf("%s imports server/edgetest: only tests use the edge test harness", p)
			case strings.HasPrefix(imp, "server/") && !strings.HasPrefix(p, "server") && p != "cmd/edge":
				t.Errorf("%s imports %s: the domain and internal packages know no HTTP job", p, imp)
			case strings.HasPrefix(p, "internal/") && !strings.HasPrefix(imp, "internal/"):
				t.Errorf("%s imports %s: internal packages are the bottom layer", p, imp)
			}
		}
	}
}

// TestLayers: a package's layer is above everything it imports, on a graph made up here.
func TestLayers(t *testing.T) {
	g := Graph{"a": {"b", "c"}, "b": {"c"}, "c": nil, "d": nil}
	l := Layers(g)
	if l["c"] != 0 || l["d"] != 0 || l["b"] != 1 || l["a"] != 2 {
		t.Fatalf("layers %v", l)
	}
	pic := Picture(g)
	if !strings.HasPrefix(pic, "layer 2\n  a ──► b, c\n") || !strings.Contains(pic, "layer 0\n  c\n  d\n") {
		t.Fatalf("picture:\n%s", pic)
	}
}
