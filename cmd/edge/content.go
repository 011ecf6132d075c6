package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// contentCmd is `edge content pull|push|history|rollback|notice|line`: the operator's CLI
// against a running edge's admin API, with the token from EDGE_ADMIN_TOKEN.
func contentCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("edge content", flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", envString(getenv, "EDGE_SERVER", "http://127.0.0.1:8080"), "edge base URL (EDGE_SERVER)")
	note := fs.String("note", "", "note recorded with the change")
	ifMatch := fs.Int64("if-match", 0, "push: the version the file was pulled at (required unless --force)")
	force := fs.Bool("force", false, "push: overwrite whatever is current")
	nf := noticeFlagsOf(fs)
	lf := lineFlagsOf(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, contentUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	token := getenv("EDGE_ADMIN_TOKEN")
	if token == "" {
		fmt.Fprintln(stderr, "edge content: set EDGE_ADMIN_TOKEN to an operator token")
		return exitUsage
	}
	c := &adminClient{base: strings.TrimRight(*server, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second}}
	rest := fs.Args()
	if len(rest) == 0 {
		fs.Usage()
		return exitUsage
	}
	var err error
	switch action := rest[0]; {
	case action == "pull" && len(rest) <= 2:
		err = c.pull(rest[1:], stdout, stderr)
	case action == "push" && len(rest) == 2:
		if *ifMatch == 0 && !*force {
			fmt.Fprintln(stderr, "edge content push: give --if-match N (the version you pulled) or --force")
			return exitUsage
		}
		err = c.push(rest[1], *ifMatch, *note, stdout)
	case action == "history" && len(rest) == 1:
		err = c.history(stdout)
	case action == "rollback" && len(rest) == 2:
		v, perr := strconv.ParseInt(strings.TrimPrefix(rest[1], "v"), 10, 64)
		if perr != nil || v <= 0 {
			fmt.Fprintf(stderr, "edge content rollback: %q is not a version number\n", rest[1])
			return exitUsage
		}
		err = c.send("POST", "/v1/admin/content/rollback", 0, "", map[string]any{"version": v, "note": *note}, stdout)
	case action == "notice" && len(rest) == 2 && rest[1] == "set":
		n, perr := nf.body(time.Now())
		if perr != nil {
			fmt.Fprintln(stderr, "edge content notice set: --en and --expires (6h, or an RFC 3339 time) are required")
			return exitUsage
		}
		err = c.send("PUT", "/v1/admin/notice", 0, *note, n, stdout)
	case action == "notice" && len(rest) == 2 && rest[1] == "withdraw":
		err = c.send("DELETE", "/v1/admin/notice?id="+*nf.id, 0, *note, nil, stdout)
	case action == "line" && len(rest) == 4 && rest[1] == "status":
		b, perr := lf.status(rest[3], nf, time.Now())
		if perr != nil {
			fmt.Fprintln(stderr, "edge content line status:", perr)
			return exitUsage
		}
		err = c.send("PUT", "/v1/admin/lines/"+url.PathEscape(rest[2])+"/status", 0, *note, b, stdout)
	case action == "line" && len(rest) == 3 && rest[1] == "checked":
		if *lf.how == "" {
			fmt.Fprintln(stderr, "edge content line checked: --how (official_page, service_confirmed or other) is required")
			return exitUsage
		}
		err = c.send("POST", "/v1/admin/lines/"+url.PathEscape(rest[2])+"/checked", 0, *note,
			map[string]string{"how": *lf.how, "source": *lf.source, "note": *lf.checkNote}, stdout)
	default:
		fs.Usage()
		return exitUsage
	}
	if err != nil {
		fmt.Fprintln(stderr, "edge content:", err)
		return 1
	}
	return 0
}

// contentUsage is the help of `edge content`, before its flags.
const contentUsage = `usage: edge content [flags] pull [FILE] | push FILE | history | rollback VERSION | notice set | notice withdraw
       | line status ID active|degraded|retired | line checked ID

  pull [FILE]       write the current content (YAML) to FILE or stdout; prints its version
  push FILE         publish FILE as the new version (--if-match N from pull, or --force)
  history           list versions, newest first
  rollback VERSION  make VERSION's content current again (as a new version)
  notice set        post an emergency notice (--en, --fr, --expires required; --regions, --partners, --url, --id)
  notice withdraw   withdraw the notice --id, or every notice with --id ""
  line status ID S  switch crisis line ID to active, degraded (--en, --fr: what visitors read
                    beside it, e.g. "Calls are failing. Text 988 instead."; --until: when it
                    ends, a duration or RFC 3339 time) or retired (never served)
  line checked ID   record that line ID was checked today (--how, --source, --check-note)

flags (before the action):
`

// lineFlags are the flags of `edge content line status|checked` (the status message is --en
// and --fr, as a notice's).
type lineFlags struct{ until, how, source, checkNote *string }

func lineFlagsOf(fs *flag.FlagSet) lineFlags {
	return lineFlags{
		until:     fs.String("until", "", "line status degraded: when it ends, a duration (2h) or RFC 3339 time (empty: until switched back)"),
		how:       fs.String("how", "", "line checked: official_page, service_confirmed or other"),
		source:    fs.String("source", "", "line checked: the page checked (empty: the line's source)"),
		checkNote: fs.String("check-note", "", "line checked: how it was checked (required with --how other)"),
	}
}

// status is the JSON of PUT /v1/admin/lines/{id}/status for status s: a degraded line's message
// from --en and --fr, its end from --until. The edge validates the rest.
func (f lineFlags) status(s string, nf noticeFlags, now time.Time) (map[string]any, error) {
	b := map[string]any{"status": s}
	switch s {
	case "active", "retired":
	case "degraded":
		if *nf.en == "" {
			return nil, errors.New("degraded needs --en (and --fr): what visitors read beside the line")
		}
		msg := map[string]string{"en": *nf.en}
		if *nf.fr != "" {
			msg["fr"] = *nf.fr
		}
		b["message"] = msg
		if *f.until != "" {
			u, err := expiry(*f.until, now)
			if err != nil {
				return nil, err
			}
			b["until"] = u
		}
	default:
		return nil, fmt.Errorf("%q: want active, degraded or retired", s)
	}
	return b, nil
}

// noticeFlags are the flags of `edge content notice set|withdraw`.
type noticeFlags struct{ id, en, fr, url, regions, partners, expires *string }

func noticeFlagsOf(fs *flag.FlagSet) noticeFlags {
	return noticeFlags{
		id:       fs.String("id", "notice", "notice: its id"),
		en:       fs.String("en", "", "notice, line status: English text"),
		fr:       fs.String("fr", "", "notice, line status: French text"),
		url:      fs.String("url", "", "notice: optional link"),
		regions:  fs.String("regions", "", "notice: comma-separated region entries (empty: all)"),
		partners: fs.String("partners", "", "notice: comma-separated partner ids (empty: all)"),
		expires:  fs.String("expires", "", "notice: when it stops showing: a duration (6h) or RFC 3339 time"),
	}
}

// body is the JSON of PUT /v1/admin/notice the flags say; English and an expiry are required.
func (f noticeFlags) body(now time.Time) (map[string]any, error) {
	exp, err := expiry(*f.expires, now)
	if err != nil {
		return nil, err
	}
	if *f.en == "" {
		return nil, errors.New("--en is required")
	}
	msg := map[string]string{"en": *f.en}
	n := map[string]any{"id": *f.id, "message": msg, "expires_at": exp}
	if *f.fr != "" {
		msg["fr"] = *f.fr
	}
	if *f.url != "" {
		n["url"] = *f.url
	}
	if *f.regions != "" {
		n["regions"] = strings.Split(*f.regions, ",")
	}
	if *f.partners != "" {
		n["partners"] = strings.Split(*f.partners, ",")
	}
	return n, nil
}

func expiry(s string, now time.Time) (string, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d).UTC().Format(time.RFC3339), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return "", err
	}
	return t.UTC().Format(time.RFC3339), nil
}

