package server

import (
	"encoding/json"
	"sync"
	"time"

	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/server/web"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/widget"
)

// Cache-Control of each kind of response.
const (
	cacheWidget   = "public, max-age=300, stale-while-revalidate=86400"
	cachePinned   = "public, max-age=31536000, immutable"
	cacheManifest = "public, max-age=300"
	// A snippet carries emergency notices: browsers and caches revalidate it every time (a 304
	// by ETag), so a notice published or withdrawn shows on the next page load everywhere.
	// The fetch comes after the banner is drawn from baked data: the round trip delays nothing.
	cacheSnippet = "public, no-cache"
)

// state is everything served for one content version; it is replaced whole, never mutated,
// except for the snippet cache, which only ever fills.
type state struct {
	content *snippets.Loaded
	// contentNumber is the content store's version number served (0: not from a store).
	contentNumber int64
	bundle        *widget.Bundle
	widget        *asset.Asset // /v1/widget.js
	pinned        *asset.Asset // /v1/widget.{hash}.js
	pinnedName    []byte       // "widget.{hash}.js"
	manifest      *asset.Asset // /v1/widget.json
	snippets      snippetCache
	// byURI finds a rendered snippet by the request's exact URI, before the router: the path
	// every partner page asks on each load answers without parsing anything again.
	byURI uriCache
}

// Manifest is the JSON of /v1/widget.json, what partners pin their tag from.
type Manifest struct {
	Version   string `json:"version"`
	URL       string `json:"url"`
	Integrity string `json:"integrity"`
}

func newState(content *snippets.Loaded, tz snippets.TimeZones) (*state, error) {
	data, err := content.WidgetData(tz)
	if err != nil {
		return nil, err
	}
	b, err := widget.Build(data)
	if err != nil {
		return nil, err
	}
	m, err := json.Marshal(Manifest{Version: b.Hash, URL: b.Path(), Integrity: b.Integrity})
	if err != nil {
		return nil, err
	}
	// The pinned and short-cached URLs serve the same bytes; only Cache-Control differs.
	pinned := asset.New(b.JS, web.ContentTypeJS, cachePinned)
	return &state{
		content:    content,
		bundle:     b,
		widget:     pinned.WithCacheControl(cacheWidget),
		pinned:     pinned,
		pinnedName: []byte("widget." + b.Hash + ".js"),
		manifest:   asset.New(m, web.ContentJSON, cacheManifest),
	}, nil
}

// snippetKey names one rendered snippet. The region is the entry key, so the cache holds at most
// partners x locales x (regions + 1) x parts entries whatever visitors send.
type snippetKey struct {
	partner string
	locale  snippets.Locale
	region  string
	part    snippets.Part
}

type snippetEntry struct {
	asset *asset.Asset
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
