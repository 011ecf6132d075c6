package intake_test

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/feedback/redisstore"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/server/ratelimit"
	"github.com/valyala/fasthttp"
)

// BenchmarkFeedbackIntake measures accepted feedback per second and p99 latency of POST
// /v1/feedback over real TCP on 127.0.0.1, with 1, 16 and 256 concurrent clients (one
// connection each), in embedded mode (fsynced log, group commit) and Redis mode (stream on a
// local redis-server). Every answer must be a 202 of a stored record: comments differ, so none
// is a duplicate, and the rate limits are set out of reach.
func BenchmarkFeedbackIntake(b *testing.B) {
	for _, mode := range []string{"embedded", "redis"} {
		for _, clients := range []int{1, 16, 256} {
			b.Run(fmt.Sprintf("%s/clients=%d", mode, clients), func(b *testing.B) {
				benchIntake(b, mode, clients)
			})
		}
	}
}

func benchIntake(b *testing.B, mode string, clients int) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var st feedback.Store
	var err error
	rlc := ratelimit.Config{IPRate: "1000000000-M", PartnerRate: "1000000000-M", Logger: log}
	switch mode {
	case "embedded":
		st, err = logstore.Open(b.TempDir(), logstore.Options{Logger: log}, nil)
	case "redis":
		r := redistest.Start(b)
		o, _ := redis.ParseURL(r.URL())
		o.PoolSize = 512
		c := redis.NewClient(o)
		b.Cleanup(func() { c.Close() })
		st, err = redisstore.Open(c, redisstore.Options{SpoolDir: filepath.Join(b.TempDir(), "spool"), Logger: log})
		rlc.Redis = c
	}
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	rl, err := ratelimit.New(rlc)
	if err != nil {
		b.Fatal(err)
	}
	e := edgetest.Start(b, edgetest.Options{WallClock: true, Listen: true, Config: server.Config{Logger: log, Feedback: st, RateLimits: rl}})
	url := "http://" + e.Addr + "/v1/feedback"
	client := &fasthttp.Client{MaxConnsPerHost: clients + 8, ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second}

	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
			defer fasthttp.ReleaseRequest(req)
			defer fasthttp.ReleaseResponse(resp)
			req.Header.SetMethod("POST")
			req.SetRequestURI(url)
			req.Header.SetContentType("text/plain;charset=UTF-8")
			req.Header.Set("Origin", edgetest.Origin)
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				req.SetBodyString(`{"partner":"demo","page":"/bench","locale":"en","found":true,"helpful":true,"comment":"benchmark comment ` +
					strconv.FormatInt(i, 10) + `","followup":false,"email":"","website":"","elapsed_ms":4000}`)
				t0 := time.Now()
				err := client.Do(req, resp)
				lat[i] = time.Since(t0)
				if err != nil || resp.StatusCode() != fasthttp.StatusAccepted {
					failed.CompareAndSwap(nil, fmt.Sprintf("request %d: %v %d %s", i, err, resp.StatusCode(), resp.Body()))
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if f := failed.Load(); f != nil {
		b.Fatal(f)
	}
	slices.Sort(lat)
	p99 := lat[min(len(lat)-1, len(lat)*99/100)]
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "accepted/s")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
}
