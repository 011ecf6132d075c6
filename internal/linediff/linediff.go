// Package linediff compares two texts line by line for people reading them side by side: which
// lines stayed, which went, which came, and which were rewritten in place. The operator console
// shows it before a change is published and when a change collides with someone else's.
//
// The algorithm is Myers' O(ND) difference with its linear-space refinement (the middle snake),
// so a small edit of a large document costs little. Its worst case (two unrelated documents) is
// bounded: past a budget of work a region is reported as replaced whole, which is still a
// correct diff, only a less minimal one.
package linediff

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Op is what happened to a line.
type Op string

// The operations of a row.
const (
	// Same: the line is in both texts.
	Same Op = "same"
	// Del: the left line is gone.
	Del Op = "del"
	// Add: the right line is new.
	Add Op = "add"
	// Change: the left line was replaced by the right one (a removed line paired with an added
	// line, so that a rewritten value reads across one row).
	Change Op = "change"
	// Skip: Count unchanged lines left out (Collapse).
	Skip Op = "skip"
)

// Row is one line of a side-by-side diff. Line numbers count from 1; 0 means the side has no
// line in this row.
type Row struct {
	Op        Op
	Left      string
	Right     string
	LeftLine  int
	RightLine int
	// Count is the number of unchanged lines a Skip row stands for; its LeftLine and RightLine
	// are those of the first of them.
	Count int
}

// MarshalJSON writes {"op","left","right","left_line","right_line"}, or {"op":"skip","count"}
// for a skip row: the shape of the admin API's diff.
func (r Row) MarshalJSON() ([]byte, error) {
	if r.Op == Skip {
		return []byte(`{"op":"skip","count":` + strconv.Itoa(r.Count) + `}`), nil
	}
	return json.Marshal(struct {
		Op        Op     `json:"op"`
		Left      string `json:"left"`
		Right     string `json:"right"`
		LeftLine  int    `json:"left_line"`
		RightLine int    `json:"right_line"`
	}{r.Op, r.Left, r.Right, r.LeftLine, r.RightLine})
}

// Lines splits text into lines: a final newline ends the last line rather than starting an
// empty one, and a carriage return before a newline is dropped.
func Lines(text []byte) []string {
	if len(text) == 0 {
		return nil
	}
	s := strings.TrimSuffix(string(text), "\n")
	out := strings.Split(s, "\n")
	for i, l := range out {
		out[i] = strings.TrimSuffix(l, "\r")
	}
	return out
}

// Diff compares left with right. Every left line appears in order in a same, del or change row,
// every right line in a same, add or change row; Apply(left, Diff(left, right)) is right.
func Diff(left, right []string) []Row {
	d := newDiffer(left, right)
	d.compare(0, len(d.a), 0, len(d.b))
	return d.rows(left, right)
}

// differ holds the texts as line numbers (equal lines, equal numbers) and what the comparison
// found: del[i] says left line i is not kept, ins[j] that right line j is new.
type differ struct {
	a, b     []int
	del, ins []bool
	// budget bounds the diagonals one middle-snake search may explore.
	budget int
}

// workLimit is about how many steps one middle-snake search may take (lines x diagonals): tens
// of milliseconds, whatever is compared.
const workLimit = 50_000_000

