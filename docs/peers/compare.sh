#!/usr/bin/env bash
# `offload serve` against its Node peer (docs/peers/node-serve.js), one after the other in the same
# run, with wrk as in issue 12: -t1 -c16, POST /jobs/fib with {"n": 15} then {"n": 27}; then
# GET /health while another wrk saturates /jobs/fib; then 50 slow clients (slow-clients.py).
# Each server is measured cold first (the first wrk once its /health says ok: for offload serve, after
# its --warmup), then again once warm, then fib 15 once more after STEADY_SECONDS (default 30) more
# of fib 15.
# Needs wrk, node, python3 and service/target/offload.jar.
#
#   docs/peers/compare.sh [seconds per run] [connections]        (defaults: 8, 16)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
seconds="${1:-8}"
connections="${2:-16}"
steady="${STEADY_SECONDS:-30}" # then fib 15 again after this much more load (a JVM's JIT takes 25-40 s to settle here); 0: skip
node_port="${NODE_PORT:-18090}"
offload_port="${OFFLOAD_PORT:-18091}"
pid=""

stop() {
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap stop EXIT

await_health() {
  for _ in $(seq 1 300); do # 60 s: offload serve says ok once its --warmup (10 s) is done
    curl -sf "http://127.0.0.1:$1/health" >/dev/null && return 0
    sleep 0.2
  done
  echo "no answer from port $1" >&2
  exit 1
}

jobs() { # n url [wrk options...]
  local n="$1" url="$2"
  shift 2
  FIB_N="$n" wrk -t1 -c"$connections" -d"${seconds}s" --latency "$@" -s "$here/post-fib.lua" "$url/jobs/fib"
}

measure() { # name url
  local name="$1" url="$2"
  echo "=== $name: cold, the first wrk after start: -t1 -c$connections -d${seconds}s POST /jobs/fib {\"n\": 15}"
  jobs 15 "$url"
  echo "=== $name: warm-up (fib 27, 3 s)"
  FIB_N=27 wrk -t1 -c"$connections" -d3s -s "$here/post-fib.lua" "$url/jobs/fib" >/dev/null
  for n in 15 27; do
    echo "=== $name: wrk -t1 -c$connections -d${seconds}s POST /jobs/fib {\"n\": $n} (load $(cut -d' ' -f1 /proc/loadavg))"
    jobs "$n" "$url"
  done
  if [ "$steady" -gt 0 ]; then
    FIB_N=15 wrk -t1 -c"$connections" -d"${steady}s" -s "$here/post-fib.lua" "$url/jobs/fib" >/dev/null
    echo "=== $name: steady, after ${steady} s more of fib 15: wrk -t1 -c$connections -d${seconds}s POST /jobs/fib {\"n\": 15} (load $(cut -d' ' -f1 /proc/loadavg))"
    jobs 15 "$url"
  fi
  echo "=== $name: GET /health (wrk -t1 -c1) while wrk -c$connections saturates POST /jobs/fib {\"n\": 15}"
  jobs 15 "$url" > /tmp/offload-compare-load.txt &
  local load=$!
  sleep 1
  wrk -t1 -c1 -d"$((seconds - 2))s" --latency "$url/health"
  wait "$load"
  grep -E "Requests/sec|Non-2xx" /tmp/offload-compare-load.txt | sed 's/^/  (load) /'
  echo "=== $name: 50 slow clients"
  python3 "$here/slow-clients.py" "$url" 50
}

cd "$repo"
echo "machine: $(nproc) cores, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg); $(node --version); $(java -version 2>&1 | head -1)"

node "$here/node-serve.js" "$node_port" 2 &
pid=$!
await_health "$node_port"
measure node "http://127.0.0.1:$node_port"
stop

bin/offload serve --port "$offload_port" ${OFFLOAD_SERVE_ARGS:-} &
pid=$!
await_health "$offload_port"
measure offload "http://127.0.0.1:$offload_port"
curl -s "http://127.0.0.1:$offload_port/stats"
echo
stop
