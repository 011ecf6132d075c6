package widget

import (
	"bytes"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tdewolff/parse/v2"
	"github.com/tdewolff/parse/v2/js"
	"github.com/valyala/fasthttp"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
)

// gzipBudget is the most the shipped bundle may weigh gzipped: it loads on every partner page.
// gzipHeadroom must stay free of it, so that the next region or string does not break it.
const (
	gzipBudget   = 8192
	gzipHeadroom = 512
)

// testData is small widget data of the shape snippets.Loaded.WidgetData produces.
const testData = `{
  "version": "v1",
  "regions": {
    "CA": {
      "message": {"en": "If you are in immediate danger, call 911.", "fr": "En cas de danger immédiat, composez le 911."},
      "lines": ["ca-988"]
    }
  },
  "emergency": {"CA": ["911"], "GB": ["999", "112"]},
  "lines": {
    "ca-988": {"name": {"en": "Suicide Crisis Helpline"}, "call": "988", "tel": "988", "text": "988", "sms": "988", "hours": {"en": "24/7"}}
  },
  "unknown": {
    "message": {"en": "If you are in danger, call your local emergency number."},
    "directory_url": "https://example.org/directory",
    "directory_label": {"en": "Find a line"}
  },
  "partners": {"demo": {"region": "CA"}}
}`

// withMessage returns testData with the English message of CA replaced by msg.
func withMessage(t testing.TB, msg string) []byte {
	t.Helper()
	var d map[string]any
	if err := json.Unmarshal([]byte(testData), &d); err != nil {
		t.Fatal(err)
	}
	d["regions"].(map[string]any)["CA"].(map[string]any)["message"].(map[string]any)["en"] = msg
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func build(t testing.TB, data []byte) *Bundle {
	t.Helper()
	b, err := Build(data)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

// parses fails the test unless the bundle is valid JavaScript.
func parses(t testing.TB, b []byte) {
	t.Helper()
	if _, err := js.Parse(parse.NewInputBytes(b), js.Options{}); err != nil {
		t.Fatalf("bundle does not parse: %v\n%s", err, b)
	}
}

// shippedData is the widget data of the content built into the binary.
func shippedData(t testing.TB) []byte {
	t.Helper()
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatalf("load shipped content: %v", err)
	}
	tz, err := snippets.ParseTimeZones(configs.TimeZones)
	if err != nil {
		t.Fatal(err)
	}
	d, err := l.WidgetData(tz)
	if err != nil {
		t.Fatalf("WidgetData: %v", err)
	}
	return d
}

func TestBuild(t *testing.T) {
	b := build(t, []byte(testData))
	out := string(b.JS)

	for _, token := range []string{dataToken, cssToken, "__SIGNPOST"} {
		if strings.Contains(out, token) {
			t.Errorf("bundle still holds %s", token)
		}
	}
	for _, v := range []string{
		`"v1"`, "CA", "911", "If you are in immediate danger, call 911.",
		"En cas de danger immédiat, composez le 911.", "ca-988", "Suicide Crisis Helpline", "24/7",
		"If you are in danger, call your local emergency number.", "https://example.org/directory",
		"Find a line", "demo", "directory_url", "emergency",
	} {
		if !strings.Contains(out, v) {
			t.Errorf("bundle lacks %q", v)
		}
	}
	if !strings.Contains(out, ":host{") {
		t.Error("bundle lacks the minified stylesheet")
	}
	if strings.Contains(out, "/*") || strings.Contains(out, "\n  ") {
		t.Error("bundle holds comments or indentation: not minified")
	}

	src, err := source()
	if err != nil {
		t.Fatal(err)
	}
	style, err := sources.ReadFile("src/widget.css")
	if err != nil {
		t.Fatal(err)
	}
	if full := len(src) + len(style) + len(testData); len(b.JS) >= full {
		t.Errorf("bundle is %d bytes, sources %d: minification gained nothing", len(b.JS), full)
	}

	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(b.Hash) {
		t.Errorf("Hash = %q, want 16 lowercase hex characters", b.Hash)
	}
	sum := sha256.Sum256(b.JS)
	if want := hex.EncodeToString(sum[:8]); b.Hash != want {
		t.Errorf("Hash = %q, want the SHA-256 prefix of JS %q", b.Hash, want)
	}
	if want := "/v1/widget." + b.Hash + ".js"; b.Path() != want {
		t.Errorf("Path() = %q, want %q", b.Path(), want)
	}
	sri := sha512.Sum384(b.JS)
	if want := "sha384-" + base64.StdEncoding.EncodeToString(sri[:]); b.Integrity != want {
		t.Errorf("Integrity = %q, want %q", b.Integrity, want)
	}

	parses(t, b.JS)
}

func TestBuildDeterministic(t *testing.T) {
	first := build(t, []byte(testData))
	for range 20 {
		again := build(t, []byte(testData))
		if !bytes.Equal(again.JS, first.JS) || again.Hash != first.Hash || again.Integrity != first.Integrity {
			t.Fatalf("same data built twice differs: %s vs %s", again.Hash, first.Hash)
		}
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"other message", withMessage(t, "Call 911 now.")},
		{"one character", withMessage(t, "If you are in immediate danger, call 912.")},
		{"other version", []byte(strings.Replace(testData, `"v1"`, `"v2"`, 1))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := build(t, tt.data)
			if b.Hash == first.Hash {
				t.Errorf("different data, same hash %s", b.Hash)
			}
			if b.Integrity == first.Integrity {
				t.Errorf("different data, same integrity %s", b.Integrity)
			}
			if b.Path() == first.Path() {
				t.Errorf("different data, same path %s", b.Path())
			}
		})
	}
}

