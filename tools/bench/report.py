#!/usr/bin/env python3
"""The benchmark's report: parses guest consoles, computes the statistics, renders the outputs.

Used by tools/bench/bench.py (the driver) and tested on the host by tools/bench/test_bench.py.
Nothing here runs QEMU. The pieces:

  parse_console(text)     one boot's console -> its BENCH lines (items, boot clock, markers)
  summarize(doc)          the runs of a whole `make bench` -> per item and kernel configuration:
                          the value (best over rounds of each boot's best batch), the spread
                          across rounds, the ratio against Linux's defaults and its range over
                          the rounds, and the geometric mean of the ratios
  format_table(doc)       the plain-text table printed on stdout
  format_markdown(doc)    the same figures as Markdown (docs/benchmarks.md, README.md)
  write_chart(doc, dir)   ratios.dat + ratios.gp, rendered by gnuplot to ratios.png and ratios.svg
  replace_section(...)    rewrites the text between two marker lines of a document

Conventions. A ratio is always "how many times faster than the reference": reference/value for
times, value/reference for bandwidths, so > 1 means faster, whatever the unit. A missing figure
(a kernel that did not run an item, or could not boot the benchmark) stays None in the JSON and
reads "missing" in the table: it is never zero and never estimated. Under -icount (shift=0) one
nanosecond of guest time is one instruction, so the icount figures are instructions per
operation, and bandwidths become instructions per KiB (1.024e6 / (MB/s)).
"""
import math
import os
import re
import subprocess

# Kernel configurations, in table order. "linux" (its defaults) is the reference for all.
CONFIGS = ("linux", "linux-mitoff", "trellis")
LABELS = {"linux": "Linux", "linux-mitoff": "Linux mitigations=off", "trellis": "Trellis"}
REFERENCE = "linux"
MODES = ("wall", "icount")
# Which figure the comparison uses: each boot's best batch (least time, most bandwidth), and the
# best of those over the rounds. On a shared host, contention only ever adds time (the guest's
# clock runs while QEMU waits for a host CPU), so the least disturbed measurement is the most
# faithful to the kernel; on the test machines it made the Linux-vs-Linux wall ratios several
# times more stable than medians did. It also reproduces best under -icount. Each boot's median
# batch stays in the JSON, and the spread across rounds is reported beside every value.
STAT = "best"

# The console line Trellis prints (docs/benchmarks.md): microseconds from the kernel's entry
# to the first user instruction of /init, by its own clock.
TRELLIS_BOOT = re.compile(r"trellis: boot-to-init (\d+) us")
STAMP = re.compile(r"^\[\s*\d+\.\d+\]\s?")
KV = re.compile(r"(\w+)=(\S+)")
# Trellis's kernel logs each system call it lacks, once per boot (kernel/syscall/table.c).
ENOSYS = re.compile(r"syscall: (\w+) \(\d+\) is not implemented")
# An item's error text runs to the end of its line (strerror's text has spaces).
ERROR_TEXT = re.compile(r"\berror=(.*)$")


def _num(s):
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) else None


