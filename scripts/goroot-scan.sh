#!/usr/bin/env bash
# Run `maprace check --no-cache` (a first run: every file parsed) over all of $(go env GOROOT)/src and print files, lines, seconds,
# findings and errors, then the findings per rule. Real code must not break the tool: a
# panic or an exit code other than 0/1/2 fails the script.
# usage: scripts/goroot-scan.sh [MAPRACE_BIN]
set -euo pipefail
bin=${1:-target/release/maprace}
[ -x "$bin" ] || cargo build --release --quiet
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
src="$(go env GOROOT)/src"
out=$(mktemp); err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
cd "$src"
set +e
"$bin" check --no-cache --stats --format json ./... >"$out" 2>"$err"
rc=$?
set -e
if [ "$rc" -gt 2 ] || grep -q "panicked" "$err"; then
  echo "maprace crashed (exit $rc):" >&2; cat "$err" >&2; exit 1
fi
echo "GOROOT: $src ($(go version | awk '{print $3}'))"
grep '^maprace: .* files' "$err"
python3 - "$out" <<'PY'
import collections, json, sys
r = json.load(open(sys.argv[1]))
c = collections.Counter(f["rule"] for f in r["findings"])
print("findings by rule:", ", ".join(f"{k} {v}" for k, v in sorted(c.items())) or "none")
for e in r["errors"]:
    print("error:", e["file"], "-", e["message"])
PY
