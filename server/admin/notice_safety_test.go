package admin_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server/answer"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// invalidAt reports whether r is a 422 invalid_content listing a problem of code at field.
func invalidAt(t *testing.T, r *fasthttp.Response, field, code string) bool {
	t.Helper()
	var body answer.ErrorBody
	if r.StatusCode() != 422 || json.Unmarshal(r.Body(), &body) != nil || body.Error.Code != "invalid_content" {
		return false
	}
	return slices.ContainsFunc(body.Error.Errors, func(p snippets.Problem) bool { return p.Path == field && p.Code == code })
}

// TestNoticeSafetyHTTP (issue 22, point 4): a notice token's PUT /v1/admin/notice, and its dry
// run, pass the checks of a region's sentence: a number not of every region it reaches, a bidi
// override, 20,000 characters are refused with 422 naming the field and the problem's code,
// and nothing is published. A notice naming only its regions' numbers is published.
func TestNoticeSafetyHTTP(t *testing.T) {
	f := edgetest.StartConsole(t)
	nora := edgetest.Bearer(edgetest.NoticeToken)
	exp := edgetest.Now.Add(2 * time.Hour).UTC().Format(time.RFC3339)
	body := func(regions, en string) []byte {
		b, err := json.Marshal(map[string]any{"id": "storm", "message": map[string]string{"en": en}, "expires_at": exp})
		if err != nil {
			t.Fatal(err)
		}
		if regions != "" {
			b = bytes.Replace(b, []byte(`"id"`), []byte(`"regions":[`+regions+`],"id"`), 1)
		}
		return b
	}
	_, before := edgetest.Current(t, f.Content)
	for _, tc := range []struct {
		name, regions, en, code string
	}{
		{"a premium-rate number for everyone", "", "Call 1-900-555-0199.", "notice_everywhere_number"},
		{"a premium-rate number for Quebec", `"CA-QC"`, "Call 1-900-555-0199.", "notice_names_other_number"},
		{"British Columbia's line for all of Canada", `"CA"`, "Call 1-800-784-2433.", "notice_names_other_number"},
		{"fullwidth digits", `"CA-QC"`, "Call １-９００-５５５-０１９９.", "notice_names_other_number"},
		{"a bidi override", `"CA"`, "Call \u202e988\u202c.", "bidi_control"},
		{"20,000 characters", `"CA"`, strings.Repeat("Lines are busy. ", 1250), "text_too_long"},
		{"letters for digits", `"CA-BC"`, "Call 1-800-SUICIDE.", "number_in_letters"},
	} {
		for _, uri := range []string{"/v1/admin/notice", "/v1/admin/notice?dry_run=1"} {
			r := f.Do(t, "PUT", uri, body(tc.regions, tc.en), nora...)
			if !invalidAt(t, r, "notices[0].message.en", tc.code) {
				t.Errorf("%s: PUT %s: %d %.300s, want 422 %s at notices[0].message.en", tc.name, uri, r.StatusCode(), r.Body(), tc.code)
			}
		}
	}
	if _, v := edgetest.Current(t, f.Content); v != before {
		t.Fatalf("a refused notice was published: v%d -> v%d", before, v)
	}
	r := f.Do(t, "PUT", "/v1/admin/notice", body(`"CA"`, "Lines are busy: call or text 988."), nora...)
	if r.StatusCode() != 200 {
		t.Fatalf("a notice for Canada naming 988: %d %s", r.StatusCode(), r.Body())
	}
	if msg, _ := edgetest.BannerMessage(t, f, "/v1/snippets/demo?region=CA-ON"); msg == "" {
		t.Error("the published notice is not served")
	}
}

// TestRegionSentenceDigitsHTTP (issue 22, point 5): a dry run of a region's sentence with
// digits of another script, or a bidi override around 988, is refused with 422 naming the
// field; so is a whole draft with a bidi override in a resource title.
func TestRegionSentenceDigitsHTTP(t *testing.T) {
	f := edgetest.StartConsole(t)
	alice := edgetest.Bearer(edgetest.AliceToken)
	c, err := snippets.Parse(configs.Content)
	if err != nil {
		t.Fatal(err)
	}
	qc := c.Regions["CA-QC"]
	for _, tc := range []struct{ add, code string }{
		{" Or call １-９００-５５５-０１９９.", "message_names_other_number"},
		{" Or call ١-٩٠٠-٥٥٥-٠١٩٩.", "message_names_other_number"},
		{" Or call \u202e988\u202c.", "bidi_control"},
	} {
		b, _ := json.Marshal(map[string]any{"lines": qc.Lines, "message": map[string]string{"en": qc.Message["en"] + tc.add, "fr": qc.Message["fr"]}})
		r := f.Do(t, "PUT", "/v1/admin/regions/CA-QC/lines?dry_run=1", b, alice...)
		if !invalidAt(t, r, "regions.CA-QC.message.en", tc.code) {
			t.Errorf("%q: %d %.300s, want 422 %s at regions.CA-QC.message.en", tc.add, r.StatusCode(), r.Body(), tc.code)
		}
	}
	draft := bytes.Replace(configs.Content, []byte(`"Guidelines for the Practice`), []byte("\"\u202eGuidelines for the Practice"), 1)
	r := f.Do(t, "POST", "/v1/admin/preview", draft, edgetest.With(alice, "Content-Type", "application/yaml")...)
	if !invalidAt(t, r, "resources[0].title.en", "bidi_control") {
		t.Errorf("draft with a bidi override: %d %.300s", r.StatusCode(), r.Body())
	}
}
