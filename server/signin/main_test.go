package signin_test

import (
	"testing"

	"github.com/signpost/edge/internal/browsertest"
)

// TestMain shares one browser per engine between the sign-in's browser tests, each in a
// browser context of its own (browsertest.Main).
func TestMain(m *testing.M) { browsertest.Main(m) }
