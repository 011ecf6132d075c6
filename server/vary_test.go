package server_test

import (
	"bytes"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/edition"
	"github.com/valyala/fasthttp"
)

// varyHeaders are the request headers the edge's code reads (TestVaryHeadersAreWhatTheCodeReads
// keeps the list whole), each with the values a cache may see. A variant is one or more headers
// set together (a CDN's country and subdivision headers place a visitor together). An operator's
// token changes what the admin routes say: every such answer is no-store.
var varyHeaders = [][]string{
	{"Accept-Encoding", "gzip"},
	{"Accept-Encoding", "br"},
	{"Accept-Encoding", "gzip, deflate, br, zstd"},
	{"Accept-Encoding", "gzip;q=0"},
	{"Accept-Encoding", "identity"},
	{"Accept-Language", "fr"},
	{"Accept-Language", "fr-CA,fr;q=0.9,en;q=0.5"},
	{"Accept-Language", "en"},
	{"Accept-Language", "de"},
	{"Host", "other.example"},
	{"Host", "127.0.0.1:8080"},
	{"Origin", "https://partner.example"},
	{"Origin", "null"},
	{"X-Forwarded-Proto", "http"},
	{"X-Forwarded-Host", "cdn.example"},
	{"X-Forwarded-For", "198.51.100.7"},
	{"CloudFront-Viewer-Country", "GB"},
	{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "QC"},
	{"CloudFront-Viewer-Country", "CA", "CloudFront-Viewer-Country-Region", "NU"},
	{"Accept", "application/json"},
	{"If-Match", `"v1"`},
	{"X-Signpost-Note", "a note"},
	{"Content-Type", "application/json"},
	{"Authorization", "Bearer " + edgetest.Token},
}

// varyExempt are request headers the code reads that the walk does not vary, and why.
var varyExempt = map[string]string{
	"If-None-Match": "conditional: a cache sends its own validators, and a 304 is not stored in place of the answer",
	"Cookie":        "read only by the operator API and the sign-in pages (a person's session, a sign-in's binding), which answer Cache-Control no-store; no public answer depends on it",
}

// varyEdge is an edge that reads every header it can: the CDN's location headers and X-Forwarded-*
// from a trusted proxy, which every request of the walk comes from; publicOrigin is
// EDGE_PUBLIC_ORIGIN.
func varyEdge(t *testing.T, publicOrigin string) *server.Server {
	t.Helper()
	l, err := edition.ParseLocator("CloudFront-Viewer-Country-Region")
	if err != nil {
		t.Fatal(err)
	}
	proxies, err := clientaddr.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	return edgetest.Start(t, edgetest.Options{Intake: true, Config: server.Config{LocationHeader: l, TrustedProxies: proxies, PublicOrigin: publicOrigin}}).Server
}

// varySample is a request-target of the walk and the route it takes.
type varySample struct{ route, uri string }

