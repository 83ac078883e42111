#!/usr/bin/env python3
"""The safe-C checker's own tests, printed as KTAP.

  run_tests.py --bin SAFECHECK --cc CC --flags "SERVICE_CFLAGS" [--make MAKE] [--quick]

1. corpus: every file under tests/tree/{kernel,examples} is checked (in a temporary copy, with
   the real fw/annotations.h). A file passes when the checker's (line, rule) set equals the set
   its `// expect: rule...` comments name: no miss, no false positive. Every rule must be
   expected at least three times.
2. speed: the slowest corpus file and the real tree's files take under 0.5 s each; flags: the
   service flags compile a sample service file (kCFI, bounds traps, stack guard visible).
3. lib-examples: the safe-C library's service examples are clean / rejected as they say;
   tree: the checker over every file of kernel/ and examples/ (build/compile_commands.json)
   reports nothing.
4. link: tools/fwlink.py on small objects: an internal framework symbol becomes local, a
   service needing it is refused with a message naming the object and the symbol.
5. fw-includes: a framework file including a kernel/ header fails the check.
6. dropped-file: a copy of the repository with a bad file in kernel/ fails `make check`
   with file:line:col and the rule (asm, int-to-pointer, call to a framework internal), and,
   when mk/kernel.mk exists, fails the build the same way; a framework internal bound through
   a prototype in a service header (invisible to the checker) is refused by the link step.
"""
import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
RULES = ["asm", "register", "volatile", "int-to-pointer", "pointer-cast", "pointer-arith",
         "subscript", "addr-of-element", "private", "union", "variadic", "vla", "recursion",
         "api", "redeclaration", "extern", "builtin", "attribute", "nocopy", "struct-tag",
         "plain-data", "trusted-macro", "include", "pragma", "computed-goto", "stack-escape", "paste", "type-identity",
         "uninit", "shared-fat"]
VIOLATION = re.compile(r"^(.*?):(\d+):(\d+): \[([\w-]+)\] (.*)$")
EXPECT = re.compile(r"//\s*expect:\s*([\w\- ]+)")


class Ktap:
    def __init__(self):
        self.n = 0
        self.lines = []

    def result(self, ok, name, diag=()):
        self.n += 1
        for d in diag:
            self.lines.append("# " + d)
        self.lines.append("%s %d %s" % ("ok" if ok else "not ok", self.n, name))

    def emit(self):
        print("TAP version 13")
        print("1..%d" % self.n)
        for line in self.lines:
            print(line)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, **kw)


def parse_violations(text, root):
    found = {}
    for line in text.splitlines():
        m = VIOLATION.match(line)
        if not m:
            continue
        path = m.group(1)
        if os.path.isabs(path):
            path = os.path.relpath(path, root)
        found.setdefault(path, set()).add((int(m.group(2)), m.group(4)))
    return found


def timings(stderr):
    out = []
    for line in stderr.splitlines():
        m = re.match(r"^safecheck: ([\d.]+) s \(cpu ([\d.]+) s\) (\S+)$", line)
        if m:  # (cpu seconds, wall seconds, file): the bound is on CPU time, which load does not inflate
            out.append((float(m.group(2)), float(m.group(1)), m.group(3)))
    return out


