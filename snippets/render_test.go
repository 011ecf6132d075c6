package snippets_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

// shippedNow is when the shipped content is judged in these tests: its lines were verified on
// 2026-11-01 and 2026-12-01.
var shippedNow = time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)

func loadShipped(t testing.TB) *snippets.Loaded {
	t.Helper()
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: shippedNow})
	if err != nil {
		t.Fatalf("Load(configs.Content): %v", err)
	}
	return l
}

// render renders one snippet the way the edge does (region -> entry key) and decodes it, both
// into the view and into its raw top-level fields.
func render(t *testing.T, l *snippets.Loaded, partner string, loc snippets.Locale, region string, part snippets.Part, now time.Time) (snippets.SnippetView, map[string]json.RawMessage) {
	t.Helper()
	p := l.Partners[partner]
	if p == nil {
		t.Fatalf("no partner %q", partner)
	}
	b, _, err := l.Render(p, loc, l.RegionEntry(region), part, now, nil, nil)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	var v snippets.SnippetView
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("Render gave invalid JSON: %v\n%s", err, b)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	return v, raw
}

// digitsOf keeps the digits of a number as dialled ("1-866-277-3553" -> "18662773553").
func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// dials reports whether a line view calls or texts the number n (digits only).
func dials(l snippets.LineView, n string) bool {
	for _, s := range []string{l.Call, l.Tel, l.Text, l.SMS} {
		if s != "" && digitsOf(s) == n {
			return true
		}
	}
	return false
}

