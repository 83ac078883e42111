#!/usr/bin/env python3
"""Host tests of the build-time pieces behind trap reports. Prints KTAP.

  test_fwsyms.py ELF

1. tools/fwsyms.py on the kernel's first-link image: the table parses back (header, sorted
   symbols, known functions present with the addresses llvm-nm gives, file:line rows).
2. clang-22's check-kind numbering: small functions with each kind of check are compiled with
   -fsanitize-trap, and the kind byte of each `ud1` must equal the value framework/internal/
   decode.h gives that check (so a compiler upgrade that renumbers checks fails here).
"""
import os
import re
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
results = []


def check(ok, name, note=""):
    results.append((bool(ok), name, note))


def test_table(elf):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "t.bin")
        subprocess.run([sys.executable, os.path.join(ROOT, "tools/fwsyms.py"), elf, out],
                       check=True, capture_output=True)
        data = open(out, "rb").read()
    hdr = struct.unpack_from("<10IQ", data)
    magic, ver, nsyms, nlines, nfiles, sym_off, line_off, file_off, str_off, str_len, base = hdr
    check(magic == 0x59535746 and ver == 1, "fwsyms_header")
    syms = [struct.unpack_from("<III", data, sym_off + 12 * i) for i in range(nsyms)]
    strs = data[str_off:str_off + str_len]
    name = lambda off: strs[off:strs.index(b"\0", off)].decode()
    check(all(syms[i][0] <= syms[i + 1][0] for i in range(nsyms - 1)), "fwsyms_symbols_sorted")
    nm = subprocess.run(["llvm-nm-22", "--defined-only", elf], check=True, capture_output=True,
                        text=True).stdout
    want = {}
    for line in nm.splitlines():
        p = line.split()
        if len(p) == 3 and p[2] in ("trap_dispatch", "ktest_main", "boot_main64"):
            want[p[2]] = int(p[0], 16)
    have = {name(n): base + a for a, _, n in syms}
    check(len(want) == 3 and all(have.get(k) == v for k, v in want.items()),
          "fwsyms_known_functions", str(want))
    lines = [struct.unpack_from("<II", data, line_off + 8 * i) for i in range(nlines)]
    files = [name(struct.unpack_from("<I", data, file_off + 4 * i)[0]) for i in range(nfiles)]
    check(nlines > 100 and all(lines[i][0] <= lines[i + 1][0] for i in range(nlines - 1)),
          "fwsyms_lines_sorted")
    check("framework/ktest/ktest.c" in files and all(not f.startswith("/work") for f in files
                                                      if f.startswith(ROOT)),
          "fwsyms_files_relative")


CHECKS = {
    "CHECK_OUT_OF_BOUNDS": ("array-bounds", "int a[4]; int f(int i){ return a[i]; }"),
    "CHECK_ADD_OVERFLOW": ("signed-integer-overflow", "int f(int x, int y){ return x + y; }"),
    "CHECK_SUB_OVERFLOW": ("signed-integer-overflow", "int f(int x, int y){ return x - y; }"),
    "CHECK_MUL_OVERFLOW": ("signed-integer-overflow", "int f(int x, int y){ return x * y; }"),
    "CHECK_NEGATE_OVERFLOW": ("signed-integer-overflow", "int f(int x){ return -x; }"),
    "CHECK_SHIFT_OUT_OF_BOUNDS": ("shift", "int f(int x, int y){ return x << y; }"),
    "CHECK_DIVREM_OVERFLOW": ("integer-divide-by-zero", "int f(int x, int y){ return x / y; }"),
    "CHECK_BUILTIN_UNREACHABLE": ("unreachable", "int f(int x){ if (x) return 1; __builtin_unreachable(); }"),
    "CHECK_POINTER_OVERFLOW": ("pointer-overflow", "char *f(char *p, long n){ return p + n; }"),
}


def test_kinds():
    hdr = open(os.path.join(ROOT, "framework/internal/decode.h")).read()
    values = {m.group(1): int(m.group(2)) for m in re.finditer(r"(CHECK_\w+) = (\d+)", hdr)}
    with tempfile.TemporaryDirectory() as d:
        for enum, (san, src) in sorted(CHECKS.items()):
            c = os.path.join(d, "c.c")
            o = os.path.join(d, "c.o")
            open(c, "w").write(src + "\n")
            subprocess.run(["clang-22", "-target", "x86_64-unknown-none", "-O2", "-c",
                            "-fsanitize=" + san, "-fsanitize-trap=all", c, "-o", o], check=True)
            dis = subprocess.run(["llvm-objdump-22", "-d", o], check=True, capture_output=True,
                                 text=True).stdout
            kinds = set()
            for m in re.finditer(r":\s+((?:[0-9a-f]{2} )+)\s*ud1l", dis):
                b = bytes.fromhex(m.group(1).replace(" ", ""))
                i = 1 if b[0] == 0x67 else 0
                kinds.add(b[i + 3] if (b[i + 2] >> 6) == 1 else 0)
            check(kinds == {values.get(enum)}, "clang_kind_" + enum.lower(),
                  "ud1 kinds %s, decode.h says %s" % (sorted(kinds), values.get(enum)))


def main():
    test_table(sys.argv[1])
    test_kinds()
    print("KTAP version 1")
    print("1..%d" % len(results))
    for i, (ok, name, note) in enumerate(results, 1):
        if not ok and note:
            print("# " + note)
        print("%sok %d %s" % ("" if ok else "not ", i, name))


if __name__ == "__main__":
    main()
