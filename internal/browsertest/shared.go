package browsertest

import (
	"os"
	"sync"
	"testing"
)

// browsers are the browser processes a test binary whose TestMain runs Main shares, by engine
// and preferences: each started by the first test that needs it, all stopped when the tests
// are done. Starting a browser costs seconds of CPU and more of waiting; a browser context per
// test keeps the tests as far apart as browsers of their own would.
var browsers struct {
	enabled bool
	mu      sync.Mutex
	byKey   map[string]*sharedBrowser
}

type sharedBrowser struct {
	once sync.Once
	v    any // what start returned: the engine's handle on the browser
	stop func()
	err  error
}

// Main runs the package's tests (m.Run) with one browser process per engine (and, for
// Firefox, per set of preferences) shared by every test that calls Open, stops them and
// removes their profiles, and exits with the tests' status. A package's TestMain calls it.
func Main(m *testing.M) {
	browsers.enabled = true
	code := m.Run()
	browsers.mu.Lock()
	for _, b := range browsers.byKey {
		if b.stop != nil {
			b.stop()
		}
	}
	browsers.mu.Unlock()
	os.Exit(code)
}

// shared is the browser key names, started by start: under Main the binary's one, started
// once; otherwise one for the test, stopped at its cleanup.
func shared(t testing.TB, key string, start func() (any, func(), error)) (any, error) {
	t.Helper()
	if !browsers.enabled {
		v, stop, err := start()
		if err != nil {
			return nil, err
		}
		t.Cleanup(stop)
		return v, nil
	}
	browsers.mu.Lock()
	if browsers.byKey == nil {
		browsers.byKey = map[string]*sharedBrowser{}
	}
	b := browsers.byKey[key]
	if b == nil {
		b = &sharedBrowser{}
		browsers.byKey[key] = b
	}
	browsers.mu.Unlock()
	b.once.Do(func() { b.v, b.stop, b.err = start() })
	return b.v, b.err
}
