#!/usr/bin/env bash
# The DESIGN.md performance targets, measured on this machine over loopback:
#  - widget.js and a snippet: requests/s and p99 at 64 connections, the edge against nginx
#    serving the same bytes from disk with gzip_static, and against a bare fasthttp handler
#    serving them from memory (scripts/bare: the ceiling); every server pinned to core 0, wrk
#    to core 1; edge and bare measured in alternating rounds of ROUND_DUR each (short, so that
#    the two of a round see the same machine), the ratio their median; and the method's own
#    resolution: two identical bare servers measured the same way (the A/A control);
#  - 10,000 idle keep-alive connections held by the edge: its resident memory.
# Installs nginx and wrk from Debian when missing. Every process it starts it stops by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
DUR=${DUR:-10s}
ROUND_DUR=${ROUND_DUR:-1s}
ROUNDS=${ROUNDS:-21}
CONNS=${CONNS:-64}
IDLE=${IDLE:-10000}

need() { command -v "$1" >/dev/null || { echo "installing $2"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null; }; }
need nginx nginx-light
need wrk wrk

tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

go build -o "$tmp/edge" ./cmd/edge
go build -o "$tmp/bare" ./scripts/bare
server_cpu=${SERVER_CPU:-0}
client_cpu=${CLIENT_CPU:-1}
eport=$(free_port)
taskset -c "$server_cpu" "$tmp/edge" serve --addr "127.0.0.1:$eport" --data-dir "$tmp/data" --log-level error >"$tmp/edge.out" 2>&1 &
pids+=($!)
epid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$eport/healthz" >/dev/null && break; sleep 0.1; done

# The same bytes for nginx, precompressed as gzip_static expects.
mkdir -p "$tmp/www/v1/snippets"
curl -sf "http://127.0.0.1:$eport/v1/widget.js" -o "$tmp/www/v1/widget.js"
curl -sf "http://127.0.0.1:$eport/v1/snippets/demo/banner?region=CA" -o "$tmp/www/v1/snippets/banner.json"
gzip -9 -k "$tmp/www/v1/widget.js" "$tmp/www/v1/snippets/banner.json"
# The bare ceilings answer with the edge's own response: its gzip bytes and its headers.
curl -sf -H 'Accept-Encoding: gzip' -D "$tmp/widget.h" "http://127.0.0.1:$eport/v1/widget.js" -o "$tmp/widget.js.gz"
curl -sf -H 'Accept-Encoding: gzip' -D "$tmp/banner.h" "http://127.0.0.1:$eport/v1/snippets/demo/banner?region=CA" -o "$tmp/banner.json.gz"
bport=$(free_port)
taskset -c "$server_cpu" "$tmp/bare" -addr "127.0.0.1:$bport" -body "$tmp/widget.js.gz" -headers "$tmp/widget.h" &
pids+=($!)
sport=$(free_port)
taskset -c "$server_cpu" "$tmp/bare" -addr "127.0.0.1:$sport" -body "$tmp/banner.json.gz" -headers "$tmp/banner.h" &
pids+=($!)
# The same two with the edge's server options (ReduceMemoryUsage and the timeouts): the ceiling
# for the edge's own code, routing and middleware, with the server's configuration held equal.
boport=$(free_port)
taskset -c "$server_cpu" "$tmp/bare" -edge-options -addr "127.0.0.1:$boport" -body "$tmp/widget.js.gz" -headers "$tmp/widget.h" &
pids+=($!)
soport=$(free_port)
taskset -c "$server_cpu" "$tmp/bare" -edge-options -addr "127.0.0.1:$soport" -body "$tmp/banner.json.gz" -headers "$tmp/banner.h" &
pids+=($!)
# A second, identical bare server: measured against the first as the edge is, the A/A control.
aport=$(free_port)
taskset -c "$server_cpu" "$tmp/bare" -edge-options -addr "127.0.0.1:$aport" -body "$tmp/widget.js.gz" -headers "$tmp/widget.h" &
pids+=($!)

nport=$(free_port)
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<CONF
worker_processes 1;
pid $tmp/nginx/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  keepalive_requests 1000000;
  types { application/javascript js; application/json json; }
  server {
    listen 127.0.0.1:$nport;
    root $tmp/www;
    gzip_static on;
    etag on;
    add_header Cache-Control "public, max-age=300";
  }
}
CONF
taskset -c "$server_cpu" nginx -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nport/v1/widget.js" >/dev/null && break; sleep 0.1; done

for p in $bport $sport $boport $soport $aport; do for _ in $(seq 50); do curl -sf "http://127.0.0.1:$p/" >/dev/null && break; sleep 0.1; done; done

