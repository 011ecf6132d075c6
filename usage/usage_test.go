package usage

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/internal/redistest"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// addAll counts a fixed set of events: two banners shown in CA, one tap on each channel of
// ca-988, one shown for mhcc in GB yesterday.
func addAll(s Store) {
	today, yesterday := Day(now), Day(now.AddDate(0, 0, -1))
	s.Add(Key{today, "demo", "CA", ""}, Shown)
	s.Add(Key{today, "demo", "CA", ""}, Shown)
	s.Add(Key{today, "demo", "CA", "ca-988"}, Tel)
	s.Add(Key{today, "demo", "CA", "ca-988"}, SMS)
	s.Add(Key{today, "demo", "CA", "ca-988"}, Chat)
	s.Add(Key{yesterday, "mhcc", "GB", ""}, Shown)
	s.Add(Key{yesterday, "mhcc", "GB", ""}, Event("nonsense")) // ignored
}

var wantAll = []Row{
	{Day: "2026-11-21", Partner: "mhcc", Region: "GB", Shown: 1},
	{Day: "2026-11-22", Partner: "demo", Region: "CA", Shown: 2},
	{Day: "2026-11-22", Partner: "demo", Region: "CA", Line: "ca-988", Tel: 1, SMS: 1, Chat: 1},
}

func rows(t *testing.T, s Store, q Query) []Row {
	t.Helper()
	rs, err := s.Rows(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func checkQueries(t *testing.T, s Store) {
	t.Helper()
	if got := rows(t, s, Query{}); !reflect.DeepEqual(got, wantAll) {
		t.Errorf("all rows:\n got %+v\nwant %+v", got, wantAll)
	}
	if got := rows(t, s, Query{Partner: "mhcc"}); !reflect.DeepEqual(got, wantAll[:1]) {
		t.Errorf("partner mhcc: %+v", got)
	}
	if got := rows(t, s, Query{Since: "2026-11-22"}); !reflect.DeepEqual(got, wantAll[1:]) {
		t.Errorf("since today: %+v", got)
	}
	if got := rows(t, s, Query{Until: "2026-11-21"}); !reflect.DeepEqual(got, wantAll[:1]) {
		t.Errorf("until yesterday: %+v", got)
	}
}

func TestMemoryFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	s, err := OpenFile(path, Options{Now: clock, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	addAll(s)
	checkQueries(t, s)
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("written before a flush: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// The file holds the rows and nothing else.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Rows []map[string]any `json:"rows"`
	}
	if err := json.Unmarshal(b, &f); err != nil || len(f.Rows) != 3 {
		t.Fatalf("file: %v %s", err, b)
	}
	for _, r := range f.Rows {
		var keys []string
		for k := range r {
			keys = append(keys, k)
		}
		if len(r) != 8 {
			t.Errorf("a persisted row holds %v, want day, partner, region, line and the four counts", keys)
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm()&0o007 != 0 {
		t.Errorf("file mode: %v %v", fi.Mode(), err)
	}

	// Reopened: the counts are back and keep counting.
	s2, err := OpenFile(path, Options{Now: clock, Interval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	checkQueries(t, s2)
	s2.Add(Key{Day(now), "demo", "CA", "ca-988"}, Tel)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(readFile(t, path), `"tel":2`) {
		if time.Now().After(deadline) {
			t.Fatalf("the background flush did not write the new count: %s", readFile(t, path))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return string(b)
}

func TestMemoryRetention(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	s, err := OpenFile(path, Options{Now: clock, Interval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	old := Day(now.AddDate(0, 0, -RetentionDays-1))
	kept := Day(now.AddDate(0, 0, -RetentionDays+1))
	s.Add(Key{old, "demo", "CA", ""}, Shown)
	s.Add(Key{kept, "demo", "CA", ""}, Shown)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := readFile(t, path)
	if strings.Contains(got, old) || !strings.Contains(got, kept) {
		t.Errorf("retention: %s", got)
	}
}

func TestMemoryOnly(t *testing.T) {
	s := NewMemory()
	s.Add(Key{"2026-11-22", "demo", "CA", ""}, Shown)
	if rs := rows(t, s, Query{}); len(rs) != 1 || rs[0].Shown != 1 {
		t.Errorf("rows: %+v", rs)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFileDamaged(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFile(path, Options{}); err == nil {
		t.Error("a damaged counts file must stop startup, not be overwritten")
	}
}

func TestRedis(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	ctx := context.Background()
	s := OpenRedis(rdb, "test:", Options{Now: clock, Interval: time.Hour})
	addAll(s)
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	checkQueries(t, s)

	// What Redis holds: one hash per day, fields of partner|region|line|event, counts as values,
	// expiring after the retention.
	keys, err := rdb.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 {
		t.Errorf("keys %v, want one per day", keys)
	}
	today, err := rdb.HGetAll(ctx, "test:usage:2026-11-22").Result()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"demo|CA||shown": "2", "demo|CA|ca-988|tel": "1", "demo|CA|ca-988|sms": "1", "demo|CA|ca-988|chat": "1"}
	if !reflect.DeepEqual(today, want) {
		t.Errorf("today's hash: %v, want %v", today, want)
	}
	exp, err := rdb.ExpireTime(ctx, "test:usage:2026-11-22").Result()
	wantExp := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC).AddDate(0, 0, RetentionDays+1)
	if err != nil || time.Unix(int64(exp/time.Second), 0).UTC() != wantExp {
		t.Errorf("expiry %v (%v), want %v", exp, err, wantExp)
	}

	// Two edges count into the same hashes.
	other := OpenRedis(rdb, "test:", Options{Now: clock, Interval: time.Hour})
	other.Add(Key{Day(now), "demo", "CA", "ca-988"}, Tel)
	if err := other.Close(); err != nil {
		t.Fatal(err)
	}
	if rs := rows(t, s, Query{Since: "2026-11-22"}); len(rs) != 2 || rs[1].Tel != 2 {
		t.Errorf("after another edge's tap: %+v", rs)
	}

	// Redis away: counts wait in memory, then arrive.
	srv.Stop()
	s.Add(Key{Day(now), "demo", "CA", ""}, Shown)
	if err := s.Flush(ctx); err == nil {
		t.Fatal("flush with Redis stopped succeeded")
	}
	if _, err := s.Rows(ctx, Query{}); err == nil {
		t.Error("rows with Redis stopped: no error")
	}
	srv.Restart()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := s.Flush(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("flush after Redis came back: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Redis restarted without persistence: what was buffered during the outage is all it holds.
	if rs := rows(t, s, Query{}); len(rs) != 1 || rs[0] != (Row{Day: "2026-11-22", Partner: "demo", Region: "CA", Shown: 1}) {
		t.Errorf("after the outage: %+v", rs)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestRedisBackgroundFlush(t *testing.T) {
	srv := redistest.Start(t)
	rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	t.Cleanup(func() { rdb.Close() })
	s := OpenRedis(rdb, "bg:", Options{Interval: 10 * time.Millisecond})
	defer s.Close()
	s.Add(Key{Day(time.Now()), "demo", "CA", ""}, Shown)
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, _ := rdb.HGet(context.Background(), s.DayKey(Day(time.Now())), "demo|CA||shown").Result()
		if v == "1" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the background flush did not reach Redis")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
