package widget_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/internal/browsertest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/signpost/edge/snippets"
)

// startIntake serves the shipped content with a real embedded feedback log and returns the
// edge origin and the store, to read what was kept; an operator token may be given (exports).
func startIntake(t *testing.T, ipRate string, adminToken ...string) (string, feedback.Store) {
	t.Helper()
	content, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	store, err := logstore.Open(t.TempDir(), logstore.Options{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	limits, err := ratelimit.New(ratelimit.Config{IPRate: ipRate, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	cfg := server.Config{Logger: log, Feedback: store, RateLimits: limits}
	if len(adminToken) > 0 {
		cfg.AdminToken = adminToken[0]
	}
	t.Cleanup(func() { store.Close() }) // after the edge's own cleanup (Shutdown): last in, first out
	return edgetest.Start(t, edgetest.Browsing(t, cfg, content)).URL(), store
}

func records(t *testing.T, store feedback.Store) []*feedback.Record {
	t.Helper()
	var out []*feedback.Record
	if err := store.Records(context.Background(), feedback.Filter{}, func(r *feedback.Record) error {
		out = append(out, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// fillAndSend answers "found" yes, types the comment with real key events, optionally fills the
// honeypot, waits out the 1.5 s a person needs at the least (faster is treated as a bot), and
// presses the send button.
func fillAndSend(t *testing.T, ctx context.Context, comment string, honeypot bool) {
	t.Helper()
	fb := shadow("feedback")
	poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+fb+`.querySelector("form button")`)
	eval[bool](t, ctx, fb+`.querySelector("[name=found][value='1']").click() || true`)
	eval[bool](t, ctx, fb+`.querySelector("textarea").focus() || true`)
	if err := chromedp.Do(ctx, chromedp.KeyEvent(comment)); err != nil {
		t.Fatal(err)
	}
	if honeypot {
		eval[bool](t, ctx, fb+`.querySelector("[name=website]").value = "http://spam.example" && true`)
	}
	time.Sleep(1600 * time.Millisecond)
	eval[bool](t, ctx, fb+`.querySelector("form button").click() || true`)
}

func TestFeedbackEndToEnd(t *testing.T) {
	t.Parallel()
	edge, store := startIntake(t, "")
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	fb := shadow("feedback")

	t.Run("reaches the server", func(t *testing.T) {
		url := s.embed("/fb", "en", `data-partner="demo" data-components="banner,feedback"`, "", "", "")
		ctx := open(t, browser, url+"?utm_source=mail#section")
		fillAndSend(t, ctx, "Useful page, thanks", false)
		poll(t, ctx, fb+`.textContent.includes("Thank you for your feedback.")`)
		rs := records(t, store)
		if len(rs) != 1 {
			t.Fatalf("%d records stored, want 1", len(rs))
		}
		r := rs[0]
		if r.Partner != "demo" || r.Page != "/fb" || r.Locale != "en" || r.Found == nil || !*r.Found || r.Helpful != nil ||
			r.Comment != "Useful page, thanks" || r.Crisis || r.IPHash == "" {
			t.Errorf("stored %+v", r)
		}
		if strings.Contains(r.IPHash, "127.0.0.1") {
			t.Error("the raw IP was stored")
		}
	})

	t.Run("crisis comment", func(t *testing.T) {
		url := s.embed("/fb-crisis", "fr", `data-partner="demo" data-region="CA-QC" data-components="banner,feedback"`, "", "", "")
		ctx := open(t, browser, url)
		fillAndSend(t, ctx, "je veux mourir", false)
		poll(t, ctx, fb+`.textContent.includes("Merci de vos commentaires.")`)
		// After submit the server's crisis answer shows the lines again, with the thanks.
		if links := eval[string](t, ctx, `[...`+fb+`.querySelectorAll(".crisis a")].map(a => a.getAttribute("href")).join(" ")`); !strings.Contains(links, "tel:+18662773553") {
			t.Errorf("crisis lines after submit: %q", links)
		}
		rs := records(t, store)
		if last := rs[len(rs)-1]; !last.Crisis || last.Comment != "je veux mourir" || last.Locale != "fr" {
			t.Errorf("crisis record %+v", last)
		}
	})

	t.Run("email the server rejects", func(t *testing.T) {
		before := len(records(t, store))
		url := s.embed("/fb-email", "en", `data-partner="demo" data-components="banner,feedback"`, "", "", "")
		ctx := open(t, browser, url)
		poll(t, ctx, `!!document.querySelector('[data-signpost="feedback"]') && !!`+fb+`.querySelector("[type=checkbox]")`)
		eval[bool](t, ctx, `(() => { const r = `+fb+`; r.querySelector("[type=checkbox]").click(); r.querySelector("[type=email]").value = "a@b..c"; return true })()`)
		fillAndSend(t, ctx, "Please follow up", false)
		poll(t, ctx, fb+`.querySelector(".err").textContent.includes("valid email")`)
		if active := eval[string](t, ctx, fb+`.activeElement && `+fb+`.activeElement.type`); active != "email" {
			t.Errorf("focus on %q, want the email field", active)
		}
		if after := len(records(t, store)); after != before {
			t.Errorf("a rejected submission was stored: %d -> %d", before, after)
		}
	})

	t.Run("honeypot is not stored", func(t *testing.T) {
		before := len(records(t, store))
		url := s.embed("/fb-bot", "en", `data-partner="demo" data-components="banner,feedback"`, "", "", "")
		ctx := open(t, browser, url)
		fillAndSend(t, ctx, "Buy cheap things", true)
		// A bot is answered as if accepted, so it learns nothing.
		poll(t, ctx, fb+`.textContent.includes("Thank you for your feedback.")`)
		if after := len(records(t, store)); after != before {
			t.Errorf("honeypot submission stored: %d -> %d records", before, after)
		}
	})
}

func TestFeedbackRateLimitMessage(t *testing.T) {
	t.Parallel()
	edge, _ := startIntake(t, "1-M")
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	s := newSite(t, edge)
	fb := shadow("feedback")
	url := s.embed("/fb-rate", "en", `data-partner="demo" data-components="banner,feedback"`, "", "", "")
	ctx := open(t, browser, url)
	fillAndSend(t, ctx, "first", false)
	poll(t, ctx, fb+`.textContent.includes("Thank you for your feedback.")`)
	ctx = open(t, browser, url+"?2")
	fillAndSend(t, ctx, "second", false)
	poll(t, ctx, fb+`.querySelector("[role=status]") && `+fb+`.querySelector("[role=status]").textContent.includes("seconds")`)
	msg := eval[string](t, ctx, fb+`.querySelector("[role=status]").textContent`)
	if !strings.HasPrefix(msg, "Too many messages were sent from here. Please try again in ") {
		t.Errorf("429 message %q", msg)
	}
	if eval[bool](t, ctx, fb+`.querySelector("form button").disabled`) {
		t.Error("the send button stays disabled after a 429: the visitor cannot retry")
	}
}