// varySamples are the request-targets the walk sends for each GET route: every route of the
// router, with its parameters filled in, and the queries that lead its handler down another way.
func varySamples(t *testing.T, srv *server.Server) []varySample {
	t.Helper()
	st := server.State(srv)
	extra := map[string][]string{
		"/":                      {"/?region=CA-QC&locale=fr"},
		"/v1/snippets/{partner}": {"/v1/snippets/mhcc?region=CA-ON", "/v1/snippets/demo?tz=America/Toronto", "/v1/snippets/demo?locale=fr"},
		"/v1/snippets/{partner}/{part}": {"/v1/snippets/mhcc/resources", "/v1/snippets/mhcc/feedback",
			"/v1/snippets/mhcc/banner?region=CA-QC"},
		"/v1/banner/{partner}.html": {"/v1/banner/mhcc.html?region=CA-QC&locale=fr"},
		"/v1/frame/{partner}":       {"/v1/frame/mhcc?region=CA-QC"},
		"/embed":                    {"/embed?partner=mhcc&components=banner,resources&locale=fr&region=CA-QC"},
		"/embed/preview":            {"/embed/preview?way=include&partner=mhcc", "/embed/preview?way=iframe"},
		"/embed/code":               {"/embed/code?partner=mhcc&region=CA-QC"},
		"/embed/reserve.css":        {"/embed/reserve.css?components=banner,resources&resources=3"},
		"/admin/":                   {"/admin/?lang=fr"},
	}
	fill := strings.NewReplacer("{partner}", "mhcc", "{part}", "banner", "{id}", "0123456789abcdef0123456789abcdef",
		"{v}", "1", "{code}", "CA")
	out := []varySample{{"/v1/widget.js", "/v1/widget.js"}, {"/v1/widget.{hash}.js", "/v1/" + string(st.PinnedName)},
		{"/v1/widget.json", "/v1/widget.json"}}
	for _, p := range server.Routes(srv)[fasthttp.MethodGet] {
		out = append(out, varySample{p, fill.Replace(p)})
		for _, uri := range extra[p] {
			out = append(out, varySample{p, uri})
		}
	}
	return out
}

// varyGet runs GET uri through the edge's handler from a trusted proxy, with headers as name,
// value pairs over a base of Host: edge.test.
func varyGet(srv *server.Server, h fasthttp.RequestHandler, uri string, headers []string) *fasthttp.Response {
	var req fasthttp.Request
	req.SetRequestURI(uri)
	req.Header.SetHost("edge.test")
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i] == "Host" {
			req.Header.SetHost(headers[i+1])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	var ctx fasthttp.RequestCtx
	ctx.Init(&req, &net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 40000}, nil)
	h(&ctx)
	resp := &fasthttp.Response{}
	ctx.Response.CopyTo(resp)
	return resp
}

// cacheable reports whether a shared cache may store r.
func cacheable(r *fasthttp.Response) bool {
	cc := strings.ToLower(string(r.Header.Peek("Cache-Control")))
	return !strings.Contains(cc, "no-store") && !strings.Contains(cc, "private")
}

// varies reports whether r's Vary names the header.
func varies(r *fasthttp.Response, name string) bool {
	for v := range strings.SplitSeq(string(r.Header.Peek("Vary")), ",") {
		if v = strings.TrimSpace(v); v == "*" || strings.EqualFold(v, name) {
			return true
		}
	}
	return false
}

