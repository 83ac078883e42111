#!/usr/bin/env python3
"""dyn_spec.py — the initramfs spec of the `dyn` group (mk/vm.mk): each program given as
DEST=SRC, plus every library `ldd` lists for it and the dynamic linker, at the paths the
programs look for them (the linker also at its /lib64 name, as a symbolic link)."""
import os
import subprocess
import sys


def libs(path):
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
