#!/usr/bin/env python3
"""Host tests of the benchmark's report and driver code (no QEMU); prints KTAP.

Covers: parsing of guest console lines (good, error, malformed, printk-stamped, Trellis's
boot line), the statistics (median, geometric mean, spread, ratio orientation), the summary
with Trellis missing entirely or for some items (never zero, never invented), the -icount unit
conversion, JSON round trip, the docs section rewrite, the gnuplot chart, the benchmark
program's item list, and the driver's boot watchdog (a guest that prints nothing is killed
after the first-line timeout).

  test_bench.py [BENCH_BINARY]   the binary (default build/bench/bin/bench) is asked for `list`
"""
import json
import math
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench  # noqa: E402
import report  # noqa: E402

BENCH_BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "build", "bench",
                                                                "bin", "bench")
cases = []


def case(fn):
    cases.append(fn)
    return fn


def approx(a, b, rel=1e-9):
    return a is not None and b is not None and abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


LINUX_CONSOLE = """\
[    1.234567] Run /init as init process
BENCH-BOOT monotonic_ns=1870437821 boottime_ns=1870481336
BENCH-ENV sysname=Linux release=6.1.0-57-amd64 tmp=tmpfs lo=up
BENCH-SHELL ok
BENCH-START name=getppid
BENCH name=getppid unit=ns better=lower best=492.5 median=499.3 batches=10 iters=20000
BENCH-START name=pipe_bw
BENCH name=pipe_bw unit=MB/s better=higher best=428.1 median=315.4 batches=10 iters=200
BENCH name=tcp_lat error=setup:Function_not_implemented
BENCH name=udp_lat unit=ns best=nan median=5
BENCH name=stat unit=ns best=0 median=0
BENCH-DONE items=3
"""


@case
def parse_console_reads_items_errors_and_markers():
    c = report.parse_console(LINUX_CONSOLE)
    assert c["boot"] == {"monotonic_ns": 1870437821, "boottime_ns": 1870481336}
    assert c["env"]["release"] == "6.1.0-57-amd64"
    assert c["shell"] and c["done"]
    assert c["started"] == ["getppid", "pipe_bw"]
    g = c["items"]["getppid"]
    assert g["unit"] == "ns" and g["better"] == "lower" and g["best"] == 492.5 and g["median"] == 499.3
    assert g["batches"] == 10 and g["iters"] == 20000
    assert c["items"]["pipe_bw"]["better"] == "higher"
    assert c["items"]["tcp_lat"] == {"error": "setup:Function_not_implemented"}
    # NaN and zero are not measurements: they become errors, never values.
    assert "error" in c["items"]["udp_lat"] and "error" in c["items"]["stat"]
    assert c["trellis_boot_us"] is None


@case
def parse_console_reads_trellis_boot_line_with_timestamp():
    c = report.parse_console("[    0.012000] trellis: boot-to-init 48213 us\r\nBENCH-BOOT monotonic_ns=5\n")
    assert c["trellis_boot_us"] == 48213
    assert c["boot"]["monotonic_ns"] == 5
    assert not c["done"] and not c["items"]


@case
def parse_console_keeps_whole_error_text_and_attributes_enosys():
    c = report.parse_console(
        "[    0.08] syscall: mount (165) is not implemented: -ENOSYS (pid 1)\n"
        "BENCH-START name=getppid\n"
        "BENCH name=getppid unit=ns better=lower best=5 median=6 batches=1 iters=1\n"
        "[    0.09] syscall: sync (162) is not implemented: -ENOSYS (pid 1)\n"
        "BENCH-START name=pipe_lat\n"
        "[    2.68] syscall: pipe (22) is not implemented: -ENOSYS (pid 1)\n"
        "BENCH name=pipe_lat error=setup:Function not implemented\n")
    assert c["items"]["pipe_lat"] == {"error": "setup:Function not implemented"}
    assert c["enosys"] == {"init": ["mount", "sync"], "pipe_lat": ["pipe"]}
    doc = {"items": [{"name": "getppid", "unit": "ns"}, {"name": "pipe_lat", "unit": "ns"}],
           "runs": [{"config": "trellis", "mode": "wall", "round": 1, "console": c}]}
    report.summarize(doc)
    assert doc["summary"]["enosys"] == {"init": ["mount", "sync"], "pipe_lat": ["pipe"]}
    head = "\n".join(report._header_lines(doc))
    assert "pipe_lat (setup:Function not implemented)" in head
    assert "mount, sync (init); pipe (pipe_lat)" in head


@case
def parse_console_of_nothing_is_empty():
    c = report.parse_console("SeaBIOS\ngarbage BENCH name\n")
    assert c["items"] == {} and c["boot"] == {} and not c["shell"] and not c["done"]


