#!/usr/bin/env bash
# Real test suites under `maprace race` (issue #13 item 5). For each pinned module of
# eval/race-suites/modules.txt, fetched through the Go module proxy, runs side by side:
#
#   go test -count=1 ./...                          (plain)
#   go test -race -count=1 ./...                    (race)
#   maprace race -- go test -count=1 ./...          (maprace)
#   maprace race -- go test -race -count=1 ./...    (maprace+race)
#
# and records per package and per test what passed and failed (the four sets must agree:
# maprace must not change a suite's outcome), the wall times, the ratios (maprace / race and
# maprace+race / race) and maprace's findings. Each configuration is built once first
# (`-run '^$'`, not timed) so that the times compare test runs, not cold compiles.
#
# A test whose outcome differs within a pair (plain vs maprace, race vs maprace+race) is then
# run again alone, `go test -v -count=N -run '^Test$' PKG` in both configurations of the pair,
# and classified from those reruns: failed at least once in each, or passed every time in
# both: flaky, the same outcome; failed only under maprace: NO. The reruns' counts are shown
# under the table, so that a reader can check the verdict.
#
# usage: scripts/race-suites.sh [--binary PATH] [--no-run | --rerun-only] [NAME...]
#   NAME...      only these modules (short names of modules.txt); the table still lists every
#                module with its last recorded result
#   --no-run     only rewrite eval/race-suites.md from the recorded results
#   --rerun-only keep the four recorded runs of each module, redo only the reruns of the tests
#                that differ, and record
# env: MAPRACE_SUITES_DIR (default ~/.cache/maprace-eval/suites: src/, raw/, results/),
#      MAPRACE_SUITES_TIMEOUT (seconds per command, default 900; go test gets -timeout 10m),
#      MAPRACE_SUITES_RERUNS (runs of a differing test in each configuration, default 5).
#
# A developer script: it fetches through the Go module proxy, so CI never runs it. It writes
# eval/race-suites.md (committed; scripts/update-readme.py copies it into README.md's
# race-suites block) and results/NAME.json (findings and per-package outcomes, not committed).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${MAPRACE_SUITES_DIR:-$HOME/.cache/maprace-eval/suites}
TIMEOUT=${MAPRACE_SUITES_TIMEOUT:-900}
RERUNS=${MAPRACE_SUITES_RERUNS:-5}
MODULES_TXT="$ROOT/eval/race-suites/modules.txt"
bin="$ROOT/target/release/maprace"
run=1
rerun_only=0
names=()
die() { echo "$(basename "$0"): $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; bin=$2; shift 2 ;;
    --no-run) run=0; shift ;;
    --rerun-only) rerun_only=1; shift ;;
    -h|--help) sed -n '2,35p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done

# The copy's own directory is NAME, under NAME@VERSION: zap's TestConfig matches the caller's
# directory against [a-z0-9_-]+ and failed in all four runs in a directory named zap@v1.28.0.
fetch() { # NAME MODULE@VERSION -> writable copy's path
  local name=$1 mv=$2 dst="$DIR/src/$1@${2##*@}/$1" src
  if [ ! -f "$dst/.maprace-suites-complete" ]; then
    src=$(cd "$DIR" && GOFLAGS=-mod=mod go mod download -json "$mv" | python3 -c '
import json, sys
d = json.load(sys.stdin)
if d.get("Error"): sys.exit("go mod download: " + d["Error"])
print(d["Dir"])') || die "could not fetch $mv (the Go module proxy must be reachable)"
    rm -rf "$(dirname "$dst")"; mkdir -p "$(dirname "$dst")"
    cp -r "$src" "$dst"; chmod -R u+w "$dst"
    # Modules from before go.mod (go-cache): the tests still need one.
    [ -f "$dst/go.mod" ] || printf 'module %s\n\ngo 1.13\n' "${mv%@*}" >"$dst/go.mod"
    (cd "$dst" && go mod download && go mod tidy >/dev/null 2>&1 || true)
    touch "$dst/.maprace-suites-complete"
  fi
  echo "$dst"
}

# timed CONFIG OUT -- CMD...: runs CMD in the module dir, stdout+stderr of the command to
# OUT.log (maprace's JSON report to OUT.json), wall seconds to OUT.time, exit code to OUT.rc.
timed() {
  local out=$1; shift
  local t0 t1 rc
  t0=$(date +%s.%N)
  set +e
  timeout "$TIMEOUT" "$@"
  rc=$?
  set -e
  t1=$(date +%s.%N)
  echo "$rc" >"$out.rc"
  python3 -c "print(round($t1 - $t0, 1))" >"$out.time"
}

# config CFG: sets mr (the maprace prefix, if any) and r (-race, if any) for configuration CFG.
config() {
  r=(); mr=()
  case $1 in race|maprace+race) r=(-race) ;; esac
  case $1 in maprace*) mr=("$bin" race --format json --) ;; esac
}

