package main

import (
	"bufio"
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/server/clientaddr"
	"github.com/signpost/edge/server/edition"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func runEdge(args []string, vars map[string]string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(args, env(vars), &out, &errOut)
	return code, out.String(), errOut.String()
}

// variants writes three variants of the shipped content into dir: invalid.yaml (an unknown
// featured resource and a line without a source), overdue.yaml (a line last checked 13 months
// ago, due for a re-check) and lapsed.yaml (a line last checked in January 2024, more than 24
// months ago). It returns the date overdue.yaml's line is due on.
func variants(t *testing.T, dir string) string {
	t.Helper()
	src := string(configs.Content)
	write := func(name, from, to string, more ...string) {
		out := strings.Replace(src, from, to, 1)
		for i := 0; i+1 < len(more); i += 2 {
			out = strings.Replace(out, more[i], more[i+1], 1)
		}
		if out == src {
			t.Fatalf("%s: the shipped content changed shape; update the replacements", name)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(out), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("invalid.yaml", "      - emh-access-gap\n", "      - no-such-resource\n",
		"    source: \"https://3114.fr\"\n", "")
	// The numbers dialled (issue 24): 1 866 APPELLE shown, the retired 1-800-273-8255 dialled;
	// an exchange no NANP number has; a text short code nobody listed.
	write("mismatch.yaml", `call_tel: "+18662773553"`, `call_tel: "+18002738255"`)
	write("dialled.yaml", `call: "1-866-332-2322"`+"\n"+`    call_tel: "+18663322322"`, `call: "1-866-132-2322"`+"\n"+`    call_tel: "+18661322322"`,
		`text: "85258"`, `text: "85259"`)
	// Safe messaging: a warning, not an error.
	write("unsafe.yaml", `en: "A self-directed e-learning module followed by two virtual classroom modules."`,
		`en: "How to help someone after a failed attempt."`)
	shipped := "    source: \"https://3114.fr\"\n    verified_on: \"2026-11-01\""
	checked := time.Now().UTC().AddDate(0, -13, 0)
	write("overdue.yaml", shipped, "    source: \"https://3114.fr\"\n    verified_on: \""+checked.Format("2006-01-02")+"\"")
	write("lapsed.yaml", shipped, "    source: \"https://3114.fr\"\n    verified_on: \"2024-01-15\"")
	return checked.AddDate(0, 12, 0).Format("2006-01-02")
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	due := variants(t, dir)
	invalid, overdue, lapsed := filepath.Join(dir, "invalid.yaml"), filepath.Join(dir, "overdue.yaml"), filepath.Join(dir, "lapsed.yaml")
	for _, tc := range []struct {
		name   string
		args   []string
		vars   map[string]string
		code   int
		output []string
	}{
		{"shipped content", []string{"check", "--content", "../../configs/content.yaml"}, nil, 0,
			[]string{"valid (version ", "21 regions", "0 warnings"}},
		{"built-in copy when the default path is absent", []string{"check"}, nil, 0,
			[]string{"built-in configs/content.yaml: valid"}},
		{"content from the environment", []string{"check"}, map[string]string{"EDGE_CONTENT": overdue}, 0,
			[]string{overdue + ": valid"}},
		{"every error listed", []string{"check", "--content", invalid}, nil, 1,
			[]string{`error: partners.mhcc.featured[4]: unknown resource "no-such-resource"`, "error: lines.fr-3114.source: required", "invalid, 2 errors"}},
		{"displayed number is not the dialled number", []string{"check", "--content", filepath.Join(dir, "mismatch.yaml")}, nil, 1,
			[]string{"error: lines.qc-appelle.call_tel: dials +18002738255 but call shows 1-866-277-3553", "invalid, 1 errors"}},
		{"invalid E.164 and unknown short code", []string{"check", "--content", filepath.Join(dir, "dialled.yaml")}, nil, 1,
			[]string{"error: lines.ab-addiction-helpline.call_tel: dials +18661322322, which is not a valid number of CA",
				"error: lines.gb-shout.text: dials 85259, which is neither a number of GB nor a short code known there", "invalid, 2 errors"}},
		{"safe-messaging phrase warns", []string{"check", "--content", filepath.Join(dir, "unsafe.yaml")}, nil, 0,
			[]string{`warning: resources[8].summary.en: "failed attempt" presents a suicide attempt as a success or a failure: write "suicide attempt" or "died by suicide" instead (Mindframe;`, ": valid", "1 warnings"}},
		{"a line due for a re-check warns", []string{"check", "--content", overdue}, nil, 0,
			[]string{"warning: lines.fr-3114.next_check: re-check overdue since " + due + ": check the line against its source and record it", "1 warnings"}},
		{"a line last checked more than 24 months ago fails", []string{"check", "--content", lapsed}, nil, 1,
			[]string{"error: lines.fr-3114.verified_on: last checked 2024-01-15, more than 24 months ago", "invalid, 1 errors"}},
		{"missing file", []string{"check", "--content", "testdata/nope.yaml"}, nil, 1,
			[]string{"error: testdata/nope.yaml:", "no such file"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, _ := runEdge(tc.args, tc.vars)
			if code != tc.code {
				t.Errorf("exit %d, want %d; output:\n%s", code, tc.code, out)
			}
			for _, want := range tc.output {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestCommandLine(t *testing.T) {
	if code, out, _ := runEdge([]string{"version"}, nil); code != 0 || !strings.HasPrefix(out, "edge ") {
		t.Errorf("version: %d %q", code, out)
	}
	if code, _, errOut := runEdge([]string{"frobnicate"}, nil); code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"serve", "--no-such-flag"}, nil); code != 2 || !strings.Contains(errOut, "no-such-flag") {
		t.Errorf("unknown flag: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"serve", "--data-dir", t.TempDir()}, map[string]string{"EDGE_REDIS_URL": "memcached://127.0.0.1:1"}); code != 1 || !strings.Contains(errOut, "redis url") {
		t.Errorf("bad redis url: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"serve"}, map[string]string{"EDGE_SHUTDOWN_TIMEOUT": "soon"}); code != 2 || !strings.Contains(errOut, "EDGE_SHUTDOWN_TIMEOUT") {
		t.Errorf("bad duration: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"serve"}, map[string]string{"EDGE_LOCATION_HEADER": "Signpost Region"}); code != 2 || !strings.Contains(errOut, "EDGE_LOCATION_HEADER") {
		t.Errorf("bad location header: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"serve", "--location-header", "CF-Region-Code:"}, nil); code != 2 || !strings.Contains(errOut, `"CF-Region-Code:"`) {
		t.Errorf("bad --location-header: %d %q", code, errOut)
	}
	for _, bad := range []string{"signpost.example.org", "ftp://signpost.example.org", "https://signpost.example.org/edge",
		"https://signpost.example.org?x=1", "https://user@signpost.example.org", "https://evil example", "https://a..b"} {
		if code, _, errOut := runEdge([]string{"serve"}, map[string]string{"EDGE_PUBLIC_ORIGIN": bad}); code != 2 || !strings.Contains(errOut, "EDGE_PUBLIC_ORIGIN") {
			t.Errorf("EDGE_PUBLIC_ORIGIN=%s: %d %q", bad, code, errOut)
		}
	}
	dir := t.TempDir()
	variants(t, dir)
	code, _, errOut := runEdge([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dir, "--content", filepath.Join(dir, "invalid.yaml")}, nil)
	if code != 1 || !strings.Contains(errOut, `unknown resource "no-such-resource"`) {
		t.Errorf("serve refuses invalid content with the check messages: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"healthcheck", "--url", "http://127.0.0.1:1/healthz", "--timeout", "1s"}, nil); code != 1 || !strings.Contains(errOut, "unhealthy") {
		t.Errorf("healthcheck of nothing: %d %q", code, errOut)
	}
}

func TestLocationSetting(t *testing.T) {
	proxies, err := clientaddr.ParseProxies("10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	cf, err := edition.ParseLocator("cloudfront-viewer-country-region")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		l       *edition.Locator
		proxies clientaddr.Proxies
		want    string
	}{
		{nil, proxies, "none"},
		{cf, nil, "ignored (cloudfront-viewer-country-region): no trusted proxies"},
		{cf, proxies, "CloudFront-Viewer-Country, CloudFront-Viewer-Country-Region, from trusted proxies"},
	} {
		if got := locationSetting(tc.l, tc.proxies); got != tc.want {
			t.Errorf("locationSetting = %q, want %q", got, tc.want)
		}
	}
}

// TestServeBinary builds the real binary, serves, probes it with its own healthcheck, and stops
// it with SIGTERM: it must drain and exit 0.
func TestServeBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "edge")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", filepath.Join(dir, "data"))
	cmd.Dir = dir // no configs/ here: the built-in content is served
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("no startup line: %v; stderr: %s", err, stderr.String())
	}
	const prefix = "Signpost edge is running: open "
	if !strings.HasPrefix(line, prefix) {
		t.Fatalf("startup line %q", line)
	}
	base := strings.TrimSpace(strings.TrimPrefix(line, prefix))
	resp, err := http.Get(base + "v1/snippets/demo?region=CA-QC")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("snippet from the binary: %d", resp.StatusCode)
	}
	hc := exec.Command(bin, "healthcheck", "--url", base+"healthz")
	if out, err := hc.CombinedOutput(); err != nil || !strings.Contains(string(out), "healthy") {
		t.Errorf("healthcheck: %v %s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "data")); err != nil {
		t.Errorf("data dir not created: %v", err)
	}
	go func() { exited <- cmd.Wait() }()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v; stderr: %s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("did not exit within 20 s of SIGTERM")
	}
	if !strings.Contains(stderr.String(), `"msg":"stopped"`) || !strings.Contains(stderr.String(), `"seed":"built-in configs/content.yaml"`) || !strings.Contains(stderr.String(), `"content":"content store v1"`) {
		t.Errorf("logs: %s", stderr.String())
	}
}
