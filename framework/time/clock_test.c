/*
 * clock_test.c — ktests of the monotonic clock, the HPET fallback and the APIC tick.
 */
#include <fw/ktest.h>
#include <fw/time.h>

#include "internal/clock.h"
#include "internal/x86.h"

KTEST(time, clock_monotonic)
{
	u64 prev = fw_time_ns();
	u64 backwards = 0;
	for (int i = 0; i < 100000; i++) {
		u64 now = fw_time_ns();
		if (now < prev)
			backwards++;
		prev = now;
	}
	KT_EXPECT_EQ(kt, backwards, 0u);
	KT_EXPECT_GT(kt, prev, fw_time_boot_entry_ns());
}

KTEST(time, clock_advances)
{
	u64 a = fw_time_ns();
	while (fw_time_ns() - a < FW_NSEC_PER_MSEC)
		cpu_pause();
	KT_EXPECT_GE(kt, fw_time_ns() - a, FW_NSEC_PER_MSEC);
}

KTEST(time, hpet_fallback_monotonic)
{
	KT_ASSERT(kt, clock_hpet_ns() != 0);
	u64 prev = clock_hpet_ns(), backwards = 0;
	for (int i = 0; i < 20000; i++) {
		u64 now = clock_hpet_ns();
		if (now < prev)
			backwards++;
		prev = now;
	}
	KT_EXPECT_EQ(kt, backwards, 0u);
}

KTEST(time, tsc_agrees_with_hpet)
{
	KT_ASSERT(kt, clock_source == CLOCK_TSC);
	u64 c0 = fw_time_ns(), h0 = clock_hpet_ns();
	while (clock_hpet_ns() - h0 < 20 * FW_NSEC_PER_MSEC)
		cpu_pause();
	u64 c1 = fw_time_ns(), h1 = clock_hpet_ns();
	u64 dc = c1 - c0, dh = h1 - h0;
	u64 diff = dc > dh ? dc - dh : dh - dc;
	/* 2% of 20 ms, plus slack for a descheduled vCPU between the two reads */
	KT_EXPECT_LT(kt, diff, dh / 50 + 200 * FW_NSEC_PER_USEC);
}

KTEST(time, timer_ticks)
{
	/* 5 ticks at FW_TICK_HZ take 20 ms; allow wide margins for emulation jitter */
	u64 t0 = fw_time_ns();
	u64 start = fw_time_ticks();
	while (fw_time_ticks() < start + 5 && fw_time_ns() - t0 < 2 * FW_NSEC_PER_SEC)
		irq_enable_and_halt();
	u64 elapsed = fw_time_ns() - t0;
	KT_ASSERT(kt, fw_time_ticks() >= start + 5);
	KT_EXPECT_GE(kt, elapsed, 4 * (FW_NSEC_PER_SEC / FW_TICK_HZ) - FW_NSEC_PER_MSEC);
	KT_EXPECT_LT(kt, elapsed, FW_NSEC_PER_SEC);
}

KTEST(time, tick_rate_matches_clock)
{
	/* Over 100 ms of clock time the tick count must match FW_TICK_HZ within 20%. */
	u64 t0 = fw_time_ns(), k0 = fw_time_ticks();
	while (fw_time_ns() - t0 < 100 * FW_NSEC_PER_MSEC)
		irq_enable_and_halt();
	u64 ticks = fw_time_ticks() - k0;
	u64 want = FW_TICK_HZ / 10;
	KT_EXPECT_GE(kt, ticks, want * 8 / 10);
	KT_EXPECT_LE(kt, ticks, want * 12 / 10 + 1);
}

KTEST(time, hpet_fallback_continues_clock)
{
	enum clock_source saved = clock_source;
	u64 before = fw_time_ns();
	KT_ASSERT(kt, clock_select_hpet());
	u64 mid = fw_time_ns();
	u64 backwards = 0, prev = mid;
	while (fw_time_ns() - mid < 5 * FW_NSEC_PER_MSEC) {
		u64 now = fw_time_ns();
		backwards += now < prev;
		prev = now;
	}
	u64 after = fw_time_ns();
	clock_source = saved;
	KT_EXPECT_GE(kt, mid, before);
	KT_EXPECT_LT(kt, mid - before, 2 * FW_NSEC_PER_MSEC); /* no jump on switching */
	KT_EXPECT_EQ(kt, backwards, 0u);
	KT_EXPECT_GE(kt, after - mid, 5 * FW_NSEC_PER_MSEC);
	KT_EXPECT_GE(kt, fw_time_ns(), after); /* and none on switching back */
}
