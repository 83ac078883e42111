/*
 * internal/fault_inject.h — allocation and user-copy failure injection (docs/fuzzing.md).
 *
 * Off unless the kernel command line asks for it, so every ENOMEM and partial-copy path of the
 * services can be exercised in a test boot:
 *
 *   fault.heap=N        fail 1 in N typed-heap allocations (KNEW, arrays, kbuf_alloc)
 *   fault.frame=N       fail 1 in N frame allocations (untyped and typed: page tables, stacks,
 *                       slabs)
 *   fault.ucopy=N       1 in N user copies (VmReader/VmWriter, the typed copies, user strings)
 *                       stops as if the page at the chosen offset were unmapped
 *   fault.ucopy_off=K   that offset (default: anywhere in the copy, chosen by the seed)
 *   fault.seed=S        choose at random with probability 1/N from seed S (default: every Nth)
 *   fault.start_ms=T    inject nothing before T ms after reset (lets init start)
 *   fault.stop_ms=T     nor from T ms after reset on (lets a test check the kernel afterwards)
 *   fault.task_filter=1 only in tasks marked with task_set_make_it_fail (/proc/PID/make-it-fail)
 *                       and never in an interrupt (Linux's task-filter)
 *
 * The choice for the k-th call at a site depends only on (seed, site, k), with no lock: an
 * atomic counter per site. fault_inject_report() prints how many of each were injected.
 */
#ifndef FW_INTERNAL_FAULT_INJECT_H
#define FW_INTERNAL_FAULT_INJECT_H

#include <fw/types.h>

enum fault_site {
	FAULT_HEAP,
	FAULT_FRAME,
	FAULT_UCOPY,
	FAULT_SITES,
};

/* Whether any injection is configured (one load; the hooks test it first). */
extern bool fault_inject_on;

/*
 * fault_should_fail - whether this call at `site` is to fail.
 * Context: any (interrupts off included); lock-free.
 */
bool fault_should_fail_slow(enum fault_site site);
static inline bool fault_should_fail(enum fault_site site)
{
	return fault_inject_on && fault_should_fail_slow(site);
}

/*
 * fault_ucopy_limit - how many of a user copy's n bytes may be copied: n, or fewer when this
 * copy is to fault part-way (the caller then reports a fault at that offset).
 */
size_t fault_ucopy_limit_slow(size_t n);
static inline size_t fault_ucopy_limit(size_t n)
{
	return fault_inject_on ? fault_ucopy_limit_slow(n) : n;
}

/* Read the boot options. Context: early boot, once (mm_init). */
void fault_inject_init(void);

/* Print what was injected, when anything was configured. Context: any. */
void fault_inject_report(void);

/*
 * For ktests (fault_inject_test.c): set one site's rate (0: off), the seed and the ucopy
 * offset (UINT64_MAX: anywhere), with that site's counters from zero; fault_inject_test_restore
 * puts back what the boot configured. Context: a ktest, nothing else injecting meanwhile.
 */
void fault_inject_test_set(enum fault_site site, u64 rate, u64 seed, u64 ucopy_off);
void fault_inject_test_restore(void);
/* fault_inject_test_filter - turn the task filter on or off (after fault_inject_test_set). */
void fault_inject_test_filter(bool on);

#endif /* FW_INTERNAL_FAULT_INJECT_H */
