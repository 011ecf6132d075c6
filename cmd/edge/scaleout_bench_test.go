package main

// Scale-out benchmarks against real processes: propagation delay of a content change between
// two edges sharing Redis, and snippet requests per second served by one edge. Each benchmark
// is one measurement (it starts redis-server and edge processes, then measures for a fixed
// number of changes or a fixed duration): run with -benchtime 1x. They run only with
// SIGNPOST_SCALEOUT_BENCH=1, so `go test -bench . ./...` does not run them twice; `make bench`
// runs them:
//
//	SIGNPOST_SCALEOUT_BENCH=1 go test -run '^$' -bench 'Propagation|SnippetsRPS' -benchtime 1x ./cmd/edge

import (
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/internal/redistest"
	"github.com/valyala/fasthttp"
)

func soBenchGuard(b *testing.B) {
	if os.Getenv("SIGNPOST_SCALEOUT_BENCH") == "" {
		b.Skip("starts redis-server and edge processes: set SIGNPOST_SCALEOUT_BENCH=1 (make bench does)")
	}
}

// soBenchInt reads a positive integer from the environment, else def.
func soBenchInt(b *testing.B, key string, def int) int {
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive whole number", key, v)
	}
	return n
}

// BenchmarkPropagation measures the delay from sending PUT /v1/admin/content to one edge to the
// new version in a snippet served by another edge (polled every millisecond), over
// SIGNPOST_BENCH_CHANGES changes (100), after 3 unmeasured ones; on one redis-server and on a
// three-master Redis Cluster. Reported: p50, p99 and max in milliseconds.
func BenchmarkPropagation(b *testing.B) {
	soBenchGuard(b)
	changes := soBenchInt(b, "SIGNPOST_BENCH_CHANGES", 100)
	for _, topology := range []string{"redis", "cluster"} {
		b.Run(topology, func(b *testing.B) {
			var url string
			if topology == "redis" {
				url = redistest.Start(b).URL()
			} else {
				addrs := redistest.StartCluster(b, 3).Addrs()
				url = "redis://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
			}
			env := soEnv(url)
			from := startSoEdge(b, "edge-a", env, b.TempDir())
			to := startSoEdge(b, "edge-b", env, b.TempDir())
			from.waitReady(b, http.StatusOK)
			to.waitReady(b, http.StatusOK)
			for i := range 3 {
				soPropagate(b, from, []*soEdge{to}, fmt.Sprintf("warm-up %d", i))
			}
			ds := make([]time.Duration, 0, changes)
			var puts []time.Duration
			soPutLatency = func(d time.Duration) { puts = append(puts, d) }
			defer func() { soPutLatency = nil }()
			b.ResetTimer()
			for i := range changes {
				ds = append(ds, soPropagate(b, from, []*soEdge{to}, fmt.Sprintf("change %d", i))[0])
			}
			b.StopTimer()
			sorted := append([]time.Duration(nil), ds...)
			slices.Sort(sorted)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(soPercentile(sorted, 50)), "p50-ms")
			b.ReportMetric(ms(soPercentile(sorted, 99)), "p99-ms")
			b.ReportMetric(ms(sorted[len(sorted)-1]), "max-ms")
			b.ReportMetric(0, "ns/op")
			b.Logf("%s: PUT on edge-a -> new snippet version on edge-b: %s", topology, soSummary(ds))
			b.Logf("%s: the PUT itself (validated, stored, applied on edge-a, answered): %s", topology, soSummary(puts))
		})
	}
}

// BenchmarkSnippetsRPS measures snippet requests per second served by one edge process, in
// Redis mode (the mode this is about) and embedded mode (for comparison), with 1, 16 and 64
// concurrent keep-alive clients on 127.0.0.1 for SIGNPOST_BENCH_SECONDS (3) each. The clients
// run in this process, on the same cores as the edge: the numbers are a floor on a machine
// where load and server are apart. Every answer must be 200. Reported: requests/s, p50, p99.
func BenchmarkSnippetsRPS(b *testing.B) {
	soBenchGuard(b)
	dur := time.Duration(soBenchInt(b, "SIGNPOST_BENCH_SECONDS", 3)) * time.Second
	for _, mode := range []string{"redis", "embedded"} {
		b.Run(mode, func(b *testing.B) {
			env := soEnv("")
			if mode == "redis" {
				env = soEnv(redistest.Start(b).URL())
			}
			e := startSoEdge(b, "edge", env, b.TempDir())
			if body := e.waitReady(b, http.StatusOK); !strings.Contains(body, `"mode":"`+mode+`"`) {
				b.Fatalf("readyz: %s", body)
			}
			for _, clients := range []int{1, 16, 64} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					soSnippetLoad(b, e, clients, dur)
				})
			}
		})
	}
}

func soSnippetLoad(b *testing.B, e *soEdge, clients int, dur time.Duration) {
	addr := strings.TrimSuffix(strings.TrimPrefix(e.base, "http://"), "/")
	hc := &fasthttp.HostClient{Addr: addr, MaxConns: clients, ReadTimeout: 10 * time.Second, WriteTimeout: 10 * time.Second}
	defer hc.CloseIdleConnections()
	uris := []string{"/v1/snippets/demo?region=CA", "/v1/snippets/demo?region=CA-QC&locale=fr",
		"/v1/snippets/demo?region=US", "/v1/snippets/demo?region=FR&locale=fr"}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		lat  []time.Duration
		fail string
	)
	b.ResetTimer()
	start := time.Now()
	end := start.Add(dur)
	for w := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.Header.Set("Accept-Encoding", "gzip, br")
			local := make([]time.Duration, 0, 1<<16)
			for i := w; ; i++ {
				t0 := time.Now()
				if !t0.Before(end) {
					break
				}
				req.SetRequestURI("http://" + addr + uris[i%len(uris)])
				err := hc.Do(req, resp)
				local = append(local, time.Since(t0))
				if err != nil || resp.StatusCode() != fasthttp.StatusOK {
					mu.Lock()
					fail = fmt.Sprintf("%s: %v %d", uris[i%len(uris)], err, resp.StatusCode())
					mu.Unlock()
					break
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if fail != "" {
		b.Fatal(fail)
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
	b.ReportMetric(ms(soPercentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(soPercentile(lat, 99)), "p99-ms")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d clients for %v: %d requests, %.0f req/s; latency %s", clients, elapsed.Round(time.Millisecond),
		len(lat), float64(len(lat))/elapsed.Seconds(), soSummary(lat))
}
