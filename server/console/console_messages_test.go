package console_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/server/admin"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/snippets"
)

// consoleMistakes are mistakes an operator can make in the console's forms (a crisis line, a
// region's list of lines, a resource, a partner's featured list, a notice), each made on the
// shipped content. Validate's messages for them are what the forms show beside the fields.
var consoleMistakes = map[string]func(c *snippets.Content){
	"call":             func(c *snippets.Content) { c.Lines["ca-988"].Call = "call me" },
	"call_tel":         func(c *snippets.Content) { c.Lines["ca-988"].CallTel = "+1 800" },
	"call_tel no call": func(c *snippets.Content) { c.Lines["ca-988"].Call, c.Lines["ca-988"].CallTel = "", "988" },
	"no way to reach":  func(c *snippets.Content) { c.Lines["ca-988"].Call, c.Lines["ca-988"].Text = "", "" },
	"text":             func(c *snippets.Content) { c.Lines["ca-988"].Text = "text!" },
	"keyword no text":  func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Text = "" },
	"keyword":          func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Keyword = "connect now" },
	"country":          func(c *snippets.Content) { c.Lines["ca-988"].Country = "" },
	"language":         func(c *snippets.Content) { c.Lines["ca-988"].Languages = []string{"English"} },
	"name":             func(c *snippets.Content) { c.Lines["ca-988"].Name = snippets.Text{} },
	"languages on request": func(c *snippets.Content) {
		c.Lines["ca-hope-for-wellness"].LanguagesOnRequest = []string{"Cree"}
	},
	"access":          func(c *snippets.Content) { c.Lines["us-988"].Access = []string{"braille"} },
	"no hours":        func(c *snippets.Content) { c.Lines["ca-kids-help-phone"].Schedule = nil },
	"schedule zone":   func(c *snippets.Content) { c.Lines["ca-988"].Schedule = weekly("Toronto", "Mo-Fr 09:00-17:00") },
	"schedule nozone": func(c *snippets.Content) { c.Lines["ca-988"].Schedule = weekly("", "Mo-Fr 09:00-17:00") },
	"schedule empty":  func(c *snippets.Content) { c.Lines["ca-988"].Schedule = weekly("America/Toronto") },
	"schedule shape":  func(c *snippets.Content) { c.Lines["ca-988"].Schedule = weekly("America/Toronto", "Mo-Fr") },
	"schedule day":    func(c *snippets.Content) { c.Lines["ca-988"].Schedule = weekly("America/Toronto", "Lundi 9h-17h") },
	"schedule interval": func(c *snippets.Content) {
		c.Lines["ca-988"].Schedule = weekly("America/Toronto", "Mo-Fr 9-17")
	},
	"schedule time": func(c *snippets.Content) {
		c.Lines["ca-988"].Schedule = weekly("America/Toronto", "Mo-Fr 09:00-25:00")
	},
	"schedule except": func(c *snippets.Content) {
		s := weekly("America/Toronto", "Mo-Fr 09:00-17:00")
		s.Except = []string{"Christmas closed", "2026-12-31 all day"}
		c.Lines["ca-988"].Schedule = s
	},
	"source":            func(c *snippets.Content) { c.Lines["ca-988"].Source = "crtc.gc.ca" },
	"verified missing":  func(c *snippets.Content) { c.Lines["ca-988"].VerifiedOn = "" },
	"verified format":   func(c *snippets.Content) { c.Lines["ca-988"].VerifiedOn = "1 Nov 2026" },
	"verified future":   func(c *snippets.Content) { c.Lines["ca-988"].VerifiedOn = "2999-01-01" },
	"line id":           func(c *snippets.Content) { c.Lines["CA 988"] = c.Lines["ca-988"] },
	"region unknown":    func(c *snippets.Content) { c.Regions["CA"].Lines = append(c.Regions["CA"].Lines, "ca-nope") },
	"region twice":      func(c *snippets.Content) { c.Regions["CA"].Lines = append(c.Regions["CA"].Lines, "ca-988") },
	"region country":    func(c *snippets.Content) { c.Regions["CA"].Lines = append(c.Regions["CA"].Lines, "gb-shout") },
	"region emergency":  func(c *snippets.Content) { c.Regions["CA"].Emergency = nil },
	"region number":     func(c *snippets.Content) { c.Regions["CA"].Message["en"] += " Or call 555-0199." },
	"resource id":       func(c *snippets.Content) { c.Resources[1].ID = "" },
	"resource dup":      func(c *snippets.Content) { c.Resources[1].ID = c.Resources[0].ID },
	"resource type":     func(c *snippets.Content) { c.Resources[0].Type = "zine" },
	"resource size":     func(c *snippets.Content) { c.Resources[0].SizeBytes = -1 },
	"resource pdf size": func(c *snippets.Content) { c.Resources[0].SizeBytes = 0 },
	"resource dates":    func(c *snippets.Content) { c.Resources[0].StartsOn, c.Resources[0].EndsOn = "2027-02-01", "2027-01-01" },
	"resource date":     func(c *snippets.Content) { c.Resources[0].StartsOn = "soon" },
	"featured unknown":  func(c *snippets.Content) { c.Partners["demo"].Featured = append(c.Partners["demo"].Featured, "nope") },
	"featured twice": func(c *snippets.Content) {
		c.Partners["demo"].Featured = append(c.Partners["demo"].Featured, c.Partners["demo"].Featured[0])
	},
	"notice expiry missing": func(c *snippets.Content) { c.Notices = []*snippets.Notice{notice("storm", "")} },
	"notice expiry format":  func(c *snippets.Content) { c.Notices = []*snippets.Notice{notice("storm", "tomorrow")} },
	"notice id":             func(c *snippets.Content) { c.Notices = []*snippets.Notice{notice("Storm!", "2027-01-01T00:00:00Z")} },
	"notice partner": func(c *snippets.Content) {
		n := notice("storm", "2027-01-01T00:00:00Z")
		n.Partners = []string{"nope"}
		c.Notices = []*snippets.Notice{n}
	},
	"notice region code": func(c *snippets.Content) {
		n := notice("storm", "2027-01-01T00:00:00Z")
		n.Regions = []string{"Canada"}
		c.Notices = []*snippets.Notice{n}
	},
	"notice region entry": func(c *snippets.Content) {
		n := notice("storm", "2027-01-01T00:00:00Z")
		n.Regions = []string{"US-NY"}
		c.Notices = []*snippets.Notice{n}
	},
	"notice overlap": func(c *snippets.Content) {
		c.Notices = []*snippets.Notice{notice("storm", "2027-01-01T00:00:00Z"), notice("flood", "2027-01-02T00:00:00Z")}
	},
	"notice dup": func(c *snippets.Content) {
		a, b := notice("storm", "2027-01-01T00:00:00Z"), notice("storm", "2027-01-01T00:00:00Z")
		a.Partners, b.Partners = []string{"demo"}, []string{"mhcc"}
		c.Notices = []*snippets.Notice{a, b}
	},
}

