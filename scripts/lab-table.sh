#!/usr/bin/env bash
# Regenerate the lab's measured table and chart from `maprace lab`:
#   docs/lab.svg                       the chart
#   docs/lab.md, between the markers   the Markdown table, and `maprace lab --asm s1-waitgroup`
# and the same table in README.md when it carries the markers
#   <!-- lab-table:begin --> ... <!-- lab-table:end -->
# usage: scripts/lab-table.sh [RUNS]   (default 5)
set -euo pipefail

cd "$(dirname "$0")/.."
runs="${1:-5}"

cargo build --release --quiet
table="$(mktemp)"
asm="$(mktemp)"
trap 'rm -f "$table" "$asm"' EXIT

start=$(date +%s)
./target/release/maprace lab --runs "$runs" --format md --svg docs/lab.svg > "$table"
echo "maprace lab --runs $runs took $(( $(date +%s) - start )) s" >&2
{ echo '```'; ./target/release/maprace lab --asm s1-waitgroup; echo '```'; } > "$asm"

# splice FILE MARKER CONTENT_FILE: replace what lies between <!-- MARKER:begin/end --> in FILE.
splice() {
  local file="$1" marker="$2" content="$3"
  grep -q "<!-- $marker:begin -->" "$file" || return 0
  python3 - "$file" "$marker" "$content" <<'PY'
import re, sys
path, marker, content = sys.argv[1], sys.argv[2], open(sys.argv[3], encoding="utf-8").read().strip()
text = open(path, encoding="utf-8").read()
pattern = r"(<!-- %s:begin -->\n).*?(<!-- %s:end -->)" % (marker, marker)
new = re.sub(pattern, lambda m: m.group(1) + content + "\n" + m.group(2), text, flags=re.S)
open(path, "w", encoding="utf-8").write(new)
PY
  echo "updated $marker in $file" >&2
}

splice docs/lab.md lab-table "$table"
splice docs/lab.md lab-asm "$asm"
if [ -f README.md ]; then splice README.md lab-table "$table"; fi
echo "wrote docs/lab.svg" >&2
