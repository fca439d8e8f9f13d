#!/usr/bin/env bash
# Regenerate the lab's measured table and chart from `maprace lab`:
#   docs/lab.svg                       the chart
#   docs/lab.md, between the markers   the Markdown table
# and the same table in README.md when it carries the markers
#   <!-- lab-table:begin --> ... <!-- lab-table:end -->
# usage: scripts/lab-table.sh [RUNS]   (default 5)
set -euo pipefail

cd "$(dirname "$0")/.."
runs="${1:-5}"

cargo build --release --quiet
table="$(mktemp)"
trap 'rm -f "$table"' EXIT

start=$(date +%s)
./target/release/maprace lab --runs "$runs" --format md --svg docs/lab.svg > "$table"
echo "maprace lab --runs $runs took $(( $(date +%s) - start )) s" >&2

splice() {
  local file="$1"
  grep -q '<!-- lab-table:begin -->' "$file" || return 0
  python3 - "$file" "$table" <<'PY'
import re, sys
path, table = sys.argv[1], open(sys.argv[2], encoding="utf-8").read().strip()
text = open(path, encoding="utf-8").read()
new = re.sub(r"(<!-- lab-table:begin -->\n).*?(<!-- lab-table:end -->)",
             lambda m: m.group(1) + table + "\n" + m.group(2), text, flags=re.S)
open(path, "w", encoding="utf-8").write(new)
PY
  echo "updated $file" >&2
}

splice docs/lab.md
[ -f README.md ] && splice README.md
echo "wrote docs/lab.svg" >&2
