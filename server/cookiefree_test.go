package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/session"
)

// TestVisitorRoutesSetNoCookie: on an edge where people sign in (and so hold session cookies),
// no route a visitor's browser reaches sets a cookie, with or without a session cookie sent to
// it: the widget and its manifest, snippets, the fragment and its stylesheet, the frame page,
// feedback and its form, reports and their form, the beacon, the demo page and the builder. Only
// the sign-in routes under /admin/signin and the admin API's sign-out do.
func TestVisitorRoutesSetNoCookie(t *testing.T) {
	c, st := edgetest.SignIn(t)
	e := edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{SignIn: c, Sessions: st}})
	id, _, err := st.Create(context.Background(), session.Person{Subject: "u-1", Email: "a@example.org", Provider: "Test ID", Scopes: []string{auth.ScopeContent}})
	if err != nil {
		t.Fatal(err)
	}
	withSession := []string{"Cookie", auth.SessionCookie(false) + "=" + id}
	paths := []string{"/v1/widget.js", "/v1/widget.json", "/v1/snippets/demo?locale=fr&region=CA-QC", "/v1/banner/demo.html?region=CA",
		"/v1/frame/demo?components=banner,feedback", "/v1/snippets/demo/banner"}
	for _, ps := range server.Routes(e.Server) {
		for _, p := range ps {
			if !strings.HasPrefix(p, "/v1/admin/") && !strings.HasPrefix(p, "/admin/") {
				paths = append(paths, pathParams.ReplaceAllString(p, "demo"))
			}
		}
	}
	n := 0
	for _, p := range paths {
		for _, method := range []string{"GET", "POST", "OPTIONS"} {
			for _, h := range [][]string{nil, withSession} {
				r := e.DoFrom(t, "192.0.2.30", method, p, []byte(`{"partner":"demo"}`), append([]string{"Origin", edgetest.Origin, "Content-Type", "text/plain"}, h...)...)
				n++
				if c := r.Header.Peek("Set-Cookie"); len(c) > 0 {
					t.Errorf("%s %s (%d) sets a cookie: %s", method, p, r.StatusCode(), c)
				}
			}
		}
	}
	// Accepted posts too, the widget's and the no-JavaScript form's.
	for _, r := range []interface{ StatusCode() int }{
		e.PostFeedback(t, "192.0.2.31", edgetest.Feedback(), withSession...),
		e.PostReport(t, "192.0.2.32", edgetest.Report(), withSession...),
	} {
		if r.StatusCode() != http.StatusAccepted {
			t.Errorf("a visitor's post: %d", r.StatusCode())
		}
	}
	for _, r := range []string{"/v1/feedback", "/v1/reports"} {
		if a := e.PostFeedback(t, "192.0.2.33", edgetest.Feedback(), withSession...); len(a.Header.Peek("Set-Cookie")) > 0 {
			t.Errorf("%s sets a cookie", r)
		}
	}
	// The sweep can see a cookie: the sign-in callback clears its binding cookie.
	if r := e.Do(t, "GET", "/admin/signin/callback?code=x&state=y", nil); !strings.Contains(string(r.Header.Peek("Set-Cookie")), "signpost-signin=") {
		t.Errorf("the callback sets no cookie (%d): the sweep would not see one either", r.StatusCode())
	}
	t.Logf("%d requests over %d visitor paths", n, len(paths))
}
