#!/usr/bin/env bash
# user-figures.sh: the figures a new user of Offload would measure, with the public API and the
# default config, shm and pipe in one run, and the Node and Python peers right after their Java case.
#
#   mvn -B -q package -DskipTests      # first: this script builds nothing
#   bench/user-figures.sh              # all seven figures, full length (about 9 minutes)
#   bench/user-figures.sh --quick 1 3  # figures 1 and 3 only, short runs
#
# Figure 0, the machine's own noise (how often a spinning thread loses its core), runs first every
# time: the latency tails of figures 1, 2 and 5 cannot be below it, and on a shared VM it moves
# by 3x within an hour.
#
# Each Java program runs as `java <chronicle.jvm.flags> -cp <examples class path> <main>`: the flags
# are read from the root pom.xml, nothing else is passed (set OFFLOAD_* or JAVA_HOME yourself if you
# mean to). The class path is examples/target/classpath.txt, written by `mvn package`. Every program
# prints rows of one Markdown table; the summary at the end gathers them. Logs (with the pools'
# stderr) go to a temporary directory, named at the end.
set -euo pipefail

repo="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
quick=false
figures=()
for arg in "$@"; do
  case "$arg" in
    --quick) quick=true ;;
    [0-7]) figures+=("$arg") ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "user-figures.sh: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done