def parse_console(text):
    """Everything a boot's console says about the benchmark.

    Returns a dict: items {name: {unit, better, best, median, batches, iters} or {error}},
    started [names in order], boot {monotonic_ns, boottime_ns} or {}, trellis_boot_us (int or
    None), env {...}, shell (bool: the shell probe printed its line), done (bool), enosys
    {item or "init": [system calls Trellis logged as not implemented while it ran]}.
    """
    out = {"items": {}, "started": [], "boot": {}, "trellis_boot_us": None, "env": {},
           "shell": False, "done": False, "enosys": {}}
    for raw in text.splitlines():
        line = STAMP.sub("", raw.replace("\r", "")).strip()
        m = TRELLIS_BOOT.search(line)
        if m:
            out["trellis_boot_us"] = int(m.group(1))
            continue
        m = ENOSYS.search(line)
        if m:
            cur = out["started"][-1] if out["started"] else "init"
            if cur != "init" and cur in out["items"]:
                cur = "init"  # between items: the init's own work
            out["enosys"].setdefault(cur, []).append(m.group(1))
            continue
        word, _, rest = line.partition(" ")
        kv = dict(KV.findall(rest))
        if word == "BENCH" and "name" in kv:
            name = kv["name"]
            if "error" in kv:
                out["items"][name] = {"error": ERROR_TEXT.search(rest).group(1).strip()}
                continue
            best, median = _num(kv.get("best", "")), _num(kv.get("median", ""))
            if kv.get("unit") not in ("ns", "MB/s") or best is None or median is None \
                    or best <= 0 or median <= 0:
                out["items"][name] = {"error": "malformed: " + line[:120]}
                continue
            out["items"][name] = {
                "unit": kv["unit"], "better": "lower" if kv["unit"] == "ns" else "higher",
                "best": best, "median": median,
                "batches": int(kv["batches"]) if kv.get("batches", "").isdigit() else None,
                "iters": int(kv["iters"]) if kv.get("iters", "").isdigit() else None}
        elif word == "BENCH-START" and "name" in kv:
            out["started"].append(kv["name"])
        elif word == "BENCH-BOOT":
            for k in ("monotonic_ns", "boottime_ns"):
                if kv.get(k, "").isdigit():
                    out["boot"][k] = int(kv[k])
        elif word == "BENCH-ENV":
            out["env"] = kv
        elif line == "BENCH-SHELL ok":
            out["shell"] = True
        elif word == "BENCH-DONE":
            out["done"] = True
    return out


# --- statistics ---------------------------------------------------------------------------

def median(values):
    v = sorted(values)
    n = len(v)
    if n == 0:
        return None
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def geomean(values):
    """Geometric mean of positive numbers; None for none (never 0, never 1 by default)."""
    v = [x for x in values if x is not None]
    if not v:
        return None
    if any(x <= 0 for x in v):
        raise ValueError("geomean of a non-positive value")
    return math.exp(sum(math.log(x) for x in v) / len(v))


def spread_pct(values):
    """(max - min) / median across rounds, in percent; None with fewer than two values."""
    v = [x for x in values if x is not None]
    if len(v) < 2:
        return None
    return (max(v) - min(v)) / median(v) * 100.0


def speedup(reference, value, better):
    """How many times faster `value` is than `reference` (> 1: faster); None if either missing."""
    if reference is None or value is None or reference <= 0 or value <= 0:
        return None
    return reference / value if better == "lower" else value / reference


def to_icount_unit(value, unit):
    """An icount-mode figure in instructions: per op (ns under shift=0) or per KiB (from MB/s)."""
    if value is None:
        return None
    return value if unit == "ns" else 1.024e6 / value


def summarize(doc):
    """Adds doc["summary"] from doc["runs"] and doc["items"] (see the module docstring).

    A run is {config, mode, round, status, console: parse_console(...)}. For each mode, item
    and configuration: value = the best over the runs of each run's best batch (STAT), spread =
    spread_pct of those per-run figures, n = how many runs measured it, errors = the distinct
    error texts.
    For every configuration other than the reference: ratio = speedup(reference value, value)
    and ratio_range = [min, max] of the per-round ratios (runs paired by round).
    """
    items = doc["items"]
    summary = {}
    for mode in MODES:
        runs = [r for r in doc["runs"] if r["mode"] == mode]
        per_item = {}
        for it in items:
            name, unit = it["name"], it["unit"]
            better = "lower" if (unit == "ns" or mode == "icount") else "higher"
            row = {"unit": "instr/op" if mode == "icount" and unit == "ns" else
                   "instr/KiB" if mode == "icount" else unit, "better": better}
            by_round = {}
            for cfg in CONFIGS:
                vals, errors = [], []
                for r in runs:
                    if r["config"] != cfg:
                        continue
                    res = r["console"]["items"].get(name)
                    if res is None:
                        continue
                    if "error" in res:
                        errors.append(res["error"])
                        continue
                    v = res[STAT] if mode == "wall" else to_icount_unit(res[STAT], unit)
                    vals.append(v)
                    by_round.setdefault(cfg, {})[r["round"]] = v
                best = (min(vals) if better == "lower" else max(vals)) if vals else None
                row[cfg] = {"value": best, "spread_pct": spread_pct(vals), "n": len(vals),
                            "errors": sorted(set(errors))}
            ref = row[REFERENCE]["value"]
            for cfg in CONFIGS:
                if cfg == REFERENCE:
                    continue
                row[cfg]["ratio"] = speedup(ref, row[cfg]["value"], better)
                paired = [speedup(by_round[REFERENCE][k], v, better)
                          for k, v in by_round.get(cfg, {}).items()
                          if k in by_round.get(REFERENCE, {})]
                paired = [p for p in paired if p is not None]
                row[cfg]["ratio_range"] = [min(paired), max(paired)] if paired else None
            per_item[name] = row
        gm = {}
        for cfg in CONFIGS:
            if cfg == REFERENCE:
                continue
            ratios = [per_item[i["name"]][cfg]["ratio"] for i in items]
            present = [x for x in ratios if x is not None]
            gm[cfg] = {"geomean": geomean(present), "items": len(present),
                       "min": min(present) if present else None,
                       "worst_item": min((per_item[i["name"]][cfg]["ratio"], i["name"]) for i in items
                                         if per_item[i["name"]][cfg]["ratio"] is not None)[1]
                       if present else None}
        summary[mode] = {"items": per_item, "geomean": gm}
    summary["boot_to_init"] = boot_summary(doc)
    summary["enosys"] = enosys_summary(doc)
    doc["summary"] = summary
    return summary


