package edgetest

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/signpost/edge/auditlog"
	"github.com/signpost/edge/contentstore"
	"github.com/signpost/edge/server"
	"github.com/signpost/edge/server/auth"
)

// Tokens of the console API's operators (ConsoleOperators): alice (AliceToken) has every
// scope, nora only notices, fran only feedback.
const (
	NoticeToken   = "nora-notice-token-0123456789"
	FeedbackToken = "fran-feedback-token-01234567"
)

// ConsoleOperators are operators of several scopes: alice (AliceToken, every scope), nora
// (NoticeToken, notices) and fran (FeedbackToken, reading feedback).
func ConsoleOperators() []auth.Operator {
	return []auth.Operator{{Name: "alice", Token: AliceToken},
		{Name: "nora", Token: NoticeToken, Scopes: []string{auth.ScopeNotice}},
		{Name: "fran", Token: FeedbackToken, Scopes: []string{auth.ScopeFeedbackRead}}}
}

// DiffRow is a diff row as the admin API sends it.
type DiffRow struct {
	Op        string `json:"op"`
	Left      string `json:"left"`
	Right     string `json:"right"`
	LeftLine  int    `json:"left_line"`
	RightLine int    `json:"right_line"`
	Count     int    `json:"count"`
}

// DryRun is the answer to a content edit's ?dry_run=1.
type DryRun struct {
	BaseVersion int64 `json:"base_version"`
	Diff        struct {
		Rows []DiffRow `json:"rows"`
	} `json:"diff"`
	Preview string `json:"preview"`
}

// PreviewID is the shape of a draft preview's id.
var PreviewID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Changes returns the diff's rows other than same and skip, as "op:left|right" (trimmed).
func Changes(rows []DiffRow) []string {
	var out []string
	for _, r := range rows {
		if r.Op != "same" && r.Op != "skip" {
			out = append(out, r.Op+":"+strings.TrimSpace(r.Left)+"|"+strings.TrimSpace(r.Right))
		}
	}
	return out
}

// DryRun sends a content edit that must answer 200 with a dry run and a preview id.
func (e *Edge) DryRun(t testing.TB, method, uri string, body []byte, headers ...string) DryRun {
	t.Helper()
	r := e.Do(t, method, uri, body, headers...)
	var d DryRun
	if r.StatusCode() != 200 {
		t.Fatalf("%s %s: %d %s", method, uri, r.StatusCode(), r.Body())
	}
	if err := json.Unmarshal(r.Body(), &d); err != nil || !PreviewID.MatchString(d.Preview) {
		t.Fatalf("%s %s: %v %s", method, uri, err, r.Body())
	}
	return d
}

// Current is the content store's current version: its source and number.
func Current(t testing.TB, st contentstore.Store) ([]byte, int64) {
	t.Helper()
	src, v, err := st.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return src, v.Number
}

// Audited counts the audit log's entries.
func Audited(t testing.TB, l auditlog.Log) int {
	t.Helper()
	es, err := l.List(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(es)
}

// StartConsole starts an edge as the console API tests use it: a real file content store and
// feedback log, operators of several scopes (ConsoleOperators), and a clock the test moves.
func StartConsole(t testing.TB) *Edge {
	t.Helper()
	return Start(t, Options{FileContent: true, Store: true, Config: server.Config{Operators: ConsoleOperators()}})
}