@case
def statistics_median_geomean_spread():
    assert report.median([3, 1, 2]) == 2
    assert report.median([4, 1, 2, 3]) == 2.5
    assert report.median([]) is None
    assert approx(report.geomean([2.0, 8.0]), 4.0)
    assert approx(report.geomean([0.5, 2.0, 1.0]), 1.0)
    assert report.geomean([]) is None
    assert report.geomean([None, None]) is None
    try:
        report.geomean([1.0, 0.0])
        assert False, "geomean of zero must raise"
    except ValueError:
        pass
    assert approx(report.spread_pct([90, 100, 110]), 20.0)
    assert report.spread_pct([100]) is None


@case
def speedup_is_oriented_so_above_one_is_faster():
    assert approx(report.speedup(200.0, 100.0, "lower"), 2.0)   # half the time: 2x faster
    assert approx(report.speedup(200.0, 400.0, "higher"), 2.0)  # twice the MB/s: 2x faster
    assert report.speedup(None, 1.0, "lower") is None
    assert report.speedup(1.0, None, "lower") is None
    assert report.speedup(1.0, 0.0, "lower") is None


def _run(cfg, mode, rnd, items):
    lines = ["BENCH-BOOT monotonic_ns=%d boottime_ns=1" % items.pop("_boot_ns", 2000000000)]
    if "_trellis_boot_us" in items:
        lines.insert(0, "trellis: boot-to-init %d us" % items.pop("_trellis_boot_us"))
    for name, v in items.items():
        if isinstance(v, str):
            lines.append("BENCH name=%s error=%s" % (name, v))
        else:
            unit = "MB/s" if name.endswith("_bw") else "ns"
            lines.append("BENCH name=%s unit=%s best=%s median=%s batches=3 iters=10" % (name, unit, v, v))
    lines.append("BENCH-DONE items=%d" % len(items))
    return {"config": cfg, "mode": mode, "round": rnd, "status": "ok",
            "console": report.parse_console("\n".join(lines))}


ITEMS = [{"name": "getppid", "unit": "ns"}, {"name": "fork_exit", "unit": "ns"},
         {"name": "pipe_bw", "unit": "MB/s"}]


def _doc(with_trellis):
    runs = []
    for rnd, scale in ((1, 1.0), (2, 1.1)):
        runs.append(_run("linux", "wall", rnd, {"getppid": 500 * scale, "fork_exit": 600000 * scale,
                                               "pipe_bw": 400 / scale}))
        runs.append(_run("linux-mitoff", "wall", rnd, {"getppid": 400 * scale, "fork_exit": 600000,
                                                      "pipe_bw": 400}))
        if with_trellis:
            runs.append(_run("trellis", "wall", rnd, {"_trellis_boot_us": 100000,
                                                     "getppid": 250 * scale, "fork_exit": "run:ENOSYS",
                                                     "pipe_bw": 800 / scale}))
    runs.append(_run("linux", "icount", 1, {"getppid": 360, "fork_exit": 118000, "pipe_bw": 1024,
                                           "_boot_ns": 1700000000}))
    runs.append(_run("linux-mitoff", "icount", 1, {"getppid": 360, "fork_exit": 118000, "pipe_bw": 1024}))
    if with_trellis:
        runs.append(_run("trellis", "icount", 1, {"_trellis_boot_us": 50000, "getppid": 180,
                                                 "pipe_bw": 2048}))
    return {"items": [dict(i) for i in ITEMS], "runs": runs, "rounds": 2,
            "min_mem_mib": {"skipped": "quick mode"},
            "trellis_status": "ran" if with_trellis else "no kernel image"}


@case
def summary_with_trellis_missing_reports_missing_not_zero():
    doc = _doc(False)
    s = report.summarize(doc)
    g = s["wall"]["items"]["getppid"]
    assert approx(g["linux"]["value"], 500.0)         # the better of 500 and 550
    assert approx(g["linux"]["spread_pct"], 50 / 525 * 100)
    assert g["trellis"]["value"] is None and g["trellis"]["ratio"] is None and g["trellis"]["n"] == 0
    assert s["wall"]["geomean"]["trellis"]["geomean"] is None
    assert s["wall"]["geomean"]["trellis"]["items"] == 0
    assert s["icount"]["geomean"]["trellis"]["geomean"] is None
    assert s["boot_to_init"]["wall"]["trellis"]["us"] is None
    table = report.format_table(doc)
    md = report.format_markdown(doc)
    for text in (table, md, report.format_readme(doc)):
        trellis_cells = [l for l in text.splitlines() if l.startswith(("getppid", "| getppid"))]
        assert " 0 " not in trellis_cells[0] and "| 0 |" not in trellis_cells[0]
        assert trellis_cells and all("missing" in l for l in trellis_cells), trellis_cells
        assert "Trellis: missing (no kernel image)" in text
    # Linux's own figures are there.
    assert "500" in table and "1700" in table


