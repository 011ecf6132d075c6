package redisstore

import (
	"path/filepath"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/storetest"
	"github.com/signpost/edge/internal/redistest"
)

// TestContract runs the feedback store contract against the Redis store, on a real
// redis-server, each case under keys of its own.
func TestContract(t *testing.T) {
	c := newClient(t, redistest.Start(t))
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T, _ func() time.Time) feedback.Store {
		st, err := Open(c, Options{Prefix: "contract" + strconv.FormatInt(n.Add(1), 10) + ":", SpoolDir: filepath.Join(t.TempDir(), "spool")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	})
}