def test_corpus(k, a, tmp):
    tree = os.path.join(tmp, "tree")
    shutil.copytree(os.path.join(HERE, "tree"), tree)
    # The real fw/ headers beside the stand-in fw.h: the hostile cases against the framework's
    # newer APIs (vDSO, exclusive wait entries, virtqueue chains, ...) use the real shapes.
    real = os.path.join(REPO, "framework", "include", "fw")
    for f in sorted(os.listdir(real)):
        dst = os.path.join(tree, "framework", "include", "fw", f)
        if f.endswith(".h") and (f == "annotations.h" or not os.path.exists(dst)):
            shutil.copy(os.path.join(real, f), dst)
    db = os.path.join(tmp, "db")
    subprocess.run([sys.executable, os.path.join(REPO, "tools", "safecheck", "compdb.py"),
                    "--root", tree, "--out", os.path.join(db, "compile_commands.json"),
                    "--cc", a.cc, "--flags", a.flags], check=True)
    t0 = time.monotonic()
    r = run([a.bin, "-p", db, "--root", tree, "--all", "--time"], cwd=tree)
    elapsed = time.monotonic() - t0
    if r.returncode not in (0, 1):
        k.result(False, "corpus.runs", [r.stderr.strip()[-2000:]])
        return
    found = parse_violations(r.stdout, tree)
    counts = {rule: 0 for rule in RULES}
    files = []
    for top in ("kernel", "examples"):
        for d, dirs, fs in os.walk(os.path.join(tree, top)):
            dirs.sort()
            files += [os.path.relpath(os.path.join(d, f), tree) for f in sorted(fs)
                      if f.endswith((".c", ".h"))]
    for f in files:
        expected = set()
        with open(os.path.join(tree, f)) as fh:
            for n, line in enumerate(fh, 1):
                m = EXPECT.search(line)
                if m:
                    for rule in m.group(1).split():
                        expected.add((n, rule))
                        counts[rule] = counts.get(rule, 0) + 1
        got = found.get(f, set())
        diag = ["missed %s:%d [%s]" % (f, ln, rl) for ln, rl in sorted(expected - got)]
        diag += ["unexpected %s:%d [%s]" % (f, ln, rl) for ln, rl in sorted(got - expected)]
        k.result(not diag, "corpus.%s" % f.replace("/", "_"), diag)
    for rule in RULES:
        k.result(counts.get(rule, 0) >= 3, "coverage.%s" % rule,
                 ["rule %s has %d corpus cases (need 3)" % (rule, counts.get(rule, 0))])
    # Issue #13's hole classes 1-8 and 10 (class 9 is the framework's run-time defences,
    # ktests; class 10 the data races on fat values): a file whose first line says
    # "Issue #13 hole N" or "class N" counts its cases for N.
    per_class = {n: 0 for n in list(range(1, 9)) + [10]}
    for f in files:
        with open(os.path.join(tree, f)) as fh:
            text = fh.read()
        m = re.match(r"/\*\s*Issue #13 (?:hole|class) (\d+)", text)
        if m and int(m.group(1)) in per_class:
            per_class[int(m.group(1))] += sum(len(x.split()) for x in EXPECT.findall(text))
    for n, c in sorted(per_class.items()):
        k.result(c >= 5, "coverage.issue13-class%d" % n,
                 ["issue #13 class %d has %d corpus cases (need 5)" % (n, c)])
    t = timings(r.stderr)
    worst = max(t) if t else (0.0, 0.0, "none")
    k.result(bool(t) and worst[0] < 0.5, "speed.corpus",
             ["%d corpus files in %.2f s; slowest %.3f s CPU (%.3f s wall) %s"
              % (len(t), elapsed, worst[0], worst[1], os.path.basename(worst[2]))])


SAMPLE = """#include "svc.h"
struct counter {
	struct lock guard;
	int hits[8];
};
static int twice(int x) { return 2 * x; }
static int (*const op)(int) = twice;
int sample(struct counter *c, unsigned i)
{
	char name[32] = { 0 };
	c->hits[i] += op((int)i);
	switch (i) {
	case 0:
		name[i] = 1;
		break;
	default:
		break;
	}
	return c->hits[i] + name[0];
}
"""


def test_flags(k, a, tmp):
    """The service flags compile a sample service file with clang-22, and the object shows
    the instrumentation: kCFI type hashes, trapping bounds checks, the global stack guard."""
    tree = os.path.join(tmp, "tree")
    src = os.path.join(tree, "kernel", "zz_sample.c")
    with open(src, "w") as fh:
        fh.write(SAMPLE)
    obj = os.path.join(tmp, "sample.o")
    r = run([a.cc] + shlex.split(a.flags) + ["-c", "kernel/zz_sample.c", "-o", obj], cwd=tree)
    if r.returncode != 0:
        k.result(False, "flags.compile-sample", r.stderr.splitlines()[:10])
        return
    nm = run([a.nm, obj]).stdout
    dis = run([a.objdump, "-d", obj]).stdout
    good = run([a.cc] + shlex.split(a.flags) + ["-c", "kernel/good_basic.c", "-o", obj + "2"], cwd=tree)
    checks = {"__cfi_sample (kCFI)": "__cfi_sample" in nm,
              "__stack_chk_guard referenced": "__stack_chk_guard" in nm,
              "ud1 trap (bounds)": "ud1" in dis,
              "corpus good_basic.c compiles": good.returncode == 0}
    k.result(all(checks.values()), "flags.compile-sample",
             ["%s: %s" % (n, "yes" if v else "NO") for n, v in checks.items()] + good.stderr.splitlines()[:5])
    os.remove(src)


