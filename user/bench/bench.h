/*
 * The benchmark programs' shared interface (user space, static musl).
 *
 * Every item is a function that performs `iters` operations and returns the nanoseconds they
 * took (it times itself, so setup such as mapping memory or starting a partner process stays
 * outside the measured region), or a negative errno when the kernel cannot do it. The harness
 * (harness.c) runs an item in batches and prints one machine-readable line per item:
 *
 *   BENCH name=<item> unit=ns better=lower best=<min ns/op> median=<ns/op> batches=<B> iters=<N>
 *   BENCH name=<item> unit=MB/s better=higher best=<max MB/s> median=<MB/s> batches=<B> iters=<N>
 *   BENCH name=<item> error=<text>
 *
 * The line grammar is the contract with tools/bench/report.py; docs/benchmarks.md describes it.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>

enum bench_unit { UNIT_LATENCY, UNIT_BANDWIDTH };

struct bench_item {
	const char *name;
	enum bench_unit unit;
	/* Operations per batch (fixed, so both kernels do exactly the same work). */
	long iters;
	/* Bytes moved per operation (bandwidth items only). */
	long bytes_per_op;
	/* Optional one-time setup/teardown around all batches; return 0 or -errno. */
	int (*setup)(void);
	void (*teardown)(void);
	/* Performs `iters` operations; returns elapsed ns, or -errno. */
	int64_t (*run)(long iters);
	/* One line for docs and `bench list`: what one operation is. */
	const char *what;
};

/* All items, in report order, terminated by a zeroed entry (items.c). */
extern const struct bench_item bench_items[];

/* Monotonic time in ns (CLOCK_MONOTONIC). */
int64_t bench_now_ns(void);

/* Prints a line on stdout with one write(2) (no stdio buffering surprises as PID 1). */
void bench_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs one item for `batches` batches and prints its BENCH line. */
void bench_run_item(const struct bench_item *item, int batches);

/* Looks an item up by name; NULL when unknown. */
const struct bench_item *bench_find(const char *name);

/* Paths shared by the items and the init that prepares them. */
#define BENCH_FILE "/tmp/bench-file"      /* stat, open, fstat target (small) */
#define BENCH_READ_FILE "/tmp/bench-read" /* file read bandwidth source */
#define BENCH_READ_FILE_BYTES (1L << 20)
#define BENCH_NOP "/bench/nop"            /* the smallest static program, for execve */
#define BENCH_NOP_DYN "/bench/nop-dyn"    /* the same, linked dynamically (glibc, ld.so) */

/* Helpers for items that talk to a partner process (ipc.c). */
int bench_write_all(int fd, const void *buf, long len);
int bench_read_all(int fd, void *buf, long len);

#endif
