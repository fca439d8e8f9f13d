#!/usr/bin/env bash
# Write docs/rules/MRxxx.md from the rule modules' documentation (`maprace explain`), the one
# source of truth. tests/rule_docs.rs fails when the files are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
mkdir -p docs/rules
# The ids come from the rule registry (`maprace explain` lists every rule, one per line).
for id in $(target/release/maprace explain | cut -d' ' -f1); do
  target/release/maprace explain "$id" > "docs/rules/$id.md"
done
