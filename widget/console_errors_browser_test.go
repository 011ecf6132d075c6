package widget_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/internal/browsertest"
)

// consoleErrors opens url in a new tab and collects what a developer's console would show as
// errors until the page has settled: failed requests (a 404 favicon, a refused beacon),
// uncaught exceptions and console.error calls, in the page and its frames.
func consoleErrors(t *testing.T, browser browsertest.Page, url, ready string) []string {
	t.Helper()
	tab := browsertest.CDP(t, browser.Tab(t))
	ctx, cancel := context.WithTimeout(tab, 2*time.Minute)
	defer cancel()
	var mu sync.Mutex
	var errs []string
	add := func(s string) { mu.Lock(); errs = append(errs, s); mu.Unlock() }
	if err := chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				add(string(ev.Entry.Source) + ": " + ev.Entry.Text + " " + ev.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			add("exception: " + ev.ExceptionDetails.Text)
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				add(fmt.Sprintf("%d %s", ev.Response.Status, ev.Response.URL))
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				add("failed: " + ev.ErrorText)
			}
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				add("console.error")
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, runtime.Enable, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	poll(t, ctx, ready)
	time.Sleep(time.Second) // late requests: the preview's widget, its beacon, the favicon
	mu.Lock()
	defer mu.Unlock()
	return append([]string(nil), errs...)
}

// TestNoConsoleErrors: the pages a partner's or an operator's developer opens first, /embed
// (with the live preview of the real widget, whose usage beacon the edge would refuse from the
// sandboxed frame) and /admin/, and the demo page, log no error at all. A page with a missing
// image shows the check sees such errors.
func TestNoConsoleErrors(t *testing.T) {
	t.Parallel()
	edge, _ := startEdge(t)
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	for _, tc := range []struct{ name, url, ready string }{
		{"builder", edge + "/embed?partner=demo&components=banner,resources,feedback,exit", `!document.querySelector('button[data-copy]').hidden`},
		{"builder preview", edge + "/embed/preview?partner=demo&components=banner,resources,feedback,exit", shadow("feedback") + `.querySelector("form")`},
		{"console", edge + "/admin/", `document.getElementById("sp-token")`},
		{"demo page", edge + "/", shadow("feedback") + `.querySelector("form")`},
	} {
		if errs := consoleErrors(t, browser, tc.url, tc.ready); len(errs) > 0 {
			t.Errorf("%s: console errors %v", tc.name, errs)
		}
	}
	// Chromium runs the builder's sandboxed preview frame in a target of its own, whose
	// console the page's does not show: its requests, read in the frame, are all answered.
	ctx := open(t, browser, edge+"/embed?partner=demo&components=banner,resources,feedback,exit")
	time.Sleep(time.Second)
	reqs := previewEval(t, ctx, `(() => { const f = document.querySelector('[data-signpost="feedback"]');
		if (!f || !f.shadowRoot || !f.shadowRoot.querySelector("form")) return "";
		return JSON.stringify(performance.getEntriesByType("resource").map((e) => e.name.replace(/^.*\/v1\//, "") + " " + e.responseStatus)) })()`)
	if !strings.Contains(reqs, "snippets/demo") || strings.Contains(reqs, "beacon") {
		t.Errorf("the preview's requests %s: want its snippet and no beacon (the edge refuses one from a sandboxed frame)", reqs)
	}
	s := newSite(t, edge)
	broken := s.page("/broken", `<!doctype html><html lang="en"><head><title>x</title></head><body><img src="/missing.png" alt="x"></body></html>`)
	if errs := consoleErrors(t, browser, broken, `document.readyState === "complete"`); !strings.Contains(strings.Join(errs, " "), "404") {
		t.Errorf("a 404 image was not seen as a console error: %v", errs)
	}
}
