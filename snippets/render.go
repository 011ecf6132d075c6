package snippets

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/signpost/edge/words"
)

// Part names one snippet of the partner response; All is the whole of it.
type Part string

// The parts of a snippet response.
const (
	All       Part = ""
	Banner    Part = "banner"
	Resources Part = "resources"
	Feedback  Part = "feedback"
)

// Parts lists the single-part snippets.
var Parts = []Part{Banner, Resources, Feedback}

// SnippetView is the JSON of GET /v1/snippets/{partner}: the envelope with every part, or one.
type SnippetView struct {
	Version   string          `json:"version"`
	Partner   string          `json:"partner"`
	Locale    Locale          `json:"locale"`
	Region    string          `json:"region"`
	Banner    *BannerView     `json:"banner,omitempty"`
	Resources *[]ResourceView `json:"resources,omitempty"`
	Feedback  *FeedbackView   `json:"feedback,omitempty"`
	// Notice is the operators' emergency notice; none yet (null) until notices exist.
	Notice *NoticeView `json:"notice"`
}

// BannerView is the crisis banner for one region and locale.
type BannerView struct {
	// Region is the entry whose lines are shown ("CA" for a visitor in CA-ON), "" for none; Name
	// is the place it serves ("British Columbia").
	Region    string   `json:"region"`
	Name      string   `json:"name,omitempty"`
	Message   string   `json:"message"`
	Emergency []string `json:"emergency"`
	// EmergencyNote is said in the emergency button's place where the region has no emergency
	// number (Nunavut).
	EmergencyNote string     `json:"emergency_note,omitempty"`
	Lines         []LineView `json:"lines"`
	// Directory is the worldwide helpline directory, given only when no region entry applies.
	Directory *LinkView `json:"directory,omitempty"`
	// Choice is the places the visitor may choose from instead (their country's entries).
	Choice *ChoiceView `json:"choice,omitempty"`
	// Until is when a line's status next changes (zero: none within the slot window): the
	// rendering is drawn again then.
	Until time.Time `json:"-"`
}

// LineView is one crisis line as a visitor sees it. Tel and SMS are the URI targets.
type LineView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Call     string `json:"call,omitempty"`
	Tel      string `json:"tel,omitempty"`
	CallHint string `json:"call_hint,omitempty"`
	Text     string `json:"text,omitempty"`
	SMS      string `json:"sms,omitempty"`
	Keyword  string `json:"keyword,omitempty"`
	ChatURL  string `json:"chat_url,omitempty"`
	// Hours is what a visitor reads of the line's hours: "24/7" and the note for a 24/7 line;
	// for a line with weekly hours whether it is open when the answer was drawn, then the note;
	// the free text for a line without a schedule.
	Hours string `json:"hours"`
	// Always is true for a 24/7 line.
	Always    bool     `json:"always,omitempty"`
	Audience  string   `json:"audience,omitempty"`
	Languages []string `json:"languages,omitempty"`
	// Ways are the languages and accessible ways in as a visitor reads them (Line.Ways).
	Ways       string `json:"ways,omitempty"`
	Source     string `json:"source"`
	VerifiedOn string `json:"verified_on"`
	// Status is "degraded" while the line's degraded status is in force (status.go), with
	// StatusMessage, the alternate way in, shown beside the line; absent otherwise.
	Status        string `json:"status,omitempty"`
	StatusMessage string `json:"status_message,omitempty"`
	// Report is the "Report a problem with this line" link of the widget's disclosure: the
	// frame page's address (a path on the edge) for the partner, locale and region, with that
	// line's report form open (report=, and #report to scroll to it). Only in a snippet answer
	// (Render): the baked banner and the server-rendered ones have none.
	Report *LinkView `json:"report,omitempty"`
}

// LinkView is a labelled link.
type LinkView struct {
	URL   string `json:"url"`
	Label string `json:"label"`
}

// ResourceView is one featured resource in one locale.
type ResourceView struct {
	ID        string   `json:"id"`
	Type      string   `json:"type"`
	Title     string   `json:"title"`
	Summary   string   `json:"summary"`
	URL       string   `json:"url"`
	SizeBytes int64    `json:"size_bytes"`
	Languages []string `json:"languages,omitempty"`
	// Meta is the card's line in the visitor's language: "PDF · 383 KB", "Page Web".
	Meta string `json:"meta"`
	// Icon is the card's pictogram (ResourceIcon).
	Icon string `json:"icon"`
}

