#!/usr/bin/env bash
# Issue #14's targets for `maprace race` on heavy workloads; prints the Markdown of README.md's
# race-targets block (save it as eval/race-targets.md: scripts/update-readme.py copies it).
#
# Workloads (the issue's four):
#   go-cache tests         github.com/patrickmn/go-cache@v2.1.0+incompatible, `go test ./...`
#   go-cache bench 100k    its benchmarks, -benchtime 100000x (BenchmarkDeleteExpiredLoop skipped:
#   go-cache bench 500k    it ranges a 100,000-entry map once per iteration, 10^10 iterations of
#                          one loop that says nothing about map operations), and 500000x
#   expvar bench 20k       the standard library's expvar copied into a module, -benchtime 20000x
# Each is run RUNS times (default 3) under plain `go test`, `go test -race` and `maprace race --`
# (as users run it: `check` alongside), in turn, after one warm-up run of each; medians are
# shown. Then its trace is kept once and analysed 3 times with `maprace race --analyze` for the
# engine's throughput (events per second of the analysing thread's CPU time).
#
# The module is fetched through the Go module proxy (`go mod download -json`) into
# ${MAPRACE_EVAL_DIR:-~/.cache/maprace-eval}/race-targets, never into the repository; a
# developer tool, not run by CI. About 10 minutes on 2 cores.
#
# Usage: scripts/race-targets.sh [MAPRACE_BINARY] [RUNS] > eval/race-targets.md
set -eu
root=$(realpath "$(dirname "$0")/..")
mr=${1:-}
if [ -z "$mr" ]; then
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  mr="$root/target/release/maprace"
fi
# The workloads run in their own directories: a relative binary path would name nothing there.
mr=$(realpath "$mr")
[ -x "$mr" ] || { echo "race-targets.sh: $mr is not an executable maprace" >&2; exit 2; }
runs=${2:-3}
gocache=github.com/patrickmn/go-cache@v2.1.0+incompatible
base=${MAPRACE_EVAL_DIR:-$HOME/.cache/maprace-eval}/race-targets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$base"

