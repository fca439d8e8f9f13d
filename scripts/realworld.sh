#!/usr/bin/env bash
# Real-world evaluation (issue #8): run `maprace check --format json ./...` on each pinned
# module of eval/realworld/modules.txt, under a memory cap and a timeout, and match the
# findings against the hand triage in eval/realworld/triage.tsv.
#
# usage: scripts/realworld.sh [--binary PATH] [--no-run] [NAME...]
#   NAME...       run only these modules (short names of modules.txt); the table still lists
#                 every module with its last recorded result
#   --binary P    the maprace to measure (default target/release/maprace)
#   --no-run      only re-match the recorded results against triage.tsv (after editing it)
#   --retire-stale  move triage rows no finding matches any more to triage-retired.tsv
# env: MAPRACE_EVAL_DIR (default ~/.cache/maprace-eval: sources, results/*.json,
#      untriaged.tsv), MAPRACE_EVAL_MEM_KB (address-space cap, default 6000000),
#      MAPRACE_EVAL_TIMEOUT (seconds, default 180).
#
# A developer script: it fetches through the Go module proxy, so CI never runs it. It writes
# eval/realworld/summary.md (committed; scripts/update-readme.py puts it into README.md).
set -euo pipefail
source "$(dirname "$0")/../eval/lib/common.sh"

bin="$ROOT/target/release/maprace"
run=1
retire=
names=()
while [ $# -gt 0 ]; do
  case $1 in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; bin=$2; shift 2 ;;
    --binary=*) bin=${1#--binary=}; shift ;;
    --no-run) run=0; shift ;;
    --retire-stale) retire=--retire-stale; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done

mkdir -p "$EVAL_DIR/results" "$EVAL_DIR/raw"
if [ "$run" = 1 ]; then
  need_go
  bin=$(need_binary "$bin")
  select_modules "${names[@]+"${names[@]}"}" >"$EVAL_DIR/selection"
  while read -r name mv; do
    dir=$(fetch "$name" "$mv")
    echo "== $name ($mv)" >&2
    # Sequential on purpose: two big checks at once could exhaust a shared machine.
    run_check "$bin" "$dir" "$EVAL_DIR/raw/$name"
    python3 "$ROOT/eval/lib/evaltool.py" record "$name" "$mv" "$dir" "$EVAL_DIR/raw/$name" "$EVAL_DIR/results"
  done <"$EVAL_DIR/selection"
fi
python3 "$ROOT/eval/lib/evaltool.py" report "$EVAL_DIR/results" "$ROOT/eval/realworld/summary.md" "$EVAL_DIR/untriaged.tsv" ${retire:+"$retire"}
