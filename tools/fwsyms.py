#!/usr/bin/env python3
"""Builds the symbol and line tables embedded in build/trellis (the .fwsyms section).

  fwsyms.py --nm NM --dwarfdump DWARFDUMP --root DIR ELF OUT.bin

Reads the function symbols of ELF's text (llvm-nm) and its DWARF line table
(llvm-dwarfdump --debug-line), and writes the binary table that framework/panic/symbols.c
reads; the format is described in framework/internal/symbols.h. The kernel links twice: the
first image has an empty .fwsyms section placed last, this script reads it, and the second link
adds the table without moving any other address (mk/kernel.mk checks that).
"""
import argparse
import os
import re
import struct
import subprocess
import sys

MAGIC = 0x59535746
VERSION = 1
NO_FILE = 0xFFF
BASE = 0xFFFFFFFF80000000


def read_symbols(nm, elf):
    out = subprocess.run([nm, "--defined-only", "-n", "-S", elf], check=True,
                         capture_output=True, text=True).stdout
    text_lo = text_hi = None
    syms = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4:
            addr, size, typ, name = parts
        elif len(parts) == 3:
            addr, typ, name = parts
            size = "0"
        else:
            continue
        a = int(addr, 16)
        if name == "__text_start":
            text_lo = a
        elif name == "__text_end":
            text_hi = a
        if typ in "tTwW" and not name.startswith(("__cfi_", ".L")):
            syms.append((a, int(size, 16), name))
    if text_lo is None or text_hi is None:
        sys.exit("fwsyms: no __text_start/__text_end in %s" % elf)
    syms = [s for s in syms if text_lo <= s[0] < text_hi]
    syms.sort()
    dedup = []
    for s in syms:  # one name per address: prefer a sized (C) symbol, then a non-"__" one
        if dedup and dedup[-1][0] == s[0]:
            old = dedup[-1]
            if (old[1] == 0 and s[1]) or (old[1] == s[1] and old[2].startswith("__")
                                           and not s[2].startswith("__")):
                dedup[-1] = s
            continue
        dedup.append(s)
    return dedup


ROW = re.compile(r"^0x([0-9a-f]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s+\d+\s*(.*)$")


def read_lines(dwarfdump, elf, root):
    out = subprocess.run([dwarfdump, "--debug-line", elf], check=True,
                         capture_output=True, text=True).stdout
    files = {}      # path -> index
    rows = []       # (addr, file index or NO_FILE, line)
    dirs, names = {}, {}
    cur_file = None
    for line in out.splitlines():
        s = line.strip()
        if s.startswith("debug_line["):
            dirs, names, cur_file = {}, {}, None
            continue
        m = re.match(r'include_directories\[\s*(\d+)\] = "(.*)"', s)
        if m:
            dirs[int(m.group(1))] = m.group(2)
            continue
        m = re.match(r"file_names\[\s*(\d+)\]:", s)
        if m:
            cur_file = int(m.group(1))
            names[cur_file] = ["", 0]
            continue
        if cur_file is not None:
            m = re.match(r'name: "(.*)"', s)
            if m:
                names[cur_file][0] = m.group(1)
                continue
            m = re.match(r"dir_index: (\d+)", s)
            if m:
                names[cur_file][1] = int(m.group(1))
                continue
        m = ROW.match(s)
        if m:
            addr, ln, fidx, flags = int(m.group(1), 16), int(m.group(2)), int(m.group(4)), m.group(5)
            if "end_sequence" in flags:
                rows.append((addr, NO_FILE, 0))
                continue
            name, d = names.get(fidx, ["?", 0])
            path = os.path.normpath(os.path.join(dirs.get(d, ""), name))
            if os.path.isabs(path) and path.startswith(root + os.sep):
                path = os.path.relpath(path, root)
            idx = files.setdefault(path, len(files))
            rows.append((addr, idx, min(ln, 0xFFFFF)))
    rows.sort(key=lambda r: (r[0], r[1] == NO_FILE))
    compact = []
    for r in rows:
        if r[0] < BASE:
            continue
        if compact and compact[-1][0] == r[0]:
            compact[-1] = r  # the last row for an address wins (end_sequence sorts first)
            continue
        compact.append(r)
    if len(files) >= NO_FILE:
        sys.exit("fwsyms: too many source files")
    return compact, [p for p, _ in sorted(files.items(), key=lambda kv: kv[1])]


