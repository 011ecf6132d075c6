package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/valyala/fasthttp"
)

// The partner-limited operator of these tests: every scope, partner demo only. mhcc is the
// other partner of the shipped content.
const (
	partnerToken = "partner-demo-token-0123456789"
	mhccOrigin   = "https://mentalhealthcommission.ca"
	mhccComment  = "mhcc-only comment, never shown to demo"
	demoComment  = "demo comment for its own team"
)

// partnerEdge is an edge with a file content store, a feedback store holding feedback and a
// follow-up of both partners, the unlimited token Alice and the demo-limited partnerToken. It
// returns the edge and the ids of a demo record and an mhcc record.
func partnerEdge(t *testing.T) (e *edgetest.Edge, demoID, mhccID string) {
	t.Helper()
	e = edgetest.Start(t, edgetest.Options{Intake: true, FileContent: true, Config: server.Config{AdminToken: edgetest.AliceToken,
		Operators: []auth.Operator{{Name: "demo-team", Token: partnerToken, Scopes: auth.AllScopes, Partners: []string{"demo"}}}}})
	demoID = edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.1", edgetest.Feedback("comment", demoComment,
		"followup", true, "email", "demo-visitor@example.org"))).ID
	mhccID = edgetest.MustAccept(t, e.PostFeedback(t, "192.0.2.2", edgetest.Feedback("partner", "mhcc", "comment", mhccComment,
		"followup", true, "email", "mhcc-visitor@example.org"), "Origin", mhccOrigin)).ID
	return e, demoID, mhccID
}

// errorCode is the code of a JSON error answer ("" for anything else).
func errorCode(r *fasthttp.Response) string {
	var b struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body(), &b)
	return b.Error.Code
}

// refused reports whether r is a 403 with code (a HEAD's answer has no body: its status only).
func refused(method string, r *fasthttp.Response, code string) bool {
	return r.StatusCode() == 403 && (method == fasthttp.MethodHead || errorCode(r) == code)
}

// partnerCall is one request of the route walk: a path (with its query) and a body.
type partnerCall struct {
	uri  string
	body string
}

// partnerAware are the admin routes a partner-limited identity may use: for each, a request
// inside its partner (2xx) and, where the route names a partner, one outside it (403
// partner_forbidden). Every other /v1/admin route must refuse it with 403 partner_limited.
// The ids in paths are filled in by the test ({demo}, {mhcc}).
var partnerAware = map[string]struct{ in, out *partnerCall }{
	"GET /v1/admin/whoami":                 {in: &partnerCall{uri: "/v1/admin/whoami"}},
	"GET /v1/admin/content":                {in: &partnerCall{uri: "/v1/admin/content"}},
	"PUT /v1/admin/partners/{id}/featured": {in: &partnerCall{"/v1/admin/partners/demo/featured", `{"featured":["stepped-care-2-0"]}`}, out: &partnerCall{"/v1/admin/partners/mhcc/featured", `{"featured":["stepped-care-2-0"]}`}},
	"GET /v1/admin/feedback":               {in: &partnerCall{uri: "/v1/admin/feedback?partner=demo"}, out: &partnerCall{uri: "/v1/admin/feedback?partner=mhcc"}},
	"GET /v1/admin/feedback/stats":         {in: &partnerCall{uri: "/v1/admin/feedback/stats?partner=demo"}, out: &partnerCall{uri: "/v1/admin/feedback/stats?partner=mhcc"}},
	"GET /v1/admin/feedback/followups":     {in: &partnerCall{uri: "/v1/admin/feedback/followups?partner=demo"}, out: &partnerCall{uri: "/v1/admin/feedback/followups?partner=mhcc"}},
	"GET /v1/admin/feedback/comments":      {in: &partnerCall{uri: "/v1/admin/feedback/comments?partner=demo"}, out: &partnerCall{uri: "/v1/admin/feedback/comments?partner=mhcc"}},
	"GET /v1/admin/feedback/rates":         {in: &partnerCall{uri: "/v1/admin/feedback/rates?partner=demo"}, out: &partnerCall{uri: "/v1/admin/feedback/rates?partner=mhcc"}},
	"GET /v1/admin/feedback/report":        {in: &partnerCall{uri: "/v1/admin/feedback/report?partner=demo"}, out: &partnerCall{uri: "/v1/admin/feedback/report?partner=mhcc"}},
	"GET /v1/admin/usage":                  {in: &partnerCall{uri: "/v1/admin/usage?partner=demo"}, out: &partnerCall{uri: "/v1/admin/usage?partner=mhcc"}},
	"POST /v1/admin/feedback/{id}/review":  {in: &partnerCall{uri: "/v1/admin/feedback/{demo}/review"}, out: &partnerCall{uri: "/v1/admin/feedback/{mhcc}/review"}},
}

