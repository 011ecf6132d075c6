package widget_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/edition"
	"github.com/signpost/edge/snippets"
)

// startEdge serves the shipped content on a loopback port (edgetest.Browsing) and returns its
// origin.
func startEdge(t *testing.T) (string, *server.Server) {
	t.Helper()
	e := edgetest.Start(t, edgetest.Browsing(t, server.Config{}, nil))
	return e.URL(), e.Server
}

// featured is how many resources the shipped content features for the partner today.
func featured(t *testing.T, partner string) int {
	t.Helper()
	content, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := content.Featured(content.Partners[partner], time.Now())
	return len(rs)
}

// bannerState is what a visitor's browser shows in the banner's shadow root.
type bannerState struct {
	Hosts   int    `json:"hosts"`
	Visible bool   `json:"visible"`
	First   bool   `json:"first"`
	Text    string `json:"text"`
	Border  string `json:"border"`
	Color   string `json:"color"`
	Probe   probe  `json:"probe"`
	Links   []link `json:"links"`
	Version string `json:"version"`
}

type probe struct {
	CSP    []string `json:"csp"`
	Errors []string `json:"errors"`
}

type link struct {
	Href  string `json:"href"`
	Text  string `json:"text"`
	Label string `json:"label"`
	// Desc is the text of the link's aria-describedby target: a number digit by digit.
	Desc string `json:"desc"`
}

const readBanner = `(() => {
  const hosts = document.querySelectorAll('[data-signpost="banner"]');
  const host = hosts[0], root = host && host.shadowRoot, box = root && root.querySelector('.banner');
  if (!box) return null;
  return JSON.stringify({
    hosts: hosts.length,
    first: document.body.firstElementChild === host,
    visible: host.getBoundingClientRect().height > 0 && getComputedStyle(host).display !== 'none',
    text: root.textContent,
    border: getComputedStyle(box).borderLeftStyle,
    color: getComputedStyle(box.querySelector('.msg')).color,
    probe: window.__probe,
    links: [...root.querySelectorAll('a')].map(a => ({href: a.getAttribute('href'), text: a.textContent, label: a.getAttribute('aria-label') || '',
      desc: a.hasAttribute('aria-describedby') ? root.getElementById(a.getAttribute('aria-describedby')).textContent : ''})),
    version: (window.Signpost && window.Signpost.version) || ''
  });
})()`

