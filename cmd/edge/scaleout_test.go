package main

// Scale-out tests: several real edge processes (the binary built once per test binary, by
// buildOnce in feedback_test.go) sharing one real redis-server or a three-master Redis Cluster
// started by the test (internal/redistest). They check that a content change published on one
// edge is served by the others (the delay is measured and logged, never asserted), that the
// feedback rate limit is counted across edges, that feedback from every edge lands in one
// stream, and what the edges do while Redis is away: at runtime and at startup.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
)

const (
	soToken   = "scaleout-admin-token-0123456789"
	soHashKey = "scaleout-ip-hash-key-0123456789abcdef"
	// soOrigin is a page of the demo partner (its origins allow http://127.0.0.1:*).
	soOrigin = "http://127.0.0.1:5173"
	// soSnippet is the snippet every check reads: the demo partner in Canada.
	soSnippet = "v1/snippets/demo?region=CA"
	// soWait bounds every wait of these tests (a deadline, not an assertion on speed).
	soWait = 15 * time.Second
)

// soClient keeps connections alive to every edge of a test.
var soClient = &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 32}}

// soBinary is the edge binary, built once per test binary.
func soBinary(tb testing.TB) string {
	tb.Helper()
	bin, err := buildOnce()
	if err != nil {
		tb.Fatal(err)
	}
	return bin
}

// soEnv is the environment of a Redis-mode edge: one admin token, one IP hash key and one
// trusted proxy (the loopback, so tests can name client addresses with X-Forwarded-For) for all
// edges; rate limits out of reach unless extra sets them.
func soEnv(redisURL string, extra ...string) []string {
	env := append(os.Environ(), "EDGE_REDIS_URL="+redisURL, "EDGE_ADMIN_TOKEN="+soToken, "EDGE_IP_HASH_KEY="+soHashKey,
		"EDGE_TRUSTED_PROXIES=127.0.0.1", "EDGE_FEEDBACK_RATE=1000000-M", "EDGE_PARTNER_RATE=1000000-M",
		"EDGE_LOG_LEVEL=warn", "EDGE_SHUTDOWN_TIMEOUT=5s")
	return append(env, extra...)
}

// soLog is a stderr buffer safe to read while the process writes it.
type soLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *soLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *soLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// soEdge is one running edge process.
type soEdge struct {
	name    string
	cmd     *exec.Cmd
	base    string // "http://127.0.0.1:port/"
	dataDir string
	stderr  *soLog
	exited  chan struct{}
	err     error // the exit status, once exited is closed
}

// startSoEdge starts the binary on a free loopback port with its own data dir and returns once
// it prints the address it serves. It is stopped by its PID when the test ends.
func startSoEdge(tb testing.TB, name string, env []string, dataDir string) *soEdge {
	tb.Helper()
	cmd := exec.Command(soBinary(tb), "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	cmd.Dir = tb.TempDir() // no configs/ here: the built-in content seeds the store
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	e := &soEdge{name: name, cmd: cmd, dataDir: dataDir, stderr: &soLog{}, exited: make(chan struct{})}
	cmd.Stderr = e.stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	lines := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		lines <- line
		_, _ = io.Copy(io.Discard, out)
		e.err = cmd.Wait()
		close(e.exited)
	}()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill() // by this process's own PID; a no-op once it has exited
		select {
		case <-e.exited: // before its data dir is removed
		case <-time.After(10 * time.Second):
			tb.Errorf("%s (pid %d) did not exit after SIGKILL", name, cmd.Process.Pid)
		}
	})
	const prefix = "Signpost edge is running: open "
	select {
	case line := <-lines:
		if !strings.HasPrefix(line, prefix) {
			tb.Fatalf("%s: startup line %q; stderr:\n%s", name, line, e.stderr)
		}
		e.base = strings.Replace(strings.TrimSpace(strings.TrimPrefix(line, prefix)), "localhost", "127.0.0.1", 1)
	case <-time.After(30 * time.Second):
		tb.Fatalf("%s: no startup line within 30 s; stderr:\n%s", name, e.stderr)
	}
	return e
}

