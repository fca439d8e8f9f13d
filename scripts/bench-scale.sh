#!/usr/bin/env bash
# Scale benchmark (issue #9): `maprace check ./...` on every module of
# eval/realworld/modules.txt and on $(go env GOROOT)/src, each under the memory cap and the
# timeout of eval/lib/common.sh; for GOROOT/src also `go vet ./...` with a fresh GOCACHE on
# the same tree in the same run, and the ratio go vet time / maprace time.
#
# usage: scripts/bench-scale.sh [--binary PATH] [--no-vet] [--vet-timeout S] [--reuse] [--table-only] [NAME...]
#   NAME...          only these modules (GOROOT/src is always measured)
#   --no-vet         skip go vet (it takes many minutes on 2 cores)
#   --vet-timeout S  give up on go vet after S seconds (default 1800); recorded as a timeout
#   --reuse          take a module's row from scripts/realworld.sh's last result when the same
#                    binary made it, instead of running the module again
#   --table-only     run nothing: rebuild the table from the last run's records
# Prints the table and writes eval/bench-scale.md (committed; scripts/update-readme.py puts it
# into README.md). A developer script (network, long): CI never runs it.
set -euo pipefail
source "$(dirname "$0")/../eval/lib/common.sh"

bin="$ROOT/target/release/maprace"
vet=1; vet_timeout=1800; reuse=0; table_only=0
names=()
while [ $# -gt 0 ]; do
  case $1 in
    --binary) [ $# -ge 2 ] || die "--binary needs a path"; bin=$2; shift 2 ;;
    --binary=*) bin=${1#--binary=}; shift ;;
    --no-vet) vet=0; shift ;;
    --vet-timeout) [ $# -ge 2 ] || die "--vet-timeout needs seconds"; vet_timeout=$2; shift 2 ;;
    --reuse) reuse=1; shift ;;
    --table-only) table_only=1; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    -*) die "unknown option $1" ;;
    *) names+=("$1"); shift ;;
  esac
done
out="$EVAL_DIR/bench"
tool="$ROOT/eval/lib/evaltool.py"
if [ "$table_only" = 1 ]; then
  [ -f "$out/goroot.json" ] && [ -f "$out/header" ] || die "no recorded run in $out: run without --table-only first"
  python3 "$tool" bench "$out/results" "$out/table.md" "$out/goroot.json" >/dev/null
  cat "$out/header" "$out/table.md" >"$ROOT/eval/bench-scale.md"
  cat "$ROOT/eval/bench-scale.md"
  exit 0
fi
need_go
bin=$(need_binary "$bin")
sha=$(sha256sum "$bin" | cut -c1-16)
mkdir -p "$out/results" "$out/raw"

select_modules "${names[@]+"${names[@]}"}" >"$out/selection"
while read -r name mv; do
  prev="$EVAL_DIR/results/$name.json"
  if [ "$reuse" = 1 ] && [ -f "$prev" ] && python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r.get("binary") == sys.argv[2] and r["version"] == sys.argv[3] else 1)' "$prev" "$sha" "${mv##*@}"; then
    echo "== $name: reusing $prev (same binary)" >&2
    cp "$prev" "$out/results/$name.json"
    continue
  fi
  dir=$(fetch "$name" "$mv")
  echo "== $name ($mv)" >&2
  run_check "$bin" "$dir" "$out/raw/$name"
  python3 "$tool" record "$name" "$mv" "$dir" "$out/raw/$name" "$out/results"
done <"$out/selection"

# GOROOT/src: the tree of Go itself, read-only and not a module we fetch.
goroot=$(go env GOROOT)/src
gover=$(go version | awk '{print $3}')
echo "== GOROOT/src ($goroot, $gover)" >&2
# Cold (an empty incremental cache, filled by this run), then warm (every file cached), then as
# after editing one file: the entry of the largest file removed, so that file alone is parsed.
gcache=$(mktemp -d)
run_check "$bin" "$goroot" "$out/raw/goroot" "$gcache"
python3 "$tool" record "GOROOT/src" "GOROOT/src@$gover" "$goroot" "$out/raw/goroot" "$out/raw/goroot-rec" 2>&1 | sed 's/^/  /' >&2
mv "$out/raw/goroot-rec/GOROOT_src.json" "$out/goroot.json"
echo "== GOROOT/src warm" >&2
run_check "$bin" "$goroot" "$out/raw/goroot-warm" "$gcache"
largest=$(find "$gcache" -type f -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2-)
[ -n "$largest" ] && rm -f "$largest"
echo "== GOROOT/src after one file changed" >&2
run_check "$bin" "$goroot" "$out/raw/goroot-edit" "$gcache"
rm -rf "$gcache"
python3 - "$out/goroot.json" "$out/raw/goroot-warm" "$out/raw/goroot-edit" <<'PY'
import json, re, sys
r = json.load(open(sys.argv[1]))
for key, prefix in (("warm", sys.argv[2]), ("edited", sys.argv[3])):
    nums = [l.split() for l in open(prefix + ".time") if re.match(r"^[\d.]+ \d+$", l.strip())]
    same = open(prefix + ".json").read() == open(sys.argv[1].replace("goroot.json", "raw/goroot.json")).read()
    r[key] = {"seconds": float(nums[-1][0]), "peak_mib": int(nums[-1][1]) / 1024, "same_output": same} if nums else None
json.dump(r, open(sys.argv[1], "w"), indent=1)
PY

vetjson='null'
if [ "$vet" = 1 ]; then
  # A fresh GOCACHE: go vet type-checks every package from source, as on a first run; a warm
  # cache would make the comparison meaningless. Same memory cap as maprace.
  cache=$(mktemp -d)
  echo "== go vet ./... in $goroot (GOCACHE=$cache, timeout ${vet_timeout}s)" >&2
  set +e
  ( cd "$goroot" && ulimit -v "$MEM_KB" && GOCACHE=$cache GOFLAGS= exec timeout "$vet_timeout" \
      /usr/bin/time -f '%e %M' -o "$out/raw/vet.time" go vet ./... >"$out/raw/vet.out" 2>&1 )
  vrc=$?
  set -e
  rm -rf "$cache"
  vetjson=$(python3 - "$vrc" "$out/raw/vet.time" <<'PY'
import json, re, sys
rc = int(sys.argv[1])
try:
    nums = [l.split() for l in open(sys.argv[2]) if re.match(r"^[\d.]+ \d+$", l.strip())]
except OSError:
    nums = []
if rc == 124 or not nums:
    print(json.dumps({"status": "timeout" if rc == 124 else f"exit {rc}", "note": "no time recorded"}))
else:
    # go vet exits 1 when it reports something; it still analysed the whole tree.
    print(json.dumps({"status": "ok", "exit": rc, "seconds": float(nums[-1][0]), "peak_mib": int(nums[-1][1]) / 1024}))
PY
)
fi
python3 - "$out/goroot.json" "$vetjson" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
r["vet"] = json.loads(sys.argv[2])
json.dump(r, open(sys.argv[1], "w"), indent=1)
PY
{
  echo "Measured $(date -u +%Y-%m-%d) with maprace binary sha256 $sha on $(nproc) CPUs (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end; the machine is shared, times are noisy), $gover, caps: $((MEM_KB / 1024)) MiB of address space and ${TIMEOUT} s per tree."
  echo
} >"$out/header"
python3 "$tool" bench "$out/results" "$out/table.md" "$out/goroot.json" >/dev/null
cat "$out/header" "$out/table.md" >"$ROOT/eval/bench-scale.md"
cat "$ROOT/eval/bench-scale.md"
