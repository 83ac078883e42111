#!/usr/bin/env python3
"""The one QEMU runner: boots Trellis or Debian's Linux for tests, `make run` and `make bench`.

Every run has a timeout (a hung guest fails instead of hanging CI), the serial log is kept in
--log, and the guest's verdict is what it prints (KTAP); QEMU's exit status is only a hint.

Exit status of this script:
  0        the guest powered off (reboot(RB_POWER_OFF) under -no-reboot) or wrote 0 to isa-debug-exit
  V        the guest wrote V != 0 to isa-debug-exit (port 0xf4); QEMU itself exits (V << 1) | 1
  124      the timeout expired; QEMU was killed
  125      QEMU failed to start or died abnormally

--cdrom PATH boots a CD image (GRUB and Trellis through Multiboot2) instead of --kernel.

Serial modes: default streams the console to stdout (and --log); --interactive connects this
terminal (Ctrl-A X quits); --serial-socket PATH exposes the console as a UNIX socket so a test
can type into it (see the `Guest` class below, importable as a module).
"""
import argparse
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time

QEMU_ERROR = b"\nqemu-system-x86_64:"
DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]


def qemu_argv(kernel, initrd=None, append=None, smp=1, mem="256M", cpu=None, icount=False,
              machine="pc", extra=(), cdrom=None):
    argv = ["qemu-system-x86_64", "-machine", machine, "-m", str(mem), "-smp", str(smp),
            "-no-reboot", "-display", "none", "-monitor", "none", "-nodefaults"] + DEBUG_EXIT
    if kernel:
        argv += ["-kernel", kernel]
    if cdrom:  # a bootable CD image (GRUB); the firmware boots it when there is no -kernel
        argv += ["-cdrom", cdrom]
    if initrd:
        argv += ["-initrd", initrd]
    if append is not None:
        argv += ["-append", append]
    if cpu:
        argv += ["-cpu", cpu]
    if icount:
        argv += ["-icount", "shift=0,sleep=off"]
    argv += list(extra)
    return argv


def decode_rc(rc, qemu_complained=False):
    """Map QEMU's exit status to this runner's (see the module docstring).

    QEMU exits 1 both when the guest writes 0 to isa-debug-exit and when QEMU itself fails to
    start (bad option, missing file); only the second prints a `qemu-system-x86_64:` error line,
    so a caller that saw one passes qemu_complained and gets 125.
    """
    if rc == 0:
        return 0
    if rc == 1 and qemu_complained:
        return 125
    if rc > 0 and rc & 1:
        return rc >> 1  # isa-debug-exit: (v << 1) | 1
    return 125


class Guest:
    """A guest whose serial console is a UNIX socket: send() types, expect() waits for text."""

    def __init__(self, sock_path, log_path, timeout, **kw):
        self.sock_path = sock_path
        self.deadline = time.monotonic() + timeout
        if os.path.exists(sock_path):
            os.unlink(sock_path)
        chardev = "socket,id=ser0,path=%s,server=on,wait=on" % sock_path
        if log_path:
            chardev += ",logfile=%s" % log_path
        argv = qemu_argv(extra=["-chardev", chardev, "-serial", "chardev:ser0"], **kw)
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL)
        self.sock = None
        while self.sock is None:
            try:
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(sock_path)
                self.sock = s
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > self.deadline:
                    raise RuntimeError("qemu-run: serial socket never came up")
                time.sleep(0.05)
        self.buf = b""

    def send(self, text):
        self.sock.sendall(text.encode() if isinstance(text, str) else text)

    def expect(self, text, timeout=None):
        """Wait until `text` appears in the console output; return everything up to it."""
        want = text.encode() if isinstance(text, str) else text
        end = min(self.deadline, time.monotonic() + (timeout or 1e9))
        while want not in self.buf:
            left = end - time.monotonic()
            if left <= 0:
                raise TimeoutError("expected %r, got %r" % (text, self.buf[-400:]))
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(4096)
            except socket.timeout:
                continue
            if not chunk:
                raise EOFError("console closed; got %r" % self.buf[-400:])
            self.buf += chunk
        i = self.buf.index(want) + len(want)
        out, self.buf = self.buf[:i], self.buf[i:]
        return out.decode(errors="replace")

    def wait(self):
        left = max(0.1, self.deadline - time.monotonic())
        try:
            return decode_rc(self.proc.wait(timeout=left))
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return 124