def enosys_summary(doc):
    """The system calls Trellis logged as not implemented, over all its runs: {where: [names]},
    where = the item running when the kernel first logged it in a boot, or "init" (the benchmark
    init's own setup and the shell probe). The kernel logs each once per boot, so an item that
    fails on a call an earlier item already hit is not listed again."""
    out = {}
    for r in doc["runs"]:
        if r["config"] != "trellis":
            continue
        for where, names in r["console"].get("enosys", {}).items():
            out.setdefault(where, set()).update(names)
    return {k: sorted(v) for k, v in out.items()}


def boot_figure_us(run):
    """Boot-to-init of one run in microseconds by the kernel's own clock (see docs)."""
    con = run["console"]
    if run["config"] == "trellis":
        return con["trellis_boot_us"]
    ns = con["boot"].get("monotonic_ns")
    return ns / 1000.0 if ns is not None else None


def boot_summary(doc):
    out = {}
    for mode in MODES:
        out[mode] = {}
        for cfg in CONFIGS:
            runs = [r for r in doc["runs"] if r["mode"] == mode and r["config"] == cfg]
            vals = [boot_figure_us(r) for r in runs]
            vals = [v for v in vals if v is not None]
            host = [r.get("host_to_init_s") for r in runs if r.get("host_to_init_s") is not None]
            out[mode][cfg] = {"us": min(vals) if vals else None, "spread_pct": spread_pct(vals),
                              "n": len(vals), "host_to_init_s": min(host) if host else None}
        ref = out[mode][REFERENCE]["us"]
        for cfg in CONFIGS:
            v = out[mode][cfg]["us"]
            out[mode][cfg]["pct_of_linux"] = (v / ref * 100.0) if (v is not None and ref) else None
    return out


