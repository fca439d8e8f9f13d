#!/usr/bin/env bash
# Write docs/rules/MRxxx.md from the rule modules' documentation (`maprace explain`), the one
# source of truth. tests/rule_docs.rs fails when the files are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
mkdir -p docs/rules
for id in MR001 MR002 MR003 MR004 MR005 MR006 MR007 MR008 MR009 GORACE; do
  target/release/maprace explain "$id" > "docs/rules/$id.md"
done
