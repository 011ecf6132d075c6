package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/signpost/edge/configs"
	"github.com/signpost/edge/contentstore/fsstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
	"github.com/signpost/edge/server/edgetest"
	"github.com/signpost/edge/snippets"
)

const cliToken = "cli-operator-token-0123"

// cliEdge serves the shipped content from a file-backed content store on a loopback port.
func cliEdge(t *testing.T) (string, *server.Server) {
	t.Helper()
	dir := t.TempDir()
	st, err := fsstore.Open(dir, configs.Content, snippets.ValidateContent(time.Now), time.Now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	l, err := snippets.Load(configs.Content, snippets.ValidateOptions{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	e := edgetest.Start(t, edgetest.Options{WallClock: true, Listen: true, Content: l, Config: server.Config{
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ContentStore: st, Operators: []auth.Operator{{Name: "carol", Token: cliToken}}}})
	if err := e.Server.ApplyCurrent(context.Background()); err != nil {
		t.Fatal(err)
	}
	return "http://" + e.Addr, e.Server
}

func TestContentCLI(t *testing.T) {
	base, srv := cliEdge(t)
	env := map[string]string{"EDGE_SERVER": base, "EDGE_ADMIN_TOKEN": cliToken}
	dir := t.TempDir()
	file := filepath.Join(dir, "content.yaml")

	code, out, errOut := runEdge([]string{"content", "pull", file}, env)
	if code != 0 || !strings.Contains(errOut, "pulled version 1") {
		t.Fatalf("pull: %d %q %q", code, out, errOut)
	}
	src, err := os.ReadFile(file)
	if err != nil || string(src) != string(configs.Content) {
		t.Fatalf("pulled file differs from the content (%v)", err)
	}

	edited := strings.Replace(string(src), "you can call or text 988 at any time.", "you can call or text 988, day or night.", 1)
	if err := os.WriteFile(file, []byte(edited), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runEdge([]string{"content", "push", file}, env); code != 2 || !strings.Contains(errOut, "--if-match") {
		t.Errorf("push without --if-match: %d %q", code, errOut)
	}
	code, out, errOut = runEdge([]string{"content", "--if-match", "1", "--note", "day or night", "push", file}, env)
	if code != 0 || !strings.Contains(out, "published version 2 (author carol") {
		t.Fatalf("push: %d %q %q", code, out, errOut)
	}
	if !strings.Contains(srv.Content().Regions["CA"].Message["en"], "day or night") {
		t.Error("the edge does not serve the pushed content")
	}

	// A stale push says who changed what since.
	code, _, errOut = runEdge([]string{"content", "--if-match", "1", "push", file}, env)
	if code != 1 || !strings.Contains(errOut, "content changed since v1: now v2 by carol") {
		t.Errorf("stale push: %d %q", code, errOut)
	}
	// An invalid push lists every error by field, one a line.
	bad := strings.Replace(edited, "      - emh-access-gap\n", "      - no-such-resource\n", 1)
	bad = strings.Replace(bad, "    source: \"https://3114.fr\"\n", "", 1)
	if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = runEdge([]string{"content", "--if-match", "2", "push", file}, env)
	if code != 1 || !strings.Contains(errOut, "\n  partners.mhcc.featured[4]: unknown resource \"no-such-resource\"") ||
		!strings.Contains(errOut, "\n  lines.fr-3114.source: required") {
		t.Errorf("invalid push: %d %q", code, errOut)
	}

	code, out, errOut = runEdge([]string{"content", "--expires", "2h", "--en", "The Québec line is down: call 988.", "--fr", "La ligne est en panne : appelez le 988.",
		"--regions", "CA-QC", "--id", "storm", "notice", "set"}, env)
	if code != 0 || !strings.Contains(out, "published version 3") {
		t.Fatalf("notice set: %d %q %q", code, out, errOut)
	}
	if n := srv.Content().Notices; len(n) != 1 || n[0].ID != "storm" || n[0].Regions[0] != "CA-QC" {
		t.Errorf("notice stored: %+v", n)
	}
	if code, _, errOut := runEdge([]string{"content", "--en", "x", "notice", "set"}, env); code != 2 || !strings.Contains(errOut, "--expires") {
		t.Errorf("notice without expiry: %d %q", code, errOut)
	}
	if code, out, _ := runEdge([]string{"content", "--id", "storm", "notice", "withdraw"}, env); code != 0 || !strings.Contains(out, "published version 4") {
		t.Errorf("notice withdraw: %d %q", code, out)
	}

	code, out, _ = runEdge([]string{"content", "--note", "back to the shipped text", "rollback", "v1"}, env)
	if code != 0 || !strings.Contains(out, "published version 5") {
		t.Fatalf("rollback: %d %q", code, out)
	}
	if !strings.Contains(srv.Content().Regions["CA"].Message["en"], "at any time") {
		t.Error("rollback not served")
	}
	code, out, _ = runEdge([]string{"content", "history"}, env)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 5 || !strings.HasPrefix(lines[0], "v5 ") || !strings.Contains(lines[0], "back to the shipped text") ||
		!strings.HasPrefix(lines[4], "v1 ") || !strings.Contains(lines[4], "seed") {
		t.Errorf("history: %d\n%s", code, out)
	}

	if code, _, errOut := runEdge([]string{"content", "history"}, map[string]string{"EDGE_SERVER": base}); code != 2 || !strings.Contains(errOut, "EDGE_ADMIN_TOKEN") {
		t.Errorf("no token: %d %q", code, errOut)
	}
	if code, _, errOut := runEdge([]string{"content", "history"}, map[string]string{"EDGE_SERVER": base, "EDGE_ADMIN_TOKEN": "wrong-token-0123456789"}); code != 1 || !strings.Contains(errOut, "HTTP 403") {
		t.Errorf("wrong token: %d %q", code, errOut)
	}
	if code, _, _ := runEdge([]string{"content", "rollback", "seven"}, env); code != 2 {
		t.Errorf("malformed version: %d", code)
	}
}

func TestRedisURLForms(t *testing.T) {
	for _, tc := range []struct {
		url, master string
		kind        string
		addrs       []string
	}{
		{"redis://127.0.0.1:6390/0", "", "single", []string{"127.0.0.1:6390"}},
		{"redis://:secret@10.0.0.1:7000,10.0.0.2:7000,10.0.0.3:7000", "", "cluster", []string{"10.0.0.1:7000", "10.0.0.2:7000", "10.0.0.3:7000"}},
		{"redis://n1:7000?addr=n2:7000&addr=n3:7000", "", "cluster", []string{"n1:7000", "n2:7000", "n3:7000"}},
		{"redis://s1:26379,s2:26379", "mymaster", "sentinel", nil},
	} {
		c, err := newRedisClient(tc.url, tc.master)
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		switch cl := c.(type) {
		case *redis.ClusterClient:
			if tc.kind != "cluster" || strings.Join(cl.Options().Addrs, ",") != strings.Join(tc.addrs, ",") {
				t.Errorf("%s: cluster %v, want %s %v", tc.url, cl.Options().Addrs, tc.kind, tc.addrs)
			}
			if tc.url[:10] == "redis://:s" && cl.Options().Password != "secret" {
				t.Errorf("%s: password not carried", tc.url)
			}
		case *redis.Client:
			if tc.kind == "single" && cl.Options().Addr != tc.addrs[0] {
				t.Errorf("%s: addr %s", tc.url, cl.Options().Addr)
			}
			if tc.kind == "cluster" {
				t.Errorf("%s: a single client, want a cluster", tc.url)
			}
		}
		c.Close()
	}
	if _, err := newRedisClient("redis://h1:1,redis://%zz:1", ""); err == nil {
		t.Error("a malformed list item was accepted")
	}
}

// TestLineCLI: `edge content line status` switches a crisis line to degraded (with what visitors
// read beside it and when it ends) and back, and `edge content line checked` records a check,
// each a version published through the admin API; wrong arguments are usage errors (exit 2)
// and send nothing.
func TestLineCLI(t *testing.T) {
	base, _ := cliEdge(t)
	env := map[string]string{"EDGE_SERVER": base, "EDGE_ADMIN_TOKEN": cliToken}
	pulled := func() string {
		t.Helper()
		code, out, errOut := runEdge([]string{"content", "pull"}, env)
		if code != 0 {
			t.Fatalf("pull: %d %s", code, errOut)
		}
		return out
	}
	for _, tc := range []struct {
		args []string
		code int
		out  string // in stdout (exit 0) or stderr
	}{
		{[]string{"--en", "Calls are failing. Text 988 instead.", "--fr", "Les appels échouent. Textez le 988.", "--until", "2h", "line", "status", "ca-988", "degraded"}, 0, "published version 2"},
		{[]string{"line", "status", "ca-988", "degraded"}, exitUsage, "degraded needs --en"},
		{[]string{"line", "status", "ca-988", "broken"}, exitUsage, `"broken": want active, degraded or retired`},
		{[]string{"--en", "x", "--until", "soon", "line", "status", "ca-988", "degraded"}, exitUsage, "soon"},
		{[]string{"line", "checked", "ca-988"}, exitUsage, "--how"},
		{[]string{"--how", "official_page", "line", "checked", "ca-988"}, 0, "published version 3"},
		{[]string{"--how", "official_page", "line", "checked", "no-such-line"}, 1, "404"},
		{[]string{"line", "status", "ca-988", "active"}, 0, "published version 4"},
	} {
		code, out, errOut := runEdge(append([]string{"content"}, tc.args...), env)
		if code != tc.code || !strings.Contains(out+errOut, tc.out) {
			t.Errorf("%v: exit %d %q %q, want %d and %q", tc.args, code, out, errOut, tc.code, tc.out)
		}
		if tc.code == 0 && strings.Contains(tc.args[len(tc.args)-1], "degraded") {
			if y := pulled(); !strings.Contains(y, "status: degraded") || !strings.Contains(y, "Calls are failing. Text 988 instead.") {
				t.Errorf("after degraded, the content has no status:\n%s", y)
			}
		}
	}
	y := pulled()
	if strings.Contains(y, "status: degraded") {
		t.Error("the line is still degraded after `line status ca-988 active`")
	}
	today := time.Now().UTC().Format("2006-01-02")
	if !strings.Contains(y, `verified_on: "`+today+`"`) && !strings.Contains(y, "verified_on: "+today) {
		t.Errorf("no line was checked today (%s) in the content", today)
	}
}
