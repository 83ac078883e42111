#!/usr/bin/env python3
"""Host tests of the harness tools: initramfs builder, KTAP reader, result aggregator. KTAP out."""
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "tools")
sys.path.insert(0, TOOLS)
import ktap  # noqa: E402
import results  # noqa: E402

cases = []


def case(fn):
    cases.append(fn)
    return fn


def tmpfile(text):
    fd, p = tempfile.mkstemp()
    os.write(fd, text.encode())
    os.close(fd)
    return p


@case
def cpio_roundtrip_lists_entries():
    d = tempfile.mkdtemp()
    out = os.path.join(d, "a.cpio")
    src = tmpfile("hello\n")
    subprocess.run([sys.executable, os.path.join(TOOLS, "mkinitramfs.py"), "-o", out,
                    "file:/etc/x/hello=%s:0600" % src, "sym:/l=/etc/x/hello", "dir:/tmp:1777",
                    "text:/etc/issue=Trellis"], check=True)
    listing = subprocess.run(["cpio", "-itv", "--quiet"], stdin=open(out, "rb"),
                             capture_output=True, text=True, check=True).stdout
    names = [l.split()[8] for l in listing.splitlines()]
    assert names == ["etc", "etc/issue", "etc/x", "etc/x/hello", "l", "tmp", "TRAILER!!!"] or \
        names[:6] == ["etc", "etc/issue", "etc/x", "etc/x/hello", "l", "tmp"], names
    assert "-rw-------" in listing and "drwxrwxrwt" in listing and "l -> /etc/x/hello" in listing
    x = subprocess.run(["cpio", "-i", "--quiet", "--to-stdout", "etc/x/hello"], stdin=open(out, "rb"),
                       capture_output=True, check=True).stdout
    assert x == b"hello\n", x


@case
def cpio_is_reproducible():
    d = tempfile.mkdtemp()
    outs = []
    for i in range(2):
        out = os.path.join(d, "%d.cpio" % i)
        subprocess.run([sys.executable, os.path.join(TOOLS, "mkinitramfs.py"), "-o", out,
                        "text:/a=1", "dir:/b"], check=True)
        outs.append(open(out, "rb").read())
    assert outs[0] == outs[1] and len(outs[0]) % 4 == 0


@case
def ktap_counts_leaves_not_group_summaries():
    log = tmpfile("KTAP version 1\n1..2\n    KTAP version 1\n    # Subtest: mm\n    1..2\n"
                  "    ok 1 a\n    not ok 2 b\nnot ok 1 mm\n[    0.5] ok 2 solo # SKIP no hw\n")
    c, notes = ktap.count([log], set())
    assert (c["passed"], c["failed"], c["skipped"]) == (1, 1, 1), c


@case
def ktap_counts_missing_results_of_a_plan_as_failed():
    log = tmpfile("KTAP version 1\n1..5\nok 1 a\nok 2 b\nPANIC\n")
    c, notes = ktap.count([log], set())
    assert (c["passed"], c["failed"]) == (2, 3), c


@case
def ktap_kernel_reports_are_found_once_per_log():
    clean = tmpfile("KTAP version 1\n1..1\nok 1 a\n[    1.0] pid 3: killed by signal 11\n")
    uaf = tmpfile("KTAP version 1\n1..1\n[    2.5] ERROR: BUG: heap: a freed x object at 10 "
                  "was written after its free\n[    2.6] ERROR: BUG: heap: again\nok 1 a\n")
    inv = tmpfile("[ 0.1] WARNING: lock-order inversion: a -> b\nok 1 a\n")
    found = ktap.kernel_reports([clean, uaf, inv])
    assert [p for p, _ in found] == [uaf, inv], found
    assert found[0][1].startswith("ERROR: BUG: heap: a freed x object"), found


@case
def ktap_empty_log_is_a_failure():
    c, _ = ktap.count([tmpfile("garbage\n")], set())
    assert c["failed"] == 1 and c["passed"] == 0


@case
def ktap_expectations_xfail_and_unexpected_pass():
    log = tmpfile("1..3\nnot ok 1 slow_thing\nok 2 fixed_thing\nok 3 other\n")
    c, notes = ktap.count([log], {"slow_thing", "fixed_thing"})
    assert (c["passed"], c["failed"], c["xfail"]) == (1, 1, 1), c
    assert any("unexpected pass: fixed_thing" in n for n in notes)


@case
def ktap_group_names_nested_cases_by_their_subtest_header():
    # KUnit style: `# Subtest:` at the indent of the subtest's own results
    log = tmpfile("KTAP version 1\n1..2\n    KTAP version 1\n    # Subtest: musl.files\n    1..2\n"
                  "    not ok 1 open\n    ok 2 stat\nnot ok 1 musl.files\n"
                  "    KTAP version 1\n    # Subtest: glibc.files\n    1..1\n    not ok 1 open\n"
                  "not ok 2 glibc.files\n")
    groups = {}
    c, notes = ktap.count([log], {"musl.files.open"}, groups)
    assert (c["passed"], c["failed"], c["xfail"]) == (1, 1, 1), c
    assert any("not ok glibc.files.open" in n for n in notes), notes
    assert groups["musl.files"]["xfail"] == 1 and groups["musl.files"]["passed"] == 1, groups
    assert groups["glibc.files"]["failed"] == 1, groups
    c, notes = ktap.count([log], {"musl.files.open", "musl.files.gone"})
    assert c["failed"] == 1 and any("never reported" in n and "musl.files.gone" in n for n in notes), notes


@case
def ktap_expected_group_that_cannot_start_is_xfail_and_passing_group_is_error():
    log = tmpfile("KTAP version 1\n1..2\nnot ok 1 glibc.files # exit status 127\n"
                  "    KTAP version 1\n    # Subtest: musl.files\n    1..1\n    ok 1 open\nok 2 musl.files\n")
    c, notes = ktap.count([log], {"glibc.files", "musl.files"})
    assert (c["passed"], c["failed"], c["xfail"]) == (1, 1, 1), c
    assert any("unexpected pass: musl.files" in n for n in notes), notes


@case
def results_summary_missing_part_fails():
    d = tempfile.mkdtemp()
    results.write(os.path.join(d, "a.txt"), {"passed": 3})
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "results.py"), "summary", d, "a", "b"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and r.stdout.splitlines()[-1] == "3 passed, 1 failed", r.stdout


@case
def runner_reports_qemu_startup_failure_not_poweroff():
    # Regression: QEMU's own startup failure (exit 1) was mapped to 0, "guest powered off".
    kernel = tmpfile("not a kernel")
    r = subprocess.run([sys.executable, os.path.join(TOOLS, "qemu-run.py"), "--kernel", kernel,
                        "--timeout", "30", "--quiet", "--qemu-arg=-no-such-option"],
                       capture_output=True, text=True)
    assert r.returncode == 125, (r.returncode, r.stdout, r.stderr)


def main():
    print("KTAP version 1")
    print("1..%d" % len(cases))
    for i, fn in enumerate(cases, 1):
        try:
            fn()
            print("ok %d %s" % (i, fn.__name__))
        except Exception as e:  # report and go on
            print("# %s: %r" % (fn.__name__, e))
            print("not ok %d %s" % (i, fn.__name__))


main()
