/*
 * internal/clock.h — the clock sources behind fw/time.h and the tick.
 *
 *   arch/x86_64/pit.c   pit_measure_tsc(): TSC cycles in a PIT-timed interval (calibration)
 *   arch/x86_64/hpet.c  the HPET main counter (fallback clock source)
 *   arch/x86_64/apic.c  the local APIC timer (the periodic tick)
 *   time/clock.c        source selection, conversion to ns, monotonic clamp
 */
#ifndef FW_INTERNAL_CLOCK_H
#define FW_INTERNAL_CLOCK_H

#include <fw/types.h>

/*
 * pit_start / pit_wait - time an interval of `pit_ticks` PIT cycles (1.193182 MHz) with
 * channel 2: pit_start() starts it, pit_wait() spins until it ends.
 * Returns (pit_wait): false when the PIT never signalled (no PIT). Context: boot, IF=0.
 */
void pit_start(u16 pit_ticks);
bool pit_wait(void);
#define PIT_HZ 1193182ull

/* hpet_init - find and enable the HPET; returns its period in femtoseconds (0: none). */
u64 hpet_init(void);
/* hpet_read - the main counter. Needs: hpet_init() returned non-zero. Context: any. */
u64 hpet_read(void);

/* clock_init - choose and calibrate the clock source. Context: boot, once, IF=0. */
void clock_init(void);

/* Which source fw_time_ns() reads. */
enum clock_source {
	CLOCK_NONE, /* before clock_init: fw_time_ns() returns 0 */
	CLOCK_TSC,
	CLOCK_HPET,
	CLOCK_TICKS, /* neither: the tick count (coarse) */
};
extern enum clock_source clock_source;
extern u64 clock_tsc_hz;

/* clock_select_hpet - switch fw_time_ns() to the HPET, continuing from the current time.
 * Returns false when there is no HPET. Context: any (tests switch back by assigning
 * clock_source). */
bool clock_select_hpet(void);

/* clock_stamp - a cheap count for timing stretches of one task (user time): the TSC when it
 * is usable, else fw_time_ns(). clock_stamp_ns - a difference of two stamps in ns.
 * Context: any. */
u64 clock_stamp(void);
u64 clock_stamp_ns(u64 stamps);

/* clock_tsc_mult - the TSC-to-ns multiplier (ns = tsc * mult >> 32; 0 without a usable TSC),
 * for the vDSO's data page. Context: any, after clock_init. */
u64 clock_tsc_mult(void);

/* clock_hpet_ns - nanoseconds read from the HPET, whatever the chosen source (for tests);
 * 0 when there is no HPET. */
u64 clock_hpet_ns(void);

/* apic_timer_init - start the periodic tick at FW_TICK_HZ. Context: boot, once, IF=0. */
void apic_timer_init(void);
/* The tick counter, incremented by the timer interrupt on the boot CPU. */
/* SAFETY: written by the timer interrupt; volatile so polling loops re-read it. */
extern volatile u64 clock_ticks;
/* APIC timer counts per tick (after calibration), for tests and the report. */
extern u32 apic_timer_count_per_tick;

#endif /* FW_INTERNAL_CLOCK_H */
