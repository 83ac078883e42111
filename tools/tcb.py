#!/usr/bin/env python3
"""make tcb: the size of the trusted computing base beside the services'.

  tcb.py --bin SAFECHECK --cc CC --flags "SERVICE_CFLAGS" [--root DIR] [--list N]

Lines are non-blank, non-comment lines of C, headers and assembly. The framework is
framework/ without framework/host/ (the libc port used only by host tests, not linked into the
kernel); services are kernel/ and examples/. Raw-operation sites are what the checker reports
when it audits framework files with no exemption (`safecheck --audit`): asm, volatile, register
variables, integer->pointer and pointer->pointer conversions, pointer arithmetic, unchecked
subscripts and &a[i], unions, builtins outside the service allow-list, alloca/VLAs — counted
once per source line where they are spelled (a trusted macro's body counts where it is written,
not at every use). A site "has a SAFETY comment" when `SAFETY:` appears on its line or in the
lines above it, up to 12 lines and stopping at a blank line or a function boundary. Every
assembly file counts as one raw site, with a SAFETY comment when the file contains one.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

RAW = {"asm", "volatile", "register", "int-to-pointer", "pointer-cast", "pointer-arith",
       "subscript", "addr-of-element", "union", "builtin", "vla"}
SRC = (".c", ".h", ".S", ".s")
VIOLATION = re.compile(r"^(.*?):(\d+):(\d+): \[([\w-]+)\]")


def code_lines(path):
    """Non-blank lines once /* */ and // comments are removed."""
    with open(path, errors="replace") as fh:
        text = fh.read()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    n = 0
    for line in text.splitlines():
        line = re.sub(r"//.*$", "", line)
        if line.strip():
            n += 1
    return n


def walk(root, top, exclude=()):
    out = []
    base = os.path.join(root, top)
    for d, dirs, files in os.walk(base):
        dirs[:] = sorted(x for x in dirs if os.path.relpath(os.path.join(d, x), root) not in exclude)
        out += [os.path.join(d, f) for f in sorted(files) if f.endswith(SRC)]
    return out


def has_safety(lines, n):
    """SAFETY: on line n (1-based) or in the block of lines just above it."""
    i = n - 1
    if i < len(lines) and "SAFETY:" in lines[i]:
        return True
    for j in range(i - 1, max(-1, i - 13), -1):
        s = lines[j].strip()
        if "SAFETY:" in s:
            return True
        if not s or s == "}" or s == "{" or re.match(r"^\w.*\)\s*\{?$", lines[j]) and not lines[j].startswith((" ", "\t")):
            return False
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cc", default="clang-22")
    ap.add_argument("--flags", required=True)
    ap.add_argument("--root", default=".")
    ap.add_argument("--list", type=int, default=15, help="sites without SAFETY to list")
    ap.add_argument("--require-safety", action="store_true",
                    help="exit 1 when any framework raw-operation site lacks a SAFETY comment")
    a = ap.parse_args()
    root = os.path.abspath(a.root)
    exclude = ("framework/host",)
    fw = walk(root, "framework", exclude)
    svc = walk(root, "kernel") + walk(root, "examples")

    def tally(files):
        by = {"C": 0, "headers": 0, "asm": 0}
        for f in files:
            k = "headers" if f.endswith(".h") else "asm" if f.endswith((".S", ".s")) else "C"
            by[k] += code_lines(f)
        return sum(by.values()), by

    fw_n, fw_by = tally(fw)
    sv_n, sv_by = tally(svc)
    total = fw_n + sv_n

    # Raw-operation sites: the checker audits every framework C file and header.
    incs = sorted({os.path.relpath(d, root) for d, dirs, files in os.walk(os.path.join(root, "framework"))
                   if os.path.basename(d) == "include" and not os.path.relpath(d, root).startswith(exclude)})
    flags = a.flags + " " + " ".join("-I" + i for i in incs) + " -Iframework"
    sites = {}
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, os.path.join(root, "tools", "safecheck", "compdb.py"), "--root", root,
                        "--out", os.path.join(tmp, "compile_commands.json"), "--cc", a.cc, "--flags", flags,
                        "--dirs", "framework", "--exclude", " ".join(exclude)], check=True)
        with open(os.path.join(tmp, "compile_commands.json")) as fh:
            nfiles = len(json.load(fh))
        r = subprocess.run([a.bin, "--audit", "-p", tmp, "--root", root, "--all"] if nfiles else ["true"],
                           capture_output=True, text=True, cwd=root)
    for line in r.stdout.splitlines():
        m = VIOLATION.match(line)
        if m and m.group(4) in RAW:
            path = os.path.normpath(os.path.join(root, m.group(1)))
            if not path.startswith(os.path.join(root, "framework") + os.sep):
                continue
            sites.setdefault((path, int(m.group(2))), set()).add(m.group(4))
    cache = {}
    with_c, without = 0, []
    kinds = {}
    for (path, n), rules in sorted(sites.items()):
        if path not in cache:
            with open(path, errors="replace") as fh:
                cache[path] = fh.read().splitlines()
        for rl in rules:
            kinds[rl] = kinds.get(rl, 0) + 1
        if has_safety(cache[path], n):
            with_c += 1
        else:
            without.append((path, n, rules))
    for f in fw:
        if f.endswith((".S", ".s")):
            kinds["asm-file"] = kinds.get("asm-file", 0) + 1
            with open(f, errors="replace") as fh:
                if "SAFETY:" in fh.read():
                    with_c += 1
                else:
                    without.append((f, 1, {"asm-file"}))

    print("Trusted computing base (make tcb)")
    print("  framework: %6d lines in %3d files (C %d, headers %d, asm %d; framework/host/ excluded)"
          % (fw_n, len(fw), fw_by["C"], fw_by["headers"], fw_by["asm"]))
    print("  services:  %6d lines in %3d files (C %d, headers %d, asm %d)"
          % (sv_n, len(svc), sv_by["C"], sv_by["headers"], sv_by["asm"]))
    if total:
        print("  framework share: %.1f%% of %d lines (framework/services = %s)"
              % (100.0 * fw_n / total, total, "%.2f" % (fw_n / sv_n) if sv_n else "n/a: no service code yet"))
    nsites = with_c + len(without)
    print("  raw-operation sites in the framework: %d (with a SAFETY comment: %d, without: %d)"
          % (nsites, with_c, len(without)))
    if kinds:
        print("    by kind: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    if without and a.list:
        print("  sites without a SAFETY comment (first %d):" % min(a.list, len(without)))
        for path, n, rules in without[:a.list]:
            print("    %s:%d [%s]" % (os.path.relpath(path, root), n, ",".join(sorted(rules))))
    print("  anchors: Asterinas OSTD ~14% (linked) / ~17% (plain lines); seL4's C ~8.7K lines")
    if a.require_safety and without:
        print("tcb: %d raw-operation site(s) in framework/ without a SAFETY comment (listed above)"
              % len(without), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
