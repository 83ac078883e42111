#!/usr/bin/env python3
"""Disk images for the device tests (mk/devices.mk) and the partition parser's tests.

  mkdisk.py make IMAGE          a fresh 1 MiB raw image: zeros, "TRELLIS-SEED-21" in sector 1
  mkdisk.py check IMAGE         KTAP: what the guest's block ktests wrote reached the file
                                 (sector 2 starts "TRELLIS-WROTE21"; sectors 9..15 hold the
                                 pattern byte i = (i * 7 + 3) mod 256)
  mkdisk.py gpt IMAGE [MIB]     a GPT disk (default 8 MiB) laid out as `sfdisk` lays one out:
                                 protective MBR, 128 entries of 128 bytes at LBA 2, the backup
                                 array and header at the end; partition 1 at 2048..4095 and
                                 partition 2 from 4096 to the last usable sector, both "Linux
                                 filesystem" (0FC63DAF-...)
  mkdisk.py mbr IMAGE [MIB]     a DOS-labelled disk (default 8 MiB): vda1 at 2048+2048, an
                                 extended vda2 from 4096 to the end holding vda5 (2048
                                 sectors) and vda6 (the rest), each after its EBR
  mkdisk.py pattern FILE        64 KiB of test data (the guest's dd tests write it)
  mkdisk.py check-blk IMAGE PATTERN
                                 KTAP: after boot 1 of test-devices-blk, the GPT image holds
                                 PATTERN at vda1's start and at sector 7 of vda2
  mkdisk.py fdisk-l IMAGE       an `fdisk -l`-style listing of /dev/vda from IMAGE's primary GPT
                                 (what tests/devices/lsparts.c prints in the guest)
  mkdisk.py fuzz-seeds DIR      seeds for the partition parser's fuzz target (selector 5 of
                                 tests/kernel/fuzz_kernel.c): small real-layout tables
(sfdisk/sgdisk are not among the project's packages; these writers follow the UEFI 2.10
layout and what sfdisk produces, and the host tests read the result back.)
"""
import os
import struct
import sys
import uuid
import zlib

SECTOR = 512
LINUX_FS = uuid.UUID("0FC63DAF-8483-4772-8E79-3D69D8477DE4")
DISK_GUID = uuid.UUID("5452454C-4C49-5321-8000-0000000000A1")


def make(path):
    img = bytearray(1 << 20)
    seed = b"TRELLIS-SEED-21\0"
    img[SECTOR:SECTOR + len(seed)] = seed
    with open(path, "wb") as f:
        f.write(img)


def check(path):
    with open(path, "rb") as f:
        img = f.read()
    ok_mark = img[2 * SECTOR:2 * SECTOR + 15] == b"TRELLIS-WROTE21"
    want = bytes((i * 7 + 3) & 0xff for i in range(4096))
    ok_pattern = img[9 * SECTOR:16 * SECTOR] == want[SECTOR:]
    print("KTAP version 1\n1..2")
    print("%s 1 disk_image_holds_the_guest_write" % ("ok" if ok_mark else "not ok"))
    print("%s 2 disk_image_holds_the_guest_pattern" % ("ok" if ok_pattern else "not ok"))
    return 0


def mbr_slot(img, at, i, boot, ptype, start, count):
    off = at + 446 + 16 * i
    img[off:off + 16] = struct.pack("<B3sB3sII", boot, b"\xff\xff\xff", ptype, b"\xff\xff\xff",
                                    start, count)


def sign(img, at):
    img[at + 510:at + 512] = b"\x55\xaa"


