// Package redistest runs a real redis-server for tests: on a free 127.0.0.1 port, in a temporary
// directory, with persistence off (unless asked), stopped by its own PID at cleanup. Tests stop
// and restart it to see what the edge does while Redis is away. StartCluster runs several as a
// Redis Cluster, to check that multi-key scripts keep to one slot. It never touches a Redis
// already running on the machine (6379 or any other port).
package redistest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Server is one redis-server process and the port it keeps across restarts.
type Server struct {
	t    testing.TB
	bin  string
	dir  string
	port int
	cmd  *exec.Cmd
	done chan struct{}
	opts Options
	// busPort is the cluster bus port of a cluster node (0 otherwise), kept across restarts.
	busPort int
}

// Options change how StartWith runs redis-server.
type Options struct {
	// Persist keeps the data across Stop and Restart (append-only file, fsync always): a Redis
	// that restarts with its data, as a production one with persistence does.
	Persist bool
	// Args are extra redis-server arguments.
	Args []string

	cluster bool
}

// Binary finds redis-server on PATH or at /usr/bin/redis-server.
func Binary() (string, bool) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, true
	}
	if _, err := os.Stat("/usr/bin/redis-server"); err == nil {
		return "/usr/bin/redis-server", true
	}
	return "", false
}

// Start starts a redis-server and stops it when the test ends. Without redis-server the test
// fails under CI (a missing dependency must not pass silently) and is skipped elsewhere.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with options.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	bin, ok := Binary()
	if !ok {
		missing(t, "redis-server is not installed: run `make test`, which installs it (apt-get install redis-server)")
	}
	s := &Server{t: t, bin: bin, dir: t.TempDir(), opts: opts}
	var err error
	for range 5 {
		if s.port, err = freePort(); err != nil {
			continue
		}
		if opts.cluster {
			if s.busPort, err = freePort(); err != nil || s.busPort == s.port {
				continue
			}
		}
		if err = s.start(); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// missing fails the test under CI (a missing dependency must not pass silently) and skips it
// elsewhere.
func missing(t testing.TB, msg string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	if port == 6379 {
		return 0, fmt.Errorf("got the default Redis port; not using it")
	}
	return port, nil
}

func (s *Server) start() error {
	args := []string{"--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--dir", s.dir, "--daemonize", "no", "--logfile", ""}
	if s.opts.Persist {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	}
	if s.opts.cluster {
		args = append(args, "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "5000", "--cluster-port", strconv.Itoa(s.busPort))
	}
	cmd := exec.Command(s.bin, append(args, s.opts.Args...)...)
	cmd.Dir = s.dir
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	var logs strings.Builder
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if logs.Len() < 8<<10 {
				logs.WriteString(sc.Text() + "\n")
			}
		}
		cmd.Wait()
		close(done)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if s.ping() {
			s.cmd, s.done = cmd, done
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("redis-server exited at start on port %d", s.port)
		case <-time.After(20 * time.Millisecond):
		}
	}
	_ = cmd.Process.Kill()
	<-done
	return fmt.Errorf("redis-server did not answer PING on port %d within 10 s", s.port)
}

// ping sends PING over a raw connection.
func (s *Server) ping() bool {
	c, err := net.DialTimeout("tcp", s.Addr(), 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(time.Second))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && strings.HasPrefix(line, "+PONG")
}

// Addr is "127.0.0.1:port".
func (s *Server) Addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

// URL is the redis:// URL of database 0.
func (s *Server) URL() string { return "redis://" + s.Addr() + "/0" }

// Stop stops the server by its PID (SIGTERM, then SIGKILL after 5 s) and waits for it. Data
// is gone unless started with Persist. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Restart starts the server again on the same port (empty unless started with Persist).
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	var err error
	for range 50 { // the port can take a moment to be free again
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("redistest: restart: %v", err)
}

// CLIBinary finds redis-cli (Debian package redis-tools, a dependency of redis-server).
func CLIBinary() (string, bool) {
	if p, err := exec.LookPath("redis-cli"); err == nil {
		return p, true
	}
	if _, err := os.Stat("/usr/bin/redis-cli"); err == nil {
		return "/usr/bin/redis-cli", true
	}
	return "", false
}

// Cluster is a Redis Cluster of masters without replicas, each node a Server.
type Cluster struct {
	Nodes []*Server
}

// StartCluster starts n redis-server nodes (n >= 3) with cluster mode on and joins them with
// `redis-cli --cluster create`, the slots split evenly; it returns once every node reports
// the cluster ok. The nodes stop when the test ends.
func StartCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	if n < 3 {
		t.Fatalf("redistest: a Redis Cluster needs at least 3 masters, not %d", n)
	}
	cli, ok := CLIBinary()
	if !ok {
		missing(t, "redis-cli is not installed: run `make test`, which installs it (apt-get install redis-tools)")
	}
	c := &Cluster{}
	for range n {
		c.Nodes = append(c.Nodes, StartWith(t, Options{cluster: true}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, s := range c.Nodes {
		for {
			out, err := exec.CommandContext(ctx, cli, "-h", "127.0.0.1", "-p", strconv.Itoa(s.port), "cluster", "info").Output()
			info := infoFields(string(out))
			if err == nil && info["cluster_state"] == "ok" && info["cluster_known_nodes"] == strconv.Itoa(n) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("redistest: cluster node %s not ok within a minute: %v\n%s", s.Addr(), err, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return c
}

// infoFields parses "key:value" lines of an INFO-style reply.
func infoFields(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), ":"); ok {
			m[k] = v
		}
	}
	return m
}

// Addrs are the nodes' "127.0.0.1:port" addresses, for redis.ClusterOptions.Addrs.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, s := range c.Nodes {
		addrs[i] = s.Addr()
	}
	return addrs
}

// Stop stops every node.
func (c *Cluster) Stop() {
	for _, s := range c.Nodes {
		s.Stop()
	}
}
