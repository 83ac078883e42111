#!/usr/bin/env python3
"""Fails when a framework file includes a kernel/ header (dependencies point one way).

  fw_includes.py ROOT

A grep-level check over framework/ (C, headers, assembly): an #include whose path names
kernel/ (`"../../kernel/x.h"`, `<kernel/x.h>`), or that resolves only under kernel/include/
(`<uapi/foo.h>` when kernel/include/uapi/foo.h exists and no framework header of that name
does). Prints `file:line: [fw-include] ...` for each and exits 1.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include(?:_next)?\s*[<"]([^>"]+)[>"]')


def main():
    root = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    fw = os.path.join(root, "framework")
    kinc = os.path.join(root, "kernel", "include")
    bad = 0
    for d, dirs, files in os.walk(fw):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".c", ".h", ".S", ".s", ".lds", ".ld")):
                continue
            path = os.path.join(d, f)
            with open(path, errors="replace") as fh:
                for n, line in enumerate(fh, 1):
                    m = INCLUDE.match(line)
                    if not m:
                        continue
                    inc = m.group(1)
                    target = os.path.normpath(os.path.join(d, inc))
                    why = None
                    if re.search(r"(^|/)kernel/", inc) or target.startswith(os.path.join(root, "kernel") + os.sep):
                        why = "names kernel/"
                    elif (os.path.exists(os.path.join(kinc, inc))
                          and not os.path.exists(os.path.join(fw, "include", inc))
                          and not os.path.exists(target)):
                        why = "resolves only under kernel/include/"
                    if why:
                        print("%s:%d: [fw-include] framework file includes <%s>, which %s: the "
                              "framework never depends on services" % (os.path.relpath(path, root), n, inc, why))
                        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
