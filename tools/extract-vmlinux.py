#!/usr/bin/env python3
"""Extracts the uncompressed ELF kernel from a Linux bzImage, for QEMU's PVH entry.

  extract-vmlinux.py /boot/vmlinuz-VERSION OUT

The bzImage carries the kernel as one compressed stream; we find the stream by its magic
(xz, gzip or zstd), decompress it and keep the result if it is an ELF with a PVH note
(XEN_ELFNOTE_PHYS32_ENTRY, type 18). Debian's kernel is xz-compressed with the x86 BCJ filter,
which Python's lzma module decodes.
"""
import gzip
import lzma
import struct
import sys
import zlib

MAGICS = [(b"\xfd7zXZ\x00", "xz"), (b"\x1f\x8b\x08", "gzip"), (b"\x28\xb5\x2f\xfd", "zstd")]


def try_decompress(blob, off, kind):
    if kind == "xz":
        d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        return d.decompress(blob[off:])
    if kind == "gzip":
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return d.decompress(blob[off:])
    raise ValueError("zstd is not supported by this extractor")


def has_pvh_note(elf):
    if elf[:4] != b"\x7fELF" or elf[4] != 2:
        return False
    phoff, = struct.unpack_from("<Q", elf, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    for i in range(phnum):
        p_type, _, p_off, _, _, p_filesz = struct.unpack_from("<IIQQQQ", elf, phoff + i * phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        pos, end = p_off, p_off + p_filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz]
            if name.rstrip(b"\0") == b"Xen" and ntype == 18:
                return True
            pos += 12 + ((namesz + 3) & ~3) + ((descsz + 3) & ~3)
    return False


def main():
    src, out = sys.argv[1], sys.argv[2]
    blob = open(src, "rb").read()
    for magic, kind in MAGICS:
        off = blob.find(magic)
        while off != -1:
            try:
                elf = try_decompress(blob, off, kind)
                if has_pvh_note(elf):
                    with open(out, "wb") as f:
                        f.write(elf)
                    print("extract-vmlinux: %s stream at 0x%x -> %s (%d bytes, PVH note found)"
                          % (kind, off, out, len(elf)))
                    return 0
            except (lzma.LZMAError, zlib.error, EOFError, ValueError, struct.error):
                pass
            off = blob.find(magic, off + 1)
    print("extract-vmlinux: no PVH-bootable ELF found in %s" % src, file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
