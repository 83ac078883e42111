#!/usr/bin/env python3
"""Host tests of the ktest runner's survival guarantees, by booting the kernel's selftest_*
suites (framework/ktest/selftest_test.c), which fail on purpose. Prints KTAP.

  test_runner.py KERNEL LOGDIR

- selftest_crash: an unexpected trap, a failed KT_ASSERT and a panic are each reported as that
  test's failure, and the following test still runs (and saw that the assert ended its test).
- selftest_triple: a triple fault ends the guest; the suite's plan (1..2) is left short, and the
  KTAP reader counts the missing result as a failure instead of passing silently.
- selftest_hang: a guest hung with interrupts off is killed by the runner's timeout (exit 124).
"""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import ktap  # noqa: E402

results = []


def check(ok, name, note=""):
    results.append((bool(ok), name, note))


def boot(kernel, logdir, suite, timeout):
    log = os.path.join(logdir, "runner-%s.log" % suite)
    rc = subprocess.run([sys.executable, os.path.join(ROOT, "tools/qemu-run.py"), "--kernel", kernel,
                         "--append", "console=ttyS0 ktest=%s" % suite, "--timeout", str(timeout),
                         "--quiet", "--log", log], stdin=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL).returncode
    with open(log, errors="replace") as f:
        return rc, f.read(), log


def main():
    kernel, logdir = sys.argv[1], sys.argv[2]
    os.makedirs(logdir, exist_ok=True)

    rc, text, log = boot(kernel, logdir, "selftest_crash", 30)
    check("not ok 1 a_traps_unexpectedly" in text and "#PF page fault" in text,
          "unexpected_trap_fails_its_test")
    check("not ok 2 b_assert_fails" in text and "assertion failed: 1 + 1 == 3" in text,
          "failed_assert_fails_its_test")
    check("not ok 3 c_panics" in text and "PANIC: selftest panic" in text, "panic_fails_its_test")
    check("    ok 4 d_still_runs" in text, "next_test_still_runs_and_assert_ended_the_test")
    c, _ = ktap.count([log], set())
    check(c["passed"] == 1 and c["failed"] == 3 and rc == 1, "crash_suite_counts",
          "counts %s rc %d" % (c, rc))

    rc, text, log = boot(kernel, logdir, "selftest_triple", 30)
    c, notes = ktap.count([log], set())
    check(rc == 0 and "b_never_runs" not in text.replace("# Subtest", ""),
          "triple_fault_ends_guest", "rc %d" % rc)
    check(c["failed"] >= 1 and c["passed"] == 0 and any("never ran" in n for n in notes),
          "short_plan_counts_as_failure", "counts %s notes %s" % (c, notes))

    rc, text, log = boot(kernel, logdir, "selftest_hang", 4)
    check(rc == 124, "hung_guest_killed_by_timeout", "rc %d" % rc)

    print("KTAP version 1")
    print("1..%d" % len(results))
    for i, (ok, name, note) in enumerate(results, 1):
        if not ok and note:
            print("# " + note)
        print("%sok %d %s" % ("" if ok else "not ", i, name))


if __name__ == "__main__":
    main()
