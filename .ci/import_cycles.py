#!/usr/bin/env python3
"""Import cycles between the files of a Rust crate.

    python3 .ci/import_cycles.py [CRATE_SRC_DIR ...]     (default: src sandbox/src codegen/src)

A file depends on another when it names an item of it: through a `use` declaration
(`use crate::job::Job;`, `use super::{a, b::C};`), or through a path in its code
(`crate::asset::upload_all(..)`, `super::progress::Stage`, `definition::check(..)` after
`use super::definition`). A name is followed through `use` re-exports to the file that
defines it, so `use crate::Error` depends on `src/error/mod.rs`, not on `src/lib.rs`.
`mod` declarations are structure, not imports, and are not counted; test modules (inline
`mod tests { .. }` blocks and `tests.rs` files) are left out. The reading is textual
(comments and string literals removed first), which is enough for the code in this
repository: it never uses `#[path]`, inline module blocks other than tests, or macros that
expand to paths of other modules.

Prints every cycle (a strongly connected set of files, with the names that tie them) and,
for the library, every import that goes up its layers (LAYERS below); exits 1 when there
is either.
"""
import os
import re
import sys

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(text):
    """Removes comments, string and char literals (keeping line structure loosely)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif text.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "r" and re.match(r'r#*"', text[i:i + 10]) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            hashes = re.match(r'r(#*)"', text[i:]).group(1)
            end = text.find('"' + hashes, i + len(hashes) + 2)
            i = n if end < 0 else end + 1 + len(hashes)
            out.append('""')
        elif c == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
            i += 1
            out.append('""')
        elif c == "'" and re.match(r"'(\\.|[^\\'])'", text[i:i + 4]) or text.startswith("'\\u{", i):
            i = text.find("'", i + 1) + 1
            out.append("' '")
        else:
            out.append(c)
            i += 1
    return "".join(out)


def drop_inline_modules(text):
    """Removes inline module blocks (`mod tests { .. }`: their `super` is this file) and
    the bodies of `quote!` (paths there belong to the code being generated)."""
    while True:
        m = re.search(r"\bmod\s+" + IDENT + r"\s*\{|\bquote!\s*\{", text)
        if not m:
            return text
        depth, i = 0, m.end() - 1
        while i < len(text):
            if text[i] == "{":
                depth += 1
            elif text[i] == "}":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        text = text[: m.start()] + text[i + 1:]


def split_top(s, sep=","):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def use_paths(tree, prefix=()):
    """Expands a use tree into (path segments, bound name or None for globs)."""
    tree = tree.strip()
    m = re.match(r"^(.*?)::\{(.*)\}$", tree, re.S)
    if m or (tree.startswith("{") and tree.endswith("}")):
        head, body = (m.group(1), m.group(2)) if m else ("", tree[1:-1])
        base = prefix + tuple(x for x in head.split("::") if x)
        for part in split_top(body):
            yield from use_paths(part, base)
        return
    alias = None
    am = re.match(r"^(.*)\s+as\s+(" + IDENT + r")$", tree, re.S)
    if am:
        tree, alias = am.group(1).strip(), am.group(2)
    segs = prefix + tuple(x.strip() for x in tree.split("::") if x.strip())
    if segs and segs[-1] == "*":
        yield segs[:-1], None
    elif segs and segs[-1] == "self":
        yield segs[:-1], alias or segs[-2]
    elif segs:
        yield segs, alias or segs[-1]


class Crate:
    def __init__(self, root):
        self.root = root
        self.files = {}  # module path tuple -> file
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x != "bin"]
            for name in names:
                if not name.endswith(".rs"):
                    continue
                rel = os.path.relpath(os.path.join(d, name), root)
                parts = rel[:-3].split(os.sep)
                if parts == ["main"] and os.path.exists(os.path.join(root, "lib.rs")):
                    continue
                if parts[-1] in ("mod", "lib", "main"):
                    parts = parts[:-1]
                self.files[tuple(parts)] = os.path.join(root, rel)
        self.files = {m: f for m, f in self.files.items() if not (m and m[-1] == "tests")}
        self.text = {m: drop_inline_modules(strip(open(f, encoding="utf-8").read())) for m, f in self.files.items()}
        self.uses = {m: self.read_uses(m) for m in self.files}

    def absolute(self, module, segs):
        """Turns a path written in `module` into a crate-absolute one (None if external)."""
        segs = list(segs)
        if not segs:
            return None
        if segs[0] == "crate":
            return tuple(segs[1:])
        if segs[0] in ("self", "super"):
            base = list(module)
            while segs and segs[0] in ("self", "super"):
                if segs.pop(0) == "super":
                    if not base:
                        return None
                    base.pop()
            return tuple(base + segs)
        # A bare first segment: a child module, or a name this file imported.
        if module + (segs[0],) in self.files:
            return module + tuple(segs)
        return None

    def read_uses(self, module):
        bindings, globs = {}, []
        for m in re.finditer(r"(?:^|[;{}\s])(?:pub(?:\([^)]*\))?\s+)?use\s+([^;]+);", self.text[module]):
            for segs, name in use_paths(m.group(1)):
                target = self.absolute(module, segs)
                if target is None and segs and segs[0] not in ("std", "core", "alloc"):
                    # `use child::X` in a module whose child is `child`.
                    target = self.absolute(module, ("self",) + tuple(segs))
                    if target is not None and target[: len(module) + 1] not in self.files:
                        target = None
                if target is None:
                    continue
                if name is None:
                    globs.append(target)
                else:
                    bindings[name] = target
        return bindings, globs

    def resolve(self, path, seen=None):
        """The file defining the item at crate-absolute `path` (None for a bare module)."""
        seen = seen or set()
        if path in seen:
            return None
        seen.add(path)
        k = len(path)
        while k > 0 and path[:k] not in self.files:
            k -= 1
        module = path[:k]
        if module not in self.files:
            return None
        rest = path[k:]
        if not rest:
            return None  # the module itself
        bindings, _ = self.uses[module]
        if rest[0] in bindings:
            return self.resolve(bindings[rest[0]] + rest[1:], seen) or self.files[module]
        return self.files[module]

    def edges(self):
        found = {}
        for module, text in self.text.items():
            me = self.files[module]
            bindings, globs = self.uses[module]
            targets = []
            for name, path in bindings.items():
                targets.append((path, name))
            for g in globs:
                if g in self.files:
                    targets.append((g + ("*",), "*"))
            for m in re.finditer(r"(?<![A-Za-z0-9_:])((?:crate|super|self)(?:::" + IDENT + r")+)", text):
                segs = m.group(1).split("::")
                path = self.absolute(module, segs)
                if path is not None:
                    targets.append((path, segs[-1]))
            for m in re.finditer(r"(?<![A-Za-z0-9_:])(" + IDENT + r")((?:::" + IDENT + r")+)", text):
                first = m.group(1)
                if first in ("crate", "super", "self"):
                    continue
                rest = tuple(m.group(2).split("::")[1:])
                if first in bindings:
                    path = bindings[first] + rest
                elif module + (first,) in self.files:
                    path = module + (first,) + rest
                else:
                    continue
                targets.append((path, rest[-1]))
            for path, name in targets:
                if path and path[-1] == "*":
                    dest = self.files.get(path[:-1])
                else:
                    dest = self.resolve(path)
                if dest and dest != me:
                    found.setdefault((me, dest), set()).add(name)
        return found


def cycles(edges):
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# The library's layers, top to bottom (see ARCHITECTURE.md): a file may import from its own
# layer and the ones below it, never from one above. The longest matching prefix decides.
LAYERS = {
    "src": [
        ["src/lib.rs"],
        ["src/validation/"],
        ["src/job/"],
        ["src/audience/"],
        ["src/asset/upload.rs", "src/asset/mod.rs", "src/asset/check.rs", "src/task_checks.rs", "src/settings.rs"],
        ["src/flow/"],
        ["src/client/"],
        ["src/auth/"],
        ["src/http/"],
        ["src/error/", "src/asset/item.rs", "src/asset/cache.rs", "src/audience/recruit.rs", "src/clock.rs", "src/sync.rs"],
        ["src/request.rs", "src/api.rs", "src/api_requirements.rs"],
    ],
}


def layer_of(layers, path):
    best = None
    for depth, prefixes in enumerate(layers):
        for p in prefixes:
            if (path == p or (p.endswith("/") and path.startswith(p))) and (best is None or len(p) > best[0]):
                best = (len(p), depth)
    return best[1] if best else None


def upward(root, edges):
    """Imports that go up the layers of `root` (and files that belong to no layer)."""
    layers = LAYERS.get(root)
    if not layers:
        return []
    bad = []
    for (a, b), names in sorted(edges.items()):
        la, lb = layer_of(layers, a), layer_of(layers, b)
        if la is None or lb is None:
            bad.append(f"{a if la is None else b} belongs to no layer")
        elif lb < la:
            bad.append(f"{a} -> {b} goes up: {', '.join(sorted(names)[:6])}")
    return sorted(set(bad))


def self_test():
    """The reading on a small crate whose cycles are known."""
    import tempfile
    files = {
        "lib.rs": "mod a; mod b; mod c; mod d; pub use d::Thing;\n",
        # a <-> b through a grouped use and a path in code: one cycle.
        "a.rs": "use crate::{b::B, c};\npub struct A; fn f() { c::g(); }\n",
        "b.rs": "pub struct B; fn f() -> crate::a::A { todo() }\nfn g() { quote! { crate::c::g() } }\n",
        # c names d's item through the crate root's re-export: an import of d, not lib.rs.
        "c.rs": "use crate::Thing; pub fn g() {} // use crate::a::A;\nconst S: &str = \"crate::a::A\";\n",
        # d's test module imports c: tests are left out, so no cycle c <-> d.
        "d/mod.rs": "pub struct Thing;\n#[cfg(test)]\nmod tests { use crate::c::g; }\n",
    }
    with tempfile.TemporaryDirectory() as root:
        for name, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, name)), exist_ok=True)
            open(os.path.join(root, name), "w").write(text)
        crate = Crate(root)
        edges = {(os.path.relpath(a, root), os.path.relpath(b, root)) for a, b in crate.edges()}
        want = {("a.rs", "b.rs"), ("a.rs", "c.rs"), ("b.rs", "a.rs"), ("c.rs", "d/mod.rs"), ("lib.rs", "d/mod.rs")}
        assert edges == want, f"edges {sorted(edges)} != {sorted(want)}"
        found = [[os.path.relpath(f, root) for f in comp] for comp in cycles(crate.edges())]
        assert found == [["a.rs", "b.rs"]], found
    print("self-test: ok")


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    roots = sys.argv[1:] or [r for r in ("src", "sandbox/src", "codegen/src") if os.path.isdir(r)]
    total = 0
    for root in roots:
        crate = Crate(root)
        edges = crate.edges()
        found = cycles(edges)
        ups = upward(root.rstrip("/"), edges)
        total += len(found) + len(ups)
        print(f"{root}: {len(crate.files)} files, {len(edges)} file-to-file imports, {len(found)} cycles"
              + (f", {len(ups)} imports against the layers" if root.rstrip("/") in LAYERS else ""))
        for line in ups:
            print(f"  {line}")
        for comp in found:
            print(f"  cycle of {len(comp)} files:")
            for a in comp:
                for b in comp:
                    if (a, b) in edges:
                        names = ", ".join(sorted(edges[(a, b)])[:6])
                        print(f"    {a} -> {b}: {names}")
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