def run_streaming(argv, timeout, log_path, quiet):
    logf = open(log_path, "wb") if log_path else None
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    timed_out = threading.Event()

    def killer():
        timed_out.set()
        proc.kill()

    complained = False
    tail = b"\n"
    timer = threading.Timer(timeout, killer) if timeout > 0 else None
    if timer:
        timer.start()
    try:
        for chunk in iter(lambda: proc.stdout.read1(4096), b""):
            # QEMU writes its error line in pieces: look across chunk boundaries.
            tail = (tail + chunk)[-256:]
            if QEMU_ERROR in tail:
                complained = True
            if logf:
                logf.write(chunk)
                logf.flush()
            if not quiet:
                sys.stdout.buffer.write(chunk)
                sys.stdout.buffer.flush()
        rc = proc.wait()
    finally:
        if timer:
            timer.cancel()
    if timed_out.is_set():
        msg = b"\nqemu-run: TIMEOUT after %ds; guest killed\n" % timeout
        if logf:
            logf.write(msg)
        sys.stderr.buffer.write(msg)
        rc = 124
    else:
        rc = decode_rc(rc, complained)
    if logf:
        logf.close()
    return rc


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernel", help="ELF image (build/trellis or build/linux/vmlinux)")
    ap.add_argument("--cdrom", help="boot this CD image (e.g. GRUB + Trellis) instead of --kernel")
    ap.add_argument("--initrd")
    ap.add_argument("--append", default="")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--cpu", help="QEMU -cpu model (default: QEMU's default model)")
    ap.add_argument("--machine", default="pc")
    ap.add_argument("--icount", action="store_true", help="-icount shift=0,sleep=off")
    ap.add_argument("--timeout", type=float, default=120, help="seconds; 0 = none (interactive)")
    ap.add_argument("--log", help="keep the serial console here")
    ap.add_argument("--quiet", action="store_true", help="do not echo the console to stdout")
    ap.add_argument("--interactive", action="store_true", help="serial console on this terminal")
    ap.add_argument("--serial-socket", help="console as a UNIX socket server at this path")
    ap.add_argument("--qemu-arg", action="append", default=[], help="extra QEMU argument")
    ap.add_argument("--print-cmd", action="store_true")
    a = ap.parse_args()

    image = a.kernel or a.cdrom
    if not image or (a.kernel and a.cdrom):
        print("qemu-run: give exactly one of --kernel and --cdrom", file=sys.stderr)
        return 125
    if not os.path.exists(image):
        print("qemu-run: no image at %s" % image, file=sys.stderr)
        return 125
    if a.log:
        os.makedirs(os.path.dirname(os.path.abspath(a.log)), exist_ok=True)
    kw = dict(kernel=a.kernel, initrd=a.initrd, append=a.append if a.kernel else None, smp=a.smp,
              mem=a.mem, cpu=a.cpu, icount=a.icount, machine=a.machine, cdrom=a.cdrom)
    if a.interactive:
        serial = ["-serial", "mon:stdio"]
        if a.log:
            serial = ["-chardev", "stdio,id=ser0,mux=on,signal=off,logfile=%s" % a.log,
                      "-serial", "chardev:ser0", "-mon", "chardev=ser0,mode=readline"]
        argv = qemu_argv(extra=serial + a.qemu_arg, **kw)
        if a.print_cmd:
            print(" ".join(shlex.quote(x) for x in argv), file=sys.stderr)
        print("qemu-run: Ctrl-A X quits QEMU", file=sys.stderr)
        try:
            return decode_rc(subprocess.call(argv, timeout=a.timeout or None))
        except subprocess.TimeoutExpired:
            return 124
    if a.serial_socket:
        chardev = "socket,id=ser0,path=%s,server=on,wait=on" % a.serial_socket
        if a.log:
            chardev += ",logfile=%s" % a.log
        argv = qemu_argv(extra=["-chardev", chardev, "-serial", "chardev:ser0"] + a.qemu_arg, **kw)
        if a.print_cmd:
            print(" ".join(shlex.quote(x) for x in argv), file=sys.stderr)
        try:
            return decode_rc(subprocess.call(argv, stdin=subprocess.DEVNULL, timeout=a.timeout or None))
        except subprocess.TimeoutExpired:
            return 124
    argv = qemu_argv(extra=["-serial", "stdio"] + a.qemu_arg, **kw)
    if a.print_cmd:
        print(" ".join(shlex.quote(x) for x in argv), file=sys.stderr)
    return run_streaming(argv, a.timeout, a.log, a.quiet)


if __name__ == "__main__":
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(main())
