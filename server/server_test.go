package server_test

import (
	"bytes"
	"crypto/sha512"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/signpost/edge/server/edgetest"
)

func TestWidgetEncodings(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	identity := e.Do(t, "GET", "/v1/widget.js", nil)
	if identity.StatusCode() != 200 || len(identity.Body()) == 0 {
		t.Fatalf("identity: %d, %d bytes", identity.StatusCode(), len(identity.Body()))
	}
	want := append([]byte(nil), identity.Body()...)
	tags := map[string]string{}
	for _, tc := range []struct{ accept, encoding string }{
		{"", ""},
		{"gzip", "gzip"},
		{"gzip, deflate, br", "br"},
		{"br;q=0, gzip", "gzip"},
		{"gzip;q=0, br;q=0", ""},
		{"*", "br"},
		{"deflate", ""},
	} {
		r := e.Do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", tc.accept)
		if got := edgetest.Header(r, "Content-Encoding"); got != tc.encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.encoding)
		}
		if !bytes.Equal(edgetest.Decode(t, r), want) {
			t.Errorf("Accept-Encoding %q: decoded body differs from identity", tc.accept)
		}
		if got, want := r.Header.ContentLength(), len(r.Body()); got != want {
			t.Errorf("Accept-Encoding %q: Content-Length %d, body %d", tc.accept, got, want)
		}
		for name, want := range map[string]string{
			"Content-Type":                "text/javascript; charset=utf-8",
			"Cache-Control":               "public, max-age=300, stale-while-revalidate=86400",
			"Vary":                        "Accept-Encoding",
			"Access-Control-Allow-Origin": "*",
			"X-Content-Type-Options":      "nosniff",
		} {
			if got := edgetest.Header(r, name); got != want {
				t.Errorf("Accept-Encoding %q: %s %q, want %q", tc.accept, name, got, want)
			}
		}
		etag := edgetest.Header(r, "ETag")
		if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) {
			t.Errorf("ETag %q is not a strong quoted tag", etag)
		}
		if prev, ok := tags[tc.encoding]; ok && prev != etag {
			t.Errorf("encoding %q has two ETags: %s, %s", tc.encoding, prev, etag)
		}
		tags[tc.encoding] = etag
	}
	if len(tags) != 3 || tags[""] == tags["br"] || tags["br"] == tags["gzip"] {
		t.Errorf("want one distinct ETag per encoding, got %v", tags)
	}
}

func TestWidgetConditionalAndHead(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	r := e.Do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "br")
	etag, full := edgetest.Header(r, "ETag"), len(r.Body())

	nm := e.Do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "br", "If-None-Match", etag)
	if nm.StatusCode() != 304 || len(nm.Body()) != 0 || edgetest.Header(nm, "ETag") != etag {
		t.Errorf("If-None-Match: %d, %d bytes, ETag %q", nm.StatusCode(), len(nm.Body()), edgetest.Header(nm, "ETag"))
	}
	if edgetest.Header(nm, "Cache-Control") == "" || edgetest.Header(nm, "Vary") != "Accept-Encoding" {
		t.Errorf("304 lost Cache-Control or Vary: %s", nm.Header.String())
	}
	weak := e.Do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "br", "If-None-Match", `"nope", W/`+etag)
	if weak.StatusCode() != 304 {
		t.Errorf("weak tag in a list: %d, want 304", weak.StatusCode())
	}
	// The tag names the brotli representation; a client asking for gzip gets the gzip body.
	other := e.Do(t, "GET", "/v1/widget.js", nil, "Accept-Encoding", "gzip", "If-None-Match", etag)
	if other.StatusCode() != 200 || edgetest.Header(other, "Content-Encoding") != "gzip" {
		t.Errorf("tag of another encoding: %d %q, want 200 gzip", other.StatusCode(), edgetest.Header(other, "Content-Encoding"))
	}
	stale := e.Do(t, "GET", "/v1/widget.js", nil, "If-None-Match", `"old"`)
	if stale.StatusCode() != 200 {
		t.Errorf("stale tag: %d, want 200", stale.StatusCode())
	}

	head := e.Do(t, "HEAD", "/v1/widget.js", nil, "Accept-Encoding", "br")
	if head.StatusCode() != 200 || len(head.Body()) != 0 {
		t.Errorf("HEAD: %d with %d body bytes", head.StatusCode(), len(head.Body()))
	}
	if head.Header.ContentLength() != full || edgetest.Header(head, "ETag") != etag || edgetest.Header(head, "Content-Encoding") != "br" {
		t.Errorf("HEAD headers differ from GET: %s", head.Header.String())
	}
}

func TestWidgetPinnedAndManifest(t *testing.T) {
	e := edgetest.Start(t, edgetest.Options{})
	m := edgetest.Manifest(t, e)
	if !strings.HasPrefix(m.URL, "/v1/widget.") || !strings.HasSuffix(m.URL, ".js") || m.Version == "" {
		t.Fatalf("manifest %+v", m)
	}
	r := e.Do(t, "GET", m.URL, nil)
	if r.StatusCode() != 200 || edgetest.Header(r, "Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("pinned: %d, Cache-Control %q", r.StatusCode(), edgetest.Header(r, "Cache-Control"))
	}
	sum := sha512.Sum384(r.Body())
	if want := "sha384-" + base64.StdEncoding.EncodeToString(sum[:]); m.Integrity != want {
		t.Errorf("integrity %s, but the identity bytes hash to %s", m.Integrity, want)
	}
	short := e.Do(t, "GET", "/v1/widget.js", nil)
	if !bytes.Equal(short.Body(), r.Body()) {
		t.Error("/v1/widget.js and the pinned URL serve different bytes")
	}
	if edgetest.Header(r, "Access-Control-Allow-Origin") != "*" {
		t.Error("pinned script lacks CORS: integrity checks of a crossorigin script need it")
	}

	old := e.Do(t, "GET", "/v1/widget.0123456789abcdef.js", nil)
	if code, _ := edgetest.JSONError(t, old); old.StatusCode() != 404 || code != "unknown_widget_version" {
		t.Errorf("old hash: %d %s", old.StatusCode(), code)
	}
	post := e.Do(t, "POST", "/v1/widget.js", []byte("x"))
	if code, _ := edgetest.JSONError(t, post); post.StatusCode() != 405 || code != "method_not_allowed" || !strings.Contains(edgetest.Header(post, "Allow"), "GET") {
		t.Errorf("POST widget: %d %s Allow %q", post.StatusCode(), code, edgetest.Header(post, "Allow"))
	}
}

