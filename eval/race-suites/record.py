#!/usr/bin/env python3
"""Helper of scripts/race-suites.sh.

record NAME RAW OUT.json   parse the four runs' logs of one module (RAW/{plain,race,maprace,
                           maprace+race}.{log,json,time,rc}) into OUT.json: per configuration
                           the wall time, exit code, passing/failing packages and tests; and
                           maprace's findings.
report MODULES RESULTS MD TRIAGE   write the Markdown table (eval/race-suites.md) from every
                           results/NAME.json, matching each finding against triage.tsv.
diffs RAW                  the tests to run again: one line per (pair, package, top-level test)
                           whose outcome differs between the two configurations of a pair
                           (plain vs maprace, race vs maprace+race), as I, A, B, PACKAGE, TEST
                           separated by tabs.

Reruns (RAW/rerun/I-CONFIG.log, `go test -v -count=N -run '^TEST$' PACKAGE`) classify each
such test: failed at least once under both configurations, or passed every time under both:
flaky (the same outcome); failed under maprace only: "fails only under maprace" (NO); failed
without maprace only: "fails only without maprace".
"""
import json, os, re, sys

CONFIGS = ["plain", "race", "maprace", "maprace+race"]
PAIRS = (("plain", "maprace"), ("race", "maprace+race"))


def outcomes(log):
    """{package: "ok"|"FAIL"|"skip"} and {package/Test: "FAIL"} from `go test` output (not -json)."""
    pkgs, tests, pending = {}, set(), []
    for line in log.splitlines():
        m = re.match(r"^\s*--- FAIL: (\S+)", line)
        if m:
            pending.append(m.group(1))
            continue
        m = re.match(r"^(ok|FAIL|\?)\s+(\S+)\s", line + " ")
        if m and (m.group(1) != "FAIL" or "\t" in line):
            kind = {"ok": "ok", "FAIL": "FAIL", "?": "skip"}[m.group(1)]
            pkgs[m.group(2)] = kind
            if kind == "FAIL":
                tests.update(f"{m.group(2)}.{t}" for t in pending)
            pending = []
    return pkgs, sorted(tests)


def split_test(failed, packages):
    """("pkg", "Test") of a failed test named "pkg.Test/sub" (the longest package that prefixes
    it: package paths have dots too); None if no package does."""
    best = None
    for p in packages:
        if failed.startswith(p + ".") and (best is None or len(p) > len(best)):
            best = p
    if best is None:
        return None
    return best, failed[len(best) + 1:].split("/")[0]


def diffs(raw):
    """(pair a, pair b, package, top-level test) for every test that failed in one
    configuration of a pair and not in the other."""
    runs = {}
    for cfg in CONFIGS:
        runs[cfg] = outcomes(open(f"{raw}/{cfg}.log", errors="replace").read())
    out = []
    for a, b in PAIRS:
        (pa, fa), (pb, fb) = runs[a], runs[b]
        for t in sorted(set(fa) ^ set(fb)):
            st = split_test(t, set(pa) | set(pb))
            if st and (a, b) + st not in out:
                out.append((a, b) + st)
    return out


def rerun_counts(log, test, n):
    """(failed, passed, skipped) of the top-level test `test` over a rerun's log (`go test -v`);
    runs that never reported (a panic, a timeout) count as failed."""
    res = re.findall(r"^--- (PASS|FAIL|SKIP): " + re.escape(test) + r" \(", log, re.M)
    passed, failed, skipped = res.count("PASS"), res.count("FAIL"), res.count("SKIP")
    return failed + max(0, n - len(res)), passed, skipped


def classify(fa, fb):
    if fa and fb:
        return "flaky in both"
    if not fa and not fb:
        return "flaky: passed in every rerun of both"
    if fb:
        return "fails only under maprace"
    return "fails only without maprace"


def reruns(raw):
    """The reruns of RAW/rerun (see the module doc), with their counts and verdicts."""
    index = f"{raw}/rerun/index.tsv"
    if not os.path.exists(index):
        return []
    n = int(open(f"{raw}/rerun/count").read())
    out = []
    for line in open(index):
        i, a, b, pkg, test = line.rstrip("\n").split("\t")
        r = {"pair": [a, b], "package": pkg, "test": test, "count": n, "failed": {}, "passed": {}, "skipped": {}}
        for cfg in (a, b):
            path = f"{raw}/rerun/{i}-{cfg}.log"
            log = open(path, errors="replace").read() if os.path.exists(path) else ""
            r["failed"][cfg], r["passed"][cfg], r["skipped"][cfg] = rerun_counts(log, test, n)
        r["verdict"] = classify(r["failed"][a], r["failed"][b])
        out.append(r)
    return out


def rawdir(raw):
    if os.path.exists(f"{raw}/dir"):
        return open(f"{raw}/dir").read().strip()
    mv = open(f"{raw}/module").read().split()[0]
    name = os.path.basename(raw)
    return os.path.join(os.path.dirname(os.path.dirname(raw)), "src", name + "@" + mv.rsplit("@", 1)[1], name)


