package console_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/internal/redistest"
	"github.com/signpost/edge/server"
)

// TestPreviewAcrossEdges: in Redis mode a draft preview made through one edge is served by every
// edge sharing the Redis (the console and its preview frame may reach different edges behind a
// load balancer), for 15 minutes, and nothing of it is published.
func TestPreviewAcrossEdges(t *testing.T) {
	rs := redistest.Start(t)
	e1 := startConsoleEdge(t, server.Config{}, consoleRedisStore(t, rs))
	e2 := startConsoleEdge(t, server.Config{}, consoleRedisStore(t, rs))
	get := func(e *consoleEdge, path string) (int, string) {
		t.Helper()
		resp, err := http.Get(e.URL + path)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	previewID := func(status int, body []byte) string {
		t.Helper()
		var p struct{ Preview string }
		if err := json.Unmarshal(body, &p); err != nil || status != 200 || len(p.Preview) != 32 {
			t.Fatalf("preview: %d %s", status, body)
		}
		return p.Preview
	}

	// A whole draft, posted to edge 1.
	draft := bytes.Replace(configs.Content, []byte("you can call or text 988 at any time."), []byte("you can call or text 988, day or night."), 1)
	if bytes.Equal(draft, configs.Content) {
		t.Fatal("the shipped CA message changed: update this test")
	}
	code, body, _ := e1.api(t, "ana", "POST", "/v1/admin/preview", draft, "Content-Type", "application/yaml")
	id := previewID(code, body)
	for _, e := range []*consoleEdge{e2, e1, e2} {
		if code, body := get(e, "/v1/preview/"+id+"/snippets/demo/banner?locale=en&region=CA"); code != 200 || !strings.Contains(body, "day or night") {
			t.Errorf("%s: the draft's banner: %d %s", e.URL, code, body)
		}
		if code, body := get(e, "/v1/preview/"+id+"/widget.js"); code != 200 || !strings.Contains(body, "/v1/preview/"+id) {
			t.Errorf("%s: the draft's widget: %d (%d bytes)", e.URL, code, len(body))
		}
		if code, body := get(e, "/admin/preview/"+id+"?partner=demo&locale=en&region=CA"); code != 200 || !strings.Contains(body, `data-partner="demo"`) {
			t.Errorf("%s: the preview page: %d", e.URL, code)
		}
	}
	if _, body := get(e2, "/v1/snippets/demo/banner?locale=en&region=CA"); strings.Contains(body, "day or night") {
		t.Error("the draft reached the published banner")
	}

	// A dry run of a notice through edge 2, previewed on edge 1.
	notice := map[string]any{"message": map[string]string{"en": "Shared preview notice.", "fr": "Avis d'aperçu partagé."},
		"expires_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}
	code, body, _ = e2.api(t, "ana", "PUT", "/v1/admin/notice?dry_run=1", notice, "Content-Type", "application/json")
	dry := previewID(code, body)
	if code, body := get(e1, "/v1/preview/"+dry+"/snippets/demo/banner?locale=en&region=CA"); code != 200 || !strings.Contains(body, "Shared preview notice.") {
		t.Errorf("the dry run's banner on the other edge: %d %s", code, body)
	}

	// Kept in Redis for the preview's 15 minutes, then gone by itself.
	rdb := redis.NewClient(&redis.Options{Addr: rs.Addr()})
	defer rdb.Close()
	keys, err := rdb.Keys(context.Background(), "signpost:{content}:draft:*").Result()
	if err != nil || len(keys) != 2 {
		t.Fatalf("draft keys %v %v, want 2", keys, err)
	}
	for _, k := range keys {
		if ttl := rdb.PTTL(context.Background(), k).Val(); ttl <= 14*time.Minute || ttl > 15*time.Minute {
			t.Errorf("%s expires in %v, want 15 minutes", k, ttl)
		}
	}
	// What expired in Redis is gone from an edge that never saw it.
	e3 := startConsoleEdge(t, server.Config{}, consoleRedisStore(t, rs))
	if err := rdb.Del(context.Background(), "signpost:{content}:draft:"+id).Err(); err != nil {
		t.Fatal(err)
	}
	if code, _ := get(e3, "/v1/preview/"+id+"/snippets/demo/banner"); code != 404 {
		t.Errorf("a draft Redis no longer holds, on a third edge: %d, want 404", code)
	}
	if code, _ := get(e3, "/v1/preview/0123456789abcdef0123456789abcdef/widget.js"); code != 404 {
		t.Errorf("an unknown preview: %d, want 404", code)
	}
	if v, _ := e1.content(t); v != 1 {
		t.Errorf("previews published: v%d", v)
	}
}
