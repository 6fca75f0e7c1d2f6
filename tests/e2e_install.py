#!/usr/bin/env python3
"""Installed like a tool: `cmake --install` into a fresh prefix that is then
moved (the binary must find its data relative to itself), run from another
folder on an example; the manual page (`man -l`) covers every command and
option of --help; the bash completion completes; `cpack -G DEB` builds a
package whose Depends come from the libraries the binary links, whose files
are where Debian expects them, and whose payload runs.
Usage: e2e_install.py BRIEF ROOT BUILD_DIR. Prints "N passed, N failed"."""
import glob, os, re, shutil, sys, tempfile, zipfile

from lib import checks, paths
from lib.checks import check, run, test
from lib.pdf import fonts_ok

BRIEF, ROOT, BUILD = paths.from_argv(("BRIEF", "ROOT", "BUILD"))
INPUT = os.path.join(ROOT, "input")


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if k != "BRIEF_DATA"}
    env.update(extra)
    return env


def check_runs(brief, work, label):
    """The brief at `brief` renders an example in the folder `work`."""
    for f in ["陇西县.md", "figures.csv"]:
        shutil.copy(os.path.join(INPUT, f), work)
    r = run(brief, "render", "陇西县.md", "--figures", "figures.csv", cwd=work, env=clean_env())
    pdf = os.path.join(work, "陇西县.pdf")
    check(r.returncode == 0 and os.path.exists(pdf), "%s: renders from another folder: %s" % (label, r.stderr))
    if os.path.exists(pdf):
        text = run("pdftotext", pdf, "-").stdout
        check("陇西县" in text and fonts_ok(pdf) and run("qpdf", "--check", pdf).returncode == 0,
              "%s: the PDF has its text, embedded fonts, passes qpdf" % label)
        fonts = run("pdffonts", pdf).stdout
        check(re.search(r"NotoSerifCJKsc-Regular +CID Type 0C", fonts) and "UMing" not in fonts,
              "%s: the body in Debian's Noto Serif CJK SC (CID Type 0C):\n%s" % (label, fonts))
    # OFD comes from the module brief-ofd.so, loaded only when an OFD is written.
    r = run(brief, "render", "陇西县.md", "--figures", "figures.csv", "-o", "陇西县.ofd", cwd=work, env=clean_env())
    ofd = os.path.join(work, "陇西县.ofd")
    check(r.returncode == 0 and os.path.exists(ofd) and zipfile.is_zipfile(ofd)
          and "OFD.xml" in zipfile.ZipFile(ofd).namelist(), "%s: writes an OFD through its module: %s" % (label, r.stderr))
    r = run(brief, "layouts", cwd=work, env=clean_env())
    names = [l.split()[0] for l in r.stdout.splitlines() if l.strip()]
    check(names == ["briefing", "document", "official", "plain"], "%s: brief layouts lists the installed layouts: %s" % (label, names))


