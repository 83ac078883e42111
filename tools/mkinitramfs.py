#!/usr/bin/env python3
"""The one initramfs builder: writes a newc cpio archive (uncompressed unless --gzip).

Entries (on the command line or one per line in --spec files; '#' starts a comment):
  file:DEST=SRC[:MODE]     a regular file copied from SRC (MODE in octal, default: SRC's mode)
  dir:DEST[:MODE]          a directory (default 0755)
  sym:DEST=TARGET          a symbolic link
  tree:DEST=SRCDIR         SRCDIR copied recursively (files, dirs, symlinks) under DEST
  text:DEST=CONTENT        a small regular file (mode 0644) holding CONTENT and a newline
  dev:DEST=c|b:MAJ:MIN[:MODE]  a device node
--busybox PATH installs PATH as /bin/busybox plus a symlink for every applet it lists.
Parent directories are created as needed. Every entry is owned by root, mtime 0, so the
same inputs give the same bytes. The format: the "newc" cpio layout (magic 070701, 13
eight-digit hex fields, name padded to 4 bytes, data padded to 4 bytes, TRAILER!!! last).
"""
import argparse
import gzip
import os
import stat
import subprocess
import sys

S_IFREG, S_IFDIR, S_IFLNK, S_IFCHR, S_IFBLK = 0o100000, 0o040000, 0o120000, 0o020000, 0o060000


class Archive:
    def __init__(self):
        self.entries = {}  # dest path -> (mode, data, rdev)

    def _parents(self, dest):
        parts = dest.strip("/").split("/")[:-1]
        for i in range(1, len(parts) + 1):
            p = "/" + "/".join(parts[:i])
            if p not in self.entries:
                self.entries[p] = (S_IFDIR | 0o755, b"", (0, 0))

    def add(self, dest, mode, data=b"", rdev=(0, 0)):
        dest = "/" + dest.strip("/")
        if dest == "/":
            return
        self._parents(dest)
        self.entries[dest] = (mode, data, rdev)

    def add_tree(self, dest, src):
        for root, dirs, files in os.walk(src, followlinks=False):
            rel = os.path.relpath(root, src)
            base = dest if rel == "." else dest.rstrip("/") + "/" + rel
            self.add(base, S_IFDIR | 0o755)
            for name in sorted(dirs + files):
                p = os.path.join(root, name)
                d = base.rstrip("/") + "/" + name
                st = os.lstat(p)
                if stat.S_ISLNK(st.st_mode):
                    self.add(d, S_IFLNK | 0o777, os.readlink(p).encode())
                elif stat.S_ISREG(st.st_mode):
                    with open(p, "rb") as f:
                        self.add(d, S_IFREG | stat.S_IMODE(st.st_mode), f.read())

    def bytes(self):
        out = bytearray()
        ino = 1

        def put(name, mode, data, rdev, nlink):
            nonlocal ino
            nb = name.encode() + b"\0"
            hdr = "070701" + "".join("%08x" % v for v in (
                ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(nb), 0))
            ino += 1
            out.extend(hdr.encode() + nb)
            out.extend(b"\0" * (-len(out) % 4))
            out.extend(data)
            out.extend(b"\0" * (-len(out) % 4))

        for dest in sorted(self.entries):
            mode, data, rdev = self.entries[dest]
            put(dest.lstrip("/"), mode, data, rdev, 2 if stat.S_ISDIR(mode) else 1)
        put("TRAILER!!!", 0, b"", (0, 0), 1)
        return bytes(out)


def parse_entry(ar, spec):
    kind, _, rest = spec.partition(":")
    if kind == "file":
        dest, _, src = rest.partition("=")
        mode = None
        if ":" in src:
            src, _, m = src.rpartition(":")
            mode = int(m, 8)
        with open(src, "rb") as f:
            data = f.read()
        if mode is None:
            mode = stat.S_IMODE(os.stat(src).st_mode)
        ar.add(dest, S_IFREG | mode, data)
    elif kind == "dir":
        dest, _, m = rest.partition(":")
        ar.add(dest, S_IFDIR | (int(m, 8) if m else 0o755))
    elif kind == "sym":
        dest, _, target = rest.partition("=")
        ar.add(dest, S_IFLNK | 0o777, target.encode())
    elif kind == "tree":
        dest, _, src = rest.partition("=")
        ar.add_tree(dest, src)
    elif kind == "text":
        dest, _, content = rest.partition("=")
        ar.add(dest, S_IFREG | 0o644, content.encode() + b"\n")
    elif kind == "dev":
        dest, _, d = rest.partition("=")
        f = d.split(":")
        mode = int(f[3], 8) if len(f) > 3 else 0o666
        ar.add(dest, (S_IFCHR if f[0] == "c" else S_IFBLK) | mode, b"", (int(f[1]), int(f[2])))
    else:
        raise SystemExit("mkinitramfs: unknown entry %r" % spec)


def add_busybox(ar, path):
    with open(path, "rb") as f:
        ar.add("/bin/busybox", S_IFREG | 0o755, f.read())
    applets = subprocess.run([path, "--list-full"], capture_output=True, text=True, check=True).stdout.split()
    for a in applets:
        if a != "bin/busybox":
            ar.add("/" + a, S_IFLNK | 0o777, b"/bin/busybox")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--busybox", metavar="PATH")
    ap.add_argument("--spec", action="append", default=[])
    ap.add_argument("entries", nargs="*")
    a = ap.parse_args()
    ar = Archive()
    if a.busybox:
        add_busybox(ar, a.busybox)
    specs = []
    for sf in a.spec:
        with open(sf) as f:
            specs += [l.strip() for l in f if l.strip() and not l.lstrip().startswith("#")]
    for e in specs + a.entries:
        parse_entry(ar, e)
    data = ar.bytes()
    if a.gzip:
        data = gzip.compress(data, mtime=0)
    tmp = a.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, a.output)


if __name__ == "__main__":
    sys.exit(main())
