// Package edition is what an edge serves for one content version, an edition of it: the widget
// bundle (current, pinned by hash, and its manifest) and the snippets rendered from the content,
// cached by what they vary on. A State is built whole and replaced whole; the published content's and a draft
// preview's are the same kind of value, so a preview renders exactly as publishing would.
package edition

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"sync"
	"time"

	"github.com/signpost/edge/internal/fault"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/origin"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
	"github.com/valyala/fasthttp"
)

// Cache-Control of each kind of response.
const (
	CacheWidget   = "public, max-age=300, stale-while-revalidate=86400"
	CachePinned   = "public, max-age=31536000, immutable"
	CacheManifest = "public, max-age=300"
	// A snippet carries emergency notices: browsers and caches revalidate it every time (a 304
	// by ETag), so a notice published or withdrawn shows on the next page load everywhere.
	// The fetch comes after the banner is drawn from baked data: the round trip delays nothing.
	CacheSnippet = "public, no-cache"
)

// Options are the rules snippets are rendered with.
type Options struct {
	// TimeZones places a visitor by the browser's time zone (?tz=).
	TimeZones snippets.TimeZones
	// CrisisPhrases are the crisis phrases the feedback snippet carries.
	CrisisPhrases *snippets.CrisisPhrases
	// Locator reads a CDN's location header (EDGE_LOCATION_HEADER), and only from a request
	// whose TCP peer is a TrustedPeer (EDGE_TRUSTED_PROXIES): any client can send the header
	// itself. Either nil reads none.
	Locator     *Locator
	TrustedPeer func(*fasthttp.RequestCtx) bool
}

// State is everything served for one content version; it is replaced whole, never mutated,
// except for the snippet caches, which only ever fill.
type State struct {
	Content *snippets.Loaded
	// Number is the content store's version number served (0: not from a store).
	Number     int64
	Bundle     *widget.Bundle // nil for a draft (Draft)
	Widget     *asset.Asset   // /v1/widget.js
	Pinned     *asset.Asset   // /v1/widget.{hash}.js
	PinnedName []byte         // "widget.{hash}.js"
	Manifest   *asset.Asset   // /v1/widget.json
	opts       Options
	snippets   snippetCache
	// byURI finds a rendered snippet by the request's exact URI, before the router: the path
	// every partner page asks on each load answers without parsing anything again.
	byURI uriCache
}

// ManifestBody is the JSON of /v1/widget.json, what partners pin their tag from.
type ManifestBody struct {
	Version   string `json:"version"`
	URL       string `json:"url"`
	Integrity string `json:"integrity"`
}

// New builds the widget bundle of content and an empty snippet cache.
func New(content *snippets.Loaded, number int64, opts Options) (*State, error) {
	data, err := content.WidgetData(opts.TimeZones)
	if err != nil {
		return nil, err
	}
	b, err := widget.Build(data)
	if err != nil {
		return nil, err
	}
	m, err := json.Marshal(ManifestBody{Version: b.Hash, URL: b.Path(), Integrity: b.Integrity})
	if err != nil {
		return nil, err
	}
	// The pinned and short-cached URLs serve the same bytes; only Cache-Control differs.
	pinned := asset.New(b.JS, answer.ContentTypeJS, CachePinned).Whole(answer.PublicHeaders)
	return &State{
		Content:    content,
		Number:     number,
		Bundle:     b,
		Widget:     pinned.WithCacheControl(CacheWidget),
		Pinned:     pinned,
		PinnedName: []byte("widget." + b.Hash + ".js"),
		Manifest:   asset.New(m, answer.ContentJSON, CacheManifest).Whole(answer.PublicHeaders),
		opts:       opts,
	}, nil
}

// Draft is the state of draft content for a preview: its snippets only (a preview builds its
// own widget, pointed at its own routes).
func Draft(content *snippets.Loaded, opts Options) *State {
	return &State{Content: content, opts: opts}
}

