package snippets_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

// TestValidateContent: the stores' check passes the shipped content and refuses what `edge
// check` refuses.
func TestValidateContent(t *testing.T) {
	today := func() time.Time { return time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC) }
	check := snippets.ValidateContent(today)
	if err := check(configs.Content); err != nil {
		t.Fatalf("shipped content refused: %v", err)
	}
	bad := strings.Replace(string(configs.Content), "lines: [ca-988,", "lines: [ca-no-such-line,", 1)
	if bad == string(configs.Content) {
		t.Fatal("the shipped content has no region listing ca-988 first to break")
	}
	var ve *snippets.InvalidError
	if err := check([]byte(bad)); !errors.As(err, &ve) {
		t.Fatalf("a region listing a line that does not exist: got %v, want a validation error", err)
	}
}