// resourceIcons are the resource cards' pictograms (SVG path data in a 24 x 24 box, stroked),
// drawn alike by the widget (from the snippet) and the server-rendered pages.
var resourceIcons = map[string]string{
	"pdf":     "M6 2h9l5 5v15H6zm3 11h6m-6 4h6",
	"video":   "M3 5h18v14H3zm7 4v6l5-3z",
	"webinar": "M3 4h18v12H3zm5 16h8m-4-4v4",
	"toolkit": "M3 7h18v13H3zm5 0V4h8v3",
	"page":    "M4 3h16v18H4zm4 5h8m-8 4h8",
	"course":  "M2 9l10-5 10 5-10 5zm4 2v5c3 2 9 2 12 0v-5",
}

// ResourceIcon is the pictogram of a resource type (a web page's for an unknown one).
func ResourceIcon(typ string) string {
	if s, ok := resourceIcons[typ]; ok {
		return s
	}
	return resourceIcons["page"]
}

// ResourceMeta is the type and size of a resource as a visitor reads it: "PDF · 383 KB" in
// English, "PDF · 383 Ko" in French (1 KB = 1,024 bytes; one decimal from 1 MB, with the
// locale's decimal mark).
func ResourceMeta(typ string, size int64, loc Locale) string {
	// Each type's name: the "resource.<type>" keys of words/en.json and fr.json.
	meta, ok := words.Lookup(string(loc), "resource."+typ)
	if !ok {
		meta = typ
	}
	if size <= 0 {
		return meta
	}
	kb, mb := "KB", "MB"
	if loc == French {
		kb, mb = "Ko", "Mo"
	}
	var n string
	if size >= 1<<20 {
		n = strconv.FormatFloat(float64(size)/(1<<20), 'f', 1, 64) + " " + mb
		if loc == French {
			n = strings.Replace(n, ".", ",", 1)
		}
	} else {
		n = strconv.FormatInt(max(1, (size+512)/1024), 10) + " " + kb
	}
	return meta + " · " + n
}

// FeedbackView is the feedback prompt in one locale.
type FeedbackView struct {
	Found        string `json:"found"`
	Helpful      string `json:"helpful"`
	Comment      string `json:"comment"`
	Followup     string `json:"followup"`
	Email        string `json:"email"`
	NotMonitored string `json:"not_monitored"`
	Thanks       string `json:"thanks"`
	Yes          string `json:"yes"`
	No           string `json:"no"`
	Send         string `json:"send"`
	// AnswerRequired, EmailInvalid, CrisisIntro, RateLimited ("{seconds}") and SendFailed are
	// the form's messages.
	AnswerRequired string `json:"answer_required"`
	EmailInvalid   string `json:"email_invalid"`
	CrisisIntro    string `json:"crisis_intro"`
	RateLimited    string `json:"rate_limited"`
	SendFailed     string `json:"send_failed"`
	// Phrases are the normalized crisis phrases (both languages) the form watches a comment
	// for: they travel with the form, which cannot work without the network anyway.
	Phrases []string `json:"phrases,omitempty"`
}

// NoticeView is the emergency notice shown at the top of the banner.
type NoticeView struct {
	ID        string `json:"id"`
	Message   string `json:"message"`
	URL       string `json:"url,omitempty"`
	ExpiresAt string `json:"expires_at"`
}

// NoticeFor returns the first notice, in content order, active at now for the partner and the
// region entry key ("" when none), and the next time the answer changes (an expiry; zero when
// no matching notice is active).
func (c *Content) NoticeFor(partner, key string, now time.Time) (*Notice, time.Time) {
	var found *Notice
	var until time.Time
	for _, n := range c.Notices {
		exp, err := time.Parse(time.RFC3339, n.ExpiresAt)
		if err != nil || !now.Before(exp) || !n.serves(partner, key) {
			continue
		}
		if found == nil {
			found = n
		}
		if until.IsZero() || exp.Before(until) {
			until = exp
		}
	}
	return found, until
}

func (n *Notice) serves(partner, key string) bool {
	if len(n.Partners) > 0 && !slices.Contains(n.Partners, partner) {
		return false
	}
	if len(n.Regions) == 0 {
		return true
	}
	for _, r := range n.Regions {
		if key == r || (len(r) == 2 && strings.HasPrefix(key, r+"-")) {
			return true
		}
	}
	return false
}