def compare(prev, cur):
    """How far `cur`'s figures moved from a previous run's (both summarized): per configuration
    the largest drift of an -icount figure and of an -icount ratio, in percent, and how many
    wall-time ratios are inconsistent: their ranges of per-round ratios do not overlap."""
    out = {"date": prev.get("meta", {}).get("date"), "configs": {}}
    names = [i["name"] for i in cur["items"]]
    for cfg in CONFIGS:
        entry = {}
        for key, field in (("icount_value", "value"), ("icount_ratio", "ratio")):
            if field == "ratio" and cfg == REFERENCE:
                continue
            drifts = []
            for n in names:
                a = prev["summary"]["icount"]["items"].get(n, {}).get(cfg, {}).get(field)
                b = cur["summary"]["icount"]["items"][n][cfg].get(field)
                if a and b:
                    drifts.append((abs(b - a) / a * 100.0, n))
            entry[key] = ({"max_pct": max(drifts)[0], "item": max(drifts)[1], "items": len(drifts)}
                          if drifts else None)
        if cfg != REFERENCE:
            outside, compared = [], 0
            for n in names:
                pw = prev["summary"]["wall"]["items"].get(n, {}).get(cfg, {})
                cw = cur["summary"]["wall"]["items"][n][cfg]
                if pw.get("ratio") is None or cw.get("ratio") is None:
                    continue
                compared += 1
                # Consistent when the two runs' ranges of per-round ratios overlap.
                p_lo, p_hi = pw.get("ratio_range") or [pw["ratio"]] * 2
                c_lo, c_hi = cw.get("ratio_range") or [cw["ratio"]] * 2
                if c_lo > p_hi or c_hi < p_lo:
                    outside.append(n)
            entry["wall_ratio"] = {"compared": compared, "outside_spread": outside}
        out["configs"][cfg] = entry
    return out


def _compare_lines(doc):
    c = doc.get("vs_previous")
    if not c:
        return []
    lines = ["Against the previous run (%s):" % c.get("date")]
    for cfg in CONFIGS:
        e = c["configs"].get(cfg, {})
        parts = []
        for key, what in (("icount_value", "-icount figures moved"),
                          ("icount_ratio", "-icount ratios moved")):
            if key not in e:
                continue
            v = e[key]
            parts.append("%s %s" % (what, MISSING if v is None else "at most %.2f%% (%s)" % (
                v["max_pct"], v["item"])))
        if "wall_ratio" in e:
            w = e["wall_ratio"]
            parts.append("wall ratios whose per-round ranges do not overlap: %s" % (
                MISSING if not w["compared"] else "%d of %d%s" % (
                    len(w["outside_spread"]), w["compared"],
                    " (%s)" % ", ".join(w["outside_spread"]) if w["outside_spread"] else "")))
        lines.append("  %s: %s" % (LABELS[cfg], "; ".join(parts)))
    return lines


# --- rendering ----------------------------------------------------------------------------

MISSING = "missing"


def fmt_value(v):
    if v is None:
        return MISSING
    if v >= 100000:
        return "%.0f" % v
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.2f" % v


def fmt_ratio(v):
    return MISSING if v is None else "%.2f" % v


def fmt_pct(v):
    return "" if v is None else "%.0f%%" % v if v >= 10 else "%.1f%%" % v


def fmt_range(r):
    return "" if not r else "%.2f-%.2f" % (r[0], r[1])


def _wall_rows(doc):
    """The wall-time table as rows of cells (shared by the text and Markdown renderings)."""
    w = doc["summary"]["wall"]
    head = ["item", "unit", "Linux", "±", "Linux m=off", "m=off ratio", "Trellis", "±",
            "ratio", "ratio range"]
    rows = []
    for it in doc["items"]:
        r = w["items"][it["name"]]
        rows.append([it["name"], r["unit"],
                     fmt_value(r["linux"]["value"]), fmt_pct(r["linux"]["spread_pct"]),
                     fmt_value(r["linux-mitoff"]["value"]), fmt_ratio(r["linux-mitoff"]["ratio"]),
                     fmt_value(r["trellis"]["value"]), fmt_pct(r["trellis"]["spread_pct"]),
                     fmt_ratio(r["trellis"]["ratio"]), fmt_range(r["trellis"]["ratio_range"])])
    g = w["geomean"]
    rows.append(["geomean", "", "", "", "", fmt_ratio(g["linux-mitoff"]["geomean"]), "", "",
                 fmt_ratio(g["trellis"]["geomean"]), "over %d items" % g["trellis"]["items"]])
    return head, rows