// snippetKey names one rendered snippet. The region is the entry key, so the cache holds at most
// partners x locales x (regions + 1) x parts entries whatever visitors send.
type snippetKey struct {
	partner string
	locale  snippets.Locale
	region  string
	part    snippets.Part
	// perRequest marks a server-rendered page drawn with a stand-in for the origin its links
	// name, which each request fills in (Page).
	perRequest bool
	// zone is the visitor's time zone, for an entry whose lines' hours are said on their clock
	// (Content.Scheduled); "" otherwise.
	zone string
}

type snippetEntry struct {
	asset *asset.Asset
	// parts are a page drawn for every origin (Page): its bytes between the stand-ins (originMark),
	// and tag a hash of the drawing.
	parts [][]byte
	tag   string
	// until is when a featured resource enters or leaves its window (zero: never).
	until time.Time
}

type snippetCache struct {
	mu      sync.RWMutex
	entries map[snippetKey]*snippetEntry
}

// fresh reports whether e may still be served at now.
func (e *snippetEntry) fresh(now time.Time) bool { return e.until.IsZero() || now.Before(e.until) }

// maxURIs bounds uriCache: URIs are what clients send, so past it new ones take the router.
const maxURIs = 4096

type uriCache struct {
	mu sync.RWMutex
	m  map[string]*snippetEntry
}

func (c *uriCache) get(uri []byte) *snippetEntry {
	c.mu.RLock()
	e := c.m[string(uri)]
	c.mu.RUnlock()
	return e
}

func (c *uriCache) put(uri []byte, e *snippetEntry) {
	c.mu.Lock()
	if c.m == nil {
		c.m = make(map[string]*snippetEntry)
	}
	if len(c.m) < maxURIs {
		c.m[string(uri)] = e
	}
	c.mu.Unlock()
}

// get returns the cached snippet for k, rendering it (outside the lock) when missing or expired.
func (c *snippetCache) get(k snippetKey, now time.Time, render func() (*snippetEntry, error)) (*snippetEntry, error) {
	c.mu.RLock()
	e := c.entries[k]
	c.mu.RUnlock()
	if e != nil && e.fresh(now) {
		return e, nil
	}
	e, err := render()
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil {
		c.entries = make(map[snippetKey]*snippetEntry)
	}
	c.entries[k] = e
	c.mu.Unlock()
	return e, nil
}

// Snippet answers GET .../snippets/{partner}[/{part}]?locale=&region=&tz= from this state
// (the router's "partner" and "part" values), rendered once per what it varies on. remember
// keeps the answer by the request's exact URI too, for Remembered, unless it may depend on a
// CDN's location header (Locates): a URI does not say where its visitor is.
func (st *State) Snippet(ctx *fasthttp.RequestCtx, now time.Time, remember bool) error {
	p, err := st.Partner(ctx)
	if err != nil {
		return err
	}
	part := snippets.All
	if name, ok := ctx.UserValue("part").(string); ok {
		part = snippets.Part(name)
		if !slices.Contains(snippets.Parts, part) {
			return answer.New(fault.NotFound, "not_found", "", "not_found.snippet")
		}
	}
	loc, region, vary, err := st.Select(ctx, p, Sources{TZ: true, Location: true})
	if err != nil {
		return err
	}
	key := snippetKey{partner: p.ID, locale: loc, region: region, part: part}
	// A line with weekly hours says when it opens on the visitor's clock: the zone the widget
	// sends, when it is one of the table's.
	var clock *time.Location
	if part != snippets.Resources && part != snippets.Feedback && st.Content.Scheduled(region) {
		if z := answer.View(ctx.QueryArgs().Peek("tz")); snippets.ValidZone(z) {
			if clock = st.opts.TimeZones.Clock(z); clock != nil {
				key.zone = clock.String()
			}
		}
	}
	e, err := st.snippets.get(key, now, func() (*snippetEntry, error) {
		body, until, err := st.Content.Render(p, loc, key.region, part, now, clock, st.opts.CrisisPhrases)
		if err != nil {
			return nil, err
		}
		return &snippetEntry{asset: asset.Rendered(body, answer.ContentJSON, CacheSnippet).Whole(answer.PublicHeaders), until: until}, nil
	})
	if err != nil {
		return err
	}
	if remember && !st.Locates(ctx) {
		st.byURI.put(ctx.RequestURI(), e)
	}
	e.asset.Serve(ctx)
	AddVary(&ctx.Response.Header, vary)
	return nil
}

