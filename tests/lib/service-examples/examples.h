/*
 * tests/lib/service-examples/examples.h — the entry points of the service-side examples, so
 * the host tests (tests/lib/t_examples.c) and the fuzzer (tests/lib/fuzz_parse.c) can drive
 * them. The examples are written as kernel services: safe C against <fw/...> only.
 */
#ifndef SERVICE_EXAMPLES_H
#define SERVICE_EXAMPLES_H

#include <fw/bytes.h>
#include <fw/result.h>
#include <fw/str.h>

/* cpio_newc.c: walk a newc archive; the number of regular entries, or -EINVAL. The total of
 * file sizes goes to *total_bytes; the size of the entry named `want` to *want_size. */
struct cpio_summary {
	uint32_t entries;
	uint64_t total_bytes;
	int64_t want_size; /* -1 when not found */
};
int cpio_scan(struct bytes archive, struct str want, struct cpio_summary *out);

/* elf_probe.c: check an ELF64 x86-64 executable header and count its PT_LOAD segments. */
struct elf_summary {
	uint64_t entry;
	uint32_t loads;
	uint64_t max_vaddr_end;
};
int elf_probe(struct bytes image, struct elf_summary *out);

/* path_walk.c: normalise an absolute path ("/a/./b/../c" -> "/a/c") into `out`;
 * the length written, -EINVAL (relative), -ENAMETOOLONG (component), -ENOSPC. */
struct result_size path_normalise(struct str path, struct bytes out);

/* fd_table.c: a file table with pipes and typed downcasts; returns 0 when its self-check passes. */
int fd_table_demo(void);

/* timer_demo.c: typed callbacks on a deadline-ordered timer queue; the number of callbacks run. */
int timer_demo(void);

/* dcache.c: a name cache on a typed hash table with atomic statistics; 0 when its checks pass. */
int dcache_demo(void);

/* log_demo.c: format a log line with integer and str arguments into `out`. */
struct result_size log_demo(struct bytes out, int pid, struct str comm);

#endif /* SERVICE_EXAMPLES_H */
