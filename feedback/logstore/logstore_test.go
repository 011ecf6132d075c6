package logstore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/signpost/edge/feedback"
	"github.com/signpost/edge/internal/segmentlog"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func record(ids *feedback.IDs, at time.Time, page, comment string) *feedback.Record {
	yes := true
	return &feedback.Record{ID: ids.New(at), ReceivedAt: at, Partner: "demo", Page: page, Locale: "en",
		Found: &yes, Comment: comment, IPHash: "h"}
}

func allRecords(t *testing.T, s *Store) []*feedback.Record {
	t.Helper()
	var rs []*feedback.Record
	if err := s.Records(context.Background(), feedback.Filter{}, func(r *feedback.Record) error {
		rs = append(rs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestTornLastLine(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	s, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := feedback.NewIDs()
	for i := range 3 {
		if _, _, err := s.Add(context.Background(), record(ids, now, fmt.Sprintf("/%d", i), "kept"), nil); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	// A crash in the middle of a write leaves half a line (never acknowledged).
	path := filepath.Join(dir, RecordsDir, "records-00000001.jsonl")
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := `{"id":"01M80CND6AQ3H4YJXDW7BZ6AHT","received_at":"2026-11-22T01:06:54Z","partner":"de`
	f.WriteString(torn)
	f.Close()

	// Readers beside a running edge skip it.
	ro := OpenReadOnly(dir)
	if n := len(allRecords(t, ro)); n != 3 {
		t.Errorf("read-only sees %d records, want 3", n)
	}
	s, err = Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Repaired() != int64(len(torn)) {
		t.Errorf("repaired %d bytes, want %d", s.Repaired(), len(torn))
	}
	if _, _, err := s.Add(context.Background(), record(ids, now, "/after", "new"), nil); err != nil {
		t.Fatal(err)
	}
	rs := allRecords(t, s)
	if len(rs) != 4 || rs[3].Page != "/after" {
		t.Fatalf("after repair: %d records %+v", len(rs), rs)
	}
	b, _ := os.ReadFile(path)
	if strings.Contains(string(b), `"partner":"de`+"{") || strings.Count(string(b), "\n") != 4 {
		t.Errorf("file not whole lines:\n%s", b)
	}
}

func TestSecondProcessLocked(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// flock is per open file: a second open, even in this process, is refused like another
	// process would be.
	if _, err := Open(dir, Options{Logger: quiet}, nil); !errors.Is(err, segmentlog.ErrLocked) {
		t.Fatalf("second open: %v, want segmentlog.ErrLocked", err)
	}
	s.Close()
	s2, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	s2.Close()
}

func TestConcurrentAppendsGroupCommit(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := feedback.NewIDs()
	const n = 200
	var wg sync.WaitGroup
	got := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id, dup, err := s.Add(context.Background(), record(ids, time.Now(), fmt.Sprintf("/%d", i), "c"), nil)
			if err != nil || dup {
				t.Error(err, dup)
			}
			got <- id
		}()
	}
	wg.Wait()
	close(got)
	s.Close()
	want := map[string]bool{}
	for id := range got {
		want[id] = true
	}
	rs := allRecords(t, OpenReadOnly(dir))
	seen := map[string]int{}
	for _, r := range rs {
		seen[r.ID]++
	}
	if len(rs) != n || len(seen) != n {
		t.Fatalf("%d records, %d distinct, want %d", len(rs), len(seen), n)
	}
	for id := range want {
		if seen[id] != 1 {
			t.Errorf("id %s stored %d times", id, seen[id])
		}
	}
}

func TestRotationBySize(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Logger: quiet, MaxSegment: 1024}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ids := feedback.NewIDs()
	var order []string
	for i := range 40 {
		r := record(ids, time.Now(), fmt.Sprintf("/%d", i), strings.Repeat("x", 100))
		order = append(order, r.ID)
		if _, _, err := s.Add(context.Background(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	segs, _ := segmentlog.Segments(filepath.Join(dir, RecordsDir), RecordsPrefix)
	if len(segs) < 5 {
		t.Errorf("%d files after 40 records of ~300 bytes with 1 KiB files", len(segs))
	}
	for _, seg := range segs[:len(segs)-1] {
		if st, _ := os.Stat(seg.Path); st.Size() > 1024+400 {
			t.Errorf("%s is %d bytes", seg.Path, st.Size())
		}
	}
	rs := allRecords(t, OpenReadOnly(dir))
	if len(rs) != 40 {
		t.Fatalf("%d records across files", len(rs))
	}
	for i, r := range rs {
		if r.ID != order[i] {
			t.Fatalf("record %d out of order", i)
		}
	}
}

func TestDedupeSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	ids := feedback.NewIDs()
	s, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := record(ids, now.Add(-5*time.Minute), "/p", "same")
	old := record(ids, now.Add(-20*time.Minute), "/q", "same")
	for _, r := range []*feedback.Record{old, first} {
		if _, _, err := s.Add(context.Background(), r, nil); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	s, err = Open(dir, Options{Logger: quiet}, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	id, dup, err := s.Add(context.Background(), record(ids, now, "/p", "same"), nil)
	if err != nil || !dup || id != first.ID {
		t.Errorf("repeat within 10 min after restart: id %s dup %v err %v", id, dup, err)
	}
	if _, dup, _ := s.Add(context.Background(), record(ids, now, "/q", "same"), nil); dup {
		t.Error("a repeat of a 20-minute-old record was suppressed")
	}
	if n := len(allRecords(t, s)); n != 3 {
		t.Errorf("%d records, want 3", n)
	}
}

func TestFollowupRetention(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Logger: quiet}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := feedback.NewIDs()
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	ages := []int{300, 250, 10, 201, 1} // days
	for i, days := range ages {
		at := now.AddDate(0, 0, -days)
		r := record(ids, at, fmt.Sprintf("/%d", i), "")
		r.Followup = true
		fu := &feedback.Followup{ID: r.ID, ReceivedAt: at, Partner: "demo", Email: fmt.Sprintf("p%d@example.org", i)}
		if _, _, err := s.Add(context.Background(), r, fu); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			s.followups.Rotate() // spread them over two files
		}
	}
	cutoff := now.Add(-feedback.DefaultFollowupRetention)
	n, err := s.PurgeFollowups(context.Background(), cutoff)
	if err != nil || n != 3 {
		t.Fatalf("purged %d (%v), want 3", n, err)
	}
	var emails []string
	s.Followups(context.Background(), time.Time{}, func(f *feedback.Followup) error {
		emails = append(emails, f.Email)
		return nil
	})
	if strings.Join(emails, ",") != "p2@example.org,p4@example.org" {
		t.Errorf("left %v", emails)
	}
	// Feedback itself is untouched by the purge.
	if n := len(allRecords(t, s)); n != 5 {
		t.Errorf("%d records after the purge", n)
	}
	// Appends go on after a purge.
	r := record(ids, now, "/new", "")
	if _, _, err := s.Add(context.Background(), r, &feedback.Followup{ID: r.ID, ReceivedAt: now, Email: "n@example.org"}); err != nil {
		t.Fatal(err)
	}
}

// TestFailedFsyncRefusesAndReports: after an fsync error nothing more is acknowledged, and the
// store says why (the edge's /readyz shows it), until a restart.
func TestFailedFsyncRefusesAndReports(t *testing.T) {
	dir := t.TempDir()
	fail := false
	l, err := segmentlog.Open(dir, "t", Options{Sync: func(f *os.File) error {
		if fail {
			return errors.New("injected: I/O error")
		}
		return f.Sync()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Append([]byte(`{"a":1}`)); err != nil || l.Failed() != nil {
		t.Fatalf("healthy append: %v, failed %v", err, l.Failed())
	}
	fail = true
	if err := l.Append([]byte(`{"a":2}`)); err == nil {
		t.Fatal("append acknowledged although fsync failed")
	}
	fail = false
	if err := l.Append([]byte(`{"a":3}`)); err == nil {
		t.Error("append acknowledged after an earlier fsync failure: those pages may be gone")
	}
	if err := l.Failed(); err == nil || !strings.Contains(err.Error(), "fsync failed") {
		t.Errorf("Failed() = %v", err)
	}
}