def record(name, raw, out):
    res = {"name": name, "module": open(f"{raw}/module").read().strip(),
           "bin": open(f"{raw}/bin").read().strip(), "load": open(f"{raw}/load").read().strip(),
           "date": open(f"{raw}/date").read().strip(), "dir": rawdir(raw),
           "runs": {}, "findings": []}
    for cfg in CONFIGS:
        log = open(f"{raw}/{cfg}.log", errors="replace").read()
        pkgs, tests = outcomes(log)
        r = {"time": float(open(f"{raw}/{cfg}.time").read()), "rc": int(open(f"{raw}/{cfg}.rc").read()),
             "packages": pkgs, "failed_tests": tests,
             "data_races": log.count("WARNING: DATA RACE")}
        if cfg.startswith("maprace"):
            try:
                rep = json.load(open(f"{raw}/{cfg}.json"))
                r["findings"] = len(rep["findings"])
                r["errors"] = rep.get("errors", [])
                for f in rep["findings"]:
                    f["config"] = cfg
                    res["findings"].append(f)
            except Exception as e:  # a crash or timeout: no report
                r["findings"] = None
                r["errors"] = [f"no JSON report: {e}"]
            r["maprace_said"] = [l for l in log.splitlines() if l.startswith("maprace:")][-5:]
        res["runs"][cfg] = r
    res["reruns"] = reruns(raw)
    json.dump(res, open(out, "w"), indent=1)


def triage_rows(path):
    rows = []
    for line in open(path, encoding="utf-8"):
        if line.startswith(("#", "module\t")) or not line.strip():
            continue
        p = line.rstrip("\n").split("\t")
        if len(p) >= 7:
            rows.append(p)
    return rows


def key(f):
    return (f["rule"], re.sub(r"^\./", "", f["file"]), f["line"])


