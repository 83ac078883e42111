#!/usr/bin/env python3
"""tty_shell.py — `make run`'s image driven through its console like a person at a terminal.

Boots Trellis with the interactive initramfs (build/initramfs/run.cpio: busybox, /init runs
`setsid -c /bin/sh`) through the runner's socket console (tools/qemu-run.py Guest), waits for
the shell prompt, types commands and checks their output: blocking console reads, the line
discipline (echo, Enter), busybox ash's raw-mode line editing, and job control (Ctrl-C and
Ctrl-Z reach the foreground job only; jobs and fg), then the same with Debian's bash-static
started from ash (/bin/bash-static, the static build of Debian's package, so nothing of the
dynamic linker is involved): it must start with job control (no "no job control in this
shell"). Prints KTAP.

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
    g = qemu_run.Guest(sock, log, 75, kernel=kernel, initrd=initrd, append="console=ttyS0",
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
        ("prompt_before_bash", None, "# ", 10),
        # Debian's bash-static: started on the console it takes the terminal for its own
        # process groups; without a controlling terminal, or when tcsetpgrp fails, it prints
        # "no job control in this shell" before its first prompt (PS1's \s is the shell's
        # own name, "bash-static": the prompt is not the echo of what was typed, and it shows
        # which bash runs)
        ("bash_starts_with_job_control",
         "PS1='\\s-ok> ' /bin/bash-static --norc --noprofile\r", "bash-static-ok> ", 15,
         ["no job control", "cannot set terminal process group", "Inappropriate ioctl"]),
        ("bash_set_says_monitor", "case $- in *m*) echo mon-on;; *) echo mon-off;; esac\r",
         "\nmon-on", 10),
        ("bash_prompt", None, "bash-static-ok> ", 10),
        ("bash_sleep_starts", "sleep 100\r", "\n", 10),
        ("bash_ctrl_c_interrupts_sleep", ("\x03", 1.0), "bash-static-ok> ", 10),
        ("bash_sleep_again", "sleep 100\r", "\n", 10),
        ("bash_ctrl_z_stops_sleep", ("\x1a", 1.0), "Stopped", 10),
        ("bash_prompt_after_stop", None, "bash-static-ok> ", 10),
        ("bash_jobs_lists_it", ("jobs\r", 0.5), "sleep 100", 10),
        ("bash_prompt_after_jobs", None, "bash-static-ok> ", 10),
        ("bash_fg_resumes_it", ("fg\r", 0.5), "sleep 100", 10),
        ("bash_ctrl_c_after_fg", ("\x03", 1.0), "bash-static-ok> ", 10),
        ("bash_survives_job_control", "echo bash-$((3*3))\r", "bash-9", 10),
        ("bash_prompt_at_end", None, "bash-static-ok> ", 10),
        ("bash_exits_to_ash", "exit\r", "# ", 10),
        ("ash_still_has_the_terminal", "echo back-$((4+4))\r", "back-8", 10),
        ("prompt_at_end", None, "# ", 10),
        ("exit", "exit\r", "init exited with status 0", 10),
    ]
    failed = False
    for step in steps:
        name, typed, want, tmo = step[:4]
        forbidden = step[4] if len(step) > 4 else []  # text that must not come before `want`
        if failed:
            check(name, False, "skipped after an earlier failure")
            continue
        try:
            if isinstance(typed, tuple):  # (text, seconds to let the program start first)
                time.sleep(typed[1])
                typed = typed[0]
            if typed:
                g.send(typed)
            out = g.expect(want, timeout=tmo)
            bad = [f for f in forbidden if f in out]
            if bad:
                raise RuntimeError("printed %r: %r" % (bad[0], out[-300:]))
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
