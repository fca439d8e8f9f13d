#!/usr/bin/env python3
"""Run `maprace check` on Go's own race-detector tests and print, per test function, whether a
finding falls inside it. TestRace* should be found, TestNoRace* must stay silent.

usage: scripts/racetest-table.py [MAPRACE_BIN] [GO_TEST_FILE...]
Prints a Markdown table and a summary line; exits 1 if a TestNoRace* is reported.
"""
import json, os, re, subprocess, sys

def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/maprace"
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    files = sys.argv[2:] or [os.path.join(goroot, "src/runtime/race/testdata/map_test.go")]
    rows = []
    for f in files:
        out = subprocess.run([binary, "check", "--format", "json", f], capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"maprace failed on {f}: {out.stderr.strip()}")
        findings = json.loads(out.stdout)["findings"]
        lines = open(f, encoding="utf-8").read().splitlines()
        funcs = []
        for i, l in enumerate(lines, 1):
            m = re.match(r"func (Test\w+)\(", l)
            if m:
                funcs.append((m.group(1), i))
        for n, (name, start) in enumerate(funcs):
            end = funcs[n + 1][1] - 1 if n + 1 < len(funcs) else len(lines)
            hits = sorted({x["rule"] for x in findings if start <= x["line"] <= end})
            rows.append((os.path.basename(f), name, hits))
    print("| test | expected | maprace check |")
    print("|---|---|---|")
    found = missed = silent = false_pos = 0
    req_found = req_total = 0
    for fname, name, hits in rows:
        racy = name.startswith("TestRace")
        verdict = ", ".join(hits) if hits else "-"
        if racy and not any(p in name for p in ("PartKey", "PartVal", "BigKey", "BigVal", "AssignMultipleReturn")):
            req_total += 1
            req_found += bool(hits)
        if racy:
            ok = bool(hits)
            found += ok
            missed += not ok
        else:
            ok = not hits
            silent += ok
            false_pos += not ok
        bonus = any(p in name for p in ("PartKey", "PartVal", "BigKey", "BigVal", "AssignMultipleReturn"))
        kind = "race on a key/value variable (bonus)" if racy and bonus else ("race on the map" if racy else "no race")
        mark = "found" if racy and hits else ("missed" if racy else ("silent" if not hits else "FALSE POSITIVE"))
        print(f"| {name} | {kind} | {mark} {verdict if hits else ''} |")
    print()
    print(f"Races on the map object: {req_found} of {req_total} found; all TestRace*: {found} found, {missed} missed; TestNoRace*: {silent} silent, {false_pos} reported")
    sys.exit(1 if false_pos else 0)

main()
