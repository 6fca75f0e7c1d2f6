"""The arguments every test script is called with (BRIEF ROOT, as
tests/CMakeLists.txt passes them), read by the script itself, and the
example inputs under ROOT."""
import glob, os, shutil, sys

LAYOUTS = ["official", "briefing", "plain"]  # the layouts in layouts/ every example is rendered with


def from_argv(names=("BRIEF", "ROOT"), argv=None):
    """The first len(names) arguments as absolute paths (BRIEF the binary,
    ROOT the checkout, more for scripts that take more)."""
    argv = sys.argv if argv is None else argv
    if len(argv) <= len(names):
        sys.exit(f"usage: {os.path.basename(argv[0])} {' '.join(names)}")
    return [os.path.abspath(a) for a in argv[1:1 + len(names)]]


def copy_examples(root, dest):
    """A batch folder at dest: the examples, the document example's
    attachments (附件/) and figures.csv."""
    inp, figures = examples(root)
    os.makedirs(dest)
    for md in glob.glob(os.path.join(inp, "*.md")):
        shutil.copy(md, dest)
    shutil.copytree(os.path.join(inp, "附件"), os.path.join(dest, "附件"))
    shutil.copy(figures, dest)
    return dest


def examples(root):
    """The example folder input/ and its figures sheet."""
    inp = os.path.join(root, "input")
    return inp, os.path.join(inp, "figures.csv")