def test_install(tmp):
    prefix = os.path.join(tmp, "prefix")
    r = run("cmake", "--install", BUILD, "--prefix", prefix)
    check(r.returncode == 0, "cmake --install: %s" % r.stderr)
    want = ["bin/brief", "share/brief/layouts/official.yaml", "share/brief/templates/mail.yaml", "share/brief/layouts/briefing.yaml",
            "share/brief/layouts/plain.yaml", "share/brief/fonts/fontmap.yaml", "share/man/man1/brief.1.gz",
            "share/bash-completion/completions/brief"]
    for w in want:
        check(os.path.exists(os.path.join(prefix, w)), "installed " + w)
    # Relocated: the prefix moved after installing, still finds its data.
    moved = os.path.join(tmp, "moved", "elsewhere")
    os.makedirs(os.path.dirname(moved))
    shutil.move(prefix, moved)
    brief = os.path.join(moved, "bin", "brief")
    work = os.path.join(tmp, "work")
    os.mkdir(work)
    check_runs(brief, work, "moved prefix")
    check("libxml2" not in run("ldd", brief).stdout, "brief itself does not link libxml2 (OFD is a module)")
    # Without its module, an OFD is a located error and nothing is written; PDFs still render.
    module = glob.glob(os.path.join(moved, "lib*", "**", "brief-ofd.so"), recursive=True)
    check(len(module) == 1, "the OFD module is installed: %s" % module)
    if module:
        os.rename(module[0], module[0] + ".off")
        r = run(brief, "render", "陇西县.md", "--figures", "figures.csv", "-o", "无.ofd", cwd=work, env=clean_env())
        check(r.returncode != 0 and "cannot write OFD" in r.stderr and "brief-ofd.so" in r.stderr
              and not os.listdir(work).count("无.ofd"), "no module: an error naming it, no file: %s" % r.stderr.strip())
        os.rename(module[0] + ".off", module[0])
    r = run(brief, "fonts", cwd=work, env=clean_env(XDG_DATA_HOME="/nonexistent-xdg"))
    check(os.path.join(moved, "share", "brief", "fonts") in r.stdout and "/nonexistent-xdg/brief/fonts" in r.stdout
          and "/usr/local/share/brief/fonts" in r.stdout, "brief fonts shows the data, user and system font folders")
    check(("data folder: %s (from installed)" % os.path.join(moved, "share", "brief")) in r.stdout,
          "brief fonts names the data folder and why: %s" % r.stdout.splitlines()[:1])
    # BRIEF_DATA, then --data, override the binary-relative folder.
    r = run(brief, "layouts", cwd=work, env=clean_env(BRIEF_DATA=os.path.join(tmp, "no-such-data")))
    check(r.returncode == 1 and "no-such-data" in r.stderr and "BRIEF_DATA" in r.stderr,
          "a wrong BRIEF_DATA is an error naming it: %s" % r.stderr.strip())
    r = run(brief, "layouts", "--data", ROOT, cwd=work, env=clean_env(BRIEF_DATA=os.path.join(tmp, "no-such-data")))
    check(r.returncode == 0 and "official" in r.stdout, "--data wins over BRIEF_DATA")
    # The binary of the build tree falls back to the source tree.
    r = run(BRIEF, "layouts", cwd=work, env=clean_env())
    check(r.returncode == 0 and "official" in r.stdout, "the build tree's brief uses the source tree's data")
    return moved


def test_man(moved):
    page = os.path.join(moved, "share", "man", "man1", "brief.1.gz")
    r = run("man", "-l", page, env=clean_env(MANWIDTH="100", MAN_KEEP_FORMATTING="0"))
    text = re.sub(r".\x08", "", r.stdout)
    check(r.returncode == 0 and "NAME" in text and "SYNOPSIS" in text, "man -l shows the page")
    warn = run("man", "--warnings", "-l", page, env=clean_env(MANWIDTH="100")).stderr
    check(warn.strip() == "", "the page formats without groff warnings: %s" % warn[:300])
    usage = run(BRIEF, "--help").stdout
    options = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+|-[a-z])\b", usage)))
    commands = sorted(set(re.findall(r"^  brief ([a-z]+)", usage, re.M)))
    check(len(commands) >= 6 and "serve" in commands, "commands found in --help: %s" % commands)
    for word in options + commands:
        check(re.search(r"(?<![\w-])%s\b" % re.escape(word), text), "the manual covers %s" % word)
    for word in ["BRIEF_DATA", "SOURCE_DATE_EPOCH", "XDG_DATA_HOME", "EXIT STATUS", "EXAMPLES", "FILES",
                 "/usr/local/share/brief/fonts", "127.0.0.1", "413", "422"]:
        check(word in text, "the manual mentions %s" % word)
    check(len(options) >= 10, "options found in --help: %s" % options)