// earliest returns the earlier of two times, zero meaning never.
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}

// TelTarget is what a tel: URI dials for the line: CallTel, else the digits of Call.
func (l *Line) TelTarget() string {
	if l.CallTel != "" {
		return l.CallTel
	}
	return digits(l.Call)
}

// SMSTarget is what an sms: URI addresses for the line.
func (l *Line) SMSTarget() string { return digits(l.Text) }

// BannerFor builds the banner of the region entry key ("" for none) in loc at now, the lines'
// hours said on the clock of zone (nil: each line's own, named): its lines open at now first,
// in the entry's order, then those closed (never hidden).
func (c *Content) BannerFor(key string, loc Locale, now time.Time, zone *time.Location) *BannerView {
	r := c.Regions[key]
	if r == nil {
		return &BannerView{
			Message:   c.Unknown.Message.Get(loc),
			Emergency: []string{},
			Lines:     []LineView{},
			Directory: &LinkView{URL: c.Unknown.DirectoryURL, Label: c.Unknown.DirectoryLabel.Get(loc)},
		}
	}
	b := &BannerView{Region: r.Code, Name: c.PlaceName(r.Code, loc), Message: r.Message.Get(loc), Emergency: r.Emergency,
		EmergencyNote: r.EmergencyNote.Get(loc), Lines: make([]LineView, 0, len(r.Lines)), Choice: c.Choice(r.Code, loc)}
	if b.Emergency == nil {
		b.Emergency = []string{}
	}
	var closed []LineView
	for _, id := range r.Lines {
		l := c.Lines[id]
		if l == nil || l.Retired() {
			continue
		}
		v := LineView{
			ID: l.ID, Name: l.Name.Get(loc), Call: l.Call, Tel: l.TelTarget(), CallHint: l.CallHint.Get(loc),
			Text: l.Text, SMS: l.SMSTarget(), Keyword: l.Keyword, ChatURL: l.ChatURL,
			Audience: l.Audience.Get(loc), Languages: l.Languages, Ways: l.Ways(loc),
			Source: l.Source, VerifiedOn: l.VerifiedOn,
		}
		v.Hours, v.Always = l.hoursText(loc, now, zone), l.Schedule.IsAlways()
		open, change := l.openNow(now)
		b.Until = earliest(b.Until, change)
		if end, ok := l.Degraded(now); ok {
			v.Status, v.StatusMessage = StatusDegraded, l.StatusMessage.Get(loc)
			b.Until = earliest(b.Until, end)
		}
		if open {
			b.Lines = append(b.Lines, v)
		} else {
			closed = append(closed, v)
		}
	}
	b.Lines = append(b.Lines, closed...)
	return b
}

// NoticeView is the notice shown to partner's visitors of region entry key in loc at now (nil:
// none), and when it expires (zero: none).
func (c *Content) NoticeView(partner, key string, loc Locale, now time.Time) (*NoticeView, time.Time) {
	n, until := c.NoticeFor(partner, key, now)
	if n == nil {
		return nil, time.Time{}
	}
	return &NoticeView{ID: n.ID, Message: n.Message.Get(loc), URL: n.URL, ExpiresAt: n.ExpiresAt}, until
}

// FeedbackView is the feedback prompt's texts in loc (without the crisis phrases).
func (c *Content) FeedbackView(loc Locale) *FeedbackView {
	f := &c.Feedback
	return &FeedbackView{
		Found: f.Found.Get(loc), Helpful: f.Helpful.Get(loc), Comment: f.Comment.Get(loc),
		Followup: f.Followup.Get(loc), Email: f.Email.Get(loc), NotMonitored: f.NotMonitored.Get(loc),
		Thanks: f.Thanks.Get(loc), Yes: f.Yes.Get(loc), No: f.No.Get(loc), Send: f.Send.Get(loc),
		AnswerRequired: f.AnswerRequired.Get(loc), EmailInvalid: f.EmailInvalid.Get(loc),
		CrisisIntro: f.CrisisIntro.Get(loc), RateLimited: f.RateLimited.Get(loc), SendFailed: f.SendFailed.Get(loc),
	}
}