// TestRenderSafetyTable is the crisis banner per region against the shipped content: a visitor is
// never shown a line that does not serve their region, and an unknown region gets no number.
func TestRenderSafetyTable(t *testing.T) {
	l := loadShipped(t)
	type call struct{ line, call string }
	tests := []struct {
		region   string
		entry    string   // the region entry used, "" for the neutral banner
		first    string   // the line shown first, if it matters
		lines    []string // lines that must be shown
		calls    []call   // numbers those lines must carry
		forbid   []string // lines that must not be shown
		no988    bool     // no line calls or texts 988
		emerg    string   // the emergency number named first
		contains string   // in the English message
		no911    bool     // 9-1-1 named nowhere, and no emergency number
	}{
		{
			region: "CA-QC", entry: "CA-QC", first: "qc-appelle",
			lines: []string{"qc-appelle", "ca-988"},
			calls: []call{{"qc-appelle", "1-866-277-3553"}, {"ca-988", "988"}},
			emerg: "911", contains: "1-866-277-3553",
		},
		{
			region: "ca-qc", entry: "CA-QC", first: "qc-appelle",
			lines: []string{"qc-appelle", "ca-988"},
		},
		{
			region: "CA-ON", entry: "CA-ON", first: "ca-988",
			lines:  []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"},
			calls:  []call{{"ca-988", "988"}},
			forbid: []string{"qc-appelle", "bc-1800-suicide", "ab-mental-health-help-line", "sk-healthline-811"},
			emerg:  "911", contains: "988",
		},
		{
			region: "CA-BC", entry: "CA-BC", first: "ca-988",
			lines:  []string{"ca-988", "bc-1800-suicide", "bc-310-mental-health-support", "bc-kuu-us", "ca-kids-help-phone"},
			calls:  []call{{"bc-1800-suicide", "1-800-784-2433"}, {"bc-310-mental-health-support", "310-6789"}, {"bc-kuu-us", "1-800-588-8717"}},
			forbid: []string{"qc-appelle", "ab-211", "nt-811"},
			emerg:  "911", contains: "310-6789",
		},
		{
			// Nunavut has no 9-1-1: no emergency number at all, a note saying whom to call.
			region: "CA-NU", entry: "CA-NU", first: "ca-988",
			lines:  []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"},
			forbid: []string{"qc-appelle", "nt-811"},
			no911:  true, contains: "RCMP",
		},
		{
			region: "CA-XYZ", entry: "CA",
			lines:  []string{"ca-988"},
			forbid: []string{"qc-appelle", "bc-1800-suicide"},
			emerg:  "911",
		},
		{
			region: "CA", entry: "CA",
			lines:  []string{"ca-988", "ca-kids-help-phone"},
			forbid: []string{"qc-appelle"},
		},
		{
			region: "GB", entry: "GB",
			lines:  []string{"gb-samaritans"},
			calls:  []call{{"gb-samaritans", "116 123"}},
			forbid: []string{"gb-nhs-111", "ca-988", "us-988"},
			no988:  true, emerg: "999", contains: "116 123",
		},
		{
			region: "GB-ENG", entry: "GB-ENG",
			lines: []string{"gb-samaritans", "gb-nhs-111"},
			calls: []call{{"gb-samaritans", "116 123"}, {"gb-nhs-111", "111"}},
			no988: true, emerg: "999",
		},
		{
			region: "GB-SCT", entry: "GB",
			lines:  []string{"gb-samaritans"},
			forbid: []string{"gb-nhs-111"}, // NHS 111 as listed is England's
			no988:  true,
		},
		{
			region: "IE", entry: "IE",
			lines: []string{"ie-samaritans", "ie-50808"},
			no988: true, emerg: "112",
		},
		{
			region: "US", entry: "US",
			lines:  []string{"us-988"},
			calls:  []call{{"us-988", "988"}},
			forbid: []string{"ca-988"},
			emerg:  "911", contains: "988",
		},
		{
			region: "US-CA", entry: "US",
			lines: []string{"us-988"},
		},
		{region: "AU", entry: "AU", lines: []string{"au-lifeline"}, no988: true, emerg: "000"},
		{region: "NZ", entry: "NZ", lines: []string{"nz-1737"}, no988: true, emerg: "111"},
		{region: "FR", entry: "FR", lines: []string{"fr-3114"}, no988: true, emerg: "15"},
		{region: "AQ", entry: "", no988: true},
		{region: "DE", entry: "", no988: true}, // verified lines in the notes, no entry yet
		{region: "MX", entry: "", no988: true}, // next to the US: still no guess
		{region: "", entry: "", no988: true},
	}
	for _, tt := range tests {
		for _, loc := range snippets.Locales {
			t.Run(tt.region+"/"+string(loc), func(t *testing.T) {
				region := tt.region
				if region != "" {
					var err error
					if region, _, err = snippets.ParseRegion(region); err != nil {
						t.Fatal(err)
					}
				}
				v, raw := render(t, l, "demo", loc, region, snippets.Banner, shippedNow)
				b := v.Banner
				if b == nil {
					t.Fatalf("no banner: %s", raw)
				}
				if v.Region != tt.entry || b.Region != tt.entry {
					t.Errorf("region = %q, banner.region = %q, want %q", v.Region, b.Region, tt.entry)
				}
				shown := map[string]snippets.LineView{}
				var ids []string
				for _, lv := range b.Lines {
					shown[lv.ID] = lv
					ids = append(ids, lv.ID)
					if lv.Source == "" || lv.VerifiedOn == "" {
						t.Errorf("line %s shown without source or verified_on", lv.ID)
					}
					if tt.no988 && dials(lv, "988") {
						t.Errorf("line %s dials 988 in %q", lv.ID, tt.region)
					}
				}
				if tt.first != "" && (len(ids) == 0 || ids[0] != tt.first) {
					t.Errorf("lines = %v, want %s first", ids, tt.first)
				}
				for _, id := range tt.lines {
					if _, ok := shown[id]; !ok {
						t.Errorf("lines = %v, want %s among them", ids, id)
					}
				}
				for _, c := range tt.calls {
					if got := shown[c.line].Call; got != c.call {
						t.Errorf("%s call = %q, want %q", c.line, got, c.call)
					}
				}
				for _, id := range tt.forbid {
					if _, ok := shown[id]; ok {
						t.Errorf("lines = %v, must not show %s in %q", ids, id, tt.region)
					}
				}
				if tt.no988 && strings.Contains(digitsOf(b.Message), "988") {
					t.Errorf("message names 988 in %q: %q", tt.region, b.Message)
				}
				if tt.no911 && (len(b.Emergency) != 0 || strings.Contains(digitsOf(string(raw["banner"])), "911") || b.EmergencyNote == "") {
					t.Errorf("%s: emergency %v, note %q, banner %s: want no emergency number, a note, and 9-1-1 nowhere", tt.region, b.Emergency, b.EmergencyNote, raw["banner"])
				}
				if tt.emerg != "" && (len(b.Emergency) == 0 || b.Emergency[0] != tt.emerg) {
					t.Errorf("emergency = %v, want %s first", b.Emergency, tt.emerg)
				}
				if tt.contains != "" && loc == snippets.English && !strings.Contains(b.Message, tt.contains) {
					t.Errorf("message %q does not name %s", b.Message, tt.contains)
				}

				if tt.entry == "" {
					checkNeutral(t, l, loc, b, raw["banner"])
				} else if b.Directory != nil {
					t.Errorf("directory link shown with a region entry: %+v", b.Directory)
				}
			})
		}
	}
}

