#!/usr/bin/env python3
"""Reads the console log of Trellis booting Debian's busybox with user/hello/init and prints
KTAP: each line the issue asks for, in order, on the console as the program wrote it.
With --quiet (a boot with `quiet`): the same program lines, and no kernel line at all (issue
#17: quiet leaves errors only).
With --early (the initramfs is an uncompressed early archive then a gzip-compressed one, as
Debian lays it out): the listing of / also shows the early archive's /kernel."""
import re
import sys

quiet = "--quiet" in sys.argv[1:]
early = "--early" in sys.argv[1:]
path = [a for a in sys.argv[1:] if not a.startswith("--")][0]
log = open(path, "rb").read().decode("utf-8", "replace").replace("\r", "")
lines = log.split("\n")
STAMP = re.compile(r"^\[\s*\d+\.\d+\] ")
raw = [l for l in lines if not STAMP.match(l)]  # what programs wrote, not the kernel log


def after(seq, pred, start):
    for i in range(start, len(seq)):
        if pred(seq[i]):
            return i
    return -1


cases = []
i = after(raw, lambda l: l == "hello", 0)
cases.append(("echo_prints_hello", i >= 0))
k = after(raw, lambda l: l == "Trellis test issue", max(i, 0))
listed = set(" ".join(raw[i + 1:k] if k > i >= 0 else []).split())
cases.append(("ls_lists_the_root", listed >= {"bin", "dev", "etc", "init", "proc", "sbin", "tmp", "usr"}))
cases.append(("cat_prints_etc_issue", k > i >= 0))
if early:
    cases.append(("early_and_gzip_archives_both_unpacked", "kernel" in listed and "init" in listed))
if quiet:
    kernel = [l for l in lines if STAMP.match(l)]
    cases.append(("quiet_console_has_no_kernel_line", not kernel))
else:
    cases.append(("init_exit_status_reported", "init exited with status 3" in log))
    cases.append(("boot_to_init_reported", re.search(r"trellis: boot-to-init \d+ us", log) is not None))
print("KTAP version 1")
print("1..%d" % len(cases))
for n, (name, ok) in enumerate(cases, 1):
    print("%s %d %s" % ("ok" if ok else "not ok", n, name))
if quiet and kernel:
    print("# first kernel line: %s" % kernel[0][:160])