// Render builds the JSON of one snippet request for a partner, locale and region entry key at
// now. It returns the bytes and the time after which they must be rendered again because a
// featured resource enters or leaves its window (zero: not before the content changes).
// A line's hours are said on the clock of zone (nil: the line's own, named).
func (l *Loaded) Render(p *Partner, loc Locale, key string, part Part, now time.Time, zone *time.Location, phrases *CrisisPhrases) ([]byte, time.Time, error) {
	v := SnippetView{Version: l.Version, Partner: p.ID, Locale: loc, Region: key}
	var until time.Time
	if part == All || part == Banner {
		v.Banner = l.BannerFor(key, loc, now, zone)
		addReports(v.Banner, p.ID, loc, key)
		v.Notice, until = l.NoticeView(p.ID, key, loc, now)
		until = earliest(until, v.Banner.Until)
	}
	if part == All || part == Resources {
		rs, changes := l.Featured(p, now)
		views := make([]ResourceView, 0, len(rs))
		for _, r := range rs {
			views = append(views, ResourceView{
				ID: r.ID, Type: r.Type, Title: r.Title.Get(loc), Summary: r.Summary.Get(loc),
				URL: r.URL.Get(loc), SizeBytes: r.SizeBytes, Languages: r.Languages,
				Meta: ResourceMeta(r.Type, r.SizeBytes, loc), Icon: ResourceIcon(r.Type),
			})
		}
		v.Resources = &views
		until = earliest(until, changes)
	}
	if part == All || part == Feedback {
		v.Feedback = l.FeedbackView(loc)
		v.Feedback.Phrases = phrases.Phrases()
	}
	b, err := json.Marshal(v)
	return b, until, err
}

// addReports gives each line of b its report link (LineView.Report) for partner, loc and the
// region entry key. The link's words are the frame page's summary it opens.
func addReports(b *BannerView, partner string, loc Locale, key string) {
	label := words.T(string(loc), "nojs.ReportSummary")
	for i := range b.Lines {
		q := url.Values{"locale": {string(loc)}, "region": {key}, "report": {b.Lines[i].ID}}
		b.Lines[i].Report = &LinkView{URL: "/v1/frame/" + url.PathEscape(partner) + "?" + q.Encode() + "#report", Label: label}
	}
}

// widgetData is what the widget bundle carries so that the banner renders before any request.
type widgetData struct {
	Version string `json:"version"`
	// Regions are the entries partners serve (Content.BakedRegions), with their lines.
	Regions map[string]widgetRegion `json:"regions"`
	// Emergency holds the emergency numbers of every entry the widget must tell apart before
	// the snippet answers (widgetEntries): a visitor from a region whose lines are not baked in
	// is shown them, and never a guessed crisis number, until the snippet answers. A
	// subdivision left out is served by its country's entry until then (the same numbers). Only
	// the number named first is carried (the banner's button); "" for none (Nunavut).
	Emergency map[string]string        `json:"emergency"`
	Lines     map[string]widgetLine    `json:"lines"`
	Unknown   UnknownRegion            `json:"unknown"`
	Partners  map[string]widgetPartner `json:"partners"`
	// TZ maps a region code to the time zones that place a visitor in it (TimeZones.ForCountries):
	// "CA" to the zones that span Canada's provinces, "CA-NU" to Nunavut's.
	TZ map[string]string `json:"tz"`
}

type widgetRegion struct {
	Message Text     `json:"message"`
	Lines   []string `json:"lines"`
	// Note is the region's emergency note (Nunavut: no emergency number).
	Note Text `json:"note,omitempty"`
}

// widgetLine is a line as baked into the widget: tel is given only when it is not the digits
// of call (the widget derives it, and the sms target, as TelTarget and SMSTarget do).
type widgetLine struct {
	Name     Text   `json:"name"`
	Call     string `json:"call,omitempty"`
	Tel      string `json:"tel,omitempty"`
	CallHint Text   `json:"call_hint,omitempty"`
	Text     string `json:"text,omitempty"`
	Keyword  string `json:"keyword,omitempty"`
	ChatURL  string `json:"chat_url,omitempty"`
	Hours    Text   `json:"hours"`
	Audience Text   `json:"audience,omitempty"`
}

// widgetPartner is what the widget reads of a partner's defaults (readConfig in widget/src/base.js).
type widgetPartner struct {
	Region     string   `json:"region,omitempty"`
	Components []string `json:"components,omitempty"`
	Accent     string   `json:"accent,omitempty"`
	ExitURL    string   `json:"exit_url,omitempty"`
}

