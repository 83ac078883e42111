#!/usr/bin/env python3
"""The checked link step that joins services to the pre-linked framework.

  fwlink.py --exports-cmd CMD [--extra-exports "SYM..."] [--ld LD] [--objcopy OBJCOPY]
            [--nm NM] -- OUT.o FRAMEWORK.o SERVICE.o...

1. The export list: every function and global declared in framework/include/fw/ (CMD prints
   them, one a line: `safecheck --exports`), plus --extra-exports (symbols the compiler itself
   references from service code: the stack protector's, memcpy/memset/memmove), plus kCFI type
   ids (`__kcfi_typeid_*`, hashes of function types, not code).
2. Every other global symbol FRAMEWORK.o defines is made local (llvm-objcopy --localize-symbol),
   so no service can reach a framework internal, even through a hand-written prototype.
3. Every undefined symbol of a service object must be exported or defined by another service
   object; otherwise the link fails, naming the object and the symbol. A symbol the framework
   needs from the services (an entry point such as kernel_main) must be declared in
   framework/include/fw/ too, so its type is checked where the service defines it.
4. Every type identity (`NAME__type`, fw/typecache.h) is defined by one object only.
5. OUT.o = ld.lld -r of the localized framework and the service objects.
Exit status 1 on a refused link, with one `fwlink: ...` line per problem.
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile


def symbols(nm, obj, *flags):
    out = subprocess.run([nm, "--format=posix", *flags, obj], check=True,
                         capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 2 and not parts[0].endswith(":"):
            syms[parts[0]] = parts[1]
    return syms


def type_definitions(objdump, obj):
    """(NAME__type, section) for every type identity an object defines."""
    out = subprocess.run([objdump, "-t", obj], check=True, capture_output=True, text=True).stdout
    defs = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[-1].endswith("__type") and parts[-3] != "*UND*":
            sect = next((p for p in parts if p.startswith(".rodata.fw_type.")), None)
            defs.append((parts[-1], sect or "<%s>" % obj))
    return defs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exports-cmd", required=True)
    ap.add_argument("--extra-exports", default="")
    ap.add_argument("--ld", default="ld.lld-22")
    ap.add_argument("--objcopy", default="llvm-objcopy-22")
    ap.add_argument("--nm", default="llvm-nm-22")
    ap.add_argument("--objdump", default="llvm-objdump-22")
    ap.add_argument("objs", nargs="+")
    a = ap.parse_args()
    if len(a.objs) < 2:
        ap.error("need OUT.o FRAMEWORK.o [SERVICE.o...]")
    out, fw, services = a.objs[0], a.objs[1], a.objs[2:]

    r = subprocess.run(a.exports_cmd, shell=True, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stdout + r.stderr)
        print("fwlink: could not derive the export list (%s)" % a.exports_cmd, file=sys.stderr)
        return 1
    extra = set(a.extra_exports.split())
    exports = set(r.stdout.split()) | extra

    def exported(s):
        return s in exports or s.startswith("__kcfi_typeid_")

    fw_defined = symbols(a.nm, fw, "-g", "--defined-only")
    fw_undefined = symbols(a.nm, fw, "-u")
    svc_defined, svc_undefined = {}, {}
    for o in services:
        for s in symbols(a.nm, o, "-g", "--defined-only"):
            svc_defined.setdefault(s, o)
        svc_undefined[o] = symbols(a.nm, o, "-u")

    problems = []
    # Type identities (fw/typecache.h): a `NAME__type` object defined by two objects would be
    # one identity for two types (a checked downcast passing on the wrong type).
    # Each definition sits in `.rodata.fw_type.NAME@FILE:LINE` (fw/typecache.h): the copies a
    # header gives several objects share one site; a second site is a second type.
    type_sites = {}
    for o in [fw] + services:
        for name, sect in type_definitions(a.objdump, o):
            type_sites.setdefault(name, {}).setdefault(sect, o)
    for name, sites in sorted(type_sites.items()):
        if len(sites) > 1:
            problems.append("fwlink: type identity '%s' is defined at %s: one name, two types "
                            "(a checked downcast would pass on the wrong one)"
                            % (name, " and ".join("%s (%s)" % (st.split("@", 1)[-1], o)
                                                  for st, o in sorted(sites.items()))))
    for o in services:
        for s in sorted(symbols(a.nm, o, "-g", "--defined-only")):
            if s.startswith(("__kcfi_typeid_", "__cfi_")):
                continue
            if s in extra:
                problems.append("fwlink: %s defines '%s', which the framework defines (a "
                                "compiler export or framework name cannot be replaced)" % (o, s))
        for s in sorted(svc_undefined[o]):
            if exported(s) or s in svc_defined:
                continue
            if s in fw_defined:
                why = "a framework internal (defined by %s but not declared in framework/include/fw/)" % fw
            else:
                why = "neither exported by the framework nor defined by a service object"
            problems.append("fwlink: %s needs symbol '%s': %s" % (o, s, why))
    for s in sorted(fw_undefined):
        if s in svc_defined and not exported(s):
            problems.append("fwlink: the framework needs '%s' from %s, but it is not declared in "
                            "framework/include/fw/ (declare it there so its type is checked)"
                            % (s, svc_defined[s]))
    if problems:
        for p in problems:
            print(p, file=sys.stderr)
        print("fwlink: link refused (%d problem%s)" % (len(problems), "" if len(problems) == 1 else "s"),
              file=sys.stderr)
        return 1

    local = sorted(s for s in fw_defined if not exported(s))
    os.makedirs(os.path.dirname(os.path.abspath(out)) or ".", exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        listing = os.path.join(tmp, "localize.txt")
        with open(listing, "w") as fh:
            fh.write("\n".join(local) + "\n")
        fw_local = os.path.join(tmp, "framework-local.o")
        subprocess.run([a.objcopy, "--localize-symbols=" + listing, fw, fw_local], check=True)
        r = subprocess.run([a.ld, "-r", "-o", out, fw_local, *services])
        if r.returncode != 0:
            print("fwlink: %s failed" % shlex.join([a.ld, "-r", "-o", out, fw, *services]),
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
