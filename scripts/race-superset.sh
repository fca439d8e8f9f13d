#!/usr/bin/env bash
# Is `maprace race -- go test -race` a superset of `go test -race`? Runs Go's own race tests
# ($(go env GOROOT)/src/runtime/race/testdata, copied to a temporary module; cgo files left out)
# and the lab scenarios (lab/scenarios/*, `go run -race .`) once under plain `-race` and once
# under `maprace race -- ... -race`, and prints a Markdown table per test / scenario: what
# -race reported, what maprace reported (its own findings and Go's reports merged into them),
# and whether maprace's report contains every race -race reported. TestNoRace* must be silent.
# Usage: scripts/race-superset.sh [MAPRACE]   (scripts/update-readme.py puts the summary in
# README.md's race-superset block; `--summary` prints only the summary.)
set -eu
mr=$(realpath "${1:-$(dirname "$0")/../target/release/maprace}")
summary=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Go's race tests.
mkdir -p "$work/racetest"
printf 'module racetest\n\ngo 1.25\n' >"$work/racetest/go.mod"
for f in "$(go env GOROOT)"/src/runtime/race/testdata/*_test.go; do
  # cgo, and files importing internal packages (synctest_test.go): not buildable outside GOROOT.
  grep -qE 'import "C"|"internal/' "$f" || cp "$f" "$work/racetest/"
done
rm -f "$work/racetest/cgo_test.go"
(cd "$work/racetest" && go test -race -count=1 -v . >"$work/plain.txt" 2>&1) || true
(cd "$work/racetest" && "$mr" race --no-confirm --format json -- go test -race -count=1 -v . >"$work/maprace.json" 2>"$work/maprace.txt") || true

# The lab scenarios.
for d in "$root"/lab/scenarios/*/; do
  name=$(basename "$d")
  mkdir -p "$work/lab/$name"
  printf 'module scenario\n\ngo 1.22\n' >"$work/lab/$name/go.mod"
  cp "$d/main.go" "$work/lab/$name/"
  (cd "$work/lab/$name" && go run -race . >"$work/lab/$name.plain.txt" 2>&1) || true
  (cd "$work/lab/$name" && "$mr" race --no-confirm --format json -- go run -race . >"$work/lab/$name.json" 2>"$work/lab/$name.maprace.txt") || true
done

python3 - "$work" "$root" "$summary" <<'PY'
import glob, json, os, re, sys
work, root, summary = sys.argv[1], sys.argv[2], sys.argv[3]

def funcs_of(path):
    out = []
    for i, l in enumerate(open(path, encoding="utf-8"), 1):
        m = re.match(r"func (Test\w+)", l)
        if m:
            out.append((i, m.group(1)))
    return out

FUNCS = {os.path.basename(p): funcs_of(p) for p in glob.glob(f"{work}/racetest/*_test.go")}

def test_at(file, line):
    name = None
    for i, n in FUNCS.get(os.path.basename(file), []):
        if i <= line:
            name = n
    return name

def race_places(text):
    """(file, line) of both accesses of every WARNING: DATA RACE report: the first frame in
    the module's files."""
    out = []
    for block in text.split("WARNING: DATA RACE")[1:]:
        block = block.split("==================")[0]
        for part in re.split(r"\n(?=\S)", block):
            if not re.match(r"(\w+ )*\w+ at 0x", part.strip()) and not part.strip().startswith("Previous"):
                continue
            for m in re.finditer(r"\n\s+(\S+\.go):(\d+)", part):
                f, l = m.group(1), int(m.group(2))
                if "/racetest/" in f or "/lab/" in f:
                    out.append((f, l))
                    break
    return out

def maprace_findings(path):
    try:
        return json.load(open(path))["findings"]
    except Exception:
        return None

rows, ok, total, missed, noise, own = [], 0, 0, [], [], 0
# Go's race tests: per test function.
plain = {test_at(f, l) for f, l in race_places(open(f"{work}/plain.txt", errors="replace").read())} - {None}
found = maprace_findings(f"{work}/maprace.json") or []
mr = {}
for f in found:
    t = test_at(f["file"], f["line"])
    if t:
        mr.setdefault(t, set()).add(f["rule"])
for _, n in sorted({x for v in FUNCS.values() for x in v}, key=lambda x: x[1]):
    total += 1
    p = n in plain
    got = mr.get(n, set())
    superset = (not p) or bool(got)
    silent_ok = not (n.startswith("TestNoRace") and got)
    own += bool(got - {"GORACE"}) and not p
    if superset and silent_ok:
        ok += 1
    if not superset:
        missed.append(n)
    if not silent_ok:
        noise.append(n)
    rows.append(f"| {n} | {'race' if p else '-'} | {', '.join(sorted(got)) or '-'} | {'yes' if superset and silent_ok else 'NO'} |")

# The lab scenarios: per scenario.
lab_rows, lab_ok, lab_total, lab_own = [], 0, 0, 0
for d in sorted(glob.glob(f"{root}/lab/scenarios/*/")):
    name = os.path.basename(d.rstrip("/"))
    lab_total += 1
    p = bool(race_places(open(f"{work}/lab/{name}.plain.txt", errors="replace").read()))
    got = {f["rule"] for f in (maprace_findings(f"{work}/lab/{name}.json") or [])}
    safe = name.startswith("safe-")
    good = ((not p) or bool(got)) and not (safe and got)
    lab_ok += good
    lab_own += bool(got - {"GORACE"}) and not p
    lab_rows.append(f"| {name} | {'race' if p else '-'} | {', '.join(sorted(got)) or '-'} | {'yes' if good else 'NO'} |")

print(f"**Superset of `-race`** (`scripts/race-superset.sh`): Go's race tests "
      f"(runtime/race/testdata, {total} tests, `go test -race -count=1`): maprace's report covers "
      f"-race's and is silent on `TestNoRace*` for {ok}/{total} tests ({len(plain)} tests -race reported; "
      f"{own} more reported by maprace alone: its atomicity findings); lab scenarios (`go run -race`): "
      f"{lab_ok}/{lab_total} ({lab_own} with maprace findings -race did not report).")
if missed:
    print(f"\nMissed (-race reported, maprace did not in its run): {', '.join(missed)}.")
if noise:
    print(f"\nReported on TestNoRace*: {', '.join(noise)}.")
if summary != "--summary":
    print("\n| test | -race | maprace race -- go test -race | superset |\n|---|---|---|---|")
    print("\n".join(rows))
    print("\n| lab scenario | -race | maprace race -- go run -race | superset |\n|---|---|---|---|")
    print("\n".join(lab_rows))
PY