// weekly is a schedule of weekly hours as an operator types it in the line form.
func weekly(zone string, entries ...string) *snippets.Schedule {
	return &snippets.Schedule{Zone: zone, Weekly: entries}
}

func notice(id, expires string) *snippets.Notice {
	return &snippets.Notice{ID: id, Message: snippets.Text{"en": "Line down", "fr": "Ligne en panne"}, ExpiresAt: expires}
}

// consoleMistakeMessages makes every mistake on a fresh copy of the shipped content and returns
// the distinct messages Validate gives. Each mistake must give at least one.
func consoleMistakeMessages(t *testing.T) []snippets.Problem {
	t.Helper()
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	var out []snippets.Problem
	for name, mistake := range consoleMistakes {
		c, err := snippets.Parse(configs.Content)
		if err != nil {
			t.Fatal(err)
		}
		if r := c.Validate(snippets.ValidateOptions{Now: now}); len(r.Errors) != 0 {
			t.Fatalf("shipped content: %v", r.Errors)
		}
		mistake(c)
		r := c.Validate(snippets.ValidateOptions{Now: now})
		if len(r.Errors) == 0 {
			t.Errorf("mistake %q: Validate finds nothing", name)
		}
		for _, p := range r.Errors {
			if !slices.ContainsFunc(out, func(q snippets.Problem) bool { return q.Message == p.Message }) {
				if p.Code == "" || p.Code == "invalid" {
					t.Errorf("mistake %q: problem %q has no code of its own", name, p.Message)
				}
				out = append(out, p)
			}
		}
	}
	slices.SortFunc(out, func(a, b snippets.Problem) int { return strings.Compare(a.Message, b.Message) })
	return out
}

