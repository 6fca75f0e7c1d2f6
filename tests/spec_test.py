#!/usr/bin/env python3
"""The CommonMark spec examples (npm package commonmark-spec) through the
parse stage with and without the CJK emphasis pass: no example whose text
has no Chinese character may change. The examples run a second time with
their quotes and dashes typeset (" -> “ ”, ' -> ’, -- -> —): marks that
Chinese shares with English must not change English either."""
import json, os, re, subprocess, sys

dump, root = sys.argv[1], sys.argv[2]
# The npm folder of the build (argument 3, from CMake: BUILD/npm), else the
# source tree's build/npm: an out-of-tree build finds it too.
places = ([sys.argv[3]] if len(sys.argv) > 3 else []) + [os.path.join(root, "build", "npm")]
modules = [os.path.join(p, "node_modules", "commonmark-spec") for p in places]
module = next((m for m in modules if os.path.exists(m)), modules[0])
if not os.path.exists(module):
    print(f"missing {' and '.join(modules)}: run scripts/install-deps.sh (npm install commonmark-spec; "
          f"BUILD_DIR=your-build-dir for an out-of-tree build)")
    print("0 passed, 1 failed")
    sys.exit(1)
script = f"console.log(JSON.stringify(require({json.dumps(module)}).tests))"
examples = json.loads(subprocess.run(["node", "-e", script], capture_output=True, check=True).stdout)
for e in examples:  # the spec writes tabs as →
    e["markdown"] = e["markdown"].replace("\u2192", "\t")
cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def typeset(md):
    """Curly quotes, apostrophes and em dashes for straight ones, as a word processor types them."""
    quotes = iter(["\u201c", "\u201d"] * len(md))
    md = re.sub(r'"', lambda m: next(quotes), md).replace("'", "\u2019").replace("--", "\u2014")
    return md


typeset_examples = [dict(e, markdown=typeset(e["markdown"]), number=f"{e['number']} typeset")
                    for e in examples if typeset(e["markdown"]) != e["markdown"]]
# A canary that must change: the comparison itself is not blind.
canary = "**报送单位：**中共陇西县委组织部　　**期数：**2016年第3期"
runs = examples + typeset_examples
payload = "\x1e".join([e["markdown"] for e in runs] + [canary])
out = subprocess.run([dump], input=payload.encode(), capture_output=True, check=True).stdout.decode()
changed = {int(l.split()[1]) for l in out.splitlines() if l.startswith("DIFF")}
total = int(re.search(r"TOTAL (\d+)", out).group(1))
passed = failed = 0
if len(runs) + 1 not in changed:
    failed += 1
    print(f"the canary {canary!r} did not change: the pass or the comparison is off")
for i, e in enumerate(runs, 1):
    if cjk.search(e["markdown"]):
        continue
    if i in changed:
        failed += 1
        print(f"example {e['number']} ({e['section']}) changed:\n{e['markdown']}")
    else:
        passed += 1
print(f"{len(examples)} spec examples and {len(typeset_examples)} typeset variants, "
      f"{len(changed) - (len(runs) + 1 in changed)} changed by the pass")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or total != len(runs) + 1 or len(examples) != 652 or passed < 600 else 0)
