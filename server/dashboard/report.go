package dashboard

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"html"
	"html/template"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
	"github.com/signpost/edge/usage"
	"github.com/signpost/edge/words"
	"github.com/valyala/fasthttp"
)

// The dashboard's report: an HTML fragment the dashboard page inserts as it is. Charts are SVG
// drawn here, in Go, so that the page needs no chart library; each has a table beside it with
// the same numbers, which is also what screen readers and tests read. Everything shown goes
// through html/template (partner names, page paths and line names are operator or visitor
// text), and nothing in it needs a script or a style attribute, which the console's CSP forbids:
// colours are SVG presentation attributes, layout is the console's stylesheet's business
// (classes sp-report-*).

//go:embed report.html
var reportSource string

var reportTemplate = template.Must(template.New("report").Parse(reportSource))

// reportText is the report's copy in one language.
type reportText struct {
	Heading, Usage, Empty, UsageEmpty, UsageNote    string
	AllPages, AllPagesInline, Responses, Suppressed string
	Found, Helpful, Yes, Answers, Rate, Lo, Hi      string
	Line, Banner, Shown, Tel, SMS, Chat, Percent    string
	RatesCaption, ChartTitle, ChartDesc, UsageTitle string
	UsageDesc                                       string
	// Filtered sums the report up: "%d response(s) from %s to %s", one and many.
	Filtered [2]string
	// OtherPages heads the series folding a partner's less used pages ("%d other pages", one
	// and many); OtherPagesInline names it in a sentence.
	OtherPages       [2]string
	OtherPagesInline string
	// Clipped says the span was cut to the latest buckets: count, period, from, to.
	Clipped string
	// BucketDay and BucketWeek head the bucket column; PeriodDay and PeriodWeek name a
	// bucket in a sentence, one and many.
	BucketDay, BucketWeek string
	PeriodDay, PeriodWeek [2]string
}

// reportCopy is the report's copy by language: the report.* keys of the one catalogue
// (words/en.json and fr.json, through server/pagetext).
var reportCopy = func() map[string]*reportText {
	m := map[string]*reportText{}
	for l, t := range pagetext.Texts[reportText]("report") {
		m[string(l)] = t
	}
	return m
}()

// bucket is the heading of the bucket column, and periodWord names a bucket in a sentence:
// "day"/"week", "jour"/"semaine"; plural for "left out".
func (t *reportText) bucket(p feedback.Period) string {
	if p == feedback.Week {
		return t.BucketWeek
	}
	return t.BucketDay
}

func (t *reportText) periodWord(p feedback.Period, plural bool) string {
	w := t.PeriodDay
	if p == feedback.Week {
		w = t.PeriodWeek
	}
	if plural {
		return w[1]
	}
	return w[0]
}

// handleFeedbackReport answers GET /v1/admin/feedback/report?<filter>&bucket=day|week&lang=en|fr
// with the report fragment (text/html).
func (s *handlers) handleFeedbackReport(ctx *fasthttp.RequestCtx) error {
	if s.Feedback == nil {
		return errFeedbackUnavailable
	}
	lang := "en"
	if v := string(ctx.QueryArgs().Peek("lang")); v != "" {
		if reportCopy[v] == nil {
			return answer.BadParam("lang", "invalid_parameter.lang")
		}
		lang = v
	}
	f, p, err := s.rateQuery(ctx)
	if err != nil {
		return err
	}
	rates, err := s.computeRates(ctx, f, p)
	if err != nil {
		return err
	}
	q := usage.Query{Partner: f.Partner}
	if !f.Since.IsZero() {
		q.Since = usage.Day(f.Since)
	}
	if !f.Until.IsZero() {
		q.Until = usage.Day(f.Until.Add(-time.Nanosecond))
	}
	rows, err := s.Usage.Rows(context.Background(), q)
	if err != nil {
		s.Log.Error("usage counts unreadable", "err", err)
		return errUsageUnreadable
	}
	rows = partnerRows(ctx, rows)
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, buildReport(s.CurrentContent(), lang, rates, rows)); err != nil {
		return err
	}
	ctx.SetContentType("text/html; charset=utf-8")
	ctx.SetBody(bytes.TrimSpace(buf.Bytes())) // the template's definitions leave blank lines
	return nil
}