func TestBuildInvalidData(t *testing.T) {
	for _, data := range []string{
		"", " ", "{", `{"version":}`, `{'version':'v1'}`, "version: v1", `{"a":1}x`, `{"a":1}{"b":2}`,
		"{\"a\":\"\xff\"}x",
	} {
		t.Run(data, func(t *testing.T) {
			b, err := Build([]byte(data))
			if err == nil {
				t.Fatalf("Build(%q) = %s, want an error", data, b.Path())
			}
			if b != nil {
				t.Errorf("Build(%q) returned a bundle with its error", data)
			}
		})
	}
}

// TestBuildEscapes checks that text no script may hold raw survives minification as a value
// of the same string, in a bundle every ES2017 engine parses.
func TestBuildEscapes(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		want []string // any one of these spellings must be in the bundle
	}{
		{"line separator", "a\u2028b", []string{`a\u2028b`}},
		{"paragraph separator", "a\u2029b", []string{`a\u2029b`}},
		{"closing script", "a</script>b", []string{"a</script>b", `a<\/script>b`, `a\u003c/script>b`, `a\x3c/script>b`}},
		{"comment opener", "a<!--b", []string{"a<!--b", `a\u003c!--b`, `a\x3c!--b`, `a<\!--b`}},
		{"quotes", `say "hi" it's`, []string{`"say \"hi\" it's"`, `'say "hi" it\'s'`, "`say \"hi\" it's`"}},
		{"backslash", `a\b`, []string{`a\\b`}},
		{"all at once", "x\u2028</script>\u2029y", []string{
			`x\u2028</script>\u2029y`, `x\u2028<\/script>\u2029y`, `x\u2028\u003c/script>\u2029y`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := build(t, withMessage(t, tt.msg))
			parses(t, b.JS)
			// Raw U+2028/U+2029 in a string literal are a SyntaxError before ES2019.
			if i := bytes.IndexAny(b.JS, "\u2028\u2029"); i >= 0 {
				t.Errorf("bundle holds a raw line/paragraph separator at %d: %q", i, b.JS[max(0, i-20):min(len(b.JS), i+20)])
			}
			found := false
			for _, w := range tt.want {
				found = found || bytes.Contains(b.JS, []byte(w))
			}
			if !found {
				t.Errorf("message %q not found as any of %q", tt.msg, tt.want)
			}
		})
	}
}

// TestBuildDataSpellingAToken checks that operator text spelling a placeholder is left as it
// is: the data is baked in last and never searched for tokens.
func TestBuildDataSpellingAToken(t *testing.T) {
	data := withMessage(t, "see "+cssToken+" and "+dataToken)
	first := build(t, data)
	for range 20 { // placeholders were once replaced in map order, failing some builds only
		b := build(t, data)
		if b.Hash != first.Hash {
			t.Fatalf("same data built twice differs: %s vs %s", b.Hash, first.Hash)
		}
	}
	parses(t, first.JS)
	if !bytes.Contains(first.JS, []byte("see "+cssToken+" and "+dataToken)) {
		t.Error("the message spelling the tokens is not in the bundle")
	}
	if n := bytes.Count(first.JS, []byte(cssToken)); n != 1 {
		t.Errorf("%s occurs %d times, want once (in the message)", cssToken, n)
	}
	if !bytes.Contains(first.JS, []byte(":host{")) {
		t.Error("bundle lacks the minified stylesheet")
	}
}

func TestShippedBundle(t *testing.T) {
	data := shippedData(t)
	b := build(t, data)
	parses(t, b.JS)
	if bytes.Contains(b.JS, []byte("__SIGNPOST_")) {
		t.Error("shipped bundle still holds a placeholder")
	}
	if bytes.IndexAny(b.JS, "\u2028\u2029") >= 0 {
		t.Error("shipped bundle holds a raw line/paragraph separator")
	}
	var d struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(data, &d); err != nil || d.Version == "" {
		t.Fatalf("shipped data has no version: %v", err)
	}
	if !bytes.Contains(b.JS, []byte(d.Version)) {
		t.Errorf("shipped bundle lacks content version %q", d.Version)
	}

	gz := fasthttp.AppendGzipBytesLevel(nil, b.JS, fasthttp.CompressBestCompression)
	br := fasthttp.AppendBrotliBytesLevel(nil, b.JS, fasthttp.CompressBrotliBestCompression)
	t.Logf("shipped bundle: identity %d B, gzip-9 %d B, brotli-11 %d B (data %d B, budget %d B gzipped, %d B free)",
		len(b.JS), len(gz), len(br), len(data), gzipBudget, gzipBudget-len(gz))
	if len(gz) > gzipBudget-gzipHeadroom {
		t.Errorf("shipped bundle is %d bytes gzipped: the %d-byte budget keeps %d bytes free", len(gz), gzipBudget, gzipHeadroom)
	}
	if un, err := fasthttp.AppendGunzipBytes(nil, gz); err != nil || !bytes.Equal(un, b.JS) {
		t.Errorf("gzip of the bundle does not round-trip: %v", err)
	}
}

func BenchmarkBuild(b *testing.B) {
	data := shippedData(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Build(data); err != nil {
			b.Fatal(err)
		}
	}
}
