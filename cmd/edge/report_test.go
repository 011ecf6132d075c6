package main

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
)

// TestReportAcrossSIGKILL: a line report acknowledged (202) by the edge binary is stored once
// and survives a SIGKILL right after the answer; the restarted edge's operators read it.
func TestReportAcrossSIGKILL(t *testing.T) {
	const token = "report-admin-token-0123456789"
	bin := edgeBinary(t)
	data := t.TempDir()
	env := append(append([]string{}, loadEnv...), "EDGE_ADMIN_TOKEN="+token)
	p := startEdgeProc(t, bin, env, "--data-dir", data)
	body := `{"partner":"demo","page":"/help","region":"CA-QC","locale":"en","line":"qc-appelle","reason":"not_working","comment":"No answer at 2am","website":"","elapsed_ms":5000}`
	req, _ := http.NewRequest("POST", p.base+"v1/reports", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	req.Header.Set("Origin", "http://localhost:8080")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var a struct{ ID string }
	if resp.StatusCode != http.StatusAccepted || json.Unmarshal(b, &a) != nil || a.ID == "" {
		t.Fatalf("report: %d %s", resp.StatusCode, b)
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL) // this test's own child, by its PID
	<-p.exited

	p2 := startEdgeProc(t, bin, env, "--data-dir", data)
	req, _ = http.NewRequest("GET", p2.base+"v1/admin/lines/reports", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	var got struct {
		Lines []struct {
			Line     string
			Total    int
			Comments []struct{ ID, Comment string }
		}
	}
	if resp.StatusCode != 200 || json.Unmarshal(b, &got) != nil || len(got.Lines) != 1 || got.Lines[0].Line != "qc-appelle" ||
		got.Lines[0].Total != 1 || len(got.Lines[0].Comments) != 1 || got.Lines[0].Comments[0].ID != a.ID {
		t.Errorf("after SIGKILL and restart: %d %s", resp.StatusCode, b)
	}
	if err := p2.stop(t, syscall.SIGTERM); err != nil {
		t.Errorf("SIGTERM exit: %v; %s", err, p2.stderr)
	}
}