# The safe-C library's service examples name the rule they expect in their own words.
LIB_RULE = {"pointer-arithmetic": "pointer-arith", "private-field": "private",
            "variadic-definition": "variadic", "void-pointer-cast": "pointer-cast"}


def test_lib_examples(k, a, tmp):
    """tests/lib/service-examples (the safe-C library's): checked as services against the real
    framework/include/fw/, the good ones are clean and each bad one triggers the rule its
    `safecheck-expect: reject RULE` comment names (thread-safety is the compiler's)."""
    src = os.path.join(REPO, "tests", "lib", "service-examples")
    if not os.path.isdir(src):
        k.result(True, "lib-examples # SKIP tests/lib/service-examples not present")
        return
    root = os.path.join(tmp, "libex")
    shutil.copytree(os.path.join(REPO, "framework", "include"), os.path.join(root, "framework", "include"))
    os.makedirs(os.path.join(root, "kernel"))
    for f in sorted(os.listdir(src)):
        if f.endswith((".c", ".h")):
            shutil.copy(os.path.join(src, f), os.path.join(root, "kernel", f))
    expect = {}
    bad = os.path.join(src, "bad")
    for f in sorted(os.listdir(bad)) if os.path.isdir(bad) else []:
        if not f.endswith(".c"):
            continue
        with open(os.path.join(bad, f)) as fh:
            m = re.search(r"safecheck-expect:\s*reject\s+([\w-]+)", fh.read())
        if not m:
            continue
        rule = LIB_RULE.get(m.group(1), m.group(1))
        d = os.path.join(root, "examples", f[:-2])  # one service each: tags may repeat
        os.makedirs(d)
        shutil.copy(os.path.join(bad, f), d)
        expect["examples/%s/%s" % (f[:-2], f)] = rule
    db = os.path.join(tmp, "libex-db")
    subprocess.run([sys.executable, os.path.join(REPO, "tools", "safecheck", "compdb.py"), "--root", root,
                    "--out", os.path.join(db, "compile_commands.json"), "--cc", a.cc, "--flags", a.flags], check=True)
    r = run([a.bin, "-p", db, "--root", root, "--all"], cwd=root)
    found = parse_violations(r.stdout, root)
    good = sorted(p for p in found if p.startswith("kernel/"))
    k.result(r.returncode in (0, 1) and not good, "lib-examples.good-clean",
             ["%s: %s" % (p, sorted(found[p])) for p in good] + r.stderr.splitlines()[:5])
    for path, rule in sorted(expect.items()):
        rules = {rl for _, rl in found.get(path, set())}
        if rule == "thread-safety":
            k.result(True, "lib-examples.%s # SKIP thread-safety is checked by the compiler" % os.path.basename(path))
            continue
        k.result(rule in rules, "lib-examples.%s" % os.path.basename(path),
                 ["expected [%s], got %s" % (rule, sorted(rules))])


def test_tree(k, a):
    db = os.path.join(REPO, "build")
    if not os.path.exists(os.path.join(db, "compile_commands.json")):
        k.result(False, "tree.clean", ["build/compile_commands.json missing"])
        return
    t0 = time.monotonic()
    r = run([a.bin, "-p", db, "--all", "--time"], cwd=REPO)
    elapsed = time.monotonic() - t0
    t = timings(r.stderr)
    diag = [l for l in r.stdout.splitlines()] + [l for l in r.stderr.splitlines() if not l.startswith("safecheck: ")]
    k.result(r.returncode == 0, "tree.clean", diag + ["%d service files checked in %.2f s" % (len(t), elapsed)])
    worst = max(t) if t else (0.0, 0.0, "none")
    k.result(worst[0] < 0.5, "speed.tree", ["slowest service file %.3f s CPU (%.3f s wall) %s; per-file:" % worst]
             + ["  %.3f s CPU %.3f s wall %s" % x for x in sorted(t, reverse=True)[:5]])


