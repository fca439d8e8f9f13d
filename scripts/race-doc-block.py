#!/usr/bin/env python3
"""Replace the <!-- BEGIN name --> ... <!-- END name --> block of a Markdown file with stdin.
Usage: some-script | scripts/race-doc-block.py NAME FILE"""
import re
import sys

name, path = sys.argv[1], sys.argv[2]
body = sys.stdin.read().rstrip("\n")
text = open(path, encoding="utf-8").read()
pattern = re.compile(r"(<!-- BEGIN %s -->\n).*?(<!-- END %s -->)" % (re.escape(name), re.escape(name)), re.S)
if not pattern.search(text):
    sys.exit(f"{path}: no <!-- BEGIN {name} --> block")
text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
open(path, "w", encoding="utf-8").write(text)
