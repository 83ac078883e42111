#!/usr/bin/env python3
"""Disk images for the device tests (mk/devices.mk).

  mkdisk.py make IMAGE          a fresh 1 MiB raw image: zeros, "TRELLIS-SEED-21" in sector 1
  mkdisk.py check IMAGE         KTAP: what the guest's block ktests wrote reached the file
                                 (sector 2 starts "TRELLIS-WROTE21"; sectors 9..15 hold the
                                 pattern byte i = (i * 7 + 3) mod 256)
"""
import sys

SECTOR = 512


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


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("make", "check"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(make(sys.argv[2]) if sys.argv[1] == "make" else check(sys.argv[2]))
