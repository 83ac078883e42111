/*
 * fault_inject.c — allocation and user-copy failure injection (internal/fault_inject.h).
 *
 * Each site has a 1-in-N rate (0: off) and two atomic counters: calls seen and failures
 * injected. The k-th call fails when k % N == N - 1 (every Nth), or, with fault.seed, when a
 * hash of (seed, site, k) falls in 1/N of its range, so a seed replays the same choice for the
 * k-th call whatever the timing. The configuration is written once at boot (fault_inject_init,
 * before the other CPUs start) and only read afterwards.
 *
 * With fault.task_filter=1 only the tasks marked with task_set_make_it_fail (the kernel's
 * /proc/PID/make-it-fail) meet failures, and never in an interrupt, as Linux's task-filter:
 * a test marks the processes under test, and boot, init and the test's own harness run
 * undisturbed however slowly the guest boots (a window in ms after reset meets the boot itself
 * on a loaded host: the fault.guest_finished flake).
 */
#include "internal/fault_inject.h"

#include <fw/time.h>

#include "internal/bootinfo.h"
#include "arch/x86_64/percpu.h"
#include "internal/printk.h"
#include "internal/task.h"

bool fault_inject_on;

static const char *const site_names[FAULT_SITES] = { "heap", "frame", "ucopy" };

struct fault_cfg {
	u64 rate[FAULT_SITES]; /* 1 in rate; 0: off */
	u64 seed;              /* 0: every Nth */
	u64 start_ns, stop_ns; /* the window; stop 0: no end */
	u64 ucopy_off;         /* UINT64_MAX: anywhere */
	bool task_filter;      /* only tasks marked make_it_fail, outside interrupts */
};
static struct fault_cfg cfg, boot_cfg; /* boot_cfg: what a ktest restores */
static bool boot_on, saved;

static u64 calls[FAULT_SITES], injected[FAULT_SITES];

static u64 mix(u64 z)
{
	z += 0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The hash of call k at site s (with the seed), also used to pick a ucopy offset. */
static u64 draw(enum fault_site s, u64 k)
{
	return mix(cfg.seed ^ mix(((u64)s << 56) ^ k));
}

bool fault_should_fail_slow(enum fault_site s)
{
	u64 n = cfg.rate[s];
	if (!n)
		return false;
	if (cfg.task_filter) {
		struct task *t = task_current();
		if (!t || !t->make_it_fail || (preempt_count_raw() & HARDIRQ_MASK))
			return false;
	}
	if (cfg.start_ns || cfg.stop_ns) {
		u64 now = fw_time_ns();
		if (now < cfg.start_ns || (cfg.stop_ns && now >= cfg.stop_ns))
			return false;
	}
	/* SAFETY: atomic read-modify-write of a plain counter. */
	u64 k = __atomic_fetch_add(&calls[s], 1, __ATOMIC_RELAXED);
	bool fail = cfg.seed ? draw(s, k) % n == 0 : k % n == n - 1;
	if (fail)
		/* SAFETY: as above. */
		__atomic_fetch_add(&injected[s], 1, __ATOMIC_RELAXED);
	return fail;
}

size_t fault_ucopy_limit_slow(size_t n)
{
	if (n == 0 || !fault_should_fail_slow(FAULT_UCOPY))
		return n;
	if (cfg.ucopy_off != UINT64_MAX)
		return cfg.ucopy_off < n ? (size_t)cfg.ucopy_off : n;
	/* SAFETY: an atomic load of a counter (only feeds the hash). */
	return (size_t)(draw(FAULT_UCOPY, __atomic_load_n(&injected[FAULT_UCOPY], __ATOMIC_RELAXED)) %
			n);
}

void fault_inject_init(void)
{
	bool any = false;
	for (int s = 0; s < FAULT_SITES; s++) {
		static const char *const opts[FAULT_SITES] = { "fault.heap", "fault.frame",
							       "fault.ucopy" };
		/* SAFETY: s < FAULT_SITES, the length of both arrays. */
		cfg.rate[s] = boot_cmdline_u64(opts[s], 0);
		any |= cfg.rate[s] != 0;
	}
	if (!any)
		return;
	cfg.seed = boot_cmdline_u64("fault.seed", 0);
	cfg.start_ns = boot_cmdline_u64("fault.start_ms", 0) * 1000000ull;
	cfg.stop_ns = boot_cmdline_u64("fault.stop_ms", 0) * 1000000ull;
	cfg.ucopy_off = boot_cmdline_u64("fault.ucopy_off", UINT64_MAX);
	cfg.task_filter = boot_cmdline_u64("fault.task_filter", 0) != 0;
	printk(FW_LOG_WARN,
	       "fault: injecting failures: heap 1/%lu, frame 1/%lu, ucopy 1/%lu (0: off), %s %lu, "
	       "from %lu ms to %lu ms (0: no end), %s", cfg.rate[FAULT_HEAP], cfg.rate[FAULT_FRAME],
	       cfg.rate[FAULT_UCOPY], cfg.seed ? "random, seed" : "every Nth, seed", cfg.seed,
	       cfg.start_ns / 1000000, cfg.stop_ns / 1000000,
	       cfg.task_filter ? "only in tasks marked make-it-fail" : "in every task");
	/* SAFETY: a plain store before the other CPUs start (mm_init runs on the boot CPU). */
	__atomic_store_n(&fault_inject_on, true, __ATOMIC_RELEASE);
}

void fault_inject_report(void)
{
	if (!fault_inject_on)
		return;
	for (int s = 0; s < FAULT_SITES; s++)
		/* SAFETY: s < FAULT_SITES; atomic loads of the counters. */
		printk(FW_LOG_INFO, "fault: %s: %lu failures injected in %lu calls", site_names[s],
		       __atomic_load_n(&injected[s], __ATOMIC_RELAXED),
		       __atomic_load_n(&calls[s], __ATOMIC_RELAXED));
}

void fault_inject_test_set(enum fault_site s, u64 rate, u64 seed, u64 ucopy_off)
{
	if (!saved) {
		boot_cfg = cfg;
		boot_on = fault_inject_on;
		saved = true;
	}
	/* SAFETY: s < FAULT_SITES (the enum); atomic stores of the counters. */
	cfg.rate[s] = rate;
	__atomic_store_n(&calls[s], 0, __ATOMIC_RELAXED);
	__atomic_store_n(&injected[s], 0, __ATOMIC_RELAXED);
	cfg.seed = seed;
	cfg.start_ns = cfg.stop_ns = 0;
	cfg.ucopy_off = ucopy_off;
	cfg.task_filter = false;
	/* SAFETY: an atomic store of the flag the hooks test. */
	__atomic_store_n(&fault_inject_on, true, __ATOMIC_RELEASE);
}

void fault_inject_test_filter(bool on)
{
	cfg.task_filter = on;
}

void fault_inject_test_restore(void)
{
	if (!saved)
		return;
	cfg = boot_cfg;
	saved = false;
	/* SAFETY: as above. */
	__atomic_store_n(&fault_inject_on, boot_on, __ATOMIC_RELEASE);
}
