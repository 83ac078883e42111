/*
 * clock.c — the monotonic clock of fw/time.h: source selection, calibration, conversion.
 *
 * Choice, at boot: the TSC when CPUID reports one and two calibrations against the HPET
 * (5 ms each) agree within 1% (without an HPET: the shortest of five 2 ms PIT intervals);
 * otherwise (or with `clock=hpet`) the HPET main counter; with neither, the tick count.
 * Conversion is a multiply and a shift (ns = count * mult >> 32), with mult computed once, so
 * reading the clock never divides.
 *
 * The TSC is not synchronised across emulated CPUs, so every reading is clamped to the
 * largest value returned so far (one atomic compare-exchange): time never goes backwards for
 * anyone, at the price of a shared cache line. The TSC counts from the machine's reset, so
 * TSC-based time is time since power-on. The vDSO (user/vdso.c) computes the same
 * scale(rdtsc(), tsc_mult) in user mode, without the clamp: QEMU's TSC is one counter for all
 * vCPUs (docs/vdso.md), so a later reading on any CPU is never below an earlier one.
 */
#include <fw/time.h>

#include "internal/bootinfo.h"
#include "internal/clock.h"
#include "internal/printk.h"
#include "internal/vdso.h"
#include "arch/x86_64/x86.h"

enum clock_source clock_source = CLOCK_NONE;
u64 clock_tsc_hz;
/* SAFETY: written by the timer interrupt; volatile so readers re-read it. */
volatile u64 clock_ticks;

static u64 tsc_mult;  /* ns = tsc * tsc_mult >> 32 */
static u64 hpet_mult; /* ns = hpet * hpet_mult >> 32 */
static u64 hpet_offset_ns;
static u64 last_ns;
static u64 boot_entry_ns;

#define CAL_PIT_TICKS 2386u /* 2 ms */
#define CAL_WINDOW_NS (5 * FW_NSEC_PER_MSEC)

static u64 scale(u64 count, u64 mult)
{
	return (u64)(((unsigned __int128)count * mult) >> 32);
}

/*
 * A TSC and an HPET reading taken together: of three tries, the one whose two TSC reads are
 * closest (the vCPU was not descheduled in between). Returns the HPET time in ns.
 */
static u64 paired_read(u64 *tsc)
{
	u64 best_gap = ~0ull, best_ns = 0;
	for (int i = 0; i < 3; i++) {
		u64 a = rdtsc();
		u64 h = hpet_read();
		u64 b = rdtsc();
		if (b - a < best_gap) {
			best_gap = b - a;
			*tsc = a + (b - a) / 2;
			best_ns = scale(h, hpet_mult);
		}
	}
	return best_ns;
}

/* TSC frequency over one window timed by the HPET (both count wall time, so a descheduled
 * vCPU does not skew the result). */
static u64 tsc_hz_from_hpet(void)
{
	u64 t0, t1;
	u64 h0 = paired_read(&t0);
	while (scale(hpet_read(), hpet_mult) - h0 < CAL_WINDOW_NS)
		cpu_pause();
	u64 h1 = paired_read(&t1);
	u64 dns = h1 - h0;
	return dns ? (t1 - t0) * FW_NSEC_PER_SEC / dns : 0;
}

/* TSC frequency timed by the PIT: delays in noticing the PIT's end only lengthen a
 * measurement, so the shortest of five is the best estimate. */
static u64 tsc_hz_from_pit(void)
{
	u64 best = ~0ull;
	for (int i = 0; i < 5; i++) {
		pit_start(CAL_PIT_TICKS);
		u64 t0 = rdtsc();
		if (!pit_wait())
			return 0;
		u64 d = rdtsc() - t0;
		if (d < best)
			best = d;
	}
	return best * PIT_HZ / CAL_PIT_TICKS;
}

u64 clock_stamp(void)
{
	return tsc_mult ? rdtsc() : fw_time_ns();
}

u64 clock_stamp_ns(u64 stamps)
{
	return tsc_mult ? scale(stamps, tsc_mult) : stamps;
}

u64 clock_hpet_ns(void)
{
	return hpet_mult ? scale(hpet_read(), hpet_mult) : 0;
}

