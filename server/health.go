package server

import (
	"context"
	"encoding/json"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/words"
	"github.com/valyala/fasthttp"
)

// handleHealthz answers 200 while the process serves: liveness only.
func (s *Server) handleHealthz(ctx *fasthttp.RequestCtx) {
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetContentType(answer.ContentJSON)
	ctx.SetBodyString(`{"status":"ok"}`)
}

// readiness is the JSON of /readyz.
type readiness struct {
	Status         string    `json:"status"`
	Mode           string    `json:"mode"`
	ContentVersion string    `json:"content_version,omitempty"`
	Degraded       []string  `json:"degraded,omitempty"`
	Warnings       []warning `json:"warnings,omitempty"`
}

// warning is one of Config.Warnings in /readyz: its code and what it means (English, words
// warning.<code>).
type warning struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// handleReadyz answers 200 when every configured dependency is connected and content is loaded,
// else 503 saying what is degraded (a draining edge is taken out of rotation).
func (s *Server) handleReadyz(ctx *fasthttp.RequestCtx) {
	r := readiness{Status: "ready", Mode: s.cfg.Mode}
	if st := s.state.Load(); st != nil && st.Content != nil {
		r.ContentVersion = st.Content.Version
	} else {
		r.Degraded = append(r.Degraded, "content not loaded")
	}
	if s.cfg.Health != nil {
		// Background, not the RequestCtx: a context derived from it races with Shutdown.
		r.Degraded = append(r.Degraded, s.cfg.Health(context.Background())...)
	}
	if s.cfg.Warnings != nil {
		for _, code := range s.cfg.Warnings() {
			r.Warnings = append(r.Warnings, warning{code, words.T("en", "warning."+code)})
		}
	}
	if s.draining.Load() {
		r.Degraded = append(r.Degraded, "shutting down")
	}
	status := fasthttp.StatusOK
	if len(r.Degraded) > 0 {
		r.Status, status = "unavailable", answer.Status(fault.Unavailable)
	}
	b, _ := json.Marshal(r)
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(status)
	ctx.SetContentType(answer.ContentJSON)
	ctx.SetBody(b)
}
