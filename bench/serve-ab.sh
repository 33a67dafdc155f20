#!/usr/bin/env bash
# A/B of `offload serve` on small jobs with extra environment settings, one setting per call:
#   bench/serve-ab.sh "OFFLOAD_WORKERS_NICE=0" nice0        (label: where the server's log goes)
# 3 s of fib 27 and 4 s of fib 15 to warm up, then 8 s of wrk -t1 -c16 --latency with {"n": 15}.
# Needs wrk and service/target/offload.jar (mvn -B -q package -DskipTests -pl service -am).
set -euo pipefail
repo="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
[ $# -eq 2 ] || { echo "usage: bench/serve-ab.sh \"VAR=value ...\" label" >&2; exit 2; }
port=${PORT:-18099}
log="${TMPDIR:-/tmp}/serve-ab-$2.log"
env $1 "$repo/bin/offload" serve --port "$port" > "$log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" > /dev/null && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/health" > /dev/null || { echo "serve did not start; see $log" >&2; exit 1; }
lua="$repo/docs/peers/post-fib.lua"
FIB_N=27 wrk -t1 -c16 -d3s -s "$lua" "http://127.0.0.1:$port/jobs/fib" > /dev/null
FIB_N=15 wrk -t1 -c16 -d4s -s "$lua" "http://127.0.0.1:$port/jobs/fib" > /dev/null
echo "== $2 ($1) load $(cut -d' ' -f1 /proc/loadavg)"
FIB_N=15 wrk -t1 -c16 -d8s --latency -s "$lua" "http://127.0.0.1:$port/jobs/fib" | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
