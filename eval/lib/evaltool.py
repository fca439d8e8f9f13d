#!/usr/bin/env python3
"""Helpers of scripts/realworld.sh and scripts/bench-scale.sh (see those for usage).

  evaltool.py record NAME MODULE@VERSION SRCDIR OUTPREFIX RESULTS_DIR
      turn one capped run (OUTPREFIX.json/.err/.time/.rc, written by eval/lib/common.sh's
      run_check) into RESULTS_DIR/NAME.json: source size, time, peak memory, status and the
      findings with paths relative to the module root and the source text of each line.
  evaltool.py report RESULTS_DIR SUMMARY_MD UNTRIAGED_TSV
      match every recorded finding against eval/realworld/triage.tsv, print the table, the
      untriaged findings and the stale triage rows; write the summary (committed, embedded in
      README.md by scripts/update-readme.py) and the untriaged rows (ready to triage).
  evaltool.py bench RESULTS_DIR SUMMARY_MD [GOROOT_RESULT_JSON]
      the scale table of issue #9 from the same kind of records.
  evaltool.py srcsize DIR
      print "files lines bytes" of the Go source under DIR.

Only the standard library: this runs on any machine with python3.
"""
import collections, json, os, re, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES_TXT = os.path.join(ROOT, "eval/realworld/modules.txt")
TRIAGE_TSV = os.path.join(ROOT, "eval/realworld/triage.tsv")
TRIAGE_COLS = ["module", "file", "line", "rule", "verdict", "why", "source"]
VERDICTS = ("real", "real-test", "false", "unsure")


