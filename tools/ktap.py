#!/usr/bin/env python3
"""Reads KTAP (and TAP 14) from serial logs and records the counts as one part's result.

  ktap.py --part NAME --out FILE [--runner-rc RC] [--expect FILE] [--by-group] LOG...

What counts: every leaf result (`ok N name`, `not ok N name`; subtests are indented, a line
that closes a group of indented results is a summary, not a test). `# SKIP` counts as skipped.
A plan (`1..N`) whose results never all arrived counts the missing ones as failed (the guest
crashed or hung part-way), and a log with no results at all counts as one failure. Printk
timestamps (`[    1.234567] `) are stripped so Linux and Trellis consoles read the same.

--expect FILE names cases not expected to pass yet (one per line, `#` comments): such a case
failing is an expected failure (xfail, listed by name, never counted as passed); such a case
passing is an error (the list must be shrunk on purpose). A name is the case's description or
`group.case` where the group is the enclosing `# Subtest:`/`# name:` header. A group's own name
may be listed too: a group that fails to start (no nested results) is then one xfail, and the
group passing as a whole is an error.

--by-group prints each group's counts too (a group is a leaf's enclosing header).

--runner-rc: the QEMU runner's exit status; 124 (timeout) and 125 (QEMU broke) add a failure.

--kernel-reports: a log in which the kernel reported a bug of its own while the tests ran (a
write after free caught by heap poisoning, a lock-order inversion, sleeping in atomic context,
a panic) adds one failure, named with the log and the report's first line, even when every
case passed: these checks are on in make test's boots so that such bugs fail the run. Only
for parts whose boots never provoke a report on purpose (the ktests do).
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import results  # noqa: E402

STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
RESULT = re.compile(r"^(\s*)(not ok|ok)\s+(\d+)\s*(?:-\s*)?([^#]*?)\s*(?:#\s*(.*))?$")
PLAN = re.compile(r"^(\s*)1\.\.(\d+)\s*(?:#.*)?$")
HEADER = re.compile(r"^(\s*)#\s*(?:Subtest|name):\s*(\S+)")


def parse(path):
    """Yield (kind, indent, payload) events from one log."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8", errors="replace")
    for raw in text.splitlines():
        line = STAMP.sub("", raw.replace("\r", "")).expandtabs(4)
        m = RESULT.match(line)
        if m:
            yield "result", len(m.group(1)), (m.group(2) == "ok", m.group(4).strip(), (m.group(5) or "").strip())
            continue
        m = PLAN.match(line)
        if m:
            yield "plan", len(m.group(1)), int(m.group(2))
            continue
        m = HEADER.match(line)
        if m:
            yield "header", len(m.group(1)), m.group(2)


