#!/usr/bin/env python3
"""Boots a kernel with the guest system-call fuzzer as init, and judges the run.

  fuzz-run.py --kernel build/trellis --fuzz build/fuzz/fuzz --seconds 30 [--seed N]
              [--workers 4] [--threads 4] [--smp 2] [--ktap OUT] [--log LOG] [--append ...]

Builds a per-run initramfs (busybox, /fuzz/fuzz as init, the symlink tree of hostile paths,
/fuzz/args with the options), boots it under tools/qemu-run.py with a timeout of the
run's length plus a margin, and writes KTAP: the guest's own checks (read from between
"fuzz: results begin" and "fuzz: results end": the run happened, no hung workers, no lost
processes, a fresh process runs, files work, free memory returned) plus the host's: the
guest finished in time and the console shows no panic, trap, lock-order inversion,
sleep-in-atomic or refused free. It prints a summary (calls per second, distinct results per
call with errno names, crashes, hangs) unless --quiet.

--engine trinity: Debian's trinity (`apt-get install trinity`) is the worker instead of ours,
under the same supervisor and checks: the image gets /usr/bin/trinity with its libraries and
dynamic loader, and the fuzzer runs it with `-E` (SIGINT at the deadline, its statistics on the
console). Trinity is dynamically linked and keeps its state in MAP_SHARED memory; both exist
on Trellis now, and trinity starts, sets up and begins its main loop (see docs/fuzzing.md for
where it stops). When its main process dies its children are killed with its process group.
--kernel build/linux/vmlinux runs the same image on Linux, which shows the runner itself works.

Exit status: 0 when every check passed, 1 otherwise.
"""
import argparse
import errno
import os
import random
import re
import shlex
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Console lines that mean the kernel misbehaved even if the guest's checks passed.
KERNEL_BAD = [
    (re.compile(r"PANIC:|nested panic"), "panic"),
    (re.compile(r"TRAP:"), "trap"),
    (re.compile(r"ended by the trap"), "task ended by a trap"),
    (re.compile(r"WARNING: lock-order inversion"), "lock-order inversion"),
    (re.compile(r"BUG: sleeping while atomic"), "sleep in atomic"),
    (re.compile(r"refused to free"), "refused free"),
    (re.compile(r"every process is blocked: deadlock"), "all processes blocked"),
]


def symlink_tree():
    """The hostile symlinks of the path pool (the kernel has no symlink(2) to make them)."""
    e = ["sym:/fuzz/tree/dangling=/nonexistent/target", "sym:/fuzz/tree/loop1=loop2",
         "sym:/fuzz/tree/loop2=loop1", "sym:/fuzz/tree/self=self", "sym:/fuzz/tree/up=.",
         "sym:/fuzz/tree/todir=/tmp/fz/dir", "sym:/fuzz/tree/abs=/fuzz/tree/todir"]
    # chain0 -> chain1 -> ... -> chain41 -> /tmp/fz/file: more links than ELOOP's 40.
    for i in range(41):
        e.append("sym:/fuzz/tree/chain%d=chain%d" % (i, i + 1))
    e.append("sym:/fuzz/tree/chain41=/tmp/fz/file")
    return e


TRINITY = "/usr/bin/trinity"


def dynamic_files(prog):
    """prog, the libraries ldd lists for it and its loader, as initramfs file entries."""
    out = subprocess.run(["ldd", prog], capture_output=True, text=True, check=True).stdout
    paths = [prog]
    for ln in out.splitlines():
        m = re.search(r"(/\S+) \(0x", ln)
        if m:
            paths.append(m.group(1))
    return ["file:%s=%s:0755" % (p, os.path.realpath(p)) for p in paths]


def build_initramfs(out, fuzz_bin, fuzz_args, busybox, extra=()):
    entries = list(extra) + [               "file:/fuzz/fuzz=%s:0755" % fuzz_bin,
               "text:/fuzz/args=FUZZ_ARGS=%s" % shlex.quote(fuzz_args),
               "file:/etc/passwd=%s:0644" % os.path.join(ROOT, "user/tests/etc/passwd"),
               "file:/etc/group=%s:0644" % os.path.join(ROOT, "user/tests/etc/group"),
               "dir:/proc", "dir:/sys", "dir:/dev", "dir:/tmp:1777", "dir:/root:0700",
               "dev:/dev/console=c:5:1:0600"] + symlink_tree()
    subprocess.run([sys.executable, os.path.join(ROOT, "tools/mkinitramfs.py"), "-o", out,
                    "--busybox", busybox] + entries, check=True, stdout=subprocess.DEVNULL)


def errname(e):
    return errno.errorcode.get(e, "E%d" % e)