// checkNeutral asserts the unknown-region banner: no lines, no emergency number, the neutral
// message and the worldwide directory.
func checkNeutral(t *testing.T, l *snippets.Loaded, loc snippets.Locale, b *snippets.BannerView, raw json.RawMessage) {
	t.Helper()
	if len(b.Lines) != 0 || len(b.Emergency) != 0 {
		t.Errorf("neutral banner shows lines %v and emergency %v", b.Lines, b.Emergency)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"lines", "emergency"} {
		if got := string(fields[k]); got != "[]" {
			t.Errorf("banner.%s = %s, want []", k, got)
		}
	}
	if want := l.Unknown.Message.Get(loc); b.Message != want || want == "" {
		t.Errorf("message = %q, want the unknown-region message %q", b.Message, want)
	}
	if strings.ContainsAny(b.Message, "0123456789") {
		t.Errorf("neutral message names a number: %q", b.Message)
	}
	if b.Directory == nil {
		t.Fatal("no directory link")
	}
	if b.Directory.URL != l.Unknown.DirectoryURL || !strings.HasPrefix(b.Directory.URL, "https://") {
		t.Errorf("directory URL = %q, want %q", b.Directory.URL, l.Unknown.DirectoryURL)
	}
	if b.Directory.Label != l.Unknown.DirectoryLabel.Get(loc) || b.Directory.Label == "" {
		t.Errorf("directory label = %q", b.Directory.Label)
	}
}

// Test988OnlyInCAAndUS checks every region entry of the shipped content and the fixture.
func Test988OnlyInCAAndUS(t *testing.T) {
	for name, l := range map[string]*snippets.Loaded{"shipped": loadShipped(t), "fixture": loadFixture(t)} {
		partner := slices.Sorted(maps.Keys(l.Partners))[0]
		checked := 0
		for _, key := range slices.Sorted(maps.Keys(l.Regions)) {
			if strings.HasPrefix(key, "CA") || strings.HasPrefix(key, "US") {
				continue
			}
			for _, loc := range snippets.Locales {
				v, _ := render(t, l, partner, loc, key, snippets.Banner, shippedNow)
				if v.Banner.Region != key {
					t.Errorf("%s: region %s rendered entry %q", name, key, v.Banner.Region)
				}
				for _, lv := range v.Banner.Lines {
					if dials(lv, "988") {
						t.Errorf("%s: region %s lists %s, which dials 988", name, key, lv.ID)
					}
				}
				if strings.Contains(digitsOf(v.Banner.Message), "988") {
					t.Errorf("%s: region %s message names 988: %q", name, key, v.Banner.Message)
				}
			}
			checked++
		}
		if checked == 0 {
			t.Errorf("%s: no region outside CA and US was checked", name)
		}
	}
}

func TestRenderTelAndSMS(t *testing.T) {
	l := loadFixture(t)
	v, _ := render(t, l, "acme", snippets.English, "CA-QC", snippets.Banner, fixedNow)
	want := map[string][2]string{ // id -> tel, sms
		"qc-appelle":         {"+18662773553", "535353"},
		"ca-988":             {"988", "988"},
		"ca-kids-help-phone": {"18006686868", "686868"},
	}
	for _, lv := range v.Banner.Lines {
		w, ok := want[lv.ID]
		if !ok {
			t.Errorf("unexpected line %s", lv.ID)
			continue
		}
		if lv.Tel != w[0] || lv.SMS != w[1] {
			t.Errorf("%s: tel %q sms %q, want %q %q", lv.ID, lv.Tel, lv.SMS, w[0], w[1])
		}
		delete(want, lv.ID)
	}
	if len(want) != 0 {
		t.Errorf("lines not shown: %v", want)
	}
	gb, _ := render(t, l, "acme", snippets.English, "GB", snippets.Banner, fixedNow)
	if len(gb.Banner.Lines) != 1 || gb.Banner.Lines[0].Tel != "116123" || gb.Banner.Lines[0].SMS != "" {
		t.Errorf("GB lines = %+v, want Samaritans with tel 116123 and no sms", gb.Banner.Lines)
	}
}

