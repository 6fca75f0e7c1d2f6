#!/usr/bin/env python3
"""The documentation holds together: README.md stays short (at most 12 KB,
the rest is the guide in doc/), every relative link and image of README.md,
doc/*.md and bench/README.md names a file that exists, and a link's
#anchor names a heading of its page (GitHub's heading ids); every page of
the guide is listed in doc/README.md; no page cites an issue number.

That `man brief` covers every command and option of `brief --help` is
checked by e2e_install (on the installed page).

Called like e2e_test.py: doc_links.py BRIEF ROOT. Prints "N passed, N failed"."""
import glob, os, re, sys

from lib import checks, paths
from lib.checks import check

BRIEF, ROOT = paths.from_argv()
README_MAX = 12 * 1024


def strip_code(text):
    """The text without fenced code blocks and code spans: links there are examples, not links."""
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", "", text, flags=re.S | re.M)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", text, flags=re.S)


def slug(heading):
    """GitHub's id of a heading: its text without markup, lower case, punctuation
    but '-' and '_' dropped, spaces made '-'."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link keeps its text
    text = text.replace("`", "").strip().lower()
    text = "".join(c for c in text if c.isalnum() or c in "-_ ")
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        ids, seen = set(), {}
        text = open(path, encoding="utf-8").read()
        text = re.sub(r"^(`{3,}|~{3,}).*?^\1[ \t]*$", "", text, flags=re.S | re.M)
        for m in re.finditer(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", text, re.M):
            base = slug(m.group(1))
            n = seen.get(base, 0)
            seen[base] = n + 1
            ids.add(base if n == 0 else f"{base}-{n}")
        cache[path] = ids
    return cache[path]


def links(path):
    """(line, target) of every inline link and image of a Markdown file."""
    text = strip_code(open(path, encoding="utf-8").read())
    for m in re.finditer(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text):
        yield text.count("\n", 0, m.start()) + 1, m.group(1)


def check_links(path):
    count = 0
    for line, target in links(path):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):  # https:, mailto: …: not ours to check
            continue
        count += 1
        file_part, _, anchor = target.partition("#")
        where = f"{os.path.relpath(path, ROOT)}:{line}: link '{target}'"
        dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if not check(os.path.exists(dest), f"{where} names a file that exists ({os.path.relpath(dest, ROOT)})"):
            continue
        if not check(os.path.realpath(dest).startswith(os.path.realpath(ROOT) + os.sep),
                     f"{where} stays inside the source tree"):
            continue
        if anchor and dest.endswith(".md"):
            check(anchor in anchors(dest), f"{where}: '#{anchor}' is a heading of {os.path.relpath(dest, ROOT)} "
                  f"(it has: {', '.join(sorted(anchors(dest))[:12])} …)")
    return count


def main():
    readme = os.path.join(ROOT, "README.md")
    size = os.path.getsize(readme)
    check(size <= README_MAX, f"README.md is {size} bytes, at most {README_MAX}: move detail into doc/")

    pages = [readme] + sorted(glob.glob(os.path.join(ROOT, "doc", "*.md"))) + [os.path.join(ROOT, "bench", "README.md")]
    total = sum(check_links(p) for p in pages if os.path.exists(p))
    check(total >= 40, f"relative links found and checked: {total}")

    listed = {t.partition("#")[0] for _, t in links(os.path.join(ROOT, "doc", "README.md"))}
    for p in sorted(glob.glob(os.path.join(ROOT, "doc", "*.md"))):
        name = os.path.basename(p)
        if name != "README.md":
            check(name in listed, f"doc/{name} is listed in the guide's index, doc/README.md")
    check("doc/README.md" in {t for _, t in links(readme)}, "README.md links the guide's index, doc/README.md")

    for p in pages:
        if not os.path.exists(p):
            continue
        cited = [f"{n}: {m.group(0)}" for n, line in enumerate(open(p, encoding="utf-8"), 1)
                 for m in [re.search(r"\bissues? #?\d+|\bissue-\d+|(?<!UAX )(?<![\w&#])#\d{1,4}\b", line)] if m]
        check(not cited, f"{os.path.relpath(p, ROOT)}: no issue numbers in the documentation (lines {cited})")
    check(not os.path.exists(os.path.join(ROOT, "docs")), "one documentation folder, doc/ (no docs/)")
    sys.exit(checks.report())


main()