def cc_obj(a, tmp, name, src, inc):
    path = os.path.join(tmp, name + ".c")
    with open(path, "w") as fh:
        fh.write(src)
    obj = os.path.join(tmp, name + ".o")
    subprocess.run([a.cc, "-target", "x86_64-unknown-none-elf", "-ffreestanding", "-O2",
                    "-I" + inc, "-c", path, "-o", obj], check=True)
    return obj


def test_link(k, a, tmp):
    d = os.path.join(tmp, "link")
    inc = os.path.join(d, "include")
    os.makedirs(os.path.join(inc, "fw"))
    with open(os.path.join(inc, "fw", "api.h"), "w") as fh:
        fh.write("int fw_public(int x);\nextern int fw_counter;\nvoid kernel_main(void);\n")
    fw = cc_obj(a, d, "framework", '#include "fw/api.h"\n'
                "int fw_counter;\nint fw_secret(int x) { return x * 3; }\n"
                "int fw_public(int x) { return fw_secret(x) + fw_counter; }\n"
                "void fw_boot(void) { kernel_main(); }\n", inc)
    good = cc_obj(a, d, "svc_good", '#include "fw/api.h"\nstatic int helper(int x) { return x; }\n'
                  "void kernel_main(void) { fw_counter = fw_public(helper(1)); }\n", inc)
    other = cc_obj(a, d, "svc_other", "int svc_shared(void) { return 7; }\n", inc)
    user = cc_obj(a, d, "svc_user", "int svc_shared(void);\nint use(void) { return svc_shared(); }\n", inc)
    bad = cc_obj(a, d, "svc_bad", "int fw_secret(int x);\nint sneak(void) { return fw_secret(2); }\n", inc)
    hook = cc_obj(a, d, "svc_hook", "int fw_hidden_hook(void) { return 1; }\n", inc)
    fw2 = cc_obj(a, d, "framework2", "int fw_hidden_hook(void);\nint fw_use(void) { return fw_hidden_hook(); }\n", inc)
    clash1 = cc_obj(a, d, "svc_clash1", "const struct { long s; } clash__type = { 8 };\n", inc)
    clash2 = cc_obj(a, d, "svc_clash2", "const struct { long s; } clash__type = { 8 };\n", inc)
    exports_cmd = "printf 'fw_public\\nfw_counter\\nkernel_main\\n'"
    base = [sys.executable, os.path.join(REPO, "tools", "fwlink.py"), "--exports-cmd", exports_cmd,
            "--ld", a.ld, "--objcopy", a.objcopy, "--nm", a.nm, "--"]
    out = os.path.join(d, "out.o")
    r = run(base + [out, fw, good, other, user])
    nm = run([a.nm, "--format=posix", out]).stdout if r.returncode == 0 else ""
    syms = {l.split()[0]: l.split()[1] for l in nm.splitlines() if len(l.split()) >= 2}
    k.result(r.returncode == 0 and syms.get("fw_public") == "T" and syms.get("fw_secret") == "t",
             "link.exports-and-localizes", [r.stderr.strip(), "fw_public=%s fw_secret=%s (want T, t)"
                                            % (syms.get("fw_public"), syms.get("fw_secret"))])
    r = run(base + [os.path.join(d, "out2.o"), fw, good, bad])
    k.result(r.returncode != 0 and "svc_bad.o needs symbol 'fw_secret'" in r.stderr
             and not os.path.exists(os.path.join(d, "out2.o")),
             "link.refuses-framework-internal", [l for l in r.stderr.splitlines()][:4])
    r = run(base + [os.path.join(d, "out3.o"), fw, user])
    k.result(r.returncode != 0 and "svc_user.o needs symbol 'svc_shared'" in r.stderr,
             "link.refuses-undefined", r.stderr.splitlines()[:4])
    r = run(base + [os.path.join(d, "out5.o"), fw, good, clash1, clash2])
    k.result(r.returncode != 0 and "type identity 'clash__type'" in r.stderr,
             "link.refuses-duplicate-type-identity", r.stderr.splitlines()[:4])
    r = run(base + [os.path.join(d, "out4.o"), fw2, hook])
    k.result(r.returncode != 0 and "'fw_hidden_hook'" in r.stderr,
             "link.refuses-undeclared-hook", r.stderr.splitlines()[:4])


