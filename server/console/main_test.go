package console_test

import (
	"testing"

	"github.com/signpost/edge/internal/browsertest"
)

// TestMain shares one Chromium between the console's browser tests, each in a browser context
// of its own (browsertest.Main).
func TestMain(m *testing.M) { browsertest.Main(m) }
