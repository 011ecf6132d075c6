package redisstore

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/internal/segmentlog"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newClient(t *testing.T, r *redistest.Server) redis.UniversalClient {
	t.Helper()
	o, err := redis.ParseURL(r.URL())
	if err != nil {
		t.Fatal(err)
	}
	o.MaxRetries = -1
	c := redis.NewClient(o)
	t.Cleanup(func() { c.Close() })
	return c
}

func rec(ids *feedback.IDs, page, comment string) *feedback.Record {
	yes := true
	now := time.Now().UTC()
	return &feedback.Record{ID: ids.New(now), ReceivedAt: now, Partner: "demo", Page: page, Locale: "en", Found: &yes, Comment: comment, IPHash: "h"}
}

func streamIDs(t *testing.T, s *Store) map[string]int {
	t.Helper()
	n := map[string]int{}
	if err := s.Records(context.Background(), feedback.Filter{}, func(r *feedback.Record) error { n[r.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

// waitFor polls cond for up to 15 s: the replay loop runs on its own.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

func TestSpoolWhileRedisDownThenReplayOnce(t *testing.T) {
	r := redistest.Start(t)
	c := newClient(t, r)
	spool := filepath.Join(t.TempDir(), "spool")
	s, err := Open(c, Options{SpoolDir: spool, Logger: quiet, ReplayEvery: 50 * time.Millisecond, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ids := feedback.NewIDs()
	up := rec(ids, "/up", "while up")
	if id, dup, err := s.Add(context.Background(), up, nil); err != nil || dup || id != up.ID {
		t.Fatalf("add with Redis up: %s %v %v", id, dup, err)
	}
	if got := streamIDs(t, s); got[up.ID] != 1 {
		t.Fatalf("stream %v", got)
	}

	r.Stop()
	down := []*feedback.Record{rec(ids, "/down1", "while down"), rec(ids, "/down2", "while down, with follow-up")}
	down[1].Followup = true
	fu := &feedback.Followup{ID: down[1].ID, ReceivedAt: down[1].ReceivedAt, Partner: "demo", Email: "v@example.org"}
	for i, d := range down {
		var f *feedback.Followup
		if i == 1 {
			f = fu
		}
		if id, dup, err := s.Add(context.Background(), d, f); err != nil || dup || id != d.ID {
			t.Fatalf("add with Redis down: %s %v %v", id, dup, err)
		}
	}
	// A repeat while down is suppressed locally.
	if id, dup, _ := s.Add(context.Background(), rec(ids, "/down1", "while down"), nil); !dup || id != down[0].ID {
		t.Errorf("repeat while down: %s %v", id, dup)
	}
	if st := s.Stats(); st.Spooled != 2 || st.SpoolDepth != 2 {
		t.Fatalf("stats while down: %+v", st)
	}
	// Keep a copy of the spool as it is, to replay it a second time below.
	var copies [][]byte
	segmentlog.ReadAll(spool, SpoolPrefix, func(line []byte) error { copies = append(copies, append([]byte(nil), line...)); return nil })
	if len(copies) != 2 {
		t.Fatalf("spool holds %d lines", len(copies))
	}

	r.Restart() // empty: persistence is off, so only the replay can bring records back
	waitFor(t, "the spool to drain", func() bool { return s.Stats().SpoolDepth == 0 })
	got := streamIDs(t, s)
	if len(got) != 2 || got[down[0].ID] != 1 || got[down[1].ID] != 1 {
		t.Fatalf("after replay the stream holds %v", got)
	}
	var fus []*feedback.Followup
	s.Followups(context.Background(), time.Time{}, func(f *feedback.Followup) error { fus = append(fus, f); return nil })
	if len(fus) != 1 || fus[0].Email != "v@example.org" {
		t.Errorf("follow-ups after replay: %+v", fus)
	}
	if st := s.Stats(); st.Replayed != 2 {
		t.Errorf("replayed %d", st.Replayed)
	}
	s.Close()

	// A crash mid-replay leaves spooled lines that are already in Redis: replaying them again
	// must not add them twice.
	var buf []byte
	for _, l := range copies {
		buf = append(append(buf, l...), '\n')
	}
	if err := os.WriteFile(filepath.Join(spool, "spool-00000001.jsonl"), buf, 0o600); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(c, Options{SpoolDir: spool, Logger: quiet, ReplayEvery: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	waitFor(t, "the second replay", func() bool { return s2.Stats().SpoolDepth == 0 })
	if got := streamIDs(t, s2); len(got) != 2 || got[down[0].ID] != 1 || got[down[1].ID] != 1 {
		t.Errorf("after replaying twice the stream holds %v", got)
	}
	if n, _ := c.XLen(context.Background(), s2.keys.followups).Result(); n != 1 {
		t.Errorf("%d follow-ups after replaying twice", n)
	}
	// Both lines left the spool (counted as replayed), each found already in Redis.
	if st := s2.Stats(); st.Replayed != 2 {
		t.Errorf("the second replay drained %d records, want 2", st.Replayed)
	}
}

func TestRedisDedupeExportAndPurge(t *testing.T) {
	r := redistest.Start(t)
	c := newClient(t, r)
	s, err := Open(c, Options{SpoolDir: filepath.Join(t.TempDir(), "spool"), Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := feedback.NewIDs()
	first := rec(ids, "/p", "same")
	if _, dup, err := s.Add(context.Background(), first, nil); err != nil || dup {
		t.Fatal(err, dup)
	}
	id, dup, err := s.Add(context.Background(), rec(ids, "/p", "same"), nil)
	if err != nil || !dup || id != first.ID {
		t.Errorf("repeat: %s %v %v", id, dup, err)
	}
	other := rec(ids, "/p", "different")
	other.Partner = "mhcc"
	s.Add(context.Background(), other, nil)
	if n, _ := c.XLen(context.Background(), s.keys.records).Result(); n != 2 {
		t.Errorf("stream length %d, want 2", n)
	}
	// Read through a reader, as the CLI does beside running edges.
	reader := OpenReader(c, "")
	var got []string
	reader.Records(context.Background(), feedback.Filter{Partner: "mhcc"}, func(r *feedback.Record) error { got = append(got, r.ID); return nil })
	if len(got) != 1 || got[0] != other.ID {
		t.Errorf("partner filter: %v", got)
	}
	got = nil
	reader.Records(context.Background(), feedback.Filter{Since: time.Now().Add(time.Hour)}, func(r *feedback.Record) error { got = append(got, r.ID); return nil })
	if len(got) != 0 {
		t.Errorf("since filter: %v", got)
	}
	if _, _, err := reader.Add(context.Background(), rec(ids, "/x", ""), nil); err == nil {
		t.Error("a reader stored a record")
	}
	// Follow-ups: purge drops those added before the cutoff.
	fuRec := rec(ids, "/f", "")
	s.Add(context.Background(), fuRec, &feedback.Followup{ID: fuRec.ID, ReceivedAt: fuRec.ReceivedAt, Email: "f@example.org"})
	if n, err := s.PurgeFollowups(context.Background(), time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Errorf("purge of nothing old: %d %v", n, err)
	}
	if n, err := s.PurgeFollowups(context.Background(), time.Now().Add(time.Second)); err != nil || n != 1 {
		t.Errorf("purge past the cutoff: %d %v", n, err)
	}
	if n, _ := c.XLen(context.Background(), s.keys.records).Result(); n != 3 {
		t.Errorf("records stream length %d after a follow-up purge, want 3 (never trimmed)", n)
	}
}
