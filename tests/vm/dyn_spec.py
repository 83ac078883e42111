#!/usr/bin/env python3
"""dyn_spec.py — the initramfs spec of the `dyn` group (mk/vm.mk): each program given as
DEST=SRC, plus every library `ldd` lists for it and the dynamic linker, at the paths the
programs look for them (the linker also at its /lib64 name, as a symbolic link). A musl
program needs only musl's dynamic linker, which is its libc as well."""
import os
import struct
import subprocess
import sys


def interp(path):
    """The program's PT_INTERP (its dynamic linker), or None (an ELF64 little-endian file)."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from("<IIQQQQ", data, phoff + i * phentsize)
        if p_type == 3:  # PT_INTERP
            return data[p_offset:p_offset + p_filesz].rstrip(b"\0").decode()
    return None


def libs(path):
    ld = interp(path)
    if ld and "ld-musl" in ld:
        # musl's dynamic linker is its libc too (it answers the NEEDED libc.so itself), and
        # the host's ldd (glibc's) cannot read the program
        yield ld
        return
    out = subprocess.run(["ldd", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if "=>" in parts:
            target = parts[parts.index("=>") + 1]
            if target.startswith("/"):
                yield target
        elif parts and parts[0].startswith("/"):
            yield parts[0]


def main():
    entries, seen = [], set()
    for arg in sys.argv[1:]:
        dest, src = arg.split("=", 1)
        entries.append("file:%s=%s:0755" % (dest, src))
        for lib in libs(src):
            real = os.path.realpath(lib)
            # the path the loader asks for, without the host's merged-/usr links
            want = lib if not lib.startswith("/lib64/") else "/lib/x86_64-linux-gnu/" + os.path.basename(real)
            if want not in seen:
                seen.add(want)
                entries.append("file:%s=%s:0755" % (want, real))
            if lib.startswith("/lib64/") and lib not in seen:
                seen.add(lib)
                entries.append("sym:%s=%s" % (lib, want))
    print("\n".join(entries))


if __name__ == "__main__":
    main()
