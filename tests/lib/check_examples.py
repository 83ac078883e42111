#!/usr/bin/env python3
"""Runs the safe-C checker over the library's service-side examples and prints KTAP.

  check_examples.py --bin SAFECHECK --cc CC --flags "SERVICE_CFLAGS" --tree DIR

The checker only checks files under a tree's kernel/ (it classifies files by their real path),
so this builds a scratch tree DIR with a copy of framework/include/fw/ and the examples under
DIR/kernel/, writes its compilation database with tools/safecheck/compdb.py, and then expects:
  - every file of tests/lib/service-examples/ (first line `safecheck-expect: accept`) to pass
    the checker and compile with the service flags;
  - every file of tests/lib/service-examples/bad/ (`safecheck-expect: reject RULE`) to be
    rejected with RULE; RULE `thread-safety` is the compiler's to reject
    (-Werror=thread-safety-pointer), so such a file must fail to compile instead.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
EXPECT = re.compile(r"safecheck-expect:\s*(accept|reject\s+([\w-]+))")


def expectation(path):
    with open(path) as f:
        m = EXPECT.search(f.read(400))
    if not m:
        return None
    return ("accept", None) if m.group(1) == "accept" else ("reject", m.group(2))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--flags", required=True)
    ap.add_argument("--tree", required=True)
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    tree = os.path.abspath(a.tree)
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(os.path.join(ROOT, "framework", "include", "fw"),
                    os.path.join(tree, "framework", "include", "fw"))
    os.makedirs(os.path.join(tree, "kernel", "include"))
    cases = []
    for sub, dst in (("service-examples", "safec_examples"), ("service-examples/bad", "safec_bad")):
        src = os.path.join(HERE, sub)
        os.makedirs(os.path.join(tree, "kernel", dst))
        for f in sorted(os.listdir(src)):
            if f.endswith((".c", ".h")):
                shutil.copy(os.path.join(src, f), os.path.join(tree, "kernel", dst, f))
                if f.endswith(".c"):
                    cases.append((os.path.join("kernel", dst, f), expectation(os.path.join(src, f))))
    db = os.path.join(tree, "build")
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "safecheck", "compdb.py"),
                    "--root", tree, "--out", os.path.join(db, "compile_commands.json"),
                    "--cc", a.cc, "--flags", a.flags], check=True)
    print("KTAP version 1")
    print("1..%d" % len(cases))
    flags = shlex.split(a.flags)
    for i, (rel, exp) in enumerate(cases, 1):
        name = "safecheck_example %s" % rel
        if exp is None:
            print("not ok %d %s # no safecheck-expect line" % (i, name))
            continue
        kind, rule = exp
        if rule == "thread-safety":
            r = subprocess.run([a.cc] + flags + ["-Werror=thread-safety-pointer", "-fsyntax-only", rel],
                               cwd=tree, capture_output=True, text=True)
            ok = r.returncode != 0 and "requires holding" in r.stderr
            detail = r.stderr.strip().splitlines()[:3]
        else:
            r = subprocess.run([a.bin, "-p", db, "--root", tree, rel], cwd=tree,
                               capture_output=True, text=True)
            out = (r.stdout + r.stderr).strip()
            if kind == "accept":
                c = subprocess.run([a.cc] + flags + ["-fsyntax-only", rel], cwd=tree,
                                   capture_output=True, text=True)
                ok = r.returncode == 0 and not out and c.returncode == 0
                out = (out + "\n" + c.stderr).strip()
            else:
                ok = r.returncode == 1 and ("[%s]" % rule) in out
            detail = out.splitlines()[:5]
        print("%sok %d %s (%s%s)" % ("" if ok else "not ", i, name, kind, " " + rule if rule else ""))
        if not ok:
            for d in detail:
                print("    # " + d)
    return 0


if __name__ == "__main__":
    sys.exit(main())
