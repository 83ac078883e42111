#!/usr/bin/env python3
"""Reads the console log of Trellis booting Debian's busybox with user/hello/init and prints
KTAP: each line the issue asks for, in order, on the console as the program wrote it."""
import re
import sys

log = open(sys.argv[1], "rb").read().decode("utf-8", "replace").replace("\r", "")
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
cases.append(("init_exit_status_reported", "init exited with status 3" in log))
cases.append(("boot_to_init_reported", re.search(r"trellis: boot-to-init \d+ us", log) is not None))
print("KTAP version 1")
print("1..%d" % len(cases))
for n, (name, ok) in enumerate(cases, 1):
    print("%s %d %s" % ("ok" if ok else "not ok", n, name))