// TestRenderLocaleFallback checks that French falls back to English per field, not per snippet.
func TestRenderLocaleFallback(t *testing.T) {
	l := loadFixture(t)
	fr, _ := render(t, l, "acme", snippets.French, "CA-QC", snippets.All, fixedNow)
	en, _ := render(t, l, "acme", snippets.English, "CA-QC", snippets.All, fixedNow)
	gbFr, _ := render(t, l, "acme", snippets.French, "GB", snippets.Banner, fixedNow)
	resource := func(v snippets.SnippetView, id string) snippets.ResourceView {
		if v.Resources != nil {
			for _, r := range *v.Resources {
				if r.ID == id {
					return r
				}
			}
		}
		t.Fatalf("resource %s not rendered", id)
		return snippets.ResourceView{}
	}
	line := func(v snippets.SnippetView, id string) snippets.LineView {
		for _, lv := range v.Banner.Lines {
			if lv.ID == id {
				return lv
			}
		}
		t.Fatalf("line %s not rendered", id)
		return snippets.LineView{}
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"fr locale", string(fr.Locale), "fr"},
		{"fr region message (has fr)", fr.Banner.Message, l.Regions["CA-QC"].Message[snippets.French]},
		{"fr region message (en only)", gbFr.Banner.Message, l.Regions["GB"].Message[snippets.English]},
		{"fr line name (has fr)", line(fr, "ca-kids-help-phone").Name, "Jeunesse, J'écoute"},
		{"fr line hours (en only)", line(fr, "ca-kids-help-phone").Hours, "24 h/24, 7 j/7 · young people welcome"},
		{"fr line audience (en only)", line(fr, "ca-kids-help-phone").Audience, "Young people"},
		{"fr line hours (has fr)", line(fr, "ca-988").Hours, "24 h/24, 7 j/7 · gratuit"},
		{"en line hours", line(en, "ca-988").Hours, "24/7 · free"},
		{"fr resource title (has fr)", resource(fr, "acme-guide").Title, "Le guide Acme"},
		{"fr resource summary (en only)", resource(fr, "acme-guide").Summary, "A guide that does not exist."},
		{"fr resource url (has fr)", resource(fr, "acme-guide").URL, "https://acme.example/guide-fr.pdf"},
		{"fr resource title (en only)", resource(fr, "acme-page").Title, "About Acme"},
		{"fr resource summary (has fr)", resource(fr, "acme-page").Summary, "Qui est Acme."},
		{"fr feedback found (has fr)", fr.Feedback.Found, "Avez-vous trouvé ce que vous cherchiez?"},
		{"fr feedback comment (en only)", fr.Feedback.Comment, "Comments (optional)"},
		{"fr feedback thanks (en only)", fr.Feedback.Thanks, "Thank you."},
		{"en region message", en.Banner.Message, l.Regions["CA-QC"].Message[snippets.English]},
		{"en line name", line(en, "ca-kids-help-phone").Name, "Kids Help Phone"},
		{"en resource title", resource(en, "acme-guide").Title, "The Acme Guide"},
		{"en resource url", resource(en, "acme-guide").URL, "https://acme.example/guide.pdf"},
		{"en resource summary", resource(en, "acme-page").Summary, "Who Acme is."},
		{"en feedback found", en.Feedback.Found, "Did you find what you were looking for?"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if got := resource(fr, "acme-guide").SizeBytes; got != 123456 {
		t.Errorf("pdf size_bytes = %d, want 123456", got)
	}
}

func TestRenderParts(t *testing.T) {
	l := loadFixture(t)
	tests := []struct {
		part    snippets.Part
		present []string
		absent  []string
		until   time.Time
	}{
		{snippets.All, []string{"banner", "resources", "feedback"}, nil, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{snippets.Banner, []string{"banner"}, []string{"resources", "feedback"}, time.Time{}},
		{snippets.Resources, []string{"resources"}, []string{"banner", "feedback"}, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)},
		{snippets.Feedback, []string{"feedback"}, []string{"banner", "resources"}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run("part="+string(tt.part), func(t *testing.T) {
			b, until, err := l.Render(l.Partners["acme"], snippets.English, "CA-QC", tt.part, fixedNow, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(b, &raw); err != nil {
				t.Fatalf("invalid JSON: %v\n%s", err, b)
			}
			for _, k := range append([]string{"version", "partner", "locale", "region", "notice"}, tt.present...) {
				if _, ok := raw[k]; !ok {
					t.Errorf("%s missing from %s", k, b)
				}
			}
			for _, k := range tt.absent {
				if _, ok := raw[k]; ok {
					t.Errorf("%s present in %s", k, b)
				}
			}
			if got := string(raw["notice"]); got != "null" {
				t.Errorf("notice = %s, want null", got)
			}
			var version, partner string
			_ = json.Unmarshal(raw["version"], &version)
			_ = json.Unmarshal(raw["partner"], &partner)
			if version != l.Version || partner != "acme" {
				t.Errorf("version %q partner %q, want %q acme", version, partner, l.Version)
			}
			if !until.Equal(tt.until) {
				t.Errorf("until = %s, want %s", until, tt.until)
			}
		})
	}
}

func TestRenderEmptyResources(t *testing.T) {
	l := loadFixture(t)
	tests := []struct {
		name    string
		partner *snippets.Partner
		now     time.Time
	}{
		{"nothing featured", &snippets.Partner{ID: "bare"}, fixedNow},
		{"only a resource outside its window", &snippets.Partner{ID: "winter", Featured: []string{"acme-webinar"}}, fixedNow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, part := range []snippets.Part{snippets.Resources, snippets.All} {
				b, _, err := l.Render(tt.partner, snippets.English, "CA", part, tt.now, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				var raw map[string]json.RawMessage
				if err := json.Unmarshal(b, &raw); err != nil {
					t.Fatal(err)
				}
				if got := string(raw["resources"]); got != "[]" {
					t.Errorf("part %q: resources = %q, want []", part, got)
				}
			}
		})
	}
}

func TestWidgetData(t *testing.T) {
	for name, l := range map[string]*snippets.Loaded{"shipped": loadShipped(t), "fixture": loadFixture(t)} {
		t.Run(name, func(t *testing.T) {
			tz, err := snippets.ParseTimeZones(configs.TimeZones)
			if err != nil {
				t.Fatal(err)
			}
			b, err := l.WidgetData(tz)
			if err != nil {
				t.Fatal(err)
			}
			var d struct {
				TZ        map[string]string `json:"tz"`
				Version   string            `json:"version"`
				Emergency map[string]string `json:"emergency"`
				Regions   map[string]struct {
					Message snippets.Text `json:"message"`
					Lines   []string      `json:"lines"`
				} `json:"regions"`
				Lines map[string]struct {
					Name snippets.Text `json:"name"`
					Tel  string        `json:"tel"`
				} `json:"lines"`
				Unknown struct {
					Message      snippets.Text `json:"message"`
					DirectoryURL string        `json:"directory_url"`
				} `json:"unknown"`
				Partners map[string]map[string]json.RawMessage `json:"partners"`
			}
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatalf("invalid JSON: %v", err)
			}
			if d.Version != l.Version {
				t.Errorf("version = %q, want %q", d.Version, l.Version)
			}
			if strings.Contains(string(b), "phrases") {
				t.Error("widget data carries the crisis phrases: they travel with the feedback snippet")
			}
			// Zones only of the countries whose lines are baked in, keyed by the region each
			// places a visitor in (CA, CA-NU): the edge places the others.
			for code, zones := range d.TZ {
				if !slices.ContainsFunc(slices.Collect(maps.Keys(d.Regions)), func(k string) bool { return k[:2] == code[:2] }) {
					t.Errorf("tz lists %s, whose country's lines are not baked in", code)
				}
				for _, z := range snippets.ExpandZones(zones) {
					if tz[z] != code {
						t.Errorf("tz: %s under %s, but the table says %s", z, code, tz[z])
					}
				}
			}
			if _, ok := l.Regions["CA"]; ok {
				if !slices.Contains(snippets.ExpandZones(d.TZ["CA"]), "America/Toronto") {
					t.Errorf("America/Toronto missing from CA zones: %q", d.TZ["CA"])
				}
				if !slices.Contains(snippets.ExpandZones(d.TZ["CA-NU"]), "America/Iqaluit") {
					t.Errorf("America/Iqaluit missing from CA-NU zones: %q", d.TZ["CA-NU"])
				}
			}
			// Only the entries partners serve carry their lines; every entry's emergency numbers
			// are the widget's before the snippet answers: its own, or its country's when they
			// are the same (the widget then shows the country's entry first).
			if got, want := slices.Sorted(maps.Keys(d.Regions)), l.BakedRegions(); !slices.Equal(got, want) || len(want) == 0 {
				t.Errorf("regions = %v, want the baked %v", got, want)
			}
			for k, r := range l.Regions {
				e, own := d.Emergency[k]
				if !own {
					e, own = d.Emergency[k[:2]], false
				}
				first := ""
				if len(r.Emergency) > 0 {
					first = r.Emergency[0]
				}
				if e != first || (len(k) == 2 && !own) || (len(r.EmergencyNote) > 0 && !own) {
					t.Errorf("region %s: the widget tells emergency %q (own entry %t), want %q", k, e, own, first)
				}
			}
			// Nunavut has no 9-1-1: whether the content has its entry or not, the widget never
			// shows a visitor placed there the country's 9-1-1.
			if ca := l.Regions["CA"]; ca != nil {
				if e, ok := d.Emergency["CA-NU"]; !ok || e != "" {
					t.Errorf("CA-NU emergency in the widget = %q (listed %t), want its own, none", e, ok)
				}
			}
			lines := map[string]bool{}
			for k, got := range d.Regions {
				r := l.Regions[k]
				if !slices.Equal(got.Lines, r.Lines) || got.Message[snippets.English] != r.Message[snippets.English] {
					t.Errorf("region %s = %+v, want lines %v", k, got, r.Lines)
				}
				for _, id := range got.Lines {
					lines[id] = true
					if _, ok := d.Lines[id]; !ok {
						t.Errorf("region %s lists %s, which the widget data lacks", k, id)
					}
				}
			}
			for k, got := range d.Lines {
				ln := l.Lines[k]
				if !lines[k] || ln == nil || got.Name[snippets.English] != ln.Name[snippets.English] || got.Tel != ln.CallTel {
					t.Errorf("line %s = %+v: not a line of a baked region, or not as in the content", k, got)
				}
			}
			if d.Unknown.DirectoryURL != l.Unknown.DirectoryURL || d.Unknown.Message[snippets.English] == "" {
				t.Errorf("unknown = %+v", d.Unknown)
			}
			if got, want := slices.Sorted(maps.Keys(d.Partners)), slices.Sorted(maps.Keys(l.Partners)); !slices.Equal(got, want) {
				t.Errorf("partners = %v, want %v", got, want)
			}
			// Not the partner's locale: the widget speaks data-locale, else the page's language.
			allowed := []string{"region", "components", "accent", "exit_url"}
			for id, p := range l.Partners {
				got := d.Partners[id]
				for k := range got {
					if !slices.Contains(allowed, k) {
						t.Errorf("partner %s carries %q in the widget data", id, k)
					}
				}
				var region string
				_ = json.Unmarshal(got["region"], &region)
				if region != p.Region {
					t.Errorf("partner %s: region %q, want %q", id, region, p.Region)
				}
				for _, o := range p.Origins {
					if strings.Contains(string(b), o) {
						t.Errorf("widget data contains partner %s's origin %q", id, o)
					}
				}
			}
			if strings.Contains(string(b), "origins") {
				t.Error("widget data contains an origins field")
			}
		})
	}
}

func TestResourceMeta(t *testing.T) {
	for _, tc := range []struct {
		typ  string
		size int64
		loc  snippets.Locale
		want string
	}{
		{"pdf", 392192, snippets.English, "PDF · 383 KB"},
		{"pdf", 392192, snippets.French, "PDF · 383 Ko"},
		{"video", 2621440, snippets.English, "Video · 2.5 MB"},
		{"video", 2621440, snippets.French, "Vidéo · 2,5 Mo"},
		{"page", 0, snippets.French, "Page Web"},
		{"course", 0, snippets.English, "Course"},
		{"toolkit", 100, snippets.English, "Toolkit · 1 KB"},
	} {
		if got := snippets.ResourceMeta(tc.typ, tc.size, tc.loc); got != tc.want {
			t.Errorf("ResourceMeta(%s, %d, %s) = %q, want %q", tc.typ, tc.size, tc.loc, got, tc.want)
		}
	}
}
