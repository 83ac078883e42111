#!/usr/bin/env python3
"""tty_shell.py — `make run`'s image driven through its console like a person at a terminal.

Boots Trellis with the interactive initramfs (build/initramfs/run.cpio: busybox, /init runs
`setsid -c /bin/sh`) through the runner's socket console (tools/qemu-run.py Guest), waits for
the shell prompt, types commands and checks their output: blocking console reads, the line
discipline (echo, Enter), busybox ash's raw-mode line editing, and job control (Ctrl-C and
Ctrl-Z reach the foreground job only; jobs and fg). Prints KTAP.

usage: tty_shell.py KERNEL INITRD LOG
"""
import importlib.util
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "qemu_run", os.path.join(HERE, "..", "..", "tools", "qemu-run.py"))
qemu_run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(qemu_run)


def main():
    kernel, initrd, log = sys.argv[1:4]
    results = []

    def check(name, ok, why=""):
        results.append((name, ok, why))

    sock = os.path.join(tempfile.mkdtemp(prefix="trellis-tty-"), "console.sock")
    g = qemu_run.Guest(sock, log, 30, kernel=kernel, initrd=initrd, append="console=ttyS0",
                       smp=2)
    steps = [
        ("prompt", None, "Welcome to Trellis", 20),
        ("shell_prompt", None, "# ", 10),
        ("arith_echo", "echo hi-$((6*7))\r", "hi-42", 10),
        ("prompt_again", None, "# ", 10),
        ("ls_root", "ls /\r", "proc", 10),
        ("line_edit_erase", "echo abX\x7fc\r", "\nabc\r\n", 10),
        # cat reads in canonical mode: the kernel echoes and edits, Ctrl-D ends its input
        ("cat_starts", "cat\r", "\n", 10),
        ("cat_canonical_line", ("meoX\x7fw\r", 1.0), "\x08 \x08w\r\nmeow\r\n", 10),
        ("cat_ctrl_d_eof", "\x04", "# ", 10),
        # pipes: a pipeline and a command substitution
        ("pipeline_wc", "echo a b c | wc -w\r", "\n3\r\n", 10),
        ("cmd_subst", "echo x$(echo y)z\r", "xyz", 10),
        ("prompt_after_pipes", None, "# ", 10),
        # job control: the shell leads a session whose controlling terminal is the console;
        # ^C and ^Z signal the foreground job only, jobs/fg move it back
        ("sleep_starts", "sleep 100\r", "\n", 10),
        ("ctrl_c_interrupts_sleep", ("\x03", 1.0), "# ", 10),
        ("shell_survives_ctrl_c", "echo alive-$((1+1))\r", "alive-2", 10),
        ("prompt_after_ctrl_c", None, "# ", 10),
        ("sleep_again", "sleep 100\r", "\n", 10),
        ("ctrl_z_stops_sleep", ("\x1a", 1.0), "Stopped", 10),
        ("prompt_after_stop", None, "# ", 10),
        ("jobs_lists_it", ("jobs\r", 0.5), "sleep 100", 10),
        ("prompt_after_jobs", None, "# ", 10),
        ("fg_resumes_it", ("fg\r", 0.5), "sleep 100", 10),
        ("ctrl_c_after_fg", ("\x03", 1.0), "# ", 10),
        ("shell_survives_job_control", "echo done-$((2+1))\r", "done-3", 10),
        ("prompt_at_end", None, "# ", 10),
        ("exit", "exit\r", "init exited with status 0", 10),
    ]
    failed = False
    for name, typed, want, tmo in steps:
        if failed:
            check(name, False, "skipped after an earlier failure")
            continue
        try:
            if isinstance(typed, tuple):  # (text, seconds to let the program start first)
                time.sleep(typed[1])
                typed = typed[0]
            if typed:
                g.send(typed)
            g.expect(want, timeout=tmo)
            check(name, True)
        except Exception as e:  # a timeout or the console closing
            check(name, False, str(e)[-300:].replace("\n", " "))
            failed = True
    rc = g.wait()
    check("guest_ends", rc != 124, "runner rc %d" % rc)

    print("KTAP version 1")
    print("1..%d" % len(results))
    for i, (name, ok, why) in enumerate(results, 1):
        print("%s %d %s%s" % ("ok" if ok else "not ok", i, name, "" if ok else " # " + why))
    return 0


if __name__ == "__main__":
    sys.exit(main())
