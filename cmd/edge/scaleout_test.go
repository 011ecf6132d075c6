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
	"maps"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/redistest"
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

// soSharedSuite runs the checks of edges sharing one Redis deployment at redisURL: content
// changes propagate between two and then three edges, the feedback rate limit is counted across
// them, and their feedback lands in one stream.
func soSharedSuite(t *testing.T, redisURL string) {
	env := soEnv(redisURL, "EDGE_FEEDBACK_RATE=3-M")
	a := startSoEdge(t, "edge-a", env, t.TempDir())
	b := startSoEdge(t, "edge-b", env, t.TempDir())
	for _, e := range []*soEdge{a, b} {
		if body := e.waitReady(t, http.StatusOK); !strings.Contains(body, `"mode":"redis"`) {
			t.Fatalf("%s: readyz %s", e.name, body)
		}
	}

	// Two edges: a change on a is served by b.
	d := soPropagate(t, a, []*soEdge{b}, "two edges")
	t.Logf("two edges: PUT on edge-a -> new snippet on edge-b after %v", d[0])
	d = soPropagate(t, b, []*soEdge{a}, "two edges, back")
	t.Logf("two edges: PUT on edge-b -> new snippet on edge-a after %v", d[0])

	// A third edge serves the current version at once, and its changes reach the first two.
	c := startSoEdge(t, "edge-c", env, t.TempDir())
	c.waitReady(t, http.StatusOK)
	code, s, err := c.snippet(soClient)
	if err != nil || code != http.StatusOK || !strings.Contains(s.Banner.Message, "two edges, back") {
		t.Fatalf("edge-c started after the change: %d %v %+v", code, err, s)
	}
	if want := strconv.FormatInt(a.version(t), 10); s.Version != want {
		t.Errorf("edge-c serves version %s, the store's current is %s", s.Version, want)
	}
	d = soPropagate(t, c, []*soEdge{a, b}, "three edges")
	t.Logf("three edges: PUT on edge-c -> new snippet on edge-a after %v, on edge-b after %v", d[0], d[1])

	edges := []*soEdge{a, b, c}
	var acked []string

	// The rate limit (3 a minute per client address) counts across edges: 3 accepted over the
	// three edges together, then 429 on every one of them.
	const client = "198.51.100.7"
	for i, e := range edges {
		code, id, err := e.postFB(soClient, client, fmt.Sprintf("rate %d on %s", i, e.name))
		if err != nil || code != http.StatusAccepted {
			t.Fatalf("submission %d of 3 on %s: %d %v", i+1, e.name, code, err)
		}
		acked = append(acked, id)
	}
	for _, e := range edges {
		if code, _, err := e.postFB(soClient, client, "one too many on "+e.name); err != nil || code != http.StatusTooManyRequests {
			t.Errorf("4th submission from %s on %s: %d %v, want 429 (the limit is shared)", client, e.name, code, err)
		}
	}
	// Another client address is not limited by the first one's count.
	if code, id, err := a.postFB(soClient, "198.51.100.8", "another visitor"); err != nil || code != http.StatusAccepted {
		t.Errorf("another client address: %d %v", code, err)
	} else {
		acked = append(acked, id)
	}

	// Feedback from every edge lands in one stream: each edge's export lists every id once.
	for i := range 3 {
		for j, e := range edges {
			ip := fmt.Sprintf("198.51.100.%d", 20+i*len(edges)+j)
			code, id, err := e.postFB(soClient, ip, fmt.Sprintf("stream %d on %s", i, e.name))
			if err != nil || code != http.StatusAccepted {
				t.Fatalf("feedback on %s: %d %v", e.name, code, err)
			}
			acked = append(acked, id)
		}
	}
	for _, e := range edges {
		ids := e.feedbackIDs(t)
		for _, id := range acked {
			if ids[id] != 1 {
				t.Errorf("%s export: acknowledged id %s listed %d times", e.name, id, ids[id])
			}
		}
		if len(ids) != len(acked) {
			t.Errorf("%s export: %d records, %d acknowledged (the Redis of this test holds nothing else)", e.name, len(ids), len(acked))
		}
	}
	t.Logf("rate limit 3-M shared by %d edges; %d acknowledged feedback ids, each exported once by every edge", len(edges), len(acked))
}

// TestScaleOutSharedRedis: two, then three edges sharing one redis-server.
func TestScaleOutSharedRedis(t *testing.T) {
	r := redistest.Start(t)
	soSharedSuite(t, r.URL())
}

// TestScaleOutCluster: the same checks on a three-master Redis Cluster, the edges given the
// Cluster URL form of EDGE_REDIS_URL (one node in the URL, the others as addr= parameters).
func TestScaleOutCluster(t *testing.T) {
	c := redistest.StartCluster(t, 3)
	addrs := c.Addrs()
	url := "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
	soSharedSuite(t, url)
}

