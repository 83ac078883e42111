#!/usr/bin/env python3
"""Counts the instructions one system call executes in Trellis, by function.

  itrace.py --kernel build/trellis --initrd build/initramfs/bench.cpio --item epoll_wait \
            --nr epoll_pwait [--skip 200] [--calls 3] [--out build/bench/itrace.txt]

(`make itrace ITEM=epoll_wait NR=epoll_pwait`.) --nr is a number or a name from the UAPI
header (musl's epoll_wait is epoll_pwait, its read of /dev/zero is read).

Boots the benchmark image under QEMU with its gdb stub, stops at the `syscall` entry
(user_syscall_entry) when RAX is the system-call number --nr, lets --skip such calls go by (the
item's setup and warm-up), then single-steps --calls whole calls, from the entry to the first
instruction back in user mode, and prints per call the instructions by function (from the
image's symbols) in order of cost, and the path (each function run, with how many
instructions in a row). Interrupts are off while stepping (QEMU's default for gdb steps), so
the count is the call's own path: no timer ticks. It is a profiler for short system calls,
where the sampling profiler (`make profile`) sees too little.
"""
import argparse
import bisect
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
USER_TOP = 0x0000800000000000

GDB_SCRIPT = r'''
import gdb, sys
out = open(%(out)r, "w")
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("target remote :%(port)d")
gdb.execute("break *%(entry)d")
hits = 0
while True:
    gdb.execute("continue", to_string=True)
    rax = int(gdb.parse_and_eval("$rax")) & 0xffffffffffffffff
    if rax != %(nr)d:
        continue
    hits += 1
    if hits > %(skip)d:
        break
gdb.execute("delete")
for c in range(%(calls)d):
    if c:
        gdb.execute("break *%(entry)d")
        while True:
            gdb.execute("continue", to_string=True)
            if (int(gdb.parse_and_eval("$rax")) & 0xffffffffffffffff) == %(nr)d:
                break
        gdb.execute("delete")
    out.write("CALL\n")
    n = 0
    while n < %(limit)d:
        pc = int(gdb.parse_and_eval("$pc")) & 0xffffffffffffffff
        if pc < %(user_top)d:
            break
        out.write("%%x\n" %% pc)
        n += 1
        gdb.execute("stepi", to_string=True)
out.close()
gdb.execute("kill")
'''


UNISTD = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"


def syscall_nr(text):
    """A system-call number from a number or a name (the UAPI header's __NR_ names)."""
    if text.isdigit():
        return int(text)
    with open(UNISTD) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[0] == "#define" and parts[1] == "__NR_" + text:
                return int(parts[2])
    raise SystemExit("itrace: no system call named %r in %s" % (text, UNISTD))


def load_symbols(kernel):
    nm = subprocess.run(["llvm-nm-22", "-n", "--defined-only", kernel], capture_output=True,
                        text=True, check=True).stdout
    addrs, names = [], []
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tTwW":
            addrs.append(int(parts[0], 16))
            names.append(parts[2])
    return addrs, names


def name_of(addrs, names, pc):
    i = bisect.bisect_right(addrs, pc) - 1
    return names[i] if i >= 0 else "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--initrd", required=True)
    ap.add_argument("--item", required=True, help="the benchmark item that makes the calls")
    ap.add_argument("--nr", required=True, help="the system call to trace: number or name")
    ap.add_argument("--skip", type=int, default=200)
    ap.add_argument("--calls", type=int, default=2)
    ap.add_argument("--limit", type=int, default=200000, help="most instructions per call")
    ap.add_argument("--port", type=int, default=1234 + os.getpid() % 1000)
    ap.add_argument("--append", default="")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    a.nr = syscall_nr(a.nr)
    addrs, names = load_symbols(a.kernel)
    entry = addrs[names.index("user_syscall_entry")]
    tmp = tempfile.mkdtemp()
    trace = os.path.join(tmp, "pcs")
    script = os.path.join(tmp, "trace.py")
    with open(script, "w") as f:
        f.write(GDB_SCRIPT % dict(out=trace, port=a.port, entry=entry, nr=a.nr, skip=a.skip,
                                  calls=a.calls, limit=a.limit, user_top=USER_TOP))
    append = ("console=ttyS0 quiet panic=-1 lockdep=0 heap.poison=0 bench_items=%s "
              "bench_batches=50 %s" % (a.item, a.append)).strip()
    qemu = subprocess.Popen(["qemu-system-x86_64", "-machine", "pc", "-m", "256M", "-smp", "1",
                             "-display", "none", "-monitor", "none", "-nodefaults",
                             "-serial", "null", "-kernel", a.kernel, "-initrd", a.initrd,
                             "-append", append, "-gdb", "tcp::%d" % a.port, "-S"])
    try:
        subprocess.run(["timeout", "600", "gdb", "-nx", "-batch", "-ex", "source " + script,
                        a.kernel], capture_output=True, text=True)
    finally:
        qemu.kill()
        qemu.wait()
    calls, cur = [], None
    for line in open(trace):
        line = line.strip()
        if line == "CALL":
            cur = []
            calls.append(cur)
        elif line:
            cur.append(int(line, 16))
    out = []
    for i, pcs in enumerate(calls, 1):
        by_fn, path = {}, []
        for pc in pcs:
            fn = name_of(addrs, names, pc)
            by_fn[fn] = by_fn.get(fn, 0) + 1
            if path and path[-1][0] == fn:
                path[-1][1] += 1
            else:
                path.append([fn, 1])
        out.append("call %d of %s (nr %d): %d instructions in the kernel" % (i, a.item, a.nr,
                                                                            len(pcs)))
        for fn, n in sorted(by_fn.items(), key=lambda kv: -kv[1]):
            out.append("  %6d  %5.1f%%  %s" % (n, 100.0 * n / max(1, len(pcs)), fn))
        out.append("  path: " + " > ".join("%s(%d)" % (fn, n) for fn, n in path))
    text = "\n".join(out) + "\n"
    sys.stdout.write(text)
    if a.out:
        with open(a.out, "w") as f:
            f.write(text)
    return 0 if calls and calls[-1] else 1


if __name__ == "__main__":
    sys.exit(main())