def _icount_rows(doc):
    """The instruction-count table as rows of cells."""
    ic = doc["summary"]["icount"]
    head = ["item", "unit", "Linux", "±", "Linux m=off", "m=off ratio", "Trellis", "ratio"]
    rows = []
    for it in doc["items"]:
        r = ic["items"][it["name"]]
        rows.append([it["name"], r["unit"],
                     fmt_value(r["linux"]["value"]), fmt_pct(r["linux"]["spread_pct"]),
                     fmt_value(r["linux-mitoff"]["value"]), fmt_ratio(r["linux-mitoff"]["ratio"]),
                     fmt_value(r["trellis"]["value"]), fmt_ratio(r["trellis"]["ratio"])])
    g = ic["geomean"]
    rows.append(["geomean", "", "", "", "", fmt_ratio(g["linux-mitoff"]["geomean"]), "",
                 fmt_ratio(g["trellis"]["geomean"])])
    return head, rows


def _text_table(head, rows):
    widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
    return ["  ".join(c.ljust(widths[i]) if i < 2 else c.rjust(widths[i])
                      for i, c in enumerate(r)).rstrip() for r in [head] + rows]


def _md_table(head, rows):
    out = ["| " + " | ".join(head) + " |",
           "|" + "|".join(["---"] * 2 + ["--:"] * (len(head) - 2)) + "|"]
    for r in rows:
        out.append("| " + " | ".join(c if c else " " for c in r) + " |")
    return out


WALL_TITLE = ("Wall time: the best batch of any round; ± is the spread of the rounds' best"
              " batches, ratio range the per-round ratios.")
ICOUNT_TITLE = ("Instructions under -icount shift=0,sleep=off (1 instruction = 1 ns of guest time):"
                " per operation, or per KiB for bandwidths; best batch; ± between the boots.")


def _boot_rows(doc):
    """Boot-to-init per kernel: wall ms, spread, share of Linux's; the same under -icount
    (millions of instructions); and the host's view (QEMU start to init's first line)."""
    b = doc["summary"]["boot_to_init"]
    head = ["kernel", "ms", "±", "% of Linux", "M instr", "% of Linux", "host s"]
    rows = []

    def pct(v, cfg):
        return "" if cfg == REFERENCE else (MISSING if v is None else "%.0f%%" % v)

    for cfg in CONFIGS:
        w, i = b["wall"][cfg], b["icount"][cfg]
        rows.append([LABELS[cfg],
                     MISSING if w["us"] is None else "%.0f" % (w["us"] / 1000.0),
                     fmt_pct(w["spread_pct"]), pct(w["pct_of_linux"], cfg),
                     MISSING if i["us"] is None else "%.0f" % (i["us"] / 1000.0),
                     pct(i["pct_of_linux"], cfg),
                     MISSING if w["host_to_init_s"] is None else "%.2f" % w["host_to_init_s"]])
    return head, rows


BOOT_TITLE = ("Boot-to-init: kernel entry to init's first instruction by the kernel's own clock"
              " (wall ms, and millions of instructions under -icount); host s: QEMU start to"
              " init's first console line, seen from the host.")


def _mem_lines(doc):
    m = doc.get("min_mem_mib") or {}
    if m.get("skipped"):
        return ["not measured (%s)" % m["skipped"]]
    out = []
    for cfg in ("linux", "trellis"):
        e = m.get(cfg) or {}
        v = e.get("mib")
        out.append("%-22s %s" % (LABELS[cfg] + ":", ("%d MiB" % v) if v is not None
                                 else "missing" + (" (%s)" % e["note"] if e.get("note") else "")))
    return out


def _header_lines(doc, code="%s"):
    meta = doc.get("meta", {})
    lines = ["Trellis vs Linux %s in QEMU %s: %s" % (meta.get("linux_release", "?"),
                                                    meta.get("qemu_version", "?"),
                                                    code % meta.get("qemu_flags", "?")),
             "%s round(s), kernels interleaved; %s. ratio > 1: faster than Linux's defaults." % (
                 doc.get("rounds", "?"), meta.get("date", "?"))]
    if meta.get("host_load"):
        lines.append("Host load average during the boots: %.1f-%.1f on %s CPUs (other guests share"
                     " them: wall times are noisy, instruction counts are not)." % (
                         meta["host_load"][0], meta["host_load"][1], meta.get("host_cpus", "?")))
    tr = doc.get("trellis_status")
    if tr and tr != "ran":
        lines.append("Trellis: missing (%s)" % tr)
    if doc.get("trellis_left_out"):
        lines.append("Trellis stopped inside, so later boots left out: %s" %
                     ", ".join(doc["trellis_left_out"]))
    errs = []
    for it in doc.get("items", []):
        e = (doc.get("summary", {}).get("wall", {}).get("items", {}).get(it["name"], {})
             .get("trellis", {}).get("errors"))
        if e:
            errs.append("%s (%s)" % (it["name"], ", ".join(e)))
    if errs:
        lines.append("Trellis reported errors: %s" % "; ".join(errs))
    enosys = doc.get("summary", {}).get("enosys") or {}
    if enosys:
        order = ["init"] + [it["name"] for it in doc.get("items", [])]
        lines.append("System calls Trellis lacks (ENOSYS; where the kernel first logged each): %s" %
                     "; ".join("%s (%s)" % (", ".join(enosys[w]), w) for w in order if w in enosys))
    return lines