def gpt_image(sectors, parts, num=128, esize=128):
    """A GPT disk of `sectors`: parts = [(index, first, last, type_uuid, name)]."""
    img = bytearray(sectors * SECTOR)
    asec = (num * esize + SECTOR - 1) // SECTOR
    first, last = 2 + asec, sectors - 2 - asec
    arr = bytearray(asec * SECTOR)
    for idx, p_first, p_last, ptype, name in parts:
        uid = uuid.UUID(int=(0x5452454C4C4953000000000000000000 | idx))
        ent = struct.pack("<16s16sQQQ72s", ptype.bytes_le, uid.bytes_le, p_first, p_last, 0,
                          name.encode("utf-16-le"))
        arr[idx * esize:idx * esize + len(ent)] = ent
    acrc = zlib.crc32(bytes(arr[:num * esize]))

    def header(my, alt, entries):
        h = bytearray(struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x00010000, 92, 0, 0, my,
                                  alt, first, last, DISK_GUID.bytes_le, entries, num, esize,
                                  acrc))
        h[16:20] = struct.pack("<I", zlib.crc32(bytes(h)))
        return h

    img[2 * SECTOR:(2 + asec) * SECTOR] = arr
    img[(sectors - 1 - asec) * SECTOR:(sectors - 1) * SECTOR] = arr
    img[SECTOR:SECTOR + 92] = header(1, sectors - 1, 2)
    img[(sectors - 1) * SECTOR:(sectors - 1) * SECTOR + 92] = header(sectors - 1, 1,
                                                                      sectors - 1 - asec)
    mbr_slot(img, 0, 0, 0, 0xEE, 1, min(sectors - 1, 0xFFFFFFFF))
    sign(img, 0)
    return img, first, last


def gpt(path, mib=8):
    sectors = mib << 11
    img, _, last = gpt_image(sectors, [(0, 2048, 4095, LINUX_FS, "one"),
                                       (1, 4096, sectors - 34, LINUX_FS, "two")])
    assert last == sectors - 34
    with open(path, "wb") as f:
        f.write(img)
    return 0


def mbr_image(sectors, primaries, logicals, ext=None):
    """primaries: [(slot, type, start, count)]; logicals: [(ebr_lba, rel, count)] chained in
    order inside the extended partition starting at `ext`."""
    img = bytearray(sectors * SECTOR)
    for slot, ptype, start, count in primaries:
        mbr_slot(img, 0, slot, 0x80 if slot == 0 else 0, ptype, start, count)
    sign(img, 0)
    for i, (at, rel, count) in enumerate(logicals):
        mbr_slot(img, at * SECTOR, 0, 0, 0x83, rel, count)
        if i + 1 < len(logicals):
            nxt = logicals[i + 1][0]
            mbr_slot(img, at * SECTOR, 1, 0, 0x05, nxt - ext, logicals[i + 1][1] +
                     logicals[i + 1][2])
        sign(img, at * SECTOR)
    return img


def mbr(path, mib=8):
    sectors = mib << 11
    img = mbr_image(sectors, [(0, 0x83, 2048, 2048), (1, 0x05, 4096, sectors - 4096)],
                    [(4096, 2048, 2048), (8192, 2048, sectors - 8192 - 2048)], ext=4096)
    with open(path, "wb") as f:
        f.write(img)
    return 0


def pattern(path):
    with open(path, "wb") as f:
        f.write(bytes((i * 131 + (i >> 9) * 7 + 1) & 0xFF for i in range(64 << 10)))
    return 0


def check_blk(path, pattern_path):
    with open(path, "rb") as f:
        img = f.read()
    with open(pattern_path, "rb") as f:
        pat = f.read()
    vda1, vda2 = 2048 * SECTOR, 4096 * SECTOR
    checks = [("image_holds_the_fsynced_vda1_write", img[vda1:vda1 + len(pat)] == pat),
              ("image_holds_the_synced_vda2_write",
               img[vda2 + 7 * SECTOR:vda2 + 7 * SECTOR + len(pat)] == pat),
              ("image_gpt_untouched", img[SECTOR:SECTOR + 8] == b"EFI PART"),
              # what boot 1 wrote without fsync/sync stayed in its cache: the test above is
              # not passing only because everything reaches the disk anyway
              ("image_lacks_the_unsynced_write",
               img[vda2 + 8000 * SECTOR:vda2 + 8000 * SECTOR + 16384] == bytes(16384))]
    print("KTAP version 1\n1..%d" % len(checks))
    for i, (name, ok) in enumerate(checks, 1):
        print("%s %d %s" % ("ok" if ok else "not ok", i, name))
    return 0


