#!/usr/bin/env python3
"""The command line: each command takes only its own options. Which options
a command takes is read from `brief --help` (its synopsis line and the
"COMMAND, COMMAND:" that starts each entry of Options), so this test follows
the help: every such option is accepted by the parser, every other option is
refused with exit 2, an error naming the option and the command and listing
what the command takes. The manual's synopsis and the bash completion must
offer the same options. No command runs: an accepted option is followed by
one the command refuses, so the parser stops there.
Usage: e2e_cli.py BRIEF ROOT. Prints "N passed, N failed"."""
import os, re, subprocess, sys

from lib import checks, paths
from lib.checks import check, run, test

BRIEF, ROOT = paths.from_argv()
OPTION = r"(?<![\w-])(--[a-z][a-z-]*|-[a-z])\b"


def synopses(usage):
    """{command: {option: takes a value}} from the lines "  brief COMMAND ..."."""
    found = {}
    for cmd, rest in re.findall(r"^  brief ([a-z]+)(.*)$", usage, re.M):
        words = rest.replace("[", " [ ").replace("]", " ] ").split()
        opts = {}
        for k, w in enumerate(words):
            if re.fullmatch(OPTION, w):
                nxt = words[k + 1] if k + 1 < len(words) else "]"
                opts[w] = nxt not in "[]" and not nxt.startswith("-")
        found[cmd] = opts
    return found


def option_entries(usage):
    """[(names, takes a value, commands)] from the Options section; commands
    None for -h/--help and --version (read before any command)."""
    section = usage.split("\nOptions", 1)[1].split("\n\n", 1)[0]
    entries = []
    for head, desc in re.findall(r"^  (-\S.*?)\s{2,}(\S.*)$", section, re.M):
        parts = head.split(", ")
        value = len(parts[-1].split()) > 1
        m = re.match(r"([a-z]+(?:, [a-z]+)*): ", desc)
        cmds = m.group(1).split(", ") if m else None
        if all(len(p.split()) > 1 for p in parts):  # "--port N, --host ADDR": two options
            entries += [([p.split()[0]], True, cmds) for p in parts]
        else:  # "-o, --output PATH": two names of one option
            entries.append(([p.split()[0] for p in parts], value, cmds))
    return entries


def command_line():
    """What --help says: the commands, {command: set of options it takes},
    {option: takes a value}, and the groups of names of one option (-o, --output)."""
    usage = run(BRIEF, "--help").stdout
    syn = synopses(usage)
    entries = option_entries(usage)
    commands = sorted(syn)
    takes = {cmd: set(opts) for cmd, opts in syn.items()}
    value, groups = {}, []
    for names, val, cmds in entries:
        if cmds is None:
            check(set(names) <= {"-h", "--help", "--version"}, "--help: %s says which commands take it" % names)
            continue
        groups.append(names)
        for cmd in cmds:
            check(cmd in takes, "--help: %s names the command %s, which has a synopsis" % (names, cmd))
            takes.setdefault(cmd, set()).update(names)
        for n in names:
            value[n] = val
    for cmd, opts in syn.items():
        for opt, val in opts.items():
            if opt not in value:  # only in a synopsis (send's --user)
                value[opt] = val
                groups.append([opt])
            check(value[opt] == val, "--help: %s takes a value in %s's synopsis as in Options" % (opt, cmd))
    check(len(commands) >= 11 and len(value) >= 30, "--help lists commands %s and options %s" % (commands, sorted(value)))
    return commands, takes, value, groups