def format_table(doc):
    out = _header_lines(doc) + [""]
    out.append(WALL_TITLE)
    out += _text_table(*_wall_rows(doc))
    out.append("")
    out.append(ICOUNT_TITLE)
    out += _text_table(*_icount_rows(doc))
    out.append("")
    out.append(BOOT_TITLE)
    out += _text_table(*_boot_rows(doc))
    out.append("")
    out.append("Smallest -m that boots to a shell:")
    out += ["  " + l for l in _mem_lines(doc)]
    out += _compare_lines(doc)
    return "\n".join(out) + "\n"


def format_markdown(doc):
    out = [l + "  " for l in _header_lines(doc, "`%s`")] + [""]
    out += [WALL_TITLE, ""] + _md_table(*_wall_rows(doc)) + [""]
    out += [ICOUNT_TITLE, ""] + _md_table(*_icount_rows(doc)) + [""]
    out += [BOOT_TITLE, ""] + _md_table(*_boot_rows(doc)) + [""]
    out.append("Smallest `-m` that boots to a shell:")
    out.append("")
    out += ["- " + l for l in _mem_lines(doc)]
    cmp_lines = _compare_lines(doc)
    if cmp_lines:
        out += ["", cmp_lines[0], ""] + ["- " + l.strip() for l in cmp_lines[1:]]
    return "\n".join(out) + "\n"


def format_readme(doc):
    """The README's short version: per item the Linux figure, Trellis's, and the ratio, for wall
    time and instructions; the geometric means; boot-to-init and the smallest -m."""
    s = doc["summary"]
    head = ["item", "unit", "Linux", "Trellis", "ratio", "Linux instr", "Trellis instr", "ratio"]
    rows = []
    for it in doc["items"]:
        w, ic = s["wall"]["items"][it["name"]], s["icount"]["items"][it["name"]]
        rows.append([it["name"], w["unit"], fmt_value(w["linux"]["value"]),
                     fmt_value(w["trellis"]["value"]), fmt_ratio(w["trellis"]["ratio"]),
                     fmt_value(ic["linux"]["value"]), fmt_value(ic["trellis"]["value"]),
                     fmt_ratio(ic["trellis"]["ratio"])])
    gw, gi = s["wall"]["geomean"]["trellis"], s["icount"]["geomean"]["trellis"]
    rows.append(["geomean", "", "", "", fmt_ratio(gw["geomean"]), "", "", fmt_ratio(gi["geomean"])])
    b = s["boot_to_init"]["wall"]
    mem = doc.get("min_mem_mib") or {}

    def ms(cfg):
        return MISSING if b[cfg]["us"] is None else "%.0f ms" % (b[cfg]["us"] / 1000.0)

    def mib(cfg):
        if mem.get("skipped"):
            return "not measured"
        v = (mem.get(cfg) or {}).get("mib")
        return MISSING if v is None else "%d MiB" % v

    out = [l + "  " for l in _header_lines(doc, "`%s`")] + [""] + _md_table(head, rows) + [""]
    out.append("Boot-to-init: Linux %s, Trellis %s. Smallest `-m` booting to a shell: Linux %s,"
               " Trellis %s." % (ms("linux"), ms("trellis"), mib("linux"), mib("trellis")))
    return "\n".join(out) + "\n"