def report(modules_txt, results, md, triage):
    mods = []
    for line in open(modules_txt):
        if line.strip() and not line.lstrip().startswith("#"):
            p = line.split()
            mods.append((p[0], p[1], " ".join(p[2:])))
    tri = triage_rows(triage)
    lines = ["**Real test suites** (`scripts/race-suites.sh`, issue #13): each pinned module's own "
             "`go test -count=1 ./...`, plain, with `-race`, under `maprace race --`, and under "
             "`maprace race --` with `-race`; each configuration built once before it is timed. "
             "*same outcome*: the packages and tests that pass and fail are the same under maprace as "
             "without it (plain vs maprace, -race vs maprace + -race). Ratios: maprace's wall time over "
             "`go test -race`'s (target ≤ 1.0× without `-race`, ≤ 1.3× with it).", "",
             "| module | packages (ok/fail) | plain | -race | maprace | maprace + -race | maprace / -race | (maprace + -race) / -race | same outcome | findings (triaged) |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    notes, meta = [], set()
    for name, mv, flags in mods:
        p = f"{results}/{name}.json"
        if not os.path.exists(p):
            lines.append(f"| {mv} | not run | | | | | | | | |")
            continue
        r = json.load(open(p))
        meta.add((r["date"], r["bin"]))
        runs = r["runs"]
        t = {c: runs[c]["time"] for c in CONFIGS}
        pk = runs["plain"]["packages"]
        ok = sum(v == "ok" for v in pk.values())
        fail = sum(v == "FAIL" for v in pk.values())
        # The reruns of the tests that differ within a pair, by (pair, package, test). A test
        # that failed only under maprace in its pair's reruns but failed without maprace in the
        # other pair too (its first run or its reruns: a timing window -race's slowdown opens as
        # well) is flaky, not failing because of maprace.
        rr = {}
        allpkgs = {p for c in CONFIGS for p in runs[c]["packages"]}
        for x in r.get("reruns", []):
            x = dict(x)
            x["without"] = sorted({c for c in ("plain", "race")
                                   if any(split_test(ft, allpkgs) == (x["package"], x["test"])
                                          for ft in runs[c]["failed_tests"])}
                                  | {y["pair"][0] for y in r["reruns"]
                                     if (y["package"], y["test"]) == (x["package"], x["test"]) and y["failed"][y["pair"][0]]})
            if x["verdict"] == "fails only under maprace" and x["without"]:
                x["verdict"] = f"flaky: fails without maprace too (under {' and '.join(x['without'])})"
            rr[(tuple(x["pair"]), x["package"], x["test"])] = x
        same, only_mr, rerun_notes = [], [], []
        flaky, rerun_mr, rerun_without = set(), set(), set()
        for a, b in PAIRS:
            fa, fb = set(runs[a]["failed_tests"]), set(runs[b]["failed_tests"])
            pd = sorted(k for k in set(runs[a]["packages"]) | set(runs[b]["packages"])
                        if runs[a]["packages"].get(k) != runs[b]["packages"].get(k))
            if pd or fa != fb:
                same.append(f"{a} vs {b}: packages that differ: {', '.join(pd) or '-'}; failed only in {a}: "
                            f"{', '.join(sorted(fa - fb)) or '-'}; failed only in {b}: {', '.join(sorted(fb - fa)) or '-'}")
                pkgs = set(runs[a]["packages"]) | set(runs[b]["packages"])
                unexplained = set()
                for ft in sorted(fa ^ fb):
                    st = split_test(ft, pkgs)
                    x = rr.get(((a, b),) + st) if st else None
                    if x is None:
                        unexplained.add(ft)
                        continue
                    # The verdict of the reruns replaces the single run's.
                    label = x["test"]
                    {"fails only under maprace": rerun_mr, "fails only without maprace": rerun_without}.get(
                        x["verdict"], flaky).add(label)
                only_mr += sorted(unexplained & (fb - fa)) + [p for p in pd if runs[b]["packages"].get(p) == "FAIL"
                                                              and not (fb - fa)]
        for x in rr.values():
            a, b = x["pair"]
            counts = "; ".join(f"{c} failed {x['failed'][c]}/{x['count']}"
                               + (f" (skipped {x['skipped'][c]})" if x["skipped"][c] else "") for c in (a, b))
            rerun_notes.append(f"- {name_of(r)}: rerun of `{x['test']}` ({x['package']}) alone, "
                               f"`go test -v -count={x['count']} -run '^{x['test']}$'` under {a} and under {b}: "
                               f"{counts}: **{x['verdict']}**")
        # A test that failed without maprace too (in the other pair) is flaky, not maprace's doing.
        without = set(runs["plain"]["failed_tests"]) | set(runs["race"]["failed_tests"])
        flaky_unrun = sorted(set(only_mr) & without)
        only_mr = sorted(set(only_mr) - without)
        if not same:
            verdict = "yes"
        elif only_mr or rerun_mr:
            verdict = f"**NO**: {len(only_mr) + len(rerun_mr)} test(s) failed only under maprace (see below)"
        elif flaky and not flaky_unrun and not rerun_without:
            verdict = f"yes (flaky: {', '.join(sorted(flaky))}; reruns below)"
        elif flaky or flaky_unrun:
            verdict = "yes, but flaky tests failed on different sides (see below)"
        else:
            verdict = "yes, but a test failed only without maprace (see below)"
        uniq = {}
        for f in r["findings"]:
            uniq.setdefault(key(f), f)
        triaged = 0
        for (rule, file, line), f in uniq.items():
            # Rows of dynamic findings are named race:NAME, apart from scripts/realworld.sh's
            # static ones (which would count them stale).
            hit = [row for row in tri if row[0] == "race:" + name and row[3] == rule and
                   (file.endswith(row[1]) or row[1].endswith(file)) and
                   (str(line) == row[2] or " ".join(row[6].split()) == source_line(r, f))]
            triaged += bool(hit)
        ratio = lambda a: f"{t[a] / t['race']:.2f}×" if t["race"] > 0 else "-"
        flag = f" `{flags}`" if flags else ""
        lines.append(f"| {mv}{flag} | {ok}/{fail} | {t['plain']:.1f} s | {t['race']:.1f} s | {t['maprace']:.1f} s | "
                     f"{t['maprace+race']:.1f} s | {ratio('maprace')} | {ratio('maprace+race')} | "
                     f"{verdict} | {len(uniq)} ({triaged}) |")
        for s in same:
            notes.append(f"- {name}: differs, {s}")
        notes += rerun_notes
        for c in ("maprace", "maprace+race"):
            if runs[c].get("findings") is None:
                notes.append(f"- {name}: {c} wrote no report ({'; '.join(runs[c]['errors'])})")
    dates = ", ".join(sorted({d for d, _ in meta}))
    bins = ", ".join(sorted({b for _, b in meta}))
    loads = []
    for name, _, _ in mods:
        p = f"{results}/{name}.json"
        if os.path.exists(p):
            loads.append(f"{name} {json.load(open(p))['load']}")
    lines += ["", f"Measured {dates} on {os.cpu_count()} CPUs shared with other jobs (load average "
              f"1/5/15 min at the end of each module: {'; '.join(loads)}), maprace binary sha256 {bins}. "
              "Findings: distinct (rule, file, line) over both maprace runs; triage in "
              "`eval/realworld/triage.tsv`."]
    if notes:
        lines += [""] + notes
    # Hand-written explanations of the differences above (why a test failed on one side).
    extra = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
    if os.path.exists(extra):
        lines += ["", open(extra, encoding="utf-8").read().strip()]
    open(md, "w", encoding="utf-8").write("\n".join(lines) + "\n")
    print("\n".join(lines))


def name_of(r):
    return r["name"]


def source_line(r, f):
    path = f["file"] if os.path.isabs(f["file"]) else os.path.join(r.get("dir", ""), f["file"])
    try:
        return " ".join(open(path, errors="replace").read().splitlines()[f["line"] - 1].split())
    except (OSError, IndexError):
        return ""


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(*sys.argv[2:5])
    elif sys.argv[1] == "diffs":
        for i, d in enumerate(diffs(sys.argv[2]), 1):
            print("\t".join((str(i),) + d))
    else:
        report(*sys.argv[2:6])
