#!/usr/bin/env python3
"""Run `maprace check` on every Go sketch of eval/realworld/IDIOMS.md and say which ones the
tool still reports. A false-positive sketch that is reported reproduces the class (the
analysis engineer's failing case); one that is silent is either fixed or a sketch that lost
what made the real code fail. A real-race sketch (it carries `// want`) should be reported.

usage: eval/realworld/idioms-check.py [--binary PATH]

Each sketch becomes its own package in a throw-away module; the imports it needs are added from
the identifiers it uses (the sketches leave them out to stay short). No network.
"""
import json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
IMPORTS = {"sync.": "sync", "time.": "time", "maps.": "maps", "http.": "net/http",
           "reflect.": "reflect", "atomic.": "sync/atomic", "errgroup.": "golang.org/x/sync/errgroup",
           "bolt.": "go.etcd.io/bbolt"}


def sketches(text):
    section = None
    for m in re.finditer(r"^### `([a-z0-9-]+)`[^\n]*|^### ([^\n]+)|```go\n(.*?)```", text, re.M | re.S):
        if m.group(1) or m.group(2):
            section = m.group(1) or re.sub(r"[^a-z0-9]+", "-", m.group(2).lower()).strip("-")[:40]
        elif section:
            yield section, m.group(3)


def main():
    binary = os.path.join(ROOT, "target/release/maprace")
    if "--binary" in sys.argv:
        binary = sys.argv[sys.argv.index("--binary") + 1]
    if not os.access(binary, os.X_OK):
        sys.exit(f"no maprace binary at {binary}: run 'cargo build --release' or pass --binary PATH")
    text = open(os.path.join(ROOT, "eval/realworld/IDIOMS.md"), encoding="utf-8").read()
    with tempfile.TemporaryDirectory() as d:
        open(os.path.join(d, "go.mod"), "w").write("module idioms\n\ngo 1.22\n")
        names = {}
        for i, (section, code) in enumerate(sketches(text)):
            pkg = f"s{i:02d}"
            imports = sorted({imp for k, imp in IMPORTS.items() if k in code})
            body = f"package {pkg}\n\n" + "".join(f'import "{imp}"\n' for imp in imports) + "\n" + code
            os.makedirs(os.path.join(d, pkg))
            open(os.path.join(d, pkg, "sketch.go"), "w").write(body)
            names[pkg] = (section, "// want" in code)
        out = subprocess.run([binary, "check", "--format", "json", "./..."], cwd=d, capture_output=True, text=True)
        if out.returncode > 1:
            sys.exit(f"maprace failed (exit {out.returncode}):\n{out.stderr}")
        found = {}
        for f in json.loads(out.stdout)["findings"]:
            pkg = f["file"].lstrip("./").split("/")[0]
            found.setdefault(pkg, []).append(f"{f['rule']}@{f['line']}")
    print("| sketch | kind | maprace check today |\n|---|---|---|")
    for pkg, (section, positive) in sorted(names.items()):
        got = found.get(pkg, [])
        kind = "real race" if positive else "false positive"
        if positive:
            verdict = f"reported ({', '.join(got)})" if got else "**missed**"
        else:
            verdict = f"reproduces ({', '.join(got)})" if got else "silent (does not reproduce)"
        print(f"| {section} | {kind} | {verdict} |")


main()
