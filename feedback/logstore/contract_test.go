package logstore

import (
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/storetest"
)

// TestContract runs the feedback store contract against the embedded store.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) feedback.Store {
		st, err := Open(t.TempDir(), Options{}, now)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
