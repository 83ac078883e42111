#!/usr/bin/env python3
"""Writes a compilation database (compile_commands.json) for service files.

  compdb.py --root DIR --out FILE --cc CC --flags "SERVICE_CFLAGS" [--list]

Lists every .c and .h file under DIR/kernel and DIR/examples/<name>, each with the service
compile flags (headers are parsed as C files of their own, so a header no .c file includes is
still checked). For a file in examples/<name>/ the kernel's include path is swapped for the
example's own (`examples/<name>/include` when it exists). The file is rewritten only when its
content changes, so make's timestamps stay meaningful. --list prints the files instead.
"""
import argparse
import json
import os
import shlex
import sys


def service_files(root, tops=("kernel", "examples"), exclude=()):
    out = []
    for top in tops:
        base = os.path.join(root, top)
        for d, dirs, files in os.walk(base):
            dirs[:] = sorted(x for x in dirs
                             if os.path.relpath(os.path.join(d, x), root) not in exclude)
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    out.append(os.path.relpath(os.path.join(d, f), root))
    return out


def flags_for(path, flags, root):
    parts = path.split(os.sep)
    if parts[0] != "examples" or len(parts) < 3:
        return flags
    own = os.path.join("examples", parts[1], "include")
    fl = [f for f in flags if f not in ("-Ikernel/include",)]
    if os.path.isdir(os.path.join(root, own)):
        fl.append("-I" + own)
    return fl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=".")
    ap.add_argument("--out")
    ap.add_argument("--cc", default="clang-22")
    ap.add_argument("--flags", default="")
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--dirs", default="kernel examples", help="trees to list (make tcb: framework)")
    ap.add_argument("--exclude", default="", help="subtrees to skip")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    files = service_files(root, a.dirs.split(), a.exclude.split())
    if a.list:
        print("\n".join(files))
        return 0
    flags = shlex.split(a.flags)
    entries = []
    for f in files:
        args = [a.cc] + flags_for(f, flags, root)
        if f.endswith(".h"):
            args += ["-Wno-pragma-once-outside-header", "-x", "c"]
        args += ["-c", f, "-o", "/dev/null"]
        entries.append({"directory": root, "file": f, "arguments": args})
    text = json.dumps(entries, indent=1) + "\n"
    try:
        with open(a.out) as fh:
            if fh.read() == text:
                return 0
    except OSError:
        pass
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    tmp = "%s.%d.tmp" % (a.out, os.getpid())  # concurrent makes may regenerate it together
    with open(tmp, "w") as fh:
        fh.write(text)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