func newDiffer(left, right []string) *differ {
	ids := make(map[string]int, len(left)+len(right))
	intern := func(lines []string) []int {
		out := make([]int, len(lines))
		for i, l := range lines {
			id, ok := ids[l]
			if !ok {
				id = len(ids)
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	d := &differ{a: intern(left), b: intern(right), del: make([]bool, len(left)), ins: make([]bool, len(right))}
	d.budget = max(64, workLimit/max(1, len(left)+len(right)))
	return d
}

// compare finds the differences between a[aLo:aHi] and b[bLo:bHi].
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo, bLo = aLo+1, bLo+1
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi, bHi = aHi-1, bHi-1
	}
	if aLo < aHi && bLo < bHi {
		if x, y, ok := d.middle(aLo, aHi, bLo, bHi); ok {
			d.compare(aLo, x, bLo, y)
			d.compare(x, aHi, y, bHi)
			return
		}
	}
	for i := aLo; i < aHi; i++ {
		d.del[i] = true
	}
	for j := bLo; j < bHi; j++ {
		d.ins[j] = true
	}
}

// middle finds a point (x, y) on a shortest edit path from (aLo, bLo) to (aHi, bHi), searching
// forward from the start and backward from the end until the two searches meet (Myers 1986,
// section 4b). ok is false when the budget runs out first (or when nothing is shared): the
// caller then takes the region as replaced whole.
func (d *differ) middle(aLo, aHi, bLo, bHi int) (x, y int, ok bool) {
	a, b := d.a[aLo:aHi], d.b[bLo:bHi]
	n, m := len(a), len(b)
	maxD := (n + m + 1) / 2
	off := maxD
	vf := make([]int, 2*maxD+2) // furthest x reached on each diagonal k = x - y, forward
	vb := make([]int, 2*maxD+2) // furthest x reached on each diagonal, backward (from the end)
	for i := range vf {
		vf[i], vb[i] = -1, -1
	}
	vf[off+1], vb[off+1] = 0, 0
	delta := n - m
	odd := delta%2 != 0
	// Diagonals that ran off the grid are not searched again.
	fStart, fEnd, bStart, bEnd := 0, 0, 0, 0
	for dd := 0; dd < maxD && dd <= d.budget; dd++ {
		for k := -dd + fStart; k <= dd-fEnd; k += 2 {
			i := off + k
			var x1 int
			if k == -dd || (k != dd && vf[i-1] < vf[i+1]) {
				x1 = vf[i+1]
			} else {
				x1 = vf[i-1] + 1
			}
			y1 := x1 - k
			for x1 < n && y1 < m && a[x1] == b[y1] {
				x1, y1 = x1+1, y1+1
			}
			vf[i] = x1
			switch {
			case x1 > n:
				fEnd += 2
			case y1 > m:
				fStart += 2
			case odd:
				if j := off + delta - k; j >= 0 && j < len(vb) && vb[j] != -1 && x1 >= n-vb[j] {
					return aLo + x1, bLo + y1, true
				}
			}
		}
		for k := -dd + bStart; k <= dd-bEnd; k += 2 {
			i := off + k
			var x2 int
			if k == -dd || (k != dd && vb[i-1] < vb[i+1]) {
				x2 = vb[i+1]
			} else {
				x2 = vb[i-1] + 1
			}
			y2 := x2 - k
			for x2 < n && y2 < m && a[n-x2-1] == b[m-y2-1] {
				x2, y2 = x2+1, y2+1
			}
			vb[i] = x2
			switch {
			case x2 > n:
				bEnd += 2
			case y2 > m:
				bStart += 2
			case !odd:
				if j := off + delta - k; j >= 0 && j < len(vf) && vf[j] != -1 {
					x1 := vf[j]
					y1 := off + x1 - j
					if x1 >= n-x2 {
						return aLo + x1, bLo + y1, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// rows walks both texts in step: removed left lines, then added right lines, between the lines
// they share. A run of removals followed by a run of additions pairs up as change rows.
func (d *differ) rows(left, right []string) []Row {
	var out []Row
	i, j := 0, 0
	for i < len(left) || j < len(right) {
		di, dj := i, j
		for i < len(left) && d.del[i] {
			i++
		}
		for j < len(right) && d.ins[j] {
			j++
		}
		for k := 0; k < max(i-di, j-dj); k++ {
			r := Row{Op: Change}
			if di+k < i {
				r.Left, r.LeftLine = left[di+k], di+k+1
			} else {
				r.Op = Add
			}
			if dj+k < j {
				r.Right, r.RightLine = right[dj+k], dj+k+1
			} else {
				r.Op = Del
			}
			out = append(out, r)
		}
		if i < len(left) && j < len(right) {
			out = append(out, Row{Op: Same, Left: left[i], Right: right[j], LeftLine: i + 1, RightLine: j + 1})
			i, j = i+1, j+1
		}
	}
	return out
}

// Collapse replaces runs of unchanged rows by skip rows, keeping context rows next to each
// change (as a unified diff does). Texts with no change become one skip row.
func Collapse(rows []Row, context int) []Row {
	context = max(context, 0)
	var out []Row
	for s := 0; s < len(rows); {
		if rows[s].Op != Same {
			out = append(out, rows[s])
			s++
			continue
		}
		e := s
		for e < len(rows) && rows[e].Op == Same {
			e++
		}
		head, tail := context, context
		if s == 0 {
			head = 0
		}
		if e == len(rows) {
			tail = 0
		}
		// Hiding a single line saves nothing: the skip row takes its place.
		if hidden := e - s - head - tail; hidden > 1 {
			out = append(out, rows[s:s+head]...)
			first := rows[s+head]
			out = append(out, Row{Op: Skip, Count: hidden, LeftLine: first.LeftLine, RightLine: first.RightLine})
			out = append(out, rows[e-tail:e]...)
		} else {
			out = append(out, rows[s:e]...)
		}
		s = e
	}
	return out
}

// Apply rebuilds the right text from the left one and rows (collapsed or not), checking that
// every row agrees with the left text and carries the line numbers it should. It is how tests,
// and anyone doubting a diff, confirm that it says exactly what changed.
func Apply(left []string, rows []Row) ([]string, error) {
	var out []string
	i := 0
	for n, r := range rows {
		takesLeft := r.Op == Same || r.Op == Del || r.Op == Change
		givesRight := r.Op == Same || r.Op == Add || r.Op == Change
		switch {
		case r.Op == Skip:
			if r.Count <= 0 || i+r.Count > len(left) || r.LeftLine != i+1 || r.RightLine != len(out)+1 {
				return nil, fmt.Errorf("row %d: skip of %d at left line %d, right line %d does not fit", n, r.Count, r.LeftLine, r.RightLine)
			}
			out = append(out, left[i:i+r.Count]...)
			i += r.Count
			continue
		case !takesLeft && !givesRight:
			return nil, fmt.Errorf("row %d: unknown op %q", n, r.Op)
		}
		if takesLeft {
			if i >= len(left) || left[i] != r.Left || r.LeftLine != i+1 {
				return nil, fmt.Errorf("row %d (%s): left line %d %q does not match the text", n, r.Op, r.LeftLine, r.Left)
			}
			i++
		} else if r.LeftLine != 0 || r.Left != "" {
			return nil, fmt.Errorf("row %d (%s): a left line where there is none", n, r.Op)
		}
		if givesRight {
			if r.RightLine != len(out)+1 {
				return nil, fmt.Errorf("row %d (%s): right line %d, want %d", n, r.Op, r.RightLine, len(out)+1)
			}
			if r.Op == Same && r.Right != r.Left {
				return nil, fmt.Errorf("row %d: same row with different sides", n)
			}
			out = append(out, r.Right)
		} else if r.RightLine != 0 || r.Right != "" {
			return nil, fmt.Errorf("row %d (%s): a right line where there is none", n, r.Op)
		}
	}
	if i != len(left) {
		return nil, fmt.Errorf("rows cover %d of %d left lines", i, len(left))
	}
	return out, nil
}