def modules():
    out = []
    for line in open(MODULES_TXT, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            name, mv = line.split()[:2]
            out.append((name, mv))
    return out


def norm_source(text):
    """The reported line as the matcher compares it: whitespace collapsed, a trailing line
    comment dropped, so re-indentation and comment edits do not break a match."""
    text = re.sub(r"//.*$", "", text)
    return " ".join(text.split())


GENERATED = re.compile(rb"^// Code generated .* DO NOT EDIT\.$", re.M)


def srcsize(d):
    """Go files, lines and bytes under d, skipping what `maprace check ./...` skips by default:
    vendor, testdata, names starting with _ or ., and generated files (the go convention's
    "// Code generated ... DO NOT EDIT." line before the package clause). Build constraints
    are not applied, so this can be a little larger than what the tool read; it is the
    denominator of MB/s."""
    files = lines = size = 0
    for dp, dns, fns in os.walk(d):
        dns[:] = [x for x in dns if x not in ("vendor", "testdata") and x[0] not in "_."]
        for f in fns:
            if f.endswith(".go") and f[0] not in "_.":
                p = os.path.join(dp, f)
                with open(p, "rb") as fh:
                    data = fh.read()
                pkg = re.search(rb"^package ", data, re.M)
                if GENERATED.search(data[:pkg.start() if pkg else len(data)]):
                    continue
                files += 1
                size += len(data)
                lines += data.count(b"\n")
    return files, lines, size


def record(name, mv, srcdir, prefix, results_dir):
    rc = int(open(prefix + ".rc").read().strip() or "-1")
    err = open(prefix + ".err", encoding="utf-8", errors="replace").read()
    seconds = peak_kib = None
    if os.path.exists(prefix + ".time"):
        # /usr/bin/time -o writes "Command exited with non-zero status N" before the numbers.
        nums = [l.split() for l in open(prefix + ".time") if re.match(r"^[\d.]+ \d+$", l.strip())]
        if nums:
            seconds, peak_kib = float(nums[-1][0]), int(nums[-1][1])
    if rc == 124:
        status = "timeout"
    elif "memory allocation" in err or rc in (134, 137) or "out of memory" in err.lower():
        # Under ulimit -v an allocation fails and Rust aborts (SIGABRT, 134): the memory cap.
        status = "killed"
    elif rc in (0, 1):
        status = "ok"
    else:
        status = f"exit {rc}"
    stats = re.search(r"maprace: (\d+) files, (\d+) lines, ([\d.]+) s, (\d+) findings, (\d+) errors", err)
    tf, tl, tb = srcsize(srcdir)
    findings, nerrors = [], None
    if status == "ok":
        try:
            rep = json.load(open(prefix + ".json"))
            nerrors = len(rep.get("errors", []))
            for f in rep["findings"]:
                findings.append(finding_record(srcdir, f))
        except (ValueError, KeyError) as e:
            status = f"bad json ({e})"
    res = {
        "name": name, "module": mv.rsplit("@", 1)[0], "version": mv.rsplit("@", 1)[1],
        "binary": open(prefix + ".bin").read().strip() if os.path.exists(prefix + ".bin") else None,
        "status": status, "exit": rc,
        "files": int(stats.group(1)) if stats else None,
        "lines": int(stats.group(2)) if stats else None,
        "tree_files": tf, "tree_lines": tl, "tree_bytes": tb, "srcdir": srcdir,
        "seconds": seconds if status != "timeout" else None,
        "peak_mib": round(peak_kib / 1024, 1) if peak_kib else None,
        "errors": nerrors, "findings": findings,
        # The caps this run had (eval/lib/common.sh reads the same variables).
        "cap_mem_kb": int(os.environ.get("MAPRACE_EVAL_MEM_KB", 6000000)),
        "cap_timeout_s": int(os.environ.get("MAPRACE_EVAL_TIMEOUT", 180)),
        "stderr_tail": err.strip().splitlines()[-3:] if status != "ok" else [],
    }
    os.makedirs(results_dir, exist_ok=True)
    with open(os.path.join(results_dir, name.replace("/", "_") + ".json"), "w") as fh:
        json.dump(res, fh, indent=1)
    return res


def rel(srcdir, path):
    p = os.path.normpath(os.path.join(srcdir, path))
    return os.path.relpath(p, srcdir)


def line_text(srcdir, f, line):
    try:
        with open(os.path.join(srcdir, f), encoding="utf-8", errors="replace") as fh:
            for i, l in enumerate(fh, 1):
                if i == line:
                    return l.rstrip("\n")
    except OSError:
        pass
    return ""


def finding_record(srcdir, f):
    file = rel(srcdir, f["file"])
    return {
        "rule": f["rule"], "file": file, "line": f["line"], "message": f["message"],
        "confidence": f.get("confidence", "high"),
        "source": norm_source(line_text(srcdir, file, f["line"])),
        "related": [{"file": rel(srcdir, r["file"]), "line": r["line"], "message": r["message"],
                     "source": norm_source(line_text(srcdir, rel(srcdir, r["file"]), r["line"]))}
                    for r in f.get("related", [])],
    }


def load_triage():
    rows = []
    if not os.path.exists(TRIAGE_TSV):
        return rows
    for n, line in enumerate(open(TRIAGE_TSV, encoding="utf-8"), 1):
        line = line.rstrip("\n")
        if not line or line.startswith("#") or line.startswith("module\t"):
            continue
        cols = line.split("\t")
        if len(cols) < 6:
            sys.exit(f"{TRIAGE_TSV}:{n}: want {len(TRIAGE_COLS)} tab-separated columns, got {len(cols)}")
        row = dict(zip(TRIAGE_COLS, cols + [""] * (len(TRIAGE_COLS) - len(cols))))
        if row["verdict"] not in VERDICTS:
            sys.exit(f"{TRIAGE_TSV}:{n}: verdict '{row['verdict']}' is not one of {', '.join(VERDICTS)}")
        row["line"] = int(row["line"])
        row["tsv_line"] = n
        rows.append(row)
    return rows


def match(findings, rows):
    """Pair findings with triage rows of one module. First exact (file, line, rule); then, so
    that small line shifts still match, (file, rule, normalised source text) with the nearest
    line. Returns (pairs, untriaged findings, stale rows)."""
    pairs, free = [], list(rows)
    rest = []
    for f in findings:
        hit = next((r for r in free if (r["file"], r["line"], r["rule"]) == (f["file"], f["line"], f["rule"])), None)
        if hit:
            free.remove(hit)
            pairs.append((f, hit))
        else:
            rest.append(f)
    untriaged = []
    for f in rest:
        cands = [r for r in free if r["source"] and (r["file"], r["rule"], r["source"]) == (f["file"], f["rule"], f["source"])]
        if cands:
            hit = min(cands, key=lambda r: abs(r["line"] - f["line"]))
            free.remove(hit)
            pairs.append((f, hit))
        else:
            untriaged.append(f)
    return pairs, untriaged, free


def fmt(v, spec="{}"):
    return "-" if v is None else spec.format(v)


RETIRED_TSV = os.path.join(ROOT, "eval/realworld/triage-retired.tsv")


def retire_rows(stale):
    """Move triage rows that no finding matches any more (the analysis stopped reporting them)
    from triage.tsv to triage-retired.tsv, the record of what was fixed."""
    gone = {r["tsv_line"] for r in stale}
    kept, moved = [], []
    for n, line in enumerate(open(TRIAGE_TSV, encoding="utf-8"), 1):
        (moved if n in gone else kept).append(line)
    with open(TRIAGE_TSV, "w", encoding="utf-8") as fh:
        fh.writelines(kept)
    new = not os.path.exists(RETIRED_TSV)
    with open(RETIRED_TSV, "a", encoding="utf-8") as fh:
        if new:
            fh.write("# Triage rows of findings the analysis no longer reports (moved here by\n"
                     "# scripts/realworld.sh --retire-stale). Same columns as triage.tsv.\n")
        fh.writelines(moved)


def report(results_dir, summary_md, untriaged_tsv, retire=False):
    # Rows named race:NAME triage `maprace race` on the test suites of scripts/race-suites.sh
    # (eval/race-suites/record.py matches them), not this static run.
    rows = [r for r in load_triage() if not r["module"].startswith("race:")]
    by_mod = collections.defaultdict(list)
    for r in rows:
        by_mod[r["module"]].append(r)
    known = {n for n, _ in modules()}
    for m in by_mod:
        if m not in known:
            sys.exit(f"{TRIAGE_TSV}: module '{m}' is not in {MODULES_TXT}")
    table = ["| module | version | files | lines | seconds | peak MiB | findings | real | real-test | false | unsure | untriaged |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    tot = collections.Counter()
    low_all = collections.Counter()
    untriaged_all, stale_all, notrun, matched_rows = [], [], [], []
    by_rule = collections.defaultdict(collections.Counter)
    for name, mv in modules():
        p = os.path.join(results_dir, name + ".json")
        if not os.path.exists(p):
            notrun.append(name)
            table.append(f"| {name} | {mv.rsplit('@', 1)[1]} | | | | | not run | | | | | |")
            continue
        res = json.load(open(p))
        if res["version"] != mv.rsplit("@", 1)[1]:
            notrun.append(name)
            table.append(f"| {name} | {mv.rsplit('@', 1)[1]} | | | | | stale result ({res['version']}) | | | | | |")
            continue
        if res["status"] != "ok":
            caps = f" ({res.get('cap_mem_kb', 6000000) // 1024} MiB, {res.get('cap_timeout_s', 180)} s caps)"
            table.append(f"| {name} | {res['version']} | {fmt(res['files'])} | {fmt(res['lines'])} | {fmt(res['seconds'], '{:.1f}')} | {fmt(res['peak_mib'], '{:.0f}')} | **{res['status']}**{caps} | | | | | |")
            tot["failed"] += 1
            continue
        pairs, untriaged, stale = match(res["findings"], by_mod.get(name, []))
        # The table is what users see by default; `--level all`'s additions are counted apart.
        low_pairs = [(f, r) for f, r in pairs if f.get("confidence") == "low"]
        pairs = [(f, r) for f, r in pairs if f.get("confidence", "high") == "high"]
        shown = [f for f in res["findings"] if f.get("confidence", "high") == "high"]
        low_all.update(r["verdict"] for _, r in low_pairs)
        low_all["findings"] += len(res["findings"]) - len(shown)
        low_all["untriaged"] += sum(1 for f in untriaged if f.get("confidence") == "low")
        c = collections.Counter(r["verdict"] for _, r in pairs)
        for f, r in pairs:
            by_rule[f["rule"]][r["verdict"]] += 1
        for f in untriaged:
            if f.get("confidence", "high") == "high":
                by_rule[f["rule"]]["untriaged"] += 1
        for f in untriaged:
            untriaged_all.append((name, f))
        stale_all += stale
        matched_rows += [r for _, r in pairs]
        shown_untriaged = sum(1 for f in untriaged if f.get("confidence", "high") == "high")
        table.append(f"| {name} | {res['version']} | {res['files']} | {res['lines']} | {res['seconds']:.1f} | {res['peak_mib']:.0f} | "
                     f"{len(shown)} | {c['real']} | {c['real-test']} | {c['false']} | {c['unsure']} | {shown_untriaged} |")
        tot.update(c)
        tot["findings"] += len(shown)
        tot["untriaged"] += shown_untriaged
        tot["files"] += res["files"]
        tot["lines"] += res["lines"]
        tot["seconds"] += res["seconds"]
        tot["modules"] += 1
    table.append(f"| **total** ({tot['modules']} modules) | | {tot['files']} | {tot['lines']} | {tot['seconds']:.1f} | | {tot['findings']} | "
                 f"{tot['real']} | {tot['real-test']} | {tot['false']} | {tot['unsure']} | {tot['untriaged']} |")
    real = tot["real"] + tot["real-test"]
    judged = real + tot["false"]
    prec = f"{real / judged:.0%} ({real} of {judged}: {tot['real']} real, {tot['real-test']} real in test code, {tot['false']} false; {tot['unsure']} unsure left out)" if judged else "n/a (nothing triaged)"
    # Which binary and when: the table mixes the last result of each module, so say so.
    bins = sorted({json.load(open(os.path.join(results_dir, n + ".json"))).get("binary") or "?"
                   for n, _ in modules() if os.path.exists(os.path.join(results_dir, n + ".json"))})
    stamps = [os.path.getmtime(os.path.join(results_dir, n + ".json")) for n, _ in modules()
              if os.path.exists(os.path.join(results_dir, n + ".json"))]
    when = time.strftime("%Y-%m-%d", time.gmtime(max(stamps))) if stamps else "-"
    head = [f"Last run {when}, binary sha256 {', '.join(bins)} (one run per module, on {os.cpu_count()} CPUs; "
            f"the machine is shared, seconds are noisy).", ""]
    lines = head + table + ["", f"Precision real/(real+false), counting `real-test` as real: **{prec}**."]
    lreal = low_all["real"] + low_all["real-test"]
    lines.append(f"`--level all` adds {low_all['findings']} finding(s) of lower confidence: {lreal} real, {low_all['false']} false, "
                 f"{low_all['unsure']} unsure, {low_all['untriaged']} untriaged"
                 + (f" (precision with them: {(real + lreal) / (judged + lreal + low_all['false']):.0%})" if judged + lreal + low_all['false'] else "") + ".")
    lines.append("By rule: " + "; ".join(
        f"{rule} {sum(c.values())} ({c['real'] + c['real-test']} real, {c['false']} false"
        + (f", {c['unsure']} unsure" if c['unsure'] else "") + (f", {c['untriaged']} untriaged" if c['untriaged'] else "") + ")"
        for rule, c in sorted(by_rule.items())) + ".")
    if tot["failed"]:
        lines.append(f"{tot['failed']} module(s) did not finish under the caps shown (address space, wall time): "
                     "their findings are not counted.")
    if notrun:
        lines.append("Not run: " + ", ".join(notrun) + ".")
    # Classes of the false positives reported now (rows no finding matches any more are
    # history: `realworld.sh --retire-stale` moves them to triage-retired.tsv).
    classes = collections.Counter()
    for r in matched_rows:
        if r["verdict"] == "false":
            for cl in re.findall(r"^\[([a-z0-9-]+)\]", r["why"]):
                classes[cl] += 1
    idioms = os.path.join(ROOT, "eval/realworld/IDIOMS.md")
    missing = [k for k in classes if os.path.exists(idioms) and f"### `{k}`" not in open(idioms, encoding="utf-8").read()]
    if missing:
        # Not in the README block: a reminder for whoever triaged, on stderr.
        print(f"classes with no section in IDIOMS.md yet: {', '.join(missing)}", file=sys.stderr)
    if classes:
        lines.append("")
        lines.append("False-positive classes in the triage (eval/realworld/IDIOMS.md has a sketch of each): " +
                     ", ".join(f"`{k}` {v}" for k, v in classes.most_common()) + ".")
    text = "\n".join(lines)
    with open(summary_md, "w") as fh:
        fh.write(text + "\n")
    print(text)
    # Untriaged: one paste-ready triage row each (verdict and why empty), then what a reviewer
    # needs to open both sides.
    with open(untriaged_tsv, "w") as fh:
        for name, f in untriaged_all:
            rel_ = "; ".join(f"{r['file']}:{r['line']}" for r in f["related"])
            fh.write("\t".join([name, f["file"], str(f["line"]), f["rule"], "", "", f["source"], f["message"], rel_]) + "\n")
    if untriaged_all:
        print(f"\n{len(untriaged_all)} untriaged findings (rows to fill in: {untriaged_tsv}):")
        for name, f in untriaged_all:
            print(f"  {name} {f['file']}:{f['line']} {f['rule']}: {f['message'][:160]}")
    if stale_all and retire:
        retire_rows(stale_all)
        print(f"\n{len(stale_all)} stale triage rows moved to {os.path.relpath(RETIRED_TSV, ROOT)}")
    elif stale_all:
        print(f"\n{len(stale_all)} stale triage rows (no finding matches them any more; --retire-stale moves them to {os.path.relpath(RETIRED_TSV, ROOT)}):")
        for r in stale_all:
            print(f"  triage.tsv:{r['tsv_line']}: {r['module']} {r['file']}:{r['line']} {r['rule']} ({r['verdict']})")


def bench(results_dir, summary_md, goroot_json=None):
    recs = []
    for name, mv in modules():
        p = os.path.join(results_dir, name + ".json")
        if os.path.exists(p):
            r = json.load(open(p))
            if r["version"] == mv.rsplit("@", 1)[1]:
                recs.append(r)
    if goroot_json and os.path.exists(goroot_json):
        recs.append(json.load(open(goroot_json)))
    hdr = ["| tree | files | lines | MB | seconds | peak MiB | MB/s | s per 100k lines | MiB per 100k lines | status |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    out = list(hdr)
    per_line = []
    over = []
    for r in recs:
        mb = r["tree_bytes"] / 1e6
        lines = r["lines"] or r["tree_lines"]
        files = r["files"] or r["tree_files"]
        ok = r["status"] == "ok"
        s, m = r["seconds"], r["peak_mib"]
        mbs = f"{mb / s:.1f}" if ok and s else "-"
        sp = f"{s / lines * 1e5:.2f}" if ok and s else "-"
        mp = f"{m / lines * 1e5:.0f}" if ok and m else "-"
        if ok and s:
            per_line.append((lines, s / lines, r["name"]))
        is_goroot = r["name"] == "GOROOT/src"
        if not is_goroot and (not ok or (s or 0) > 60 or (m or 0) > 1024):
            over.append(r["name"])
        status = r["status"] if ok else f"**{r['status']}** (caps {r.get('cap_mem_kb', 6000000) // 1024} MiB, {r.get('cap_timeout_s', 180)} s)"
        out.append(f"| {r['name']} | {files} | {lines} | {mb:.1f} | {fmt(s, '{:.1f}')} | {fmt(m, '{:.0f}')} | {mbs} | {sp} | {mp} | {status} |")
    notes = []
    if goroot_json and os.path.exists(goroot_json):
        g = json.load(open(goroot_json))
        if g["status"] == "ok" and g["seconds"]:
            notes.append(f"GOROOT/src: {g['peak_mib']:.0f} MiB peak (target ≤ 400 MiB: {'met' if g['peak_mib'] <= 400 else 'NOT met'}), "
                         f"{g['tree_bytes'] / 1e6 / g['seconds']:.1f} MB/s (target ≥ 20 MB/s: {'met' if g['tree_bytes'] / 1e6 / g['seconds'] >= 20 else 'NOT met'}).")
        else:
            notes.append(f"GOROOT/src: {g['status']} under the caps (targets ≤ 400 MiB, ≥ 20 MB/s: NOT met).")
        w, e = g.get("warm"), g.get("edited")
        if w and e and g["status"] == "ok" and g["seconds"]:
            ratio = e["seconds"] / g["seconds"]
            same = "identical" if w["same_output"] and e["same_output"] else "**different**"
            notes.append(f"GOROOT/src with the incremental cache: warm (every file cached) {w['seconds']:.1f} s, "
                         f"{g['tree_bytes'] / 1e6 / w['seconds']:.1f} MB/s, {w['peak_mib']:.0f} MiB; after one file changed "
                         f"(the largest file's entry removed) {e['seconds']:.1f} s = {100 * ratio:.0f}% of the cold run "
                         f"(target < 10%: {'met' if ratio < 0.1 else 'NOT met'}); output {same} to the cold run's.")
        v = g.get("vet")
        if v:
            if v.get("status") == "ok" and g["status"] == "ok" and g["seconds"]:
                ratio = v["seconds"] / g["seconds"]
                notes.append(f"`go vet ./...` on the same tree with a fresh GOCACHE: {v['seconds']:.0f} s, {v['peak_mib']:.0f} MiB peak; "
                             f"go vet time / maprace time = **{ratio:.1f}×** (target ≥ 30×: {'met' if ratio >= 30 else 'NOT met'}).")
            else:
                notes.append(f"`go vet ./...` with a fresh GOCACHE: {v.get('status')} ({v.get('note', '')}); no ratio.")
        else:
            notes.append("`go vet` not measured in this run (--no-vet).")
    mods = [r for r in recs if r["name"] != "GOROOT/src"]
    notes.append(f"Modules over the per-module targets (≤ 60 s and ≤ 1 GiB, finished): {', '.join(over) if over else 'none'} "
                 f"({len(mods) - len(over)} of {len(mods)} met).")
    if len(per_line) >= 2:
        small = min(per_line)
        large = max(per_line)
        worst = max(per_line, key=lambda x: x[1])
        ratio = large[1] / small[1]
        failed = [r["name"] for r in recs if r["status"] != "ok"]
        met = ratio <= 2 and not failed
        notes.append(f"Time per line of the largest finished tree ({large[2]}, {large[0]} lines) / the smallest's ({small[2]}, {small[0]} lines): "
                     f"{ratio:.1f}×; the costliest per line is {worst[2]} at {worst[1] / small[1]:.1f}× the smallest's"
                     + (f"; {', '.join(failed)} did not finish under the caps" if failed else "")
                     + f" (target ≤ 2× for the largest tree: {'met' if met else 'NOT met'}).")
    text = "\n".join(out + [""] + ["- " + n for n in notes])
    print(text)
    with open(summary_md, "w") as fh:
        fh.write(text + "\n")


def main():
    a = sys.argv[1:]
    if not a:
        sys.exit(__doc__)
    if a[0] == "record":
        r = record(*a[1:6])
        print(f"{r['name']}: {r['status']}, {fmt(r['files'])} files, {fmt(r['lines'])} lines, "
              f"{fmt(r['seconds'], '{:.1f}')} s, {fmt(r['peak_mib'], '{:.0f}')} MiB, {len(r['findings'])} findings", file=sys.stderr)
    elif a[0] == "report":
        report(*a[1:4], retire="--retire-stale" in a[4:])
    elif a[0] == "bench":
        bench(*a[1:4])
    elif a[0] == "srcsize":
        print(*srcsize(a[1]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