@case
def summary_with_partial_trellis_uses_only_items_it_ran():
    doc = _doc(True)
    s = report.summarize(doc)
    w = s["wall"]
    assert approx(w["items"]["getppid"]["trellis"]["ratio"], 2.0)
    assert approx(w["items"]["pipe_bw"]["trellis"]["ratio"], 2.0)
    assert w["items"]["fork_exit"]["trellis"]["ratio"] is None
    assert w["items"]["fork_exit"]["trellis"]["errors"] == ["run:ENOSYS"]
    assert w["geomean"]["trellis"]["items"] == 2 and approx(w["geomean"]["trellis"]["geomean"], 2.0)
    rr = w["items"]["getppid"]["trellis"]["ratio_range"]
    assert approx(rr[0], 2.0) and approx(rr[1], 2.0)   # paired by round
    mit = w["items"]["getppid"]["linux-mitoff"]
    assert approx(mit["ratio"], 500.0 / 400.0)
    # -icount: instructions per op, and per KiB for bandwidths (1.024e6 / MB/s).
    ic = s["icount"]["items"]
    assert ic["pipe_bw"]["unit"] == "instr/KiB" and approx(ic["pipe_bw"]["linux"]["value"], 1000.0)
    assert approx(ic["pipe_bw"]["trellis"]["ratio"], 2.0)
    assert approx(ic["getppid"]["trellis"]["ratio"], 2.0)
    assert approx(s["icount"]["geomean"]["trellis"]["geomean"], 2.0)
    b = s["boot_to_init"]
    assert b["wall"]["trellis"]["us"] == 100000 and approx(b["wall"]["trellis"]["pct_of_linux"], 5.0)
    assert approx(b["icount"]["trellis"]["pct_of_linux"], 50000 / 1700000 * 100)
    table = report.format_table(doc)
    assert "2.00" in table and "over 2 items" in table


@case
def summary_uses_each_boots_best_batch():
    doc = _doc(False)
    for r in doc["runs"]:
        if r["config"] == "linux" and r["mode"] == "wall":
            r["console"]["items"]["getppid"]["median"] = 9999.0  # a contended batch or two
            r["console"]["items"]["pipe_bw"]["median"] = 1.0
    s = report.summarize(doc)
    assert approx(s["wall"]["items"]["getppid"]["linux"]["value"], 500.0)
    assert approx(s["wall"]["items"]["pipe_bw"]["linux"]["value"], 400.0)  # the higher bandwidth


@case
def json_round_trip_has_no_nan():
    doc = _doc(True)
    report.summarize(doc)
    text = json.dumps(doc, allow_nan=False, sort_keys=True)
    back = json.loads(text)
    assert back["summary"]["wall"]["items"]["fork_exit"]["trellis"]["ratio"] is None
    assert approx(back["summary"]["wall"]["geomean"]["trellis"]["geomean"], 2.0)


@case
def compare_reports_drift_against_a_previous_run():
    prev, cur = _doc(True), _doc(True)
    report.summarize(prev)
    # One -icount figure moves by 1 % and Trellis's wall ratio for getppid leaves its range.
    for r in cur["runs"]:
        g = r["console"]["items"]["getppid"]
        if r["config"] == "linux" and r["mode"] == "icount":
            g["best"] = g["median"] = 360 * 1.01
        if r["config"] == "trellis" and r["mode"] == "wall":
            g["best"] /= 2
            g["median"] /= 2
    report.summarize(cur)
    c = report.compare(prev, cur)
    lin = c["configs"]["linux"]["icount_value"]
    assert approx(lin["max_pct"], 1.0) and lin["item"] == "getppid"
    tr = c["configs"]["trellis"]
    assert approx(tr["icount_ratio"]["max_pct"], 100 * (1 - 1 / 1.01) / 1, rel=1e-6) or \
        approx(tr["icount_ratio"]["max_pct"], 1.0)
    assert tr["wall_ratio"]["outside_spread"] == ["getppid"] and tr["wall_ratio"]["compared"] == 2
    cur["vs_previous"] = c
    assert "Against the previous run" in report.format_table(cur)