type adminClient struct {
	base, token string
	http        *http.Client
}

func (c *adminClient) do(method, path string, ifMatch int64, note, contentType string, body []byte) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ifMatch > 0 {
		req.Header.Set("If-Match", fmt.Sprintf(`"v%d"`, ifMatch))
	}
	if note != "" {
		req.Header.Set("X-Signpost-Note", note)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, nil, err
	}
	if resp.StatusCode >= 300 {
		return resp, out, apiError(resp.StatusCode, out)
	}
	return resp, out, nil
}

// apiError makes the API's JSON error readable: the message, then every field error a line.
func apiError(status int, body []byte) error {
	var e struct {
		Error struct {
			Code, Message, Field string
			Errors               []struct{ Field, Message string }
		} `json:"error"`
	}
	if json.Unmarshal(body, &e) != nil || e.Error.Code == "" {
		return fmt.Errorf("HTTP %d: %s", status, strings.TrimSpace(string(body)))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (HTTP %d, %s)", e.Error.Message, status, e.Error.Code)
	if len(e.Error.Errors) == 0 && e.Error.Field != "" {
		fmt.Fprintf(&b, "\n  %s", e.Error.Field)
	}
	for _, fe := range e.Error.Errors {
		fmt.Fprintf(&b, "\n  %s: %s", fe.Field, fe.Message)
	}
	return errors.New(b.String())
}

func (c *adminClient) pull(args []string, stdout, stderr io.Writer) error {
	resp, body, err := c.do("GET", "/v1/admin/content", 0, "", "", nil)
	if err != nil {
		return err
	}
	v := resp.Header.Get("X-Content-Version")
	if len(args) == 0 {
		_, err = stdout.Write(body)
	} else {
		err = os.WriteFile(args[0], body, 0o644)
	}
	if err == nil {
		fmt.Fprintf(stderr, "pulled version %s; push your edit with: edge content push --if-match %s FILE\n", v, v)
	}
	return err
}

func (c *adminClient) push(file string, ifMatch int64, note string, stdout io.Writer) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if ifMatch == 0 { // --force: whatever is current
		h, err := c.versions()
		if err != nil || len(h) == 0 {
			return fmt.Errorf("reading the current version: %v", err)
		}
		ifMatch = h[0].Version
	}
	_, body, err := c.do("PUT", "/v1/admin/content", ifMatch, note, "application/yaml", src)
	if err != nil {
		return err
	}
	return printVersion(body, stdout)
}