// visit loads url and reads the banner once its text holds want ("": as soon as it is drawn).
func visit(t *testing.T, browser browsertest.Page, url, want string) bannerState {
	t.Helper()
	tab := browsertest.CDP(t, browser.Tab(t))
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("navigate %s: %v", url, err)
	}
	cond := `(() => { const s = ` + readBanner + `; return s && s.includes(` + strconv.Quote(want) + `) ? s : null })()`
	raw, err := chromedp.Run(ctx, chromedp.Poll[string](cond, chromedp.WithPollingTimeout(10*time.Second)))
	if err != nil {
		diag, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.stringify(window.__probe)`))
		t.Fatalf("%s: banner never rendered: %v (page probe: %s)", url, err, diag)
	}
	var s bannerState
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatalf("%s: %v", url, err)
	}
	if len(s.Probe.CSP) > 0 || len(s.Probe.Errors) > 0 {
		t.Errorf("%s: CSP violations %v, script errors %v", url, s.Probe.CSP, s.Probe.Errors)
	}
	if !s.Visible {
		t.Errorf("%s: the banner is in the DOM but not visible", url)
	}
	if s.Border != "solid" {
		t.Errorf("%s: widget styles not applied in the shadow root (border %q)", url, s.Border)
	}
	return s
}

func hrefs(ls []link) string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Href)
	}
	return strings.Join(out, " ")
}

func findLink(ls []link, href string) (link, bool) {
	for _, l := range ls {
		if l.Href == href {
			return l, true
		}
	}
	return link{}, false
}

// TestBannerInChromium loads the minified bundle the edge serves into the demo page, under the
// page's strict CSP, and checks what a visitor sees for several regions.
func TestBannerInChromium(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})

	t.Run("Canada by partner default", func(t *testing.T) {
		s := visit(t, browser, edge+"/", "")
		if !strings.Contains(s.Text, "If you are in distress, you can call or text 988 at any time.") {
			t.Errorf("Canadian message missing: %q", s.Text)
		}
		// Label in Name: the accessible name is the visible text; the number is also given
		// digit by digit, as the link's description.
		if l, ok := findLink(s.Links, "tel:988"); !ok || l.Text != "Call 988" || l.Label != "" || l.Desc != "9 8 8" {
			t.Errorf("tel:988 link named by its visible text and described digit by digit missing: %+v", s.Links)
		}
		if l, ok := findLink(s.Links, "tel:911"); !ok || l.Text != "Emergency 911" || l.Desc != "9 1 1" {
			t.Errorf("the emergency number is not in the banner: %+v", s.Links)
		}
		for _, l := range s.Links {
			if l.Label != "" && !strings.Contains(l.Label, l.Text) {
				t.Errorf("link %s: accessible name %q does not contain its visible text %q", l.Href, l.Label, l.Text)
			}
		}
		if l, ok := findLink(s.Links, "sms:686868"); !ok || l.Text != "Text CONNECT to 686868" {
			t.Errorf("Kids Help Phone text link must show its keyword: %+v", s.Links)
		}
	})
	t.Run("Québec in French", func(t *testing.T) {
		s := visit(t, browser, edge+"/?region=CA-QC&locale=fr", "1-866-277-3553") // with the snippet: the bundle draws Canada's first
		for _, want := range []string{"Si vous êtes en détresse", "1-866-277-3553", "Appeler le 988"} {
			if !strings.Contains(s.Text, want) {
				t.Errorf("missing %q in %q", want, s.Text)
			}
		}
		for _, href := range []string{"tel:+18662773553", "tel:988", "sms:535353"} {
			if _, ok := findLink(s.Links, href); !ok {
				t.Errorf("missing %s in %s", href, hrefs(s.Links))
			}
		}
	})
	t.Run("United Kingdom never gets 988", func(t *testing.T) {
		// GB's lines are not baked into this edge's bundle (its partners serve Canada): they
		// come with the snippet, the emergency number from the bundle.
		s := visit(t, browser, edge+"/?region=GB", "116 123")
		if !strings.Contains(s.Text, "116 123") || strings.Contains(s.Text, "988") || strings.Contains(hrefs(s.Links), "988") {
			t.Errorf("GB banner: %q %s", s.Text, hrefs(s.Links))
		}
		if _, ok := findLink(s.Links, "sms:85258"); !ok {
			t.Errorf("Shout missing: %s", hrefs(s.Links))
		}
	})
	t.Run("unknown region gets no number", func(t *testing.T) {
		s := visit(t, browser, edge+"/?region=AQ", "")
		if !strings.Contains(s.Text, "If you are in danger, call your local emergency number.") {
			t.Errorf("neutral message missing: %q", s.Text)
		}
		if len(s.Links) != 1 || !strings.HasPrefix(s.Links[0].Href, "https://") {
			t.Errorf("want only the directory link, got %s", hrefs(s.Links))
		}
	})
}

// TestPinnedEmbedOnPartnerPage embeds the pinned bundle, with its integrity hash, in a page of
// another origin under a strict CSP and a hostile stylesheet, included twice and with no
// placeholder: the way a partner's CMS page would.
func TestPinnedEmbedOnPartnerPage(t *testing.T) {
	t.Parallel()
	edge, srv := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	resp, err := http.Get(edge + "/v1/widget.json")
	if err != nil {
		t.Fatal(err)
	}
	var m edition.ManifestBody
	err = json.NewDecoder(resp.Body).Decode(&m)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if m.URL != srv.WidgetPath() {
		t.Fatalf("manifest URL %s, server %s", m.URL, srv.WidgetPath())
	}
	tag := fmt.Sprintf(`<script async src="%s%s" integrity="%s" crossorigin="anonymous" data-partner="mhcc" data-region="NZ"></script>`, edge, m.URL, m.Integrity)
	partner := http.NewServeMux()
	partner.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'self'; script-src "+edge+"; connect-src "+edge+"; style-src 'self'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html lang="en"><head><link rel="stylesheet" href="/hostile.css"></head>
<body><p class="banner msg" id="own">The partner's own text.</p>%s%s</body></html>`, tag, tag)
	})
	partner.HandleFunc("/hostile.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, `* { color: rgb(255, 0, 0) !important; } div { display: none; } a { pointer-events: none; }`)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ps := &http.Server{Handler: partner, ReadHeaderTimeout: 5 * time.Second}
	go ps.Serve(ln)
	t.Cleanup(func() { ps.Close() })

	s := visit(t, browser, "http://"+ln.Addr().String()+"/", "1737")
	if s.Hosts != 1 {
		t.Errorf("included twice: %d banners, want 1", s.Hosts)
	}
	if !s.First {
		t.Error("without a placeholder the banner must be the first element of <body>")
	}
	if !strings.Contains(s.Text, "1737") {
		t.Errorf("data-region=NZ: %q", s.Text)
	}
	if s.Color == "rgb(255, 0, 0)" {
		t.Error("host page CSS leaked into the widget")
	}
	tab := browsertest.CDP(t, browser.Tab(t))
	ctx, cancel := context.WithTimeout(tab, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("http://"+ln.Addr().String()+"/")); err != nil {
		t.Fatal(err)
	}
	border, err := chromedp.Run(ctx, chromedp.Poll[string](`document.querySelector('[data-signpost]') && getComputedStyle(document.getElementById('own')).borderLeftStyle`))
	if err != nil || border != "none" {
		t.Errorf("widget CSS leaked out onto the page's .banner (border %q, %v)", border, err)
	}
}
