package nojs

import (
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/signpost/edge/server/pagetext"
	"github.com/signpost/edge/snippets"
)

// The views the templates draw: built here, so that the templates only place values. Every
// value is text (escaped by html/template); tel: and sms: targets are digits and "+" only,
// the one place a template.URL is made.

// linkView is a link whose visible text holds a number: Before, Num and After as the widget's
// link() writes them (the number in a span that does not break), and, when the number is
// written without separators (988), its digits one by one as the link's description.
type linkView struct {
	Href                  template.URL
	Class                 string
	Before, Num, After    string
	DescID, Spelled, Text string
	Top                   bool // opens in the top page (inside the frame)
}

type lineView struct {
	Name, Audience, Hours, Ways string
	// Status is the message of a degraded line (the alternate way in), shown under its name.
	Status string
	Links  []linkView
	// Report is the frame page's "Report a problem with this line" form (nil elsewhere).
	Report *reportView
	id     string // the line's id in content
}

type bannerView struct {
	Lang, Label string
	Notice      *noticeView
	// First is the first line's name and hours, shown above the buttons; Message when no line.
	First   *lineView
	Message string
	Acts    []linkView
	// Note is said in the emergency button's place where the region has no emergency number.
	Note string
	// Choose is the places the visitor may choose from instead, as links.
	Choose *chooseView
	// More is the disclosure's summary ("" when there is no line), Lines every line in it;
	// Open shows it open (a line's report form asked for: openReport).
	More  string
	Lines []lineView
	Open  bool
	Cols  int
	ID    string // a prefix for the ids it holds, unique per region and locale on a page
	// emergency is the first emergency number ("" where there is none: Note says what to do).
	emergency string
}

type chooseView struct {
	Label  string
	Places []linkView
}

type noticeView struct {
	Message string
	Info    *linkView
}

var (
	digitsOnly = regexp.MustCompile(`^\d{2,}$`)
	notDial    = regexp.MustCompile(`[^0-9+]`)
)

// numberLink builds a link as the widget's link(): text with num in it, described digit by
// digit when num is written without separators.
func numberLink(href, class, text, num, id string, top bool) linkView {
	l := linkView{Href: template.URL(href), Class: class, Text: text, Top: top}
	if i := strings.Index(text, num); num != "" && i >= 0 {
		l.Before, l.Num, l.After, l.Text = text[:i], num, text[i+len(num):], ""
	}
	if digitsOnly.MatchString(num) {
		l.DescID, l.Spelled = id, strings.Join(strings.Split(num, ""), " ")
	}
	return l
}

func fill(s, k, v string) string { return strings.Replace(s, "{"+k+"}", v, 1) }

// safeURL keeps http(s) URLs only, as the widget does.
func safeURL(u string) string {
	if l := strings.ToLower(u); strings.HasPrefix(l, "https://") || strings.HasPrefix(l, "http://") {
		return u
	}
	return ""
}

// lineLinks are a line's call, text and chat links; button is true for the banner's row (no
// call hint, no chat), as the widget's acts().
func lineLinks(l *snippets.LineView, t *text, id string, button, top bool) []linkView {
	var out []linkView
	cls := ""
	if button {
		cls = "signpost-b"
	}
	if l.Tel != "" {
		s := t.Call + " " + l.Call
		if l.CallHint != "" && !button {
			s += ", " + l.CallHint
		}
		out = append(out, numberLink("tel:"+notDial.ReplaceAllString(l.Tel, ""), cls, s, l.Call, id+"-call", top))
	}
	if l.SMS != "" {
		s := t.Text + " " + l.Text
		if l.Keyword != "" {
			s = fill(fill(t.TextKw, "0", l.Keyword), "1", l.Text)
		}
		out = append(out, numberLink("sms:"+notDial.ReplaceAllString(l.SMS, ""), cls, s, l.Text, id+"-sms", top))
	}
	if u := safeURL(l.ChatURL); u != "" && !button {
		out = append(out, linkView{Href: template.URL(u), Text: t.Chat, Top: top})
	}
	return out
}

// newBanner is the banner of b (a region's, or the neutral one) in loc, with the notice n
// when one applies; top makes its links open in the top page (the frame). place is the address
// of the frame page for a region code, where the visitor's choice of place leads (no script:
// plain links).
func newBanner(b *snippets.BannerView, n *snippets.NoticeView, loc snippets.Locale, top bool, place func(code string) string) *bannerView {
	t := textFor(loc)
	id := "signpost-" + strings.ToLower(b.Region)
	if b.Region == "" {
		id = "signpost-none"
	}
	id += "-" + string(loc)
	v := &bannerView{Lang: string(loc), Label: t.Crisis, Message: b.Message, ID: id}
	if n != nil && n.Message != "" {
		v.Notice = &noticeView{Message: n.Message}
		if u := safeURL(n.URL); u != "" {
			v.Notice.Info = &linkView{Href: template.URL(u), Text: t.Info, Top: top}
		}
	}
	for i := range b.Lines {
		l := &b.Lines[i]
		v.Lines = append(v.Lines, lineView{Name: l.Name, Audience: l.Audience, Hours: l.Hours, Ways: l.Ways,
			Status: l.StatusMessage, Links: lineLinks(l, t, id+"-"+strconv.Itoa(i), false, top), id: l.ID})
	}
	if len(b.Lines) > 0 {
		first := &b.Lines[0]
		v.First = &lineView{Name: first.Name, Hours: first.Hours, Status: first.StatusMessage}
		v.Acts = lineLinks(first, t, id+"-b", true, top)
	}
	if len(b.Emergency) > 0 {
		em := b.Emergency[0]
		v.emergency = em
		v.Acts = append(v.Acts, numberLink("tel:"+notDial.ReplaceAllString(em, ""), "signpost-b signpost-em", t.Emergency+" "+em, em, id+"-em", top))
	} else {
		v.Note = b.EmergencyNote
	}
	if c := b.Choice; c != nil && place != nil {
		v.Choose = &chooseView{Label: c.Label}
		for _, p := range c.Places {
			if p.Code != b.Region {
				// In the frame, the frame itself goes to the place chosen.
				v.Choose.Places = append(v.Choose.Places, linkView{Href: template.URL(place(p.Code)), Text: p.Name})
			}
		}
	}
	if len(b.Lines) == 0 && b.Directory != nil && safeURL(b.Directory.URL) != "" {
		v.Acts = append(v.Acts, linkView{Href: template.URL(b.Directory.URL), Class: "signpost-b", Text: b.Directory.Label, Top: top})
	}
	switch k := len(b.Lines) - 1; {
	case k == 0:
		v.More = t.MoreNone
	case k > 0:
		v.More = fill(t.More[pagetext.Plural(loc, k)], "0", strconv.Itoa(k))
	}
	v.Cols = len(v.Acts)
	if v.Note != "" {
		v.Cols++
	}
	if v.More != "" {
		v.Cols++
	}
	return v
}