static u64 raw_ns(void)
{
	switch (clock_source) {
	case CLOCK_TSC:
		return scale(rdtsc(), tsc_mult);
	case CLOCK_HPET:
		return hpet_offset_ns + scale(hpet_read(), hpet_mult);
	case CLOCK_TICKS:
		return clock_ticks * (FW_NSEC_PER_SEC / FW_TICK_HZ);
	default:
		return 0;
	}
}

u64 fw_time_ns(void)
{
	u64 ns = raw_ns();
	/* SAFETY: atomic max of the readings returned so far (monotonic clamp). */
	u64 prev = __atomic_load_n(&last_ns, __ATOMIC_RELAXED);
	while (ns > prev) {
		if (__atomic_compare_exchange_n(&last_ns, &prev, ns, false, __ATOMIC_RELAXED,
						__ATOMIC_RELAXED))
			return ns;
	}
	return prev;
}

u64 fw_time_coarse_ns(void)
{
	/* SAFETY: an atomic read of the clamp above (the latest reading returned). */
	return __atomic_load_n(&last_ns, __ATOMIC_RELAXED);
}

bool clock_select_hpet(void)
{
	if (!hpet_mult)
		return false;
	u64 now = fw_time_ns();
	hpet_offset_ns = now - scale(hpet_read(), hpet_mult);
	clock_source = CLOCK_HPET;
	vdso_clock_changed(); /* the vDSO stops reading the TSC */
	return true;
}

u64 clock_tsc_mult(void)
{
	return tsc_mult;
}

u64 fw_time_ticks(void)
{
	return clock_ticks;
}

u64 fw_time_boot_entry_ns(void)
{
	return boot_entry_ns;
}

bool fw_time_source_is_tsc(void)
{
	return clock_source == CLOCK_TSC;
}

void clock_init(void)
{
	u64 hpet_period_fs = hpet_init();
	if (hpet_period_fs)
		hpet_mult = (hpet_period_fs << 32) / 1000000u;

	bool has_tsc = (cpuid(1, 0).edx >> 4) & 1;
	u32 max_ext = cpuid(0x80000000u, 0).eax;
	bool invariant = max_ext >= 0x80000007u && ((cpuid(0x80000007u, 0).edx >> 8) & 1);
	bool tsc_ok = false;
	if (has_tsc && hpet_mult) {
		/* two windows must agree within 1% */
		u64 a = tsc_hz_from_hpet(), b = tsc_hz_from_hpet();
		u64 hi = a > b ? a : b, lo = a > b ? b : a;
		if (lo && (hi - lo) * 100 < hi) {
			clock_tsc_hz = (a + b) / 2;
			tsc_ok = clock_tsc_hz > 1000000u;
		} else {
			printk(FW_LOG_WARN, "clock: TSC rate unstable against the HPET (%lu vs %lu Hz)",
			       a, b);
		}
	} else if (has_tsc) {
		clock_tsc_hz = tsc_hz_from_pit();
		tsc_ok = clock_tsc_hz > 1000000u;
	}
	bool force_hpet = boot_cmdline_is("clock", "hpet");
	if (tsc_ok)
		tsc_mult = (FW_NSEC_PER_SEC << 32) / clock_tsc_hz;
	if (tsc_ok && !(force_hpet && hpet_mult)) {
		clock_source = CLOCK_TSC;
		boot_entry_ns = scale(boot_entry_tsc, tsc_mult);
	} else if (hpet_mult) {
		/* Continue from the TSC's estimate of time since reset, when there is one. */
		if (tsc_ok) {
			boot_entry_ns = scale(boot_entry_tsc, tsc_mult);
			clock_source = CLOCK_TSC;
		}
		clock_select_hpet();
	} else {
		clock_source = CLOCK_TICKS;
	}
	printk(FW_LOG_INFO, "clock: source %s; TSC %s %lu.%03lu MHz%s; HPET %s",
	       clock_source == CLOCK_TSC ? "TSC" : clock_source == CLOCK_HPET ? "HPET" : "ticks",
	       tsc_ok ? "calibrated at" : "unusable,", (unsigned long)(clock_tsc_hz / 1000000),
	       (unsigned long)(clock_tsc_hz / 1000 % 1000), invariant ? " (invariant)" : "",
	       hpet_mult ? "present" : "absent");
}
