package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/snippets"
)

// lineFlagTTL is how long the flagged lines read for /metrics are reused: the store is read
// (a whole embedded log) at most this often, or when this edge has stored a report since.
const lineFlagTTL = 30 * time.Second

// lineFlagged is signpost_line_flagged{line}: 1 for a line that at least feedback.FlagClients
// distinct clients reported in the last 24 hours, 0 for every other line served, so that an
// alert on it > 0 fires in Redis mode for reports taken by any edge.
type lineFlagged struct {
	desc    *prometheus.Desc
	store   feedback.Store
	content func() *snippets.Loaded
	now     func() time.Time
	stored  func() int64 // reports this edge stored: a new one refreshes at once
	log     *slog.Logger

	mu      sync.Mutex
	readAt  time.Time // by now, the edge's clock
	readN   int64
	flagged map[string]bool
}

func newLineFlagged(store feedback.Store, content func() *snippets.Loaded, now func() time.Time, stored func() int64, log *slog.Logger) *lineFlagged {
	return &lineFlagged{
		desc: prometheus.NewDesc("signpost_line_flagged",
			"1 while a crisis line has reports from at least 3 distinct clients in the last 24 hours (GET /v1/admin/lines/reports).",
			[]string{"line"}, nil),
		store: store, content: content, now: now, stored: stored, log: log,
	}
}

func (c *lineFlagged) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *lineFlagged) Collect(ch chan<- prometheus.Metric) {
	flagged := c.read()
	lines := map[string]bool{}
	for id, l := range c.content().Lines {
		if !l.Retired() {
			lines[id] = flagged[id]
		}
	}
	for id := range flagged {
		lines[id] = true
	}
	for id, f := range lines {
		v := 0.0
		if f {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, id)
	}
}

// read is the flagged lines, from the store when the last read is stale.
func (c *lineFlagged) read() map[string]bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, now := c.stored(), c.now().UTC()
	if age := now.Sub(c.readAt); c.flagged != nil && n == c.readN && age >= 0 && age < lineFlagTTL {
		return c.flagged
	}
	if c.store == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lines, err := feedback.SummarizeLineReports(ctx, c.store, now.Add(-24*time.Hour), now, 0)
	if err != nil {
		// The last known state stands rather than every line dropping to 0.
		c.log.Warn("metrics: line reports unreadable", "err", err)
		return c.flagged
	}
	c.flagged = map[string]bool{}
	for _, lr := range lines {
		if lr.Flagged {
			c.flagged[lr.Line] = true
		}
	}
	c.readAt, c.readN = now, n
	return c.flagged
}
