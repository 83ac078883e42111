#!/usr/bin/env python3
"""Check the serial log of the hello example kernel (examples/hello) and print KTAP.

The example must: print what its user program wrote, see the program exit with 0, report the
null-syscall round trip, and power off cleanly (runner status 0). Prints one KTAP subtest group
(for a parent plan that the caller prints) named NAME.

  check_hello.py --rc STATUS --name NAME --index N LOG
"""
import argparse
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rc", type=int, required=True, help="qemu-run.py's exit status")
    ap.add_argument("--name", default="hello")
    ap.add_argument("--index", type=int, default=1, help="number in the parent plan")
    ap.add_argument("log")
    a = ap.parse_args()
    try:
        text = open(a.log, errors="replace").read()
    except OSError:
        text = ""
    rt = re.search(r"hello: null syscall round trip: (\d+) ns \((\d+) calls\)", text)
    checks = [
        ("user_program_wrote_its_line", "hello: user says: Hello from user mode!" in text),
        ("user_program_exited_with_0", "hello: user exited with 0" in text),
        ("null_syscalls_timed", bool(rt) and int(rt.group(2)) == 1000),
        ("no_trap_or_error", "TRAP" not in text and "ERR" not in text),
        ("powered_off_cleanly", a.rc == 0),
    ]
    print("    KTAP version 1")
    print("    1..%d" % len(checks))
    for i, (name, ok) in enumerate(checks, 1):
        print("    %s %d %s" % ("ok" if ok else "not ok", i, name))
    if rt:
        print("    # null syscall round trip: %s ns (instructions under -icount)" % rt.group(1))
    print("%s %d %s" % ("ok" if all(ok for _, ok in checks) else "not ok", a.index, a.name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