def resolve_line_zero(symbolizer, elf, rows, files, root):
    """Rows with line 0 (compiler-generated code such as check traps, which clang places in
    an artificial inlined frame) get the line of the first real frame of their inline chain."""
    zero = [i for i, r in enumerate(rows) if r[1] != NO_FILE and r[2] == 0]
    if not zero:
        return rows, files
    inp = "".join("0x%x\n" % rows[i][0] for i in zero)
    out = subprocess.run([symbolizer, "--obj=" + elf, "-i", "--functions=none"], input=inp,
                         check=True, capture_output=True, text=True).stdout
    blocks = out.strip("\n").split("\n\n")
    index = {p: i for i, p in enumerate(files)}
    rows = list(rows)
    for i, block in zip(zero, blocks):
        for loc in block.splitlines():
            path, _, rest = loc.rpartition(":")  # path:line:column
            path, _, line = path.rpartition(":")
            if not line.isdigit() or int(line) == 0:
                continue
            path = os.path.normpath(path)
            if os.path.isabs(path) and path.startswith(root + os.sep):
                path = os.path.relpath(path, root)
            idx = index.setdefault(path, len(index))
            rows[i] = (rows[i][0], idx, min(int(line), 0xFFFFF))
            break
    files = [p for p, _ in sorted(index.items(), key=lambda kv: kv[1])]
    return rows, files


def merge_runs(rows):
    """Drop rows that repeat the previous row's file and line (they add no information)."""
    out = []
    for r in rows:
        if out and out[-1][1:] == r[1:]:
            continue
        out.append(r)
    return out


def build(syms, rows, files):
    strings = bytearray()
    offsets = {}

    def intern(s):
        if s not in offsets:
            offsets[s] = len(strings)
            strings.extend(s.encode() + b"\0")
        return offsets[s]

    sym_blob = b"".join(struct.pack("<III", a - BASE, min(sz, 0xFFFFFFFF), intern(n))
                        for a, sz, n in syms)
    line_blob = b"".join(struct.pack("<II", a - BASE, (f << 20) | ln) for a, f, ln in rows)
    file_blob = b"".join(struct.pack("<I", intern(f)) for f in files)
    hdr_len = struct.calcsize("<10IQ")
    sym_off = hdr_len
    line_off = sym_off + len(sym_blob)
    file_off = line_off + len(line_blob)
    str_off = file_off + len(file_blob)
    hdr = struct.pack("<10IQ", MAGIC, VERSION, len(syms), len(rows), len(files),
                      sym_off, line_off, file_off, str_off, len(strings), BASE)
    data = hdr + sym_blob + line_blob + file_blob + bytes(strings)
    return data + b"\0" * (-len(data) % 8)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nm", default="llvm-nm-22")
    ap.add_argument("--dwarfdump", default="llvm-dwarfdump-22")
    ap.add_argument("--symbolizer", default="llvm-symbolizer-22")
    ap.add_argument("--root", default=os.getcwd())
    ap.add_argument("elf")
    ap.add_argument("out")
    a = ap.parse_args()
    syms = read_symbols(a.nm, a.elf)
    root = os.path.abspath(a.root)
    rows, files = read_lines(a.dwarfdump, a.elf, root)
    rows, files = resolve_line_zero(a.symbolizer, a.elf, rows, files, root)
    rows = merge_runs(rows)
    data = build(syms, rows, files)
    with open(a.out, "wb") as f:
        f.write(data)
    print("fwsyms: %d symbols, %d line rows, %d files, %d bytes" % (len(syms), len(rows), len(files), len(data)))


if __name__ == "__main__":
    main()
