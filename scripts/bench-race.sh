#!/usr/bin/env bash
# Measurements of `maprace race`; prints the Markdown of README.md's race-bench block
# (scripts/update-readme.py runs it):
#  0. detection on the lab scenarios, 10 runs each (scripts/race-scenarios.sh) and on Go's own
#     race-detector map tests (scripts/race-racetest.sh);
#  1. engine throughput on a recorded trace (race/bench/heavy: 4 goroutines, locked and private
#     map operations), best and median of 9 analyses, in events per second of the analysing
#     thread's CPU time, and trace bytes per event (scripts/race-targets.sh measures it on
#     issue #14's real workloads);
#  2. wall time of the lab scenarios (lab/scenarios, each scenario's base run, without its
#     variants' arguments) under `go run -race .` (as users run it, and without the race
#     runtime's 1 s sleep at exit: GORACE=atexit_sleep_ms=0) and under
#     `maprace race -- go run .` (as users run it: `check` alongside), caches warm;
#  3. wall time of real standard-library tests (expvar, encoding/csv copied from GOROOT into a
#     module) under `go test`, `go test -race` and `maprace race -- go test`.
# Usage: scripts/bench-race.sh   (builds the release binary first; about 6 minutes on 2 cores)
#        scripts/bench-race.sh | scripts/race-doc-block.py race-bench README.md
set -eu
root=$(realpath "$(dirname "$0")/..")
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
mr="$root/target/release/maprace"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "Machine: $(nproc) cores, $(go version), $(date -u +%Y-%m-%d); load average $(cut -d' ' -f1-3 /proc/loadavg) at the start (the machine is shared: times are noisy)."
echo
echo "**Detection** (\`scripts/race-scenarios.sh 10\`: each scenario of the lab's corpus \`lab/scenarios\` run 10 times under \`maprace race -- go run .\`, as users run it (\`check\` alongside); *reported* counts runs with any finding, *rule_ok* runs with the expected rule. \`rare-path\` takes its racy path in about 2 runs in 1000: it is reported *predicted* from the static finding on that path, because the run shows two goroutines entering its function unordered. \`s1-verbatim\` returns from main before its goroutines run: \`maprace race\` waits for them at the end of main, as \`-race\`'s 1 s exit sleep does, but only while they are alive):"
echo
"$root/scripts/race-scenarios.sh" 10 "$mr" | tail -n +3
echo
echo "**Go's race-detector map tests** (\`scripts/race-racetest.sh\`, \`runtime/race/testdata/map_test.go\` under \`maprace race -- go test\`):"
echo
"$root/scripts/race-racetest.sh" "$mr"
echo
echo "**Speed**:"
echo

secs() { # secs CMD... : wall seconds of one run, output discarded
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null 2>&1 || true
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}

mkmod() { # mkmod DIR NAME [GO_VERSION]
  mkdir -p "$1"
  printf 'module %s\n\ngo %s\n' "$2" "${3:-1.22}" >"$1/go.mod"
}

# 1. Engine throughput
h="$work/heavy"
mkmod "$h" heavy
cp "$root/race/bench/heavy/main.go" "$h/"
(cd "$h" && "$mr" race --no-confirm --keep "$work/heavy-kept" -- go run . 500000 >/dev/null 2>"$work/heavy-run.txt") || true
rates=()
for _ in 1 2 3 4 5 6 7 8 9; do
  line=$("$mr" race --analyze "$work/heavy-kept" 2>&1 >/dev/null | grep 'million events/s')
  rates+=("$(echo "$line" | sed -E 's/.*: ([0-9.]+) million events\/s.*/\1/')")
