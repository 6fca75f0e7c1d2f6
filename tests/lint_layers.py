#!/usr/bin/env python3
"""The folders of src/ as layers, and no circles (doc/ARCHITECTURE.md).

1. Every folder of src/ has a rank (RANKS, lowest first, the same order as
   doc/ARCHITECTURE.md's table); a file includes headers of its own and of
   lower folders only.
2. No cycle in the graph of #include "…" between files.
3. No circle between files: from the build's object files, file A uses file B
   when one of A's undefined symbols is defined by B (nm). The strongly
   connected components of that graph are single files, except the circles
   listed in KNOWN_CIRCLES (each to be broken; a listed circle that is gone
   fails too, so the list stays true). A lower folder calling a function of a
   higher one fails as an include would.
4. Names: every external symbol an object file defines starts with a prefix
   of its folder, and with no other folder's prefix (doc/ARCHITECTURE.md's
   "Names" table, read from there), and no name is defined by two files.

usage: lint_layers.py BRIEF SOURCE_DIR BUILD_DIR
(BRIEF is unused: every test gets the binary first.)
"""
import os
import re
import subprocess
import sys

from lib import checks
from lib.checks import check

ROOT = sys.argv[2]
BUILD = sys.argv[3]
SRC = os.path.join(ROOT, "src")

RANKS = ["base", "text", "parse", "figures", "spec", "fonts", "layout", "output", "engine", "tools", "cli"]

# Circles still to be broken, each as the set of its files (paths under src/).
KNOWN_CIRCLES = [
]

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def rank(path):
    return RANKS.index(path.split("/")[0])


def sources():
    """Paths under src/ of every C file, and the folder of each name."""
    paths, by_name = [], {}
    for d, _, files in os.walk(SRC):
        for f in files:
            if f.endswith((".c", ".h")):
                rel = os.path.relpath(os.path.join(d, f), SRC)
                paths.append(rel)
                check(f not in by_name, f"src/{rel}: the name {f} is also src/{by_name.get(f)}; names are unique "
                      "(an include says its folder by its name)")
                by_name[f] = rel
    return sorted(paths), by_name


def components(graph):
    """Strongly connected components (Tarjan), each a sorted list."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
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
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def check_ranks_documented():
    folders = sorted(d for d in os.listdir(SRC) if os.path.isdir(os.path.join(SRC, d)))
    check(sorted(RANKS) == folders, f"src/ has the folders {folders}; RANKS lists {RANKS}")
    loose = [f for f in os.listdir(SRC) if os.path.isfile(os.path.join(SRC, f))]
    check(not loose, f"files directly in src/, in no stage's folder: {loose}")
    doc = open(os.path.join(ROOT, "doc", "ARCHITECTURE.md"), encoding="utf-8").read()
    table = re.findall(r"^\| (\d+) \| `(\w+)/` \|", doc, re.M)
    check([f for _, f in table] == RANKS and [int(n) for n, _ in table] == list(range(1, len(RANKS) + 1)),
          f"doc/ARCHITECTURE.md ranks the folders {[f for _, f in table]}; this lint {RANKS}")


def check_includes(paths, by_name):
    graph = {}
    for p in paths:
        text = open(os.path.join(SRC, p), encoding="utf-8").read()
        graph[p] = []
        for m in INCLUDE.finditer(text):
            target = by_name.get(os.path.basename(m.group(1)))
            if target is None:
                continue  # generated or a library's header
            graph[p].append(target)
            check(rank(target) <= rank(p),
                  f"src/{p}: includes {m.group(1)} of src/{target.split('/')[0]}/, a higher folder than "
                  f"{p.split('/')[0]}/ (doc/ARCHITECTURE.md: a folder includes its own and lower folders' headers)")
    cycles = [c for c in components(graph) if len(c) > 1 or c[0] in graph.get(c[0], [])]
    check(not cycles, f"#include cycles: {cycles}")
    return graph


def objects():
    """source path under src/ -> object file, for every object of the build whose source exists."""
    found = {}
    for d, _, files in os.walk(os.path.join(BUILD, "CMakeFiles")):
        for f in files:
            if not f.endswith(".c.o"):
                continue
            obj = os.path.join(d, f)
            m = re.search(r"\.dir/src/(.+)\.o$", obj)
            if m and os.path.exists(os.path.join(SRC, m.group(1))):
                found.setdefault(m.group(1), obj)
    return found


def symbols(objs):
    """object file -> (defined, undefined) external symbols, from one run of nm."""
    out = subprocess.run(["nm", "-A"] + sorted(objs), capture_output=True, text=True, check=True).stdout
    table = {o: (set(), set()) for o in objs}
    for line in out.splitlines():
        obj, _, rest = line.partition(": ")
        if obj not in table:
            obj, _, rest = line.partition(":")
        parts = rest.split()
        if len(parts) == 2 and parts[0] == "U":
            table[obj][1].add(parts[1])
        elif len(parts) == 3 and parts[1] in "TDBRVWG":
            table[obj][0].add(parts[2])
    return table


def documented_prefixes():
    """folder -> its prefixes, from doc/ARCHITECTURE.md's table of names."""
    doc = open(os.path.join(ROOT, "doc", "ARCHITECTURE.md"), encoding="utf-8").read()
    names = doc.split("\n## Names\n", 1)[-1].split("\n## ", 1)[0]
    table = {}
    for folder, cell in re.findall(r"^\| `(\w+)/` \| (.*) \|$", names, re.M):
        table[folder] = re.findall(r"`(\w+)`", cell)
    check(sorted(table) == sorted(RANKS), f"doc/ARCHITECTURE.md's Names table lists {sorted(table)}; the folders "
          f"are {sorted(RANKS)}")
    return table