def human(n, suffix=""):
    """1048576 -> "1M": units of 1024, one decimal unless it is 0 (tests/devices/lsparts.c)."""
    units, u, tenths = "BKMGTP", 0, n * 10
    while n >= 1024 and u < 5:
        tenths, n, u = (n * 10 + 512) // 1024, n // 1024, u + 1
    if u == 0:
        return "%dB" % n
    sep = " " if suffix else ""
    if tenths % 10 == 0:
        return "%d%s%s%s" % (tenths // 10, sep, units[u], suffix)
    return "%d.%d%s%s%s" % (tenths // 10, tenths % 10, sep, units[u], suffix)


def fdisk_l(path):
    """The `fdisk -l`-style listing of /dev/vda as tests/devices/lsparts.c prints it, made from
    the image's primary GPT on the host (sfdisk -l's view)."""
    with open(path, "rb") as f:
        img = f.read()
    hdr = img[SECTOR:2 * SECTOR]
    assert hdr[:8] == b"EFI PART"
    entries, num, esize = struct.unpack_from("<QII", hdr, 72)
    out = ["Disk /dev/vda: %s, %d bytes, %d sectors" % (human(len(img), "iB"), len(img),
                                                        len(img) // SECTOR),
           "Units: sectors of 1 * 512 = 512 bytes", "",
           "%-12s %10s %10s %10s %6s" % ("Device", "Start", "End", "Sectors", "Size")]
    for i in range(num):
        e = img[entries * SECTOR + i * esize:entries * SECTOR + (i + 1) * esize]
        if e[:16] == bytes(16):
            continue
        first, last = struct.unpack_from("<QQ", e, 32)
        count = last - first + 1
        out.append("%-12s %10d %10d %10d %6s" % ("/dev/vda%d" % (i + 1), first, last, count,
                                                  human(count * SECTOR)))
    print("\n".join(out))
    return 0


def fuzz_seed(img, disk_sectors, tail, fail=0xFFFFFFFFFFFFFFFF):
    """Selector 5: u64 disk sectors, u8 tail, u64 failing sector, then the sectors (the last
    `tail` of them are the end of the disk, the others its start)."""
    return bytes([5]) + struct.pack("<QBQ", disk_sectors, tail, fail) + bytes(img)


def fuzz_seeds(out):
    os.makedirs(out, exist_ok=True)
    seeds = {}
    # GPT as sfdisk writes it with "table-length: 4" on a 64-sector disk: 1 array sector.
    img, _, _ = gpt_image(64, [(0, 8, 31, LINUX_FS, "a"), (2, 32, 60, LINUX_FS, "b")], num=4)
    seeds["part-gpt"] = fuzz_seed(img[:3 * SECTOR] + img[62 * SECTOR:], 64, 2)
    seeds["part-gpt-primary-bad"] = fuzz_seed(img[:SECTOR] + bytes(SECTOR) + img[2 * SECTOR:3 * SECTOR]
                                              + img[62 * SECTOR:], 64, 2)
    img, _, _ = gpt_image(64, [(0, 6, 20, LINUX_FS, "a"), (1, 21, 40, LINUX_FS, "b"),
                               (3, 41, 58, LINUX_FS, "c")], num=8, esize=256)
    seeds["part-gpt-256"] = fuzz_seed(img[:6 * SECTOR] + img[59 * SECTOR:], 64, 5)
    # DOS: a primary, an extended with three logicals, EBRs close together.
    img = mbr_image(64, [(0, 0x83, 1, 7), (1, 0x05, 8, 56)],
                    [(8, 1, 7), (16, 2, 6), (24, 1, 30)], ext=8)
    seeds["part-dos-logicals"] = fuzz_seed(img[:25 * SECTOR], 64, 0)
    img = mbr_image(64, [(0, 0x0c, 1, 30), (2, 0x83, 31, 30)], [])
    seeds["part-dos"] = fuzz_seed(img[:SECTOR], 64, 0)
    for name, data in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    return 0


if __name__ == "__main__":
    cmds = {"make": make, "check": check, "gpt": gpt, "mbr": mbr, "fuzz-seeds": fuzz_seeds,
            "pattern": pattern, "check-blk": check_blk, "fdisk-l": fdisk_l}
    if len(sys.argv) not in (3, 4) or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    args = [sys.argv[2]] + [a if sys.argv[1] == "check-blk" else int(a) for a in sys.argv[3:]]
    sys.exit(cmds[sys.argv[1]](*args))
