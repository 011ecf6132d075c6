package auth_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/server/auth"
	"github.com/valyala/fasthttp"
)

// TestIdentity: what SetIdentity sets, Who, Name and Scopes read, and the audit log records
// with a person's subject, email and provider (a token's entry has none of them).
func TestIdentity(t *testing.T) {
	var ctx fasthttp.RequestCtx
	if id := auth.Who(&ctx); id.Name != "" || id.PartnerLimited() || auth.PartnerFilter(&ctx) != nil {
		t.Fatalf("before sign-in: %+v", id)
	}
	person := auth.Identity{Name: "Ada L.", Subject: "sub-42", Email: "ada@example.org", Provider: "Keycloak",
		Scopes: []string{auth.ScopeFeedbackRead}, Partners: []string{"demo"}}
	auth.SetIdentity(&ctx, person)
	if auth.Name(&ctx) != "Ada L." || !slices.Equal(auth.Scopes(&ctx), person.Scopes) || !slices.Equal(auth.PartnerFilter(&ctx), []string{"demo"}) {
		t.Errorf("Name %q, Scopes %v, PartnerFilter %v", auth.Name(&ctx), auth.Scopes(&ctx), auth.PartnerFilter(&ctx))
	}
	if got := auth.Actor(&ctx); got != "ada@example.org (Keycloak)" {
		t.Errorf("Actor %q, want the email and provider", got)
	}
	if err := auth.MayPartner(&ctx, "demo"); err != nil {
		t.Errorf("MayPartner(demo): %v", err)
	}
	if err := auth.MayPartner(&ctx, "mhcc"); err == nil || !strings.Contains(err.Error(), "partner_forbidden") {
		t.Errorf("MayPartner(mhcc): %v, want partner_forbidden", err)
	}
	log, err := auditlog.OpenFile(filepath.Join(t.TempDir(), "audit.log"), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	at := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	if _, err := auth.Record(&ctx, log, at, "partner.featured", "partners.demo", 3, ""); err != nil {
		t.Fatal(err)
	}
	var token fasthttp.RequestCtx
	auth.SetIdentity(&token, auth.Identity{Name: "ci-bot", Scopes: auth.AllScopes})
	if auth.Actor(&token) != "ci-bot" {
		t.Errorf("a token's Actor %q, want its name", auth.Actor(&token))
	}
	if _, err := auth.Record(&token, log, at, "content.put", "content", 4, ""); err != nil {
		t.Fatal(err)
	}
	es, err := log.List(context.Background(), 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("%v %+v", err, es)
	}
	byAction := map[string]auditlog.Entry{}
	for _, e := range es {
		byAction[e.Action] = e
	}
	if e := byAction["partner.featured"]; e.Actor != "Ada L." || e.Subject != "sub-42" || e.Email != "ada@example.org" || e.Provider != "Keycloak" {
		t.Errorf("a person's entry: %+v", e)
	}
	b, _ := json.Marshal(byAction["content.put"])
	if e := byAction["content.put"]; e.Actor != "ci-bot" || strings.Contains(string(b), "subject") || strings.Contains(string(b), "email") || strings.Contains(string(b), "provider") {
		t.Errorf("a token's entry: %s", b)
	}
}

// TestValidatePartners: a tokens file's partner list is absent (every partner) or names
// well-formed partner ids, at least one, none twice.
func TestValidatePartners(t *testing.T) {
	for _, ok := range [][]string{nil, {"demo"}, {"demo", "mhcc"}} {
		if err := auth.ValidatePartners(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range [][]string{{}, {""}, {"Demo Partner"}, {"demo", "demo"}} {
		if err := auth.ValidatePartners(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
