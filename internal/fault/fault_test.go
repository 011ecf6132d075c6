package fault

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestKindOfAndAs(t *testing.T) {
	base := errors.New("disk")
	e := E(NotFound, "not_found", "", "not_found.feedback", 7).Wrap(base)
	wrapped := fmt.Errorf("loading: %w", e)
	if KindOf(wrapped) != NotFound {
		t.Fatalf("KindOf = %v", KindOf(wrapped))
	}
	if got := As(wrapped); got != e || got.Args[0] != "7" {
		t.Fatalf("As = %#v", got)
	}
	if !errors.Is(wrapped, base) {
		t.Fatal("the wrapped error is lost")
	}
	if KindOf(base) != Other || As(base) != nil {
		t.Fatal("a plain error has a kind")
	}
	if NotFound.String() != "not_found" || Kind(99).String() != "kind(99)" {
		t.Fatal("kind names")
	}
}

// TestKinds: every kind but Other, each with its own name.
func TestKinds(t *testing.T) {
	seen := map[string]bool{}
	for i, k := range Kinds() {
		if k == Other || int(k) != i+1 || strings.HasPrefix(k.String(), "kind(") || seen[k.String()] {
			t.Errorf("kind %d: %v", int(k), k)
		}
		seen[k.String()] = true
	}
	if len(Kinds()) != int(Timeout) {
		t.Errorf("%d kinds, want %d", len(Kinds()), int(Timeout))
	}
}