[ ${#figures[@]} -gt 0 ] || figures=(1 2 3 4 5 6 7)
[ "${figures[0]}" = 0 ] || figures=(0 "${figures[@]}")

jar=$(ls "$repo"/examples/target/examples-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n 1 || true)
classpath_file="$repo/examples/target/classpath.txt"
if [ -z "$jar" ] || [ ! -f "$classpath_file" ]; then
  echo "user-figures.sh: examples/target is not built; first run, in $repo: mvn -B -q package -DskipTests" >&2
  exit 1
fi
classpath="$jar:$(cat "$classpath_file")"

# The one list of Chronicle's module flags, as the root pom spells it (property chronicle.jvm.flags).
flags_text=$(sed -n 's:.*<chronicle\.jvm\.flags>\(.*\)</chronicle\.jvm\.flags>.*:\1:p' "$repo/pom.xml")
if [ -z "$flags_text" ]; then
  echo "user-figures.sh: no <chronicle.jvm.flags> property on one line in $repo/pom.xml" >&2
  exit 1
fi
read -r -a jvm_flags <<< "$flags_text"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# Short settings for --quick; the full ones are each program's defaults (see their javadoc).
if $quick; then
  rt=(--jobs=5000 --warmup=2000);   node_args=(5000 2000);  plain=("${rt[@]}")
  tp=(--warmup=10000 --rounds=3 --jobs=20000); py_args=(50000 10000 256)
  big=(--jobs=200 --warmup=50);     ping=(--seconds=3);  idle=(--seconds=5); starts=(--runs=3)
  noise=(--seconds=2)
else
  # Round trips (figures 1, 2): 400,000 warm-up. The workers run at workers.nice 10, so their JIT
  # threads get a small share of the cores while the caller runs: after 100,000 jobs the plain
  # main's shm p50 was 10.1, 8.8, 3.0, 4.7, 2.8, 8.9 us in six runs (3.4, 4.3, 4.4 with
  # workers.nice 0); after 400,000 it was 2.6 us in four of four (see BENCHMARKS.md). The Node
  # peer gets the same.
  rt=(--warmup=400000);   node_args=(50000 400000)
  # Figure 2 also warms up for at least 15 s, and measures 500,000. A fresh pool's sequential
  # get() settles 10-12 s after it is up, however many jobs that took (400,000 or 1,000,000): until
  # then the niced workers' JIT threads are still compiling, and the first 50,000 after 400,000
  # jobs gave p90 15-17 us against 1.4-2.9 us once settled. And 50,000 round trips take 0.1 s here,
  # so one hiccup of the VM decides their p99 (49.8 and 95.6 us in two runs); 500,000 take about
  # 1.5 s (BENCHMARKS.md).
  plain=(--warmup=400000 --warmup-seconds=15 --jobs=500000)
  # Throughput (figure 3): 3,000,000 warm-up per pool, then 5 rounds of 400,000 per transport,
  # shm and pipe interleaved: 5,000,000 jobs per transport, as many as one warm-up and one
  # measured stretch took before. The warm-up: after 400,000 the shm workers' JIT threads still
  # took 0.8-1.8 us of CPU per measured job (pipe: 0.15), and C2 was still compiling JobRunner and
  # Chronicle's append in the last second of a 5.5 s run; a long-running service is long past that
  # (see BENCHMARKS.md). The rounds: this machine's speed drifts over minutes, so shm and pipe
  # measured one after the other are not comparable; short rounds side by side are, and the
  # median of their ratios is the figure. Python, without a JIT, gets 400,000 and 200,000: at its
  # pace more would take minutes.
  tp=(--warmup=3000000 --rounds=5 --jobs=400000);   py_args=(200000 400000 256)
  # Idle CPU (figure 6): 30 s per transport. /proc counts in 10 ms ticks, so a 10 s window is 10
  # ticks per 1 % of a core: the same pool read 0.9, 1.2 and 1.4 % over 10 s, and 0.73 % over 30 s.
  idle=(--seconds=30)
  big=();  ping=();  starts=();  noise=()
fi

logs=$(mktemp -d "${TMPDIR:-/tmp}/offload-user-figures.XXXXXX")
failures=0
step=0

# Runs one program, its stdout shown and kept; stderr kept, with its WARN/ERROR lines shown.
run() {
  local name="$1"; shift
  step=$((step + 1))
  local out="$logs/$(printf '%02d' "$step")-$name.out" err="$logs/$(printf '%02d' "$step")-$name.err"
  echo "[$(date +%T)] $name"
  if ! "$@" 2> "$err" | tee "$out"; then
    echo "user-figures.sh: $name failed; the end of its stderr ($err):"
    tail -n 20 "$err"
    failures=$((failures + 1))
  fi
  grep -E ' (WARN|ERROR) ' "$err" || true
}

java_main() {
  local main="$1"; shift
  run "$main" "$java" "${jvm_flags[@]}" -cp "$classpath" "dev.offload.examples.bench.$main" "$@"
}

peer() {
  local tool="$1" name="$2"; shift 2
  if command -v "$tool" >/dev/null; then
    run "$name" "$tool" "$@"
  else
    step=$((step + 1))
    echo "| - | peer $name skipped: $tool is not installed | | | | | | | |" | tee "$logs/$(printf '%02d' "$step")-$name.out"
  fi
}

echo "Offload user figures, $(date -Is) on $(uname -n): $(nproc) processors, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "git $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'); $("$java" -version 2>&1 | sed -n 1p); JVM flags: chronicle.jvm.flags only"

# Figures 1, 2 and 4 measure each transport in a JVM of its own: in one JVM the second transport
# would run on code the first one's warm-up had already compiled (submit(), the futures, Jackson).
# Figure 3 warms both pools in one JVM before it measures either, then interleaves them in rounds.
each_transport() {
  local main="$1"; shift
  for transport in shm pipe; do
    java_main "$main" "--transports=$transport" "$@"
  done
}

for figure in "${figures[@]}"; do
  case "$figure" in
    0) java_main MachineNoise "${noise[@]}" ;;
    1) each_transport EventLoopRoundTrip "${rt[@]}"
       peer node fork-ipc-roundtrip "$repo/docs/peers/fork-ipc-roundtrip.js" "${node_args[@]}" ;;
    2) each_transport PlainMainRoundTrip "${plain[@]}" ;;
    3) java_main Throughput "${tp[@]}"
       peer python3 process-pool-throughput "$repo/docs/peers/process_pool_throughput.py" "${py_args[@]}" ;;
    4) each_transport LargePayloadRoundTrip "${big[@]}" ;;
    5) java_main PingUnderLoad "${ping[@]}" ;;
    6) java_main IdlePoolCpu "${idle[@]}" ;;
    7) java_main StartTime "${starts[@]}" ;;
  esac
done

echo
echo "## Summary ($(date +%T), load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo "| fig | case | transport | n | p50 µs | p90 µs | p99 µs | max µs | other |"
echo "|---|---|---|---|---|---|---|---|---|"
cat "$logs"/*.out | grep -E '^\| ([0-9]|-) \|' || true
echo
echo "Logs: $logs"
if [ "$failures" -gt 0 ]; then
  echo "user-figures.sh: $failures program(s) failed" >&2
  exit 1
fi
