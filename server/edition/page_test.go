package edition

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server/asset"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

var pageNow = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

// pageState is a state of the shipped content and a Render that counts its calls: a page whose
// links name origin twice, as the banner fragment's stylesheet and places do.
func pageState(t *testing.T) (*State, Render, *int) {
	t.Helper()
	c, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: pageNow})
	if err != nil {
		t.Fatal(err)
	}
	n := new(int)
	render := func(p *snippets.Partner, loc snippets.Locale, key, origin string, now time.Time) ([]byte, time.Time, error) {
		*n++
		return []byte(`<link rel="stylesheet" href="` + origin + `/v1/banner.css">` + strings.Repeat("<p>"+p.ID+" "+string(loc)+" "+key+"</p>", 40) +
			`<a href="` + origin + `/v1/frame/` + p.ID + `?region=CA-QC">Québec</a>`), time.Time{}, nil
	}
	return Draft(c, Options{}), render, n
}

func pageGet(t *testing.T, st *State, render Render, origin string, perRequest bool, headers ...string) *fasthttp.Response {
	t.Helper()
	var ctx fasthttp.RequestCtx
	ctx.Request.SetRequestURI("/v1/banner/demo.html?region=CA-QC&locale=fr")
	for i := 0; i+1 < len(headers); i += 2 {
		ctx.Request.Header.Set(headers[i], headers[i+1])
	}
	ctx.SetUserValue("partner", "demo")
	if err := st.Page(&ctx, pageNow, "banner.html", origin, perRequest, "text/html; charset=utf-8", "public, no-cache", render); err != nil {
		t.Fatalf("%s: %v", origin, err)
	}
	r := new(fasthttp.Response)
	ctx.Response.CopyTo(r)
	return r
}

// TestPageForEveryOrigin (issue 22): a page whose links name the request's origin is drawn once,
// whatever the stream of origins asked: none is drawn, compressed or cached on its own, none
// takes the place of another, and each answer names its own origin, byte for byte as drawing it
// for that origin would.
func TestPageForEveryOrigin(t *testing.T) {
	st, render, draws := pageState(t)
	demo := st.Content.Partners["demo"]
	const real = "https://partner-edge.example"
	first := pageGet(t, st, render, real, true, "Accept-Encoding", "gzip, br")
	before := asset.Counted()
	for i := range 2000 {
		origin := "https://x" + strconv.Itoa(i) + ".example"
		if i%2 == 1 {
			origin = "http://[2001:db8::" + strconv.FormatInt(int64(i), 16) + "]:8080"
		}
		r := pageGet(t, st, render, origin, true, "Accept-Encoding", "gzip, br")
		want, _, _ := render(demo, "fr", "CA-QC", origin, pageNow)
		*draws--
		if enc := r.Header.Peek("Content-Encoding"); len(enc) != 0 || !bytes.Equal(r.Body(), want) {
			t.Fatalf("%s: Content-Encoding %q, body\n%s\nwant\n%s", origin, enc, r.Body(), want)
		}
	}
	if got := asset.Counted(); got != before {
		t.Errorf("the stream of origins compressed: %+v after %+v", got, before)
	}
	again := pageGet(t, st, render, real, true, "Accept-Encoding", "gzip, br")
	if *draws != 1 || !bytes.Equal(again.Body(), first.Body()) || string(again.Header.Peek("ETag")) != string(first.Header.Peek("ETag")) {
		t.Errorf("drawn %d times (want 1); the real origin's answer after the stream: same bytes %v, ETag %s then %s", *draws,
			bytes.Equal(again.Body(), first.Body()), first.Header.Peek("ETag"), again.Header.Peek("ETag"))
	}
	if !bytes.Contains(first.Body(), []byte(`href="`+real+`/v1/banner.css"`)) || bytes.Contains(first.Body(), []byte(".invalid")) {
		t.Errorf("the real origin's page:\n%s", first.Body())
	}
	if r := pageGet(t, st, render, real, true, "If-None-Match", string(first.Header.Peek("ETag"))); r.StatusCode() != fasthttp.StatusNotModified {
		t.Errorf("revalidation: %d, want 304", r.StatusCode())
	}
	var ctx fasthttp.RequestCtx
	ctx.SetUserValue("partner", "demo")
	if err := st.Page(&ctx, pageNow, "banner.html", "https://x%25.example", true, "text/html", "no-cache", render); err == nil {
		t.Error("an origin html/template would escape was drawn")
	}
}

// TestPageOneOrigin: with the operator's origin, the page is drawn and compressed once, at the
// request levels, and every request gets those bytes.
func TestPageOneOrigin(t *testing.T) {
	st, render, draws := pageState(t)
	const public = "https://signpost.example.org"
	before := asset.Counted()
	first := pageGet(t, st, render, public, false, "Accept-Encoding", "br")
	for range 100 {
		r := pageGet(t, st, render, public, false, "Accept-Encoding", "br")
		if !bytes.Equal(r.Body(), first.Body()) {
			t.Fatal("another answer")
		}
	}
	got := asset.Counted()
	if *draws != 1 || got.Request != before.Request+1 || got.Best != before.Best {
		t.Errorf("drawn %d times, assets made %+v after %+v: want one drawing, one request-level asset", *draws, got, before)
	}
	if enc := string(first.Header.Peek("Content-Encoding")); enc != "br" {
		t.Errorf("Content-Encoding %q, want br", enc)
	}
}