// TestEveryAdminRouteKeepsAPartnerLimitedTokenToItsPartners walks every route the router has
// under /v1/admin (a route added later is walked too, and fails the test until it is declared
// here as partner-aware or is refused): a token limited to demo gets 403 partner_limited from
// every route not partner-aware, 403 partner_forbidden outside demo and 2xx inside it; the
// unlimited token gets 2xx from the same partner-aware requests, and no partner refusal
// anywhere.
func TestEveryAdminRouteKeepsAPartnerLimitedTokenToItsPartners(t *testing.T) {
	e, demoID, mhccID := partnerEdge(t)
	fill := func(uri string) string {
		return strings.NewReplacer("{demo}", demoID, "{mhcc}", mhccID).Replace(uri)
	}
	do := func(token, method string, c *partnerCall) *fasthttp.Response {
		var body []byte
		if c.body != "" {
			body = []byte(c.body)
		}
		return e.Do(t, method, fill(c.uri), body, append(edgetest.Bearer(token), "Content-Type", "application/json", "Accept", "application/json")...)
	}
	seen := map[string]bool{}
	walked := 0
	for method, paths := range server.Routes(e.Server) {
		for _, p := range paths {
			if !strings.HasPrefix(p, "/v1/admin/") {
				continue
			}
			m := method
			if m == fasthttp.MethodHead {
				m = fasthttp.MethodGet // a GET route's HEAD is the same handler
			}
			key := m + " " + p
			seen[key] = true
			walked++
			want, aware := partnerAware[key]
			if !aware {
				c := &partnerCall{uri: pathParams.ReplaceAllString(p, "x"), body: "{}"}
				if r := do(partnerToken, method, c); !refused(method, r, "partner_limited") {
					t.Errorf("%s %s, partner-limited token: %d %s, want 403 partner_limited (declare the route partner-aware in this test and in the code if it should serve one)",
						method, p, r.StatusCode(), r.Body())
				}
				if r := do(edgetest.AliceToken, method, c); strings.HasPrefix(errorCode(r), "partner_") || method == fasthttp.MethodHead && r.StatusCode() == 403 {
					t.Errorf("%s %s, unlimited token: %d %s: refused for a partner", method, p, r.StatusCode(), r.Body())
				}
				continue
			}
			for _, tok := range []string{partnerToken, edgetest.AliceToken} {
				if r := do(tok, method, want.in); r.StatusCode()/100 != 2 {
					t.Errorf("%s %s inside its partner (%s): %d %s, want 2xx", method, want.in.uri, tok, r.StatusCode(), r.Body())
				}
			}
			if want.out == nil {
				continue
			}
			if r := do(partnerToken, method, want.out); !refused(method, r, "partner_forbidden") {
				t.Errorf("%s %s outside its partner: %d %s, want 403 partner_forbidden", method, want.out.uri, r.StatusCode(), r.Body())
			}
			if r := do(edgetest.AliceToken, method, want.out); r.StatusCode()/100 != 2 {
				t.Errorf("%s %s, unlimited token: %d %s, want 2xx", method, want.out.uri, r.StatusCode(), r.Body())
			}
		}
	}
	for key := range partnerAware {
		if !seen[key] {
			t.Errorf("%s is declared partner-aware here but the router has no such route", key)
		}
	}
	if walked < 25 {
		t.Errorf("walked %d admin routes: the router's list looks incomplete", walked)
	}
	t.Logf("%d admin routes walked", walked)
}

