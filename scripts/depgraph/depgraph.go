// Command depgraph prints the project's package dependency picture from the code's imports
// (`go list`): every package of the module by layer, the binary at the top and the packages
// that import nothing of the module at the bottom, each with the module's packages it imports.
// A package's layer is one more than the highest layer it imports, so every arrow points down.
// docs/architecture.md carries its output; TestPicture fails when the two differ.
//
//	go run ./scripts/depgraph
package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	g, err := List(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, "depgraph:", err)
		os.Exit(1)
	}
	fmt.Print(Picture(g))
}

// Graph is each package of the module (its path inside the module) and the module's packages
// it imports, tests left out.
type Graph map[string][]string

// List runs `go list` in dir, inside the module, and keeps the module's own imports.
func List(dir string) (Graph, error) {
	cmd := exec.Command("go", "list", "-f", "{{.Module.Path}} {{.ImportPath}} {{join .Imports \" \"}}", "./...")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go list: %v: %s", err, stderr.String())
	}
	g := Graph{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		mod, pkg := f[0], f[1]
		if strings.Contains(pkg, "/node_modules/") {
			continue // npm packages of the browser tests, some with Go in them: not ours
		}
		name := rel(mod, pkg)
		g[name] = nil
		for _, imp := range f[2:] {
			if imp == mod || strings.HasPrefix(imp, mod+"/") {
				g[name] = append(g[name], rel(mod, imp))
			}
		}
	}
	return g, nil
}

func rel(mod, pkg string) string {
	if pkg == mod {
		return "."
	}
	return strings.TrimPrefix(pkg, mod+"/")
}

// Layers gives each package its layer: 0 for one that imports nothing of the module, else one
// more than the highest of its imports. An import cycle cannot compile, so the recursion ends.
func Layers(g Graph) map[string]int {
	layer := map[string]int{}
	var of func(p string) int
	of = func(p string) int {
		if l, ok := layer[p]; ok {
			return l
		}
		l := 0
		for _, imp := range g[p] {
			l = max(l, of(imp)+1)
		}
		layer[p] = l
		return l
	}
	for p := range g {
		of(p)
	}
	return layer
}

// Picture is the text docs/architecture.md shows: one line a package, highest layer first.
func Picture(g Graph) string {
	layer := Layers(g)
	pkgs := make([]string, 0, len(g))
	for p := range g {
		pkgs = append(pkgs, p)
	}
	slices.SortFunc(pkgs, func(a, b string) int {
		if layer[a] != layer[b] {
			return layer[b] - layer[a]
		}
		return strings.Compare(a, b)
	})
	width := 0
	for _, p := range pkgs {
		width = max(width, len(p))
	}
	var b strings.Builder
	last := -1
	for _, p := range pkgs {
		if layer[p] != last {
			last = layer[p]
			fmt.Fprintf(&b, "layer %d\n", last)
		}
		imps := slices.Clone(g[p])
		slices.Sort(imps)
		if len(imps) == 0 {
			fmt.Fprintf(&b, "  %s\n", p)
			continue
		}
		fmt.Fprintf(&b, "  %-*s ──► %s\n", width, p, strings.Join(imps, ", "))
	}
	return b.String()
}

// root is the module's directory, two above this one.
func root() string { return filepath.Join("..", "..") }