// The report's view model: every number already formatted for the language.

type reportView struct {
	Lang string
	T    *reportText
	// BucketHeading heads the first column: "Day" or "Week".
	BucketHeading string
	Summary       string
	// Clipped is set when older records were left out of a span given no start.
	Clipped  string
	Partners []reportPartner
	Usage    []usagePartner
}

type reportPartner struct {
	ID, Name string
	Series   []reportSeries
}

type reportSeries struct {
	Partner, Page, Heading, Caption string
	Chart                           rateChart
	Rows                            []reportRow
}

type reportRow struct {
	Bucket string
	Cells  []reportCell
}

// Body writes the series' table rows. A two-year daily report holds some 16,000 of them, which
// html/template's reflection takes most of a second to walk; written here, with every value
// escaped for text and for quoted attributes alike, they cost a tenth of that.
func (rs reportSeries) Body() template.HTML {
	var b strings.Builder
	partner, page := html.EscapeString(rs.Partner), html.EscapeString(rs.Page)
	for _, r := range rs.Rows {
		bucket := html.EscapeString(r.Bucket)
		b.WriteString("\n<tr data-partner=\"" + partner + "\" data-page=\"" + page + "\" data-bucket=\"" + bucket + "\"><th scope=\"row\">" + bucket + "</th>")
		for _, c := range r.Cells {
			b.WriteString("<td data-col=\"" + html.EscapeString(c.Col) + "\"")
			if c.Suppressed {
				b.WriteString(` class="sp-report-suppressed"`)
			}
			b.WriteString(">" + html.EscapeString(c.Text) + "</td>")
		}
		b.WriteString("</tr>")
	}
	return template.HTML(b.String())
}

// reportCell is one cell of a rates row; Col is its data-col hook.
type reportCell struct {
	Col, Text  string
	Suppressed bool
}

type usagePartner struct {
	ID, Name, Caption string
	Rows              []usageLine
	Chart             barChart
}

type usageLine struct {
	Line, Name            string
	Shown, Tel, SMS, Chat int64
	Total                 bool
}

