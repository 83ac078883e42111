#!/usr/bin/env python3
"""Lists every case of an ABI-suite KTAP log as `group.case`, one per line (the format of the
Trellis expectations file). Used by `make abi-expect-all` to start the file from a Linux run:

  list-cases.py LOG > user/tests/trellis-expect.txt

A case is a result line nested under a `# Subtest:` header; a suite's own summary line (a
top-level result) is listed by the group's name, so a group Trellis cannot even start is an
expected failure too. Reads logs with tools/ktap.py's parser.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools"))
import ktap  # noqa: E402


def main():
    headers = {}
    print("# Cases not expected to pass on Trellis yet, as group.case (see docs/testing-abi.md).")
    print("# Remove a line when its feature lands: an unexpected pass fails `make test`.")
    for kind, ind, payload in ktap.parse(sys.argv[1]):
        if kind == "header":
            headers[ind] = payload
        elif kind == "result" and ind in headers:
            print("%s.%s" % (headers[ind], payload[1]))
        elif kind == "result" and ind == 0:
            print(payload[1])  # the group as a whole (see tools/ktap.py --expect)
    return 0


if __name__ == "__main__":
    sys.exit(main())
