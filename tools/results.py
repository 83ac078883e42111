#!/usr/bin/env python3
"""Test results: every test part records one file, `make test` sums them.

A result file ($(RESULTS)/<part>.txt) holds `key=value` lines — passed, failed, skipped, xfail
(expected failures, listed by name, never counted as passed) — followed by free-form lines
(`not ok ...` names, notes) that the summary prints for failed parts.

  results.py record --part P --out FILE [--passed N --failed N --skipped N --xfail N] [--note TEXT]
  results.py summary DIR PART...   prints a line per part and, last, `N passed, N failed`
                                   (`, N skipped` when any); exit 1 if anything failed or a part
                                   left no result file (its build or run broke: counted as 1 failed).
"""
import argparse
import os
import sys

KEYS = ("passed", "failed", "skipped", "xfail")


def write(path, counts, notes=()):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w") as f:
        for k in KEYS:
            f.write("%s=%d\n" % (k, counts.get(k, 0)))
        for n in notes:
            f.write(n.rstrip("\n") + "\n")
    os.replace(path + ".tmp", path)


def read(path):
    counts, notes = {k: 0 for k in KEYS}, []
    with open(path) as f:
        for line in f:
            k, eq, v = line.rstrip("\n").partition("=")
            if eq and k in KEYS and v.strip().isdigit():
                counts[k] = int(v)
            elif line.strip():
                notes.append(line.rstrip("\n"))
    return counts, notes


def summary(d, parts):
    tot = {k: 0 for k in KEYS}
    bad = False
    print("---- results ----")
    for p in parts:
        path = os.path.join(d, p + ".txt")
        if not os.path.exists(path):
            print("%-16s no result: its build or run failed (see the output above)" % (p + ":"))
            tot["failed"] += 1
            bad = True
            continue
        c, notes = read(path)
        extra = "".join(", %d %s" % (c[k], k) for k in ("skipped", "xfail") if c[k])
        print("%-16s %d passed, %d failed%s" % (p + ":", c["passed"], c["failed"], extra))
        if c["failed"] or c["xfail"]:
            for n in notes:
                print("    " + n)
        for k in KEYS:
            tot[k] += c[k]
        bad = bad or c["failed"] > 0
    if tot["xfail"]:
        print("(%d expected failures, listed above, not counted as passed)" % tot["xfail"])
    line = "%d passed, %d failed" % (tot["passed"], tot["failed"])
    if tot["skipped"]:
        line += ", %d skipped" % tot["skipped"]
    print(line)
    return 1 if bad or tot["passed"] + tot["failed"] == 0 else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "summary":
        return summary(sys.argv[2], sys.argv[3:])
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["record"])
    ap.add_argument("--part", required=True)
    ap.add_argument("--out", required=True)
    for k in KEYS:
        ap.add_argument("--" + k, type=int, default=0)
    ap.add_argument("--note", action="append", default=[])
    a = ap.parse_args()
    write(a.out, {k: getattr(a, k) for k in KEYS}, a.note)
    print("%s: %d passed, %d failed" % (a.part, a.passed, a.failed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
