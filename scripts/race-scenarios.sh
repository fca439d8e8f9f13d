#!/usr/bin/env bash
# Runs every scenario of the lab's corpus RUNS times under `maprace race -- go run .` (default
# options: `check` alongside) and prints
# a Markdown table: per scenario, its expectation and in how many runs maprace reported it (any
# rule) and with the expected rule.
# Usage: scripts/race-scenarios.sh [RUNS] [MAPRACE] [DIR]
# DIR holds one scenario per directory (`DIR/<name>/main.go`) with a
# `// lab: expected=racy rule=MR004` header: lab/scenarios by default. Each scenario's base run,
# without its variants' arguments.
# (scripts/bench-race.sh runs it for README.md.)
set -u
runs=${1:-10}
mr=${2:-$(dirname "$0")/../target/release/maprace}
mr=$(realpath "$mr")
root=$(realpath "$(dirname "$0")/..")
dir=$(realpath "${3:-$root/lab/scenarios}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "$(go version), $(nproc) cores, $(date -u +%Y-%m-%d), $runs runs each"
echo
echo "| scenario | expect | reported | rule_ok |"
echo "|---|---|---|---|"
for d in "$dir"/*/; do
  n=$(basename "$d")
  if ! grep -q '^// lab: expected=' "$d/main.go"; then
    echo "$d/main.go: no \`// lab: expected=...\` header" >&2
    exit 2
  fi
  expect=$(grep -m1 '^// lab: expected=' "$d/main.go" | sed -E 's#// lab: expected=([a-z]+)( rule=(MR[0-9]+))?.*#\1 \3#')
  rule=$(echo "$expect" | awk '{print $2}')
  t="$work/$n"; mkdir -p "$t"; cp "$d/main.go" "$t/"; printf 'module scenario\n\ngo 1.22\n' > "$t/go.mod"
  reported=0; ruled=0
  for _ in $(seq "$runs"); do
    out=$(cd "$t" && "$mr" race -- go run . 2>/dev/null)
    if echo "$out" | grep -qE ': MR0[0-9]+ '; then reported=$((reported+1)); fi
    if [ -n "$rule" ] && echo "$out" | grep -q ": $rule "; then ruled=$((ruled+1)); fi
  done
  printf '| %s | %s | %d/%d | %d/%d |\n' "$n" "$expect" "$reported" "$runs" "$ruled" "$runs"
done