@case
def replace_section_rewrites_between_markers_only():
    fd, p = tempfile.mkstemp()
    os.write(fd, b"head\n<!-- a -->\nold\n<!-- b -->\ntail\n")
    os.close(fd)
    assert report.replace_section(p, "<!-- a -->", "<!-- b -->", "new\nlines\n")
    assert open(p).read() == "head\n<!-- a -->\nnew\nlines\n<!-- b -->\ntail\n"
    assert not report.replace_section(p, "<!-- x -->", "<!-- b -->", "zzz")
    assert "zzz" not in open(p).read()


@case
def chart_renders_png_and_svg_with_missing_ratios():
    doc = _doc(False)
    report.summarize(doc)
    d = tempfile.mkdtemp()
    files = report.write_chart(doc, d)
    names = sorted(os.path.basename(f) for f in files)
    assert names == ["ratios.png", "ratios.svg"], names
    with open(os.path.join(d, "ratios.png"), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    dat = open(os.path.join(d, "ratios.dat")).read()
    assert "getppid ? ? " in dat  # Trellis missing: '?', not 0


@case
def bench_program_lists_its_items():
    items = bench.item_list(BENCH_BIN)
    names = [i["name"] for i in items]
    for want in ("getppid", "read_zero", "write_null", "stat", "fstat", "open_close", "pipe_lat",
                 "unix_lat", "ctxsw", "fork_exit", "fork_exec", "fork_sh", "mmap_1m", "page_fault",
                 "sig_install", "sig_deliver", "pipe_bw", "file_read_bw", "tcp_lat", "udp_lat",
                 "tcp_bw", "udp_bw", "blk_read_bw", "blk_write_bw"):
        assert want in names, want
    assert len(set(names)) == len(names)
    assert all(i["unit"] in ("ns", "MB/s") for i in items)


@case
def trellis_stopping_inside_an_item_leaves_it_out_then_gives_up():
    class Args:
        trellis = sys.executable  # any existing file: the image is "there"
        out = "build/bench"
        items = None
    d = bench.Driver.__new__(bench.Driver)
    d.a, d.items, d.trellis_skip, d.trellis_status = Args(), ITEMS, [], None

    def run(text, reason):
        return {"config": "trellis", "console": report.parse_console(text), "reason": reason,
                "log": "x.log"}
    hung = "BENCH-BOOT monotonic_ns=1\nBENCH-START name=getppid\nBENCH name=getppid unit=ns " \
           "best=1 median=1\nBENCH-START name=fork_exit\n"
    d.note_trellis(run(hung, "stalled"))
    assert d.trellis_skip == ["fork_exit"] and d.usable("trellis")
    assert d.items_for("trellis") == "getppid,pipe_bw"
    assert d.items_for("linux") is None  # Linux always runs everything
    d.note_trellis(run(hung, "stalled"))  # the same again although left out: give up
    assert not d.usable("trellis") and "end before" in d.trellis_status
    d2 = bench.Driver.__new__(bench.Driver)
    d2.a, d2.items, d2.trellis_skip, d2.trellis_status = Args(), ITEMS, [], None
    d2.note_trellis(run("trellis: boot-to-init 5 us\n", "no BENCH-BOOT line within 20s"))
    assert not d2.usable("trellis") and "cannot run the benchmark init yet" in d2.trellis_status


@case
def boot_watchdog_kills_a_silent_guest():
    # Stands in for a kernel that boots but never runs the benchmark init.
    argv = [sys.executable, "-c", "import time; print('firmware says hi', flush=True); time.sleep(60)"]
    t0 = time.monotonic()
    b = bench.Boot(argv, None).run(first_timeout=1.0, idle_timeout=5.0)
    assert time.monotonic() - t0 < 10
    assert b.reason and "no BENCH-BOOT" in b.reason, b.reason
    assert "firmware says hi" in b.text


@case
def boot_watchdog_stops_at_marker():
    argv = [sys.executable, "-c",
            "import time; print('BENCH-BOOT monotonic_ns=1', flush=True); "
            "print('BENCH-SHELL ok', flush=True); time.sleep(60)"]
    t0 = time.monotonic()
    b = bench.Boot(argv, None).run(first_timeout=5.0, idle_timeout=5.0, stop_on="BENCH-SHELL ok")
    assert time.monotonic() - t0 < 10
    assert report.parse_console(b.text)["shell"]
    assert b.host_to_init_s is not None


def main():
    bench.log = lambda msg: print("# bench: " + msg)  # keep the driver's notes inside the KTAP
    print("KTAP version 1")
    print("1..%d" % len(cases))
    failed = 0
    for i, fn in enumerate(cases, 1):
        try:
            fn()
            print("ok %d %s" % (i, fn.__name__))
        except Exception as e:  # a failing case reports and the others still run
            failed += 1
            print("# %s: %s: %s" % (fn.__name__, type(e).__name__, e))
            print("not ok %d %s" % (i, fn.__name__))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