// soLoadCounts are the answers of the outage load.
type soLoadCounts struct {
	widgetOK, widgetBad, snippetOK, snippetBad, feedbackOK, feedbackBad, transportErr atomic.Int64
	ackedWhileDown                                                                    atomic.Int64
}

// soLatencies records request latencies by kind and by whether Redis was down throughout.
type soLatencies struct {
	mu sync.Mutex
	m  map[string][]time.Duration
}

func (l *soLatencies) add(kind string, down bool, d time.Duration) {
	if down {
		kind += " (Redis down)"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string][]time.Duration{}
	}
	l.m[kind] = append(l.m[kind], d)
}

func (l *soLatencies) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, k := range slices.Sorted(maps.Keys(l.m)) {
		fmt.Fprintf(&b, "\n  %-22s %s", k, soSummary(l.m[k]))
	}
	return b.String()
}

// soPercentile is the p-th percentile (0..100) of sorted durations, nearest rank.
func soPercentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// soSummary formats durations as count, p50, p99 and max.
func soSummary(ds []time.Duration) string {
	if len(ds) == 0 {
		return "n=0"
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	r := func(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }
	return fmt.Sprintf("n=%d p50=%v p99=%v max=%v", len(s), r(soPercentile(s, 50)), r(soPercentile(s, 99)), r(s[len(s)-1]))
}

// TestScaleOutRedisOutage stops Redis during a bounded load on two edges (widget, snippets and
// feedback over keep-alive loopback connections) and starts it again (with its data: it
// persists): widget and snippet GETs never answer anything but 2xx, feedback is acknowledged
// (spooled) throughout, admin writes answer 503 and /readyz 503 while Redis is away, and after
// it is back every acknowledged id is in the stream exactly once and changes propagate again.
func TestScaleOutRedisOutage(t *testing.T) {
	r := redistest.StartWith(t, redistest.Options{Persist: true})
	env := soEnv(r.URL())
	a := startSoEdge(t, "edge-a", env, t.TempDir())
	b := startSoEdge(t, "edge-b", env, t.TempDir())
	edges := []*soEdge{a, b}
	for _, e := range edges {
		e.waitReady(t, http.StatusOK)
	}
	d := soPropagate(t, a, []*soEdge{b}, "before the outage")
	t.Logf("before the outage: PUT on edge-a -> edge-b after %v", d[0])
	_, before, _ := b.snippet(soClient)
	lastVersion, err := strconv.ParseInt(before.Version, 10, 64)
	if err != nil {
		t.Fatalf("snippet version %q", before.Version)
	}

	var (
		n        soLoadCounts
		lat      soLatencies
		down     atomic.Bool
		stop     = make(chan struct{})
		wg       sync.WaitGroup
		mu       sync.Mutex
		acked    []string
		failures []string
	)
	fail := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(failures) < 10 {
			failures = append(failures, fmt.Sprintf(format, args...))
		}
	}
	running := func() bool {
		select {
		case <-stop:
			return false
		default:
			return true
		}
	}
	client := func() *http.Client {
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
	}
	for _, e := range edges {
		wg.Add(3)
		go func() { // the widget bundle
			defer wg.Done()
			c := client()
			defer c.CloseIdleConnections()
			for running() {
				wasDown, t0 := down.Load(), time.Now()
				code, _, _, err := e.do(c, "GET", "v1/widget.js", nil, "Accept-Encoding", "gzip, br")
				lat.add("widget.js", wasDown && down.Load(), time.Since(t0))
				switch {
				case err != nil:
					n.transportErr.Add(1)
					fail("%s widget.js: %v", e.name, err)
				case code/100 != 2:
					n.widgetBad.Add(1)
					fail("%s widget.js: %d", e.name, code)
				default:
					n.widgetOK.Add(1)
				}
			}
		}()
		go func() { // snippets
			defer wg.Done()
			c := client()
			defer c.CloseIdleConnections()
			for running() {
				wasDown, t0 := down.Load(), time.Now()
				code, s, err := e.snippet(c)
				lat.add("snippet", wasDown && down.Load(), time.Since(t0))
				switch {
				case err != nil:
					n.transportErr.Add(1)
					fail("%s snippet: %v", e.name, err)
				case code/100 != 2:
					n.snippetBad.Add(1)
					fail("%s snippet: %d", e.name, code)
				case s.Version != before.Version:
					n.snippetBad.Add(1)
					fail("%s snippet: version %s, want %s (nothing changed)", e.name, s.Version, before.Version)
				default:
					n.snippetOK.Add(1)
				}
			}
		}()
		go func() { // feedback, a few a second
			defer wg.Done()
			c := client()
			defer c.CloseIdleConnections()
			for i := 0; running(); i++ {
				wasDown, t0 := down.Load(), time.Now()
				code, id, err := e.postFB(c, "", fmt.Sprintf("outage load %d on %s", i, e.name))
				lat.add("feedback", wasDown && down.Load(), time.Since(t0))
				switch {
				case err != nil:
					n.transportErr.Add(1)
					fail("%s feedback: %v", e.name, err)
				case code != http.StatusAccepted:
					n.feedbackBad.Add(1)
					fail("%s feedback: %d", e.name, code)
				default:
					n.feedbackOK.Add(1)
					if wasDown && down.Load() {
						n.ackedWhileDown.Add(1)
					}
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	stopLoad := func() {
		select {
		case <-stop:
		default:
			close(stop)
			wg.Wait()
		}
	}
	t.Cleanup(stopLoad) // a failed check below must not leave the load running

	time.Sleep(time.Second)
	r.Stop()
	down.Store(true)
	downAt := time.Now()
	// While Redis is away: /readyz says degraded, admin writes are refused with 503.
	for _, e := range edges {
		if body := e.waitReady(t, http.StatusServiceUnavailable); !strings.Contains(body, "redis") {
			t.Errorf("%s: readyz with Redis down does not name it: %s", e.name, body)
		}
	}
	notice := fmt.Appendf(nil, `{"id":"outage","message":{"en":"Test notice.","fr":"Avis de test."},"expires_at":%q}`,
		time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
	if code, body, _ := a.admin(t, "PUT", "v1/admin/notice", "application/json", notice); code != http.StatusServiceUnavailable {
		t.Errorf("edge-a: PUT notice with Redis down: %d %s, want 503", code, body)
	}
	if code, _, body := b.put(t, soContent(t, "during the outage"), lastVersion); code != http.StatusServiceUnavailable || !strings.Contains(string(body), "store_unavailable") {
		t.Errorf("edge-b: PUT content with Redis down: %d %s, want 503 store_unavailable", code, body)
	}
	time.Sleep(time.Until(downAt.Add(1500 * time.Millisecond)))
	down.Store(false)
	r.Restart()
	upAt := time.Now()
	time.Sleep(1500 * time.Millisecond)
	stopLoad()
	loadEnd := time.Now()

	mu.Lock()
	for _, f := range failures {
		t.Error(f)
	}
	mu.Unlock()
	if bad := n.widgetBad.Load() + n.snippetBad.Load(); bad != 0 {
		t.Errorf("%d non-2xx widget or snippet answers", bad)
	}
	if n.feedbackBad.Load() != 0 || n.transportErr.Load() != 0 {
		t.Errorf("feedback not acknowledged %d times; %d transport errors", n.feedbackBad.Load(), n.transportErr.Load())
	}
	if n.widgetOK.Load() == 0 || n.snippetOK.Load() == 0 || n.feedbackOK.Load() == 0 {
		t.Fatalf("no load: %d widget, %d snippet, %d feedback acknowledged", n.widgetOK.Load(), n.snippetOK.Load(), n.feedbackOK.Load())
	}

	// Redis is back: ready again once the spools are replayed (readiness counts the spool).
	for _, e := range edges {
		e.waitReady(t, http.StatusOK)
	}
	readyAt := time.Now()
	ids := a.feedbackIDs(t)
	missing, twice := 0, 0
	for _, id := range acked {
		switch ids[id] {
		case 0:
			missing++
		case 1:
		default:
			twice++
		}
	}
	if missing != 0 || twice != 0 || len(ids) != len(acked) {
		t.Errorf("after Redis came back: %d acknowledged ids, %d stored, %d missing, %d stored more than once",
			len(acked), len(ids), missing, twice)
	}
	// And content changes propagate again, both ways (resubscribed).
	d1 := soPropagate(t, b, []*soEdge{a}, "after the outage")
	d2 := soPropagate(t, a, []*soEdge{b}, "after the outage, back")
	t.Logf("load %v (Redis down %v of it): widget.js %d 2xx / %d other; snippets %d 2xx / %d other; feedback %d acknowledged (%d while Redis was down) / %d not, %d transport errors; all %d ids stored once; both edges ready %v after Redis restarted; after: PUT edge-b -> edge-a %v, edge-a -> edge-b %v",
		loadEnd.Sub(downAt.Add(-time.Second)).Round(time.Millisecond), upAt.Sub(downAt).Round(time.Millisecond),
		n.widgetOK.Load(), n.widgetBad.Load(), n.snippetOK.Load(), n.snippetBad.Load(),
		n.feedbackOK.Load(), n.ackedWhileDown.Load(), n.feedbackBad.Load(), n.transportErr.Load(), len(acked),
		readyAt.Sub(upAt).Round(time.Millisecond), d1[0], d2[0])
	t.Logf("latencies over the load (both edges):%s", &lat)
	// Feedback acknowledged while Redis was away went through each edge's spool, all of it
	// replayed: the spool path was exercised, not only the stream.
	var spooled int64
	for _, e := range edges {
		m := e.metrics(t)
		if m["signpost_feedback_spooled_total"] != m["signpost_feedback_replayed_total"] || m["signpost_feedback_spool_depth"] != 0 {
			t.Errorf("%s: spooled %d, replayed %d, spool depth %d", e.name, m["signpost_feedback_spooled_total"],
				m["signpost_feedback_replayed_total"], m["signpost_feedback_spool_depth"])
		}
		spooled += m["signpost_feedback_spooled_total"]
	}
	if spooled == 0 {
		t.Errorf("no feedback was spooled: the load did not post feedback while Redis was away")
	}
	t.Logf("%d feedback records spooled while Redis was away, all replayed", spooled)
}

// metrics reads the edge's /metrics: every sample without labels, by name.
func (e *soEdge) metrics(tb testing.TB) map[string]int64 {
	tb.Helper()
	code, b, _, err := e.do(soClient, "GET", "metrics", nil)
	if err != nil || code != http.StatusOK {
		tb.Fatalf("%s: metrics: %d %v", e.name, code, err)
	}
	m := map[string]int64{}
	for line := range strings.SplitSeq(string(b), "\n") {
		name, val, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") || strings.Contains(name, "{") {
			continue
		}
		if n, err := strconv.ParseFloat(val, 64); err == nil {
			m[name] = int64(n)
		}
	}
	return m
}

// TestScaleOutRedisDownAtStartup: an edge that starts while Redis is away serves the
// last-known-good content it saved in its data dir (not the shipped content), reports degraded,
// refuses admin writes, and once Redis is back becomes ready and follows changes again.
func TestScaleOutRedisDownAtStartup(t *testing.T) {
	r := redistest.StartWith(t, redistest.Options{Persist: true})
	env := soEnv(r.URL())
	dataA := t.TempDir()
	a := startSoEdge(t, "edge-a", env, dataA)
	a.waitReady(t, http.StatusOK)
	cur := a.version(t)
	code, v, body := a.put(t, soContent(t, "last known good"), cur)
	if code != http.StatusOK {
		t.Fatalf("PUT: %d %s", code, body)
	}
	if _, lv, err := contentstore.LoadSnapshot(dataA); err != nil || lv.Number != v {
		t.Fatalf("snapshot in the data dir after v%d: %v %v", v, lv, err)
	}
	if err := a.stop(t); err != nil {
		t.Fatalf("edge-a SIGTERM exit: %v; stderr:\n%s", err, a.stderr)
	}
	r.Stop()

	// Same data dir, nothing changed, Redis still away.
	a = startSoEdge(t, "edge-a (Redis down)", env, dataA)
	code, s, err := a.snippet(soClient)
	if err != nil || code != http.StatusOK {
		t.Fatalf("snippet with Redis down at startup: %d %v", code, err)
	}
	if s.Version != strconv.FormatInt(v, 10) || !strings.Contains(s.Banner.Message, "last known good") {
		t.Errorf("with Redis down at startup the edge serves version %s %q, want the last-known-good v%d", s.Version, s.Banner.Message, v)
	}
	if code, body := a.ready(t); code != http.StatusServiceUnavailable || !strings.Contains(body, "redis") {
		t.Errorf("readyz with Redis down at startup: %d %s", code, body)
	}
	if code, _, _, err := a.do(soClient, "GET", "healthz", nil); err != nil || code != http.StatusOK {
		t.Errorf("healthz with Redis down at startup: %d %v", code, err)
	}
	if code, _, body := a.put(t, soContent(t, "refused"), v); code != http.StatusServiceUnavailable {
		t.Errorf("PUT content with Redis down: %d %s, want 503", code, body)
	}
	if !strings.Contains(a.stderr.String(), "last-known-good") {
		t.Errorf("no loud log line about the last-known-good content:\n%s", a.stderr)
	}

	// Redis back: ready, the store answers this edge again, and it follows changes made elsewhere.
	r.Restart()
	upAt := time.Now()
	a.waitReady(t, http.StatusOK)
	readyAfter := time.Since(upAt)
	if got := a.version(t); got != v {
		t.Errorf("after Redis came back the store says v%d, want v%d", got, v)
	}
	b := startSoEdge(t, "edge-b", env, t.TempDir())
	b.waitReady(t, http.StatusOK)
	d := soPropagate(t, b, []*soEdge{a}, "after the restart")
	t.Logf("edge started with Redis down served last-known-good v%d; ready %v after Redis came back; then PUT on edge-b -> edge-a after %v",
		v, readyAfter.Round(time.Millisecond), d[0])
}