func (c *adminClient) send(method, path string, ifMatch int64, note string, v any, stdout io.Writer) error {
	var body []byte
	if v != nil {
		var err error
		if body, err = json.Marshal(v); err != nil {
			return err
		}
	}
	_, out, err := c.do(method, path, ifMatch, note, "application/json", body)
	if err != nil {
		return err
	}
	return printVersion(out, stdout)
}

func printVersion(body []byte, stdout io.Writer) error {
	var v struct {
		Version int64  `json:"version"`
		Author  string `json:"author"`
		Note    string `json:"note"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "published version %d (author %s, note %q)\n", v.Version, v.Author, v.Note)
	return nil
}

type versionLine struct {
	Version   int64     `json:"version"`
	Author    string    `json:"author"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
}

func (c *adminClient) versions() ([]versionLine, error) {
	_, body, err := c.do("GET", "/v1/admin/content/history", 0, "", "", nil)
	if err != nil {
		return nil, err
	}
	var h struct {
		Versions []versionLine `json:"versions"`
	}
	err = json.Unmarshal(body, &h)
	return h.Versions, err
}

func (c *adminClient) history(stdout io.Writer) error {
	vs, err := c.versions()
	if err != nil {
		return err
	}
	for _, v := range vs {
		fmt.Fprintf(stdout, "v%-5d %s  %-12s %s\n", v.Version, v.CreatedAt.UTC().Format(time.RFC3339), v.Author, v.Note)
	}
	return nil
}
