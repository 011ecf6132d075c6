package intake

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/internal/jsonstrict"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/usage"
	"github.com/valyala/fasthttp"
)

// maxBeaconBody bounds a beacon: four short fields.
const maxBeaconBody = 1 << 10

var (
	errBeaconTooLarge = answer.New(fault.TooLarge, "body_too_large", "", "body_too_large.beacon", maxBeaconBody)
	errBeaconType     = answer.New(fault.Unsupported, "unsupported_media_type", "", "unsupported_media_type.beacon")
)

// beaconBody is all a beacon says: which partner's page, which region entry, what happened and
// to which line. Nothing else is accepted (unknown fields are an error), so nothing else can be
// kept by mistake.
type beaconBody struct {
	Partner string `json:"partner"`
	Region  string `json:"region"`
	Event   string `json:"event"`
	Line    string `json:"line"`
}

// handleBeacon answers POST /v1/beacon: 204 once the counter is incremented. The widget sends
// it with navigator.sendBeacon as text/plain, a CORS-simple request (no preflight) whose answer
// it never reads.
//
// Privacy: the counter is keyed by (partner, region entry, line, event, UTC day) and nothing
// else. The client address, user agent, Referer and cookies are never read here, nor logged
// (errors log nothing of the request but its path). There is no rate limit: the widget sends at
// most one beacon per banner shown and one per tap, the key space is bounded by the content (so
// memory is too), and a per-address limit would mean reading the address.
func (s *handlers) handleBeacon(ctx *fasthttp.RequestCtx) {
	if err := s.beacon(ctx); err != nil {
		answer.Write(ctx, s.Log, err)
		return
	}
	ctx.Response.Header.Set("Cache-Control", "no-store")
	ctx.SetStatusCode(fasthttp.StatusNoContent)
}

// beaconError is the 400 of a beacon's field: code, and the message id and arguments (answer.New).
func beaconError(field, code, id string, args ...any) error {
	return answer.New(fault.Invalid, code, field, id, args...)
}

func (s *handlers) beacon(ctx *fasthttp.RequestCtx) error {
	if !feedbackContentType(ctx.Request.Header.ContentType()) {
		return errBeaconType
	}
	body := ctx.PostBody()
	if len(body) > maxBeaconBody {
		return errBeaconTooLarge
	}
	var b beaconBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return beaconError("", "invalid_json", "invalid_json.beacon", err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return beaconError("", "invalid_json", "invalid_json.beacon_values")
	}
	if k, dup := jsonstrict.DuplicateKey(body); dup {
		return beaconError(k, "duplicate_field", "duplicate_field", strconv.Quote(k))
	}
	content := s.CurrentContent()
	p := content.Partners[b.Partner]
	if p == nil {
		return beaconError("partner", "unknown_partner", "unknown_partner")
	}
	// A page of another site may not count views for this partner. A request without Origin is
	// no browser's: it is taken as it is, like a beacon from a partner's own page.
	if origin := string(ctx.Request.Header.Peek("Origin")); origin != "" && !originAllowed(p.Origins, origin) {
		return errBeaconOrigin
	}
	ev := usage.Event(b.Event)
	if !ev.Valid() {
		return beaconError("event", "invalid_event", "invalid_event")
	}
	var lines []string
	if b.Region != "" {
		r := content.Regions[b.Region]
		if r == nil {
			return beaconError("region", "unknown_region", "unknown_region")
		}
		lines = r.Lines
	}
	if ev == usage.Shown {
		if b.Line != "" {
			return beaconError("line", "invalid_line", "invalid_line")
		}
	} else {
		if b.Line == "" {
			return beaconError("line", "line_required", "line_required", b.Event)
		}
		l := content.Lines[b.Line]
		if l == nil || !slices.Contains(lines, b.Line) {
			return beaconError("line", "unknown_line", "unknown_line")
		}
		if (ev == usage.Tel && l.TelTarget() == "") || (ev == usage.SMS && l.SMSTarget() == "") || (ev == usage.Chat && l.ChatURL == "") {
			return beaconError("line", "unknown_line", "unknown_line.event", b.Event)
		}
	}
	s.Usage.Add(usage.Key{Day: usage.Day(s.Now()), Partner: p.ID, Region: b.Region, Line: b.Line}, ev)
	return nil
}
