package widget_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/browsertest"
)

// TestReportFromFrameWithoutJavaScript: with scripts off, a visitor opens a line's "Report a
// problem with this line" in the frame page, chooses a reason, writes a comment and sends it:
// the page says the report was sent, and it is stored once, as a line report.
func TestReportFromFrameWithoutJavaScript(t *testing.T) {
	t.Parallel()
	edge, store := startIntake(t, "")
	browser := browsertest.Open(t, browsertest.Chromium, browsertest.Options{Unsized: true})
	ctx := open(t, browser, edge+"/v1/frame/demo?region=CA-QC&locale=en&components=banner,exit&page=/anxiety", scriptsOff(), phoneAction(true))
	pollDevtools(t, ctx, `document.querySelector(".signpost-banner")`)
	const rep = "details.signpost-rep[open] "
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("summary.signpost-more")), chromedp.Click(chromedp.CSS(".signpost-rep > summary")),
		chromedp.Click(chromedp.CSS(rep+`input[name=reason][value=not_working]`)), chromedp.Focus(chromedp.CSS(rep+"textarea")),
		chromedp.KeyEvent("Rang out at 2am")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1600 * time.Millisecond) // a person's least time on a form (faster is a bot's)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(rep+`button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	pollDevtools(t, ctx, `document.querySelector('[role="status"]')`)
	var text string
	if err := devtoolsEval(ctx)(`document.body.innerText`, &text); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "Thank you. Your report was sent to the content team") {
		t.Errorf("answer page:\n%s", text)
	}
	var reports []*feedback.Record
	if err := store.Records(context.Background(), feedback.Filter{Kind: feedback.KindLineReport}, func(r *feedback.Record) error {
		reports = append(reports, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Reason != "not_working" || reports[0].Comment != "Rang out at 2am" || reports[0].Page != "/anxiety" || reports[0].Line != "qc-appelle" {
		t.Errorf("reports stored: %d %+v", len(reports), reports)
	}
}