def brief(*args):
    """brief's result; one that would run (serve listens, print prints) is
    stopped after 5 s and counts as not refused."""
    try:
        return run(BRIEF, *args, timeout=5, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(args, -1, "", "(ran for 5 s: the option was not refused)")


def with_value(opt, value):
    return [opt, "x"] if value[opt] else [opt]


def refused_line(cmd, opt, r):
    return r.returncode == 2 and ("brief: error: %s takes no %s;" % (cmd, opt)) in r.stderr


def test_each_command_takes_its_options(line):
    commands, takes, value, groups = line
    every = sorted(value)
    for cmd in commands:
        others = [o for o in every if o not in takes[cmd]]
        check(others, "%s refuses some option" % cmd)
        stop = others[0]
        for opt in sorted(takes[cmd]):  # accepted: the parser goes on to the next option and stops there
            r = brief(cmd, *with_value(opt, value), *with_value(stop, value))
            check(refused_line(cmd, stop, r), "brief %s %s is accepted (exit %d: %s)" % (cmd, opt, r.returncode, r.stderr))


def test_each_command_refuses_the_others(line):
    commands, takes, value, groups = line
    for cmd in commands:
        for opt in sorted(o for o in value if o not in takes[cmd]):
            r = brief(cmd, "x", *with_value(opt, value))
            ok = check(refused_line(cmd, opt, r), "brief %s %s is refused with exit 2 (exit %d: %s)"
                       % (cmd, opt, r.returncode, r.stderr))
            if not ok:
                continue
            listed = re.search(r"; it takes (.*); see 'brief --help'", r.stderr).group(1).split(", ")
            want = [g for g in groups if set(g) & takes[cmd]]  # one name of each option the command takes
            check(len(listed) == len(want) and all(len(set(g) & set(listed)) == 1 for g in want)
                  or (not want and listed == ["none"]),
                  "brief %s %s lists what %s takes: %s" % (cmd, opt, cmd, listed))
    r = brief("--booklet", "x", "print", "a.pdf")  # before the command as after it
    check(refused_line("print", "--booklet", r), "an option before the command is checked too: %s" % r.stderr)
    r = brief("check", "a.md", "--jobs", "3")
    check(r.returncode == 2 and r.stdout == "" and "check takes no --jobs" in r.stderr
          and "--fix" in r.stderr, "check --jobs: %s" % r.stderr)


def test_options_reach_their_command(line):
    """Each command reads the options given to it, before the command as after it."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "a.pdf")
        summary = os.path.join(ROOT, "input", "陇西县.md")
        r = brief("-o", out, "--layout", "plain", "render", summary, "--figures", os.path.join(ROOT, "input", "figures.csv"))
        check(r.returncode == 0 and os.path.exists(out), "-o before render writes it: %s" % r.stderr)
        r = brief("render", summary, "-o", os.path.join(tmp, "b.pdf"), "--format", "ps")
        check(r.returncode == 2 and "--format 'ps' is not one of pdf, ofd, both" in r.stderr
              and not os.path.exists(os.path.join(tmp, "b.pdf")), "render --format ps: %s" % r.stderr)
    text = os.path.join(ROOT, "input", "黔西县.md")
    figures = os.path.join(ROOT, "input", "figures.csv")
    without, given = brief("text", text, "--data", ROOT), brief("--figures", figures, "text", text)
    check(without.returncode == 1 and given.returncode == 0 and given.stdout,
          "text reads --figures (exit %d without, %d with: %s)" % (without.returncode, given.returncode, given.stderr))
    r = brief("--keys", "layouts")
    check(r.returncode == 0 and r.stdout.startswith("| key |"), "layouts --keys: %s" % r.stderr)
    r = brief("frobnicate", "x")
    check(r.returncode == 2 and "unknown command 'frobnicate'" in r.stderr, "an unknown command: %s" % r.stderr)


def test_manual_synopsis(line):
    commands, takes, value, groups = line
    with open(os.path.join(ROOT, "doc", "brief.1"), encoding="utf-8") as f:
        page = f.read().replace("\\-", "-")
    synopsis = page.split(".SH SYNOPSIS", 1)[1].split(".SH DESCRIPTION", 1)[0]
    seen = set()
    for block in synopsis.split(".br"):
        m = re.search(r"^\.B brief ([a-z]+)", block, re.M)
        if not m:
            continue
        cmd = m.group(1)
        seen.add(cmd)
        opts = set(re.findall(OPTION, block.replace(".B brief", "")))
        check(cmd in takes and opts <= takes[cmd], "man brief: %s's synopsis offers only its options: %s"
              % (cmd, sorted(opts - takes.get(cmd, set()))))
    check(seen == set(commands), "man brief has a synopsis per command: %s" % sorted(seen ^ set(commands)))


def test_completion_offers_them(line):
    commands, takes, value, groups = line
    with open(os.path.join(ROOT, "completions", "brief"), encoding="utf-8") as f:
        script = f.read()
    offered = dict(re.findall(r"^\s+([a-z]+)\) opts=\"([^\"]*)\"", script, re.M))
    default = re.search(r"^\s+\*\) opts=\"([^\"]*)\"", script, re.M).group(1)
    for cmd in commands:
        opts = set(offered.get(cmd, default).split())
        check(opts == takes[cmd], "completion offers %s's options: missing %s, extra %s"
              % (cmd, sorted(takes[cmd] - opts), sorted(opts - takes[cmd])))
    skip = script.split("case ${COMP_WORDS[i]} in", 1)[1].split("((i++))", 1)[0]
    with_values = set(re.findall(OPTION, skip))
    want = {o for o, v in value.items() if v}
    check(with_values == want, "completion skips the value of every option that takes one: missing %s, extra %s"
          % (sorted(want - with_values), sorted(with_values - want)))


line = command_line()
for fn in checks.tests_in(globals()):
    test(fn, line)
sys.exit(checks.report())
