#!/usr/bin/env python3
"""Regenerate the README's tour from real output.

Reads the commands of the README's "A tour" block (lines starting "$ "),
runs them in order in a new folder holding the sample case
(tests/gen/gen-sample.py), and prints the block with each command's real
output (stdout and stderr, as a person at the terminal sees them).  With
--write, replaces the block in README.md.  Pipes written in the README
(| head -n 33) are run as written, by sh.

    python3 tests/tour.py [--write] [--bin build/workbench]
"""
import argparse, os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "workbench"))
    a = ap.parse_args()
    readme = os.path.join(ROOT, "README.md")
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"(## A tour\n.*?```\n)(.*?)(```\n)", text, re.S)
    if not m:
        sys.exit("README.md: no tour block")
    cmds = [l[2:] for l in m.group(2).splitlines() if l.startswith("$ ")]
    work = tempfile.mkdtemp(prefix="wbtour.")
    try:
        subprocess.run([sys.executable, os.path.join(ROOT, "tests/gen/gen-sample.py"),
                        os.path.join(work, "sample")], check=True, stdout=subprocess.DEVNULL)
        bindir = os.path.join(work, ".bin")
        os.mkdir(bindir)
        os.symlink(os.path.abspath(a.bin), os.path.join(bindir, "workbench"))
        env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"],
                   WB_NO_PROGRESS="1", COLUMNS="80")
        out = []
        for c in cmds:
            # A copy of the exhibits held elsewhere, as counsel would hold it.
            mm = re.search(r"--exhibits (\S+)", c)
            if mm and not os.path.exists(mm.group(1)):
                shutil.copytree(os.path.join(work, "exhibits"), mm.group(1))
            r = subprocess.run(["sh", "-c", c], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out.append("$ " + c + "\n" + r.stdout.decode("utf-8").replace(work + "/", ""))
        block = "".join(out)
    finally:
        shutil.rmtree(work)
        for c in cmds:
            mm = re.search(r"--exhibits (/tmp/\S+)", c)
            if mm:
                shutil.rmtree(mm.group(1), ignore_errors=True)
    if a.write:
        text = text[:m.start(2)] + block + text[m.end(2):]
        open(readme, "w", encoding="utf-8").write(text)
    else:
        sys.stdout.write(block)

main()
