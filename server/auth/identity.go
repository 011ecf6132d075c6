package auth

import (
	"fmt"
	"slices"
	"strings"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// Identity is who makes an operator request: a token (Name only) or a person signed in through
// an identity provider (Subject, Email and Provider too). Scopes say what it may do; Partners,
// when not nil, the only partners it may act on (see WrapPartner): nil is every partner.
type Identity struct {
	Name                     string
	Subject, Email, Provider string
	Scopes, Partners         []string
}

// PartnerLimited reports whether the identity is limited to some partners.
func (id Identity) PartnerLimited() bool { return id.Partners != nil }

// Label is how the identity is named where a change is credited (a content version's author,
// a review): a person's email and provider, else the token's name. (A line check's verified_by
// is written into the content itself: it takes the Name, as short as a token's.)
func (id Identity) Label() string {
	switch {
	case id.Email != "" && id.Provider != "":
		return id.Email + " (" + id.Provider + ")"
	case id.Email != "":
		return id.Email
	case id.Subject != "" && id.Provider != "":
		return id.Subject + " (" + id.Provider + ")"
	}
	return id.Name
}

// Actor is the Label of the request's identity.
func Actor(ctx *fasthttp.RequestCtx) string { return Who(ctx).Label() }

// identityValue is the request value holding the request's Identity.
const identityValue = "signpost.identity"

// SetIdentity makes id the request's identity (Check does it for a token; a session does it
// for a person).
func SetIdentity(ctx *fasthttp.RequestCtx, id Identity) { ctx.SetUserValue(identityValue, id) }

// Who is the request's identity, once Check has passed (the zero Identity before).
func Who(ctx *fasthttp.RequestCtx) Identity {
	id, _ := ctx.UserValue(identityValue).(Identity)
	return id
}

// Name is the name of the request's operator, once Check has passed ("" before).
func Name(ctx *fasthttp.RequestCtx) string { return Who(ctx).Name }

// Scopes are the scopes of the request's operator, once Check has passed.
func Scopes(ctx *fasthttp.RequestCtx) []string { return Who(ctx).Scopes }

// PartnerFilter is what a partner-aware route reads: the partners the request's identity may
// see, nil for every partner.
func PartnerFilter(ctx *fasthttp.RequestCtx) []string { return Who(ctx).Partners }

// MayPartner fails with 403 partner_forbidden (field partner) unless the request's identity
// may act on partner.
func MayPartner(ctx *fasthttp.RequestCtx, partner string) error {
	id := Who(ctx)
	if !id.PartnerLimited() || slices.Contains(id.Partners, partner) {
		return nil
	}
	return answer.New(fault.Forbidden, "partner_forbidden", "partner", "partner_forbidden", partner)
}

// errPartnerLimited refuses a partner-limited identity on a route that is not partner-aware.
var errPartnerLimited = answer.New(fault.Forbidden, "partner_limited", "", "partner_limited")

// ValidatePartners checks a token's partner list as a tokens file gives it: absent (nil) is
// every partner; given, at least one well-formed partner id, none twice.
func ValidatePartners(partners []string) error {
	if partners == nil {
		return nil
	}
	if len(partners) == 0 {
		return fmt.Errorf("list at least one partner id, or leave partners out for every partner")
	}
	for i, p := range partners {
		if !snippets.ValidID(p) {
			return fmt.Errorf("partner %q: not a partner id", p)
		}
		if slices.Contains(partners[:i], p) {
			return fmt.Errorf("partner %q twice", p)
		}
	}
	return nil
}

// partnersText is a partner list for a log line.
func partnersText(ps []string) string { return strings.Join(ps, ",") }