rps() { # url -> requests/s over ROUND_DUR
  taskset -c "$client_cpu" wrk -t1 -c"$CONNS" -d"$ROUND_DUR" -H 'Accept-Encoding: gzip' "$1" | awk '/Requests\/sec/ {print $2}'
}
run() { # name url
  local out
  out=$(taskset -c "$client_cpu" wrk -t1 -c"$CONNS" -d"$DUR" --latency -H 'Accept-Encoding: gzip' "$2")
  printf '%-38s %12s req/s   p99 %s\n' "$1" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="99%" {print $2}' <<<"$out")"
}
# rounds name edge-url bare-options-url bare-url: ROUNDS rounds, the order rotating each round;
# prints each server's median and the medians of the per-round ratios edge / bare with the edge's
# options (the edge's code) and edge / bare with fasthttp's defaults (code and configuration).
rounds() {
  local es="" os="" bs="" e o b
  for i in $(seq "$ROUNDS"); do
    case $((i % 3)) in
      1) e=$(rps "$2"); o=$(rps "$3"); b=$(rps "$4") ;;
      2) o=$(rps "$3"); b=$(rps "$4"); e=$(rps "$2") ;;
      0) b=$(rps "$4"); e=$(rps "$2"); o=$(rps "$3") ;;
    esac
    es="$es $e"; os="$os $o"; bs="$bs $b"
  done
  python3 -c '
import statistics, sys
name = sys.argv[1]
es, os_, bs = (list(map(float, a.split())) for a in sys.argv[2:5])
ro = [e / o for e, o in zip(es, os_)]
rb = [e / b for e, b in zip(es, bs)]
m = statistics.median
print(f"{name}: edge {m(es):.0f} req/s, bare with the edge options {m(os_):.0f}, bare with defaults {m(bs):.0f}")
print(f"  edge / bare (edge options): median {m(ro):.3f} (" + ", ".join(f"{r:.3f}" for r in ro) + ")")
print(f"  edge / bare (defaults):     median {m(rb):.3f} (" + ", ".join(f"{r:.3f}" for r in rb) + ")")
' "$1" "$es" "$os" "$bs"
}
echo "wrk -t1 -c$CONNS -d$DUR (rounds: $ROUNDS of $ROUND_DUR), Accept-Encoding: gzip, loopback; servers on CPU $server_cpu, wrk on CPU $client_cpu"
run "edge  /v1/widget.js" "http://127.0.0.1:$eport/v1/widget.js"
run "bare  /v1/widget.js (fasthttp, memory)" "http://127.0.0.1:$bport/v1/widget.js"
run "bare  /v1/widget.js (edge options)" "http://127.0.0.1:$boport/v1/widget.js"
run "nginx /v1/widget.js (gzip_static)" "http://127.0.0.1:$nport/v1/widget.js"
run "edge  snippet (banner, CA)" "http://127.0.0.1:$eport/v1/snippets/demo/banner?region=CA"
run "bare  snippet (fasthttp, memory)" "http://127.0.0.1:$sport/"
run "bare  snippet (edge options)" "http://127.0.0.1:$soport/"
run "nginx snippet (gzip_static)" "http://127.0.0.1:$nport/v1/snippets/banner.json"
rounds "widget.js" "http://127.0.0.1:$eport/v1/widget.js" "http://127.0.0.1:$boport/v1/widget.js" "http://127.0.0.1:$bport/v1/widget.js"
rounds "snippet" "http://127.0.0.1:$eport/v1/snippets/demo/banner?region=CA" "http://127.0.0.1:$soport/" "http://127.0.0.1:$sport/"
# The A/A control: two identical bare servers in the same alternating pairs. Its distance from
# 1.000 is what this machine's noise (and each process's luck of memory placement) puts on a ratio.
as="" bs2=""
for i in $(seq "$ROUNDS"); do
  if ((i % 2)); then a=$(rps "http://127.0.0.1:$aport/"); b=$(rps "http://127.0.0.1:$boport/")
  else b=$(rps "http://127.0.0.1:$boport/"); a=$(rps "http://127.0.0.1:$aport/"); fi
  as="$as $a"; bs2="$bs2 $b"
done
python3 -c '
import statistics, sys
r = [a / b for a, b in zip(map(float, sys.argv[1].split()), map(float, sys.argv[2].split()))]
print(f"A/A control, bare / identical bare: median {statistics.median(r):.3f} (" + ", ".join(f"{x:.3f}" for x in r) + ")")
' "$as" "$bs2"

# Idle keep-alive connections: each sends one request, reads the answer, then stays open.
ulimit -n $((IDLE + 1024))
rss() { awk '/VmRSS/ {print $2}' "/proc/$epid/status"; }
before=$(rss)
python3 - "$eport" "$IDLE" "$epid" "$before" <<'PY'
import socket, sys, time
port, n, pid, before = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
req = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(req)
    socks.append(s)
for s in socks:
    s.settimeout(10)
    data = b""
    while b"\r\n\r\n" not in data:
        data += s.recv(4096)
time.sleep(1)
rss = int([l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")][0].split()[1])
print(f"{n} idle keep-alive connections: edge RSS {rss/1024:.1f} MiB (before {before/1024:.1f} MiB, +{(rss-before)/1024:.1f} MiB)")
for s in socks:
    s.close()
PY