// stop sends SIGTERM and returns the exit status (nil: exit 0).
func (e *soEdge) stop(tb testing.TB) error {
	tb.Helper()
	if err := e.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		tb.Fatalf("%s: %v", e.name, err)
	}
	select {
	case <-e.exited:
		return e.err
	case <-time.After(30 * time.Second):
		tb.Fatalf("%s did not exit within 30 s of SIGTERM", e.name)
		return nil
	}
}

// do sends one request; headers come in name, value pairs.
func (e *soEdge) do(c *http.Client, method, path string, body []byte, headers ...string) (int, []byte, http.Header, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, e.base+path, r)
	if err != nil {
		return 0, nil, nil, err
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header, err
}

// admin calls the operator API with the bearer token.
func (e *soEdge) admin(tb testing.TB, method, path, contentType string, body []byte, headers ...string) (int, []byte, http.Header) {
	tb.Helper()
	h := append([]string{"Authorization", "Bearer " + soToken}, headers...)
	if contentType != "" {
		h = append(h, "Content-Type", contentType)
	}
	code, b, hdr, err := e.do(soClient, method, path, body, h...)
	if err != nil {
		tb.Fatalf("%s: %s %s: %v", e.name, method, path, err)
	}
	return code, b, hdr
}

// version is the number of the store's current version, through this edge's admin API.
func (e *soEdge) version(tb testing.TB) int64 {
	tb.Helper()
	code, b, h := e.admin(tb, "GET", "v1/admin/content", "", nil)
	if code != http.StatusOK {
		tb.Fatalf("%s: GET /v1/admin/content: %d %s", e.name, code, b)
	}
	n, err := strconv.ParseInt(h.Get("X-Content-Version"), 10, 64)
	if err != nil {
		tb.Fatalf("%s: X-Content-Version %q", e.name, h.Get("X-Content-Version"))
	}
	return n
}

// put publishes src with If-Match "v<ifMatch>" and returns the status and the new number.
func (e *soEdge) put(tb testing.TB, src []byte, ifMatch int64) (int, int64, []byte) {
	tb.Helper()
	code, b, _ := e.admin(tb, "PUT", "v1/admin/content", "application/yaml", src,
		"If-Match", fmt.Sprintf(`"v%d"`, ifMatch), "X-Signpost-Note", "scale-out test")
	var v contentstore.Version
	if code == http.StatusOK {
		if err := json.Unmarshal(b, &v); err != nil || v.Number == 0 {
			tb.Fatalf("%s: PUT answer %s", e.name, b)
		}
	}
	return code, v.Number, b
}

// soSnippetBody is what the checks read of a snippet.
type soSnippetBody struct {
	Version string `json:"version"`
	Banner  struct {
		Message string `json:"message"`
	} `json:"banner"`
}

// snippet reads the demo partner's snippet for Canada.
func (e *soEdge) snippet(c *http.Client) (int, soSnippetBody, error) {
	var s soSnippetBody
	code, b, _, err := e.do(c, "GET", soSnippet, nil)
	if err != nil {
		return 0, s, err
	}
	if code == http.StatusOK {
		if err := json.Unmarshal(b, &s); err != nil {
			return code, s, fmt.Errorf("snippet body: %v", err)
		}
	}
	return code, s, nil
}

// ready reads /readyz.
func (e *soEdge) ready(tb testing.TB) (int, string) {
	tb.Helper()
	code, b, _, err := e.do(soClient, "GET", "readyz", nil)
	if err != nil {
		tb.Fatalf("%s: readyz: %v", e.name, err)
	}
	return code, string(b)
}

