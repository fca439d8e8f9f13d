#!/usr/bin/env python3
"""Regenerate the measured blocks of README.md (between <!-- BEGIN x --> and <!-- END x -->)
from the scripts that measure them. Nothing in those blocks is typed by hand.

usage: scripts/update-readme.py [--skip-lab] [--skip-race] [--skip-superset]

The real-world, scale, race-targets and race-suites blocks (`realworld`, `bench-scale`,
`race-targets`, `race-suites`) are copied from the summaries that scripts/realworld.sh,
scripts/bench-scale.sh, scripts/race-targets.sh and scripts/race-suites.sh write
(eval/realworld/summary.md, eval/bench-scale.md, eval/race-targets.md, eval/race-suites.md):
those scripts fetch modules over the network and take minutes, so this script never runs them;
run them first to refresh the numbers.
"""
import collections, json, os, re, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/maprace")


def run(cmd, **kw):
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, **kw)


def corpus_block():
    wants = collections.Counter()
    files = 0
    for d, _, fs in os.walk(os.path.join(ROOT, "corpus")):
        for f in fs:
            if f.endswith(".go"):
                files += 1
                for line in open(os.path.join(d, f), encoding="utf-8"):
                    for rule in re.findall(r'// want "(MR\d{3})"', line):
                        wants[rule] += 1
    out = run([BIN, "check", "--format", "json", "corpus/..."])
    got = json.loads(out.stdout)["findings"]
    found = collections.Counter(f["rule"] for f in got)
    test = run(["cargo", "test", "--release", "--quiet", "--test", "corpus"])
    verdict = "passes" if test.returncode == 0 else "FAILS"
    rows = ["| rule | `want` lines | reported |", "|---|---|---|"]
    for r in sorted(wants):
        rows.append(f"| {r} | {wants[r]} | {found[r]} |")
    return "\n".join(
        [f"**Corpus** (`corpus/`, {files} Go files in the style of analysistest; `tests/corpus.rs` "
         f"{verdict}: every `want` reported on its line, nothing else reported):", ""] + rows)


def racetest_block():
    out = run(["python3", "scripts/racetest-table.py", BIN])
    return out.stdout.strip()


def goroot_block():
    out = run(["bash", "scripts/goroot-scan.sh", BIN])
    if out.returncode != 0:
        sys.exit("goroot scan failed:\n" + out.stderr)
    lines = [l for l in out.stdout.strip().splitlines() if not l.startswith("error:")]
    errors = [l for l in out.stdout.splitlines() if l.startswith("error:")]
    body = "\n".join("    " + l for l in lines)
    if errors:
        body += f"\n\n{len(errors)} files named in errors (tree-sitter-go does not parse their newest syntax; the rest of each file was analysed)."
    cpu = run(["nproc"]).stdout.strip()
    return body + f"\n\nMeasured on {cpu} CPUs."


def parity_block():
    # The real-world modules too, when scripts/realworld.sh has fetched them.
    src = os.path.join(os.environ.get("MAPRACE_EVAL_DIR", os.path.expanduser("~/.cache/maprace-eval")), "src")
    mods = sorted(os.path.join(src, d) for d in os.listdir(src)) if os.path.isdir(src) else []
    out = run(["bash", "scripts/syntax-parity.sh", BIN] + mods)
    tail = out.stdout.strip().splitlines()[-2:]
    diffs = [l for l in out.stdout.splitlines() if l.startswith(("maprace only:", "gofmt only:"))]
    body = "\n".join("    " + l for l in tail)
    if diffs:
        body += "\n\nDifferences:\n\n" + "\n".join("    " + l for l in diffs[:20])
    ver = run(["go", "version"]).stdout.split()[2:3]
    over = f"GOROOT/src, tests/syntax and the {len(mods)} real-world modules" if mods else "GOROOT/src and tests/syntax"
    return body + f"\n\nOver {over}; measured with {' '.join(ver)} by `scripts/syntax-parity.sh`."


def file_block(path, title):
    p = os.path.join(ROOT, path)
    if not os.path.exists(p):
        return None
    return f"{title}\n\n" + open(p, encoding="utf-8").read().strip()


def replace(text, name, block):
    pat = re.compile(rf"(<!-- BEGIN {name} -->\n).*?(<!-- END {name} -->)", re.S)
    if not pat.search(text):
        sys.exit(f"README.md has no block {name}")
    return pat.sub(lambda m: m.group(1) + block + "\n" + m.group(2), text)


def main():
    b = run(["cargo", "build", "--release", "--quiet"])
    if b.returncode != 0:
        sys.exit(b.stderr)
    readme = os.path.join(ROOT, "README.md")
    text = open(readme, encoding="utf-8").read()
    text = replace(text, "corpus", corpus_block())
    text = replace(text, "racetest", racetest_block())
    text = replace(text, "goroot", goroot_block())
    # Summaries written by the developer scripts of issues #8 and #9 (see the docstring).
    for name, path in (("realworld", "eval/realworld/summary.md"), ("bench-scale", "eval/bench-scale.md"), ("race-targets", "eval/race-targets.md"),
                       ("race-suites", "eval/race-suites.md")):
        if f"<!-- BEGIN {name} -->" in text and os.path.exists(os.path.join(ROOT, path)):
            text = replace(text, name, open(os.path.join(ROOT, path), encoding="utf-8").read().strip())
    text = replace(text, "parity", parity_block())
    # The fuzz figures come from a long recorded run (scripts/fuzz.sh), not from this script:
    # docs/fuzz-run.md holds them with the command that produced them.
    block = file_block("docs/fuzz-run.md", "")
    if block:
        text = replace(text, "fuzz", block.strip())
    if "--skip-lab" not in sys.argv and "<!-- BEGIN lab -->" in text:
        out = run(["bash", "scripts/lab-table.sh"])
        if out.returncode != 0:
            sys.exit("lab failed:\n" + out.stderr)
        block = file_block("docs/lab.md", "")
        if block:
            text = replace(text, "lab", block.strip())
    if "--skip-race" not in sys.argv and "<!-- BEGIN race-bench -->" in text:
        out = run(["bash", "scripts/bench-race.sh"])
        if out.returncode != 0:
            sys.exit("race bench failed:\n" + out.stderr)
        text = replace(text, "race-bench", out.stdout.strip())
    if "--skip-superset" not in sys.argv and "<!-- BEGIN race-superset -->" in text:
        out = run(["bash", "scripts/race-superset.sh", BIN, "--summary"])
        if out.returncode != 0:
            sys.exit("race superset failed:\n" + out.stderr)
        text = replace(text, "race-superset", out.stdout.strip())
    open(readme, "w", encoding="utf-8").write(text)


main()