def check_names(table):
    prefixes = documented_prefixes()
    owners = lambda name: sorted(f for f, ps in prefixes.items() if any(name.startswith(p) for p in ps))
    checked = 0
    for src, (defined, _) in sorted(table.items()):
        folder = src.split("/")[0]
        for name in sorted(defined - {"main"}):
            checked += 1
            check(owners(name) == [folder], f"src/{src}: the external name {name} "
                  + (f"has a prefix of {owners(name)}, not only of {folder}/" if owners(name)
                     else f"has none of {folder}/'s prefixes {prefixes.get(folder)}")
                  + " (doc/ARCHITECTURE.md, Names): rename it or make it static")
    print(f"{checked} external names, each with its folder's prefix")


def check_calls(paths):
    objs = objects()
    missing = [p for p in paths if p.endswith(".c") and p not in objs]
    check(not missing, f"no object file in {BUILD} for {missing}: build first")
    defined_by, uses = {}, {}
    table = symbols(objs.values())
    check_names({src: table[obj] for src, obj in objs.items()})
    for src, obj in objs.items():
        defined, undefined = table[obj]
        uses[src] = undefined
        for s in defined:
            if s != "main":
                check(defined_by.get(s, src) == src, f"{s} is defined in src/{defined_by.get(s)} and in src/{src}: "
                      "one definition per name, whatever the link unit (doc/ARCHITECTURE.md, Link units)")
                defined_by.setdefault(s, src)
    graph = {src: sorted({defined_by[s] for s in und if s in defined_by} - {src}) for src, und in uses.items()}
    for a, bs in sorted(graph.items()):
        for b in bs:
            check(rank(b) <= rank(a), f"src/{a} calls into src/{b}, a higher folder "
                  f"({sorted(s for s in uses[a] if defined_by.get(s) == b)[:5]})")
    circles = [set(c) for c in components(graph) if len(c) > 1]
    known = [set(c) for c in KNOWN_CIRCLES]
    for c in circles:
        check(c in known, f"a circle of files calling each other: {sorted(c)}")
    for c in known:
        check(c in circles, f"KNOWN_CIRCLES lists {sorted(c)}, which is no longer a circle: drop it from the list")
    print(f"{len(objs)} object files, {sum(len(b) for b in graph.values())} file-to-file calls, "
          f"{len(circles)} circles ({len(known)} known)")


def main():
    paths, by_name = sources()
    check_ranks_documented()
    graph = check_includes(paths, by_name)
    print(f"{len(paths)} files, {sum(len(v) for v in graph.values())} includes between them")
    check_calls(paths)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