def test_fw_includes(k, a, tmp):
    d = os.path.join(tmp, "fwinc")
    os.makedirs(os.path.join(d, "framework", "mm"))
    os.makedirs(os.path.join(d, "kernel", "include", "uapi"))
    with open(os.path.join(d, "kernel", "include", "uapi", "stat.h"), "w") as fh:
        fh.write("struct stat;\n")
    with open(os.path.join(d, "framework", "mm", "ok.c"), "w") as fh:
        fh.write('#include "fw/mm.h"\n')
    r = run([sys.executable, os.path.join(REPO, "tools", "safecheck", "fw_includes.py"), d])
    k.result(r.returncode == 0, "fw-includes.clean", r.stdout.splitlines())
    with open(os.path.join(d, "framework", "mm", "bad.c"), "w") as fh:
        fh.write('#include "fw/mm.h"\n#include "../../kernel/include/uapi/stat.h"\n#include <uapi/stat.h>\n')
    r = run([sys.executable, os.path.join(REPO, "tools", "safecheck", "fw_includes.py"), d])
    k.result(r.returncode != 0 and "framework/mm/bad.c:2:" in r.stdout and "framework/mm/bad.c:3:" in r.stdout,
             "fw-includes.kernel-header-fails", r.stdout.splitlines())


BAD_FILE = """/* dropped in by the checker's tests: must fail make check and the build */
#include "fw/annotations.h"
int zz_internal_call(void);
int fw_mm_internal(void);
int zz_internal_call(void)
{
	__asm__("nop");
	int *p = (int *)0x1000;
	return fw_mm_internal() + (p != 0);
}
"""
BAD_EXPECT = [("kernel/zz_safecheck_bad.c", 7, "asm"), ("kernel/zz_safecheck_bad.c", 8, "int-to-pointer"),
              ("kernel/zz_safecheck_bad.c", 4, "extern")]