# rerun NAME RAW FLAGS (in the module's directory): each test whose outcome differs within a
# pair (record.py diffs) is run alone RERUNS times in both configurations of the pair; the logs
# go to RAW/rerun/I-CONFIG.log, the list to RAW/rerun/index.tsv (I, pair, package, test).
rerun() {
  local name=$1 raw=$2 flags=$3 i a b pkg test cfg
  rm -rf "$raw/rerun"; mkdir -p "$raw/rerun"
  python3 "$ROOT/eval/race-suites/record.py" diffs "$raw" >"$raw/rerun/index.tsv"
  echo "$RERUNS" >"$raw/rerun/count"
  while IFS=$'\t' read -r i a b pkg test; do
    for cfg in "$a" "$b"; do
      config "$cfg"
      echo "   rerun $test ($pkg) under $cfg, -count=$RERUNS" >&2
      # shellcheck disable=SC2086
      local cmd=(go test -v -count="$RERUNS" -timeout 10m $flags "${r[@]}" -run "^${test}\$" "$pkg")
      if [ ${#mr[@]} -gt 0 ]; then
        timed "$raw/rerun/$i-$cfg" "${mr[@]}" "${cmd[@]}" >"$raw/rerun/$i-$cfg.json" 2>"$raw/rerun/$i-$cfg.log" </dev/null
      else
        timed "$raw/rerun/$i-$cfg" "${cmd[@]}" >"$raw/rerun/$i-$cfg.log" 2>&1 </dev/null
      fi
    done
  done <"$raw/rerun/index.tsv"
}

mkdir -p "$DIR/src" "$DIR/raw" "$DIR/results"
[ -f "$DIR/go.mod" ] || true
if [ "$run" = 1 ]; then
  command -v go >/dev/null || die "go is not on PATH"
  [ -x "$bin" ] || die "no maprace binary at $bin: cargo build --release"
  bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
  sha256sum "$bin" | cut -c1-12 >"$DIR/raw/.bin"
  grep -vE '^[[:space:]]*(#|$)' "$MODULES_TXT" | while read -r name mv flags; do
    if [ ${#names[@]} -gt 0 ] && [[ " ${names[*]} " != *" $name "* ]]; then continue; fi
    dir=$(fetch "$name" "$mv")
    raw="$DIR/raw/$name"
    if [ "$rerun_only" = 1 ]; then
      [ -f "$raw/plain.log" ] || die "$name: no recorded runs in $raw to rerun from"
      echo "== $name ($mv) $flags: reruns only" >&2
      (cd "$dir" && rerun "$name" "$raw" "$flags")
      echo "$dir" >"$raw/dir"
      python3 "$ROOT/eval/race-suites/record.py" record "$name" "$raw" "$DIR/results/$name.json"
      continue
    fi
    mkdir -p "$raw"; rm -rf "${raw:?}"/*
    echo "== $name ($mv) $flags" >&2
    # shellcheck disable=SC2086
    (
      cd "$dir"
      base=(go test -count=1 -timeout 10m $flags)
      for cfg in plain race maprace maprace+race; do
        config "$cfg"
        # Build once, untimed (maprace's warm-up records nothing and exits 2: expected).
        "${mr[@]}" "${base[@]}" "${r[@]}" -run '^$' ./... >/dev/null 2>&1 || true
        echo "   $cfg" >&2
        if [ ${#mr[@]} -gt 0 ]; then
          timed "$raw/$cfg" "${mr[@]}" "${base[@]}" "${r[@]}" ./... >"$raw/$cfg.json" 2>"$raw/$cfg.log"
        else
          timed "$raw/$cfg" "${base[@]}" "${r[@]}" ./... >"$raw/$cfg.log" 2>&1
        fi
      done
      # The load and date of the measured runs, before the reruns.
      uptime | sed 's/.*load average: //' >"$raw/load"
      date -u +%Y-%m-%d >"$raw/date"
      rerun "$name" "$raw" "$flags"
    )
    echo "$mv $flags" >"$raw/module"
    echo "$dir" >"$raw/dir"
    cp "$DIR/raw/.bin" "$raw/bin"
    python3 "$ROOT/eval/race-suites/record.py" record "$name" "$raw" "$DIR/results/$name.json"
  done
fi
python3 "$ROOT/eval/race-suites/record.py" report "$MODULES_TXT" "$DIR/results" "$ROOT/eval/race-suites.md" "$ROOT/eval/realworld/triage.tsv"