def summarize(lines, out):
    """Human summary from the guest's `fuzz:` lines."""
    for ln in lines:
        if ln.startswith("fuzz: summary:") or ln.startswith("fuzz: worker ends:") or \
           ln.startswith("fuzz: file systems:") or \
           ln.startswith("fuzz: threads:") or "HANG" in ln:
            print(ln, file=out)
    calls = []
    for ln in lines:
        m = re.match(r"fuzz: call (\d+) (\S+) n=(\d+) res=(\S*)", ln)
        if m:
            res = [int(x) for x in m.group(4).split(",") if x]
            names = ["ok" if r == 0 else errname(r) for r in res]
            calls.append((int(m.group(3)), m.group(2), int(m.group(1)), names))
    if calls:
        print("fuzz: %d distinct calls made; distinct results per call:" % len(calls), file=out)
        for n, name, nr, names in sorted(calls, key=lambda c: c[2]):
            print("  %-22s %4d  n=%-7d %s" % (name, nr, n, " ".join(names)), file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--fuzz", help="the static fuzzer binary (build/fuzz/fuzz)")
    ap.add_argument("--engine", choices=["fuzz", "trinity"], default="fuzz")
    ap.add_argument("--busybox", default="/bin/busybox")
    ap.add_argument("--seed", type=int, help="default: random (printed)")
    ap.add_argument("--seconds", type=float, default=10.0, help="guest seconds of fuzzing")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--slice-ms", type=int, default=2000)
    ap.add_argument("--mem-slack-kib", type=int, default=4096)
    ap.add_argument("--verbose", action="store_true", help="the guest prints every call")
    ap.add_argument("--log-forks", action="store_true",
                    help="the guest prints only the processes fuzzed forks create")
    ap.add_argument("--guest-args", default="",
                    help="more options for the guest fuzzer (-W SEED, -N K, -X LO-HI, ...)")
    ap.add_argument("--no-avoid-known", action="store_true",
                    help="do not steer around the known open bugs (user/fuzz/worker.c lists them)")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="512M")
    ap.add_argument("--append", default="", help="extra kernel command line")
    ap.add_argument("--qemu-arg", action="append", default=[],
                    help="extra QEMU argument (repeatable), e.g. --qemu-arg=-icount "
                         "--qemu-arg=shift=7,sleep=off: a slow guest CPU, as on a loaded host")
    ap.add_argument("--fault", metavar="N",
                    help="inject failures in 1 in N heap and frame allocations and user copies, "
                         "at random (fault.* boot options, seeded by --seed), in the workers "
                         "only (fault.task_filter=1, /proc/PID/make-it-fail)")
    ap.add_argument("--timeout", type=float, help="default: seconds * 2 + 60")
    ap.add_argument("--log", help="serial console log (default: a temporary file)")
    ap.add_argument("--initrd", help="where to write the initramfs (default: next to the log)")
    ap.add_argument("--ktap", help="write the KTAP verdict here")
    ap.add_argument("--name", default="fuzz", help="KTAP suite name")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--save-failed", action="store_true",
                    help="when a check fails, keep the console log as LOG-failed-TIME.log (the "
                         "next run overwrites LOG) and print its last lines on stderr, so a "
                         "flaky failure in a landing run leaves its evidence in that run's log")
    a = ap.parse_args()

    if not a.fuzz:
        ap.error("--fuzz is required (the supervisor, also for --engine trinity)")
    extra = []
    if a.engine == "trinity":
        if not os.path.exists(TRINITY):
            print("fuzz-run: %s is missing: apt-get install trinity" % TRINITY, file=sys.stderr)
            return 2
        extra = dynamic_files(TRINITY)

    seed = a.seed if a.seed is not None else random.getrandbits(63)
    log = a.log or tempfile.mktemp(prefix="fuzz-", suffix=".log")
    initrd = a.initrd or (os.path.splitext(log)[0] + ".cpio")
    if a.fault:
        # Only the workers are failed: the fuzzer marks each with /proc/self/make-it-fail
        # (-M) and the boot limits injection to marked tasks, so boot, the supervisor's setup
        # and its checks never meet an injected failure however slowly the guest runs (a
        # window in ms after reset met the boot itself on a loaded host: the
        # fault.guest_finished flake).
        a.append = ("fault.heap=%s fault.frame=%s fault.ucopy=%s fault.seed=%d "
                    "fault.task_filter=1 %s" % (a.fault, a.fault, a.fault, seed,
                                                a.append)).strip()
    fuzz_args = "-s %d -t %g -w %d -T %d -S %d -m %d%s%s" % (
        seed, a.seconds, a.workers, a.threads, a.slice_ms, a.mem_slack_kib,
        " -v" if a.verbose else (" -V" if a.log_forks else ""), "" if a.no_avoid_known else " -k")
    if a.fault:
        fuzz_args += " -M"
    if a.guest_args:
        fuzz_args += " " + a.guest_args
    if a.engine == "trinity":
        # One trinity (it forks its own children), for the whole run; -E comes last.
        fuzz_args = fuzz_args.replace("-w %d" % a.workers, "-w 1").replace(
            "-S %d" % a.slice_ms, "-S %d" % int(a.seconds * 1000))
        fuzz_args += " -E %s -- -q -l off --dangerous -X -C %d -s %d --stats" % (
            TRINITY, a.workers, seed & 0x7fffffff)
    os.makedirs(os.path.dirname(os.path.abspath(log)), exist_ok=True)
    build_initramfs(initrd, os.path.abspath(a.fuzz), fuzz_args, a.busybox, extra)
    timeout = a.timeout or a.seconds * 2 + 60
    if not a.quiet:
        print("fuzz-run: seed %d, %g s, %d workers x %d threads, -smp %d; log %s" %
              (seed, a.seconds, a.workers, a.threads, a.smp, log))
    # loglevel=5: quiet would hide warnings, and a refused free (KERNEL_BAD) is one
    argv = [sys.executable, os.path.join(ROOT, "tools/qemu-run.py"), "--kernel", a.kernel,
            "--initrd", initrd, "--mem", a.mem, "--smp", str(a.smp), "--timeout", str(timeout),
            "--append", ("console=ttyS0 quiet loglevel=5 panic=-1 rdinit=/fuzz/fuzz " + a.append).strip(),
            "--log", log, "--quiet"] + ["--qemu-arg=" + q for q in a.qemu_arg]
    rc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode

    with open(log, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    lines = [re.sub(r"^\[\s*\d+\.\d+\]\s?", "", ln.replace("\r", "")) for ln in text.splitlines()]
    block, inside = [], False
    for ln in lines:
        if ln.startswith("fuzz: results begin"):
            inside, block = True, []
        elif ln.startswith("fuzz: results end"):
            inside = False
        elif inside:
            block.append(ln)
    guest = [ln for ln in block if re.match(r"^(not ok|ok) \d+ ", ln)]

    host = []
    finished = any(ln.startswith("fuzz: results end") for ln in lines)
    host.append((finished and rc == 0, "guest_finished",
                 "runner exit status %d%s" % (rc, "" if finished else
                                             ", no results (crash, hang or timeout)")))
    for pat, what in KERNEL_BAD:
        hits = [ln for ln in lines if pat.search(ln)]
        if hits:
            host.append((False, "kernel_no_" + what.replace(" ", "_").replace("-", "_"),
                         "%d line(s), first: %s" % (len(hits), hits[0].strip()[:160])))
    if "fault." in a.append:
        # Injected allocation failures must reach user space as ENOMEM (not only be survived).
        enomem = [ln.split()[3] for ln in block
                  if re.match(r"fuzz: call \d+ \S+ n=\d+ res=(\S*,)?12(,|$)", ln)]
        host.append((bool(enomem), "enomem_reaches_user_space",
                     "%d calls returned ENOMEM: %s" % (len(enomem), " ".join(enomem[:12]))))
    if all(ok for ok, _, _ in host):
        host.append((True, "kernel_console_clean", "no panic, trap, lock or atomic report"))

    out = ["KTAP version 1", "# name: %s" % a.name, "1..%d" % (len(guest) + len(host))]
    n = 0
    for ln in guest:
        m = re.match(r"^(not ok|ok) \d+ (.*)$", ln)
        n += 1
        out.append("%s %d %s" % (m.group(1), n, m.group(2)))
    for ok, name, note in host:
        n += 1
        out.append("%s %d %s # %s" % ("ok" if ok else "not ok", n, name, note))
    verdict = "\n".join(out) + "\n"
    if a.ktap:
        with open(a.ktap, "w") as f:
            f.write(verdict)
    if not a.quiet:
        summarize(block, sys.stdout)
        sys.stdout.write(verdict)
        print("fuzz-run: seed %d; replay: --seed %d --seconds %g --workers %d --threads %d"
              " --smp %d%s" % (seed, seed, a.seconds, a.workers, a.threads, a.smp,
                               (" --append %s" % shlex.quote(a.append)) if a.append else ""))
    ok = all(ln.startswith("ok") for ln in out if re.match(r"^(not )?ok ", ln))
    if not ok and a.save_failed:
        import shutil
        import time
        kept = "%s-failed-%s.log" % (os.path.splitext(log)[0], time.strftime("%Y%m%dT%H%M%SZ",
                                                                           time.gmtime()))
        shutil.copyfile(log, kept)
        tail = [ln for ln in lines if ln.strip() and "is not implemented" not in ln
                and not ln.startswith("fuzz: call ")][-30:]
        print("%s: failed (seed %d); console log kept as %s; its last lines:" %
              (a.name, seed, kept), file=sys.stderr)
        for ln in verdict.splitlines():
            if ln.startswith("not ok"):
                print("  " + ln, file=sys.stderr)
        for ln in tail:
            print("  | " + ln[:200], file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
