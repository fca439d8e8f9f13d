#!/usr/bin/env bash
# Runs Go's own race-detector map tests ($(go env GOROOT)/src/runtime/race/testdata/map_test.go)
# under `maprace race -- go test` and prints a Markdown table: TestRace* on the map object must
# be reported, TestNoRace* must stay silent; races on key or value variables copied into the
# map (not map operations) are out of dynamic mode's scope.
# Usage: scripts/race-racetest.sh [MAPRACE]   (scripts/bench-race.sh runs it for README.md.)
set -eu
mr=$(realpath "${1:-$(dirname "$0")/../target/release/maprace}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'module racetest\n\ngo 1.25\n' >"$work/go.mod"
cp "$(go env GOROOT)/src/runtime/race/testdata/map_test.go" "$work/"
(cd "$work" && "$mr" race --format json -- go test -count=1 . >"$work/out.json" 2>/dev/null) || true
python3 - "$work" <<'PY'
import json, re, sys
work = sys.argv[1]
src = open(f"{work}/map_test.go").read().split("\n")
funcs = [(i, m.group(1)) for i, l in enumerate(src, 1) if (m := re.match(r"func (Test\w+)", l))]
def func_at(line):
    name = None
    for i, n in funcs:
        if i <= line:
            name = n
    return name
hits = {}
for f in json.load(open(f"{work}/out.json"))["findings"]:
    if f["file"].endswith("map_test.go"):
        hits.setdefault(func_at(f["line"]), set()).add(f"{f['rule']} {f['evidence']}")
print("| test | expected | maprace race |")
print("|---|---|---|")
for _, n in funcs:
    # A race on the map object needs a map operation on both sides; the others race on
    # variables (keys, values, the map variable itself) that are copied, not on the map.
    if n.startswith("TestNoRace"):
        exp = "no race"
    elif re.search(r"Variable|PartKey|PartVal|BigKey|BigVal|MultipleReturn", n):
        exp = "race on a variable, not the map"
    else:
        exp = "race on the map"
    got = ", ".join(sorted(hits.get(n, []))) or "silent"
    print(f"| {n} | {exp} | {got} |")
PY