# go-cache, copied once to a writable directory (it has no go.mod: one is added).
gc="$base/go-cache"
if [ ! -f "$gc/cache.go" ]; then
  dir=$(go mod download -json "$gocache" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
  rm -rf "$gc"
  cp -r "$dir" "$gc"
  chmod -R u+w "$gc"
  [ -f "$gc/go.mod" ] || printf 'module github.com/patrickmn/go-cache\n\ngo 1.22\n' >"$gc/go.mod"
fi
# expvar from this Go's source tree; it reads one GODEBUG setting through internal/godebug,
# which only std may import.
ev="$base/expvar"
rm -rf "$ev"
mkdir -p "$ev"
cp "$(go env GOROOT)"/src/expvar/*.go "$ev/"
printf 'module example.com/expvar\n\ngo 1.25\n' >"$ev/go.mod"
sed -i -e '/"internal\/godebug"/d' -e 's/godebug.New("httpmuxgo121").Value() == "1"/os.Getenv("GODEBUG") == "httpmuxgo121=1"/' "$ev"/*.go

bench='-run ^$ -bench . -skip BenchmarkDeleteExpiredLoop'
names=("go-cache tests" "go-cache bench 100k" "go-cache bench 500k" "expvar bench 20k")
dirs=("$gc" "$gc" "$gc" "$ev")
cmds=("go test -count=1 ./..." "go test -count=1 $bench -benchtime 100000x ./..." "go test -count=1 $bench -benchtime 500000x ./..." "go test -count=1 -run ^$ -bench . -benchtime 20000x ./...")

# timed DIR CMD...: "seconds peak-KiB" of one run (the peak is of the largest process of the
# run: go, the compiler, the test binary or maprace); its stderr is left in $work/err.
timed() {
  local d=$1
  shift
  (cd "$d" && /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/err") || true
  cat "$work/time" | tail -1
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "Measured $(date -u +%Y-%m-%d) with maprace binary sha256 $(sha256sum "$mr" | cut -c1-16) on $(nproc) CPUs, $(go version | cut -d' ' -f3), $runs runs of each command in turn (medians); load average $(cut -d' ' -f1-3 /proc/loadavg) at the start; the machine is shared, seconds are noisy."
echo
echo "| workload | events | go test (s) | go test -race (s) | maprace race (s) | -race / plain | maprace / plain | maprace / -race (target ≤ 1.2) | peak RSS of the run (MiB, target ≤ 512) | maprace's own peak (MiB) | trace files at most (MiB) | analysis done after exit (s) | engine, M events/s of one core (best / median of 3) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
verdicts=()
for i in "${!names[@]}"; do
  d=${dirs[$i]}
  read -r -a cmd <<<"${cmds[$i]}"
  race_cmd=("${cmd[0]}" "${cmd[1]}" -race "${cmd[@]:2}")
  timed "$d" "${cmd[@]}" >/dev/null
  timed "$d" "${race_cmd[@]}" >/dev/null
  timed "$d" "$mr" race -- "${cmd[@]}" >/dev/null
  : >"$work/p" && : >"$work/r" && : >"$work/m" && : >"$work/rss" && : >"$work/own" && : >"$work/disk" && : >"$work/drain"
  events=0
  for _ in $(seq "$runs"); do
    timed "$d" "${cmd[@]}" | cut -d' ' -f1 >>"$work/p"
    timed "$d" "${race_cmd[@]}" | cut -d' ' -f1 >>"$work/r"
    t=$(timed "$d" "$mr" race -- "${cmd[@]}")
    echo "$t" | cut -d' ' -f1 >>"$work/m"
    echo "$t" | awk '{printf "%d\n", $2/1024}' >>"$work/rss"
    line=$(grep 'finding(s);' "$work/err" | tail -1)
    # A run that printed no summary measured nothing: say so instead of judging zeros "met".
    if [ -z "$line" ]; then
      echo "race-targets.sh: maprace race printed no summary in ${d} for '${cmds[$i]}'; its stderr:" >&2
      tail -5 "$work/err" >&2
      exit 1
    fi
    events=$(echo "$line" | sed -E 's/.*; ([0-9]+) events in.*/\1/')
    echo "$line" | sed -nE "s/.*maprace's peak memory ([0-9]+) MiB.*/\1/p" >>"$work/own"
    echo "$line" | sed -nE 's/.*trace files at most ([0-9]+) MiB.*/\1/p' >>"$work/disk"
    echo "$line" | sed -nE 's/.*done ([0-9.]+) s after it ended.*/\1/p' >>"$work/drain"
  done
  p=$(median <"$work/p") r=$(median <"$work/r") m=$(median <"$work/m")
  rss=$(sort -g "$work/rss" | tail -1) own=$(sort -g "$work/own" | tail -1) disk=$(sort -g "$work/disk" | tail -1) drain=$(median <"$work/drain")
  # Throughput on the kept trace (the whole trace, whatever its size).
  kept="$work/kept"
  rm -rf "$kept"
  (cd "$d" && MAPRACE_TRACE_BUDGET_MB=16384 "$mr" race --no-confirm --keep "$kept" -- "${cmd[@]}" >/dev/null 2>&1) || true
  rates=$(for _ in 1 2 3; do "$mr" race --analyze "$kept" 2>&1 >/dev/null | sed -nE 's/.*: ([0-9.]+) million events\/s.*/\1/p'; done | sort -g)
  rm -rf "$kept"
  best=$(echo "$rates" | tail -1) mid=$(echo "$rates" | sed -n 2p)
  rp=$(echo "$r / $p" | bc -l) mp=$(echo "$m / $p" | bc -l) mr_=$(echo "$m / $r" | bc -l)
  printf '| %s | %s | %.2f | %.2f | %.2f | %.1f× | %.1f× | **%.2f** | %s | %s | %s | %s | %s / %s |\n' "${names[$i]}" "$events" "$p" "$r" "$m" "$rp" "$mp" "$mr_" "$rss" "$own" "$disk" "$drain" "$best" "$mid"
  ok() { [ "$(echo "$1" | bc -l)" = 1 ] && echo met || echo "NOT met"; }
  engine="engine ≥ 20 M events/s $(ok "${mid:-0} >= 20")"
  [ "$events" -ge 1000000 ] || engine="engine not judged ($events events: too few to time)"
  verdicts+=("${names[$i]}: time $(ok "$mr_ <= 1.2"), memory $(ok "$rss <= 512"), $engine")
done
echo
echo "Load average $(cut -d' ' -f1-3 /proc/loadavg) at the end. Trace files: at most $((16 * 4)) MiB per process while maprace analyses (MAPRACE_TRACE_WINDOW segments of 4 MiB, in /dev/shm when it has room)."
echo
for v in "${verdicts[@]}"; do
  echo "- $v"
done
