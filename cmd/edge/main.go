// Command edge is the Signpost edge server and its operator tools.
//
//	edge [serve]      serve the widget, snippets and pages (the default)
//	edge check        validate a content file: exit 0 valid, 1 invalid
//	edge version      print the build version
//	edge healthcheck  probe a running edge's /healthz (for container HEALTHCHECK)
//	edge content      operators' CLI: pull, push, history, rollback, notices (admin API)
//	edge feedback     export feedback (export) or follow-up emails (followups)
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/snippets"
	"github.com/valyala/fasthttp"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// defaultContent is the content path when none is given; when it does not exist the copy built
// into the binary is served, so the binary runs anywhere.
const defaultContent = "configs/content.yaml"

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// exitUsage is the exit status of a command line that cannot be understood.
const exitUsage = 2

func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, getenv, stdout, stderr)
	case "check":
		return check(args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, versionString())
		return 0
	case "healthcheck":
		return healthcheck(args, getenv, stdout, stderr)
	case "feedback":
		return feedbackCmd(args, getenv, stdout, stderr)
	case "content":
		return contentCmd(args, getenv, stdout, stderr)
	case "help", "-h", "--help":
		usage(stdout)
		return 0
	default:
		fmt.Fprintf(stderr, "edge: unknown command %q\n", cmd)
		usage(stderr)
		return exitUsage
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage: edge [command] [flags]

commands:
  serve        serve the widget, snippets and pages (default)
  check        validate content: exit 0 valid, 1 invalid (every error listed)
  version      print the build version
  healthcheck  probe a running edge's /healthz: exit 0 healthy, 1 not
  content      pull|push FILE|history|rollback V|notice set|withdraw, against a running edge
  feedback     export [--format csv|jsonl] [--since RFC3339] [--partner ID]: stored feedback
               followups [--format csv|jsonl]: follow-up emails within the retention window

Run "edge COMMAND -h" for a command's flags. Every flag has an EDGE_* environment variable.
`)
}

func versionString() string {
	v := version
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
		v += " " + info.GoVersion
	}
	return "edge " + v
}

// loadContent reads and validates content from path (with opts); the default path falls back
// to the copy built into the binary when it does not exist.
func loadContent(path string, opts snippets.ValidateOptions) (*snippets.Loaded, []byte, string, error) {
	src, err := os.ReadFile(path)
	from := path
	if errors.Is(err, os.ErrNotExist) && path == defaultContent {
		src, from, err = configs.Content, "built-in "+defaultContent, nil
	}
	if err != nil {
		return nil, nil, from, err
	}
	l, err := snippets.Load(src, opts)
	return l, src, from, err
}

func newLogger(w io.Writer, level string) (*slog.Logger, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("log level %q: want debug, info, warn or error", level)
	}
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l})), nil
}

func check(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	contentPath := fs.String("content", envString(getenv, "EDGE_CONTENT", defaultContent), "content file (EDGE_CONTENT)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	// Strict: a line last checked more than 24 months ago fails the check (serving only warns).
	content, _, from, err := loadContent(*contentPath, snippets.ValidateOptions{Now: time.Now(), Strict: true})
	var invalid *snippets.InvalidError
	switch {
	case errors.As(err, &invalid):
		for _, p := range invalid.Problems {
			fmt.Fprintf(stdout, "error: %s\n", p)
		}
		fmt.Fprintf(stdout, "%s: invalid, %d errors\n", from, len(invalid.Problems))
		return 1
	case err != nil:
		fmt.Fprintf(stdout, "error: %s: %v\n", from, err)
		return 1
	}
	for _, w := range content.Warnings {
		fmt.Fprintf(stdout, "warning: %s\n", w)
	}
	fmt.Fprintf(stdout, "%s: valid (version %s: %d regions, %d crisis lines, %d resources, %d partners, %d warnings)\n",
		from, content.Version, len(content.Regions), len(content.Lines), len(content.Resources), len(content.Partners), len(content.Warnings))
	return 0
}

func healthcheck(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := envString(getenv, "EDGE_ADDR", ":8080")
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		port = "8080"
	}
	url := fs.String("url", "http://127.0.0.1:"+port+"/healthz", "URL to probe")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(*url)
	if err := fasthttp.DoTimeout(req, resp, *timeout); err != nil {
		fmt.Fprintln(stderr, "unhealthy:", err)
		return 1
	}
	if resp.StatusCode() != fasthttp.StatusOK {
		fmt.Fprintf(stderr, "unhealthy: %s answered %d\n", *url, resp.StatusCode())
		return 1
	}
	fmt.Fprintln(stdout, "healthy")
	return 0
}