// consoleError is an API error as the console gets it.
type consoleError struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	ID      string   `json:"id"`
	Args    []string `json:"args"`
}

// TestConsoleFrenchMessages: every message the console's forms can get from the validator reads
// in French in the French console, keeping the values it quotes (the operator's own input); so
// does every refusal of the API's catalogue (answer.Messages), each with all its arguments, and
// those an operator meets (a missing scope, the dashboard's filters, a line's region sentence)
// are made with the real API, which names their message and arguments. The notes the edge
// writes in the history read in French too. The English console changes none of them.
func TestConsoleFrenchMessages(t *testing.T) {
	problems := consoleMistakeMessages(t)
	if len(problems) < 30 {
		t.Fatalf("only %d distinct messages from %d mistakes: %v", len(problems), len(consoleMistakes), problems)
	}
	var errs []consoleError
	e := startDashboardEdge(t, nil)
	// The API's own refusals an operator can meet in the console and the dashboard, as the API
	// gives them.
	for _, r := range []struct {
		operator, method, path string
		body                   any
	}{
		{"ben", "GET", "/v1/admin/feedback/rates", nil},
		{"root", "GET", "/v1/admin/feedback/rates?partner=Demo!", nil},
		{"root", "GET", "/v1/admin/feedback/rates?page=help", nil},
		{"root", "GET", "/v1/admin/feedback/rates?since=yesterday", nil},
		{"root", "GET", "/v1/admin/feedback/rates?from=1+Dec", nil},
		{"root", "GET", "/v1/admin/feedback/rates?to=30+Dec", nil},
		{"root", "GET", "/v1/admin/feedback/rates?from=2026-12-10&to=2026-12-01", nil},
		{"root", "GET", "/v1/admin/feedback/rates?found=maybe", nil},
		{"root", "GET", "/v1/admin/feedback/rates?bucket=month", nil},
		{"root", "GET", "/v1/admin/feedback/rates?from=2000-01-01&to=2026-12-01", nil},
		{"root", "GET", "/v1/admin/feedback/rates?from=2000-01-01&to=2026-12-01&bucket=week", nil},
		{"root", "GET", "/v1/admin/feedback/report?lang=de", nil},
		{"root", "GET", "/v1/admin/feedback/comments?limit=0", nil},
		{"root", "GET", "/v1/admin/feedback/followups?page=/help", nil},
		{"root", "GET", "/v1/admin/usage?since=soon", nil},
		{"root", "POST", "/v1/admin/feedback/01JDZZZZZZZZZZZZZZZZZZZZZZ/review", nil},
		{"root", "GET", "/v1/admin/content/diff?from=1&to=x", nil},
		{"root", "GET", "/v1/admin/audit?limit=0", nil},
		{"root", "PUT", "/v1/admin/lines/ca-988?dry_run=maybe", map[string]any{}},
		{"root", "PUT", "/v1/admin/lines/ca-988?dry_run=1", map[string]any{"name": map[string]string{"en": "988"}, "country": "CA", "call": "988",
			"hours": map[string]string{"en": "24/7"}, "source": "https://example.org", "verified_on": "2026-11-02",
			"region_messages": map[string]any{"US-NY": map[string]string{"en": "Call 988."}}}},
	} {
		status, body, _ := e.api(t, r.operator, r.method, r.path, r.body)
		var eb struct {
			Error consoleError `json:"error"`
		}
		if status < 400 || status >= 500 || json.Unmarshal(body, &eb) != nil || eb.Error.Message == "" {
			t.Fatalf("%s %s: %d %s, want a refusal", r.method, r.path, status, body)
		}
		m, ok := answer.Messages[eb.Error.ID]
		switch {
		case !ok:
			t.Errorf("%s %s: %s names no message of the catalogue", r.method, r.path, body)
		case answer.Render(m.EN, eb.Error.Args) != eb.Error.Message:
			t.Errorf("%s %s: %s is not its catalogue's %q with its arguments", r.method, r.path, body, m.EN)
		}
		errs = append(errs, eb.Error)
	}
	// Every message of the catalogue, with arguments that the French must keep, including
	// those the test edge cannot give (the content store away or fixed, an expired preview).
	for _, id := range slices.Sorted(maps.Keys(answer.Messages)) {
		ce := consoleError{ID: id}
		for range regexp.MustCompile(`\{\d+\}`).FindAllString(answer.Messages[id].EN, -1) {
			ce.Args = append(ce.Args, fmt.Sprintf("\"arg-%d\"", len(ce.Args)))
		}
		ce.Message = answer.Render(answer.Messages[id].EN, ce.Args)
		errs = append(errs, ce)
	}
	browser := consoleBrowser(t)
	quoted := regexp.MustCompile(`"[^"]*"`)
	for _, lang := range []string{"fr", "en"} {
		ctx := consoleOpen(t, browser, e.URL+"/admin/?lang="+lang)
		consolePoll(t, ctx, `window.SP && SP.message`)
		// The validator's problems are translated by their code and arguments, the API's
		// refusals by their id and arguments.
		pjs, _ := json.Marshal(problems)
		js, _ := json.Marshal(errs)
		got := consoleEval[[]string](t, ctx, `(`+string(pjs)+`).map(p => SP.problem(p)).concat((`+string(js)+`).map(e => SP.message(e)))`)
		all := []string{}
		for _, p := range problems {
			all = append(all, p.Message)
		}
		for _, e := range errs {
			all = append(all, e.Message)
		}
		if len(got) != len(all) {
			t.Fatalf("%s: %d answers for %d messages", lang, len(got), len(all))
		}
		for i, m := range all {
			switch {
			case lang == "en" && got[i] != m:
				t.Errorf("English console changed %q to %q", m, got[i])
			case lang == "fr" && got[i] == m:
				t.Errorf("French console leaves %q in English", m)
			case lang == "fr" && regexp.MustCompile(`\$\d|\{\d+\}`).MatchString(got[i]):
				t.Errorf("French %q for %q has an unfilled argument", got[i], m)
			}
			for _, q := range quoted.FindAllString(m, -1) {
				if lang == "fr" && !strings.Contains(got[i], q) {
					t.Errorf("French %q for %q drops the value %s", got[i], m, q)
				}
			}
		}
		// Version notes: the edge's own read in French; an operator's stays as written, even
		// one that begins like a message.
		notes := []string{fsstore.SeedNote, fmt.Sprintf(admin.RollbackNote, 3), "required by the CRTC notice of 2026-11-02", "rollback to v3 because"}
		js, _ = json.Marshal(notes)
		got = consoleEval[[]string](t, ctx, `(`+string(js)+`).map(n => SP.note(n))`)
		want := notes
		if lang == "fr" {
			want = []string{"contenu livré (configs/content.yaml)", "retour à la v3", notes[2], notes[3]}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s notes %q, want %q", lang, got, want)
		}
		consoleClean(t, ctx)
	}
}
