#!/usr/bin/env python3
"""The CommonMark spec examples (npm package commonmark-spec) through the
parse stage with and without the CJK emphasis pass: no example whose text
has no CJK character may change."""
import json, os, re, subprocess, sys

dump, root = sys.argv[1], sys.argv[2]
module = os.path.join(root, "build", "npm", "node_modules", "commonmark-spec")
if not os.path.exists(module):
    print(f"missing {module}: run scripts/install-deps.sh (npm install commonmark-spec)")
    print("0 passed, 1 failed")
    sys.exit(1)
script = f"console.log(JSON.stringify(require({json.dumps(module)}).tests))"
examples = json.loads(subprocess.run(["node", "-e", script], capture_output=True, check=True).stdout)
for e in examples:  # the spec writes tabs as →
    e["markdown"] = e["markdown"].replace("\u2192", "\t")
cjk = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef\u201c\u201d\u2018\u2019]")
payload = "\x1e".join(e["markdown"] for e in examples)
out = subprocess.run([dump], input=payload.encode(), capture_output=True, check=True).stdout.decode()
changed = {int(l.split()[1]) for l in out.splitlines() if l.startswith("DIFF")}
total = int(re.search(r"TOTAL (\d+)", out).group(1))
passed = failed = 0
for i, e in enumerate(examples, 1):
    if cjk.search(e["markdown"]):
        continue
    if i in changed:
        failed += 1
        print(f"example {e['number']} ({e['section']}) changed:\n{e['markdown']}")
    else:
        passed += 1
print(f"{total} spec examples read, {len(changed)} changed by the pass")
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed or total != len(examples) or passed < 600 else 0)
