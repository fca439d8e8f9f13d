#!/usr/bin/env bash
# Syntax parity with gofmt: every Go file gofmt accepts must parse in maprace without an error,
# and every file gofmt rejects must be named in maprace's errors. Compares the set of files
# `gofmt -e` reports errors for with the set of files `maprace check` names in its errors
# (build constraints ignored: --all-platforms; generated files included), over
#   - $(go env GOROOT)/src, outside testdata directories,
#   - tests/syntax (a file per recent language change),
#   - every DIR given as an argument (e.g. a checkout of real-world modules).
# Prints each difference, then `differences: N` (the README's number). Exit 0 when N is 0.
# usage: scripts/syntax-parity.sh [MAPRACE_BIN] [DIR...]   (MAPRACE_BIN if it is a file)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/maprace
if [ $# -gt 0 ] && [ -f "$1" ]; then bin=$1; shift; fi
[ -x "$bin" ] || cargo build --release --quiet
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
dirs=("$(go env GOROOT)/src" "$PWD/tests/syntax" "$@")

list=$(mktemp); gofmt_err=$(mktemp); mr_out=$(mktemp)
trap 'rm -f "$list" "$gofmt_err" "$mr_out"' EXIT
for d in "${dirs[@]}"; do
  find "$(cd "$d" && pwd)" -name testdata -prune -o -type f -name '*.go' -print
done | sort -u >"$list"

# gofmt prints `file:line:col: message` on stderr for each file it cannot parse.
xargs -d '\n' -n 500 gofmt -e -l <"$list" >/dev/null 2>"$gofmt_err" || true
# maprace in batches (memory stays flat); one JSON report per batch.
xargs -d '\n' -n 1000 "$bin" check --all-platforms --include-generated --format json <"$list" >"$mr_out" 2>/dev/null || true

python3 - "$list" "$gofmt_err" "$mr_out" <<'PY'
import json, re, sys
files = set(open(sys.argv[1]).read().split("\n")) - {""}
gofmt = set()
for line in open(sys.argv[2], errors="replace"):
    m = re.match(r"(.+?\.go):\d+:\d+: ", line)
    if m and m.group(1) in files:
        gofmt.add(m.group(1))
maprace, why = set(), {}
text, dec, i = open(sys.argv[3]).read(), json.JSONDecoder(), 0
while True:
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    report, i = dec.raw_decode(text, i)
    for e in report["errors"]:
        if e["file"] in files:
            maprace.add(e["file"])
            why.setdefault(e["file"], e["message"])
only_gofmt, only_maprace = sorted(gofmt - maprace), sorted(maprace - gofmt)
for f in only_maprace:
    print(f"maprace only: {f}: {why[f]}")
for f in only_gofmt:
    print(f"gofmt only:   {f}")
print(f"files: {len(files)}, gofmt errors: {len(gofmt)}, maprace errors: {len(maprace)}")
print(f"differences: {len(only_gofmt) + len(only_maprace)}")
sys.exit(1 if only_gofmt or only_maprace else 0)
PY
