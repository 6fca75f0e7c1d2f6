#!/usr/bin/env python3
"""The table of layout keys in doc/layouts.md is the one `brief layouts --keys`
prints from the schema the layout reader uses, and every key
of the installed layouts is in it: no key documented that the reader does
not take, none read that is not documented.

Arguments: BRIEF ROOT. Prints "N passed, N failed"."""
import glob, os, re, subprocess, sys

from lib import checks, paths
from lib.checks import check

BRIEF, ROOT = paths.from_argv()


def yaml_keys(path):
    """Dotted keys of a layout file (roles.X.key as roles.ROLE.key), read with Debian's python3-yaml."""
    import yaml
    out = set()

    def walk(node, prefix):
        for k, v in node.items():
            key = f"{prefix}{k}"
            if prefix == "roles.":
                key = "roles.ROLE"
            if isinstance(v, dict) and key not in ("table_widths", "normalize"):
                walk(v, key + ".")
            else:
                out.add(key)
    walk(yaml.safe_load(open(path, encoding="utf-8")), "")
    return out


def main():
    r = subprocess.run([BRIEF, "layouts", "--keys"], capture_output=True, text=True)
    check(r.returncode == 0 and r.stdout.startswith("| key |"), f"brief layouts --keys: {r.returncode} {r.stderr}")
    page = open(os.path.join(ROOT, "doc", "layouts.md"), encoding="utf-8").read()
    m = re.search(r"<!-- layout keys: brief layouts --keys -->\n(.*?)<!-- end of layout keys -->", page, re.S)
    check(m is not None, "doc/layouts.md has the layout keys table between its markers")
    if m:
        check(m.group(1) == r.stdout, "doc/layouts.md's layout keys table equals `brief layouts --keys`; "
              "paste its output between the markers")
    rows = set(re.findall(r"^\| `([^`]+)` \|", r.stdout, re.M))
    check(len(rows) > 50, f"the table lists the schema's keys ({len(rows)})")
    for path in sorted(glob.glob(os.path.join(ROOT, "layouts", "*.yaml"))):
        keys = yaml_keys(path)
        missing = sorted(k for k in keys if k not in rows)
        check(not missing, f"{os.path.basename(path)}: keys not in the table: {missing}")
    sys.exit(checks.report())


main()
