package main

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/internal/redistest"
)

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