// Sources are what may place a visitor who names no region, besides the partner's default.
type Sources struct {
	// TZ is the browser's time zone (?tz=), which the widget sends.
	TZ bool
	// Location is a CDN's location header: not for a document fetched by the partner's own
	// server (an include of the banner fragment), which the CDN would place instead.
	Location bool
}

// Select reads a request's locale and region for partner p as the snippets API does: ?locale=,
// else the partner's, else English; ?region=, else (from.Location) the location a CDN's header
// gives (from a trusted proxy, when configured), else (from.TZ) the browser's time zone, each
// placed under the partner's default (snippets.Place), else the partner's default. key is the region entry
// that serves it ("": the neutral banner); vary names the location headers read, which the
// answer varies on ("" when none was). A malformed locale, region or zone is a ParamError
// naming it; a malformed location header is as if it had not been sent.
func (st *State) Select(ctx *fasthttp.RequestCtx, p *snippets.Partner, from Sources) (loc snippets.Locale, key, vary string, err error) {
	args := ctx.QueryArgs()
	loc, ok, err := snippets.ParseLocale(answer.View(args.Peek("locale")))
	if err != nil {
		return "", "", "", err
	}
	if !ok {
		loc = p.Locale
		if loc == "" {
			loc = snippets.English
		}
	}
	region, ok, err := snippets.ParseRegion(answer.View(args.Peek("region")))
	if err != nil {
		return "", "", "", err
	}
	if !ok {
		zone := ""
		if from.TZ {
			if zone = answer.View(args.Peek("tz")); zone != "" && !snippets.ValidZone(zone) {
				return "", "", "", snippets.ParamErr("tz", "invalid_parameter.tz")
			}
		}
		located := ""
		if from.Location && st.Locates(ctx) && st.opts.TrustedPeer(ctx) {
			vary = st.opts.Locator.Vary()
			located = st.opts.Locator.Locate(&ctx.Request.Header)
		}
		switch {
		case located != "":
			region = snippets.Place(located, p.Region)
		case zone != "":
			// The browser's time zone when the widget could not place it with the zones baked
			// into it, under the same rule.
			region = st.opts.TimeZones.Region(zone, p.Region)
		default:
			region = p.Region
		}
	}
	return loc, st.Content.RegionEntry(region), vary, nil
}

// Locates reports whether the answer to a request may depend on a CDN's location header: one is
// configured, with proxies to trust, and the request names no region. Such an answer is not
// remembered by its URI, whoever sent it: the next request for the URI may come through the CDN.
func (st *State) Locates(ctx *fasthttp.RequestCtx) bool {
	return st.opts.Locator != nil && st.opts.TrustedPeer != nil && len(ctx.QueryArgs().Peek("region")) == 0
}

// AddVary adds names (a Vary list; "" adds nothing) to the response's Vary header, after what it
// varies on already.
func AddVary(h *fasthttp.ResponseHeader, names string) {
	if names == "" {
		return
	}
	if v := h.Peek("Vary"); len(v) > 0 {
		names = string(v) + ", " + names
	}
	h.Set("Vary", names)
}

// Partner is the partner a request names (the router's "partner" value), or a 404 error.
func (st *State) Partner(ctx *fasthttp.RequestCtx) (*snippets.Partner, error) {
	id, _ := ctx.UserValue("partner").(string)
	if p := st.Content.Partners[id]; p != nil {
		return p, nil
	}
	return nil, errUnknownPartner
}

// PartnerSelect is Partner, then Select without tz: what a server-rendered page is drawn for,
// located by a CDN's header when located is true (the frame page, which the visitor's browser
// fetches; never the fragment, which a partner's server includes).
func (st *State) PartnerSelect(ctx *fasthttp.RequestCtx, located bool) (p *snippets.Partner, loc snippets.Locale, key, vary string, err error) {
	if p, err = st.Partner(ctx); err != nil {
		return nil, "", "", "", err
	}
	loc, key, vary, err = st.Select(ctx, p, Sources{Location: located})
	return p, loc, key, vary, err
}

