package origin

import "testing"

func TestParsePublicOrigin(t *testing.T) {
	for in, want := range map[string]string{
		"":                                 "",
		"https://signpost.example.org":     "https://signpost.example.org",
		"https://Signpost.Example.org/":    "https://signpost.example.org",
		"HTTP://localhost:8080":            "http://localhost:8080",
		"https://[2001:db8::1]:8443":       "https://[2001:db8::1]:8443",
		"https://signpost.example.org:443": "https://signpost.example.org:443",
	} {
		if got, err := ParsePublic(in); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"signpost.example.org", "//signpost.example.org", "ftp://signpost.example.org",
		"https://signpost.example.org/edge", "https://signpost.example.org?x=1", "https://signpost.example.org/?",
		"https://signpost.example.org#top", "https://signpost.example.org/#", "https://user@signpost.example.org",
		"https://", "https://a..b", "https://evil example", "https://x.example:99999", "mailto:a@b.example", "https:signpost.example.org"} {
		if got, err := ParsePublic(in); err == nil {
			t.Errorf("%q: accepted as %q", in, got)
		}
	}
}
