package widget_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/widget"
)

// TestWidgetAdoptsServerRenderedBanner: a partner page that includes the server-rendered banner
// and also loads the widget (async, over a slow link on a 390x844 phone): the widget draws into
// the fragment's own element, so there is one banner, never two; the page does not move (CLS at
// most 0.02); and the widget's banner then does what it does everywhere (its lines from the
// snippet, the quick-exit bar).
func TestWidgetAdoptsServerRenderedBanner(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	resp, err := http.Get(edge + "/embed/code?" + url.Values{"partner": {"demo"}, "components": {"banner,exit"}, "region": {"CA-QC"}, "locale": {"fr"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	var code struct{ Evergreen, Reserve string }
	err = json.NewDecoder(resp.Body).Decode(&code)
	resp.Body.Close()
	if err != nil || code.Reserve == "" || code.Evergreen == "" {
		t.Fatalf("builder code: %+v %v", code, err)
	}
	s.css("/adopt.css", "body { margin: 0; font: 17px/1.5 Georgia, serif; } main { padding: 16px 24px; }\n"+code.Reserve)
	frag := fetch(t, edge+"/v1/banner/demo.html?region=CA-QC&locale=fr")
	article := strings.Repeat("<p>L'article du partenaire, qu'un visiteur commence à lire dès qu'il paraît.</p>\n", 6)
	page := s.page("/adopt", fmt.Sprintf(`<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Partenaire</title><link rel="stylesheet" href="/adopt.css"></head>
<body>%s<div data-signpost="exit"></div><main><h1>Anxiété</h1>%s</main>%s</body></html>`, frag, article, code.Evergreen))
	s.withCSP("/adopt", "default-src 'self'; script-src 'self' "+edge+"; connect-src "+edge+"; style-src 'self' "+edge)

	ready := `!!` + shadow("banner") + ` && !!` + shadow("banner") + `.querySelector('.panel a[href="tel:18552423310"]') && !!` + shadow("exit")
	r := measureShift(t, browser, shiftPage{name: "adopting a server-rendered banner", url: page, drawn: ready}, true)
	t.Logf("adopting a server-rendered banner: CLS %.4f over %d shifts (banner %.0f px on a 390x844 phone, 300 ms latency, 200 KiB/s)", r.CLS, len(r.Shifts), r.Banner)
	if r.CLS > 0.02 {
		t.Errorf("CLS %.4f, want at most 0.02; shifts %+v", r.CLS, r.Shifts)
	}
	if math.Abs(r.Banner-widget.BannerPhone) > 0.5 {
		t.Errorf("banner %.1f px, want %d", r.Banner, widget.BannerPhone)
	}
	ctx := open(t, browser, page, phoneAction(true))
	poll(t, ctx, ready)
	var st struct {
		Hosts, Shown, Light int
		Adopted             bool
	}
	evalJSON(t, ctx, `JSON.stringify({hosts: document.querySelectorAll('[data-signpost="banner"]').length,
		adopted: document.querySelector('[data-signpost="banner"]').classList.contains("signpost"),
		light: [...document.querySelectorAll(".signpost-banner")].filter((e) => e.getClientRects().length).length,
		shown: [...document.querySelectorAll('[data-signpost="banner"]')].filter((h) => h.shadowRoot && h.shadowRoot.querySelector(".banner").getClientRects().length).length})`, &st)
	if st.Hosts != 1 || !st.Adopted || st.Light != 0 || st.Shown != 1 {
		t.Errorf("want one banner, the widget's, drawn in the fragment's element: %+v", st)
	}
	// Signpost.destroy() gives the partner's element back: the server-rendered banner shows again.
	if n := eval[int](t, ctx, `Signpost.destroy(), [...document.querySelectorAll(".signpost-banner")].filter((e) => e.getClientRects().length).length`); n != 1 {
		t.Errorf("after destroy, %d server-rendered banners shown, want 1", n)
	}
}