// TestPartnerLimitedTokenSeesOnlyItsPartners: what a demo-limited token reads holds demo's
// feedback and never mhcc's, with or without ?partner=; whoami names its partners; the content
// it reads lists its partner only, at the version its featured edit is sent against.
func TestPartnerLimitedTokenSeesOnlyItsPartners(t *testing.T) {
	e, demoID, mhccID := partnerEdge(t)
	get := func(token, uri string) string {
		t.Helper()
		r := e.Do(t, "GET", uri, nil, append(edgetest.Bearer(token), "Accept", "application/json")...)
		if r.StatusCode() != 200 {
			t.Fatalf("GET %s: %d %s", uri, r.StatusCode(), r.Body())
		}
		return string(r.Body())
	}
	for _, uri := range []string{"/v1/admin/feedback", "/v1/admin/feedback?format=jsonl", "/v1/admin/feedback?partner=demo&format=csv",
		"/v1/admin/feedback/stats", "/v1/admin/feedback/comments", "/v1/admin/feedback/rates", "/v1/admin/feedback/followups",
		"/v1/admin/feedback/report"} {
		body := get(partnerToken, uri)
		for _, leak := range []string{mhccID, mhccComment, "mhcc-visitor@example.org", `"partner":"mhcc"`, ",mhcc,"} {
			if strings.Contains(body, leak) {
				t.Errorf("GET %s as demo's token holds %q: %s", uri, leak, body)
			}
		}
		// The same request by the unlimited token holds both partners where it lists records.
		if all := get(edgetest.AliceToken, uri); !strings.Contains(uri, "partner=") && !strings.Contains(uri, "report") &&
			(!strings.Contains(all, "mhcc") || !strings.Contains(all, "demo")) {
			t.Errorf("GET %s as the unlimited token: want both partners, got %s", uri, all)
		}
	}
	if body := get(partnerToken, "/v1/admin/feedback/comments"); !strings.Contains(body, demoID) || !strings.Contains(body, demoComment) {
		t.Errorf("demo's comments lack demo's record: %s", body)
	}
	if body := get(partnerToken, "/v1/admin/feedback/followups"); !strings.Contains(body, "demo-visitor@example.org") {
		t.Errorf("demo's follow-ups lack demo's: %s", body)
	}
	var stats struct {
		Rows []struct{ Partner string } `json:"rows"`
	}
	if err := json.Unmarshal([]byte(get(partnerToken, "/v1/admin/feedback/stats")), &stats); err != nil || len(stats.Rows) == 0 {
		t.Fatalf("stats: %v %+v", err, stats)
	}
	for _, r := range stats.Rows {
		if r.Partner != "demo" {
			t.Errorf("demo's stats hold a row of %q", r.Partner)
		}
	}
	var who struct {
		Name     string   `json:"name"`
		Partners []string `json:"partners"`
	}
	if err := json.Unmarshal([]byte(get(partnerToken, "/v1/admin/whoami")), &who); err != nil || who.Name != "demo-team" || len(who.Partners) != 1 || who.Partners[0] != "demo" {
		t.Errorf("whoami: %v %+v, want demo-team limited to demo", err, who)
	}
	var content struct {
		Version int64 `json:"version"`
		Content struct {
			Partners  map[string]json.RawMessage `json:"partners"`
			Resources []json.RawMessage          `json:"resources"`
		} `json:"content"`
	}
	// The YAML form is not filtered: a limited identity gets the JSON form whatever it asks.
	r := e.Do(t, "GET", "/v1/admin/content", nil, edgetest.Bearer(partnerToken)...)
	if err := json.Unmarshal(r.Body(), &content); err != nil || len(content.Content.Partners) != 1 || content.Content.Partners["demo"] == nil ||
		len(content.Content.Resources) == 0 || content.Version == 0 {
		t.Fatalf("content as demo's token: %v, want demo alone with every resource: %s", err, r.Body())
	}
	// The featured editor publishes against that version (If-Match), as the console does.
	r = e.Do(t, "PUT", "/v1/admin/partners/demo/featured", []byte(`{"featured":["stepped-care-2-0","apps-informed-choice"]}`),
		append(edgetest.Bearer(partnerToken), "Content-Type", "application/json", "If-Match", edgetest.Header(r, "ETag"))...)
	if r.StatusCode() != 200 {
		t.Fatalf("featured of demo: %d %s", r.StatusCode(), r.Body())
	}
	// The audit log names the token that did it.
	if body := get(edgetest.AliceToken, "/v1/admin/audit"); !strings.Contains(body, `"actor":"demo-team","action":"partner.featured"`) {
		t.Errorf("audit log lacks demo-team's featured edit: %s", body)
	}
}
