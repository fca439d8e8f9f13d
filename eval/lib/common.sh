# Shared by scripts/realworld.sh and scripts/bench-scale.sh (sourced, not run): the module
# list, the fetch through the Go module proxy, and the capped run of `maprace check`.
# Everything downloaded or produced lives under $EVAL_DIR, outside the repository: no module
# code is ever committed.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EVAL_DIR=${MAPRACE_EVAL_DIR:-$HOME/.cache/maprace-eval}
MODULES_TXT="$ROOT/eval/realworld/modules.txt"
# The caps protect a machine shared with others: `check` has used 8-19 GiB on the largest
# trees. ulimit -v is in KiB of address space; 6000000 KiB is about 5.7 GiB.
MEM_KB=${MAPRACE_EVAL_MEM_KB:-6000000}
TIMEOUT=${MAPRACE_EVAL_TIMEOUT:-180}

die() { echo "$(basename "$0"): $*" >&2; exit 2; }

need_go() {
  command -v go >/dev/null 2>&1 || die "the go command is not on PATH: it fetches the modules (go mod download) and names GOROOT; install Go 1.22 or newer"
}

need_binary() { # PATH -> absolute path on stdout
  local b=$1
  [ -x "$b" ] || die "no maprace binary at $b: run 'cargo build --release' in $ROOT, or pass --binary PATH"
  echo "$(cd "$(dirname "$b")" && pwd)/$(basename "$b")"
}

# Lines "name module@version" of modules.txt, optionally only the names given.
select_modules() {
  local wanted=" $* " line name mv found
  for name in "$@"; do
    grep -qE "^$name[[:space:]]" "$MODULES_TXT" || die "no module named '$name' in $MODULES_TXT"
  done
  grep -vE '^[[:space:]]*(#|$)' "$MODULES_TXT" | while read -r name mv _; do
    if [ $# -eq 0 ] || [[ "$wanted" == *" $name "* ]]; then echo "$name $mv"; fi
  done
}

# fetch NAME MODULE@VERSION -> prints the writable source dir $EVAL_DIR/src/NAME@VERSION.
# The module cache is read-only, and some old modules have no go.mod (the tool finds the
# module root and import paths from go.mod), so each module is copied once; the marker file
# makes a second run reuse the copy (idempotent, and no network once fetched).
fetch() {
  local name=$1 mv=$2 mod=${2%@*} ver=${2##*@}
  local dst="$EVAL_DIR/src/$name@$ver"
  if [ ! -f "$dst/.maprace-eval-complete" ]; then
    local src
    # go mod download needs a directory without a go.mod of its own around it.
    src=$(cd "$EVAL_DIR" && GOFLAGS=-mod=mod go mod download -json "$mv" | python3 -c '
import json, sys
d = json.load(sys.stdin)
if d.get("Error"): sys.exit("go mod download: " + d["Error"])
print(d["Dir"])') || die "could not fetch $mv (the Go module proxy must be reachable)"
    rm -rf "$dst"; mkdir -p "$(dirname "$dst")"
    cp -r "$src" "$dst"; chmod -R u+w "$dst"
    [ -f "$dst/go.mod" ] || printf 'module %s\n\ngo 1.13\n' "$mod" >"$dst/go.mod"
    touch "$dst/.maprace-eval-complete"
  fi
  echo "$dst"
}

# run_check BIN DIR OUT_PREFIX [CACHE_DIR] -> writes OUT_PREFIX.json (stdout), .err (stderr), .time
# (every finding, lower-confidence ones included, each marked with its confidence; the report
# counts the default level's and says what `--level all` adds)
# ("seconds peak_KiB") and .rc. One module at a time: never two big checks at once.
# The incremental cache is CACHE_DIR, or an empty directory of its own: a cold run, which
# parses every file and writes the cache as a first run does (never the user's cache).
run_check() {
  local bin=$1 dir=$2 out=$3 cache=${4:-} rc own=
  if [ -z "$cache" ]; then cache=$(mktemp -d); own=1; fi
  set +e
  ( cd "$dir" && ulimit -v "$MEM_KB" && MAPRACE_CACHE_DIR=$cache exec timeout "$TIMEOUT" /usr/bin/time -f '%e %M' -o "$out.time" \
      "$bin" check --stats --level all --format json ./... >"$out.json" 2>"$out.err" )
  rc=$?
  set -e
  if [ -n "$own" ]; then rm -rf "$cache"; fi
  echo "$rc" >"$out.rc"
  # Which binary made the numbers: bench-scale.sh --reuse takes a result only from this one.
  sha256sum "$bin" | cut -c1-16 >"$out.bin"
}
