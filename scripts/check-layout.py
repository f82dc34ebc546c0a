#!/usr/bin/env python3
"""The layout rules of docs/architecture.md, checked at every run of the one test command.

- `src/` holds only `lib.rs` and the layer folders;
- the layers, top to bottom: bin, cmd, cli, then choose and cloud (side by side: neither imports
  the other), prefect, sys, shell. A file imports only from its own layer or a lower one;
- no import cycle between files (strongly connected components of the `crate::`, `super::`
  and parent-to-child imports, test code excluded);
- no file over 400 lines.

`--self-test` plants a three-file circle and an upward import in a scratch tree and checks that
both are caught.
"""
import os, re, sys, tempfile

LAYERS = {"bin": 0, "cmd": 1, "cli": 2, "choose": 3, "cloud": 3, "prefect": 4, "sys": 5, "shell": 6}
SIDE_BY_SIDE = {("choose", "cloud"), ("cloud", "choose")}


def modules(src):
    files = {}
    for root, _, names in os.walk(src):
        for n in names:
            if n.endswith(".rs"):
                f = os.path.join(root, n)
                mod = os.path.relpath(f, src)[:-3]
                if mod.endswith("/mod"):
                    mod = mod[:-4]
                files[mod.replace(os.sep, "::")] = f
    return files


def graph_of(files):
    def resolve(parts):
        for i in range(len(parts), 0, -1):
            k = "::".join(parts[:i])
            if k in files:
                return k
        return None

    graph = {}
    for mod, f in files.items():
        text = re.sub(r"#\[cfg\(test\)\][\s\S]*", "", open(f).read())
        deps = set()
        for m in re.finditer(r"crate::((?:[a-z_]+::)*[a-zA-Z_]+)", text):
            deps.add(resolve(m.group(1).split("::")))
        for g in re.finditer(r"use crate::((?:[a-z_]+::)*)\{([^}]*)\}", text):
            base = [x for x in g.group(1).split("::") if x]
            for x in g.group(2).split(","):
                x = x.strip()
                if x and x != "self":
                    deps.add(resolve(base + x.split("::")))
        is_modrs = f.endswith("mod.rs")
        parent = mod if is_modrs else (mod.rsplit("::", 1)[0] if "::" in mod else "")
        above = (parent.rsplit("::", 1)[0] if "::" in parent else "") if is_modrs else parent
        for m in re.finditer(r"super::((?:[a-z_]+::)*[a-zA-Z_]+)", text):
            parts = ([above] if above else []) + m.group(1).split("::")
            deps.add(resolve(parts) or (above if above in files else None))
        if is_modrs or mod == "lib":
            for child in re.findall(r"(?m)^\s*(?:pub(?:\([a-z]+\))? )?mod ([a-z_]+);", text):
                k = (mod + "::" + child) if is_modrs else child
                if k in files and re.search(r"(?<![:\w])" + child + r"::", text):
                    deps.add(k)
        graph[mod] = {d for d in deps if d and d != mod}
    return graph


def cycles(graph):
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
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

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def layer(mod):
    return mod.split("::")[0]


def problems(src):
    found = []
    for n in sorted(os.listdir(src)):
        p = os.path.join(src, n)
        if os.path.isfile(p) and n != "lib.rs":
            found.append(f"{n}: only lib.rs stands at the top of src/")
        if os.path.isdir(p) and n not in LAYERS:
            found.append(f"{n}/: not a layer of docs/architecture.md")
    files = modules(src)
    graph = graph_of(files)
    for c in cycles(graph):
        found.append("import cycle: " + " -> ".join(c))
    for a, deps in sorted(graph.items()):
        la = layer(a)
        if la == "lib" or la not in LAYERS:
            continue
        for b in sorted(deps):
            lb = layer(b)
            if lb == la or lb == "lib" or lb not in LAYERS:
                continue
            if LAYERS[lb] <= LAYERS[la] or (la, lb) in SIDE_BY_SIDE:
                found.append(f"{files[a]}: imports {b} ({lb}), which is not below {la}")
    for f in files.values():
        n = sum(1 for _ in open(f))
        if n > 400:
            found.append(f"{f}: {n} lines (at most 400)")
    return found


def self_test():
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "src")
        for sub in ["sys", "prefect"]:
            os.makedirs(os.path.join(src, sub))
        open(os.path.join(src, "lib.rs"), "w").write("mod sys;\nmod prefect;\n")
        open(os.path.join(src, "sys", "mod.rs"), "w").write("pub mod a;\npub mod b;\npub mod c;\n")
        open(os.path.join(src, "sys", "a.rs"), "w").write("use crate::sys::b::x;\n")
        open(os.path.join(src, "sys", "b.rs"), "w").write("use crate::sys::c::y;\n")
        open(os.path.join(src, "sys", "c.rs"), "w").write("use crate::sys::a::z;\nuse crate::prefect::p;\n")
        open(os.path.join(src, "prefect", "mod.rs"), "w").write("pub mod p;\n")
        open(os.path.join(src, "prefect", "p.rs"), "w").write("")
        got = problems(src)
        circle = any("import cycle" in g and "sys::a" in g and "sys::b" in g and "sys::c" in g for g in got)
        upward = any("imports prefect::p" in g for g in got)
        if not (circle and upward):
            print("layout self-test: a planted circle or upward import was not caught:", got, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    if "--self-test" in sys.argv:
        sys.exit(self_test())
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    found = problems(os.path.join(root, "src"))
    for p in found:
        print("layout:", p, file=sys.stderr)
    sys.exit(1 if found else 0)