done
sorted=$(printf '%s\n' "${rates[@]}" | sort -n)
best=$(echo "$sorted" | tail -1)
median=$(echo "$sorted" | sed -n 5p)
summary=$("$mr" race --analyze "$work/heavy-kept" 2>&1 >/dev/null | grep 'million events/s')
events=$(echo "$summary" | sed -E 's/.*analysed ([0-9]+) events.*/\1/')
bpe=$(echo "$summary" | sed -E 's/.*, ([0-9.]+) bytes\/event.*/\1/')
echo "| engine benchmark | events | bytes/event | best (M events/s of one core) | median (M events/s of one core) |"
echo "|---|---|---|---|---|"
echo "| race/bench/heavy, 4 goroutines x 500000 iterations | $events | $bpe | $best | $median |"
echo

# 2. Scenarios (the lab's, base runs): go run -race vs maprace race -- go run
echo "| scenario | go run -race (s) | go run -race, atexit_sleep_ms=0 (s) | maprace race -- go run (s) | trace bytes/event |"
echo "|---|---|---|---|---|"
td=0; tr=0; tm=0
for d in "$root"/lab/scenarios/*/; do
  n=$(basename "$d")
  t="$work/s/$n"
  mkmod "$t" scenario
  cp "$d/main.go" "$t/"
  (cd "$t" && go run -race . >/dev/null 2>&1; "$mr" race -- go run . >/dev/null 2>&1) || true
  r0=$(cd "$t" && secs go run -race .)
  a=$(cd "$t" && secs env GORACE="halt_on_error=0 atexit_sleep_ms=0" go run -race .)
  b=$(cd "$t" && secs "$mr" race -- go run .)
  bpe=$(cd "$t" && "$mr" race -- go run . 2>&1 >/dev/null | sed -nE 's/.*\(([0-9.]+) bytes\/event\).*/\1/p')
  td=$(echo "$td + $r0" | bc); tr=$(echo "$tr + $a" | bc); tm=$(echo "$tm + $b" | bc)
  printf '| %s | %.2f | %.2f | %.2f | %s |\n' "$n" "$r0" "$a" "$b" "${bpe:-}"
done
printf '| **total** | **%.2f** | **%.2f** | **%.2f** | |\n' "$td" "$tr" "$tm"
echo

# 3. Standard-library packages with their tests
echo "| package tests | go test (s) | go test -race (s) | maprace race -- go test (s) | findings | events | bytes/event |"
echo "|---|---|---|---|---|---|---|"
goroot=$(go env GOROOT)
for pkg in expvar encoding/csv; do
  t="$work/std/$pkg"
  # The standard library's own language version (expvar uses Go 1.23's sync.Map.Clear).
  mkmod "$t" "example.com/$pkg" 1.25
  cp "$goroot/src/$pkg"/*.go "$t/"
  # expvar reads one GODEBUG setting through internal/godebug, which only std may import.
  sed -i -e '/"internal\/godebug"/d' -e 's/godebug.New("httpmuxgo121").Value() == "1"/os.Getenv("GODEBUG") == "httpmuxgo121=1"/' "$t"/*.go
  (cd "$t" && go test -count=1 . >/dev/null 2>&1; go test -race -count=1 . >/dev/null 2>&1; "$mr" race -- go test -count=1 . >/dev/null 2>&1) || true
  p=$(cd "$t" && secs go test -count=1 .)
  r=$(cd "$t" && secs go test -race -count=1 .)
  m=$(cd "$t" && secs "$mr" race -- go test -count=1 .)
  out=$(cd "$t" && "$mr" race -- go test -count=1 . 2>&1 >/dev/null | grep 'finding(s)')
  f=$(echo "$out" | sed -E 's/.*race: ([0-9]+) finding.*/\1/')
  ev=$(echo "$out" | sed -E 's/.*; ([0-9]+) events.*/\1/')
  bpe=$(echo "$out" | sed -nE 's/.*\(([0-9.]+) bytes\/event\).*/\1/p')
  printf '| %s | %.2f | %.2f | %.2f | %s | %s | %s |\n' "$pkg" "$p" "$r" "$m" "$f" "$ev" "$bpe"
done