func TestSnippets(t *testing.T) {
	content := edgetest.Shipped(t)
	e := edgetest.Start(t, edgetest.Options{Content: content})
	for _, tc := range []struct {
		uri, locale, region string
		lines               []string
		parts               string // which parts are present: b r f
	}{
		{"/v1/snippets/demo", "en", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?locale=fr&region=CA-QC", "fr", "CA-QC", []string{"qc-appelle", "ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?locale=fr-CA&region=ca-on", "fr", "CA-ON", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?locale=fr-CA&region=ca-bc", "fr", "CA-BC", []string{"ca-988", "bc-1800-suicide", "bc-310-mental-health-support", "bc-kuu-us", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?region=CA-NU", "en", "CA-NU", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?region=us-ny", "en", "US", []string{"us-988", "us-veterans-crisis-line", "us-crisis-text-line"}, "brf"},
		{"/v1/snippets/mhcc?region=GB", "en", "GB", []string{"gb-samaritans", "gb-shout"}, "brf"},
		{"/v1/snippets/mhcc?region=GB-ENG&locale=de", "en", "GB-ENG", []string{"gb-samaritans", "gb-shout", "gb-nhs-111"}, "brf"},
		{"/v1/snippets/demo?region=AQ", "en", "", nil, "brf"},
		{"/v1/snippets/demo/banner?region=US", "en", "US", []string{"us-988", "us-veterans-crisis-line", "us-crisis-text-line"}, "b"},
		{"/v1/snippets/demo/resources?locale=fr", "fr", "CA", nil, "r"},
		{"/v1/snippets/demo/feedback?locale=fr", "fr", "CA", nil, "f"},
		// No region: the time zone the widget could not place (TimeZones.Region).
		{"/v1/snippets/demo?tz=Europe/London", "en", "GB", []string{"gb-samaritans", "gb-shout"}, "brf"},
		{"/v1/snippets/demo?tz=America/Indianapolis", "en", "US", []string{"us-988", "us-veterans-crisis-line", "us-crisis-text-line"}, "brf"},
		{"/v1/snippets/demo?tz=America/Toronto", "en", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?tz=Etc/UTC", "en", "CA", []string{"ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
		{"/v1/snippets/demo?tz=Asia/Tokyo", "en", "", nil, "brf"},
		{"/v1/snippets/demo?region=CA-QC&tz=Europe/London", "en", "CA-QC", []string{"qc-appelle", "ca-988", "ca-kids-help-phone", "ca-hope-for-wellness"}, "brf"},
	} {
		t.Run(tc.uri, func(t *testing.T) {
			s, r := edgetest.GetSnippet(t, e, tc.uri)
			if r.StatusCode() != 200 {
				t.Fatalf("status %d: %s", r.StatusCode(), r.Body())
			}
			if s.Version != content.Version || s.Locale != tc.locale || s.Region != tc.region {
				t.Errorf("version %q locale %q region %q, want %q %q %q", s.Version, s.Locale, s.Region, content.Version, tc.locale, tc.region)
			}
			if (s.Banner != nil) != strings.Contains(tc.parts, "b") || (s.Resources != nil) != strings.Contains(tc.parts, "r") ||
				(s.Feedback != nil) != strings.Contains(tc.parts, "f") {
				t.Errorf("parts present: banner %v resources %v feedback %v, want %q", s.Banner != nil, s.Resources != nil, s.Feedback != nil, tc.parts)
			}
			if string(s.Notice) != "null" {
				t.Errorf("notice %s, want null", s.Notice)
			}
			if s.Banner != nil {
				if got := strings.Join(edgetest.LineIDs(s.Banner), ","); got != strings.Join(tc.lines, ",") {
					t.Errorf("lines %s, want %s", got, strings.Join(tc.lines, ","))
				}
				if tc.region == "" && (s.Banner.Directory == nil || len(s.Banner.Emergency) != 0) {
					t.Errorf("unknown region: want the directory link and no emergency number, got %+v", s.Banner)
				}
			}
			if s.Resources != nil && tc.locale == "fr" {
				rs := *s.Resources
				if len(rs) < 8 || rs[0].ID != "peer-support-guidelines" || !strings.Contains(rs[0].Title, "soutien par les pairs") {
					t.Errorf("French resources: %+v", rs)
				}
			}
			if s.Feedback != nil && tc.locale == "fr" && !strings.Contains(s.Feedback.Found, "trouvé") {
				t.Errorf("French feedback: %+v", s.Feedback)
			}
			for name, want := range map[string]string{
				"Cache-Control":               "public, no-cache",
				"Access-Control-Allow-Origin": "*",
				"Vary":                        "Accept-Encoding",
			} {
				if got := edgetest.Header(r, name); got != want {
					t.Errorf("%s %q, want %q", name, got, want)
				}
			}
		})
	}
}
