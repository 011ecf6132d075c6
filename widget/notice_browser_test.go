package widget_test

import (
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

// TestNoticeLeavesAtExpiry: an emergency notice shows in the banner of an open page and leaves
// it by itself when it expires, without a reload; a page loaded afterwards never shows it.
func TestNoticeLeavesAtExpiry(t *testing.T) {
	t.Parallel()
	// Far enough ahead for a busy machine to load the page before it; the waits after it are
	// generous, and what they took is logged rather than asserted.
	expires := time.Now().Add(12 * time.Second).UTC().Truncate(time.Second).Add(time.Second)
	src, err := snippets.PutNotice(configs.Content, &snippets.Notice{
		ID:        "storm",
		Message:   snippets.Text{"en": "Storm: the Halifax walk-in clinic is closed today.", "fr": "Tempête : la clinique sans rendez-vous d'Halifax est fermée aujourd'hui."},
		ExpiresAt: expires.Format(time.RFC3339),
	})
	if err != nil {
		t.Fatal(err)
	}
	content, err := snippets.Load(src, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	edge := edgetest.Start(t, edgetest.Browsing(t, server.Config{}, content)).URL()
	s := newSite(t, edge)
	page := s.embed("/clinic", "en", `data-partner="mhcc" data-region="CA-NS"`, "", "", "")

	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := open(t, browser, page)
	notice := `(() => { const r = document.querySelector('[data-signpost="banner"]').shadowRoot; const n = r && r.querySelector('.notice'); return n ? n.textContent : ""; })()`
	poll(t, ctx, notice+` != ""`)
	if got := eval[string](t, ctx, notice); got != "Storm: the Halifax walk-in clinic is closed today." {
		t.Fatalf("notice shown as %q", got)
	}
	if time.Now().After(expires) {
		t.Fatalf("the page took until after the notice's expiry to show it")
	}
	eval[bool](t, ctx, `window.__samePage = true`)
	for deadline := expires.Add(20 * time.Second); eval[string](t, ctx, notice) != ""; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the notice is still shown %v after its expiry", time.Since(expires))
		}
	}
	t.Logf("the notice left the open page %v after its expiry", time.Since(expires).Round(time.Millisecond))
	if time.Now().Before(expires.Add(-time.Second)) {
		t.Errorf("the notice left the page at %v, before its expiry %v", time.Now(), expires)
	}
	if !eval[bool](t, ctx, `window.__samePage === true`) {
		t.Error("the page was reloaded: the notice should leave the open page by itself")
	}
	if banner := eval[string](t, ctx, `document.querySelector('[data-signpost="banner"]').shadowRoot.textContent`); banner == "" {
		t.Error("the banner went with the notice")
	}
	cleanProbe(t, ctx)

	again := open(t, browser, page)
	poll(t, again, `(() => { const r = document.querySelector('[data-signpost="banner"]'); return !!(r && r.shadowRoot && r.shadowRoot.querySelector('.msg')); })()`)
	time.Sleep(300 * time.Millisecond) // the snippet refresh, had it carried the notice
	if got := eval[string](t, again, notice); got != "" {
		t.Errorf("a page loaded after expiry shows the notice %q", got)
	}
}