// formatPct writes a fraction as a percentage with one decimal, with the language's decimal mark.
func formatPct(lang string, v float64) string {
	s := strconv.FormatFloat(v*100, 'f', 1, 64)
	if lang == "fr" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// rateCells are the five cells of one question: yes, answers, rate, low, high. Below
// MinAnswers the rate cell says so and the interval cells hold a dash.
func rateCells(lang, prefix string, r feedback.Rate) []reportCell {
	c := []reportCell{{Col: prefix + "_yes", Text: strconv.Itoa(r.Yes)}, {Col: prefix + "_n", Text: strconv.Itoa(r.N)}}
	if r.Suppressed {
		return append(c, reportCell{Col: prefix + "_rate", Text: reportCopy[lang].Suppressed, Suppressed: true},
			reportCell{Col: prefix + "_lo", Text: "—", Suppressed: true}, reportCell{Col: prefix + "_hi", Text: "—", Suppressed: true})
	}
	return append(c, reportCell{Col: prefix + "_rate", Text: formatPct(lang, *r.Rate)},
		reportCell{Col: prefix + "_lo", Text: formatPct(lang, *r.Lo)}, reportCell{Col: prefix + "_hi", Text: formatPct(lang, *r.Hi)})
}

func buildReport(content *snippets.Loaded, lang string, rates *feedback.Rates, rows []usage.Row) *reportView {
	t := reportCopy[lang]
	v := &reportView{Lang: lang, T: t, BucketHeading: t.bucket(rates.Period)}
	partnerName := func(id string) string {
		if p := content.Partners[id]; p != nil && p.Name != "" {
			return p.Name
		}
		return id
	}
	total := 0
	chartN := 0
	for _, se := range rates.Series {
		if se.Page == feedback.AllPages {
			total += se.N
		}
		// A partner's series come together, its all-pages one first; but a partner is started
		// by its id changing, not by that series, so that a series of odd data (a legacy page
		// with no "/" sorts before "*") lands under its own partner instead of panicking.
		if n := len(v.Partners); n == 0 || v.Partners[n-1].ID != se.Partner {
			v.Partners = append(v.Partners, reportPartner{ID: se.Partner, Name: partnerName(se.Partner)})
		}
		rp := &v.Partners[len(v.Partners)-1]
		heading, inline := se.Page, se.Page
		switch se.Page {
		case feedback.AllPages:
			heading, inline = t.AllPages, t.AllPagesInline
		case feedback.OtherPages:
			heading, inline = words.Format(t.OtherPages[1], se.Pages), t.OtherPagesInline
			if se.Pages == 1 {
				heading = words.Format(t.OtherPages[0], se.Pages)
			}
		}
		rs := reportSeries{Partner: se.Partner, Page: se.Page, Heading: heading,
			Caption: words.Format(t.RatesCaption, rp.Name, inline, t.periodWord(rates.Period, false))}
		for _, r := range se.Rows {
			cs := append([]reportCell{{Col: "n", Text: strconv.Itoa(r.N)}}, rateCells(lang, "found", r.Found)...)
			rs.Rows = append(rs.Rows, reportRow{Bucket: r.Bucket, Cells: append(cs, rateCells(lang, "helpful", r.Helpful)...)})
		}
		rs.Chart = drawRates(fmt.Sprintf("sp-report-chart-%d", chartN), lang, se.Rows,
			words.Format(t.ChartTitle, rp.Name, inline, t.periodWord(rates.Period, false)),
			words.Format(t.ChartDesc, t.periodWord(rates.Period, false), rates.From, rates.To, t.periodWord(rates.Period, true)))
		chartN++
		rp.Series = append(rp.Series, rs)
	}
	if len(rates.Series) > 0 {
		v.Summary = words.Format(t.Filtered[pagetext.Plural(snippets.Locale(lang), total)], total, rates.From, rates.To)
	}
	if rates.Clipped {
		v.Clipped = words.Format(t.Clipped, feedback.MaxBuckets, t.periodWord(rates.Period, true), rates.From, rates.To)
	}
	v.Usage = buildUsage(content, lang, rows, partnerName)
	return v
}

// buildUsage sums the usage rows per partner and line over the days. A line's views are the
// banners shown for region entries that list it in the current content: the beacon counts a
// banner, not each line in it.
func buildUsage(content *snippets.Loaded, lang string, rows []usage.Row, partnerName func(string) string) []usagePartner {
	t := reportCopy[lang]
	type key struct{ partner, line string }
	sums := map[key]*usageLine{}
	get := func(partner, line string) *usageLine {
		k := key{partner, line}
		if sums[k] == nil {
			sums[k] = &usageLine{Line: line}
		}
		return sums[k]
	}
	for _, r := range rows {
		total := get(r.Partner, feedback.AllPages)
		total.Shown += r.Shown
		total.Tel += r.Tel
		total.SMS += r.SMS
		total.Chat += r.Chat
		if r.Line == "" {
			if reg := content.Regions[r.Region]; reg != nil && r.Shown > 0 {
				for _, id := range reg.Lines {
					get(r.Partner, id).Shown += r.Shown
				}
			}
			continue
		}
		l := get(r.Partner, r.Line)
		l.Tel += r.Tel
		l.SMS += r.SMS
		l.Chat += r.Chat
	}
	byPartner := map[string][]usageLine{}
	for k, l := range sums {
		l.Name = k.line
		if k.line == feedback.AllPages {
			l.Name, l.Total = t.Banner, true
		} else if cl := content.Lines[k.line]; cl != nil {
			l.Name = cl.Name.Get(snippets.Locale(lang))
		}
		byPartner[k.partner] = append(byPartner[k.partner], *l)
	}
	var out []usagePartner
	for id, ls := range byPartner {
		// The banner's total first, then the lines most used first.
		slices.SortFunc(ls, func(a, b usageLine) int {
			if a.Total != b.Total {
				if a.Total {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(b.Tel+b.SMS+b.Chat, a.Tel+a.SMS+a.Chat); c != 0 {
				return c
			}
			return strings.Compare(a.Line, b.Line)
		})
		name := partnerName(id)
		up := usagePartner{ID: id, Name: name, Rows: ls, Caption: words.Format(t.UsageTitle, name)}
		up.Chart = drawUsage(fmt.Sprintf("sp-report-usage-%s", id), lang, ls, up.Caption, t.UsageDesc)
		out = append(out, up)
	}
	slices.SortFunc(out, func(a, b usagePartner) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// SVG geometry. The rates chart has a fixed viewBox; the page's CSS scales it to the page's
// width (at most 60rem), above its table. Its text is 16 units high (legend and group names
// bold or larger), so that it reads at the size of the page's text or near it; x labels are
// spaced by at least one label's width ("2026-11-13" is about 90 units), and the legend has a
// row per series, so that no two labels overlap in either language.

const (
	chartW, chartH         = 640, 290
	plotLeft, plotRight    = 56.0, 596.0
	plotTop, plotBottom    = 16.0, 196.0
	xLabelY, legendY       = 222.0, 252.0
	legendRow              = 28.0
	chartFont              = 16
	maxXLabels             = 5
	foundColour            = "#00558c"
	helpfulColour          = "#a33a00"
	axisColour, textColour = "#6b6b6b", "#222222"
)

type rateChart struct {
	ID, Title, Desc string
	W, H            int
	YTicks          []chartTick
	XTicks          []chartTick
	Series          []chartSeries
	Left, Right     float64
	Top, Bottom     float64
	Font            int
	Found, Helpful  string
	Axis, Text      string
}

type chartTick struct {
	X, Y  float64
	Label string
}

type chartSeries struct {
	Class, Colour, Dash, Label string
	LegendX, LegendX2          float64
	LegendY, LegendLineY       float64
	Lines                      []string // polyline points, one per run of shown buckets
	Points                     []chartPoint
}

// chartPoint is one shown rate: its marker at (X, Y), its interval from Hi to Lo (y grows
// downwards) with caps from CapL to CapR.
type chartPoint struct {
	X, Y, Lo, Hi, CapL, CapR float64
}

func yOf(v float64) float64 { return plotBottom - v*(plotBottom-plotTop) }

func drawRates(id, lang string, rows []feedback.RatesRow, title, desc string) rateChart {
	t := reportCopy[lang]
	c := rateChart{ID: id, Title: title, Desc: desc, W: chartW, H: chartH,
		Left: plotLeft, Right: plotRight, Top: plotTop, Bottom: plotBottom, Font: chartFont,
		Found: foundColour, Helpful: helpfulColour, Axis: axisColour, Text: textColour}
	for _, pct := range []int{0, 25, 50, 75, 100} {
		c.YTicks = append(c.YTicks, chartTick{X: plotLeft - 6, Y: yOf(float64(pct) / 100), Label: strconv.Itoa(pct) + t.Percent})
	}
	n := len(rows)
	xOf := func(i int) float64 {
		if n <= 1 {
			return (plotLeft + plotRight) / 2
		}
		return plotLeft + 12 + float64(i)*(plotRight-plotLeft-24)/float64(n-1)
	}
	step := max(1, int(math.Ceil(float64(n)/maxXLabels)))
	for i, r := range rows {
		if i%step == 0 {
			c.XTicks = append(c.XTicks, chartTick{X: xOf(i), Y: xLabelY, Label: r.Bucket})
		}
	}
	// The two series sit a little apart, so that their interval bars do not hide each other;
	// they differ by dash and marker as well as by colour.
	for _, s := range []struct {
		class, colour, dash, label string
		offset                     float64
		pick                       func(feedback.RatesRow) feedback.Rate
	}{
		{"sp-report-found", foundColour, "", t.Found, -3, func(r feedback.RatesRow) feedback.Rate { return r.Found }},
		{"sp-report-helpful", helpfulColour, "6 4", t.Helpful, 3, func(r feedback.RatesRow) feedback.Rate { return r.Helpful }},
	} {
		cs := chartSeries{Class: s.class, Colour: s.colour, Dash: s.dash, Label: s.label}
		var run []string
		flush := func() {
			if len(run) > 1 {
				cs.Lines = append(cs.Lines, strings.Join(run, " "))
			}
			run = nil
		}
		for i, r := range rows {
			rt := s.pick(r)
			if rt.Suppressed {
				flush()
				continue
			}
			x := xOf(i) + s.offset
			pt := chartPoint{X: x, Y: yOf(*rt.Rate), Lo: yOf(*rt.Lo), Hi: yOf(*rt.Hi), CapL: x - 4, CapR: x + 4}
			cs.Points = append(cs.Points, pt)
			run = append(run, fmt.Sprintf("%.1f,%.1f", pt.X, pt.Y))
		}
		flush()
		c.Series = append(c.Series, cs)
	}
	for i := range c.Series {
		c.Series[i].LegendX = plotLeft
		c.Series[i].LegendX2 = plotLeft + 24
		c.Series[i].LegendY = legendY + float64(i)*legendRow
		c.Series[i].LegendLineY = c.Series[i].LegendY - 5
	}
	return c
}

// The usage chart: per line, one bar each for calls, texts and chats, with its count written
// beside it (the numbers are read, not guessed from lengths).

type barChart struct {
	ID, Title, Desc string
	W, H            int
	Groups          []barGroup
	Text            string
	// BarX is where the bars start (their labels are on the left); BarH their height.
	BarX, BarH float64
	Font       int
}

type barGroup struct {
	Name string
	Y    float64
	Bars []bar
}

type bar struct {
	Label, Class, Colour, Count string
	Y, W, TextX                 float64
}

func drawUsage(id, lang string, lines []usageLine, title, desc string) barChart {
	t := reportCopy[lang]
	// Per line: its name, then three bars each with its label on the left and its count on
	// the right ("Clavardages", the longest label, is about 100 units).
	const groupH, barH, barGap, left, maxW = 106.0, 16.0, 6.0, 150.0, 420.0
	var most int64 = 1
	for _, l := range lines {
		if !l.Total {
			most = max(most, l.Tel, l.SMS, l.Chat)
		}
	}
	c := barChart{ID: id, Title: title, Desc: desc, W: chartW, Text: textColour, BarX: left, BarH: barH, Font: chartFont}
	y := 4.0
	for _, l := range lines {
		if l.Total {
			continue
		}
		g := barGroup{Name: l.Name, Y: y + 18}
		for i, b := range []struct {
			label, class, colour string
			n                    int64
		}{
			{t.Tel, "sp-report-tel", foundColour, l.Tel},
			{t.SMS, "sp-report-sms", "#5b3a8c", l.SMS},
			{t.Chat, "sp-report-chat", helpfulColour, l.Chat},
		} {
			w := maxW * float64(b.n) / float64(most)
			g.Bars = append(g.Bars, bar{Label: b.label, Class: b.class, Colour: b.colour, Count: strconv.FormatInt(b.n, 10),
				Y: y + 28 + float64(i)*(barH+barGap), W: w, TextX: left + w + 6})
		}
		c.Groups = append(c.Groups, g)
		y += groupH
	}
	c.H = int(y) + 4
	return c
}
