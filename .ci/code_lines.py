#!/usr/bin/env python3
"""Counts lines of code in handwritten Rust files: blank lines, comment lines and
rustdoc are left out. Prints files over the limit and fails if there is one."""
import os, sys

LIMIT = int(os.environ.get("CODE_LINE_LIMIT", "700"))
ROOTS = ["src", "sandbox/src", "codegen/src", "tests", "examples", "benches", "build.rs", "sandbox/build.rs"]

def code_lines(path):
    n = 0
    in_block = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if in_block:
                if "*/" in s:
                    in_block = False
                continue
            if not s or s.startswith("//"):
                continue
            if s.startswith("/*"):
                if "*/" not in s:
                    in_block = True
                continue
            n += 1
    return n

def files(root):
    if os.path.isfile(root):
        yield root
        return
    for d, dirs, names in os.walk(root):
        dirs[:] = [x for x in dirs if x not in ("target", "fixtures")]
        for name in names:
            if name.endswith(".rs"):
                yield os.path.join(d, name)

rows = sorted(((code_lines(p), p) for r in ROOTS if os.path.exists(r) for p in files(r)), reverse=True)
show = int(sys.argv[1]) if len(sys.argv) > 1 else 10
for n, p in rows[:show]:
    print(f"{n:6} {p}")
over = [p for n, p in rows if n > LIMIT]
print(f"{len(rows)} files; largest {rows[0][0]} code lines; {len(over)} over {LIMIT}")
sys.exit(1 if over else 0)