def test_completion(moved):
    script = os.path.join(moved, "share", "bash-completion", "completions", "brief")
    probe = ('source "$1"; t() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _brief 2>/dev/null; '
             'echo "${COMPREPLY[*]}"; }; t brief ser; t brief render x.md --la; t brief serve --p; '
             't brief render x.md --layout p; t brief print x.pdf --sides two-sided-l; t brief ma')
    env = clean_env(PATH=os.path.join(moved, "bin") + ":" + os.environ["PATH"])
    r = run("bash", "-c", probe, "probe", script, env=env, cwd=INPUT)
    lines = r.stdout.splitlines()
    check(len(lines) == 6 and lines[0] == "serve" and lines[1] == "--layout" and lines[2] == "--port"
          and lines[3].split()[0] == "plain" and lines[4] == "two-sided-long-edge" and lines[5] == "mail",
          "bash completion: %s %s" % (lines, r.stderr))


def test_deb(tmp):
    out = os.path.join(tmp, "deb")
    r = run("cpack", "-G", "DEB", "-B", out, "--config", os.path.join(BUILD, "CPackConfig.cmake"))
    debs = glob.glob(os.path.join(out, "brief_*.deb"))
    if not check(r.returncode == 0 and len(debs) == 1, "cpack -G DEB builds one .deb: %s" % r.stderr[-500:]):
        return
    deb = debs[0]
    check(re.search(r"/brief_\d+\.\d+\.\d+_[a-z0-9]+\.deb$", deb), "Debian file name: " + os.path.basename(deb))
    info = run("dpkg-deb", "-I", deb).stdout
    depends = re.search(r"^ Depends: (.*)$", info, re.M)
    depends = depends.group(1) if depends else ""
    names = [d.strip().split()[0] for d in depends.split(",") if d.strip()]
    # Every shared library the binary links must be depended on, by its package.
    module = os.path.join(BUILD, "brief-ofd.so")
    needed = re.findall(r"NEEDED\s+(\S+)", run("objdump", "-p", BRIEF).stdout + run("objdump", "-p", module).stdout)
    ldd = dict(re.findall(r"^\s*(\S+) => (\S+)", run("ldd", BRIEF).stdout + run("ldd", module).stdout, re.M))
    for lib in needed:
        owner = run("dpkg", "-S", os.path.realpath(ldd.get(lib, lib))).stdout.split(":")[0]
        if not owner:
            owner = run("dpkg", "-S", ldd.get(lib, lib)).stdout.split(":")[0]
        check(owner in names, "Depends has %s (for %s): %s" % (owner, lib, depends))
    # The mainland faces of the font map are Debian's (the package prints
    # with them on a clean system, scripts/test-clean-root.sh), the fallbacks too.
    for fonts in ["fonts-noto-cjk", "fonts-noto-cjk-extra", "fonts-lxgw-wenkai", "fonts-arphic-uming", "fonts-wqy-zenhei"]:
        check(fonts in names, "Depends has the font package %s" % fonts)
    check(re.search(r"libc6 \(>= [\d.]+\)", depends), "versioned Depends from dpkg-shlibdeps: %s" % depends)
    files = run("dpkg", "-c", deb).stdout
    for f in ["./usr/bin/brief", "./usr/share/brief/layouts/official.yaml", "./usr/share/brief/fonts/fontmap.yaml",
              "./usr/share/man/man1/brief.1.gz", "./usr/share/bash-completion/completions/brief"]:
        check(re.search(r"\s%s$" % re.escape(f), files, re.M), "the .deb holds " + f)
    check(re.search(r"\s\./usr/lib/\S*brief/brief-ofd\.so$", files, re.M), "the .deb holds the OFD module brief-ofd.so")
    # The payload, unpacked anywhere, runs (the same relocation rule as /usr).
    root = os.path.join(tmp, "unpacked")
    check(run("dpkg-deb", "-x", deb, root).returncode == 0, "dpkg-deb -x")
    work = os.path.join(tmp, "work-deb")
    os.mkdir(work)
    check_runs(os.path.join(root, "usr", "bin", "brief"), work, ".deb payload")


def main():
    tmp = tempfile.mkdtemp(prefix="brief-install-test-")
    try:
        moved = test_install(tmp)  # the installed tree the next two read: always made
        test(test_man, moved)
        test(test_completion, moved)
        test(test_deb, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(checks.report())


if __name__ == "__main__":
    main()
