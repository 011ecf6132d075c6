package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/internal/redistest"
)

// buildOnce builds cmd/edge once for the tests that run it as a real process.
var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "edge-bin-")
	if err != nil {
		return "", err
	}
	builtBinDir = dir
	bin := filepath.Join(dir, "edge")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("build: %v\n%s", err, out)
	}
	return bin, nil
})

func edgeBinary(t *testing.T) string {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// edgeProc is a running edge process.
type edgeProc struct {
	cmd    *exec.Cmd
	base   string // "http://127.0.0.1:port/"
	stderr *bytes.Buffer
	exited chan error
}

func startEdgeProc(t *testing.T, bin string, env []string, args ...string) *edgeProc {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = filepath.Dir(bin)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &edgeProc{cmd: cmd, stderr: &bytes.Buffer{}, exited: make(chan error, 1)}
	cmd.Stderr = &lockedWriter{w: p.stderr}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill() // by this process's own PID; a no-op once it has exited
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("no startup line: %v; stderr: %s", err, p.stderr)
	}
	const prefix = "Signpost edge is running: open "
	p.base = strings.Replace(strings.TrimSpace(strings.TrimPrefix(line, prefix)), "localhost", "127.0.0.1", 1)
	go io.Copy(io.Discard, out)
	return p
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (p *edgeProc) stop(t *testing.T, sig syscall.Signal) error {
	t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.exited:
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("edge did not exit within 30 s of %v", sig)
		return nil
	}
}

func feedbackBody(comment string) string {
	b, _ := json.Marshal(map[string]any{"partner": "demo", "page": "/durable", "locale": "en", "found": true,
		"helpful": true, "comment": comment, "followup": false, "email": "", "website": "", "elapsed_ms": 3000})
	return string(b)
}

// postFeedback posts as the widget does and returns the id of a 202, or "" with the reason.
func postFeedback(c *http.Client, base, comment string) (string, error) {
	req, _ := http.NewRequest("POST", base+"v1/feedback", strings.NewReader(feedbackBody(comment)))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("Origin", "http://localhost:8080")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", err // the answer did not arrive whole: not acknowledged
	}
	if resp.StatusCode != http.StatusAccepted {
		return "", fmt.Errorf("status %d: %s", resp.StatusCode, b)
	}
	var a struct{ ID string }
	if err := json.Unmarshal(b, &a); err != nil || a.ID == "" {
		return "", fmt.Errorf("202 body %q", b)
	}
	return a.ID, nil
}

// exportIDs runs `edge feedback export --format jsonl` and counts each id.
func exportIDs(t *testing.T, bin string, args ...string) map[string]int {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"feedback", "export", "--format", "jsonl"}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("export: %v: %s", err, stderr.String())
	}
	ids := map[string]int{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r struct{ ID string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("export line %q: %v", sc.Text(), err)
		}
		ids[r.ID]++
	}
	return ids
}

var loadEnv = []string{"EDGE_FEEDBACK_RATE=1000000-M", "EDGE_PARTNER_RATE=1000000-M", "EDGE_LOG_LEVEL=warn"}

// TestDurabilityAcrossSIGKILL kills the edge with SIGKILL in the middle of a burst of concurrent
// submissions, restarts it on the same data dir, and checks that every acknowledged id is stored
// exactly once: 202 means durable.
func TestDurabilityAcrossSIGKILL(t *testing.T) {
	bin := edgeBinary(t)
	data := t.TempDir()
	p := startEdgeProc(t, bin, loadEnv, "--data-dir", data)

	const workers, perWorker, killAfter = 32, 150, 400
	var (
		mu     sync.Mutex
		acked  []string
		killed = make(chan struct{})
		once   sync.Once
		wg     sync.WaitGroup
	)
	kill := func() {
		once.Do(func() {
			// Marked before it is sent: a worker whose request fails because of the kill must
			// find it marked, or it reports a failure from before the kill.
			close(killed)
			_ = p.cmd.Process.Signal(syscall.SIGKILL)
		})
	}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 1}}
			for i := range perWorker {
				id, err := postFeedback(c, p.base, fmt.Sprintf("worker %d submission %d", w, i))
				if err != nil {
					select {
					case <-killed:
						return // the server is gone: whatever was in flight was not acknowledged
					default:
						t.Errorf("before the kill: %v", err)
						return
					}
				}
				mu.Lock()
				acked = append(acked, id)
				n := len(acked)
				mu.Unlock()
				if n == killAfter {
					kill()
				}
			}
		}()
	}
	wg.Wait()
	kill()
	<-p.exited
	if len(acked) < killAfter {
		t.Fatalf("only %d acknowledged before the kill", len(acked))
	}

	// Restart on the same data dir: the lock of the killed process is gone with it, and a torn
	// last line (if the kill cut a write) is cut off.
	p2 := startEdgeProc(t, bin, loadEnv, "--data-dir", data)
	after, err := postFeedback(http.DefaultClient, p2.base, "after the restart")
	if err != nil {
		t.Fatalf("restarted edge: %v", err)
	}
	// A second process on the same data dir is refused while this one runs.
	second := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", data)
	if out, err := second.CombinedOutput(); err == nil || !strings.Contains(string(out), "another process holds") {
		t.Errorf("a second edge on the same data dir: %v %s", err, out)
	}
	if err := p2.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM exit: %v; %s", err, p2.stderr)
	}

	stored := exportIDs(t, bin, "--data-dir", data)
	for _, id := range append(acked, after) {
		if stored[id] != 1 {
			t.Errorf("acknowledged id %s stored %d times", id, stored[id])
		}
	}
	for id, n := range stored {
		if n != 1 {
			t.Errorf("id %s stored %d times", id, n)
		}
	}
	t.Logf("%d acknowledged before SIGKILL, %d stored (in flight at the kill may be stored unacknowledged)", len(acked), len(stored))
}