def count(paths, expect, by_group=None):
    """Count the leaves of every log; when by_group is a dict, also fill it with
    group name -> counts (the group is a leaf's enclosing header, "" when it has none)."""
    c = {k: 0 for k in results.KEYS}
    notes = []
    seen_expect = set()
    for path in paths:
        if not os.path.exists(path):
            c["failed"] += 1
            notes.append("%s: log missing" % path)
            continue
        events = list(parse(path))
        nres = 0
        headers = {}          # indent -> current group name at that indent
        plans = []            # [indent, expected, got]
        deeper_since = {}     # indent -> whether deeper results arrived since last result here
        deeper_failed = {}
        for kind, ind, payload in events:
            if kind == "header":
                headers[ind] = payload
                for k in [k for k in headers if k > ind]:
                    del headers[k]
                continue
            if kind == "plan":
                plans.append([ind, payload, 0])
                continue
            ok, desc, directive = payload
            nres += 1
            for p in reversed(plans):
                if p[0] == ind:
                    p[2] += 1
                    break
            is_parent = any(v for k, v in deeper_since.items() if k > ind)
            child_failed = any(v for k, v in deeper_failed.items() if k > ind)
            for k in [k for k in deeper_since if k > ind]:
                del deeper_since[k]
                deeper_failed.pop(k, None)
            # a result at this indent closes every deeper group, and with it that group's plan
            # and header
            for p in [p for p in plans if p[0] > ind]:
                _report_plan(p, c, notes, path)
            plans = [p for p in plans if p[0] <= ind]
            for k in [k for k in headers if k > ind]:
                del headers[k]
            deeper_since[ind] = True
            if not ok:
                deeper_failed[ind] = True
            if is_parent:
                # A group named in the expectations file is not expected to pass as a whole
                # (when it cannot even start, its summary line is a leaf and counts as xfail
                # below); the group passing is an unexpected pass like any other.
                group_expected = {desc} & expect
                seen_expect |= group_expected
                if group_expected and ok:
                    c["failed"] += 1
                    notes.append("unexpected pass: %s (the whole group passed: remove it from the expectations file)" % desc)
                elif not ok and not child_failed and not group_expected:
                    c["failed"] += 1
                    notes.append("not ok %s (group failed)" % desc)
                continue
            # KUnit and kselftest print `# Subtest:` at the indent of the subtest's own results
            group = next((headers[k] for k in sorted(headers, reverse=True) if k <= ind), None)
            names = {desc} | ({"%s.%s" % (group, desc)} if group else set())
            expected_fail = names & expect
            seen_expect |= expected_fail
            if directive.upper().startswith("SKIP"):
                key = "skipped"
            elif expected_fail:
                if ok:
                    key = "failed"
                    notes.append("unexpected pass: %s (remove it from the expectations file)" % sorted(expected_fail)[0])
                else:
                    key = "xfail"
                    notes.append("xfail %s" % sorted(expected_fail)[0])
            elif ok:
                key = "passed"
            else:
                key = "failed"
                notes.append("not ok %s%s" % (("%s." % group) if group else "", desc))
            c[key] += 1
            if by_group is not None:
                by_group.setdefault(group or "", {k: 0 for k in results.KEYS})[key] += 1
        for p in plans:
            _report_plan(p, c, notes, path)
        if nres == 0:
            c["failed"] += 1
            notes.append("%s: no KTAP results (guest never ran its tests?)" % path)
    unseen = sorted(expect - seen_expect)
    if unseen:
        # a note, not a failure: a crashed run leaves them unseen too, and is failed already
        notes.append("expectations never reported (renamed or removed cases? delete them): %d, e.g. %s"
                     % (len(unseen), ", ".join(unseen[:3])))
    return c, notes


KERNEL_REPORT = re.compile(r"\bBUG: |WARNING: lock-order inversion|\bPANIC\b")


def kernel_reports(paths):
    """(log, first report line) for every log holding a kernel bug report."""
    found = []
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path, errors="replace") as f:
            for line in f:
                if KERNEL_REPORT.search(line):
                    found.append((path, STAMP.sub("", line.rstrip("\n"))))
                    break
    return found


def _report_plan(p, c, notes, path):
    ind, want, got = p
    if got < want:
        c["failed"] += want - got
        notes.append("%s: plan 1..%d at indent %d got %d results: the rest never ran" % (path, want, ind, got))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runner-rc", type=int, default=0)
    ap.add_argument("--expect")
    ap.add_argument("--by-group", action="store_true", help="also print each group's counts")
    ap.add_argument("--kernel-reports", action="store_true",
                    help="a kernel bug report in a log is a failure")
    ap.add_argument("logs", nargs="+")
    a = ap.parse_args()
    expect = set()
    if a.expect:
        with open(a.expect) as f:
            expect = {l.split("#")[0].strip() for l in f} - {""}
    groups = {}
    c, notes = count(a.logs, expect, groups)
    if a.kernel_reports:
        for path, line in kernel_reports(a.logs):
            c["failed"] += 1
            notes.append("kernel bug report in %s: %s" % (path, line))
    if a.runner_rc == 124:
        c["failed"] += 1
        notes.append("guest TIMEOUT (runner killed it); log: %s" % a.logs[-1])
    elif a.runner_rc == 125:
        c["failed"] += 1
        notes.append("QEMU failed (exit 125); log: %s" % a.logs[-1])
    results.write(a.out, c, notes)
    extra = "".join(", %d %s" % (c[k], k) for k in ("skipped", "xfail") if c[k])
    print("%s: %d passed, %d failed%s" % (a.part, c["passed"], c["failed"], extra))
    if a.by_group:
        for g in sorted(groups):
            gc = groups[g]
            gx = "".join(", %d %s" % (gc[k], k) for k in ("skipped", "xfail") if gc[k])
            print("    %-28s %d passed, %d failed%s" % ((g or "(no group)") + ":", gc["passed"], gc["failed"], gx))
    for n in notes:
        if not n.startswith("xfail"):
            print("    " + n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
