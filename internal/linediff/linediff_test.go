package linediff

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func split(s string) []string { return Lines([]byte(s)) }

// check diffs left and right, collapsed and not, and fails unless both rebuild right.
func check(t *testing.T, left, right []string) []Row {
	t.Helper()
	rows := Diff(left, right)
	for _, rs := range [][]Row{rows, Collapse(rows, 3), Collapse(rows, 0)} {
		got, err := Apply(left, rs)
		if err != nil {
			t.Fatalf("Apply: %v\nrows %+v", err, rs)
		}
		if !slices.Equal(got, right) && !(len(got) == 0 && len(right) == 0) {
			t.Fatalf("Apply gave %q, want %q", got, right)
		}
	}
	return rows
}

func ops(rows []Row) string {
	var b []string
	for _, r := range rows {
		b = append(b, string(r.Op))
	}
	return strings.Join(b, " ")
}

func TestDiffKnownChange(t *testing.T) {
	left := split("a\nb\nc\nd\ne\n")
	right := split("a\nB\nc\nd\nx\ne\n")
	rows := check(t, left, right)
	want := []Row{
		{Op: Same, Left: "a", Right: "a", LeftLine: 1, RightLine: 1},
		{Op: Change, Left: "b", Right: "B", LeftLine: 2, RightLine: 2},
		{Op: Same, Left: "c", Right: "c", LeftLine: 3, RightLine: 3},
		{Op: Same, Left: "d", Right: "d", LeftLine: 4, RightLine: 4},
		{Op: Add, Right: "x", RightLine: 5},
		{Op: Same, Left: "e", Right: "e", LeftLine: 5, RightLine: 6},
	}
	if !slices.Equal(rows, want) {
		t.Errorf("rows\n%+v\nwant\n%+v", rows, want)
	}
}

func TestDiffEdges(t *testing.T) {
	for _, tc := range []struct {
		name, left, right, ops string
	}{
		{"both empty", "", "", ""},
		{"left empty", "", "a\nb\n", "add add"},
		{"right empty", "a\nb\n", "", "del del"},
		{"equal", "a\nb\n", "a\nb\n", "same same"},
		{"all changed", "a\nb\nc\n", "x\ny\nz\n", "change change change"},
		{"more removed than added", "a\nb\nc\n", "x\n", "change del del"},
		{"insert at start", "b\nc\n", "a\nb\nc\n", "add same same"},
		{"insert at end", "a\nb\n", "a\nb\nc\n", "same same add"},
		{"delete at start", "a\nb\nc\n", "b\nc\n", "del same same"},
		{"delete at end", "a\nb\nc\n", "a\nb\n", "same same del"},
		{"move", "a\nb\nc\n", "c\na\nb\n", "add same same del"},
		{"repeated lines", "x\nx\nx\n", "x\nx\n", "same same del"},
		{"no final newline", "a\nb", "a\nb\n", "same same"},
		{"crlf", "a\r\nb\r\n", "a\nb\n", "same same"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ops(check(t, split(tc.left), split(tc.right))); got != tc.ops {
				t.Errorf("ops %q, want %q", got, tc.ops)
			}
		})
	}
}

// TestDiffIsMinimal: Myers' algorithm finds a shortest edit script: the unchanged rows are a
// longest common subsequence.
func TestDiffIsMinimal(t *testing.T) {
	for _, tc := range [][2]string{
		{"abcabba", "cbabac"},
		{"xaxbxcx", "abc"},
		{"abcdefghij", "ajihgfedcb"},
		{"aaaabbbb", "bbbbaaaa"},
	} {
		left, right := strings.Split(tc[0], ""), strings.Split(tc[1], "")
		same := strings.Count(ops(check(t, left, right)), "same")
		if want := lcs(left, right); same != want {
			t.Errorf("%q -> %q: %d unchanged lines, the longest common subsequence has %d", tc[0], tc[1], same, want)
		}
	}
}

func lcs(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestCollapse(t *testing.T) {
	var left []string
	for i := 1; i <= 20; i++ {
		left = append(left, fmt.Sprint("line ", i))
	}
	right := slices.Clone(left)
	right[9] = "changed"
	rows := Collapse(check(t, left, right), 2)
	// 7 hidden, 2 kept, the change, 2 kept, 8 hidden.
	if got := ops(rows); got != "skip same same change same same skip" {
		t.Fatalf("ops %q", got)
	}
	if rows[0].Count != 7 || rows[6].Count != 8 || rows[6].LeftLine != 13 || rows[3].LeftLine != 10 {
		t.Errorf("rows %+v", rows)
	}
	b, err := json.Marshal(rows[:4])
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"op":"skip","count":7},{"op":"same","left":"line 8","right":"line 8","left_line":8,"right_line":8},` +
		`{"op":"same","left":"line 9","right":"line 9","left_line":9,"right_line":9},` +
		`{"op":"change","left":"line 10","right":"changed","left_line":10,"right_line":10}]`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
	if got := ops(Collapse(Diff(left, left), 3)); got != "skip" {
		t.Errorf("no change: %q", got)
	}
	// A run that would hide a single line is kept whole.
	short := Collapse(Diff(split("a\nb\nc\nd\ne\nf\ng\n"), split("a\nb\nc\nX\ne\nf\ng\n")), 1)
	if got := ops(short); got != "skip same change same skip" {
		t.Errorf("short: %q", got)
	}
	short = Collapse(Diff(split("a\nb\nc\n"), split("X\nb\nc\n")), 1)
	if got := ops(short); got != "change same same" {
		t.Errorf("one line to hide: %q", got)
	}
}

// TestApplyRejectsWrongRows: Apply is a real check, not an echo.
func TestApplyRejectsWrongRows(t *testing.T) {
	left := split("a\nb\n")
	for name, rows := range map[string][]Row{
		"wrong text":        {{Op: Same, Left: "a", Right: "a", LeftLine: 1, RightLine: 1}, {Op: Same, Left: "x", Right: "x", LeftLine: 2, RightLine: 2}},
		"short":             {{Op: Same, Left: "a", Right: "a", LeftLine: 1, RightLine: 1}},
		"wrong line number": {{Op: Same, Left: "a", Right: "a", LeftLine: 1, RightLine: 1}, {Op: Del, Left: "b", LeftLine: 3}},
		"skip too far":      {{Op: Skip, Count: 3, LeftLine: 1, RightLine: 1}},
		"unknown op":        {{Op: "move", Left: "a", LeftLine: 1}},
	} {
		if _, err := Apply(left, rows); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestDiffLargeUnrelated: two unrelated large texts are compared within the work budget and
// still give a correct diff.
func TestDiffLargeUnrelated(t *testing.T) {
	var left, right []string
	for i := range 20000 {
		left = append(left, fmt.Sprint("l", i%97, " ", i%89))
		right = append(right, fmt.Sprint("l", i%89, " ", i%97))
	}
	check(t, left, right)
}

// FuzzDiff: applying the rows (collapsed or not) to the left text reproduces the right one.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc\n", "a\nc\nd\n")
	f.Add("", "x\n")
	f.Add("x\ny\n", "")
	f.Add("a\na\nb\na\n", "b\na\na\na\nb\n")
	f.Add("regions:\n  CA:\n    lines: [a, b]\n", "regions:\n  CA:\n    lines: [b, a]\n  US: {}\n")
	f.Fuzz(func(t *testing.T, l, r string) {
		check(t, split(l), split(r))
	})
}