def test_dropped_file(k, a, tmp):
    d = os.path.join(tmp, "repo")
    os.makedirs(d)
    for item in ("Makefile", "mk", "tools", "framework", "kernel", "examples", "scripts", "user", "tests"):
        src = os.path.join(REPO, item)
        if os.path.isdir(src):
            shutil.copytree(src, os.path.join(d, item), ignore=shutil.ignore_patterns("__pycache__"))
        elif os.path.exists(src):
            shutil.copy(src, os.path.join(d, item))
    os.makedirs(os.path.join(d, "kernel"), exist_ok=True)
    with open(os.path.join(d, "kernel", "zz_safecheck_bad.c"), "w") as fh:
        fh.write(BAD_FILE)
    make = shlex.split(a.make) + ["--no-print-directory", "-s", "SAFECHECK_BIN=" + os.path.abspath(a.bin)]
    env = dict(os.environ)
    for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):
        env.pop(v, None)
    r = run(make + ["check"], cwd=d, env=env)
    text = r.stdout + r.stderr
    missing = ["%s:%d:*: [%s]" % e for e in BAD_EXPECT
               if not re.search(r"^%s:%d:\d+: \[%s\]" % (re.escape(e[0]), e[1], e[2]), text, re.M)]
    k.result(r.returncode != 0 and not missing, "dropped-file.make-check-fails",
             ["make check rc=%d" % r.returncode] + ["missing " + m for m in missing] + text.splitlines()[:12])
    if not os.path.exists(os.path.join(d, "mk", "kernel.mk")) or a.quick:
        k.result(True, "dropped-file.build-fails # SKIP mk/kernel.mk not present")
        return
    img = run(make + ["-p", "-q", "nothing-target"], cwd=d, env=env).stdout
    m = re.search(r"^KERNEL_IMAGE :?= (.*)$", img, re.M)
    target = m.group(1).strip() if m else "build/trellis"
    r = run(make + [target], cwd=d, env=env)
    text = r.stdout + r.stderr
    found = [e for e in BAD_EXPECT if re.search(r"%s:%d:\d+: \[%s\]" % (re.escape(e[0]), e[1], e[2]), text)]
    k.result(r.returncode != 0 and found, "dropped-file.build-fails",
             ["make %s rc=%d" % (target, r.returncode)] + text.splitlines()[-12:])

    # Defence in depth: a prototype of a framework internal in a service *header* passes the
    # checker (it cannot know the framework's private names), and the link step refuses it.
    os.remove(os.path.join(d, "kernel", "zz_safecheck_bad.c"))
    r = run(make + ["build/framework.o"], cwd=d, env=env)
    exports = set(run([a.bin, "--exports", "-p", os.path.join(d, "build")], cwd=d).stdout.split())
    nm = run([a.nm, "--format=posix", "-g", "--defined-only", os.path.join(d, "build", "framework.o")]).stdout
    internal = sorted(l.split()[0] for l in nm.splitlines()
                      if len(l.split()) >= 2 and l.split()[1] == "T" and l.split()[0] not in exports
                      and re.match(r"^[a-z]\w*$", l.split()[0]))
    if r.returncode != 0 or not internal:
        k.result(False, "dropped-file.link-refuses-internal",
                 ["could not find a framework internal: rc=%d" % r.returncode] + r.stderr.splitlines()[-5:])
        return
    sym = internal[0]
    os.makedirs(os.path.join(d, "kernel", "include"), exist_ok=True)
    with open(os.path.join(d, "kernel", "include", "zz_sneaky.h"), "w") as fh:
        fh.write("/* a hand-written binding to a framework internal */\nvoid %s(void);\n" % sym)
    with open(os.path.join(d, "kernel", "zz_sneaky.c"), "w") as fh:
        fh.write('#include "zz_sneaky.h"\nvoid zz_sneaky(void);\nvoid zz_sneaky(void)\n{\n\t%s();\n}\n' % sym)
    rc_check = run(make + ["check"], cwd=d, env=env).returncode
    r = run(make + [target], cwd=d, env=env)
    text = r.stdout + r.stderr
    want = "zz_sneaky.c.o needs symbol '%s'" % sym
    k.result(rc_check == 0 and r.returncode != 0 and want in text, "dropped-file.link-refuses-internal",
             ["internal symbol %s; make check rc=%d (the checker cannot see it), build rc=%d"
              % (sym, rc_check, r.returncode)] + [l for l in text.splitlines() if "fwlink" in l][:3])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--cc", default="clang-22")
    ap.add_argument("--ld", default="ld.lld-22")
    ap.add_argument("--nm", default="llvm-nm-22")
    ap.add_argument("--objcopy", default="llvm-objcopy-22")
    ap.add_argument("--objdump", default="llvm-objdump-22")
    ap.add_argument("--flags", required=True)
    ap.add_argument("--make", default="make")
    ap.add_argument("--quick", action="store_true", help="skip the build in a repository copy")
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    a.bin = os.path.abspath(a.bin)
    k = Ktap()
    with tempfile.TemporaryDirectory(prefix="safecheck-") as tmp:
        tests = [("corpus", lambda: test_corpus(k, a, tmp)), ("flags", lambda: test_flags(k, a, tmp)),
                 ("lib-examples", lambda: test_lib_examples(k, a, tmp)), ("tree", lambda: test_tree(k, a)),
                 ("link", lambda: test_link(k, a, tmp)), ("fw-includes", lambda: test_fw_includes(k, a, tmp)),
                 ("dropped-file", lambda: test_dropped_file(k, a, tmp))]
        for name, fn in tests:
            if a.only and name not in a.only.split(","):
                continue
            t0 = time.monotonic()
            fn()
            print("# %s: %.1f s" % (name, time.monotonic() - t0), file=sys.stderr)
    k.emit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
