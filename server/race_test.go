//go:build race

package server

// raceDetector: the race detector drops a quarter of what sync.Pool is given, so a pooled path
// allocates under it.
const raceDetector = true
