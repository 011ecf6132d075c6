package server_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// fuzzServer is one edge for a fuzz target's whole run, its handler called in process.
func fuzzServer(f *testing.F) fasthttp.RequestHandler {
	f.Helper()
	srv, _ := edgetest.New(f, edgetest.Options{WallClock: true, Config: server.Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AdminToken: edgetest.AliceToken}})
	return srv.Handler()
}

// fuzzRequest runs one request through h and fails on a panic's 500 or a non-JSON error.
func fuzzRequest(t *testing.T, h fasthttp.RequestHandler, method, uri string, body []byte, headers ...string) int {
	t.Helper()
	var ctx fasthttp.RequestCtx
	ctx.Request.Header.SetMethod(method)
	ctx.Request.SetRequestURI(uri)
	ctx.Request.Header.SetHost("edge.example")
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Set(headers[i], headers[i+1])
	}
	ctx.Request.SetBody(body)
	h(&ctx)
	code := ctx.Response.StatusCode()
	if code >= 500 && code != fasthttp.StatusServiceUnavailable {
		t.Fatalf("%s %s %q: %d %s", method, uri, body, code, ctx.Response.Body())
	}
	if code >= 400 && string(ctx.Response.Header.ContentType()) != "application/json" {
		t.Fatalf("%s %s %q: %d without the JSON error shape: %s", method, uri, body, code, ctx.Response.Body())
	}
	return code
}

// FuzzBeacon: any beacon body gets 204 or a JSON 4xx, never a 500 or a panic.
func FuzzBeacon(f *testing.F) {
	for _, s := range []string{`{"partner":"demo","region":"CA","event":"shown"}`, `{"partner":"demo","region":"CA","event":"tel","line":"ca-988"}`,
		`{"partner":"demo","event":"shown","event":"tel"}`, `[]`, `{"partner":1}`, "{\"partner\":\"demo\",\"region\":\"\\u0000\"}", ``} {
		f.Add([]byte(s))
	}
	h := fuzzServer(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		if code := fuzzRequest(t, h, "POST", "/v1/beacon", b, "Content-Type", "text/plain", "Origin", "http://localhost:8080"); code != 204 && code/100 != 4 {
			t.Fatalf("beacon %q: %d", b, code)
		}
	})
}

// FuzzAdminEdits: any body sent to the admin JSON edits (featured list, resource, notice,
// crisis line, a region's lines, rollback, preview) is answered 200 or a JSON 4xx, never a 500.
// Dry runs: nothing is published, so one edge serves the whole run.
func FuzzAdminEdits(f *testing.F) {
	for _, s := range []string{`{"featured":["peer-support-guidelines"]}`, `{"featured":[1]}`, `{"id":"x","message":{"en":"Closed."},"expires_at":"2030-01-01T00:00:00Z"}`,
		`{"name":{"en":"Line"},"country":"CA","call":"988","source":"https://x.example","verified_on":"2026-11-01"}`, `{"lines":["ca-988"],"message":{"en":"Call 988."}}`,
		`{"version":1}`, `{"a":1,"a":2}`, `null`, `"x"`, `{`} {
		f.Add(uint8(0), []byte(s))
	}
	routes := []struct{ method, uri string }{
		{"PUT", "/v1/admin/partners/demo/featured?dry_run=1"}, {"PUT", "/v1/admin/resources/fuzz?dry_run=1"},
		{"PUT", "/v1/admin/notice?dry_run=1"}, {"PUT", "/v1/admin/lines/ca-988?dry_run=1"},
		{"PUT", "/v1/admin/regions/CA/lines?dry_run=1"}, {"POST", "/v1/admin/content/rollback?dry_run=1"},
		{"POST", "/v1/admin/preview"},
	}
	h := fuzzServer(f)
	f.Fuzz(func(t *testing.T, route uint8, b []byte) {
		r := routes[int(route)%len(routes)]
		fuzzRequest(t, h, r.method, r.uri, b, "Content-Type", "application/json", "Authorization", "Bearer "+edgetest.AliceToken)
	})
}

// FuzzFeedbackForm: any body posted as the frame's no-JavaScript form is answered with a page
// (its problems in it), never a 500, a panic or JSON a visitor cannot read.
func FuzzFeedbackForm(f *testing.F) {
	for _, s := range []string{"partner=demo&page=%2Fhelp&locale=en&region=CA&found=yes&comment=hi&t=mxacqcap.00",
		"partner=demo&found=yes&found=no", "partner=demo&page=%2F&helpful=maybe", "partner=%ff%fe&locale=%00", "=&&=&%zz", ""} {
		f.Add([]byte(s))
	}
	h := fuzzServer(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		var ctx fasthttp.RequestCtx
		ctx.Request.Header.SetMethod("POST")
		ctx.Request.SetRequestURI("/v1/feedback/form")
		ctx.Request.Header.SetHost("edge.example")
		// Sent from the frame page itself: every body reaches the form's parsing.
		ctx.Request.Header.Set("Origin", "https://edge.example")
		ctx.Request.Header.SetContentType("application/x-www-form-urlencoded")
		ctx.Request.SetBody(b)
		h(&ctx)
		code := ctx.Response.StatusCode()
		if code >= 500 && code != fasthttp.StatusServiceUnavailable || code < 200 {
			t.Fatalf("%q: %d %s", b, code, ctx.Response.Body())
		}
		if ct := string(ctx.Response.Header.ContentType()); ct != "text/html; charset=utf-8" {
			t.Fatalf("%q: %d answered as %s", b, code, ct)
		}
	})
}