def write_chart(doc, outdir, gnuplot="gnuplot"):
    """Writes ratios.dat and ratios.gp and renders ratios.png and ratios.svg with gnuplot.

    One cluster per item: Trellis vs Linux (wall, instructions) and Linux mitigations=off vs
    Linux (wall, instructions). Missing ratios are '?' in the data and leave a gap. Returns the
    list of files gnuplot produced (empty if gnuplot failed; the reason is in ratios.gp.log).
    """
    s = doc["summary"]
    dat = os.path.join(outdir, "ratios.dat")
    with open(dat, "w") as f:
        f.write("# item trellis_wall trellis_icount mitoff_wall mitoff_icount ('?' = missing)\n")
        for it in doc["items"]:
            n = it["name"]
            cells = [s[m]["items"][n][c]["ratio"] for c in ("trellis", "linux-mitoff") for m in MODES]
            f.write("%s %s\n" % (n, " ".join("?" if v is None else "%.4f" % v for v in cells)))
    gt = s["wall"]["geomean"]["trellis"]["geomean"]
    gi = s["icount"]["geomean"]["trellis"]["geomean"]
    title = "Speed relative to Linux %s defaults (>1: faster)" % doc.get("meta", {}).get(
        "linux_release", "")
    sub = "Trellis geomean: wall %s, instructions %s" % (fmt_ratio(gt), fmt_ratio(gi))
    if gt is None and gi is None:
        sub = "Trellis: missing (%s)" % (doc.get("trellis_status") or "it did not run")
    outputs = []
    for term, ext in (("pngcairo noenhanced size 1400,600 font 'sans,10'", "png"),
                      ("svg noenhanced size 1400,600 dynamic font 'sans,10'", "svg")):
        outputs.append((term, os.path.join(outdir, "ratios." + ext)))
    gp = os.path.join(outdir, "ratios.gp")
    with open(gp, "w") as f:
        f.write("# Generated by tools/bench/report.py: ratios of every item against Linux's defaults.\n")
        f.write("set datafile missing '?'\n")
        f.write("set style data histograms\nset style histogram clustered gap 1\n")
        f.write("set style fill solid 0.8 border -1\nset boxwidth 0.9\n")
        f.write("set xtics rotate by -45 nomirror\nset ytics nomirror\nset grid ytics\n")
        f.write("set yrange [0:*]\nset key top left\n")
        f.write("set ylabel 'speed ratio vs Linux defaults'\n")
        f.write("set title \"%s\\n%s\"\n" % (title, sub))
        f.write("set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2 lw 2 lc rgb 'black' front\n")
        for term, path in outputs:
            f.write("set terminal %s\nset output '%s'\n" % (term, os.path.basename(path)))
            f.write("plot '%s' using 2:xtic(1) title 'Trellis (wall)' lc rgb '#1f77b4', \\\n"
                    "     '' using 3 title 'Trellis (instructions)' lc rgb '#aec7e8', \\\n"
                    "     '' using 4 title 'Linux mitigations=off (wall)' lc rgb '#ff7f0e', \\\n"
                    "     '' using 5 title 'Linux mitigations=off (instructions)' lc rgb '#ffbb78'\n"
                    % os.path.basename(dat))
            f.write("unset output\n")
    with open(gp + ".log", "w") as log:
        rc = subprocess.call([gnuplot, os.path.basename(gp)], cwd=outdir, stdout=log,
                             stderr=subprocess.STDOUT)
    if rc != 0:
        return []
    return [p for _, p in outputs if os.path.exists(p) and os.path.getsize(p) > 0]


def replace_section(path, begin, end, body):
    """Replaces the lines strictly between the marker lines `begin` and `end` with `body`.

    Returns False (and leaves the file alone) when the markers are missing or out of order.
    """
    with open(path) as f:
        text = f.read()
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < 0 or j < i:
        return False
    i += len(begin)
    new = text[:i] + "\n" + body.rstrip("\n") + "\n" + text[j:]
    if new != text:
        with open(path + ".tmp", "w") as f:
            f.write(new)
        os.replace(path + ".tmp", path)
    return True
