#!/usr/bin/env python3
"""The CommonMark spec examples (tests/data/commonmark/spec.txt, version
0.31.2, CC-BY-SA 4.0, kept as cmark keeps it) through the parse stage with
and without the CJK emphasis pass: no example whose text has no Chinese
character may change. The examples run a second time with their quotes and
dashes typeset (" -> “ ”, ' -> ’, -- -> —): marks that Chinese shares with
English must not change English either. Arguments: SPEC_DUMP ROOT. One
example: BRIEF_TEST_FILTER='example 42:' (its typeset variant:
'example 42 typeset:')."""
import os, re, subprocess, sys

from lib import checks
from lib.checks import check

dump, root = sys.argv[1], sys.argv[2]
SPEC = os.path.join(root, "tests", "data", "commonmark", "spec.txt")


def spec_examples(path):
    """[{markdown, html, section, number}] read as the spec's own tools read
    it: the examples between a line of 32 backticks and "example" and a
    line of 32 backticks, the markdown before the "." line, numbered from 1,
    each under the last heading before it; nothing after <!-- END TESTS -->."""
    text = open(path, encoding="utf-8", newline="").read().replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"^<!-- END TESTS -->[\s\S]*", "", text, flags=re.M)
    examples, section = [], ""
    pattern = r"^`{32} example\n([\s\S]*?)^\.\n([\s\S]*?)^`{32}$|^#{1,6} *(.*)$"
    for m in re.finditer(pattern, text, flags=re.M):
        if m.group(3) is not None:
            section = m.group(3)
        else:
            examples.append({"markdown": m.group(1), "html": m.group(2), "section": section,
                             "number": len(examples) + 1})
    return examples


examples = spec_examples(SPEC)
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
check(len(runs) + 1 in changed, f"the canary {canary!r} changes: the pass and the comparison see it")
check(total == len(runs) + 1, f"spec_dump read every example and the canary: {total} of {len(runs) + 1}")
check(len(examples) == 652, f"spec 0.31.2 has 652 examples: read {len(examples)}")
unchanged = 0
for i, e in enumerate(runs, 1):
    if cjk.search(e["markdown"]) or not checks.selected(f"example {e['number']}: {e['section']}"):
        continue
    unchanged += check(i not in changed, f"example {e['number']} ({e['section']}) changed:\n{e['markdown']}")
check(checks.FILTER or unchanged >= 600, f"at least 600 examples without Chinese unchanged: {unchanged}")
print(f"{len(examples)} spec examples and {len(typeset_examples)} typeset variants, "
      f"{len(changed) - (len(runs) + 1 in changed)} changed by the pass")
sys.exit(checks.report())