// waitReady polls /readyz until it answers want, and fails the test at the deadline.
func (e *soEdge) waitReady(tb testing.TB, want int) string {
	tb.Helper()
	deadline := time.Now().Add(soWait)
	for {
		code, body := e.ready(tb)
		if code == want {
			return body
		}
		if time.Now().After(deadline) {
			tb.Fatalf("%s: /readyz still %d %s after %v (want %d); stderr:\n%s", e.name, code, body, soWait, want, e.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// feedbackIDs reads the stored feedback through this edge's admin export and counts each id.
func (e *soEdge) feedbackIDs(tb testing.TB) map[string]int {
	tb.Helper()
	code, b, _ := e.admin(tb, "GET", "v1/admin/feedback?format=jsonl", "", nil)
	if code != http.StatusOK {
		tb.Fatalf("%s: feedback export: %d %s", e.name, code, b)
	}
	ids := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct{ ID string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil || r.ID == "" {
			tb.Fatalf("%s: export line %q: %v", e.name, sc.Text(), err)
		}
		ids[r.ID]++
	}
	return ids
}

// postFB posts feedback as the widget on a demo page does; xff, when set, names the client
// address (the loopback is a trusted proxy). It returns the status and the id of a 202.
func (e *soEdge) postFB(c *http.Client, xff, comment string) (int, string, error) {
	body, _ := json.Marshal(map[string]any{"partner": "demo", "page": "/p", "locale": "en", "found": true,
		"elapsed_ms": 5000, "comment": comment})
	h := []string{"Content-Type", "text/plain;charset=UTF-8", "Origin", soOrigin}
	if xff != "" {
		h = append(h, "X-Forwarded-For", xff)
	}
	code, b, _, err := e.do(c, "POST", "v1/feedback", body, h...)
	if err != nil {
		return 0, "", err
	}
	if code != http.StatusAccepted {
		return code, "", nil
	}
	var a struct{ ID string }
	if err := json.Unmarshal(b, &a); err != nil || a.ID == "" {
		return code, "", fmt.Errorf("202 body %q", b)
	}
	return code, a.ID, nil
}

// soContent is the shipped content with a marker in Canada's English banner message: every
// change publishes a new marker, which the snippet then shows.
func soContent(tb testing.TB, marker string) []byte {
	tb.Helper()
	const at = "you can call or text 988 at any time."
	src := string(configs.Content)
	if !strings.Contains(src, at) {
		tb.Fatalf("the shipped content no longer says %q; update soContent", at)
	}
	return []byte(strings.Replace(src, at, "you can call or text 988 at any time ("+marker+").", 1))
}

// soPutLatency, when set (by a benchmark), is told how long each soPropagate PUT took.
var soPutLatency func(time.Duration)

// soPropagate publishes a change with marker on from and waits until every edge of to serves
// it: it returns each one's delay from the moment the PUT was sent. Every snippet read on the
// way must answer 200, and the change must show with the version number the PUT answered.
func soPropagate(tb testing.TB, from *soEdge, to []*soEdge, marker string) []time.Duration {
	tb.Helper()
	src := soContent(tb, marker)
	cur := from.version(tb)
	type seen struct {
		at      time.Time
		version string
		err     error
	}
	results := make([]chan seen, len(to))
	start := make(chan time.Time)
	for i, e := range to {
		results[i] = make(chan seen, 1)
		go func() {
			c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			defer c.CloseIdleConnections()
			t0 := <-start
			deadline := t0.Add(soWait)
			for {
				code, s, err := e.snippet(c)
				now := time.Now()
				switch {
				case err != nil:
					results[i] <- seen{err: fmt.Errorf("%s: %v", e.name, err)}
					return
				case code != http.StatusOK:
					results[i] <- seen{err: fmt.Errorf("%s: snippet answered %d while the change propagated", e.name, code)}
					return
				case strings.Contains(s.Banner.Message, marker):
					results[i] <- seen{at: now, version: s.Version}
					return
				case now.After(deadline):
					results[i] <- seen{err: fmt.Errorf("%s: change %q not served within %v (serving version %s)", e.name, marker, soWait, s.Version)}
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
	}
	t0 := time.Now()
	for range to {
		start <- t0
	}
	code, n, body := from.put(tb, src, cur)
	if soPutLatency != nil {
		soPutLatency(time.Since(t0))
	}
	if code != http.StatusOK {
		// The pollers end at their deadline; drain them so none outlives the test.
		for _, r := range results {
			<-r
		}
		tb.Fatalf("%s: PUT content: %d %s", from.name, code, body)
	}
	delays := make([]time.Duration, len(to))
	for i, r := range results {
		s := <-r
		if s.err != nil {
			tb.Fatal(s.err)
		}
		if s.version != strconv.FormatInt(n, 10) {
			tb.Errorf("%s shows change %q as version %q, the PUT made v%d", to[i].name, marker, s.version, n)
		}
		delays[i] = s.at.Sub(t0)
	}
	return delays
}