// WidgetData is the JSON baked into the widget bundle: the crisis data of the regions partners
// serve, every entry's emergency numbers, every partner's public defaults and the time zones of
// the countries with entries, keyed by the region each places a visitor in (CA, CA-BC). It carries no origins and nothing private.
func (l *Loaded) WidgetData(tz TimeZones) ([]byte, error) {
	baked := l.BakedRegions()
	var countries []string
	for _, k := range baked {
		countries = append(countries, k[:2])
	}
	d := widgetData{
		TZ:        tz.ForCountries(countries),
		Version:   l.Version,
		Regions:   make(map[string]widgetRegion, len(baked)),
		Emergency: make(map[string]string, len(l.Regions)),
		Lines:     map[string]widgetLine{},
		Unknown:   l.Unknown,
		Partners:  make(map[string]widgetPartner, len(l.Partners)),
	}
	d.Unknown.Message, d.Unknown.DirectoryLabel = lean(l.Unknown.Message), lean(l.Unknown.DirectoryLabel)
	for k, e := range l.widgetEntries(baked) {
		d.Emergency[k] = ""
		if len(e) > 0 {
			d.Emergency[k] = e[0]
		}
	}
	for _, k := range baked {
		r := l.Regions[k]
		d.Regions[k] = widgetRegion{Message: lean(r.Message), Lines: r.Lines, Note: lean(r.EmergencyNote)}
		for _, id := range r.Lines {
			ln := l.Lines[id]
			if ln == nil {
				continue
			}
			d.Lines[id] = widgetLine{
				Name: lean(ln.Name), Call: ln.Call, Tel: ln.CallTel, CallHint: lean(ln.CallHint), Text: ln.Text,
				Keyword: ln.Keyword, ChatURL: ln.ChatURL, Hours: lean(ln.bakedHours()), Audience: lean(ln.Audience),
			}
		}
	}
	for k, p := range l.Partners {
		d.Partners[k] = widgetPartner{Region: p.Region, Components: p.Components, Accent: p.Accent, ExitURL: p.ExitURL}
	}
	return json.Marshal(d)
}

// widgetEntries are the entries whose emergency numbers the widget carries, with them: every
// country's; every subdivision's that is baked, whose emergency differs from its country's
// entry, or whose country has no entry; and, for a subdivision without an entry that its
// country's emergency number does not reach (Nunavut and 9-1-1), none, so that the widget shows
// its visitors the neutral banner rather than that number. A subdivision left out shows its
// country's entry until the snippet brings its own lines: the same emergency number, and the
// country's lines, which serve the whole country.
func (c *Content) widgetEntries(baked []string) map[string][]string {
	out := map[string][]string{}
	for k, r := range c.Regions {
		country := c.Regions[k[:min(2, len(k))]]
		if len(k) <= 2 || country == nil || slices.Contains(baked, k) || differs(r, country) {
			out[k] = r.Emergency
			if out[k] == nil {
				out[k] = []string{}
			}
		}
	}
	for sub := range unreached {
		if country := c.Regions[sub[:2]]; country != nil && c.Regions[sub] == nil && !reaches(country, sub) {
			out[sub] = []string{}
		}
	}
	return out
}

// differs reports whether subdivision entry r tells its visitors another emergency number (or
// none) than its country's entry.
func differs(r, country *Region) bool {
	return !slices.Equal(r.Emergency, country.Emergency) || len(r.EmergencyNote) > 0
}

// bakedHours is what the bundle says of a line's hours before the snippet answers: "24/7" and
// the note for a 24/7 line, else the note (a line with weekly hours says whether it is open once
// the snippet answers: a bundle is cached, and its data cannot know the time).
func (l *Line) bakedHours() Text {
	if !l.Schedule.IsAlways() {
		return l.Hours
	}
	out := Text{}
	for _, loc := range Locales {
		note := l.Hours[loc]
		if note == "" {
			note = l.Hours[English]
		}
		out[loc] = join(hoursWord(loc, "always"), note)
	}
	return out
}

// lean drops translations identical to English: the widget falls back to English anyway, and
// every byte of the bundle counts against its budget.
func lean(t Text) Text {
	if len(t) == 0 {
		return nil
	}
	out := Text{}
	for loc, s := range t {
		if loc == English || s != t[English] {
			out[loc] = s
		}
	}
	return out
}
