package server

import (
	"github.com/signpost/edge/server/edition"
	"github.com/valyala/fasthttp"
)

// Hooks for the wiring tests (package server_test), which drive an edge edgetest builds.

// MaxRequestHead is maxRequestHead.
const MaxRequestHead = maxRequestHead

// State is the serving state s answers from now.
func State(s *Server) *edition.State { return s.state.Load() }

// Routes lists the router's paths by method.
func Routes(s *Server) map[string][]string { return s.router.List() }

// AddRoute adds a GET route to the router, for tests of what every handler gets.
func AddRoute(s *Server, path string, h fasthttp.RequestHandler) { s.router.GET(path, h) }

// Draining reports whether s is marked draining.
func Draining(s *Server) bool { return s.draining.Load() }

// SetDraining marks s draining or not.
func SetDraining(s *Server, v bool) { s.draining.Store(v) }

// Readiness is the body of /readyz.
type Readiness = readiness

// QueryOfNames is queryOfNames.
var QueryOfNames = queryOfNames

// RaceDetector says whether the race detector is on.
const RaceDetector = raceDetector