// TestRedisModeBinary runs the edge against a real Redis: feedback goes to the stream; with
// Redis stopped it is still acknowledged (spooled) and /readyz says degraded; with Redis back
// the spool is replayed and the CLI exports each record once.
func TestRedisModeBinary(t *testing.T) {
	r := redistest.Start(t)
	bin := edgeBinary(t)
	data := t.TempDir()
	env := append([]string{"EDGE_REDIS_URL=" + r.URL(), "EDGE_IP_HASH_KEY=test-key-0123456789abcdef"}, loadEnv...)
	p := startEdgeProc(t, bin, env, "--data-dir", data)
	ready := func() (int, string) {
		resp, err := http.Get(p.base + "readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := ready(); code != 200 || !strings.Contains(body, `"mode":"redis"`) {
		t.Fatalf("readyz: %d %s", code, body)
	}
	c := &http.Client{Timeout: 10 * time.Second}
	first, err := postFeedback(c, p.base, "with Redis up")
	if err != nil {
		t.Fatal(err)
	}
	r.Stop()
	// Not persisted by this test Redis: only the replay brings records back after the restart.
	spooled, err := postFeedback(c, p.base, "with Redis down")
	if err != nil {
		t.Fatalf("feedback with Redis down: %v", err)
	}
	if code, body := ready(); code != 503 || !strings.Contains(body, "redis") {
		t.Errorf("readyz with Redis down: %d %s", code, body)
	}
	r.Restart()
	deadline := time.Now().Add(20 * time.Second)
	for code, _ := ready(); code != 200 && time.Now().Before(deadline); code, _ = ready() {
		time.Sleep(100 * time.Millisecond)
	}
	if code, body := ready(); code != 200 {
		t.Fatalf("readyz after Redis came back: %d %s", code, body)
	}
	ids := exportIDs(t, bin, "--redis-url", r.URL())
	if ids[spooled] != 1 || len(ids) != 1 {
		t.Errorf("export after replay: %v (want %s once; %s was lost with the unpersisted test Redis)", ids, spooled, first)
	}
	resp, err := http.Get(p.base + "metrics")
	if err != nil {
		t.Fatal(err)
	}
	m, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"signpost_feedback_spooled_total 1", "signpost_feedback_replayed_total 1", "signpost_feedback_spool_depth 0"} {
		if !strings.Contains(string(m), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if err := p.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM exit: %v; %s", err, p.stderr)
	}
}

func TestFeedbackCLI(t *testing.T) {
	dir := t.TempDir()
	if code, _, errOut := runEdge([]string{"feedback", "export", "--data-dir", dir}, nil); code != 1 || !strings.Contains(errOut, "no feedback under") {
		t.Errorf("export of an empty dir: %d %s", code, errOut)
	}
	for _, args := range [][]string{{"feedback"}, {"feedback", "burn"}, {"feedback", "export", "--format", "xlsx"},
		{"feedback", "export", "--since", "yesterday", "--data-dir", dir}} {
		if code, _, _ := runEdge(args, nil); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{{"200d", 200 * 24 * time.Hour}, {"72h", 72 * time.Hour}} {
		if d, err := parseRetention(tc.in); err != nil || d != tc.want {
			t.Errorf("parseRetention(%q) = %v %v", tc.in, d, err)
		}
	}
	for _, bad := range []string{"0d", "-1h", "soon", "d"} {
		if _, err := parseRetention(bad); err == nil {
			t.Errorf("parseRetention(%q) accepted", bad)
		}
	}
	// Follow-ups within the retention window, from an embedded store.
	st, err := logstore.Open(dir, logstore.Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := feedback.NewIDs()
	yes := true
	for _, age := range []time.Duration{300 * 24 * time.Hour, time.Hour} {
		at := time.Now().Add(-age).UTC()
		r := &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: "demo", Page: "/f", Found: &yes, Followup: true, IPHash: age.String()}
		if _, _, err := st.Add(context.Background(), r, &feedback.Followup{ID: r.ID, ReceivedAt: at, Partner: "demo", Email: "age" + age.String() + "@example.org"}); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := runEdge([]string{"feedback", "followups", "--data-dir", dir}, nil)
	if code != 0 || !strings.HasPrefix(out, "id,received_at,partner,email\n") || !strings.Contains(out, "age1h0m0s@example.org") || strings.Contains(out, "age7200h") {
		t.Errorf("followups: %d %q %s", code, out, errOut)
	}
	code, out, _ = runEdge([]string{"feedback", "export", "--data-dir", dir, "--format", "csv", "--partner", "demo"}, nil)
	if code != 0 || strings.Count(out, "\n") != 3 || strings.Contains(out, "@example.org") {
		t.Errorf("export (emails must not be in it): %d %q", code, out)
	}
	st.Close()
	if code, _, errOut := runEdge([]string{"serve", "--data-dir", dir, "--feedback-rate", "ten"}, nil); code != exitUsage || !strings.Contains(errOut, "rate") {
		t.Errorf("bad rate: %d %s", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"serve", "--data-dir", dir}, map[string]string{"EDGE_TRUSTED_PROXIES": "10.0.0.0/99"}); code != exitUsage || !strings.Contains(errOut, "trusted proxy") {
		t.Errorf("bad proxies: %d %s", code, errOut)
	}
}

// builtBinDir is the temporary directory of the binary buildOnce built, if it ran.
var builtBinDir string

// TestMain removes the binary buildOnce built, once every test of the package has run.
func TestMain(m *testing.M) {
	code := m.Run()
	if builtBinDir != "" {
		os.RemoveAll(builtBinDir)
	}
	os.Exit(code)
}