// sameAnswer compares status, body and every header but Date.
func sameAnswer(a, b *fasthttp.Response) bool {
	if a.StatusCode() != b.StatusCode() || !bytes.Equal(a.Body(), b.Body()) {
		return false
	}
	headers := func(r *fasthttp.Response) []string {
		var out []string
		for k, v := range r.Header.All() {
			if !strings.EqualFold(string(k), "Date") {
				out = append(out, string(k)+": "+string(v))
			}
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(headers(a), headers(b))
}

// TestVaryNamesWhatChangesTheAnswer walks every GET route (the router's and the widget's) with
// each request header the code reads: where a header changes the answer (status, body or a
// header other than Date), every cacheable answer of the two names it in Vary, so that no cache
// hands one visitor's answer to another (a French page to an English reader, an edge origin from
// one Host to a request for another, a visitor placed in Québec to one in Ontario). The edge is
// walked with and without a public origin (EDGE_PUBLIC_ORIGIN: the Host then names nothing).
func TestVaryNamesWhatChangesTheAnswer(t *testing.T) {
	for _, public := range []string{"", "https://signpost.example.org"} {
		t.Run("public origin "+public, func(t *testing.T) { varyWalk(t, varyEdge(t, public)) })
	}
}

func varyWalk(t *testing.T, srv *server.Server) {
	h := srv.Handler()
	walked, checked := 0, 0
	for _, sample := range varySamples(t, srv) {
		uri := sample.uri
		base := varyGet(srv, h, uri, nil)
		if again := varyGet(srv, h, uri, nil); !sameAnswer(base, again) {
			// Drawn afresh for each request (the frame page's signed time): nothing to compare;
			// such an answer must not be stored.
			if cacheable(base) {
				t.Errorf("GET %s: a cacheable answer that differs from one request to the next", uri)
			}
			continue
		}
		walked++
		for _, variant := range varyHeaders {
			r := varyGet(srv, h, uri, variant)
			if sameAnswer(base, r) {
				continue
			}
			checked++
			for i := 0; i < len(variant); i += 2 {
				name := variant[i]
				for _, a := range []struct {
					which string
					r     *fasthttp.Response
				}{{"without it", base}, {"with it", r}} {
					if cacheable(a.r) && !varies(a.r, name) {
						t.Errorf("GET %s: %s changes the answer (%d → %d), and the answer %s (%d, Cache-Control %q) has Vary %q",
							uri, strings.Join(variant, ": "), base.StatusCode(), r.StatusCode(), a.which, a.r.StatusCode(),
							a.r.Header.Peek("Cache-Control"), a.r.Header.Peek("Vary"))
					}
				}
			}
		}
	}
	if walked < 40 || checked == 0 {
		t.Fatalf("walked %d request-targets, %d answers changed by a header: the walk did not run", walked, checked)
	}
	t.Logf("%d request-targets, %d answers changed by a header", walked, checked)
}

// How the code reads a request header: by its name in a literal, by a []byte variable holding
// it (resolved in the same file), or by a method of its own.
var (
	headerByName   = regexp.MustCompile(`Request\.Header\.Peek(?:All)?\("([A-Za-z0-9-]+)"\)`)
	headerByVar    = regexp.MustCompile(`(?:PeekCanonical\(|EqualFold\(k, )(header\w+)\)`)
	headerVarValue = regexp.MustCompile(`(header\w+)\s*=\s*\[\]byte\("([A-Za-z0-9-]+)"\)`)
	headerMethods  = map[string]string{"HasAcceptEncoding(": "Accept-Encoding", "Request.Header.Host()": "Host",
		"Request.Header.ContentType()": "Content-Type", "Request.Header.Referer()": "Referer",
		"Request.Header.UserAgent()": "User-Agent", "Request.Header.Cookie(": "Cookie"}
)

// TestVaryHeadersAreWhatTheCodeReads keeps varyHeaders whole: every request header the server's
// code reads by name is walked, or exempt with its reason. (The CDN's location headers, named
// by the operator, are read through edition.Locator: the walk sets CloudFront's.)
func TestVaryHeadersAreWhatTheCodeReads(t *testing.T) {
	walked := map[string]bool{}
	for _, v := range varyHeaders {
		for i := 0; i < len(v); i += 2 {
			walked[strings.ToLower(v[i])] = true
		}
	}
	found := 0
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var names []string
		for _, m := range headerByName.FindAllSubmatch(src, -1) {
			names = append(names, string(m[1]))
		}
		vars := map[string]string{}
		for _, m := range headerVarValue.FindAllSubmatch(src, -1) {
			vars[string(m[1])] = string(m[2])
		}
		for _, m := range headerByVar.FindAllSubmatch(src, -1) {
			name, ok := vars[string(m[1])]
			if !ok {
				t.Errorf("%s reads a header by %s, not declared in the file", path, m[1])
			}
			names = append(names, name)
		}
		for call, name := range headerMethods {
			if bytes.Contains(src, []byte(call)) {
				names = append(names, name)
			}
		}
		for _, name := range names {
			found++
			if _, ok := varyExempt[name]; !ok && !walked[strings.ToLower(name)] {
				t.Errorf("%s reads %s: add it to varyHeaders (or to varyExempt, with the reason)", path, name)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 15 {
		t.Fatalf("found %d header reads: the patterns no longer match the code", found)
	}
	t.Logf("%d header reads", found)
}
