#!/usr/bin/env bash
# The long fuzz runs of the README's Reliability section: each cargo-fuzz target (fuzz/) for
# SECONDS (default 600), seeded with the corpus and tests/syntax Go files (check) and with an
# empty trace (trace; its harness prepends a valid header to half of the inputs). Works on the
# stable toolchain through RUSTC_BOOTSTRAP=1 (cargo-fuzz needs -Zsanitizer). Prints, per
# target, libFuzzer's last status line and the crash files found (full log: fuzz/logs/); the corpus is kept in
# fuzz/corpus/<target> (git-ignored) so a second run continues where the first stopped.
# usage: [FUZZ_TIMEOUT=S] scripts/fuzz.sh [SECONDS] [TARGET...]   needs: cargo install cargo-fuzz
# (FUZZ_TIMEOUT: seconds one input may take before libFuzzer calls it a hang; default 20)
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
secs=${1:-600}; shift || true
targets=("$@"); [ ${#targets[@]} -gt 0 ] || targets=(check trace)
mkdir -p corpus/check corpus/trace artifacts
for f in $(find ../corpus ../tests/syntax -name '*.go') regressions/check/*; do
  cp "$f" "corpus/check/seed-$(echo "$f" | tr '/.' '__')"
done
: > corpus/trace/seed-empty
export RUSTC_BOOTSTRAP=1
mkdir -p logs
for t in "${targets[@]}"; do
  log=logs/$t.log
  # -rss_limit_mb: the analysis thread reserves a large stack (virtual) and the pipeline may
  # use a few hundred MB on a pathological input; a real leak still shows.
  set +e
  cargo fuzz run --release "$t" "corpus/$t" -- -max_total_time="$secs" -rss_limit_mb=4096 \
    -max_len=65536 -timeout="${FUZZ_TIMEOUT:-20}" -print_final_stats=1 >"$log" 2>&1
  rc=$?
  set -e
  echo "== $t (exit $rc, $secs s)"
  grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1 || true
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' "$log" || true
  echo "corpus files: $(ls "corpus/$t" | wc -l)"
  ls artifacts/"$t" 2>/dev/null | sed 's/^/crash: /' || true
  grep -E 'panicked|ERROR: ' "$log" | head -5 || true
done
