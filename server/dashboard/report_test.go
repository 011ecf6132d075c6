package dashboard

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/snippets"
)

func shipped(t testing.TB) *snippets.Loaded {
	t.Helper()
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestDashboardChartGeometry: the rates chart joins consecutive shown buckets with a line, breaks
// it at a hidden one, and draws each interval from its low to its high bound.
func TestDashboardChartGeometry(t *testing.T) {
	rate := func(yes, n int) feedback.Rate {
		r := feedback.Rate{Yes: yes, N: n, Suppressed: n < feedback.MinAnswers}
		if !r.Suppressed {
			p := float64(yes) / float64(n)
			lo, hi := feedback.Wilson(yes, n)
			r.Rate, r.Lo, r.Hi = &p, &lo, &hi
		}
		return r
	}
	rows := []feedback.RatesRow{
		{Bucket: "d1", Found: rate(10, 10), Helpful: rate(0, 10)},
		{Bucket: "d2", Found: rate(5, 10), Helpful: rate(3, 9)},
		{Bucket: "d3", Found: rate(0, 5), Helpful: rate(5, 10)},
		{Bucket: "d4", Found: rate(8, 10), Helpful: rate(5, 10)},
	}
	c := drawRates("c", "en", rows, "title", "desc")
	found, helpful := c.Series[0], c.Series[1]
	// x: 68 + i*172 (four buckets over 516 units), found 3 to the left, helpful 3 to the right;
	// y: 196 at 0 %, 16 at 100 %.
	if want := []string{"65.0,16.0 237.0,106.0"}; !slices.Equal(found.Lines, want) {
		t.Errorf("found lines %v, want %v (broken at the hidden third day)", found.Lines, want)
	}
	if len(found.Points) != 3 || found.Points[2].X != 581 || math.Abs(found.Points[2].Y-(196-0.8*180)) > 1e-9 {
		t.Errorf("found points %+v", found.Points)
	}
	if want := []string{"415.0,106.0 587.0,106.0"}; !slices.Equal(helpful.Lines, want) || helpful.Dash == "" || found.Dash != "" {
		t.Errorf("helpful lines %v dash %q", helpful.Lines, helpful.Dash)
	}
	lo, hi := feedback.Wilson(8, 10)
	if p := found.Points[2]; math.Abs(p.Lo-yOf(lo)) > 1e-9 || math.Abs(p.Hi-yOf(hi)) > 1e-9 || p.Hi >= p.Y || p.Lo <= p.Y {
		t.Errorf("interval of 8/10: %+v", p)
	}
	if len(c.YTicks) != 5 || c.YTicks[0].Label != "0%" || c.YTicks[4].Label != "100%" || c.YTicks[4].Y != 16 || c.YTicks[0].Y != 196 {
		t.Errorf("y axis %+v", c.YTicks)
	}
	if len(c.XTicks) != 4 || c.XTicks[3].Label != "d4" {
		t.Errorf("x axis %+v", c.XTicks)
	}
	var buf bytes.Buffer
	if err := reportTemplate.ExecuteTemplate(&buf, "rates-chart", c); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	// Readable text: no font under 16 units; a month of days gets at most 5 x labels, each
	// about 90 units wide, spaced so that none overlaps the next or leaves the viewBox; the
	// legend has a row per series.
	if m := regexp.MustCompile(`font-size="(\d+)"`).FindAllStringSubmatch(svg, -1); len(m) == 0 {
		t.Error("chart sets no font size")
	} else {
		for _, f := range m {
			if n, _ := strconv.Atoi(f[1]); n < 16 {
				t.Errorf("chart text at font-size %d, want ≥ 16", n)
			}
		}
	}
	month := make([]feedback.RatesRow, 31)
	for i := range month {
		month[i] = feedback.RatesRow{Bucket: fmt.Sprintf("2026-10-%02d", i+1), Found: rate(8, 10), Helpful: rate(5, 10)}
	}
	mc := drawRates("m", "fr", month, "title", "desc")
	if len(mc.XTicks) > 5 {
		t.Errorf("%d x labels for 31 days, want at most 5", len(mc.XTicks))
	}
	for i, tk := range mc.XTicks {
		if tk.X-48 < 0 || tk.X+48 > float64(mc.W) || (i > 0 && tk.X-mc.XTicks[i-1].X < 100) {
			t.Errorf("x labels %+v overlap or leave the chart", mc.XTicks)
			break
		}
	}
	if mc.Series[0].LegendY == mc.Series[1].LegendY {
		t.Errorf("legend entries on one row: %+v", mc.Series)
	}
	for _, want := range []string{`<polyline points="65.0,16.0 237.0,106.0" fill="none"`, `stroke-dasharray="6 4"`, `<circle cx="581.0"`, `<title id="c-title">title</title>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q:\n%s", want, svg)
		}
	}
}

// TestDashboardBuildReportOrder: buildReport starts a partner when the partner changes, not on
// an all-pages series: series of odd data (a page before "*", a partner with no "*") neither
// panic nor land under the wrong partner.
func TestDashboardBuildReportOrder(t *testing.T) {
	row := []feedback.RatesRow{{Bucket: "2026-11-13", N: 1, Found: feedback.Rate{Suppressed: true}, Helpful: feedback.Rate{Suppressed: true}}}
	rates := &feedback.Rates{Period: feedback.Day, From: "2026-11-13", To: "2026-11-13", Series: []feedback.Series{
		{Partner: "demo", Page: "", N: 1, Rows: row},
		{Partner: "demo", Page: feedback.AllPages, N: 1, Rows: row},
		{Partner: "mhcc", Page: "x", N: 1, Rows: row},
		{Partner: "zeta", Page: feedback.OtherPages, Pages: 1, N: 1, Rows: row},
	}}
	v := buildReport(shipped(t), "en", rates, nil)
	var got []string
	for _, p := range v.Partners {
		for _, s := range p.Series {
			got = append(got, p.ID+" "+s.Partner+" "+s.Heading)
		}
	}
	if want := []string{"demo demo ", "demo demo All pages", "mhcc mhcc x", "zeta zeta 1 other page"}; !slices.Equal(got, want) {
		t.Errorf("report series %q, want %q", got, want)
	}
	// One response: the singular, in either language.
	if v.Summary != "1 response from 2026-11-13 to 2026-11-13." {
		t.Errorf("summary %q", v.Summary)
	}
	if fr := buildReport(shipped(t), "fr", rates, nil); fr.Summary != "1 réponse du 2026-11-13 au 2026-11-13." {
		t.Errorf("fr summary %q", fr.Summary)
	}
	if err := reportTemplate.Execute(io.Discard, v); err != nil {
		t.Error(err)
	}
}