var errUnknownPartner = answer.New(fault.NotFound, "unknown_partner", "partner", "unknown_partner")

// Render draws one of a partner's server-rendered documents (the banner fragment), its absolute
// links to the edge naming origin.
type Render func(p *snippets.Partner, loc snippets.Locale, key, origin string, now time.Time) (body []byte, until time.Time, err error)

// Page answers GET of a partner's server-rendered document name (the banner fragment) with the
// locale and region rules of Select with neither tz nor a CDN's location header (a partner's
// server fetches it: the CDN would place that server, not the visitor), as contentType with
// cacheControl; a 304 for a matching ETag. It is drawn once per partner, locale and region entry
// while fresh, whatever origin its links name:
//
//   - perRequest false: origin is the same for every request (the operator's public origin):
//     the document is compressed once (at the request levels) and served from the cache.
//   - perRequest true: origin is the request's own (its Host): the document is drawn once with
//     a stand-in origin and each answer fills in the request's, uncompressed. A stream of
//     made-up hosts costs a copy each: nothing is drawn, compressed or cached per host, and no
//     host takes another's place. The caller names what the origin came from in Vary. An
//     origin of other bytes than letters, digits and ".-:/[]" (plainOrigin) is ErrBadHost.
func (st *State) Page(ctx *fasthttp.RequestCtx, now time.Time, name, pageOrigin string, perRequest bool, contentType, cacheControl string, render Render) error {
	p, loc, key, vary, err := st.PartnerSelect(ctx, false)
	if err != nil {
		return err
	}
	k := snippetKey{partner: p.ID, locale: loc, region: key, part: snippets.Part(name), perRequest: perRequest}
	switch {
	case !perRequest:
		e, err := st.snippets.get(k, now, func() (*snippetEntry, error) {
			body, until, err := render(p, loc, key, pageOrigin, now)
			if err != nil {
				return nil, err
			}
			return &snippetEntry{asset: asset.Rendered(body, contentType, cacheControl), until: until}, nil
		})
		if err != nil {
			return err
		}
		e.asset.Serve(ctx)
	case !plainOrigin(pageOrigin):
		// Not one origin.Of gives for a valid Host (an IPv6 zone, say): refused rather than
		// drawn for each request.
		return origin.ErrBadHost
	default:
		e, err := st.snippets.get(k, now, func() (*snippetEntry, error) {
			body, until, err := render(p, loc, key, originMark, now)
			if err != nil {
				return nil, err
			}
			sum := sha256.Sum256(body)
			return &snippetEntry{parts: bytes.Split(body, []byte(originMark)), tag: hex.EncodeToString(sum[:12]), until: until}, nil
		})
		if err != nil {
			return err
		}
		// The ETag names the drawing and the origin filled in, so the bytes, without hashing them.
		sum := sha256.Sum256([]byte(pageOrigin))
		asset.ServeJoined(ctx, e.parts, []byte(pageOrigin), e.tag+"-"+hex.EncodeToString(sum[:8]), contentType, cacheControl)
	}
	AddVary(&ctx.Response.Header, vary)
	return nil
}

// originMark stands for the origin in a page drawn for every origin: an origin no request can
// name (the .invalid top-level domain, RFC 2606), random per process so that no content holds it,
// and written as it is by html/template in a link, as a real origin is (plainOrigin).
var originMark = func() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return "https://o" + hex.EncodeToString(b[:]) + ".invalid"
}()

// plainOrigin reports whether o holds only what html/template writes unchanged in a URL
// attribute (letters, digits, ".-:/[]": every origin origin.Of gives for a valid Host): then
// filling it in for originMark gives the bytes drawing the page with o would.
func plainOrigin(o string) bool {
	if o == "" {
		return false
	}
	for i := 0; i < len(o); i++ {
		switch c := o[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '-', c == ':', c == '/', c == '[', c == ']':
		default:
			return false
		}
	}
	return true
}

// Remembered is the snippet answered before for this exact URI, while it is fresh; nil else.
func (st *State) Remembered(uri []byte, now time.Time) *asset.Asset {
	e := st.byURI.get(uri)
	if e == nil || !e.fresh(now) {
		return nil
	}
	return e.asset
}
