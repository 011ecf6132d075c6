package dashboard_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/feedback/logstore"
	"github.com/signpost/edge/feedback/redisstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
)

// TestExportDuringOutage: with Redis away, feedback and follow-up exports answer 503
// store_unavailable with Retry-After before their first byte, in every format, instead of a
// 200 with no rows that reads as "no feedback".
func TestExportDuringOutage(t *testing.T) {
	rs, rdb := edgetest.Redis(t, redis.Options{MaxRetries: -1})
	st, err := redisstore.Open(rdb, redisstore.Options{SpoolDir: filepath.Join(t.TempDir(), "spool")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e, _ := dashEdge(t, st, false)
	exports := []string{"/v1/admin/feedback?format=csv", "/v1/admin/feedback?format=jsonl", "/v1/admin/feedback",
		"/v1/admin/feedback/followups", "/v1/admin/feedback/followups?format=jsonl"}
	for _, uri := range exports[:2] {
		if r := e.Do(t, "GET", uri, nil, edgetest.Bearer(edgetest.AliceToken)...); r.StatusCode() != 200 || len(r.Body()) == 0 {
			t.Fatalf("%s with Redis up: %d", uri, r.StatusCode())
		}
	}
	rs.Stop()
	for _, uri := range exports {
		r := e.Do(t, "GET", uri, nil, edgetest.Bearer(edgetest.AliceToken)...)
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 503 || code != "store_unavailable" || edgetest.Header(r, "Retry-After") == "" {
			t.Errorf("%s with Redis away: %d %s (Retry-After %q), want 503 store_unavailable", uri, r.StatusCode(), r.Body(), edgetest.Header(r, "Retry-After"))
		}
	}
}

// midwayBrokenStore is a feedback store whose reads fail after a few records: a store failing in the
// middle of an export, which a real Redis cannot be made to do at a chosen row.
type midwayBrokenStore struct {
	feedback.Store
	after int
}

func (b midwayBrokenStore) Records(ctx context.Context, f feedback.Filter, fn func(*feedback.Record) error) error {
	for i := range b.after {
		r := &feedback.Record{ID: fmt.Sprintf("01JD0000000000000000000%03d", i), ReceivedAt: edgetest.Now, Partner: "demo", Page: "/p", Locale: "en"}
		if err := fn(r); err != nil {
			return err
		}
	}
	return errors.New("connection reset by peer")
}

// TestExportBrokenMidStream: an export whose store fails after its first rows ends so that the
// client can tell: a last line saying it is incomplete, and no end to the chunked body.
func TestExportBrokenMidStream(t *testing.T) {
	for _, format := range []string{"csv", "jsonl"} {
		ls, err := logstore.Open(t.TempDir(), logstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, func() time.Time { return edgetest.Now })
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ls.Close() })
		e, _ := dashEdge(t, midwayBrokenStore{Store: ls, after: 3}, false)
		// Over real TCP: what a cut connection leaves a client is what is tested.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go e.Server.Serve(ln)
		t.Cleanup(func() { ln.Close() })
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET /v1/admin/feedback?format=%s HTTP/1.1\r\nHost: edge.test\r\nAuthorization: Bearer %s\r\n\r\n", format, edgetest.AliceToken)
		_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
		raw, err := io.ReadAll(bufio.NewReader(c))
		c.Close()
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		resp := string(raw)
		if !strings.HasPrefix(resp, "HTTP/1.1 200") || !strings.Contains(resp, "Transfer-Encoding: chunked") {
			t.Fatalf("%s: %q", format, resp)
		}
		if !strings.Contains(resp, "store_unavailable") || !strings.Contains(resp, "export incomplete") {
			t.Errorf("%s: no line says the export is incomplete: %q", format, resp)
		}
		if strings.HasSuffix(resp, "0\r\n\r\n") {
			t.Errorf("%s: the chunked body ended as a whole one would", format)
		}
		if strings.Count(resp, "01JD00000000000000000000") != 3 {
			t.Errorf("%s: the rows read before the failure are not all there: %q", format, resp)
		}
	}
}

// unwritableAudit is an audit log that cannot be written: a fault.
type unwritableAudit struct{ auditlog.Log }

func (unwritableAudit) Append(context.Context, auditlog.Entry) error {
	return errors.New("audit log unreachable")
}

// TestExportAuditedOrRefused: an export whose audit entry cannot be written is refused (503)
// before its first byte: nothing leaves that the audit log does not name.
func TestExportAuditedOrRefused(t *testing.T) {
	now := func() time.Time { return edgetest.Now }
	ls, err := logstore.Open(t.TempDir(), logstore.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ls.Close() })
	dashSeed(t, ls)
	dir := t.TempDir()
	e := edgetest.Start(t, edgetest.Options{Config: server.Config{Feedback: ls, AuditLog: unwritableAudit{edgetest.AuditLog(t, dir)}, DataDir: dir,
		Operators: []auth.Operator{{Name: "alice", Token: edgetest.AliceToken}}}})
	for _, uri := range []string{"/v1/admin/feedback?format=csv", "/v1/admin/feedback/followups"} {
		r := e.Do(t, "GET", uri, nil, edgetest.Bearer(edgetest.AliceToken)...)
		if code, _ := edgetest.JSONError(t, r); r.StatusCode() != 503 || code != "store_unavailable" {
			t.Errorf("%s without an audit log: %d %s, want 503 store_unavailable", uri, r.StatusCode(), r.Body())
		}
	}
}
